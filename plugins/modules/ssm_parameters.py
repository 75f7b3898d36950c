#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ssm_parameters
short_description: Write or remove several plain-text SSM parameters in one task
version_added: 0.1.0
description:
  - Writes each parameter of O(parameters) as a C(String) in the given tier when its value differs from the stored
    one, and deletes the parameters whose value is empty. A parameter whose value is already stored is not written.
  - Reads the current values with C(GetParameters) and deletes with C(DeleteParameters), ten names a call. One
    process does all of them, whereas C(community.aws.ssm_parameter) in a loop starts a process for each
    parameter, about a second each.
  - A new parameter gets O(tags) when it is created. An existing parameter that is written gets them with
    C(AddTagsToResource), since C(PutParameter) takes no tags when it overwrites.
  - Not for secrets. The values are plain text and are shown in the diff. Use Secrets Manager for secrets.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  parameters:
    description: The parameters, by full name.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The full name, such as C(/lms-moodle/prod/database/endpoint).
        type: str
        required: true
      value:
        description: The value. An empty value deletes the parameter.
        type: str
        required: true
      description:
        description: The description, set when the parameter is written.
        type: str
        default: ""
  tags:
    description: Tags of every parameter written.
    type: dict
    default: {}
  tier:
    description: The tier of the parameters written.
    type: str
    default: Standard
    choices: [Standard, Advanced, Intelligent-Tiering]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
"""

EXAMPLES = r"""
- name: Write the endpoints, and remove the one that is gone
  lms.moodle.ssm_parameters:
    parameters:
      - {name: /lms-moodle/prod/database/endpoint, value: prod.cluster-abc.eu-west-1.rds.amazonaws.com}
      - {name: /lms-moodle/prod/cache/application/endpoint, value: ""}
    tags: {Project: moodle}
"""

RETURN = r"""
written:
  description: The names of the parameters written (created or overwritten).
  returned: always
  type: list
  elements: str
removed:
  description: The names of the parameters deleted.
  returned: always
  type: list
  elements: str
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    from botocore.exceptions import BotoCoreError, ClientError

BATCH = 10  # GetParameters and DeleteParameters take at most ten names


def batches(names):
    return [names[start : start + BATCH] for start in range(0, len(names), BATCH)]


@AWSRetry.jittered_backoff()
def stored_values(client, names):
    values = {}
    for batch in batches(names):
        for parameter in client.get_parameters(Names=batch)["Parameters"]:
            values[parameter["Name"]] = parameter["Value"]
    return values


@AWSRetry.jittered_backoff()
def write(client, parameter, tier, tags, exists):
    request = {
        "Name": parameter["name"],
        "Value": parameter["value"],
        "Type": "String",
        "Tier": tier,
        "Description": parameter["description"],
    }
    if exists:
        client.put_parameter(Overwrite=True, **request)
        if tags:
            client.add_tags_to_resource(ResourceType="Parameter", ResourceId=parameter["name"], Tags=tags)
    else:
        client.put_parameter(**request, **({"Tags": tags} if tags else {}))


@AWSRetry.jittered_backoff()
def delete(client, names):
    for batch in batches(names):
        client.delete_parameters(Names=batch)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            parameters=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    name=dict(type="str", required=True),
                    value=dict(type="str", required=True),
                    description=dict(type="str", default=""),
                ),
            ),
            tags=dict(type="dict", default={}),
            tier=dict(type="str", default="Standard", choices=["Standard", "Advanced", "Intelligent-Tiering"]),
        ),
        supports_check_mode=True,
    )
    parameters = module.params["parameters"]
    names = [parameter["name"] for parameter in parameters]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        module.fail_json(msg=f"parameters names {', '.join(duplicates)} more than once")
    tags = [{"Key": str(key), "Value": str(value)} for key, value in module.params["tags"].items()]
    client = module.client("ssm")
    try:
        stored = stored_values(client, names)
    except (ClientError, BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not read the SSM parameters")
    to_write = [p for p in parameters if p["value"] and stored.get(p["name"]) != p["value"]]
    to_remove = [p["name"] for p in parameters if not p["value"] and p["name"] in stored]
    changed = bool(to_write or to_remove)
    if changed and not module.check_mode:
        try:
            for parameter in to_write:
                write(client, parameter, module.params["tier"], tags, parameter["name"] in stored)
            delete(client, to_remove)
        except (ClientError, BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not write the SSM parameters")
    changing = [p["name"] for p in to_write] + to_remove
    module.exit_json(
        changed=changed,
        written=[p["name"] for p in to_write],
        removed=to_remove,
        diff={
            "before": {name: stored[name] for name in changing if name in stored},
            "after": {p["name"]: p["value"] for p in to_write},
        },
    )


if __name__ == "__main__":
    main()
