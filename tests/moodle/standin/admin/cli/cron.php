<?php
// lms.moodle stand-in (NOT Moodle) of admin/cli/cron.php of Moodle 4.4 (and \core\cron::run_main_process()): the same
// options, messages and exit codes. Without options it refuses to run in CLI maintenance mode ("CLI maintenance mode
// active, cron execution suspended.", exit 1), with an upgrade pending, or when cron_enabled is off (without
// --force); otherwise it records the start in tool_task's lastcronstart (and lastcroninterval from the second run
// on) as Moodle does (Moodle has no "lastcron" setting), runs the scheduled and adhoc tasks (the stand-in has none),
// prints "Cron run completed correctly" and keeps polling for --keep-alive=N seconds (default: cron_keepalive, which
// Moodle installs as 180). SIGTERM/SIGINT end it gracefully after the current pass, as in Moodle.

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->libdir . '/upgradelib.php');

[$options, $unrecognized] = cli_get_params(
    [
        'help' => false,
        'stop' => false,
        'list' => false,
        'force' => false,
        'enable' => false,
        'disable' => false,
        'disable-wait' => false,
        'keep-alive' => null,
    ],
    [
        'h' => 'help',
        's' => 'stop',
        'l' => 'list',
        'f' => 'force',
        'e' => 'enable',
        'd' => 'disable',
        'w' => 'disable-wait',
        'k' => 'keep-alive',
    ]
);

if ($unrecognized) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognized)));
}

if ($options['help']) {
    echo "Execute periodic cron actions.

Options:
-h, --help               Print out this help
-s, --stop               Notify all other running cron processes to stop after the current task
-l, --list               Show the list of currently running tasks and how long they have been running
-f, --force              Execute task even if cron is disabled
-e, --enable             Enable cron
-d, --disable            Disable cron
-w, --disable-wait=600   Disable cron and wait until all tasks finished or fail after N seconds (optional param)
-k, --keep-alive=N       Keep this script alive for N seconds and poll for new tasks
                         The default value can be set by administrators in:
                         Site administration > Server > Tasks > Task processing > Keep alive time

Example:
\$sudo -u www-data /usr/bin/php admin/cli/cron.php
";
    die;
}

/** \core\task\manager::clear_static_caches(): running cron processes stop after their current task. */
function standin_cron_clear_static_caches() {
    global $DB;
    $record = $DB->get_record('config', ['name' => 'scheduledtaskreset']);
    if ($record) {
        $DB->set_field('config', 'value', time(), ['id' => $record->id]);
    } else {
        $DB->insert_record('config', ['name' => 'scheduledtaskreset', 'value' => time()]);
    }
}

function standin_cron_static_caches_cleared_since($starttime) {
    global $DB;
    $value = $DB->get_field('config', 'value', ['name' => 'scheduledtaskreset']);
    return $value !== false && (int)$value > $starttime;
}

if ($options['stop']) {
    standin_cron_clear_static_caches();
    die;
}

if ($options['enable']) {
    set_config('cron_enabled', 1);
    mtrace('Cron has been enabled for the site.');
    exit(0);
}

if ($options['disable']) {
    set_config('cron_enabled', 0);
    standin_cron_clear_static_caches();
    mtrace('Cron has been disabled for the site.');
    exit(0);
}

if ($options['list']) {
    // The stand-in runs no tasks, so none is ever running.
    mtrace('The list of currently running tasks:');
    printf("%7s %-12s %-9s %-20s %-52s\n", 'PID', 'HOST', 'TYPE', 'TIME', 'CLASSNAME');
    exit(0);
}

if ($wait = $options['disable-wait']) {
    $waitsec = ($wait === true) ? 60 : $wait;
    set_config('cron_enabled', 0);
    standin_cron_clear_static_caches();
    mtrace('Cron has been disabled for the site.');
    mtrace('Allocating ' . format_time($waitsec) . ' for the tasks to finish.');
    mtrace('');
    mtrace('All scheduled and adhoc tasks finished.');
    exit(0);
}

if (!get_config('core', 'cron_enabled') && !$options['force']) {
    mtrace('Cron is disabled. Use --force to override.');
    exit(1);
}

// \core\local\cli\shutdown::script_supports_graceful_exit(): the first SIGTERM/SIGINT ends the run after this pass.
$STANDIN_GRACEFUL_EXIT = false;
if (function_exists('pcntl_async_signals')) {
    pcntl_async_signals(true);
    $handler = function($signo) {
        global $STANDIN_GRACEFUL_EXIT;
        echo $signo === SIGTERM ? "Terminated: {$signo}\n" : "\n";
        if ($STANDIN_GRACEFUL_EXIT) {
            cli_heading('Exiting right NOW');
            exit($signo === SIGTERM ? 143 : 130);
        }
        cli_heading('Exiting gracefully, please wait ...');
        $STANDIN_GRACEFUL_EXIT = true;
    };
    pcntl_signal(SIGTERM, $handler);
    pcntl_signal(SIGINT, $handler);
}

$keepalive = $options['keep-alive'];

// \core\cron::run_main_process().
if (CLI_MAINTENANCE) {
    echo "CLI maintenance mode active, cron execution suspended.\n";
    exit(1);
}
if (moodle_needs_upgrading()) {
    echo "Moodle upgrade pending, cron execution suspended.\n";
    exit(1);
}

$timenow = time();
mtrace("Server Time: " . date('r', $timenow) . "\n\n");

$laststart = get_config('tool_task', 'lastcronstart');
set_config('lastcronstart', $timenow, 'tool_task');
if ($laststart) {
    set_config('lastcroninterval', max(1, $timenow - $laststart), 'tool_task');
}

if ($keepalive === null || $keepalive === true) {
    $keepalive = get_config('core', 'cron_keepalive');
    if ($keepalive === false) {
        $keepalive = 3 * MINSECS;
    }
}
$keepalive = (int)$keepalive;
if ($keepalive > 15 * MINSECS) {
    mtrace("Cron keepalive time is too long, reducing to 15 minutes.");
    $keepalive = 15 * MINSECS;
}
$finishtime = $timenow + $keepalive;

do {
    $startruntime = microtime();
    // The scheduled tasks (none in the stand-in), then the adhoc tasks (none either).
    mtrace("Ran 0 adhoc tasks found at " . date('r', time()));
    mtrace("Cron run completed correctly");
    gc_collect_cycles();
    $completiontime = date('H:i:s');
    $difftime = microtime_diff($startruntime, microtime());
    $memoryused = display_size(memory_get_usage());
    $message = "Cron completed at {$completiontime} in {$difftime} seconds. Memory used: {$memoryused}.";

    $remaining = $finishtime - time();
    $runagain = $remaining > 0 && !$STANDIN_GRACEFUL_EXIT && !standin_cron_static_caches_cleared_since($timenow);
    if ($runagain) {
        mtrace($message . " Continuing to check for tasks for {$remaining} more seconds.");
        sleep(1);
        $runagain = !$STANDIN_GRACEFUL_EXIT && !standin_cron_static_caches_cleared_since($timenow);
    } else {
        mtrace($message);
    }
} while ($runagain);
