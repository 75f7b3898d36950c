<?php
// lms.moodle stand-in (NOT Moodle): the bootstrap that config.php requires, as Moodle 4.4 lib/setup.php does it
// for CLI scripts: normalise $CFG, remember what config.php set ($CFG->config_php_settings), connect to the
// database, load the core settings, and switch to CLI maintenance when --enablelater's time has come.

global $CFG, $DB, $USER, $SESSION, $SITE;

if (!isset($CFG) || !isset($CFG->dbtype)) {
    echo "Fatal error: this is the lms.moodle stand-in; include it from a config.php\n";
    exit(1);
}
defined('MOODLE_INTERNAL') || define('MOODLE_INTERNAL', true);
defined('CLI_SCRIPT') || define('CLI_SCRIPT', PHP_SAPI === 'cli');

$CFG->dirroot = dirname(__DIR__);
if (!isset($CFG->directorypermissions)) {
    $CFG->directorypermissions = 02777;
}
if (!isset($CFG->filepermissions)) {
    $CFG->filepermissions = ($CFG->directorypermissions & 0666);
}
if (!isset($CFG->umaskpermissions)) {
    $CFG->umaskpermissions = (($CFG->directorypermissions & 0777) ^ 0777);
}
umask($CFG->umaskpermissions);

if (!isset($CFG->dataroot)) {
    echo 'Fatal error: $CFG->dataroot is not specified in config.php! Exiting.' . "\n";
    exit(1);
}
$CFG->dataroot = realpath($CFG->dataroot);
if ($CFG->dataroot === false) {
    echo 'Fatal error: $CFG->dataroot is not configured properly, directory does not exist or is not accessible! Exiting.'
        . "\n";
    exit(1);
} else if (!is_writable($CFG->dataroot)) {
    echo 'Fatal error: $CFG->dataroot is not writable, admin has to fix directory permissions! Exiting.' . "\n";
    exit(1);
}
if (!isset($CFG->wwwroot) || $CFG->wwwroot === 'http://example.com/moodle') {
    echo 'Fatal error: $CFG->wwwroot is not configured! Exiting.' . "\n";
    exit(1);
}
$CFG->prefix = $CFG->prefix ?? '';
$CFG->admin = $CFG->admin ?? 'admin';
$CFG->libdir = $CFG->dirroot . '/lib';
$CFG->tempdir = $CFG->tempdir ?? $CFG->dataroot . DIRECTORY_SEPARATOR . 'temp';
$CFG->backuptempdir = $CFG->backuptempdir ?? "$CFG->tempdir/backup";
$CFG->cachedir = $CFG->cachedir ?? "$CFG->dataroot/cache";
$CFG->localcachedir = $CFG->localcachedir ?? "$CFG->dataroot/localcache";
$CFG->localrequestdir = $CFG->localrequestdir ?? sys_get_temp_dir() . '/requestdir';
$CFG->langotherroot = $CFG->langotherroot ?? $CFG->dataroot . '/lang';
$CFG->langlocalroot = $CFG->langlocalroot ?? $CFG->dataroot . '/lang';

// Settings from config.php (and the paths above, as in Moodle) are "hard-set": cfg.php refuses to change them.
if (!isset($CFG->config_php_settings)) {
    $CFG->config_php_settings = (array)$CFG;
    unset($CFG->config_php_settings['forced_plugin_settings']);
    if (!isset($CFG->forced_plugin_settings)) {
        $CFG->forced_plugin_settings = [];
    }
}
$CFG->debug = isset($CFG->debug) ? (int)$CFG->debug : 0;

require_once($CFG->libdir . '/setuplib.php');
require_once($CFG->libdir . '/dmllib.php');
require_once($CFG->libdir . '/moodlelib.php');
require_once($CFG->dirroot . '/cache/lib.php');
set_exception_handler('default_exception_handler');

$USER = (object)['id' => 0];
$SESSION = new stdClass();

setup_DB();
initialise_cfg();

// The site (front page) course; before the install there is none and its id is 1.
try {
    $SITE = $DB->get_record('course', ['category' => 0]);
    if (!$SITE) {
        throw new moodle_exception('nosite', 'error');
    }
} catch (moodle_exception $e) {
    if (!empty($CFG->version)) {
        throw $e;
    }
    $SITE = (object)['id' => 1, 'shortname' => null, 'fullname' => null];
}
define('SITEID', $SITE->id);

$CFG->debug = (int)($CFG->debug ?? 0);
error_reporting($CFG->debug);
$CFG->debugdeveloper = (($CFG->debug & DEBUG_DEVELOPER) === DEBUG_DEVELOPER);
if (isset($CFG->debugdisplay)) {
    ini_set('display_errors', empty($CFG->debugdisplay) ? '0' : '1');
}

if (isset($CFG->maintenance_later) && $CFG->maintenance_later <= time()) {
    if (!file_exists("$CFG->dataroot/climaintenance.html")) {
        enable_cli_maintenance_mode();
    }
    unset_config('maintenance_later');
}
if (file_exists("$CFG->dataroot/climaintenance.html") && !defined('CLI_MAINTENANCE')) {
    define('CLI_MAINTENANCE', true);
}
