# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Moodle's cache configuration (MUC) read and written through Moodle's own config writer.

There is no admin CLI script for MUC, so MUC_PHP below (shipped with the collection as a string, because AnsiballZ
ships module_utils Python files only) is run with `php -r` through the runner (MoodleCLI.run_php_code), as the
web user. It reads a JSON request on its standard input (passwords travel there, never in argv), bootstraps
Moodle from the config.php named in the request, applies the requested actions and prints one line
`LMS_MOODLE_MUC_JSON:<json>` with the state after them. Stored passwords are never printed: the script prints
whether one is set and whether it equals the password given for that store in the request.

Moodle facts this relies on (checked against Moodle 4.4.3+):
- cache/locallib.php class cache_config_writer (4.5+: \\core_cache\\config_writer, cache/locallib.php removed):
  instance(), get_all_stores() (name => [name, plugin, configuration, default, class, lock?]), get_mode_mappings()
  (list of [store, mode, sort]), add_store_instance($name, $plugin, $configuration) (instantiates the store and
  calls instance_created(), no connection test), edit_store_instance($name, $plugin, $configuration) (keeps the
  store's lock only when the configuration carries a 'lock' key), set_mode_mappings([mode => [store, ...]])
  (replaces the mappings of all three modes). Each call saves dataroot/muc/config.php (or altcacheconfigpath).
- cache_store::MODE_APPLICATION 1, MODE_SESSION 2, MODE_REQUEST 4 (cache/classes/store.php).
- cachestore_redis configuration keys (cache/stores/redis/lib.php config_get_configuration_array() and
  addinstanceform.php): server (host:port, one per line; several only with clustermode), prefix, password,
  serializer (Redis::SERIALIZER_PHP 1, Redis::SERIALIZER_IGBINARY 2), compressor (0 none, 1 gzip, 2 zstd),
  encryption (TLS; with cafile the server certificate is verified against it, without it not verified), cafile,
  clustermode. A store that cannot connect is not is_ready() and logs "Failed to connect to Redis at ..." through
  debugging().
- cache_helper::purge_store($name, $config) (4.5+: \\core_cache\\helper) purges every definition of a ready store
  and returns false for a store that is not ready.
"""

from __future__ import annotations

import json
from typing import Any

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    REDACTED,
    MoodleCLI,
    MoodleCLIError,
    failure,
    marker_json,
)

MARKER = "LMS_MOODLE_MUC_JSON:"
LABEL = "lms.moodle MUC script"
MODES = ("application", "session", "request")

# The PHP run with `php -r` (no opening tag). Exit 0 with ok=true, 3 with ok=false and kind/error.
MUC_PHP = r"""
$input = json_decode(stream_get_contents(STDIN), true);
if (!is_array($input) || empty($input['config'])) {
    fwrite(STDERR, "lms.moodle MUC script: no JSON request on stdin\n");
    exit(2);
}
define('CLI_SCRIPT', true);
require($input['config']);

function lms_muc_out(array $data) {
    echo "\nLMS_MOODLE_MUC_JSON:" . json_encode($data) . "\n";
}

function lms_muc_fail($kind, $error) {
    lms_muc_out(['ok' => false, 'kind' => $kind, 'error' => $error]);
    exit(3);
}

function lms_muc_check($name, $plugin, array $configuration, array $plugins) {
    global $CFG;
    if (!array_key_exists($plugin, $plugins)) {
        lms_muc_fail('plugin_missing', "the cache store plugin cachestore_{$plugin} is not installed in dirroot");
    }
    require_once($plugins[$plugin]);
    $class = 'cachestore_' . $plugin;
    if (!class_exists($class) || !$class::are_requirements_met()) {
        lms_muc_fail('requirements', "cachestore_{$plugin} cannot be used on this host: its requirements are not "
            . "met (cachestore_redis needs the PHP redis extension)");
    }
    $saved = [$CFG->debug ?? 0, $CFG->debugdisplay ?? 0];
    $CFG->debug = DEBUG_DEVELOPER;
    $CFG->debugdisplay = 1;
    ob_start();
    $store = new $class($name, $configuration);
    $ready = $store->is_ready();
    $output = ob_get_clean();
    [$CFG->debug, $CFG->debugdisplay] = $saved;
    if (!$ready) {
        $reason = preg_match('/\+\+ (.*?) \+\+/s', $output, $m) ? $m[1] : 'the store is not ready';
        lms_muc_fail('not_ready', "store {$name} cannot be used: Moodle reports: {$reason}");
    }
    // A store can connect and still refuse every command (a Redis that requires a password it was not given):
    // write, read back and delete one value through the store itself.
    $definitionclass = class_exists('\\core_cache\\definition') ? '\\core_cache\\definition' : 'cache_definition';
    try {
        $store->initialise($definitionclass::load_adhoc(cache_store::MODE_APPLICATION, 'lms_moodle', 'storecheck'));
        $probe = 'lms-moodle-' . bin2hex(random_bytes(4));
        if (!$store->set('lms_moodle_check', $probe) || $store->get('lms_moodle_check') !== $probe) {
            lms_muc_fail('not_ready', "store {$name} cannot be used: a value written to it could not be read back");
        }
        $store->delete('lms_moodle_check');
    } catch (Throwable $e) {
        lms_muc_fail('not_ready', "store {$name} cannot be used: " . get_class($e) . ': ' . $e->getMessage());
    }
}

function lms_muc_state($writer, array $passwords, array $plugins) {
    $stores = [];
    foreach ($writer->get_all_stores() as $name => $store) {
        $configuration = $store['configuration'] ?? [];
        $password = (string)($configuration['password'] ?? '');
        if (array_key_exists('password', $configuration)) {
            $configuration['password'] = $password === '' ? '' : '********';
        }
        $stores[$name] = [
            'plugin' => $store['plugin'],
            'default' => !empty($store['default']),
            'configuration' => (object)$configuration,
            'password_set' => $password !== '',
            'password_matches' => array_key_exists($name, $passwords) && $password === (string)$passwords[$name],
        ];
    }
    $names = [1 => 'application', 2 => 'session', 4 => 'request'];
    $mappings = ['application' => [], 'session' => [], 'request' => []];
    $list = $writer->get_mode_mappings();
    usort($list, function($a, $b) { return [$a['mode'], $a['sort']] <=> [$b['mode'], $b['sort']]; });
    foreach ($list as $mapping) {
        $mappings[$names[(int)$mapping['mode']]][] = $mapping['store'];
    }
    return ['stores' => $stores, 'mappings' => $mappings, 'plugins' => array_keys($plugins)];
}

try {
    if (!empty($input['locallib'])) {
        require_once($CFG->dirroot . '/cache/locallib.php');
    }
    $writerclass = $input['writer'];
    $helperclass = $input['helper'];
    if (!class_exists($writerclass)) {
        lms_muc_fail('writer', "Moodle has no cache config writer class {$writerclass}");
    }
    $writer = $writerclass::instance();
    $plugins = core_component::get_plugin_list_with_file('cachestore', 'lib.php');
    $current = $writer->get_all_stores();
    $actions = $input['actions'] ?? [];
    foreach ($actions as $i => $action) {
        if ($action['action'] === 'edit') {
            $old = $current[$action['name']]['configuration'] ?? [];
            $configuration = array_merge($old, $action['configuration']);
            if (isset($current[$action['name']]['lock']) && !isset($configuration['lock'])) {
                $configuration['lock'] = $current[$action['name']]['lock'];
            }
            $actions[$i]['configuration'] = $configuration;
        }
        if ($action['action'] === 'add' || $action['action'] === 'edit') {
            lms_muc_check($action['name'], $action['plugin'], $actions[$i]['configuration'], $plugins);
        }
    }
    foreach ($actions as $action) {
        if ($action['action'] === 'add') {
            $writer->add_store_instance($action['name'], $action['plugin'], $action['configuration']);
        } else if ($action['action'] === 'edit') {
            $writer->edit_store_instance($action['name'], $action['plugin'], $action['configuration']);
        } else if ($action['action'] === 'mappings') {
            $state = lms_muc_state($writer, [], $plugins);
            $wanted = array_merge($state['mappings'], $action['mappings']);
            $writer->set_mode_mappings([1 => $wanted['application'], 2 => $wanted['session'], 4 => $wanted['request']]);
        }
    }
    $purged = [];
    $notpurged = [];
    foreach ($input['purge'] ?? [] as $name) {
        if ($helperclass::purge_store($name, $writer)) {
            $purged[] = $name;
        } else {
            $notpurged[] = $name;
        }
    }
    $state = lms_muc_state($writer, $input['passwords'] ?? [], $plugins);
    lms_muc_out(['ok' => true, 'purged' => $purged, 'not_purged' => $notpurged] + $state);
} catch (Throwable $e) {
    lms_muc_fail('exception', get_class($e) . ': ' . $e->getMessage());
}
"""


class MoodleCacheStoreError(MoodleCLIError):
    """The MUC script reported a problem (store plugin missing, store not ready, writer error)."""

    def __init__(self, message: str, kind: str, result=None):
        super().__init__(message, result)
        self.kind = kind


def writer_classes(branch: str | None) -> dict[str, Any]:
    """The config writer and helper classes of the Moodle branch of version.php (404 -> 4.4, 405 -> 4.5)."""
    try:
        number = int(branch or 0)
    except ValueError:
        number = 0
    if number >= 405:
        return {"writer": "\\core_cache\\config_writer", "helper": "\\core_cache\\helper", "locallib": False}
    return {"writer": "cache_config_writer", "helper": "cache_helper", "locallib": True}


def parse_output(result) -> dict[str, Any] | None:
    """The JSON the script printed after MARKER (from the unredacted stdout), None when there is none."""
    return marker_json(result, MARKER)


def normalize_state(data: dict[str, Any]) -> dict[str, Any]:
    """The state printed by the script with PHP's empty arrays ([]) as dicts."""
    stores = data.get("stores") or {}
    if isinstance(stores, list):
        stores = {}
    for store in stores.values():
        if not isinstance(store.get("configuration"), dict):
            store["configuration"] = {}
    mappings = {mode: list((data.get("mappings") or {}).get(mode) or []) for mode in MODES}
    return {**data, "stores": stores, "mappings": mappings}


def run_muc(
    cli: MoodleCLI,
    actions: list[dict[str, Any]] | None = None,
    passwords: dict[str, str] | None = None,
    purge: list[str] | None = None,
) -> dict[str, Any]:
    """Run MUC_PHP with these actions (none: read only); the state after them, as the script printed it."""
    layout = cli.prepare()
    request = {
        "config": layout.config_php,
        **writer_classes(cli.version_info().get("branch")),
        "actions": actions or [],
        "passwords": passwords or {},
        "purge": purge or [],
    }
    result = cli.run_php_code(MUC_PHP, LABEL, input_text=json.dumps(request), ok_rcs=None)
    data = parse_output(result)
    if data is None:
        raise failure(result, LABEL)
    if not data.get("ok"):
        kind = data.get("kind") or "exception"
        raise MoodleCacheStoreError(cli.redact(f"{LABEL}: {data.get('error')}"), kind, result)
    return normalize_state(data)


def masked(store: dict[str, Any]) -> dict[str, Any]:
    """A store of the state for results and diffs: plugin and configuration, the password masked."""
    configuration = dict(store.get("configuration") or {})
    if "password" in configuration:
        configuration["password"] = REDACTED if store.get("password_set") else ""
    return {"plugin": store.get("plugin"), "default": bool(store.get("default")), "configuration": configuration}
