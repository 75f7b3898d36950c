<?php
// lms.moodle stand-in (NOT Moodle): install, upgrade and uninstall as Moodle 4.4 does them (lib/upgradelib.php,
// lib/installlib.php, lib/adminlib.php), reduced to what the stand-in keeps: the tables of STANDIN_TABLES, the core and plugin
// versions, and the hash that tells whether an upgrade is due.
defined('MOODLE_INTERNAL') || die();

/** The core tables (Moodle's lib/db/install.xml has ~450; the stand-in needs these), as in install.xml: fields
 * [type, length, notnull, default] (int, char or text), unique and other indexes. */
const STANDIN_TABLES = [
    'config' => [
        'fields' => ['id' => ['int', 10, true, null], 'name' => ['char', 255, true, null], 'value' => ['text', null, true, null]],
        'unique' => [['name']],
    ],
    'config_plugins' => [
        'fields' => ['id' => ['int', 10, true, null], 'plugin' => ['char', 100, true, 'core'], 'name' => ['char', 100, true, null],
            'value' => ['text', null, true, null]],
        'unique' => [['plugin', 'name']],
    ],
    'config_log' => [
        'fields' => ['id' => ['int', 10, true, null], 'userid' => ['int', 10, true, null], 'timemodified' => ['int', 10, true, null],
            'plugin' => ['char', 100, false, null], 'name' => ['char', 100, true, null], 'value' => ['text', null, false, null],
            'oldvalue' => ['text', null, false, null]],
        'indexes' => [['timemodified']],
    ],
    'user' => [
        'fields' => ['id' => ['int', 10, true, null], 'auth' => ['char', 20, true, 'manual'], 'confirmed' => ['int', 1, true, 0],
            'deleted' => ['int', 1, true, 0], 'suspended' => ['int', 1, true, 0], 'mnethostid' => ['int', 10, true, 0],
            'username' => ['char', 100, true, ''], 'password' => ['char', 255, true, ''], 'firstname' => ['char', 100, true, ''],
            'lastname' => ['char', 100, true, ''], 'email' => ['char', 100, true, ''], 'lang' => ['char', 30, true, 'en'],
            'firstaccess' => ['int', 10, true, 0], 'lastaccess' => ['int', 10, true, 0], 'lastlogin' => ['int', 10, true, 0],
            'currentlogin' => ['int', 10, true, 0], 'lastip' => ['char', 45, true, ''], 'timecreated' => ['int', 10, true, 0],
            'timemodified' => ['int', 10, true, 0]],
        'unique' => [['mnethostid', 'username']],
    ],
    'course' => [
        'fields' => ['id' => ['int', 10, true, null], 'category' => ['int', 10, true, 0], 'format' => ['char', 21, true, 'topics'],
            'fullname' => ['char', 1333, true, ''], 'shortname' => ['char', 255, true, ''], 'summary' => ['text', null, false, null]],
        'indexes' => [['category']],
    ],
    // The session tracking records (and the data of the database session handler), as Moodle's {sessions}.
    'sessions' => [
        'fields' => ['id' => ['int', 10, true, null], 'state' => ['int', 10, true, 0], 'sid' => ['char', 128, true, null],
            'userid' => ['int', 10, true, null], 'sessdata' => ['text', null, false, null], 'timecreated' => ['int', 10, true, null],
            'timemodified' => ['int', 10, true, null], 'firstip' => ['char', 45, false, null], 'lastip' => ['char', 45, false, null]],
        'unique' => [['sid']],
        'indexes' => [['state'], ['timecreated'], ['timemodified'], ['userid']],
    ],
    // Contexts (the system's and users'), the web services with their tokens, and the files of users' draft areas:
    // what a web service client creating users and uploading files touches, as in Moodle's install.xml.
    'context' => [
        'fields' => ['id' => ['int', 10, true, null], 'contextlevel' => ['int', 10, true, 0], 'instanceid' => ['int', 10, true, 0],
            'path' => ['char', 255, false, null], 'depth' => ['int', 2, true, 0], 'locked' => ['int', 2, true, 0]],
        'unique' => [['contextlevel', 'instanceid']],
    ],
    'external_services' => [
        'fields' => ['id' => ['int', 10, true, null], 'name' => ['char', 200, true, null], 'enabled' => ['int', 1, true, null],
            'requiredcapability' => ['char', 150, false, null], 'restrictedusers' => ['int', 1, true, null],
            'component' => ['char', 100, false, null], 'timecreated' => ['int', 10, true, null],
            'timemodified' => ['int', 10, false, null], 'shortname' => ['char', 255, false, null],
            'downloadfiles' => ['int', 1, true, 0], 'uploadfiles' => ['int', 1, true, 0]],
        'unique' => [['name']],
    ],
    'external_services_functions' => [
        'fields' => ['id' => ['int', 10, true, null], 'externalserviceid' => ['int', 10, true, null],
            'functionname' => ['char', 200, true, null]],
        'indexes' => [['externalserviceid']],
    ],
    'external_tokens' => [
        'fields' => ['id' => ['int', 10, true, null], 'token' => ['char', 128, true, null], 'privatetoken' => ['char', 64, false, null],
            'tokentype' => ['int', 4, true, null], 'userid' => ['int', 10, true, null], 'externalserviceid' => ['int', 10, true, null],
            'sid' => ['char', 128, false, null], 'contextid' => ['int', 10, true, null], 'creatorid' => ['int', 20, true, 1],
            'iprestriction' => ['char', 255, false, null], 'validuntil' => ['int', 10, false, null],
            'timecreated' => ['int', 10, true, null], 'lastaccess' => ['int', 10, false, null], 'name' => ['char', 255, false, null]],
        'indexes' => [['token'], ['userid']],
    ],
    'files' => [
        'fields' => ['id' => ['int', 10, true, null], 'contenthash' => ['char', 40, true, ''], 'pathnamehash' => ['char', 40, true, ''],
            'contextid' => ['int', 10, true, null], 'component' => ['char', 100, true, ''], 'filearea' => ['char', 50, true, ''],
            'itemid' => ['int', 10, true, null], 'filepath' => ['char', 255, true, null], 'filename' => ['char', 255, true, null],
            'userid' => ['int', 10, false, null], 'filesize' => ['int', 10, true, null], 'mimetype' => ['char', 100, false, null],
            'status' => ['int', 10, true, 0], 'source' => ['text', null, false, null], 'author' => ['char', 255, false, null],
            'license' => ['char', 255, false, null], 'timecreated' => ['int', 10, true, null], 'timemodified' => ['int', 10, true, null],
            'sortorder' => ['int', 10, true, 0], 'referencefileid' => ['int', 10, false, null]],
        'unique' => [['pathnamehash']],
        'indexes' => [['component', 'filearea', 'contextid', 'itemid'], ['contenthash']],
    ],
];

/** Write the defaults of admin settings (at install all, at upgrade those not set yet); the names written. */
function admin_apply_default_settings($node = null, $unconditional = true) {
    global $CFG;
    $defaults = ['debug' => 0, 'debugdisplay' => 0, 'maintenance_enabled' => 0, 'maintenance_message' => '',
        'registerauth' => '', 'noemailever' => 0,
        // Those the web pages, the session manager and cron read (Moodle's defaults of admin/settings/*.php).
        'forcelogin' => 0, 'guestloginbutton' => 1, 'autologinguests' => 0, 'alternateloginurl' => '',
        'rememberusername' => 2, 'cookiesecure' => 1, 'allowbeforeblock' => 0, 'opentowebcrawlers' => 0,
        'sessiontimeout' => 28800, 'sessiontimeoutwarning' => 1200, 'sessioncookie' => '', 'sessioncookiepath' => '',
        'sessioncookiedomain' => '', 'getremoteaddrconf' => 3, 'reverseproxyignore' => '', 'defaulthomepage' => 1,
        'enabledashboard' => 1, 'allowguestmymoodle' => 1, 'sitenameintitle' => 'shortname', 'cron_enabled' => 1,
        'cron_keepalive' => 180, 'task_scheduled_concurrency_limit' => 3, 'task_scheduled_max_runtime' => 1800,
        'task_adhoc_concurrency_limit' => 3, 'task_adhoc_max_runtime' => 1800];
    // The database sessions checkbox exists only without a session handler in config.php (admin/settings/server.php).
    if (empty($CFG->session_handler_class)) {
        $defaults['dbsessions'] = 0;
    }
    // The install language, when its pack is there (a failed download leaves it unset, as in Moodle).
    if ($unconditional && (($CFG->lang ?? 'en') === 'en' || is_dir("$CFG->dataroot/lang/$CFG->lang"))) {
        $defaults['lang'] = $CFG->lang ?? 'en';
    }
    $written = [];
    foreach ($defaults as $name => $value) {
        if ($unconditional || get_config('core', $name) === false) {
            set_config($name, $value);
            $written[$name] = $value;
        }
    }
    return $written;
}

function print_upgrade_part_start($plugin, $installation, $verbose) {
    global $STANDIN_PART_START;
    $STANDIN_PART_START = microtime(true);
    if ($verbose) {
        echo '-->' . ((empty($plugin) || $plugin == 'moodle') ? get_string('coresystem') : $plugin) . "\n";
    }
}

function print_upgrade_part_end($plugin, $installation, $verbose) {
    global $STANDIN_PART_START;
    if ($verbose) {
        echo '++ ' . get_string('successduration', '', number_format(microtime(true) - $STANDIN_PART_START, 2)) . " ++\n";
    }
}

/** An exception during install or upgrade: always shown with the debugging details, exit 1. */
function upgrade_handle_exception($ex, $plugin = null) {
    global $CFG;
    $CFG->debug = DEBUG_DEVELOPER;
    $CFG->debugdisplay = 1;
    default_exception_handler($ex);
}

/** The core part of an install: empty the caches, create the tables, core records and settings, the version. */
function install_core($version, $verbose) {
    global $CFG, $DB;
    foreach ([$CFG->cachedir, $CFG->localcachedir, $CFG->tempdir, $CFG->backuptempdir, "$CFG->dataroot/muc"] as $dir) {
        remove_dir($dir, true);
        make_writable_directory($dir);
    }
    try {
        print_upgrade_part_start('moodle', true, $verbose);
        foreach (STANDIN_TABLES as $table => $definition) {
            $DB->create_table($table, $definition);
        }
        $defaults = ['rolesactive' => '0', 'auth' => 'email', 'theme' => 'boost',
            'siteidentifier' => bin2hex(random_bytes(16)) . parse_url($CFG->wwwroot, PHP_URL_HOST)];
        foreach ($defaults as $name => $value) {
            set_config($name, $value);
        }
        $guest = $DB->insert_record('user', ['auth' => 'manual', 'confirmed' => 1, 'mnethostid' => 1, 'username' => 'guest',
            'password' => hash_internal_user_password('guest'), 'firstname' => 'Guest user', 'timecreated' => time()]);
        set_config('siteguest', $guest);
        $admin = $DB->insert_record('user', ['auth' => 'manual', 'confirmed' => 1, 'mnethostid' => 1, 'username' => 'admin',
            'password' => '', 'firstname' => 'Admin', 'lastname' => 'User', 'timecreated' => time()]);
        set_config('siteadmins', $admin);
        context_system::instance();
        context_user::instance($admin);
        $DB->insert_record('course', ['category' => 0, 'format' => 'site', 'fullname' => '', 'shortname' => '']);
        set_config('version', $version);
        admin_apply_default_settings(null, true);
        print_upgrade_part_end(null, true, $verbose);
        cache_helper::purge_all();
    } catch (Throwable $ex) {
        upgrade_handle_exception($ex);
    }
}

/** The core part of an upgrade: the new version (the stand-in has no upgrade steps). */
function upgrade_core($version, $verbose) {
    try {
        print_upgrade_part_start('moodle', false, $verbose);
        set_config('version', $version);
        print_upgrade_part_end('moodle', false, $verbose);
    } catch (Throwable $ex) {
        upgrade_handle_exception($ex);
    }
}

/** Install new plugins and upgrade changed ones (version in {config_plugins}), then record the versions hash. */
function upgrade_noncore($verbose) {
    global $CFG, $DB;
    try {
        cache_helper::purge_all(true);
        foreach (core_component::get_plugin_types() as $type => $unused) {
            foreach (core_component::get_plugin_list($type) as $name => $fulldir) {
                $component = $type . '_' . $name;
                if (!is_readable("$fulldir/version.php")) {
                    continue;
                }
                $plugin = core_component::load_plugin_version($fulldir);
                if (empty($plugin->version)) {
                    throw new plugin_defective_exception($component, 'Missing $plugin->version number in version.php.');
                }
                if (empty($plugin->component)) {
                    throw new plugin_defective_exception($component, 'Missing $plugin->component declaration in version.php.');
                }
                if ($plugin->component !== $component) {
                    throw new plugin_defective_exception($component, "Plugin {$plugin->component} is in the directory of $component.");
                }
                if (!empty($plugin->requires) && $plugin->requires > $CFG->version) {
                    throw new upgrade_requires_exception($component, $plugin->version, $CFG->version, $plugin->requires);
                }
                $installed = $DB->get_field('config_plugins', 'value', ['name' => 'version', 'plugin' => $component]);
                if (empty($installed) || $installed < $plugin->version) {
                    print_upgrade_part_start($component, empty($installed), $verbose);
                    set_config('version', $plugin->version, $component);
                    print_upgrade_part_end($component, empty($installed), $verbose);
                } else if ($installed > $plugin->version) {
                    throw new downgrade_exception($component, $installed, $plugin->version);
                }
            }
        }
        if ($CFG->debugdeveloper) {
            print_upgrade_part_start('upgrade_noncore()', false, true);
        }
        cache_helper::update_definitions();
        set_config('allversionshash', core_component::get_all_versions_hash());
        set_config('allcomponenthash', core_component::get_all_component_hash());
        set_config('registrationpending', true);
        cache_helper::purge_all(true);
        print_upgrade_part_end(null, false, $CFG->debugdeveloper);
    } catch (Throwable $ex) {
        upgrade_handle_exception($ex);
    }
}

/** Plugins whose requirements (core version, other plugins) are not met, as core_plugin_manager::all_plugins_ok(). */
function standin_failed_plugins($moodleversion) {
    $failed = [];
    $versions = core_component::get_all_versions();
    foreach (core_component::get_plugin_types() as $type => $unused) {
        foreach (core_component::get_plugin_list($type) as $name => $fulldir) {
            $plugin = core_component::load_plugin_version($fulldir);
            if (!empty($plugin->requires) && $plugin->requires > $moodleversion) {
                $failed[] = $type . '_' . $name;
            }
            foreach ((array)($plugin->dependencies ?? []) as $dependency => $version) {
                if (!isset($versions[$dependency]) || ($version !== ANY_VERSION && $versions[$dependency] < $version)) {
                    $failed[] = $type . '_' . $name;
                }
            }
        }
    }
    return array_unique($failed);
}

/** Some files that Moodle 4.4 removed; a tree that has them mixes versions (upgrade_stale_php_files_present()). */
function upgrade_stale_php_files_present() {
    global $CFG;
    foreach (['/README.txt', '/lib/dataformatlib.php', '/mod/forum/pix/monologo.png', '/badges/ajax.php'] as $file) {
        if (file_exists($CFG->dirroot . $file)) {
            return true;
        }
    }
    return false;
}

/** What core_plugin_manager knows of a plugin: on disk and/or installed; null for an unknown one. */
function standin_plugin_info($component) {
    global $DB;
    [$type, $name] = core_component::normalize_component($component);
    if ($type === 'core' || $name === null) {
        return null;
    }
    $component = $type . '_' . $name;
    $dir = core_component::get_plugin_directory($type, $name);
    $installed = $DB->get_field('config_plugins', 'value', ['plugin' => $component, 'name' => 'version']);
    if ($dir === null && $installed === false) {
        return null;
    }
    $string = [];
    $langfile = $dir . '/lang/en/' . ($type === 'mod' ? $name : $component) . '.php';
    if ($dir !== null && is_readable($langfile)) {
        $string = (function($file) {
            $string = [];
            include($file);
            return $string;
        })($langfile);
    }
    return (object)['type' => $type, 'name' => $name, 'component' => $component, 'rootdir' => $dir,
        'installed' => $installed, 'displayname' => $dir === null ? $name : ($string['pluginname'] ?? "[pluginname,$component]")];
}

/** Moodle's can_uninstall_plugin(): installed and allowed by its type (some plugins are needed by core). */
function standin_can_uninstall_plugin($info) {
    $required = ['mod_forum', 'tool_mobile', 'auth_manual', 'auth_nologin', 'auth_webservice', 'auth_mnet'];
    if ($info === null || $info->installed === false || in_array($info->component, $required)) {
        return false;
    }
    if ($info->type === 'cachestore') {
        foreach (cache_config::instance()->get_all_stores() as $store) {
            if ($store['plugin'] === $info->name) {
                return false;
            }
        }
    }
    return true;
}

/** Uninstall a plugin (its subplugins first): settings removed, "-->name" and "++ Success ++", versions hash reset. */
function uninstall_plugin($type, $name) {
    global $CFG;
    $dir = core_component::get_plugin_directory($type, $name);
    if ($dir !== null && is_readable("$dir/db/subplugins.json")) {
        $subplugins = json_decode(file_get_contents("$dir/db/subplugins.json"), true)['plugintypes'] ?? [];
        foreach (array_keys($subplugins) as $subtype) {
            foreach (core_component::get_plugin_list($subtype) as $subname => $unused) {
                uninstall_plugin($subtype, $subname);
            }
        }
    }
    $component = $type . '_' . $name;
    $pluginname = $type === 'mod' ? $name : $component;
    echo "-->$pluginname\n";
    unset_all_config_for_plugin($component);
    if ($type === 'mod') {
        unset_all_config_for_plugin($pluginname);
    }
    purge_all_caches();
    set_config('allversionshash', '');
    echo '++ ' . get_string('success') . " ++\n";
}
