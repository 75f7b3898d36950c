<?php
defined('MOODLE_INTERNAL') || die();

$plugin->version   = 2024042200;
$plugin->requires  = 2024041600;
$plugin->component = 'tool_mobile';
