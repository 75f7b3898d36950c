<?php
// lms.moodle stand-in (NOT Moodle) of Moodle 4.4's user/edit.php, only as far as login needs it: Moodle sends a user
// whose profile lacks a name or a valid e-mail address here after logging in. It shows who is logged in (the stand-in
// edits no profiles); a visitor who is not logged in is redirected to the login page.

require_once(__DIR__ . '/../config.php');

require_login();

$content = '<div class="userprofile"><h2>' . s(fullname($USER)) . '</h2><p>' . s($USER->email ?? '') . '</p></div>';
echo standin_page(fullname($USER), s(fullname($USER)), 'user-edit', 'admin', $content);
