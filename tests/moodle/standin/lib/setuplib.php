<?php
// lms.moodle stand-in (NOT Moodle): strings, exceptions, error output, debugging() and core_component,
// written to behave like the same parts of Moodle 4.4 (lib/setuplib.php, lib/weblib.php, lib/classes/component.php).
defined('MOODLE_INTERNAL') || die();

define('MATURITY_ALPHA', 50);
define('MATURITY_BETA', 100);
define('MATURITY_RC', 150);
define('MATURITY_STABLE', 200);
define('ANY_VERSION', 'any');
define('DEBUG_NONE', 0);
define('DEBUG_MINIMAL', E_ERROR | E_PARSE);
define('DEBUG_NORMAL', E_ERROR | E_PARSE | E_WARNING | E_NOTICE);
define('DEBUG_ALL', E_ALL & ~E_STRICT);
define('DEBUG_DEVELOPER', E_ALL | E_STRICT);
defined('CLI_SCRIPT') || define('CLI_SCRIPT', false);
defined('PHPUNIT_TEST') || define('PHPUNIT_TEST', false);
define('MINSECS', 60);
define('HOURSECS', 3600);
define('DAYSECS', 86400);
define('GETREMOTEADDR_SKIP_HTTP_CLIENT_IP', '1');
define('GETREMOTEADDR_SKIP_HTTP_X_FORWARDED_FOR', '2');
define('GETREMOTEADDR_SKIP_DEFAULT', GETREMOTEADDR_SKIP_HTTP_X_FORWARDED_FOR | GETREMOTEADDR_SKIP_HTTP_CLIENT_IP);
define('HOMEPAGE_SITE', 0);
define('HOMEPAGE_MY', 1);
define('HOMEPAGE_USER', 2);
define('HOMEPAGE_MYCOURSES', 3);
define('AUTH_LOGIN_OK', 0);
define('AUTH_LOGIN_NOUSER', 1);
define('AUTH_LOGIN_SUSPENDED', 2);
define('AUTH_LOGIN_FAILED', 3);
define('AUTH_LOGIN_LOCKOUT', 4);
define('AUTH_LOGIN_UNAUTHORISED', 5);

/** The English strings of Moodle's language packs that the stand-in prints ([module][identifier]). */
const STANDIN_STRINGS = [
    'admin' => [
        'cliincorrectvalueerror' => 'Error, incorrect value "{$a->value}" for "{$a->option}"',
        'clistatusdisabled' => 'Status: disabled',
        'clistatusenabled' => 'Status: enabled',
        'clistatusenabledlater' => 'status: CLI maintenance mode will be enabled on {$a}',
        'cliunknowoption' => "Unrecognised options:\n  {\$a}\nPlease use --help option.",
        'cliupgradedefault' => 'New setting: {$a}',
        'cliupgradedefaultheading' => 'Setting new default values',
        'cliupgradefinished' => 'Command line upgrade from {$a->oldversion} to {$a->newversion} completed successfully.',
        'cliupgrademaintenancenotrequired' => 'This upgrade WILL NOT result in maintenance mode for users.',
        'cliupgrademaintenancerequired' => 'This upgrade WILL result in maintenance mode for users.',
        'cliupgradenoneed' => 'No upgrade needed for the installed version {$a}. Thanks for coming anyway!',
        'cliupgradepending' => 'An upgrade is pending',
        'maturity50' => 'Alpha',
        'maturity100' => 'Beta',
        'maturity150' => 'Release candidate',
        'maturity200' => 'Stable version',
        'maturityallowunstable' => 'Hint: You may want to run this script with --allow-unstable option',
        'maturitycorewarning' => "The version of Moodle that you are about to install or upgrade to contains\n"
            . "unstable \"{\$a}\" development code that is not suitable for use on most production\n"
            . "sites. If this is not what you wanted then you should make sure you are updating\n"
            . "from a STABLE branch of the Moodle code. See Moodle Docs for more details.",
        'pluginscheckfailed' => 'Dependencies check failed for {$a->pluginslist}',
        'pluginschecktodo' => 'You must solve all the plugin requirements before proceeding to install this Moodle version!',
        'sitemaintenance' => 'The site is undergoing maintenance and is currently not available',
        'sitemaintenancemode' => 'Maintenance mode',
        'sitemaintenanceoff' => 'Maintenance mode has been disabled and the site is running normally again',
        'sitemaintenanceon' => 'Your site is currently in maintenance mode (only admins can log in or use the site).',
        'sitemaintenanceoncli' => 'Your site is currently in CLI maintenance mode, no web access is allowed.',
        'sitemaintenancetitle' => '{$a} under maintenance',
        'upgradestalefiles' => 'Mixed Moodle versions detected, upgrade cannot continue',
        'upgradestalefilesinfo' => 'The Moodle update process has been paused because PHP scripts from at least two major '
            . 'versions of Moodle have been detected in the Moodle directory.',
    ],
    'install' => [
        'cliinstallfinished' => 'Installation completed successfully.',
        'clitablesexist' => 'Database tables already present; CLI installation cannot continue.',
    ],
    'moodle' => [
        'alreadyloggedin' => 'You are already logged in as {$a}, you need to log out before logging in as different user.',
        'cancel' => 'Cancel',
        'continue' => 'Continue',
        'cookiesenabled' => 'Cookies must be enabled in your browser',
        'cookiesnotenabled' => 'Unfortunately, cookies are currently not enabled in your browser',
        'cookiesnotice' => 'Cookies notice',
        'coresystem' => 'System',
        'databasesetup' => 'Setting up database',
        'error' => 'Error',
        'forgotaccount' => 'Lost password?',
        'home' => 'Home',
        'invalidlogin' => 'Invalid login, please try again',
        'loggedinas' => 'You are logged in as {$a}',
        'loggedinnot' => 'You are not logged in.',
        'login' => 'Log in',
        'loginguest' => 'Access as a guest',
        'loginsite' => 'Log in to the site',
        'loginto' => 'Log in to {$a}',
        'logout' => 'Log out',
        'logoutconfirm' => 'Do you really want to log out?',
        'myhome' => 'Dashboard',
        'pageshouldredirect' => 'This page should automatically redirect. If nothing is happening please use the continue '
            . 'link below.',
        'password' => 'Password',
        'redirect' => 'Redirect',
        'servererror' => 'An error occurred whilst communicating with the server',
        'someallowguest' => 'Some courses may allow guest access',
        'success' => 'Success',
        'successduration' => 'Success ({$a} seconds)',
        'username' => 'Username',
        'viewprofile' => 'View profile',
        'welcomeback' => 'Hi, {$a->firstname}! 👋',
        'welcometosite' => 'Welcome, {$a->firstname}! 👋',
    ],
    'debug' => [
        'cannotdowngrade' => 'Cannot downgrade {$a->plugin} from {$a->oldversion} to {$a->newversion}.',
        'missingconfigversion' => 'Config table does not contain the version. You cannot continue.',
    ],
    'error' => [
        'dbconnectionfailed' => "<p>Error: Database connection failed</p>\n"
            . "<p>It is possible that the database is overloaded or otherwise not running properly.</p>\n"
            . '<p>The site administrator should also check that the database details have been correctly specified in config.php</p>',
        'dbdriverproblem' => "<p>Error: database driver problem detected</p>\n"
            . '<p>The site administrator should verify server configuration</p><p>{$a}</p>',
        'dmlreadexception' => 'Error reading from database',
        'dmlwriteexception' => 'Error writing to database',
        'downgradedcore' => 'ERROR!!!  The code you are using is OLDER than the version that made these databases!',
        'generalexceptionmessage' => 'Exception - {$a}',
        'dbsessionhandlerproblem' => 'Setting up of database session failed. Please notify the server administrator.',
        'moreinformation' => 'More information about this error',
        'nosite' => 'Could not find site-level course',
        'redirecterrordetected' => 'Unsupported redirect detected, script execution terminated',
        'redissessionhandlerproblem' => 'Setting up of redis session failed. Please notify the server administrator.',
        'requirecorrectaccess' => 'Invalid url or port.',
        'reverseproxyabused' => 'Reverse proxy enabled so the server cannot be accessed directly.<br />Please contact the '
            . 'server administrator.',
        'sessioncannotobtainlock' => "<p>Unable to obtain lock for session id {\$a->id} within {\$a->acquiretimeout}.</p>\n"
            . "<p>It is likely that another page ({\$a->whohaslock}) is still running in another browser tab, or it did not "
            . "release the lock due to an error.</p>\n<p>You can wait until the session lock timeout ({\$a->lockexpire}) or you "
            . 'can restart your browser session. If this error persists, please notify the server administrator.</p>',
        'sessiondiskfull' => 'The session partition is full. It is not possible to log in at this time. Please notify the '
            . 'server administrator.',
        'sessionerroruser' => 'Your session has timed out. Please log in again.',
        'sessionhandlerproblem' => 'Session handler is misconfigured',
        'sessionwaiterr' => 'Timed out while waiting for session lock.<br />Wait for your current requests to finish and try '
            . 'again later.',
        'sslonlyaccess' => 'For security reasons only https connections are allowed, sorry.',
        'unsupportedwebserver' => 'Web server software ({$a}) is not supported, sorry.',
        'wwwrootmismatch' => 'Incorrect access detected, this server may be accessed only through "{$a}" address, sorry.'
            . '<br />Please notify server administrator.',
        'wwwrootslash' => 'Detected incorrect $CFG->wwwroot in config.php, it must not contain trailing slash.<br />Please '
            . 'notify server administrator.',
        'pluginrequirementsnotmet' => 'Plugin "{$a->pluginname}" ({$a->pluginversion}) could not be installed.  It requires '
            . 'a newer version of Moodle (currently you are using {$a->currentmoodle}, you need {$a->requiremoodle}).',
        'prefixcannotbeempty' => "<p>Error: database table prefix cannot be empty ({\$a})</p>\n"
            . '<p>The site administrator must fix this problem.</p>',
        'remotedownloaderror' => '<p>The download of the component to your server failed. Please verify proxy settings; the '
            . "PHP cURL extension is highly recommended.</p>\n<p>You must download the <a href=\"{\$a->url}\">{\$a->url}</a> "
            . 'file manually, copy it to "{$a->dest}" in your server and unzip it there.</p>',
    ],
];

/** Moodle's get_string() for the strings above ([[identifier]] for others, as Moodle shows missing strings). */
function get_string($identifier, $component = '', $a = null) {
    $module = preg_replace('/^core_/', '', (string)$component) ?: 'moodle';
    $string = STANDIN_STRINGS[$module][$identifier] ?? STANDIN_STRINGS['moodle'][$identifier] ?? null;
    if ($string === null) {
        return "[[$identifier]]";
    }
    if (is_object($a) || is_array($a)) {
        foreach ((array)$a as $key => $value) {
            if (is_scalar($value) || $value === null) {
                $string = str_replace('{$a->' . $key . '}', (string)$value, $string);
            }
        }
        return $string;
    }
    return str_replace('{$a}', (string)$a, $string);
}

class moodle_exception extends Exception {
    public $errorcode;
    public $module;
    public $a;
    public $link;
    public $debuginfo;

    public function __construct($errorcode, $module = '', $link = '', $a = null, $debuginfo = null) {
        if (empty($module) || $module == 'moodle' || $module == 'core') {
            $module = 'error';
        }
        [$this->errorcode, $this->module, $this->link, $this->a, $this->debuginfo] = [$errorcode, $module, $link, $a, $debuginfo];
        $message = get_string($errorcode, $module, $a);
        parent::__construct($message === "[[$errorcode]]" ? "$module/$errorcode" : $message, 0);
    }
}

class coding_exception extends moodle_exception {
    public function __construct($hint, $debuginfo = null) {
        parent::__construct('codingerror', 'debug', '', $hint, $debuginfo);
        $this->message = 'Coding error detected, it must be fixed by a programmer: ' . $hint;
    }
}

class dml_exception extends moodle_exception {
    public function __construct($errorcode, $a = null, $debuginfo = null) {
        parent::__construct($errorcode, '', '', $a, $debuginfo);
    }
}

class dml_connection_exception extends dml_exception {
    public function __construct($error) {
        parent::__construct('dbconnectionfailed', null, $error);
    }
}

class dml_read_exception extends dml_exception {
    public function __construct($error, $sql = null, array $params = null) {
        parent::__construct('dmlreadexception', null, "$error\n$sql\n[" . var_export($params, true) . ']');
    }
}

class dml_write_exception extends dml_exception {
    public function __construct($error, $sql = null, array $params = null) {
        parent::__construct('dmlwriteexception', null, "$error\n$sql\n[" . var_export($params, true) . ']');
    }
}

class dml_sessionwait_exception extends dml_exception {
    public function __construct() {
        parent::__construct('sessionwaiterr');
    }
}

class require_login_exception extends moodle_exception {
    public function __construct($debuginfo) {
        parent::__construct('requireloginerror', 'error', '', null, $debuginfo);
    }
}

class downgrade_exception extends moodle_exception {
    public function __construct($plugin, $oldversion, $newversion) {
        $a = (object)['plugin' => $plugin ?? 'moodle', 'oldversion' => $oldversion, 'newversion' => $newversion];
        parent::__construct('cannotdowngrade', 'debug', '', $a);
    }
}

class upgrade_requires_exception extends moodle_exception {
    public function __construct($plugin, $pluginversion, $currentmoodle, $requiremoodle) {
        $a = (object)['pluginname' => $plugin, 'pluginversion' => $pluginversion, 'currentmoodle' => $currentmoodle,
            'requiremoodle' => $requiremoodle];
        parent::__construct('pluginrequirementsnotmet', 'error', '', $a);
    }
}

class plugin_defective_exception extends moodle_exception {
    public function __construct($plugin, $details) {
        parent::__construct('detectedbrokenplugin', 'error', '', $plugin, $details);
        $this->message = "Plugin \"$plugin\" is defective or outdated, can not continue, sorry.";
    }
}

/** Moodle's format_backtrace() in its plain-text form. */
function format_backtrace($callers, $plaintext = true) {
    $lines = [];
    foreach ($callers ?? [] as $caller) {
        $call = !empty($caller['function']) ? ': call to ' . ($caller['class'] ?? '') . ($caller['type'] ?? '')
            . $caller['function'] . '()' : '';
        $lines[] = '* line ' . ($caller['line'] ?? '?') . ' of ' . ($caller['file'] ?? 'unknownfile') . $call;
    }
    return implode("\n", $lines) . "\n";
}

/** Moodle's debugging(): in CLI "++ message ++" and the backtrace on STDOUT when debugdisplay is on. */
function debugging($message = '', $level = DEBUG_NORMAL, $backtrace = null) {
    global $CFG;
    if (empty($CFG->debug) || ($CFG->debug != -1 && $CFG->debug < $level)) {
        return false;
    }
    if (!isset($CFG->debugdisplay)) {
        $CFG->debugdisplay = filter_var(ini_get('display_errors'), FILTER_VALIDATE_BOOLEAN);
    }
    if ($message) {
        $from = format_backtrace($backtrace ?: debug_backtrace());
        if ($CFG->debugdisplay) {
            echo CLI_SCRIPT ? "++ $message ++\n$from" : '<div class="notifytiny debuggingmessage">' . $message . $from . '</div>';
        } else {
            trigger_error($message . $from, E_USER_NOTICE);
        }
    }
    return true;
}

/** The bootstrap of a web request is over: from now on errors are reported on an error page, not with HTTP 500. */
function standin_setup_done($query = false) {
    static $setupdone = false;
    if (!$query) {
        $setupdone = true;
    }
    return $setupdone;
}

/** Moodle's default_exception_handler(): in CLI "!!! message !!!" on STDOUT (and details in developer mode); in a web
 * request an error page, with HTTP 500 when the bootstrap failed (bootstrap_renderer::early_error()); exit 1. */
function default_exception_handler($ex) {
    global $CFG;
    if (!CLI_SCRIPT) {
        standin_web_exception($ex);
        exit(1);
    }
    if ($ex instanceof moodle_exception) {
        [$message, $debuginfo, $errorcode] = [$ex->getMessage(), (string)$ex->debuginfo, $ex->errorcode];
    } else {
        [$message, $debuginfo, $errorcode] = [get_string('generalexceptionmessage', 'error', $ex->getMessage()), '',
            'generalexceptionmessage'];
    }
    $debuginfo .= PHP_EOL . "Error code: $errorcode";
    $backtrace = $ex->getTrace();
    array_unshift($backtrace, ['file' => $ex->getFile(), 'line' => $ex->getLine(), 'function' => get_class($ex)]);
    $backtrace[0]['function'] = '';
    $from = str_replace($CFG->dirroot, '', format_backtrace($backtrace));
    $from = preg_replace('/^(\* line \d+ of \S+)\n/', '$1: ' . get_class($ex) . " thrown\n", $from);
    if (debugging('', DEBUG_MINIMAL)) {
        error_log("Default exception handler: $message Debug: $debuginfo\n$from");
    }
    echo "!!! $message !!!\n";
    if (!empty($CFG->debug) && ($CFG->debug & DEBUG_DEVELOPER) === DEBUG_DEVELOPER) {
        echo "!! $debuginfo !!\n!! Stack trace: $from !!\n";
    }
    exit(1);
}

/** Plugin types, plugins and versions of the code tree, read from lib/components.json and the directories. */
class core_component {
    protected static $plugintypes = null;
    protected static $subsystems = null;

    protected static function init() {
        global $CFG;
        if (self::$plugintypes !== null) {
            return;
        }
        $data = json_decode(file_get_contents("$CFG->dirroot/lib/components.json"), true);
        self::$subsystems = $data['subsystems'];
        self::$plugintypes = [];
        foreach ($data['plugintypes'] as $type => $dir) {
            self::$plugintypes[$type] = "$CFG->dirroot/$dir";
        }
        foreach (array_keys($data['plugintypes']) as $type) {
            foreach (self::fetch_plugins($type, self::$plugintypes[$type]) as $fulldir) {
                if (is_readable("$fulldir/db/subplugins.json")) {
                    $sub = json_decode(file_get_contents("$fulldir/db/subplugins.json"), true);
                    foreach ($sub['plugintypes'] ?? [] as $subtype => $subdir) {
                        self::$plugintypes[$subtype] = "$CFG->dirroot/$subdir";
                    }
                }
            }
        }
    }

    public static function reset() {
        self::$plugintypes = null;
    }

    public static function is_valid_plugin_name($plugintype, $pluginname) {
        if ($plugintype === 'mod') {
            return (bool)preg_match('/^[a-z][a-z0-9]*$/', $pluginname);
        }
        return (bool)preg_match('/^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$/', $pluginname);
    }

    protected static function fetch_plugins($plugintype, $fulldir) {
        $result = [];
        $ignored = ['CVS', '_vti_cnf', 'amd', 'classes', 'db', 'lang', 'tests', 'yui'];
        foreach (is_dir($fulldir) ? scandir($fulldir) : [] as $name) {
            if (is_dir("$fulldir/$name") && !in_array($name, $ignored) && self::is_valid_plugin_name($plugintype, $name)) {
                $result[$name] = "$fulldir/$name";
            }
        }
        ksort($result);
        return $result;
    }

    public static function get_plugin_types() {
        self::init();
        return self::$plugintypes;
    }

    public static function get_core_subsystems() {
        self::init();
        return self::$subsystems;
    }

    public static function get_plugin_list($plugintype) {
        $types = self::get_plugin_types();
        return isset($types[$plugintype]) ? self::fetch_plugins($plugintype, $types[$plugintype]) : [];
    }

    public static function get_plugin_list_with_file($plugintype, $file, $include = false) {
        $result = [];
        foreach (self::get_plugin_list($plugintype) as $name => $fulldir) {
            if (file_exists("$fulldir/$file")) {
                $result[$name] = "$fulldir/$file";
                if ($include) {
                    include_once("$fulldir/$file");
                }
            }
        }
        return $result;
    }

    public static function get_plugin_directory($plugintype, $pluginname) {
        return self::get_plugin_list($plugintype)[$pluginname] ?? null;
    }

    /** [type, name] of a frankenstyle component; ['core', subsystem or null] for core. */
    public static function normalize_component($component) {
        if ($component === 'moodle' || $component === 'core' || $component === '' || $component === null) {
            return ['core', null];
        }
        if (strpos($component, '_') === false) {
            return array_key_exists($component, self::get_core_subsystems()) ? ['core', $component] : ['mod', $component];
        }
        [$type, $name] = explode('_', $component, 2);
        if ($type === 'core') {
            return ['core', $name];
        }
        return array_key_exists($type, self::get_plugin_types()) ? [$type, $name] : ['core', $component];
    }

    /** The $plugin object of a plugin's version.php (version null when there is none). */
    public static function load_plugin_version($fulldir) {
        global $CFG;
        $plugin = new stdClass();
        $plugin->version = null;
        $module = $plugin;
        if (is_readable("$fulldir/version.php")) {
            include("$fulldir/version.php");
        }
        return $plugin;
    }

    /** $version, $release, $branch and $maturity of the core version.php. */
    public static function fetch_core_version_info() {
        global $CFG;
        $version = $release = $branch = $maturity = null;
        include("$CFG->dirroot/version.php");
        return ['version' => $version, 'release' => $release, 'branch' => $branch, 'maturity' => $maturity];
    }

    /** Core and every plugin on disk => version, as core_component::get_all_versions(). */
    public static function get_all_versions() {
        $versions = ['core' => self::fetch_core_version_info()['version']];
        foreach (self::get_plugin_types() as $type => $unused) {
            foreach (self::get_plugin_list($type) as $name => $fulldir) {
                $versions[$type . '_' . $name] = self::load_plugin_version($fulldir)->version;
            }
        }
        return $versions;
    }

    public static function get_all_versions_hash() {
        return sha1(serialize(self::get_all_versions()));
    }

    /** A hash of the files in the db/ directories of core and the plugins (a change needs maintenance mode). */
    public static function get_all_component_hash() {
        global $CFG;
        $dirs = ["$CFG->dirroot/lib/db"];
        foreach (self::get_plugin_types() as $type => $unused) {
            foreach (self::get_plugin_list($type) as $fulldir) {
                $dirs[] = "$fulldir/db";
            }
        }
        $hashes = [];
        foreach ($dirs as $dir) {
            foreach (is_dir($dir) ? glob("$dir/*") : [] as $file) {
                $hashes[$file] = is_file($file) ? sha1_file($file) : '';
            }
        }
        return sha1(serialize($hashes));
    }
}
