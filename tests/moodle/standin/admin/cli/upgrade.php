<?php
// lms.moodle stand-in (NOT Moodle) of admin/cli/upgrade.php of Moodle 4.4: same options, messages and exit codes
// (--is-pending: 2 pending, 0 not; 1 errors). An upgrade is pending, as in Moodle, when the hash of the versions of
// core and of every plugin on disk differs from the one recorded by the last install or upgrade.

define('CLI_SCRIPT', true);
define('CACHE_DISABLE_ALL', true);

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->libdir . '/upgradelib.php');

[$options, $unrecognized] = cli_get_params([
    'allow-unstable' => false,
    'help' => false,
    'is-maintenance-required' => false,
    'is-pending' => false,
    'lang' => $CFG->lang ?? 'en',
    'maintenance' => true,
    'non-interactive' => false,
    'set-ui-upgrade-lock' => false,
    'unset-ui-upgrade-lock' => false,
    'verbose-settings' => false,
], ['h' => 'help']);

$interactive = empty($options['non-interactive']);

if ($unrecognized) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognized)));
}

if ($options['help']) {
    echo "Command line Moodle upgrade.
Please note you must execute this script with the same uid as apache!

Options:
--allow-unstable            Upgrade even if the version is not marked as stable yet,
                            required in non-interactive mode.
-h, --help                  Print out this help.
--is-maintenance-required   Returns exit code 2 if the upgrade requires maintenance mode.
                            Returns exit code 3 if no maintenance is required for the upgrade.
--is-pending                Exit with error code 2 if an upgrade is required.
--lang=CODE                 Set preferred language for CLI output.
--maintenance               Sets whether this upgrade will use maintenance mode.
--non-interactive           No interactive questions or confirmations.
--set-ui-upgrade-lock       Sets the upgrade to CLI only and unable to be triggered from the frontend.
--unset-ui-upgrade-lock     Removes the frontend upgrade lock, if the lock exists.
--verbose-settings          Show new settings values.

Example:
\$sudo -u www-data /usr/bin/php admin/cli/upgrade.php
";
    die;
}

if (empty($CFG->version)) {
    cli_error(get_string('missingconfigversion', 'debug'));
}

['version' => $version, 'release' => $release, 'branch' => $branch, 'maturity' => $maturity]
    = core_component::fetch_core_version_info();
$CFG->target_release = $release;

if ($version < $CFG->version) {
    cli_error(get_string('downgradedcore', 'error'));
}

$oldversion = "$CFG->release ($CFG->version)";
$newversion = "$release ($version)";

if ($options['unset-ui-upgrade-lock']) {
    set_config('outagelessupgrade', false);
    cli_writeln('Existing CLI execution upgrade lock has been removed.');
}

$allhash = core_component::get_all_component_hash();
$CFG->allcomponenthash = $CFG->allcomponenthash ?? '';
if (!$options['maintenance']) {
    if ($allhash !== $CFG->allcomponenthash) {
        cli_error(get_string('cliupgrademaintenancerequired', 'core_admin'), 2);
    }
    define('CLI_UPGRADE_RUNNING', true);
    set_config('outagelessupgrade', true);
}

if (!moodle_needs_upgrading(false)) {
    cli_error(get_string('cliupgradenoneed', 'core_admin', $newversion), 0);
}

if ($options['is-pending'] || $options['is-maintenance-required']) {
    if (!$options['is-maintenance-required']) {
        cli_error(get_string('cliupgradepending', 'core_admin'), 2);
    }
    if ($allhash !== $CFG->allcomponenthash) {
        cli_writeln(get_string('cliupgradepending', 'core_admin'));
        cli_error(get_string('cliupgrademaintenancerequired', 'core_admin'), 2);
    }
    if ($options['set-ui-upgrade-lock']) {
        set_config('outagelessupgrade', true);
        cli_writeln('Upgrade has been locked to CLI execution only.');
    }
    cli_writeln(get_string('cliupgradepending', 'core_admin'));
    cli_error(get_string('cliupgrademaintenancenotrequired', 'core_admin'), 3);
}

if (upgrade_stale_php_files_present()) {
    cli_problem(get_string('upgradestalefiles', 'admin'));
    cli_error(strip_tags(get_string('upgradestalefilesinfo', 'admin')));
}

$failed = standin_failed_plugins($version);
if ($failed) {
    cli_problem(get_string('pluginscheckfailed', 'admin', ['pluginslist' => implode(', ', $failed)]));
    cli_error(get_string('pluginschecktodo', 'admin'));
}

$a = (object)['oldversion' => $oldversion, 'newversion' => $newversion];
if ($interactive) {
    echo cli_heading("Upgrading Moodle database from version $oldversion to $newversion", true) . PHP_EOL;
}

if (isset($maturity) && $maturity < MATURITY_STABLE && !$options['allow-unstable']) {
    $maturitylevel = get_string('maturity' . $maturity, 'admin');
    if ($interactive) {
        echo get_string('maturitycorewarning', 'admin', $maturitylevel) . PHP_EOL;
    } else {
        cli_problem(get_string('maturitycorewarning', 'admin', $maturitylevel));
        cli_error(get_string('maturityallowunstable', 'admin'));
    }
}

if ($interactive) {
    echo "Your Moodle files have been changed, and you are about to automatically upgrade your server to this version:\n"
        . "$newversion\nOnce you do this you can not go back again.\n";
    echo 'Continue? type y (means yes) or n (means no)' . "\n";
    $input = strtolower(trim((string)fgets(STDIN)));
    if ($input !== 'y') {
        exit(1);
    }
}

if ($version > $CFG->version) {
    if ($options['maintenance']) {
        cache_helper::purge_all(true);
    }
    upgrade_core($version, true);
}
set_config('release', $release);
set_config('branch', $branch);

upgrade_noncore(true);

cli_heading(get_string('cliupgradedefaultheading', 'admin'));
foreach (admin_apply_default_settings(null, false) as $setting => $value) {
    if ($options['verbose-settings']) {
        echo "New setting: $setting, Default value: " . var_export($value, true) . PHP_EOL;
    } else {
        echo get_string('cliupgradedefault', 'admin', $setting) . PHP_EOL;
    }
}

echo get_string('cliupgradefinished', 'admin', $a) . "\n";

if (!$options['maintenance'] && !$options['set-ui-upgrade-lock']) {
    set_config('outagelessupgrade', false);
}
exit(0);
