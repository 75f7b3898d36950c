<?php
// lms.moodle stand-in (NOT Moodle) of admin/cli/uninstall_plugins.php of Moodle 4.4 (--plugins, --run, --show-all,
// --show-missing, --purge-missing): same output lines ("Uninstalling: ...", "Unknown plugin: ...",
// "Can not be uninstalled: ...", "++ Success ++"); uninstalling removes the plugin's settings.

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->libdir . '/upgradelib.php');

$help = "Command line tool to uninstall plugins.

Options:
    -h --help                   Print this help.
    --show-all                  Displays a list of all installed plugins.
    --show-contrib              Displays a list of all third-party installed plugins.
    --show-missing              Displays a list of plugins missing from disk.
    --purge-missing             Uninstall all missing from disk plugins.
    --plugins=<plugin name>     A comma separated list of plugins to be uninstalled. E.g. mod_assign,mod_forum
    --run                       Execute uninstall. If this option is not set, then the script will be run in a dry mode.
    --showsql                   Show sql queries before they are executed.
    --showdebugging             Show developer level debugging information.
";

[$options, $unrecognised] = cli_get_params(['help' => false, 'show-all' => false, 'show-contrib' => false,
    'show-missing' => false, 'purge-missing' => false, 'plugins' => false, 'run' => false, 'showsql' => false,
    'showdebugging' => false], ['h' => 'help']);

if ($unrecognised) {
    cli_error(get_string('cliunknowoption', 'core_admin', implode(PHP_EOL . '  ', $unrecognised)));
}
if ($options['help']) {
    cli_writeln($help);
    exit(0);
}

/** Uninstall one plugin (or say what would happen), with Moodle's output lines. */
function standin_uninstall($plugin, $run) {
    $pluginstring = $plugin->component . "\t" . $plugin->displayname;
    if (!standin_can_uninstall_plugin($plugin)) {
        cli_writeln('Can not be uninstalled: ' . $pluginstring);
    } else if (!$run) {
        cli_writeln('Will be uninstalled: ' . $pluginstring);
    } else {
        cli_writeln('Uninstalling: ' . $pluginstring);
        ob_start();
        uninstall_plugin($plugin->type, $plugin->name);
        cli_write(ob_get_clean() . "\n");
    }
}

$installed = array_keys($DB->get_records_menu('config_plugins', ['name' => 'version'], 'plugin', 'plugin, value'));
$ondisk = [];
foreach (core_component::get_plugin_types() as $type => $unused) {
    foreach (core_component::get_plugin_list($type) as $name => $unused2) {
        $ondisk[] = $type . '_' . $name;
    }
}
$all = array_unique(array_merge($ondisk, array_filter($installed, function($component) {
    return core_component::normalize_component($component)[0] !== 'core';
})));

if ($options['show-all'] || $options['show-missing'] || $options['show-contrib'] || $options['purge-missing']) {
    $standard = json_decode(file_get_contents("$CFG->libdir/plugins.json"), true)['standard'];
    foreach ($all as $component) {
        $plugin = standin_plugin_info($component);
        $missing = $plugin->rootdir === null;
        if ($options['show-contrib'] && in_array($plugin->name, $standard[$plugin->type] ?? [])) {
            continue;
        }
        if ($options['purge-missing']) {
            if ($missing) {
                standin_uninstall($plugin, $options['run']);
            }
        } else if (!$options['show-missing'] || $missing) {
            cli_writeln($plugin->component . "\t" . $plugin->displayname);
        }
    }
    exit(0);
}

if ($options['plugins']) {
    foreach (explode(',', $options['plugins']) as $component) {
        $plugin = standin_plugin_info($component);
        if ($plugin === null) {
            cli_writeln('Unknown plugin: ' . $component);
        } else {
            standin_uninstall($plugin, $options['run']);
        }
    }
    exit(0);
}

cli_writeln($help);
exit(0);
