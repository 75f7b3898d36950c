#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: secretsmanager_generated_secret
short_description: Generate a random secret into AWS Secrets Manager once, and return it on every run
version_added: 0.2.0
description:
  - Ensures that the Secrets Manager secret O(name) exists. When it does not, creates it with a random value
    generated on the controller from the operating system's cryptographic random source (Python C(secrets)),
    O(length) characters of O(character_class).
  - When the secret exists, its value is B(never) changed; only its description and tags are updated. The
    current value is read and returned, so that every run hands the same value to the tasks that need it
    (a header that a load balancer checks, a password a service was created with).
  - A secret that is scheduled for deletion is restored (with its old value) rather than replaced.
  - With O(state=absent), deletes the secret after a recovery window of O(recovery_window_days), or at once.
  - B(The value is returned in RV(value). Set C(no_log=true) on every task that calls this module and on every
    task that uses the value), or Ansible prints it. The module never puts the value anywhere else - not in
    RV(secret), not in the diff, not in a message.
author:
  - lms.moodle maintainers (@lms-moodle)
notes:
  - The module does not mark RV(value) as sensitive itself, because Ansible would then mask it in the
    registered result too and the caller could not use it.
  - The value is a plain string (C(SecretString)). A secret that holds binary data makes the module fail.
  - Rotation is out of scope; a rotated secret keeps working, the module returns the current value.
options:
  name:
    description:
      - Name of the secret, for example C(prod/moodle/origin-verify).
    type: str
    required: true
  description:
    description:
      - Description of the secret. Not managed when omitted.
    type: str
  length:
    description:
      - Number of characters of a generated value (16 to 4096). Ignored for an existing secret.
    type: int
    default: 40
  character_class:
    description:
      - Characters of a generated value. C(alphanumeric) (letters and digits) is safe in HTTP header values,
        URLs, shell words and configuration files; C(urlsafe) adds C(-) and C(_); C(hex) is lower-case
        hexadecimal. Ignored for an existing secret.
    type: str
    choices: [alphanumeric, urlsafe, hex]
    default: alphanumeric
  recovery_window_days:
    description:
      - With O(state=absent), how many days (7 to 30) Secrets Manager keeps the deleted secret recoverable.
        C(0) deletes it at once, without recovery (a secret of the same name can then be created again at once).
    type: int
    default: 30
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
  - lms.moodle.owned_by
  - lms.moodle.state
"""

EXAMPLES = r"""
# no_log: the result holds the value.
- name: Keep the origin-verify header value in Secrets Manager
  lms.moodle.secretsmanager_generated_secret:
    name: prod/moodle/origin-verify
    description: Header value that CloudFront sends and the load balancer requires
    length: 48
    tags:
      Environment: prod
  register: origin_secret
  no_log: true

- name: Use the value without printing it
  ansible.builtin.set_fact:
    origin_verify_value: "{{ origin_secret.value }}"
  no_log: true

- name: Delete the secret at once (no recovery window)
  lms.moodle.secretsmanager_generated_secret:
    name: prod/moodle/origin-verify
    state: absent
    recovery_window_days: 0
"""

RETURN = r"""
secret:
  description:
    - The secret's metadata after the change; with O(state=absent), the secret before its deletion (empty if none).
      In check mode, the prediction. Never the value.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the secret; null for a secret predicted in check mode.
      type: str
      sample: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/moodle/origin-verify-AbCdEf
    name:
      description: Name of the secret.
      type: str
      sample: prod/moodle/origin-verify
    description:
      description: Description of the secret.
      type: str
    tags:
      description: Tags of the secret.
      type: dict
      sample: {Environment: prod}
    created:
      description: Whether this run created the secret (generated its value).
      type: bool
      sample: false
value:
  description:
    - B(Sensitive.) The value of the secret - generated now or read from Secrets Manager. Null with
      O(state=absent), and in check mode when the secret would be created or restored.
    - Use C(no_log=true) on the task and on every task that uses it.
  returned: always
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.arguments import owned_by_option, state_option, tags_options
from ansible_collections.lms.moodle.plugins.module_utils.failures import fail_aws
from ansible_collections.lms.moodle.plugins.module_utils.secretsmanager import (
    CHARACTER_CLASSES,
    AnsibleSecretsManagerError,
    create_secret,
    delete_secret,
    describe_secret,
    description_change,
    generate_value,
    is_scheduled_for_deletion,
    predicted,
    read_value,
    restore_secret,
    secret_tags,
    summary,
    tag_secret,
    untag_secret,
    update_description,
    validate_options,
)
from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned, tag_changes, with_tag_changes


def ensure_absent(module, client):
    current = describe_secret(client, module.params["name"])
    window = module.params["recovery_window_days"]
    # A secret already scheduled for deletion is gone for our purposes, unless it must go at once.
    if current is None or (is_scheduled_for_deletion(current) and window != 0):
        return False, current, None, None
    left_alone = not_owned("secret", module.params["name"], secret_tags(current), module.params["owned_by"])
    if left_alone:
        module.warn(left_alone)
        return False, current, current, None
    if not module.check_mode:
        delete_secret(client, current["ARN"], window)
    return True, current, None, None


def ensure_present(module, client):
    params = module.params
    current = describe_secret(client, params["name"])
    if current is None:
        return create(module, client)
    changed = is_scheduled_for_deletion(current)
    if changed and not module.check_mode:
        restore_secret(client, current["ARN"])
    changed |= update_metadata(module, client, current)
    after = current
    if changed and not module.check_mode:
        after = describe_secret(client, current["ARN"])
    elif changed:
        after = predicted_update(module, current)
    restored_in_check_mode = module.check_mode and is_scheduled_for_deletion(current)
    value = None if restored_in_check_mode else current_value(module, client, current["ARN"])
    return changed, current, after, value


def create(module, client):
    params = module.params
    tags = params["tags"] or {}
    if module.check_mode:
        return True, None, predicted(params["name"], params["description"], tags), None
    value = generate_value(params["length"], params["character_class"])
    arn = create_secret(client, params["name"], value, params["description"], tags)
    return True, None, describe_secret(client, arn), value


def update_metadata(module, client, current):
    """Update the description and the tags; whether anything changes (changed in check mode: would change)."""
    params = module.params
    description = description_change(current, params["description"])
    to_set, to_unset = tag_changes(secret_tags(current), params["tags"], params["purge_tags"])
    if module.check_mode:
        return bool(description is not None or to_set or to_unset)
    if description is not None:
        update_description(client, current["ARN"], description)
    if to_unset:
        untag_secret(client, current["ARN"], to_unset)
    if to_set:
        tag_secret(client, current["ARN"], to_set)
    return bool(description is not None or to_set or to_unset)


def predicted_update(module, current):
    params = module.params
    to_set, to_unset = tag_changes(secret_tags(current), params["tags"], params["purge_tags"])
    tags = with_tag_changes(secret_tags(current), to_set, to_unset)
    description = current.get("Description") if params["description"] is None else params["description"]
    return {**predicted(current["Name"], description, tags), "ARN": current["ARN"]}


def current_value(module, client, arn):
    value = read_value(client, arn)
    if value is None:
        module.fail_json(msg=f"Secret {module.params['name']} holds binary data, not a string; nothing was changed")
    return value


def main():
    argument_spec = dict(
        **state_option(),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        length=dict(type="int", default=40),
        character_class=dict(type="str", choices=sorted(CHARACTER_CLASSES), default="alphanumeric"),
        recovery_window_days=dict(type="int", default=30),
        **tags_options(),
        **owned_by_option(),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    problem = validate_options(module.params)
    if problem:
        module.fail_json(msg=problem)
    client = module.client("secretsmanager")
    try:
        if module.params["state"] == "absent":
            changed, current, after, value = ensure_absent(module, client)
        else:
            changed, current, after, value = ensure_present(module, client)
    except AnsibleSecretsManagerError as e:
        fail_aws(module, e)
    created = current is None and after is not None
    secret = summary(after or (current if module.params["state"] == "absent" else None), created)
    module.exit_json(
        changed=changed,
        secret=secret,
        value=value,
        diff={"before": summary(current), "after": summary(after, created)},
    )


if __name__ == "__main__":
    main()
