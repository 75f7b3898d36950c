<?php
// lms.moodle stand-in (NOT Moodle): contexts as Moodle 4.4's \core\context (lib/classes/context/), reduced to the
// system context and users' contexts, which a user's file area and web service tokens name. No roles or capabilities:
// a site admin may do everything, anyone else nothing.
defined('MOODLE_INTERNAL') || die();

define('CONTEXT_SYSTEM', 10);
define('CONTEXT_USER', 30);

abstract class context {
    public $id;
    public $contextlevel;
    public $instanceid;
    public $path;
    public $depth;

    /** The context of a level and instance; created when missing, as Moodle creates a user's with the user. */
    protected static function fetch($level, $instanceid) {
        global $DB;
        $conditions = ['contextlevel' => $level, 'instanceid' => $instanceid];
        if (!$record = $DB->get_record('context', $conditions)) {
            try {
                $id = $DB->insert_record('context', $conditions + ['depth' => $level == CONTEXT_SYSTEM ? 1 : 2]);
                $DB->set_field('context', 'path', $level == CONTEXT_SYSTEM ? "/$id" : '/' . SYSCONTEXTID . "/$id", ['id' => $id]);
            } catch (dml_exception $e) {
                // Another request created it first (unique level and instance).
            }
            $record = $DB->get_record('context', $conditions);
        }
        $context = new static();
        foreach ((array)$record as $field => $value) {
            $context->$field = $value;
        }
        return $context;
    }
}

class context_system extends context {
    public static function instance($instanceid = 0) {
        return static::fetch(CONTEXT_SYSTEM, 0);
    }
}

class context_user extends context {
    public static function instance($userid) {
        return static::fetch(CONTEXT_USER, (int)$userid);
    }
}

defined('SYSCONTEXTID') || define('SYSCONTEXTID', 1);

/** Moodle's get_admin(): the first of $CFG->siteadmins. */
function get_admin() {
    global $CFG, $DB;
    $ids = array_filter(explode(',', (string)($CFG->siteadmins ?? '')));
    return $ids ? $DB->get_record('user', ['id' => (int)reset($ids)]) : false;
}
