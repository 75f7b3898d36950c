<?php
// lms.moodle stand-in (NOT Moodle) of Moodle 4.4's dashboard (my/index.php): a visitor who is not logged in is
// redirected (303) to the login page; a logged-in user sees the dashboard with the welcome message of the first view
// in the session ("Welcome, <first name>! 👋" after the first login, "Hi, <first name>! 👋" later), the user menu with
// the initials and full name, and "You are logged in as <full name>" in the footer.

require_once(__DIR__ . '/../config.php');

redirect_if_major_upgrade_required();

require_login();

if (is_siteadmin() && moodle_needs_upgrading()) {
    redirect($CFG->wwwroot . '/' . $CFG->admin . '/index.php');
}

if (empty($CFG->enabledashboard)) {
    redirect($CFG->wwwroot . '/my/courses.php');
}
if (isguestuser() && empty($CFG->allowguestmymoodle)) {
    redirect($CFG->wwwroot . '/?redirect=0');
}

$heading = get_string('myhome');
if (!isguestuser() && empty($USER->core_welcome_message)) {
    $USER->core_welcome_message = true;
    $heading = get_string(empty($USER->lastlogin) ? 'welcometosite' : 'welcomeback', 'moodle',
        (object)['firstname' => s($USER->firstname)]);
}
$content = '<section class="block_myoverview block card mb-3" data-block="myoverview"><div class="card-body p-3">'
    . '<h3 class="h5 card-title d-inline">' . get_string('myhome') . '</h3></div></section>';
echo standin_page(get_string('myhome'), $heading, 'my-index', 'mydashboard', $content, ['limitedwidth']);
