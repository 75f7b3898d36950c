#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_cache_store
short_description: Declare Moodle cache (MUC) Redis/Valkey store instances and the application and session mappings
version_added: 0.1.0
description:
  - Adds and edits Redis (or Valkey, which speaks the same protocol) store instances of the Moodle Universal Cache
    and maps the application and session cache modes to stores, as the cache administration pages do, through
    Moodle's own config writer (C(cache_config_writer) of C(cache/locallib.php) in Moodle 4.4,
    C(\core_cache\config_writer) in 4.5 and later, chosen by the C($branch) of C(version.php)).
  - Moodle has no CLI script for this, so the module runs a small PHP script shipped with the collection
    (C(php -r), as O(web_user)) that bootstraps Moodle from C(config.php), reads the store instances and mode
    mappings, and applies only the differences. The request, passwords included, goes to the script on its
    standard input, never on the command line.
  - Before adding or editing a store the script creates it with the new configuration and requires it to be
    ready (connected); a store Moodle cannot connect to fails the module and nothing is written.
  - Then, with O(purge=true), it purges the stores that were added or edited and the stores the changed mappings
    now point to, because they may hold data of an earlier configuration.
  - The configuration is written to C(dataroot/muc/config.php) (or C($CFG->altcacheconfigpath)), which the whole
    cluster shares; run the module once, for example with C(run_once).
  - Stores are never deleted and the request mode mapping is never changed by this module.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  stores:
    description:
      - The Redis store instances that must exist with exactly this configuration (options left out take their
        default, as in the form of the admin page).
      - Stores of the site that are not listed are left alone.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The store instance name (letters, digits, C(_) and C(-)).
        type: str
        required: true
      server:
        description:
          - The Redis server as C(host:port) (port 6379 when omitted) or a unix socket path.
          - With O(stores[].cluster_mode=true) a list of the cluster's nodes.
        type: list
        elements: str
        required: true
      encryption:
        description:
          - Connect with TLS (the store's C(encryption) setting), required by ElastiCache Serverless and by
            replication groups with transit encryption.
        type: bool
        default: false
      ca_file:
        description:
          - Path (on the web servers) of the CA bundle to verify the server certificate with (the store's
            C(cafile) setting).
          - Without it Moodle does not verify the certificate of a TLS connection.
        type: str
        default: ""
      password:
        description: The Redis AUTH password; empty for none.
        type: str
        default: ""
      prefix:
        description: The key prefix (letters, digits, C(_) and C(-)).
        type: str
        default: ""
      serializer:
        description: The serializer (C(igbinary) needs the PHP igbinary extension with phpredis built for it).
        type: str
        choices: [php, igbinary]
        default: php
      compressor:
        description: The compressor (C(zstd) needs the PHP zstd extension).
        type: str
        choices: [none, gzip, zstd]
        default: none
      cluster_mode:
        description: Connect to a Redis cluster (the store's C(clustermode) setting).
        type: bool
        default: false
  mappings:
    description:
      - The stores of the application and session modes, in order; a mode left out keeps its mapping.
      - The stores must exist in the site or be declared in O(stores).
    type: dict
    suboptions:
      application:
        description: The stores of the application mode, for example C([redis]).
        type: list
        elements: str
      session:
        description: The stores of the session mode.
        type: list
        elements: str
  purge:
    description: Whether to purge the stores that were added or edited and those the changed mappings point to.
    type: bool
    default: true
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.check_mode_full_diff_full
seealso:
  - module: lms.moodle.moodle_info
  - module: lms.moodle.moodle_config
notes:
  - Moodle's documentation recommends Redis for the application and session modes, not the request mode.
  - A site that uses C($CFG->alternative_cache_factory_class) (tool_forcedcache) has a read-only configuration;
    the writer then fails and the module reports Moodle's error.
  - Checked against C(cache/locallib.php) and C(cache/stores/redis) of Moodle 4.4.3+.
"""

EXAMPLES = r"""
- name: Cache the application and the sessions in ElastiCache Serverless (TLS, verified)
  lms.moodle.moodle_cache_store:
    dirroot: /var/www/moodle/current
    web_user: www-data
    stores:
      - name: redis
        server: [master.moodle-cache.abc123.use1.cache.amazonaws.com:6379]
        encryption: true
        ca_file: /etc/ssl/certs/ca-certificates.crt
        password: "{{ moodle_redis_auth_token }}"
        prefix: mdl_
        serializer: igbinary
    mappings:
      application: [redis]
      session: [redis]
  become: true
  run_once: true
"""

RETURN = r"""
stores:
  description: The store instances of the site after the module ran (predicted in check mode), passwords masked.
  returned: success
  type: dict
  sample: {"redis": {"plugin": "redis", "default": false, "configuration": {"server": "cache:6379",
           "password": "********", "prefix": "mdl_", "serializer": 2, "compressor": 0, "encryption": 1,
           "cafile": "", "clustermode": 0}}}
mappings:
  description: The stores of each mode after the module ran (predicted in check mode).
  returned: success
  type: dict
  sample: {"application": ["redis"], "session": ["redis"], "request": ["default_request"]}
changes:
  description: What the module changed (or would change), one line per store or mode.
  returned: success
  type: list
  elements: str
  sample: ["add store redis", "edit store redis: prefix, password", "map application to redis"]
purged:
  description: The stores that were purged (in check mode, that would be purged).
  returned: success
  type: list
  elements: str
not_purged:
  description: Stores to purge that Moodle could not purge because they were not ready.
  returned: success
  type: list
  elements: str
writer:
  description: The config writer class used, chosen by the Moodle branch.
  returned: success
  type: str
  sample: cache_config_writer
diff:
  description: The stores (passwords masked) and the mappings, before and after.
  returned: success
  type: dict
commands:
  description: The commands the module ran, as argument lists (the PHP script shown by name).
  returned: always
  type: list
  elements: list
"""

import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    REDACTED,
    MoodleCLIError,
    cli_from_params,
    moodle_cli_argument_spec,
)
from ansible_collections.lms.moodle.plugins.module_utils.moodle_muc import masked, run_muc, writer_classes

NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")  # PARAM_ALPHANUMEXT of the store name and prefix
SERIALIZERS = {"php": 1, "igbinary": 2}  # Redis::SERIALIZER_PHP, Redis::SERIALIZER_IGBINARY
COMPRESSORS = {"none": 0, "gzip": 1, "zstd": 2}  # cachestore_redis::COMPRESSOR_*
# What the Redis store assumes for a key missing from its configuration (cache/stores/redis/lib.php).
DEFAULTS = {
    "server": "",
    "prefix": "",
    "password": "",
    "serializer": "1",
    "compressor": "0",
    "encryption": "0",
    "cafile": "",
    "clustermode": "0",
}
FLAGS = ("encryption", "clustermode")


def normalize(key, value):
    """A configuration value as text for comparing (flags as 0/1, a missing value as the store's default)."""
    if value is None or value == "":
        return DEFAULTS.get(key, "")
    if key in FLAGS or isinstance(value, bool):
        return "1" if value not in (False, 0, "0") else "0"
    return str(value)


def wanted_configuration(store):
    """The cachestore_redis configuration of one item of the stores option (keys of the admin form)."""
    return {
        "server": "\n".join(server.strip() for server in store["server"]),
        "prefix": store["prefix"],
        "password": store["password"],
        "serializer": SERIALIZERS[store["serializer"]],
        "compressor": COMPRESSORS[store["compressor"]],
        "encryption": 1 if store["encryption"] else 0,
        "cafile": store["ca_file"],
        "clustermode": 1 if store["cluster_mode"] else 0,
    }


def validate(params):
    names = [store["name"] for store in params["stores"]]
    for store in params["stores"]:
        if not NAME_RE.match(store["name"]):
            raise MoodleCLIError(f"stores: invalid store name {store['name']!r} (letters, digits, _ and - only)")
        if store["prefix"] and not NAME_RE.match(store["prefix"]):
            raise MoodleCLIError(f"stores[{store['name']}].prefix: {store['prefix']!r} is not letters, digits, _, -")
        if not [server for server in store["server"] if server.strip()]:
            raise MoodleCLIError(f"stores[{store['name']}].server: give at least one server")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise MoodleCLIError(f"stores: store {', '.join(duplicates)} is declared more than once")


def store_changes(current, store):
    """The configuration keys of a declared store that differ from the site (password by the script's check)."""
    wanted = wanted_configuration(store)
    configuration = current["configuration"]
    changed = [
        key
        for key in wanted
        if key != "password" and normalize(key, configuration.get(key)) != normalize(key, wanted[key])
    ]
    if not current["password_matches"]:
        changed.append("password")
    return changed


def plan_stores(state, params):
    """The add/edit actions, the change lines and the predicted stores."""
    actions, changes, predicted = [], [], {name: masked(store) for name, store in state["stores"].items()}
    for store in params["stores"]:
        name, wanted = store["name"], wanted_configuration(store)
        current = state["stores"].get(name)
        if current is None:
            actions.append({"action": "add", "name": name, "plugin": "redis", "configuration": wanted})
            changes.append(f"add store {name}")
        elif current["plugin"] != "redis":
            raise MoodleCLIError(
                f"store {name} exists with the {current['plugin']} plugin; this module manages Redis stores only "
                "(choose another name)"
            )
        else:
            changed = store_changes(current, store)
            if not changed:
                continue
            actions.append({"action": "edit", "name": name, "plugin": "redis", "configuration": wanted})
            changes.append(f"edit store {name}: {', '.join(changed)}")
        shown = {**(predicted.get(name) or {}).get("configuration", {}), **wanted}
        shown["password"] = REDACTED if wanted["password"] else ""
        predicted[name] = {"plugin": "redis", "default": False, "configuration": shown}
    return actions, changes, predicted


def plan_mappings(state, params, known):
    """The mappings action (or None), the change lines and the predicted mappings."""
    wanted = {mode: stores for mode, stores in (params["mappings"] or {}).items() if stores is not None}
    mappings = {**state["mappings"], **wanted}
    for mode, stores in wanted.items():
        missing = [store for store in stores if store not in known]
        if missing:
            raise MoodleCLIError(f"mappings.{mode}: no store {', '.join(missing)} in the site nor in stores")
        if len(set(stores)) != len(stores):
            raise MoodleCLIError(f"mappings.{mode}: a store is listed twice")
    changed = {mode: stores for mode, stores in wanted.items() if stores != state["mappings"][mode]}
    changes = [f"map {mode} to {', '.join(stores) or '(the default store)'}" for mode, stores in changed.items()]
    return ({"action": "mappings", "mappings": changed} if changed else None), changes, mappings, changed


def to_purge(actions, changed_mappings):
    names = [action["name"] for action in actions if action["action"] in ("add", "edit")]
    for stores in changed_mappings.values():
        names.extend(stores)
    return sorted(set(names))


def check_after(state, params):
    """Fail when the state the script printed after the change still differs from the declaration."""
    for store in params["stores"]:
        current = state["stores"].get(store["name"])
        if current is None or store_changes(current, store):
            raise MoodleCLIError(f"store {store['name']} still differs from its declaration after the change")
    for mode, stores in (params["mappings"] or {}).items():
        if stores is not None and state["mappings"][mode] != stores:
            raise MoodleCLIError(f"the {mode} mode is still mapped to {state['mappings'][mode]} after the change")


def ensure(cli, params, check_mode):
    passwords = {store["name"]: store["password"] for store in params["stores"]}
    before = run_muc(cli, passwords=passwords)
    actions, changes, stores = plan_stores(before, params)
    known = set(before["stores"]) | set(passwords)
    mapping_action, mapping_changes, mappings, changed_mappings = plan_mappings(before, params, known)
    actions += [mapping_action] if mapping_action else []
    purge = to_purge(actions, changed_mappings) if params["purge"] and actions else []
    not_purged = []
    if actions and not check_mode:
        after = run_muc(cli, actions=actions, passwords=passwords, purge=purge)
        check_after(after, params)
        stores = {name: masked(store) for name, store in after["stores"].items()}
        mappings, purge, not_purged = after["mappings"], after["purged"], after["not_purged"]
    before_shown = {"stores": {name: masked(store) for name, store in before["stores"].items()}}
    return {
        "changed": bool(actions),
        "stores": stores,
        "mappings": mappings,
        "changes": changes + mapping_changes,
        "purged": purge,
        "not_purged": not_purged,
        "writer": writer_classes(cli.version_info().get("branch"))["writer"],
        "diff": {
            "before": {**before_shown, "mappings": before["mappings"]},
            "after": {"stores": stores, "mappings": mappings},
        },
    }


def main():
    store_spec = dict(
        name=dict(type="str", required=True),
        server=dict(type="list", elements="str", required=True),
        encryption=dict(type="bool", default=False),
        ca_file=dict(type="str", default=""),
        password=dict(type="str", default="", no_log=True),
        prefix=dict(type="str", default=""),
        serializer=dict(type="str", choices=list(SERIALIZERS), default="php"),
        compressor=dict(type="str", choices=list(COMPRESSORS), default="none"),
        cluster_mode=dict(type="bool", default=False),
    )
    argument_spec = moodle_cli_argument_spec()
    argument_spec.update(
        stores=dict(type="list", elements="dict", options=store_spec, default=[]),
        mappings=dict(
            type="dict",
            options=dict(application=dict(type="list", elements="str"), session=dict(type="list", elements="str")),
        ),
        purge=dict(type="bool", default=True),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    secrets = [store["password"] for store in module.params["stores"]]
    cli = cli_from_params(module.params, secrets=secrets)
    try:
        validate(module.params)
        result = ensure(cli, module.params, module.check_mode)
    except MoodleCLIError as e:
        # The script checks every store before writing: a refused store or a missing plugin changed nothing.
        refused = getattr(e, "kind", None) in ("plugin_missing", "requirements", "not_ready", "writer")
        ran = len(cli.commands) > 1 and not refused
        module.fail_json(changed=ran, commands=cli.commands, **e.to_fail_kwargs())
    module.exit_json(commands=cli.commands, **result)


if __name__ == "__main__":
    main()
