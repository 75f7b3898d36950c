<?php
// lms.moodle stand-in: the core cache definitions (a small subset of Moodle's lib/db/caches.php).
defined('MOODLE_INTERNAL') || die();

$definitions = [
    'config' => [
        'mode' => cache_store::MODE_APPLICATION,
        'staticacceleration' => true,
        'simpledata' => true,
    ],
];
