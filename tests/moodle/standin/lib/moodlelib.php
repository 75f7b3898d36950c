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
    $DB->delete_records_select('config', "name LIKE ? ESCAPE '|'", [$like]);
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

/** Moodle's moodle_needs_upgrading(): no version, no versions hash, or the versions on disk changed. */
function moodle_needs_upgrading($checkupgradeflag = true) {
    global $CFG;
    if ($checkupgradeflag && !empty($CFG->outagelessupgrade) && !(defined('CLI_UPGRADE_RUNNING') && CLI_UPGRADE_RUNNING)) {
        return false;
    }
    if (empty($CFG->version) || empty($CFG->allversionshash)) {
        return true;
    }
    return core_component::get_all_versions_hash() !== $CFG->allversionshash;
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

/** A page without theme with an error or notice (the maintenance page), as bootstrap_renderer::plain_page() with
 * early_error_content(). */
function standin_plain_page($title, $content) {
    return standin_plain_html($title, "<div class='alert-danger'>$content</div>");
}

/** A page without theme: the title as heading, then the content (bootstrap_renderer::plain_page()). */
function standin_plain_html($title, $content) {
    return "<!DOCTYPE html>\n<html  lang=\"en\" xml:lang=\"en\">\n    <head>\n"
        . "        <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
        . "        <title>$title</title>\n"
        . "        <style>\nbody { margin: 0; font-family: sans-serif; background-color: #f2f2f2; }\n"
        . "#page { max-width: 600px; margin: 0 auto; padding: 15px; background: white; }\n"
        . ".alert-danger { color: #6e211e; background-color: #f6d9d8; padding: .75rem 1.25rem; }\n        </style>\n"
        . "    </head>\n    <body>\n        <div id=\"page\">\n            <div id=\"region-main\">\n"
        . "                <h1>$title</h1>\n                $content\n            </div>\n        </div>\n"
        . "    </body>\n</html>\n";
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


// Web service token types, as Moodle's moodlelib.php defines them.
define('EXTERNAL_TOKEN_PERMANENT', 0);
define('EXTERNAL_TOKEN_EMBEDDED', 1);

/** Moodle's random_string(): letters and digits. */
function random_string($length = 15) {
    $pool = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    $bytes = random_bytes($length);
    $string = '';
    for ($i = 0; $i < $length; $i++) {
        $string .= $pool[ord($bytes[$i]) % strlen($pool)];
    }
    return $string;
}

/** Moodle's format_time() in English ("2 mins 5 secs"). */
function format_time($totalsecs) {
    $totalsecs = abs($totalsecs);
    $parts = [];
    foreach ([['day', 'days', DAYSECS], ['hour', 'hours', HOURSECS], ['min', 'mins', MINSECS], ['sec', 'secs', 1]] as
            [$one, $many, $secs]) {
        $count = (int)floor($totalsecs / $secs);
        $totalsecs -= $count * $secs;
        if ($count) {
            $parts[] = $count . ' ' . ($count == 1 ? $one : $many);
        }
    }
    return $parts ? implode(' ', $parts) : 'now';
}

/** Moodle's display_size(): "20.6 MB" (a no-break space before the unit). */
function display_size($size, int $decimalplaces = 1) {
    $units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
    $magnitude = $size > 0 ? (int)max(0, min(5, floor(log($size, 1024)))) : 0;
    if ($magnitude === 0) {
        return round($size) . "\xc2\xa0" . $units[0];
    }
    return sprintf('%.' . $decimalplaces . 'f', $size / 1024 ** $magnitude) . "\xc2\xa0" . $units[$magnitude];
}

function microtime_diff($a, $b) {
    [$adec, $asec] = explode(' ', $a);
    [$bdec, $bsec] = explode(' ', $b);
    return $bsec - $asec + $bdec - $adec;
}

/** Moodle's mtrace(): a line on STDOUT in CLI (echo otherwise), flushed. */
function mtrace($string, $eol = "\n", $sleep = 0) {
    if (defined('STDOUT')) {
        fwrite(STDOUT, $string . $eol);
    } else {
        echo $string . $eol;
    }
    flush();
    if ($sleep) {
        sleep($sleep);
    }
}

/** Moodle's getremoteaddr(): REMOTE_ADDR, or (when getremoteaddrconf allows) HTTP_CLIENT_IP or the last address of
 * HTTP_X_FORWARDED_FOR that is not in reverseproxyignore. */
function getremoteaddr($default = '0.0.0.0') {
    global $CFG;
    $variablestoskip = isset($CFG->getremoteaddrconf) ? (int)$CFG->getremoteaddrconf : (int)GETREMOTEADDR_SKIP_DEFAULT;
    if (!($variablestoskip & GETREMOTEADDR_SKIP_HTTP_CLIENT_IP)) {
        if (!empty($_SERVER['HTTP_CLIENT_IP'])) {
            $address = cleanremoteaddr($_SERVER['HTTP_CLIENT_IP']);
            return $address ? $address : $default;
        }
    }
    if (!($variablestoskip & GETREMOTEADDR_SKIP_HTTP_X_FORWARDED_FOR)) {
        if (!empty($_SERVER['HTTP_X_FORWARDED_FOR'])) {
            $forwardedaddresses = array_filter(explode(',', $_SERVER['HTTP_X_FORWARDED_FOR']), function($ip) {
                global $CFG;
                return !standin_ip_in_subnet_list($ip, $CFG->reverseproxyignore ?? '', ',');
            });
            // Proxies append to this header: only the last address can be trusted.
            $address = (string)end($forwardedaddresses);
            if (substr_count($address, ':') > 1) {
                if (preg_match('/\[(.*)\]:/', $address, $matches)) {
                    $address = $matches[1];
                }
            } else if (substr_count($address, ':') == 1) {
                $address = explode(':', $address)[0];
            }
            $address = cleanremoteaddr($address);
            return $address ? $address : $default;
        }
    }
    if (!empty($_SERVER['REMOTE_ADDR'])) {
        $address = cleanremoteaddr($_SERVER['REMOTE_ADDR']);
        return $address ? $address : $default;
    }
    return $default;
}

/** An IPv4 or IPv6 address normalised (IPv6 in Moodle's uncompressed lower-case form), null when malformed. */
function cleanremoteaddr($addr, $compress = false) {
    $addr = trim((string)$addr);
    if (strpos($addr, ':') !== false) {
        $packed = @inet_pton($addr);
        if ($packed === false || strlen($packed) !== 16) {
            return null;
        }
        $groups = array_map(function($group) {
            return dechex(hexdec($group));
        }, str_split(bin2hex($packed), 4));
        $result = implode(':', $groups);
        return $compress ? inet_ntop($packed) : $result;
    }
    if (!preg_match('/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/', $addr, $parts)) {
        return null;
    }
    unset($parts[0]);
    foreach ($parts as $key => $part) {
        if ($part > 255) {
            return null;
        }
        $parts[$key] = (int)$part;
    }
    return implode('.', $parts);
}

/** Whether an address is in one of the subnets of a list (\core\ip_utils::is_ip_in_subnet_list(): comments after
 * #). */
function standin_ip_in_subnet_list($ip, $list, $delim = "\n") {
    foreach (explode($delim, (string)$list) as $line) {
        if (address_in_subnet($ip, trim(explode('#', $line)[0]))) {
            return true;
        }
    }
    return false;
}

/** Moodle's address_in_subnet() for the forms an operator writes: an address, a CIDR block (IPv4 or IPv6), a range
 * of the last IPv4 group (1.2.3.4-20) or a prefix (1.2.3 or 1.2.3.); comma-separated. */
function address_in_subnet($addr, $subnetstr, $checkallzeros = false) {
    if ($addr == '0.0.0.0' && !$checkallzeros) {
        return false;
    }
    $addr = cleanremoteaddr($addr);
    if ($addr === null) {
        return false;
    }
    $packedaddr = inet_pton($addr);
    foreach (explode(',', (string)$subnetstr) as $subnet) {
        $subnet = trim($subnet);
        if ($subnet === '') {
            continue;
        }
        if (strpos($subnet, '/') !== false) {
            [$ip, $mask] = explode('/', $subnet, 2);
            $ip = cleanremoteaddr($ip);
            if ($ip === null || !is_numeric($mask)) {
                continue;
            }
            $packedsubnet = inet_pton($ip);
            if (strlen($packedsubnet) !== strlen($packedaddr) || $mask < 0 || $mask > 8 * strlen($packedsubnet)) {
                continue;
            }
            $bits = (int)$mask;
            $bytes = intdiv($bits, 8);
            if (substr($packedaddr, 0, $bytes) !== substr($packedsubnet, 0, $bytes)) {
                continue;
            }
            if ($bits % 8) {
                $maskbyte = (0xff << (8 - $bits % 8)) & 0xff;
                if ((ord($packedaddr[$bytes]) & $maskbyte) !== (ord($packedsubnet[$bytes]) & $maskbyte)) {
                    continue;
                }
            }
            return true;
        } else if (preg_match('/^(\d{1,3}\.\d{1,3}\.\d{1,3}\.)(\d{1,3})-(\d{1,3})$/', $subnet, $range)) {
            if (strpos($addr, $range[1]) === 0) {
                $last = (int)substr($addr, strlen($range[1]));
                if ($last >= (int)$range[2] && $last <= (int)$range[3]) {
                    return true;
                }
            }
        } else if (cleanremoteaddr($subnet) !== null) {
            if (cleanremoteaddr($subnet) === $addr) {
                return true;
            }
        } else if (preg_match('/^\d{1,3}(\.\d{1,3}){0,2}\.?$/', $subnet)) {
            if (strpos($addr . '.', rtrim($subnet, '.') . '.') === 0) {
                return true;
            }
        }
    }
    return false;
}

/** The user record (not deleted, this site's) by a field, as get_complete_user_data() without preferences. */
function get_complete_user_data($field, $value) {
    global $DB, $CFG;
    $conditions = [$field => $value, 'deleted' => 0];
    if ($field === 'username') {
        $conditions['mnethostid'] = $CFG->mnet_localhost_id ?? 1;
    }
    return $DB->get_record('user', $conditions);
}

/** Moodle's validate_internal_user_password(): the stored hash (SHA-512 crypt or bcrypt) against the password. */
function validate_internal_user_password($user, #[\SensitiveParameter] $password) {
    if (!isset($user->password) || $user->password === '' || $user->password === 'not cached') {
        return false;
    }
    return password_verify($password, $user->password);
}

/** Moodle's authenticate_user_login() for the manual accounts the stand-in has: the login token, an existing,
 * confirmed, not suspended account, its password; the user record or false with $failurereason. */
function authenticate_user_login($username, #[\SensitiveParameter] $password, $ignorelockout = false, &$failurereason = null,
        $logintoken = false) {
    if (!\core\session\manager::validate_login_token($logintoken)) {
        $failurereason = AUTH_LOGIN_FAILED;
        return false;
    }
    $user = get_complete_user_data('username', $username);
    if (!$user) {
        $failurereason = AUTH_LOGIN_NOUSER;
        return false;
    }
    if (!empty($user->suspended) || $user->auth === 'nologin') {
        $failurereason = AUTH_LOGIN_SUSPENDED;
        return false;
    }
    if (!validate_internal_user_password($user, $password)) {
        $failurereason = AUTH_LOGIN_FAILED;
        return false;
    }
    $failurereason = AUTH_LOGIN_OK;
    return $user;
}

/** Moodle's complete_user_login(): the login times and address recorded, a new session for the user. */
function complete_user_login($user) {
    global $DB, $USER;
    $now = time();
    $update = (object)['id' => $user->id, 'lastlogin' => $user->currentlogin ?? 0, 'currentlogin' => $now,
        'lastaccess' => $now, 'lastip' => getremoteaddr()];
    if (empty($user->firstaccess)) {
        $update->firstaccess = $now;
    }
    $DB->update_record('user', $update);
    foreach ((array)$update as $name => $value) {
        $user->$name = $value;
    }
    \core\session\manager::login_user($user);
    return $USER;
}

/** Moodle's user_not_fully_set_up(): a real account without first name, last name or a valid e-mail address. */
function user_not_fully_set_up($user, $strict = true) {
    if (isguestuser($user)) {
        return false;
    }
    if (empty($user->firstname) || empty($user->lastname) || empty($user->email)) {
        return true;
    }
    return $strict && !validate_email($user->email);
}

/** Moodle's require_logout(): the session terminated (a new empty one). */
function require_logout() {
    \core\session\manager::terminate_current();
}

/** Where to go after logging in (login/lib.php core_login_get_return_url()): wantsurl of this site, else the
 * front page, which is the dashboard when defaulthomepage is "Dashboard". */
function core_login_get_return_url() {
    global $CFG, $SESSION, $USER;
    if (user_not_fully_set_up($USER, true)) {
        $urltogo = $CFG->wwwroot . '/user/edit.php';
    } else if (isset($SESSION->wantsurl) && (strpos($SESSION->wantsurl, $CFG->wwwroot) === 0
            || strpos($SESSION->wantsurl, str_replace('http://', 'https://', $CFG->wwwroot)) === 0)) {
        $urltogo = $SESSION->wantsurl;
        unset($SESSION->wantsurl);
    } else {
        $urltogo = $CFG->wwwroot . '/';
        unset($SESSION->wantsurl);
    }
    if ($urltogo == ($CFG->wwwroot . '/')) {
        $homepage = get_home_page();
        if ($homepage === HOMEPAGE_MY && !isguestuser()) {
            $urltogo = $CFG->wwwroot . '/my/';
        } else if ($homepage === HOMEPAGE_MYCOURSES && !isguestuser()) {
            $urltogo = $CFG->wwwroot . '/my/courses.php';
        }
    }
    return $urltogo;
}
