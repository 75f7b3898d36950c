<?php
// lms.moodle stand-in (NOT Moodle): cachestore_session keeps data in memory for the session (the request in CLI).
defined('MOODLE_INTERNAL') || die();

class cachestore_session extends standin_array_store {
    public static function get_supported_features(array $configuration = []) {
        return self::SUPPORTS_DATA_GUARANTEE + self::SUPPORTS_NATIVE_TTL + self::IS_SEARCHABLE;
    }

    public static function get_supported_modes(array $configuration = []) {
        return self::MODE_SESSION;
    }
}
