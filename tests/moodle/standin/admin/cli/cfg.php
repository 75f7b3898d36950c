<?php
// lms.moodle stand-in (NOT Moodle) of admin/cli/cfg.php of Moodle 4.4: same options, output and exit codes
// (0 ok, 2 usage, 3 not set, 4 hard-set in config.php, 1 error).

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/clilib.php');

$usage = "Displays the current value of the given site setting. Allows to set it to the given value, too.

Usage:
    # php cfg.php [--component=<componentname>] [--json] [--shell-arg]
    # php cfg.php --name=<configname> [--component=<componentname>] [--shell-arg] [--no-eol]
    # php cfg.php --name=<configname> [--component=<componentname>] --set=<value>
    # php cfg.php --name=<configname> [--component=<componentname>] --unset
    # php cfg.php [--help|-h]

Options:
    -h --help                   Print this help.
    --component=<frankenstyle>  Name of the component the variable is part of. Defaults to core.
    --name=<configname>         Name of the configuration variable to get/set. If missing, print all
                                configuration variables of the given component.
    --set=<value>               Set the given variable to this value.
    --unset                     Unset the given variable.
    --shell-arg                 Escape output values so that they can be directly used as shell script arguments.
    --json                      Encode output list of values using JSON notation.
    --no-eol                    Do not include the trailing new line character when printing the value.

In the read mode, the script exits with success status 0 if the requested value
is found. If the requested variable is not set, the script exits with status 3.
When listing all variables of the component, the exit status is always 0 even
if no variables for the given component are found. When setting/unsetting a
value, the exit status is 0. When attempting to set/unset a value that has
already been hard-set in config.php, the script exits with error status 4. In
case of unexpected error, the script exits with error status 1.
";

[$options, $unrecognised] = cli_get_params([
    'help' => false,
    'component' => null,
    'name' => null,
    'set' => null,
    'unset' => false,
    'shell-arg' => false,
    'json' => false,
    'no-eol' => false,
], ['h' => 'help']);

if ($unrecognised) {
    cli_error(get_string('cliunknowoption', 'core_admin', implode(PHP_EOL . '  ', $unrecognised)));
}

if ($options['help']) {
    cli_writeln($usage);
    exit(2);
}

if ($options['unset'] || $options['set'] !== null) {
    if (empty($options['name'])) {
        cli_error('Missing configuration variable name', 2);
    }
    // A component (even "core") is checked against forced_plugin_settings, core against config.php settings.
    $component = $options['component'];
    if (!empty($component)) {
        $settinginconfig = array_key_exists($options['name'], $CFG->forced_plugin_settings[$component] ?? []);
    } else {
        $settinginconfig = array_key_exists($options['name'], $CFG->config_php_settings);
    }
    if ($settinginconfig) {
        cli_error('The configuration variable is hard-set in the config.php, unable to change.', 4);
    }
    $new = $options['set'];
    $old = get_config($options['component'], $options['name']);
    if ($new !== $old) {
        set_config($options['name'], $options['set'], $options['component']);
        add_to_config_log($options['name'], $old, $new, $options['component']);
    }
    exit(0);
}

if ($options['name'] === null) {
    $got = get_config($options['component']);
    if ($options['json']) {
        cli_writeln(json_encode($got));
    } else {
        foreach ($got as $name => $value) {
            cli_writeln($name . "\t" . ($options['shell-arg'] ? escapeshellarg($value) : $value));
        }
    }
    exit(0);
}

$got = get_config($options['component'], $options['name']);
if ($got === false) {
    cli_error('No such configuration variable found.', 3);
}
if ($options['shell-arg']) {
    $got = escapeshellarg($got);
}
if ($options['json']) {
    $got = json_encode($got);
}
if ($options['no-eol']) {
    cli_write($got);
} else {
    cli_writeln($got);
}
exit(0);
