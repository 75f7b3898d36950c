# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site's records in Route 53 and the proof of who made them.

Route 53 records carry no tags. As external-dns does, the owner is written next to them: a TXT record at
``_lms-moodle.<site name>`` holding the owner tags (``ManagedBy=lms.moodle,Environment=prod``). The site's A and
AAAA records are changed or deleted only together with that record, in one change batch, and only when it names
the environment (or, on creation, when the name has no address records yet).
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

OWNER_PREFIX = "_lms-moodle."
ADDRESS_TYPES = ("A", "AAAA", "CNAME")


def fqdn(name: str) -> str:
    return name.rstrip(".").lower() + "."


def owner_name(name: str) -> str:
    return fqdn(OWNER_PREFIX + name.rstrip("."))


def owner_value(tags: dict[str, str]) -> str:
    """The TXT record's value: the owner tags in key order, quoted as Route 53 wants a TXT string."""
    return '"' + ",".join(f"{key}={tags[key]}" for key in sorted(tags)) + '"'


def owner_tags(value: str | None) -> dict[str, str]:
    """The tags an ownership record holds ({} for none, or for a TXT record that is not one)."""
    if not value:
        return {}
    pairs = [pair.split("=", 1) for pair in value.strip('"').split(",") if "=" in pair]
    return {key.strip(): item.strip() for key, item in pairs}


@AWSRetry.jittered_backoff()
def public_zone_id(client, zone: str) -> str | None:
    """The id of the public hosted zone named ``zone``; None when the account has none."""
    found = client.list_hosted_zones_by_name(DNSName=fqdn(zone), MaxItems="100")["HostedZones"]
    ids = [z["Id"] for z in found if z["Name"].lower() == fqdn(zone) and not z.get("Config", {}).get("PrivateZone")]
    return ids[0].split("/")[-1] if ids else None


@AWSRetry.jittered_backoff()
def record_sets(client, zone_id: str, name: str) -> list[dict]:
    """Every record set named exactly ``name`` (the listing starts there and runs on into the next names)."""
    sets = client.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=fqdn(name), MaxItems="20")
    return [record for record in sets["ResourceRecordSets"] if record["Name"].lower() == fqdn(name)]


def read_site(client, zone_id: str, name: str) -> dict:
    """The address records at ``name`` by type (A, AAAA, CNAME), and the ownership record (None when missing)."""
    address = {r["Type"]: r for r in record_sets(client, zone_id, name) if r["Type"] in ADDRESS_TYPES}
    owner = next((r for r in record_sets(client, zone_id, owner_name(name)) if r["Type"] == "TXT"), None)
    return {"address": address, "owner": owner}


def owner_of(site: dict) -> dict[str, str]:
    records = (site["owner"] or {}).get("ResourceRecords", [])
    return owner_tags(records[0]["Value"]) if len(records) == 1 else {}


def shown(record: dict) -> str:
    """A record set as a person reads it: its type and where it points."""
    alias = record.get("AliasTarget")
    target = alias["DNSName"].rstrip(".") if alias else ", ".join(r["Value"] for r in record.get("ResourceRecords", []))
    return f"{record['Type']} {'alias ' if alias else ''}{target}"


def claim_problem(site: dict, name: str, owner: dict[str, str]) -> str:
    """Why the records at ``name`` are not this owner's to change, to follow the name in a sentence: the name already
    answers with records that the ownership record does not give to ``owner`` (made by hand, by another tool, or
    another environment's). Empty when the name has no address records, or they are ``owner``'s."""
    if not site["address"]:
        return ""
    found = owner_of(site)
    differ = sorted(key for key, value in owner.items() if found.get(key) != str(value))
    if not differ:
        return ""
    records = "; ".join(shown(record) for record in site["address"].values())
    proof = (
        "there is no ownership record " + owner_name(name).rstrip(".")
        if site["owner"] is None
        else "its ownership record says " + ", ".join(f"{k}={found[k]!r}" if k in found else f"no {k}" for k in differ)
    )
    return f"already answers ({records}) and {proof}"
