<?php
// lms.moodle stand-in (NOT Moodle) of admin/cli/maintenance.php of Moodle 4.4: --enable (dataroot/climaintenance.html),
// --enablelater=MINUTES, --enableold (legacy maintenance_enabled), --disable (all three off), no option: the status.

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/clilib.php');

[$options, $unrecognized] = cli_get_params(['enable' => false, 'enablelater' => 0, 'enableold' => false, 'disable' => false,
    'help' => false], ['h' => 'help']);

if ($unrecognized) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognized)));
}

if ($options['help']) {
    echo "Maintenance mode settings.
Current status displayed if not option specified.

Options:
--enable              Enable CLI maintenance mode
--enablelater=MINUTES Number of minutes before entering CLI maintenance mode
--enableold           Enable legacy half-maintenance mode
--disable             Disable maintenance mode
-h, --help            Print out this help

Example:
\$ sudo -u www-data /usr/bin/php admin/cli/maintenance.php
";
    die;
}

cli_heading(get_string('sitemaintenancemode', 'admin') . " ($CFG->wwwroot)");

if ($options['enablelater']) {
    if (file_exists("$CFG->dataroot/climaintenance.html")) {
        echo get_string('clistatusenabled', 'admin') . "\n";
        return 1; // As in Moodle: a return from the main script, so the exit code is 0.
    }
    $time = time() + ($options['enablelater'] * 60);
    set_config('maintenance_later', $time);
    echo get_string('clistatusenabledlater', 'admin', userdate($time)) . "\n";
    return 0;

} else if ($options['enable']) {
    if (!file_exists("$CFG->dataroot/climaintenance.html")) {
        enable_cli_maintenance_mode();
    }
    set_config('maintenance_enabled', 0);
    unset_config('maintenance_later');
    echo get_string('sitemaintenanceoncli', 'admin') . "\n";
    exit(0);

} else if ($options['enableold']) {
    set_config('maintenance_enabled', 1);
    unset_config('maintenance_later');
    echo get_string('sitemaintenanceon', 'admin') . "\n";
    exit(0);

} else if ($options['disable']) {
    set_config('maintenance_enabled', 0);
    unset_config('maintenance_later');
    if (file_exists("$CFG->dataroot/climaintenance.html")) {
        unlink("$CFG->dataroot/climaintenance.html");
    }
    echo get_string('sitemaintenanceoff', 'admin') . "\n";
    exit(0);
}

if (!empty($CFG->maintenance_enabled) || file_exists("$CFG->dataroot/climaintenance.html")) {
    echo get_string('clistatusenabled', 'admin') . "\n";
} else if (isset($CFG->maintenance_later)) {
    echo get_string('clistatusenabledlater', 'admin', userdate($CFG->maintenance_later)) . "\n";
} else {
    echo get_string('clistatusdisabled', 'admin') . "\n";
}
