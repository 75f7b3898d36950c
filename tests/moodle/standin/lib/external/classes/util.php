<?php
// lms.moodle stand-in (NOT Moodle): Moodle 4.4's \core_external\util (lib/external/classes/util.php), the token
// generation only.
namespace core_external;

defined('MOODLE_INTERNAL') || die();

class util {
    /** A new token of a service for a user, as Moodle's (md5 of uniqid, a private token of 64 characters). */
    public static function generate_token(
        int $tokentype,
        \stdClass $service,
        int $userid,
        \context $context,
        int $validuntil = 0,
        string $iprestriction = '',
        string $name = ''
    ): string {
        global $DB, $USER;
        do {
            $token = md5(uniqid((string)rand(), true));
        } while ($DB->record_exists('external_tokens', ['token' => $token]));
        $DB->insert_record('external_tokens', ['token' => $token, 'privatetoken' => random_string(64),
            'tokentype' => $tokentype, 'userid' => $userid, 'externalserviceid' => $service->id, 'contextid' => $context->id,
            'creatorid' => empty($USER->id) ? get_admin()->id : $USER->id, 'iprestriction' => $iprestriction,
            'validuntil' => $validuntil, 'timecreated' => time(), 'name' => $name ?: 'lms.moodle stand-in token']);
        return $token;
    }
}
