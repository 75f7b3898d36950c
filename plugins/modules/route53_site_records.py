#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: route53_site_records
short_description: Point a site's name at its target with alias records, with a record proving who owns them
version_added: 0.1.0
description:
  - Creates or updates the A (and AAAA) alias records of a name in a public hosted zone, and deletes them with
    O(state=absent).
  - Route 53 records carry no tags, so the owner is written next to them, as external-dns does - a TXT record at
    C(_lms-moodle.<name>) holding the tags of O(owner). The alias records and that ownership record change together,
    in one change batch.
  - A name that already answers with address records (A, AAAA or CNAME) whose ownership record does not hold
    O(owner) - made by hand, by another tool, or another environment's - is refused with O(state=present) unless
    O(take_over=true), and left alone with a warning with O(state=absent). C(amazon.aws.route53) with
    C(overwrite=true) replaces and deletes whatever record has the name.
  - Check mode reads the zone and predicts the change batch, writing nothing.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  zone:
    description: The public hosted zone (name) that holds O(name).
    type: str
    required: true
  name:
    description: The site's name, inside O(zone).
    type: str
    required: true
  state:
    description: Whether the records should exist.
    type: str
    choices: [present, absent]
    default: present
  alias:
    description: What the records point at. Required with O(state=present).
    type: dict
    suboptions:
      dns_name:
        description: The target's DNS name (a load balancer's or a CloudFront distribution's).
        type: str
        required: true
      hosted_zone_id:
        description: The target's canonical hosted zone id (C(Z2FDTNDATAQYW2) for every CloudFront distribution).
        type: str
        required: true
      evaluate_target_health:
        description: Whether Route 53 stops answering with the target when it has no healthy target.
        type: bool
        default: false
  types:
    description: The alias record types to have; an address record of another type at the name is deleted.
    type: list
    elements: str
    choices: [A, AAAA]
    default: [A]
  owner:
    description: The tags the ownership record holds, for example C(ManagedBy=lms.moodle) and C(Environment=prod).
    type: dict
    required: true
  take_over:
    description:
      - With O(state=present), replace address records at the name whose ownership record does not hold O(owner)
        (a site moving here from another server, say), and write the ownership record.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Point the site's name at the CloudFront distribution
  lms.moodle.route53_site_records:
    zone: example.edu
    name: moodle.example.edu
    alias:
      dns_name: d1234abcd.cloudfront.net
      hosted_zone_id: Z2FDTNDATAQYW2
    types: [A, AAAA]
    owner: {ManagedBy: lms.moodle, Environment: prod}

- name: Remove the site's records, when they are the environment's
  lms.moodle.route53_site_records:
    zone: example.edu
    name: moodle.example.edu
    owner: {ManagedBy: lms.moodle, Environment: prod}
    state: absent
"""

RETURN = r"""
records:
  description: The records at the name after the run (predicted in check mode), by type, and the owner.
  returned: always
  type: dict
  contains:
    zone_id:
      description: The hosted zone's id; empty when there is no such public zone (only with O(state=absent)).
      type: str
    A:
      description: Where the A record points (C(alias <dns name>), or the values of a plain record).
      type: str
      returned: when there is one
    AAAA:
      description: Where the AAAA record points.
      type: str
      returned: when there is one
    owner:
      description: The tags the ownership record holds; empty when there is none.
      type: dict
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.lms.moodle.plugins.module_utils.route53_site import (
    claim_problem,
    fqdn,
    owner_name,
    owner_of,
    owner_value,
    public_zone_id,
    read_site,
    shown,
)
from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore

OWNER_TTL = 300


def summary(zone_id: str, site: dict) -> dict:
    return {
        "zone_id": zone_id,
        **{kind: shown(record).split(" ", 1)[1] for kind, record in sorted(site["address"].items())},
        "owner": owner_of(site),
    }


def alias_record(name: str, kind: str, alias: dict) -> dict:
    return {
        "Name": fqdn(name),
        "Type": kind,
        "AliasTarget": {
            "HostedZoneId": alias["hosted_zone_id"],
            "DNSName": fqdn(alias["dns_name"]),
            "EvaluateTargetHealth": alias["evaluate_target_health"],
        },
    }


def owner_record(name: str, owner: dict) -> dict:
    return {
        "Name": owner_name(name),
        "Type": "TXT",
        "TTL": OWNER_TTL,
        "ResourceRecords": [{"Value": owner_value(owner)}],
    }


def same(current: dict | None, wanted: dict) -> bool:
    """Whether the record as read is the record wanted (Route 53 answers names in lower case with the final dot)."""
    if current is None:
        return False
    if "AliasTarget" in wanted:
        have = current.get("AliasTarget") or {}
        want = wanted["AliasTarget"]
        return (
            set(current) <= {"Name", "Type", "AliasTarget"}
            and have.get("HostedZoneId") == want["HostedZoneId"]
            and fqdn(have.get("DNSName", "")) == want["DNSName"]
            and have.get("EvaluateTargetHealth") == want["EvaluateTargetHealth"]
        )
    return current.get("TTL") == wanted["TTL"] and current.get("ResourceRecords") == wanted["ResourceRecords"]


def present_changes(module, zone_id: str, site: dict) -> list[dict]:
    params = module.params
    name, owner = params["name"], params["owner"]
    problem = claim_problem(site, name, owner)
    if problem and not params["take_over"]:
        module.fail_json(
            msg=f"{name.rstrip('.')} {problem}: it is not this environment's to point elsewhere. Choose another "
            "name, delete those records, or take the name over (take_over) to point it here.",
            records=summary(zone_id, site),
        )
    deletes = [
        {"Action": "DELETE", "ResourceRecordSet": record}
        for kind, record in sorted(site["address"].items())
        if kind not in params["types"]
    ]
    wanted = [owner_record(name, owner)] + [alias_record(name, kind, params["alias"]) for kind in params["types"]]
    current = {"TXT": site["owner"], **site["address"]}
    upserts = [{"Action": "UPSERT", "ResourceRecordSet": r} for r in wanted if not same(current.get(r["Type"]), r)]
    return deletes + upserts


def absent_changes(module, site: dict) -> list[dict]:
    params = module.params
    if not site["address"] and site["owner"] is None:
        return []
    left_alone = not_owned("DNS records of", params["name"].rstrip("."), owner_of(site), params["owner"])
    if left_alone:
        module.warn(f"{left_alone} (the ownership record {owner_name(params['name']).rstrip('.')} holds the tags)")
        return []
    records = [site["address"][kind] for kind in sorted(site["address"])] + [site["owner"]]
    return [{"Action": "DELETE", "ResourceRecordSet": record} for record in records if record]


def after_changes(site: dict, changes: list[dict]) -> dict:
    """The site as it is once the change batch is applied (the prediction in check mode)."""
    address, owner = dict(site["address"]), site["owner"]
    for change in changes:
        record = change["ResourceRecordSet"]
        if record["Type"] == "TXT":
            owner = record if change["Action"] == "UPSERT" else None
        elif change["Action"] == "UPSERT":
            address[record["Type"]] = record
        else:
            address.pop(record["Type"], None)
    return {"address": address, "owner": owner}


@AWSRetry.jittered_backoff()
def apply(client, zone_id: str, changes: list[dict]) -> None:
    client.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Comment": "lms.moodle site records", "Changes": changes}
    )


def main():
    argument_spec = dict(
        zone=dict(type="str", required=True),
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        alias=dict(
            type="dict",
            options=dict(
                dns_name=dict(type="str", required=True),
                hosted_zone_id=dict(type="str", required=True),
                evaluate_target_health=dict(type="bool", default=False),
            ),
        ),
        types=dict(type="list", elements="str", choices=["A", "AAAA"], default=["A"]),
        owner=dict(type="dict", required=True),
        take_over=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec, supports_check_mode=True, required_if=[("state", "present", ["alias"])]
    )
    params = module.params
    # Route 53 is global: its endpoint is us-east-1's whatever region the play names.
    client = module.client("route53", region="us-east-1")
    try:
        zone_id = public_zone_id(client, params["zone"])
        if zone_id is None:
            if params["state"] == "absent":
                module.exit_json(changed=False, records={"zone_id": "", "owner": {}})
            module.fail_json(msg=f"{params['zone']} is not a public hosted zone of this account.")
        site = read_site(client, zone_id, params["name"])
        if params["state"] == "present":
            changes = present_changes(module, zone_id, site)
        else:
            changes = absent_changes(module, site)
        if changes and not module.check_mode:
            apply(client, zone_id, changes)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Route 53 records of {params['name']} in {params['zone']}")
    before, after = summary(zone_id, site), summary(zone_id, after_changes(site, changes))
    module.exit_json(changed=bool(changes), records=after, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
