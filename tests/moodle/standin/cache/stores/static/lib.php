<?php
// lms.moodle stand-in (NOT Moodle): cachestore_static keeps data in memory for the request.
defined('MOODLE_INTERNAL') || die();

class cachestore_static extends standin_array_store {
    public static function get_supported_features(array $configuration = []) {
        return self::SUPPORTS_DATA_GUARANTEE + self::SUPPORTS_NATIVE_TTL + self::IS_SEARCHABLE
            + self::SUPPORTS_MULTIPLE_IDENTIFIERS + self::DEREFERENCES_OBJECTS;
    }

    public static function get_supported_modes(array $configuration = []) {
        return self::MODE_REQUEST;
    }
}
