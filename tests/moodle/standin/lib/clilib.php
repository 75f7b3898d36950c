<?php
// lms.moodle stand-in (NOT Moodle): the CLI helpers of Moodle 4.4 lib/clilib.php that the admin/cli scripts use.
defined('MOODLE_INTERNAL') || die();

function cli_write($text, $stream = STDOUT) {
    fwrite($stream, $text);
}

function cli_writeln($text, $stream = STDOUT) {
    cli_write($text . PHP_EOL, $stream);
}

/** Options as Moodle parses them: --name, --name=value, --no-name, -x short options; [options, unrecognised]. */
function cli_get_params(array $longoptions, array $shortmapping = null) {
    $shortmapping = (array)$shortmapping;
    $options = [];
    $unrecognized = [];
    $rawoptions = $_SERVER['argv'] ?? [];
    if (($key = array_search('--', $rawoptions)) !== false) {
        $rawoptions = array_slice($rawoptions, 0, $key);
    }
    unset($rawoptions[0]);
    foreach ($rawoptions as $raw) {
        if (substr($raw, 0, 2) === '--' || substr($raw, 0, 1) === '-') {
            $long = substr($raw, 0, 2) === '--';
            $parts = explode('=', substr($raw, $long ? 2 : 1));
            $key = array_shift($parts);
            $value = $parts ? implode('=', $parts) : true;
            if ($long && !$parts && substr($key, 0, 3) === 'no-' && !array_key_exists($key, $longoptions)
                    && array_key_exists(substr($key, 3), $longoptions)) {
                [$key, $value] = [substr($key, 3), false];
            }
            if ($long && array_key_exists($key, $longoptions)) {
                $options[$key] = $value;
            } else if (!$long && array_key_exists($key, $shortmapping)) {
                $options[$shortmapping[$key]] = $value;
            } else {
                $unrecognized[] = $raw;
            }
        } else {
            $unrecognized[] = $raw;
        }
    }
    foreach ($longoptions as $key => $default) {
        if (!array_key_exists($key, $options)) {
            $options[$key] = $default;
        }
    }
    return [$options, $unrecognized];
}

function cli_separator($return = false) {
    $separator = str_repeat('-', 79) . PHP_EOL;
    if ($return) {
        return $separator;
    }
    cli_write($separator);
}

function cli_heading($string, $return = false) {
    $string = "== $string ==" . PHP_EOL;
    if ($return) {
        return $string;
    }
    cli_write($string);
}

function cli_problem($text) {
    cli_writeln($text, STDERR);
}

/** The message and an empty line on STDERR, then exit with $errorcode (default 1). */
function cli_error($text, $errorcode = 1) {
    cli_writeln($text . PHP_EOL, STDERR);
    die($errorcode);
}
