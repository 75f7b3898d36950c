<?php
// lms.moodle stand-in for Moodle 4.4.3+ (NOT Moodle): the version of the stand-in code tree.
defined('MOODLE_INTERNAL') || die();

$version  = 2024042203.01;              // 20240422      = branching date YYYYMMDD - do not modify!
$release  = '4.4.3+ (lms.moodle stand-in)'; // Human-friendly version name
$branch   = '404';                     // This version's branch.
$maturity = MATURITY_STABLE;             // This version's maturity level.
