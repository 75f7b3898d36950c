<?php
// lms.moodle stand-in (NOT Moodle) of Moodle 4.4's login page (login/index.php) for manual accounts: GET shows the
// login form of Boost (form#login.login-form posting to wwwroot/login/index.php, inputs username and password, the
// hidden logintoken kept in the session, button#loginbtn, the guest form when guestloginbutton is on); a POST checks
// the token and the password (the hash of {user}), logs the user in (new session id) and redirects (303) to
// login/index.php?testsession=<userid>, which redirects to where the user wanted to go, by default the dashboard
// (wwwroot/my/). A failed login redirects to login/index.php?loginredirect=1, which shows "Invalid login, please try
// again".

require(__DIR__ . '/../config.php');

redirect_if_major_upgrade_required();

$testsession = optional_param('testsession', 0, PARAM_INT);
$anchor = optional_param('anchor', '', PARAM_RAW);
$loginredirect = optional_param('loginredirect', 1, PARAM_BOOL);

$errormsg = '';
$infomsg = '';
$errorcode = 0;

if ($testsession) {
    if ($testsession == $USER->id) {
        $urltogo = isset($SESSION->wantsurl) ? $SESSION->wantsurl : $CFG->wwwroot . '/';
        unset($SESSION->wantsurl);
        redirect($urltogo);
    } else {
        $errormsg = get_string('cookiesnotenabled');
        $errorcode = 1;
    }
}

$sessionhastimedout = !empty($SESSION->has_timed_out);
unset($SESSION->has_timed_out);

$frm = false;
$user = false;
if ($errormsg === '') {
    $frm = data_submitted();
}

if ($frm && isset($frm->username)) {
    $frm->username = trim(mb_strtolower((string)$frm->username));
    if ($frm->username == 'guest' && empty($CFG->guestloginbutton)) {
        $user = false;
        $frm = false;
    } else {
        $user = authenticate_user_login($frm->username, (string)($frm->password ?? ''), false, $errorcode,
            isset($frm->logintoken) ? (string)$frm->logintoken : '');
    }
    if ($user) {
        if (empty($user->confirmed)) {
            $errormsg = get_string('invalidlogin');
            $errorcode = 3;
        } else {
            complete_user_login($user);
            $urltogo = core_login_get_return_url();
            unset($SESSION->loginerrormsg, $SESSION->logininfomsg, $SESSION->loginredirect);
            $SESSION->wantsurl = $urltogo;
            redirect(get_login_url() . '?testsession=' . $USER->id);
        }
    } else if ($frm !== false && empty($errormsg)) {
        $errormsg = get_string('invalidlogin');
        $errorcode = 3;
    }
}

if ($sessionhastimedout && !data_submitted()) {
    $errormsg = get_string('sessionerroruser', 'error');
    $errorcode = 4;
}

// Where to go after logging in: the page of this site the visitor came from.
if (empty($SESSION->wantsurl)) {
    $SESSION->wantsurl = null;
    $referer = (string)($_SERVER['HTTP_REFERER'] ?? '');
    if ($referer !== '' && strpos($referer, $CFG->wwwroot) === 0 && $referer != $CFG->wwwroot
            && $referer != $CFG->wwwroot . '/' && $referer != $CFG->wwwroot . '/login/'
            && strpos($referer, $CFG->wwwroot . '/login/?') !== 0 && strpos($referer, $CFG->wwwroot . '/login/index.php') !== 0) {
        $SESSION->wantsurl = $referer;
    }
}

if ($errorcode && isset($SESSION->loginredirect)) {
    $loginredirect = $SESSION->loginredirect;
}
$SESSION->loginredirect = $loginredirect;

if (!empty($CFG->alternateloginurl) && $loginredirect) {
    $loginurl = $CFG->alternateloginurl;
    if (strpos($loginurl, '/') === 0) {
        $loginurl = $CFG->wwwroot . $loginurl;
    }
    if ($SESSION->wantsurl != '' && strpos($SESSION->wantsurl, $loginurl) === 0) {
        $SESSION->wantsurl = null;
    }
    if ($errorcode) {
        $loginurl .= (strpos($loginurl, '?') === false ? '?' : '&') . 'errorcode=' . $errorcode;
    }
    redirect($loginurl);
}

if (!is_object($frm)) {
    $frm = new stdClass();
}
if (empty($frm->username)) {
    $frm->username = isset($_GET['username']) ? (string)$_GET['username'] : '';
    $frm->password = '';
}

if (!empty($SESSION->loginerrormsg) || !empty($SESSION->logininfomsg)) {
    $errormsg = $SESSION->loginerrormsg ?? '';
    $infomsg = $SESSION->logininfomsg ?? '';
    unset($SESSION->loginerrormsg, $SESSION->logininfomsg);
} else if ($testsession) {
    unset($SESSION->loginerrormsg, $SESSION->logininfomsg);
} else if ($errormsg || !empty($frm->password)) {
    // Post/redirect/get: the error is shown by the next GET.
    if ($errormsg) {
        $SESSION->loginerrormsg = $errormsg;
    }
    redirect(get_login_url() . '?loginredirect=' . $SESSION->loginredirect);
}

if (isloggedin() && !isguestuser()) {
    $content = standin_confirm(get_string('alreadyloggedin', 'moodle', s(fullname($USER))),
        standin_url('/login/logout.php', ['sesskey' => sesskey(), 'loginpage' => 1]), get_string('logout'), 'post',
        $CFG->wwwroot . '/');
} else {
    $loginurl = get_login_url();
    $token = \core\session\manager::get_login_token();
    $sitename = s($SITE->fullname ?? '');
    $username = s($frm->username);
    $content = "<div class=\"loginform\">\n        <h1 class=\"login-heading mb-4\">" . get_string('loginto', 'moodle', $sitename)
        . "</h1>\n";
    if (!empty($CFG->maintenance_enabled)) {
        $content .= '    <div class="alert alert-danger login-maintenance">'
            . (!html_is_blank($CFG->maintenance_message ?? '') ? $CFG->maintenance_message
                : get_string('sitemaintenance', 'admin')) . "</div>\n";
    }
    if ($errormsg) {
        $content .= '        <a href="#" id="loginerrormessage" class="sr-only">' . s($errormsg) . "</a>\n"
            . '        <div class="alert alert-danger" role="alert">' . s($errormsg) . "</div>\n";
    }
    if ($infomsg) {
        $content .= '        <a href="#" id="logininfomessage" class="sr-only">' . s($infomsg) . "</a>\n"
            . '        <div class="alert alert-info" role="alert">' . s($infomsg) . "</div>\n";
    }
    $content .= <<<HTML
    <form class="login-form" action="$loginurl" method="post" id="login">
        <input id="anchor" type="hidden" name="anchor" value="">
        <script>document.getElementById('anchor').value = location.hash;</script>
        <input type="hidden" name="logintoken" value="$token">
        <div class="login-form-username mb-3">
            <label for="username" class="sr-only">
                    Username
            </label>
            <input type="text" name="username" id="username" class="form-control form-control-lg" value="$username" placeholder="Username" autocomplete="username">
        </div>
        <div class="login-form-password mb-3">
            <label for="password" class="sr-only">Password</label>
            <input type="password" name="password" id="password" value="" class="form-control form-control-lg" placeholder="Password" autocomplete="current-password">
        </div>
        <div class="login-form-submit mb-3">
            <button class="btn btn-primary btn-lg" type="submit" id="loginbtn">Log in</button>
        </div>
        <div class="login-form-forgotpassword mb-3">
            <a href="{$CFG->wwwroot}/login/forgot_password.php">Lost password?</a>
        </div>
    </form>

HTML;
    if (!empty($CFG->guestloginbutton) && !isguestuser()) {
        $content .= <<<HTML
        <div class="login-divider"></div>
        <h2 class="login-heading">Some courses may allow guest access</h2>
        <form action="$loginurl" method="post" id="guestlogin">
            <input type="hidden" name="logintoken" value="$token">
            <input type="hidden" name="username" value="guest" />
            <input type="hidden" name="password" value="guest" />
            <button class="btn btn-secondary" type="submit" id="loginguestbtn">Access as a guest</button>
        </form>

HTML;
    }
    $content .= "    <div class=\"login-divider\"></div>\n    <div class=\"d-flex\">\n"
        . "        <button type=\"button\" class=\"btn btn-secondary\"  data-modal=\"alert\" "
        . "data-modal-title-str='[\"cookiesenabled\", \"core\"]'  data-modal-content-str='[\"cookiesenabled_help_html\", "
        . "\"core\"]'>" . get_string('cookiesnotice') . "</button>\n    </div>\n</div>";
}

echo standin_page(get_string('loginsite'), null, 'login-index', 'login', $content);
