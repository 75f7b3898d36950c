<?php
// lms.moodle stand-in (NOT Moodle): settings (get_config(), set_config(), unset_config() as in Moodle 4.4
// lib/moodlelib.php: core settings in {config}, plugin settings in {config_plugins}, config.php values forced),
// the maintenance page and a few helpers.
defined('MOODLE_INTERNAL') || die();

/** A setting (or all settings of a component as an object); false when not set. Core: '', 'core' or 'moodle'. */
function get_config($plugin, $name = null) {
    global $CFG, $DB;
    if ($plugin === 'moodle' || $plugin === 'core' || empty($plugin)) {
        [$forced, $iscore, $plugin] = [$CFG->config_php_settings, true, 'core'];
    } else {
        [$forced, $iscore] = [$CFG->forced_plugin_settings[$plugin] ?? [], false];
    }
    if (!isset($CFG->siteidentifier)) {
        // On an empty database this throws dml_read_exception, as in Moodle.
        $CFG->siteidentifier = $DB->get_field('config', 'value', ['name' => 'siteidentifier']);
    }
    if (!empty($name)) {
        if (array_key_exists($name, $forced)) {
            return (string)$forced[$name];
        } else if ($name === 'siteidentifier' && $plugin == 'core') {
            return $CFG->siteidentifier;
        }
    }
    // Moodle reads these through the core/config cache; the stand-in reads the database every time.
    $result = $iscore ? $DB->get_records_menu('config', [], '', 'name, value')
        : $DB->get_records_menu('config_plugins', ['plugin' => $plugin], '', 'name, value');
    if (!empty($name)) {
        return array_key_exists($name, $result) ? $result[$name] : false;
    }
    if ($plugin === 'core') {
        $result['siteidentifier'] = $CFG->siteidentifier;
    }
    foreach ($forced as $key => $value) {
        if (is_null($value) || is_array($value) || is_object($value)) {
            unset($result[$key]);
        } else {
            $result[$key] = (string)$value;
        }
    }
    return (object)$result;
}

/** Set a setting; null unsets it. Only an EMPTY $plugin is core ({config}); 'core' goes to {config_plugins}. */
function set_config($name, $value, $plugin = null) {
    global $CFG, $DB;
    if ($value === null) {
        return unset_config($name, $plugin);
    }
    $value = is_bool($value) ? (string)(int)$value : (string)$value;
    $iscore = empty($plugin);
    $table = $iscore ? 'config' : 'config_plugins';
    $conditions = $iscore ? ['name' => $name] : ['name' => $name, 'plugin' => $plugin];
    $record = $DB->get_record($table, $conditions, 'id, value');
    if ($record === false) {
        $DB->insert_record($table, $conditions + ['value' => $value], false);
    } else if ($record->value !== $value) {
        $DB->set_field($table, 'value', $value, ['id' => $record->id]);
    }
    if ($iscore && !isset($CFG->config_php_settings[$name])) {
        $CFG->$name = $value;
    }
    if ($iscore && $name === 'siteidentifier') {
        cache_helper::update_site_identifier($value);
    }
    return true;
}

function unset_config($name, $plugin = null) {
    global $CFG, $DB;
    if (empty($plugin)) {
        unset($CFG->$name);
        $DB->delete_records('config', ['name' => $name]);
    } else {
        $DB->delete_records('config_plugins', ['name' => $name, 'plugin' => $plugin]);
    }
    return true;
}

function unset_all_config_for_plugin($plugin) {
    global $DB;
    $DB->delete_records('config_plugins', ['plugin' => $plugin]);
    $like = str_replace(['|', '_', '%'], ['||', '|_', '|%'], $plugin . '_') . '%';
    $DB->delete_records_select('config', "name LIKE \$1 ESCAPE '|'", [$like]);
    return true;
}

function add_to_config_log($name, $oldvalue, $value, $plugin) {
    global $DB, $USER;
    $DB->insert_record('config_log', (object)['userid' => $USER->id ?? 0, 'timemodified' => time(),
        'plugin' => $plugin, 'name' => $name, 'value' => $value, 'oldvalue' => $oldvalue === false ? null : $oldvalue], false);
}

/** The core settings into $CFG (config.php values win); nothing on an empty database (install comes next). */
function initialise_cfg() {
    global $CFG;
    try {
        $localcfg = get_config('core');
    } catch (dml_exception $e) {
        return;
    }
    foreach ($localcfg as $name => $value) {
        $CFG->{$name} = $value;
    }
}

function during_initial_install() {
    global $CFG;
    return empty($CFG->rolesactive);
}

function userdate($date) {
    return date('l, j F Y, g:i A', (int)$date);
}

function html_is_blank($string) {
    return trim(strip_tags((string)$string, '<img><object><applet><input><select><textarea><hr>')) == '';
}

function validate_email($address) {
    return filter_var($address, FILTER_VALIDATE_EMAIL) !== false;
}

function make_writable_directory($dir, $exceptiononerror = true) {
    global $CFG;
    if (is_dir($dir) || @mkdir($dir, $CFG->directorypermissions, true)) {
        return $dir;
    }
    if ($exceptiononerror) {
        throw new moodle_exception('cannotcreatedir', 'error', '', $dir);
    }
    return false;
}

/** Delete a directory with its content (only the content with $contentonly). */
function remove_dir($dir, $contentonly = false) {
    if (!is_dir($dir)) {
        return true;
    }
    foreach (array_diff(scandir($dir), ['.', '..']) as $item) {
        is_dir("$dir/$item") && !is_link("$dir/$item") ? remove_dir("$dir/$item") : @unlink("$dir/$item");
    }
    return $contentonly ? true : @rmdir($dir);
}

/** Moodle's hash_internal_user_password(): SHA-512 crypt with 10000 rounds (password_verify() checks it). */
function hash_internal_user_password(#[\SensitiveParameter] string $password) {
    $salt = substr(strtr(base64_encode(random_bytes(16)), '+', '.'), 0, 16);
    return crypt($password, '$6$rounds=10000$' . $salt . '$');
}

/** Write dataroot/climaintenance.html like adminlib's enable_cli_maintenance_mode(). */
function enable_cli_maintenance_mode() {
    global $CFG, $SITE;
    $file = "$CFG->dataroot/climaintenance.html";
    if (file_exists($file)) {
        unlink($file);
    }
    if (isset($CFG->maintenance_message) && !html_is_blank($CFG->maintenance_message)) {
        $data = standin_plain_page(get_string('sitemaintenance', 'admin'), $CFG->maintenance_message);
    } else if (file_exists("$CFG->dataroot/climaintenance.template.html")) {
        $data = file_get_contents("$CFG->dataroot/climaintenance.template.html");
    } else {
        $data = standin_plain_page(get_string('sitemaintenancetitle', 'admin', s((string)($SITE->fullname ?? ''))),
            get_string('sitemaintenance', 'admin'));
    }
    file_put_contents($file, $data);
    chmod($file, $CFG->filepermissions);
}

function standin_plain_page($title, $content) {
    return "<!DOCTYPE html>\n<html>\n<head>\n<title>$title</title>\n<meta charset=\"UTF-8\" />\n</head>\n<body>\n"
        . "<h1>$title</h1>\n<div class=\"alert-danger\">$content</div>\n</body>\n</html>\n";
}

function s($text) {
    return htmlspecialchars((string)$text, ENT_QUOTES | ENT_HTML401 | ENT_SUBSTITUTE);
}

/** Moodle's purge_caches() for the parts the stand-in has: MUC stores and the cache directories. */
function purge_caches($options = []) {
    global $CFG;
    if (empty($options) || !empty($options['muc'])) {
        cache_helper::purge_all(true);
    }
    if (empty($options) || !empty($options['other'])) {
        remove_dir($CFG->cachedir, true);
        remove_dir($CFG->localcachedir, true);
    }
}

function purge_all_caches() {
    purge_caches();
}

