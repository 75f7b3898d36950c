<?php
// lms.moodle stand-in (NOT Moodle) of Moodle 4.4's login/logout.php: with the session key, the session is terminated
// (a new session id) and the user redirected (303) to the front page (the login page with loginpage=1); without it a
// confirmation page; a visitor who is not logged in is just redirected.

require_once(__DIR__ . '/../config.php');

$sesskey = optional_param('sesskey', '__notpresent__', PARAM_RAW);
$login = optional_param('loginpage', 0, PARAM_BOOL);
$redirect = $login ? get_login_url() : $CFG->wwwroot . '/';

if (!isloggedin()) {
    require_logout();
    redirect($redirect);
} else if (!confirm_sesskey($sesskey)) {
    echo standin_page(get_string('logout'), s($SITE->fullname ?? ''), 'login-logout', 'standard',
        standin_confirm(get_string('logoutconfirm'), standin_url('/login/logout.php', ['sesskey' => sesskey()]),
            get_string('continue'), 'post', $CFG->wwwroot . '/'));
    die;
}

require_logout();
redirect($redirect);
