<?php
// lms.moodle stand-in (NOT Moodle): the bootstrap that config.php requires, in the order of Moodle 4.4 lib/setup.php,
// for CLI scripts and web requests: normalise $CFG, tell CLI from web (CLI_SCRIPT), CLI maintenance (web requests get
// dataroot/climaintenance.html with HTTP 503), remember what config.php set ($CFG->config_php_settings), stop there
// for ABORT_AFTER_CONFIG, connect to the database, load the core settings, check the requested URL against wwwroot
// (sslproxy, reverseproxy), start the session of a web request, and switch to CLI maintenance when --enablelater's
// time has come.

global $CFG, $DB, $USER, $SESSION, $SITE, $FULLME, $ME, $SCRIPT, $FULLSCRIPT, $COURSE;

if (!isset($CFG) || !isset($CFG->dbtype)) {
    echo "Fatal error: this is the lms.moodle stand-in; include it from a config.php\n";
    exit(1);
}

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
    if (isset($_SERVER['REMOTE_ADDR'])) {
        header($_SERVER['SERVER_PROTOCOL'] . ' 500 Internal Server Error ');
    }
    echo 'Fatal error: $CFG->dataroot is not specified in config.php! Exiting.' . "\n";
    exit(1);
}
$CFG->dataroot = realpath($CFG->dataroot);
if ($CFG->dataroot === false) {
    if (isset($_SERVER['REMOTE_ADDR'])) {
        header($_SERVER['SERVER_PROTOCOL'] . ' 500 Internal Server Error ');
    }
    echo 'Fatal error: $CFG->dataroot is not configured properly, directory does not exist or is not accessible! Exiting.'
        . "\n";
    exit(1);
} else if (!is_writable($CFG->dataroot)) {
    if (isset($_SERVER['REMOTE_ADDR'])) {
        header($_SERVER['SERVER_PROTOCOL'] . ' 500 Internal Server Error ');
    }
    echo 'Fatal error: $CFG->dataroot is not writable, admin has to fix directory permissions! Exiting.' . "\n";
    exit(1);
}
if (!isset($CFG->wwwroot) || $CFG->wwwroot === 'http://example.com/moodle') {
    if (isset($_SERVER['REMOTE_ADDR'])) {
        header($_SERVER['SERVER_PROTOCOL'] . ' 500 Internal Server Error ');
    }
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

// CLI scripts run from their own directory, as in Moodle.
if (!isset($_SERVER['REMOTE_ADDR']) && isset($_SERVER['argv'][0])) {
    if (!defined('ABORT_AFTER_CONFIG') && !defined('ABORT_AFTER_CONFIG_CANCEL') && is_dir(dirname($_SERVER['argv'][0]))) {
        chdir(dirname($_SERVER['argv'][0]));
    }
}

ini_set('precision', 14);
ini_set('serialize_precision', -1);
defined('NO_DEBUG_DISPLAY') || define('NO_DEBUG_DISPLAY', defined('AJAX_SCRIPT') && AJAX_SCRIPT);
defined('NO_OUTPUT_BUFFERING') || define('NO_OUTPUT_BUFFERING', false);
defined('PHPUNIT_TEST') || define('PHPUNIT_TEST', false);
defined('CACHE_DISABLE_ALL') || define('CACHE_DISABLE_ALL', false);
defined('CACHE_DISABLE_STORES') || define('CACHE_DISABLE_STORES', false);
date_default_timezone_set(@date_default_timezone_get());

// CLI or web: a CLI script must say so, a web request must not run one (Moodle's messages and exit code).
defined('CLI_SCRIPT') || define('CLI_SCRIPT', false);
if (isset($_SERVER['REMOTE_ADDR'])) {
    if (CLI_SCRIPT) {
        echo('Command line scripts can not be executed from the web interface');
        exit(1);
    }
} else if (!CLI_SCRIPT) {
    echo('Command line scripts must define CLI_SCRIPT before requiring config.php' . "\n");
    exit(1);
}
defined('WS_SERVER') || define('WS_SERVER', false);

// CLI maintenance: web requests get the page with HTTP 503 (even health checks with ABORT_AFTER_CONFIG).
if (file_exists("$CFG->dataroot/climaintenance.html")) {
    if (!CLI_SCRIPT) {
        header($_SERVER['SERVER_PROTOCOL'] . ' 503 Moodle under maintenance');
        header('Status: 503 Moodle under maintenance');
        header('Retry-After: 300');
        header('Content-type: text/html; charset=utf-8');
        header('X-UA-Compatible: IE=edge');
        header('Cache-Control: no-store, no-cache, must-revalidate');
        header('Cache-Control: post-check=0, pre-check=0', false);
        header('Pragma: no-cache');
        header('Expires: Mon, 20 Aug 1969 09:23:00 GMT');
        header('Last-Modified: ' . gmdate('D, d M Y H:i:s') . ' GMT');
        header('Accept-Ranges: none');
        readfile("$CFG->dataroot/climaintenance.html");
        die;
    }
    defined('CLI_MAINTENANCE') || define('CLI_MAINTENANCE', true);
} else {
    defined('CLI_MAINTENANCE') || define('CLI_MAINTENANCE', false);
}
defined('AJAX_SCRIPT') || define('AJAX_SCRIPT', false);

// Settings from config.php (and the paths above, as in Moodle) are "hard-set": cfg.php refuses to change them.
if (!isset($CFG->config_php_settings)) {
    $CFG->config_php_settings = (array)$CFG;
    unset($CFG->config_php_settings['forced_plugin_settings']);
    if (!isset($CFG->forced_plugin_settings)) {
        $CFG->forced_plugin_settings = [];
    }
}
$CFG->debug = isset($CFG->debug) ? (int)$CFG->debug : 0;
$CFG->debugdeveloper = (($CFG->debug & (E_ALL | E_STRICT)) === (E_ALL | E_STRICT));
defined('MOODLE_INTERNAL') || define('MOODLE_INTERNAL', true);

require_once($CFG->libdir . '/setuplib.php');

// Scripts that need $CFG only (a health check): no libraries, no database, no session.
if (defined('ABORT_AFTER_CONFIG')) {
    if (!defined('ABORT_AFTER_CONFIG_CANCEL')) {
        error_reporting($CFG->debug);
        if (NO_DEBUG_DISPLAY || empty($CFG->debugdisplay)) {
            ini_set('display_errors', '0');
            ini_set('log_errors', '1');
        } else {
            ini_set('display_errors', '1');
        }
        require_once("$CFG->dirroot/lib/configonlylib.php");
        return;
    }
}

require_once($CFG->libdir . '/dmllib.php');
require_once($CFG->libdir . '/moodlelib.php');
require_once($CFG->libdir . '/accesslib.php');
require_once($CFG->libdir . '/external/classes/util.php');
require_once($CFG->libdir . '/weblib.php');
require_once($CFG->libdir . '/sessionlib.php');
require_once($CFG->dirroot . '/cache/lib.php');
set_exception_handler('default_exception_handler');
if (!CLI_SCRIPT) {
    // Moodle reports uncaught exceptions of a web request with an error page; those of the bootstrap with HTTP 500.
    ob_start();
}

$USER = (object)['id' => 0, 'mnethostid' => 1];
$SESSION = new stdClass();

setup_DB();
initialise_cfg();

$CFG->debug = (int)($CFG->debug ?? 0);
error_reporting($CFG->debug);
$CFG->debugdeveloper = (($CFG->debug & DEBUG_DEVELOPER) === DEBUG_DEVELOPER);
if (!isset($CFG->debugdisplay)) {
    // Kept as it is during installation.
} else if (NO_DEBUG_DISPLAY || empty($CFG->debugdisplay)) {
    ini_set('display_errors', '0');
    ini_set('log_errors', '1');
} else {
    ini_set('display_errors', '1');
}

// The requested URL against wwwroot: redirect to it, or refuse (sslproxy, reverseproxy), as initialise_fullme().
if (isset($_SERVER['PHP_SELF'])) {
    $phppos = strpos($_SERVER['PHP_SELF'], '.php');
    if ($phppos !== false) {
        $_SERVER['PHP_SELF'] = substr($_SERVER['PHP_SELF'], 0, $phppos + 4);
    }
    unset($phppos);
}
initialise_fullme();

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
$COURSE = clone($SITE);
define('SITEID', $SITE->id);

// Sessions: none in CLI scripts nor before the install; a web request starts (or resumes) the user's session.
if (CLI_SCRIPT || WS_SERVER) {
    defined('NO_MOODLE_COOKIES') || define('NO_MOODLE_COOKIES', true);
} else if (!defined('NO_MOODLE_COOKIES')) {
    define('NO_MOODLE_COOKIES', empty($CFG->version));
}
if (empty($CFG->sessiontimeout)) {
    $CFG->sessiontimeout = 8 * 60 * 60;
}
if (empty($CFG->sessiontimeoutwarning)) {
    $CFG->sessiontimeoutwarning = 20 * 60;
}
\core\session\manager::start();
unset($USER->ignoresesskey);

if (!CLI_SCRIPT) {
    @header('Content-type: text/html; charset=utf-8');
}
if (!isset($CFG->theme)) {
    $CFG->theme = 'boost';
}
if (empty($CFG->lang)) {
    $CFG->lang = 'en';
}
if (!CLI_SCRIPT) {
    standin_setup_done();
}

if (isset($CFG->maintenance_later) && $CFG->maintenance_later <= time()) {
    if (!file_exists("$CFG->dataroot/climaintenance.html")) {
        enable_cli_maintenance_mode();
    }
    unset_config('maintenance_later');
    if (AJAX_SCRIPT) {
        die;
    } else if (!CLI_SCRIPT) {
        redirect($CFG->wwwroot . '/');
    }
}
