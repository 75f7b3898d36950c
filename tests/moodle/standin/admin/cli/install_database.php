<?php
// lms.moodle stand-in (NOT Moodle) of admin/cli/install_database.php of Moodle 4.4: same options, checks, messages
// and exit codes; installs core, every plugin on disk and the admin account, and sets rolesactive after the plugins
// and the admin account, as install_cli_database() does.

define('CLI_SCRIPT', true);
define('CACHE_DISABLE_ALL', true);

$help = "Advanced command line Moodle database installer.
Please note you must execute this script with the same uid as apache.

Site defaults may be changed via local/defaults.php.

Options:
--lang=CODE           Installation and default site language. Default is en.
--adminuser=USERNAME  Username for the moodle admin account. Default is admin.
--adminpass=PASSWORD  Password for the moodle admin account.
--adminemail=STRING   Email address for the moodle admin account.
--agree-license       Indicates agreement with software license.
--fullname=STRING     Name of the site
--shortname=STRING    Name of the site
--summary=STRING      The summary to be displayed on the front page
--supportemail=STRING Email address for support and help.
-h, --help            Print out this help

Example:
\$sudo -u www-data /usr/bin/php admin/cli/install_database.php --lang=cs --adminpass=soMePass123 --agree-license
";

$configfile = __DIR__ . '/../../config.php';
if (!file_exists($configfile)) {
    fwrite(STDERR, 'config.php does not exist, can not continue');
    fwrite(STDERR, "\n");
    exit(1);
}
require($configfile);
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->libdir . '/upgradelib.php');

[$options, $unrecognized] = cli_get_params([
    'lang' => 'en',
    'adminuser' => 'admin',
    'adminpass' => '',
    'adminemail' => '',
    'fullname' => '',
    'shortname' => '',
    'summary' => '',
    'supportemail' => '',
    'agree-license' => false,
    'help' => false,
], ['h' => 'help']);

if ($unrecognized) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognized)));
}
if ($options['help']) {
    echo $help;
    die;
}
if ($DB->get_tables()) {
    cli_error(get_string('clitablesexist', 'install'));
}
if (!$options['agree-license']) {
    cli_error('You have to agree to the license. --help prints out the help');
}
if ($options['adminpass'] === true || $options['adminpass'] === '') {
    cli_error('You have to specify admin password. --help prints out the help');
}
foreach (['adminemail', 'supportemail'] as $option) {
    if (!empty($options[$option]) && !validate_email($options[$option])) {
        cli_error(get_string('cliincorrectvalueerror', 'admin', (object)['option' => $option, 'value' => $options[$option]]));
    }
}

$options['lang'] = preg_replace('/[^a-zA-Z0-9_-]/', '', (string)$options['lang']);
if (!file_exists($CFG->dirroot . '/install/lang/' . $options['lang'])) {
    $options['lang'] = 'en';
}
$CFG->lang = $options['lang'];
if ($CFG->lang !== 'en') {
    // Moodle downloads the language pack here; the stand-in never downloads and reports it like a failed download.
    make_writable_directory($CFG->dataroot . '/lang');
    $a = (object)['url' => "https://download.moodle.org/download.php/langpack/4.4/{$CFG->lang}.zip",
        'dest' => $CFG->dataroot . '/lang'];
    cli_problem(get_string('remotedownloaderror', 'error', $a));
}

$core = core_component::fetch_core_version_info();
$failed = standin_failed_plugins($core['version']);
if ($failed) {
    cli_problem(get_string('pluginscheckfailed', 'admin', ['pluginslist' => implode(', ', $failed)]));
    cli_error(get_string('pluginschecktodo', 'admin'));
}

// install_cli_database($options, true) of lib/installlib.php.
$CFG->debug = DEBUG_DEVELOPER;
$CFG->debugdisplay = true;
$CFG->debugdeveloper = true;
$CFG->version = '';
$CFG->release = '';
$CFG->branch = '';

cli_separator();
cli_heading(get_string('databasesetup'));

install_core($core['version'], true);
set_config('release', $core['release']);
set_config('branch', $core['branch']);

upgrade_noncore(true);

$DB->set_field('user', 'password', hash_internal_user_password($options['adminpass']), ['username' => 'admin']);
if (isset($options['adminemail'])) {
    $DB->set_field('user', 'email', $options['adminemail'], ['username' => 'admin']);
}
if (isset($options['adminuser']) && $options['adminuser'] !== 'admin' && $options['adminuser'] !== 'guest') {
    $DB->set_field('user', 'username', $options['adminuser'], ['username' => 'admin']);
}
if (!empty($options['supportemail'])) {
    set_config('supportemail', $options['supportemail']);
} else if (!empty($options['adminemail'])) {
    set_config('supportemail', $options['adminemail']);
}

// Indicate that this site is fully configured (Moodle then still writes the defaults and the site names).
set_config('rolesactive', 1);

admin_apply_default_settings(null, true);
set_config('registerauth', '');
if (isset($options['shortname']) && $options['shortname'] !== '') {
    $DB->set_field('course', 'shortname', $options['shortname'], ['format' => 'site']);
}
if (isset($options['fullname']) && $options['fullname'] !== '') {
    $DB->set_field('course', 'fullname', $options['fullname'], ['format' => 'site']);
}
if (isset($options['summary'])) {
    $DB->set_field('course', 'summary', $options['summary'], ['format' => 'site']);
}
set_config('registrationpending', 1);

echo get_string('cliinstallfinished', 'install') . "\n";
exit(0);
