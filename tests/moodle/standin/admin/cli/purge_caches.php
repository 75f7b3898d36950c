<?php
// lms.moodle stand-in (NOT Moodle) of admin/cli/purge_caches.php of Moodle 4.4: without options it purges every
// MUC store (the Redis hashes of the known definitions too) and the cache directories in dataroot.

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/clilib.php');

$longoptions = ['help' => false, 'muc' => false, 'courses' => false, 'theme' => false, 'lang' => false, 'js' => false,
    'filter' => false, 'other' => false];
[$options, $unrecognized] = cli_get_params($longoptions, ['h' => 'help']);

if ($unrecognized) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognized)), 2);
}

if ($options['help']) {
    echo "Invalidates Moodle internal caches

Specific caches can be defined (alone or in combination) using arguments. If none are specified,
all caches will be purged.

Options:
-h, --help            Print out this help
    --muc             Purge all MUC caches (includes lang cache)
    --courses         Purge all course caches (or only those specified by a comma-separated list).
    --theme           Purge theme cache
    --lang            Purge language string cache
    --js              Purge JavaScript cache
    --filter          Purge text filter cache
    --other           Purge all file caches and other miscellaneous caches (may include MUC
                      if using cachestore_file).

Example:
\$ sudo -u www-data /usr/bin/php admin/cli/purge_caches.php

";
    exit(0);
}

purge_caches(array_filter($options));

exit(0);
