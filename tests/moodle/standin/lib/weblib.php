<?php
// lms.moodle stand-in (NOT Moodle): what the stand-in's web pages need of Moodle 4.4's web layer: the requested URL
// checked against wwwroot (initialise_fullme(): redirect to wwwroot, sslproxy, reverseproxy), redirect() (303 See
// Other), request parameters, login state, the page frame (Boost's ids and classes the collection's tests look for)
// and the error page of an uncaught exception.
defined('MOODLE_INTERNAL') || die();

define('PARAM_RAW', 'raw');
define('PARAM_INT', 'int');
define('PARAM_BOOL', 'bool');
define('PARAM_ALPHANUM', 'alphanum');
define('PARAM_LOCALURL', 'localurl');

/** Moodle's is_https(): whether wwwroot is https. */
function is_https() {
    global $CFG;
    return (strpos($CFG->wwwroot, 'https://') === 0);
}

/** The URL the web server says it serves (setup_get_remote_url()); Apache, nginx and PHP's built-in server. */
function setup_get_remote_url() {
    $rurl = [];
    $rurl['host'] = isset($_SERVER['HTTP_HOST']) ? explode(':', $_SERVER['HTTP_HOST'])[0] : null;
    $rurl['port'] = (int)($_SERVER['SERVER_PORT'] ?? 0);
    $rurl['path'] = $_SERVER['SCRIPT_NAME'];
    $https = $_SERVER['HTTPS'] ?? '';
    $rurl['scheme'] = (empty($https) || $https === 'off' || $https === 'Off' || $https === 'OFF') ? 'http' : 'https';
    $software = $_SERVER['SERVER_SOFTWARE'] ?? '';
    if (stripos($software, 'apache') !== false) {
        $rurl['fullpath'] = $_SERVER['REQUEST_URI'];
        // Apache before 2.4.11 with PHP-FPM (mod_proxy_fcgi) puts the slash arguments in SCRIPT_NAME too.
        if (isset($_SERVER['PATH_INFO']) && (php_sapi_name() === 'fpm-fcgi') && isset($_SERVER['SCRIPT_NAME'])) {
            $pathinfodec = rawurldecode($_SERVER['PATH_INFO']);
            $lenneedle = strlen($pathinfodec);
            if (substr($_SERVER['SCRIPT_NAME'], -$lenneedle) === $pathinfodec) {
                $pos = strlen($_SERVER['SCRIPT_NAME']) - $lenneedle;
                if ($pos > 0) {
                    $_SERVER['PATH_INFO'] = $pathinfodec;
                    $_SERVER['SCRIPT_NAME'] = substr($_SERVER['SCRIPT_NAME'], 0, $pos);
                }
            }
        }
    } else if (stripos($software, 'lighttpd') !== false || stripos($software, 'nginx') !== false
            || stripos($software, 'cherokee') !== false || stripos($software, 'zeus') !== false
            || stripos($software, 'LiteSpeed') !== false || $software === 'HTTPD' || strpos($software, 'PHP') === 0) {
        if (stripos($software, 'nginx') !== false && !isset($_SERVER['SCRIPT_NAME'])) {
            die('Invalid server configuration detected, please try to add "fastcgi_param SCRIPT_NAME $fastcgi_script_name;" '
                . 'to the nginx server configuration.');
        }
        $rurl['fullpath'] = $_SERVER['REQUEST_URI'];
    } else {
        throw new moodle_exception('unsupportedwebserver', 'error', '', $software);
    }
    $rurl['fullpath'] = str_replace(['"', '\''], ['%22', '%27'], $rurl['fullpath']);
    return $rurl;
}

/** Moodle's initialise_fullme(): $FULLME, $ME, $SCRIPT; a request for another host or port is redirected to
 * wwwroot unless reverseproxy; sslproxy requires an https wwwroot and makes the request https; with reverseproxy the
 * request must not come with wwwroot's own host. */
function initialise_fullme() {
    global $CFG, $FULLME, $ME, $SCRIPT, $FULLSCRIPT;
    if (substr($CFG->wwwroot, -1) == '/') {
        throw new moodle_exception('wwwrootslash', 'error');
    }
    if (CLI_SCRIPT) {
        $SCRIPT = $FULLSCRIPT = null;
        $FULLME = $ME = null;
        if (isset($_SERVER['SCRIPT_FILENAME']) && ($top = realpath($_SERVER['SCRIPT_FILENAME']))
                && strpos($top, realpath($CFG->dirroot)) === 0) {
            $SCRIPT = $FULLSCRIPT = str_replace('\\', '/', substr($top, strlen(realpath($CFG->dirroot))));
        }
        return;
    }
    if (!empty($CFG->overridetossl)) {
        if (strpos($CFG->wwwroot, 'http://') === 0) {
            $CFG->wwwroot = str_replace('http:', 'https:', $CFG->wwwroot);
        } else {
            unset_config('overridetossl');
        }
    }
    $rurl = setup_get_remote_url();
    $wwwroot = parse_url($CFG->wwwroot . '/');
    $wwwroot['path'] = $wwwroot['path'] ?? '/';
    if (empty($rurl['host']) || !empty($CFG->reverseproxy)) {
        // No host (not a browser), or a reverse proxy in front: any host is fine.
    } else if (($rurl['host'] !== $wwwroot['host']) || (!empty($wwwroot['port']) && $rurl['port'] != $wwwroot['port'])
            || (strpos($rurl['path'], $wwwroot['path']) !== 0)) {
        defined('NO_MOODLE_COOKIES') || define('NO_MOODLE_COOKIES', true);
        if (defined('REQUIRE_CORRECT_ACCESS') && REQUIRE_CORRECT_ACCESS) {
            $calledurl = $rurl['host'] . (!empty($rurl['port']) ? ':' . $rurl['port'] : '');
            $correcturl = $wwwroot['host'] . (!empty($wwwroot['port']) ? ':' . $wwwroot['port'] : '');
            throw new moodle_exception('requirecorrectaccess', 'error', '', null,
                'You called ' . $calledurl . ', you should have called ' . $correcturl);
        }
        $rfullpath = $rurl['fullpath'];
        if (strpos($rfullpath, $wwwroot['path']) === 0) {
            $rfullpath = $CFG->wwwroot . substr($rurl['fullpath'], strlen($wwwroot['path']) - 1);
        }
        redirect($rfullpath, get_string('wwwrootmismatch', 'error', $CFG->wwwroot), 3);
    }
    if (strpos($rurl['path'], $wwwroot['path']) === 0) {
        $SCRIPT = substr($rurl['path'], strlen($wwwroot['path']) - 1);
    } else {
        $SCRIPT = $FULLSCRIPT = $FULLME = $ME = null;
        return;
    }
    if (empty($CFG->sslproxy)) {
        if ($rurl['scheme'] === 'http' && $wwwroot['scheme'] === 'https') {
            if (defined('REQUIRE_CORRECT_ACCESS') && REQUIRE_CORRECT_ACCESS) {
                throw new moodle_exception('sslonlyaccess', 'error');
            }
            redirect($CFG->wwwroot, get_string('wwwrootmismatch', 'error', $CFG->wwwroot), 3);
        }
    } else {
        if ($wwwroot['scheme'] !== 'https') {
            throw new coding_exception('Must use https address in wwwroot when ssl proxy enabled!');
        }
        $rurl['scheme'] = 'https';
        $_SERVER['HTTPS'] = 'on';
        $_SERVER['SERVER_PORT'] = 443;
    }
    if (!empty($CFG->reverseproxy) && $rurl['host'] === $wwwroot['host']
            && (empty($wwwroot['port']) || $rurl['port'] === $wwwroot['port'])) {
        throw new moodle_exception('reverseproxyabused', 'error');
    }
    $hostandport = $rurl['scheme'] . '://' . $wwwroot['host'] . (!empty($wwwroot['port']) ? ':' . $wwwroot['port'] : '');
    $FULLSCRIPT = $hostandport . $rurl['path'];
    $FULLME = $hostandport . $rurl['fullpath'];
    $ME = $rurl['fullpath'];
}

function qualified_me() {
    global $FULLME;
    return $FULLME;
}

function me() {
    global $ME;
    return $ME;
}

/** A URL of the site: wwwroot + path + query. */
function standin_url($path, array $params = []) {
    global $CFG;
    return $CFG->wwwroot . $path . ($params ? '?' . http_build_query($params, '', '&') : '');
}

function get_login_url() {
    return standin_url('/login/index.php');
}

/** A request parameter (GET or POST) cleaned by type, as optional_param() for the types the stand-in uses. */
function optional_param($parname, $default, $type) {
    $value = $_POST[$parname] ?? $_GET[$parname] ?? null;
    if ($value === null) {
        return $default;
    }
    return clean_param($value, $type);
}

function required_param($parname, $type) {
    $value = $_POST[$parname] ?? $_GET[$parname] ?? null;
    if ($value === null) {
        throw new moodle_exception('missingparam', '', '', $parname);
    }
    return clean_param($value, $type);
}

function clean_param($value, $type) {
    if (is_array($value)) {
        return null;
    }
    switch ($type) {
        case PARAM_INT:
            return (int)$value;
        case PARAM_BOOL:
            $value = strtolower(trim((string)$value));
            return in_array($value, ['on', 'yes', 'true', '1'], true) ? 1 : (in_array($value, ['off', 'no', 'false', '0', ''], true)
                ? 0 : (empty($value) ? 0 : 1));
        case PARAM_ALPHANUM:
            return preg_replace('/[^A-Za-z0-9]/i', '', (string)$value);
        default:
            return (string)$value;
    }
}

/** The POSTed form as an object, or false (data_submitted()). */
function data_submitted() {
    if (empty($_POST)) {
        return false;
    }
    return (object)array_map(function($value) {
        return is_array($value) ? $value : (string)$value;
    }, $_POST);
}

function isloggedin() {
    global $USER;
    return (!empty($USER->id));
}

function isguestuser($user = null) {
    global $USER, $CFG;
    if ($user === null) {
        $user = $USER;
    }
    $id = is_object($user) ? ($user->id ?? 0) : $user;
    return !empty($CFG->siteguest) && (int)$id === (int)$CFG->siteguest;
}

function fullname($user) {
    return trim(($user->firstname ?? '') . ' ' . ($user->lastname ?? ''));
}

/** Moodle's redirect() without a message: 303 See Other to the URL (relative ones made absolute) and a plain page
 * with a Continue link; with a message shown (when headers are out) a page that refreshes after $delay. */
function redirect($url, $message = '', $delay = null) {
    global $CFG;
    if (CLI_SCRIPT || AJAX_SCRIPT) {
        throw new moodle_exception('redirecterrordetected', 'error');
    }
    if (!preg_match('|^[a-z]+:|i', $url)) {
        $hostpart = preg_replace('|^(.*?[^:/])/.*$|', '$1', $CFG->wwwroot);
        if (preg_match('|^/|', $url)) {
            $url = $hostpart . $url;
        } else {
            $url = $hostpart . preg_replace('|\?.*$|', '', (string)me()) . '/../' . $url;
        }
        while (($newurl = preg_replace('|/(?!\.\.)[^/]*/\.\./|', '/', $url)) !== $url) {
            $url = $newurl;
        }
    }
    $url = str_replace('"', '%22', preg_replace('/[\x00-\x1F\x7F]/', '', $url));
    $encodedurl = preg_replace("/\&(?![a-zA-Z0-9#]{1,8};)/", "&amp;", $url);
    \core\session\manager::write_close();
    if (!headers_sent()) {
        // A message would be a notification on the next page (the stand-in has none); the redirect is immediate.
        @header('X-Redirect-By: Moodle');
        @header(($_SERVER['SERVER_PROTOCOL'] ?? 'HTTP/1.1') . ' 303 See Other');
        @header('Location: ' . $url);
        echo standin_plain_html(get_string('redirect'), '<div style="margin-top: 3em; margin-left:auto; margin-right:auto; '
            . 'text-align:center;">' . get_string('pageshouldredirect') . '<br /><a href="' . $encodedurl . '">'
            . get_string('continue') . '</a></div>');
        exit;
    }
    $delay = ($delay === null || $delay < 0) ? 3 : $delay;
    echo '<meta http-equiv="refresh" content="' . $delay . '; url=' . $encodedurl . '" />'
        . ($message ? '<div class="alert-danger">' . $message . '</div>' : '')
        . '<a href="' . $encodedurl . '">' . get_string('continue') . '</a>';
    exit;
}

/** require_login() for the site: a visitor who is not logged in goes to the login page (wantsurl remembered). */
function require_login() {
    global $CFG, $SESSION, $USER;
    if (isloggedin()) {
        return;
    }
    if (!empty($CFG->autologinguests) && !empty($CFG->siteguest)
            && ($guest = get_complete_user_data('id', $CFG->siteguest))) {
        complete_user_login($guest);
        $USER->autologinguest = true;
        return;
    }
    if (AJAX_SCRIPT) {
        throw new require_login_exception('You are not logged in');
    }
    $SESSION->wantsurl = qualified_me();
    redirect(get_login_url());
}

/** Moodle's get_home_page(): the dashboard for logged-in users when defaulthomepage says so. */
function get_home_page() {
    global $CFG;
    if (isloggedin() && !isguestuser() && !empty($CFG->defaulthomepage)) {
        $defaultpage = (!isset($CFG->enabledashboard) || $CFG->enabledashboard) ? HOMEPAGE_MY : HOMEPAGE_MYCOURSES;
        if ($CFG->defaulthomepage == HOMEPAGE_MY) {
            return !empty($CFG->enabledashboard) ? HOMEPAGE_MY : $defaultpage;
        } else if ($CFG->defaulthomepage == HOMEPAGE_MYCOURSES) {
            return HOMEPAGE_MYCOURSES;
        }
        return $defaultpage;
    }
    return HOMEPAGE_SITE;
}

/** Moodle's is_major_upgrade_required(): not installed, installed before 4.4's last major change, or the install
 * not finished (rolesactive, adminsetuppending). */
function is_major_upgrade_required() {
    global $CFG;
    return empty($CFG->version) || (float)$CFG->version < 2024010400.00 || during_initial_install()
        || !empty($CFG->adminsetuppending);
}

/** Pages of a site that needs its install or a major upgrade send the visitor (session ended) to admin/index.php. */
function redirect_if_major_upgrade_required() {
    global $CFG;
    if (is_major_upgrade_required()) {
        try {
            @\core\session\manager::terminate_current();
        } catch (Exception $e) {
            // Ignored, as in Moodle.
        }
        $url = $CFG->wwwroot . '/' . $CFG->admin . '/index.php';
        @header(($_SERVER['SERVER_PROTOCOL'] ?? 'HTTP/1.1') . ' 303 See Other');
        @header('Location: ' . $url);
        echo standin_plain_html(get_string('redirect'), '<div style="margin-top: 3em; margin-left:auto; margin-right:auto; '
            . 'text-align:center;">' . get_string('pageshouldredirect') . '<br /><a href="' . s($url) . '">'
            . get_string('continue') . '</a></div>');
        exit;
    }
}

/** Moodle's is_siteadmin(): the user is one of $CFG->siteadmins. */
function is_siteadmin($user = null) {
    global $CFG, $USER;
    $id = $user === null ? ($USER->id ?? 0) : (is_object($user) ? $user->id : $user);
    return !empty($id) && in_array((string)$id, explode(',', (string)($CFG->siteadmins ?? '')), true);
}

/** The headers Moodle sends with a page (no caching, frames only from the site). */
function standin_page_headers() {
    @header('Content-Type: text/html; charset=utf-8');
    @header('Content-Language: en');
    @header('X-UA-Compatible: IE=edge');
    @header('Cache-Control: no-store, no-cache, must-revalidate');
    @header('Cache-Control: post-check=0, pre-check=0, no-transform', false);
    @header('Pragma: no-cache');
    @header('Expires: Mon, 20 Aug 1969 09:23:00 GMT');
    @header('Last-Modified: ' . gmdate('D, d M Y H:i:s') . ' GMT');
    @header('Accept-Ranges: none');
    @header('X-Frame-Options: sameorigin');
}

/** The title as moodle_page::set_title() makes it: title | site short name (or full name, per sitenameintitle). */
function standin_page_title($title) {
    global $CFG, $SITE;
    $field = !empty($CFG->sitenameintitle) ? $CFG->sitenameintitle : 'shortname';
    $sitename = trim((string)($SITE->{$field} ?? ''));
    return s($title) . ' | ' . ($sitename === '' ? 'Moodle' : s($sitename));
}

/** The login information of the footer, as core_renderer::login_info(). */
function standin_login_info() {
    global $USER;
    if (!isloggedin()) {
        return get_string('loggedinnot') . ' (<a href="' . get_login_url() . '">' . get_string('login') . '</a>)';
    }
    $name = s(fullname($USER));
    if (isguestuser()) {
        return get_string('loggedinas', 'moodle', $name) . ' (<a href="' . get_login_url() . '">' . get_string('login')
            . '</a>)';
    }
    $profile = '<a href="' . standin_url('/user/profile.php', ['id' => $USER->id]) . '" title="' . get_string('viewprofile')
        . '">' . $name . '</a>';
    return get_string('loggedinas', 'moodle', $profile) . ' (<a href="'
        . standin_url('/login/logout.php', ['sesskey' => sesskey()]) . '">' . get_string('logout') . '</a>)';
}

/** A whole page in Boost's frame: body id page-<pagetype>, the classes of the layout, the user menu with the
 * initials of a logged-in user, the main region and the footer's login information. */
function standin_page($title, $heading, $pagetype, $layout, $content, array $bodyclasses = []) {
    global $CFG, $USER, $SITE;
    standin_page_headers();
    $path = 'path-' . explode('-', $pagetype)[0];
    $classes = array_merge($bodyclasses, ['format-site', $path, 'dir-ltr', 'lang-en', "pagelayout-$layout",
        'course-' . ($SITE->id ?? 1)]);
    if (!isloggedin()) {
        $classes[] = 'notloggedin';
    }
    $usermenu = '';
    if (isloggedin() && !isguestuser()) {
        $initials = core_text_initial($USER->firstname ?? '') . core_text_initial($USER->lastname ?? '');
        $name = s(fullname($USER));
        $usermenu = '<div class="usermenu"><span class="userbutton"><span class="avatars"><span class="avatar current">'
            . '<span class="userinitials size-35" title="' . $name . '" aria-label="' . $name . '" role="img">' . s($initials)
            . '</span></span></span></span></div>';
    } else if ($layout !== 'login') {
        $usermenu = '<div class="usermenu"><span class="login pl-2">' . get_string('loggedinnot') . ' (<a href="'
            . get_login_url() . '">' . get_string('login') . '</a>)</span></div>';
    }
    $headinghtml = $heading !== null ? "<h1 class=\"h2\">$heading</h1>\n" : '';
    return "<!DOCTYPE html>\n<html  dir=\"ltr\" lang=\"en\" xml:lang=\"en\">\n<head>\n"
        . '    <title>' . standin_page_title($title) . "</title>\n"
        . "    <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
        . "    <meta name=\"generator\" content=\"lms.moodle stand-in (not Moodle)\" />\n</head>\n"
        . '<body  id="page-' . s($pagetype) . '" class="' . s(implode(' ', $classes)) . "\">\n"
        . "<div id=\"page-wrapper\" class=\"d-print-block\">\n"
        . '<nav class="navbar fixed-top navbar-light bg-white navbar-expand" aria-label="Site navigation">'
        . '<a href="' . $CFG->wwwroot . '/" class="navbar-brand d-flex align-items-center m-0 mr-4 p-0 aabtn">'
        . s($SITE->shortname ?? '') . '</a>' . $usermenu . "</nav>\n"
        . "<div id=\"page\" class=\"container-fluid\">\n<header id=\"page-header\">$headinghtml</header>\n"
        . "<div id=\"page-content\" class=\"pb-3 d-print-block\"><div id=\"region-main-box\">"
        . "<section id=\"region-main\" aria-label=\"Content\">\n"
        . "<div role=\"main\"><span id=\"maincontent\"></span>$content</div>\n</section></div></div>\n</div>\n"
        . "<footer id=\"page-footer\"><div class=\"logininfo\">" . standin_login_info() . "</div></footer>\n"
        . "</div>\n</body>\n</html>\n";
}

function core_text_initial($text) {
    return mb_strtoupper(mb_substr((string)$text, 0, 1));
}

/** Moodle's confirm box: a message with a continue (form) and a cancel button. */
function standin_confirm($message, $continueurl, $continuelabel, $continuemethod, $cancelurl) {
    $form = function($url, $label, $method, $primary) {
        $parts = parse_url($url);
        $action = ($parts['scheme'] ?? 'http') . '://' . $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '')
            . ($parts['path'] ?? '/');
        parse_str($parts['query'] ?? '', $params);
        $hidden = '';
        foreach ($params as $name => $value) {
            $hidden .= '<input type="hidden" name="' . s($name) . '" value="' . s($value) . '">';
        }
        return '<div class="singlebutton"><form method="' . $method . '" action="' . s($action) . '" >' . $hidden
            . '<button type="submit" class="btn ' . ($primary ? 'btn-primary' : 'btn-secondary') . '">' . $label
            . '</button></form></div>';
    };
    return '<div role="alertdialog" aria-labelledby="modal-header" aria-describedby="modal-body" aria-modal="true" '
        . 'id="notice" class="box py-3 generalbox modal modal-dialog modal-in-page show">'
        . '<div id="modal-body" class="modal-body"><p>' . $message . '</p></div>'
        . '<div class="modal-footer">' . $form($cancelurl, get_string('cancel'), 'get', false)
        . $form($continueurl, $continuelabel, $continuemethod, true) . '</div></div>';
}

/** The error of an uncaught exception in a web request: HTTP 500 and a plain page during the bootstrap (as
 * bootstrap_renderer::early_error()), afterwards an error page (HTTP 200, as core_renderer::fatal_error()). */
function standin_web_exception($ex) {
    global $CFG;
    if ($ex instanceof moodle_exception) {
        [$message, $debuginfo, $errorcode, $module] = [$ex->getMessage(), (string)$ex->debuginfo, $ex->errorcode, $ex->module];
    } else {
        [$message, $debuginfo, $errorcode, $module] = [get_string('generalexceptionmessage', 'error', $ex->getMessage()), '',
            'generalexceptionmessage', 'error'];
    }
    if (function_exists('debugging') && debugging('', DEBUG_MINIMAL)) {
        error_log("Default exception handler: $message Debug: $debuginfo\n" . format_backtrace($ex->getTrace()));
    }
    while (ob_get_level() > 0) {
        @ob_end_clean();
    }
    $debug = (!empty($CFG->debug) && $CFG->debug >= DEBUG_DEVELOPER)
        || (!empty($CFG->config_php_settings['debug']) && $CFG->config_php_settings['debug'] >= DEBUG_DEVELOPER);
    $details = '';
    if ($debug) {
        if ($debuginfo !== '') {
            $details .= '<div class="notifytiny">Debug info: ' . str_replace("\n", '<br />', s($debuginfo)) . '</div>';
        }
        $details .= '<div class="notifytiny">Stack trace: ' . str_replace("\n", '<br />', s(format_backtrace($ex->getTrace())))
            . '</div>';
    }
    if (!standin_setup_done(true) || !function_exists('standin_page')) {
        @header(($_SERVER['SERVER_PROTOCOL'] ?? 'HTTP/1.0') . ' 500 Internal Server Error');
        @header('Content-Type: text/html; charset=utf-8');
        @header('Cache-Control: no-store, no-cache, must-revalidate');
        @header('Pragma: no-cache');
        echo standin_plain_html(get_string('error'), "<div class='alert-danger'>$message</div>" . $details);
        return;
    }
    $content = '<div class="box errorbox alert alert-danger" data-rel="fatalerror"><p class="errormessage">' . $message
        . '</p><p class="errorcode">' . s("$module/$errorcode") . '</p></div>' . $details;
    echo standin_page(get_string('error'), get_string('error'), 'site-index', 'standard', $content);
}
