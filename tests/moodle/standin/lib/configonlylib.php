<?php
// lms.moodle stand-in (NOT Moodle): what Moodle 4.4's lib/configonlylib.php offers to scripts that stop the bootstrap
// right after config.php (define('ABORT_AFTER_CONFIG', true)): request parameters without the rest of Moodle.
defined('MOODLE_INTERNAL') || die();

/** A GET (or POST) parameter of type RAW, INT, SAFEDIR or SAFEPATH, or $default. */
function min_optional_param($name, $default, $type) {
    if (isset($_GET[$name])) {
        $value = $_GET[$name];
    } else if (isset($_GET['amp;' . $name])) {
        $value = $_GET['amp;' . $name];
    } else if (isset($_POST[$name])) {
        $value = $_POST[$name];
    } else {
        return $default;
    }
    return min_clean_param($value, $type);
}

function min_clean_param($value, $type) {
    switch ($type) {
        case 'RAW':
            return min_fix_utf8((string)$value);
        case 'INT':
            return (int)$value;
        case 'SAFEDIR':
            return preg_replace('/[^a-zA-Z0-9_-]/', '', $value);
        case 'SAFEPATH':
            $value = preg_replace('/[^a-zA-Z0-9\/\._-]/', '', $value);
            $value = preg_replace('/\.+/', '.', $value);
            return preg_replace('#/+#', '/', $value);
        default:
            die("Coding error: incorrect parameter type specified ($type).");
    }
}

/** The string without null bytes and invalid UTF-8. */
function min_fix_utf8($value) {
    $value = str_replace("\0", '', $value);
    return mb_convert_encoding($value, 'UTF-8', 'UTF-8');
}

/** The path after the script name (slash arguments), cleaned. */
function min_get_slash_argument($clean = true) {
    $relativepath = '';
    if (!empty($_GET['file']) && strpos($_GET['file'], '/') === 0) {
        $relativepath = $_GET['file'];
    } else if (isset($_SERVER['PATH_INFO']) && $_SERVER['PATH_INFO'] !== '') {
        $relativepath = $_SERVER['PATH_INFO'];
    }
    return $clean ? min_clean_param($relativepath, 'SAFEPATH') : $relativepath;
}
