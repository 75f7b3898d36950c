<?php
// lms.moodle stand-in (NOT Moodle) of Moodle 4.4's front page (index.php): served to visitors who are not logged in
// (unless forcelogin sends them to the login page); a logged-in user whose home page is the dashboard (the default,
// defaulthomepage = 1) is redirected there, unless ?redirect=0.

require_once(__DIR__ . '/config.php');

redirect_if_major_upgrade_required();

if (!empty($CFG->forcelogin)) {
    require_login();
}

if (is_siteadmin() && moodle_needs_upgrading()) {
    redirect($CFG->wwwroot . '/' . $CFG->admin . '/index.php');
}

if (get_home_page() != HOMEPAGE_SITE) {
    $redirect = optional_param('redirect', 1, PARAM_BOOL);
    if (!empty($CFG->defaulthomepage) && $CFG->defaulthomepage == HOMEPAGE_MY && $redirect === 1) {
        redirect($CFG->wwwroot . '/my/');
    } else if (!empty($CFG->defaulthomepage) && $CFG->defaulthomepage == HOMEPAGE_MYCOURSES && $redirect === 1) {
        redirect($CFG->wwwroot . '/my/courses.php');
    }
}

$content = '<div class="course-content"><div class="sitetopic">'
    . (html_is_blank($SITE->summary ?? '') ? '' : '<div class="summary">' . $SITE->summary . '</div>') . '</div></div>';
if (!isloggedin()) {
    $content .= '<div class="frontpage-login"><a href="' . get_login_url() . '">' . get_string('login') . '</a></div>';
}
echo standin_page(get_string('home'), s($SITE->fullname ?? ''), 'site-index', 'frontpage', $content, ['limitedwidth']);
