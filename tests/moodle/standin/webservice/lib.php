<?php
// lms.moodle stand-in (NOT Moodle): the token authentication of Moodle 4.4's webservice/lib.php (permanent tokens of
// a service), with its messages. No events, no IP restrictions beyond a missing one, no session-based tokens.
defined('MOODLE_INTERNAL') || die();

class webservice_access_exception extends moodle_exception {
    public function __construct($debuginfo) {
        parent::__construct('accessexception', 'webservice', '', null, $debuginfo);
        $this->message = 'Access control exception';
    }
}

/** Moodle's webservice_protocol_is_enabled(): web services on and the protocol among webserviceprotocols. */
function webservice_protocol_is_enabled($protocol) {
    global $CFG;
    if (empty($CFG->enablewebservices) || empty($CFG->webserviceprotocols)) {
        return false;
    }
    return in_array($protocol, explode(',', $CFG->webserviceprotocols));
}

class webservice {
    /** The user, token and service of a permanent token; $USER is that user. */
    public function authenticate_user($token) {
        global $DB, $CFG;
        if (empty($CFG->enablewebservices)) {
            throw new webservice_access_exception('Web services are not enabled in Advanced features.');
        }
        if (!$token = $DB->get_record('external_tokens', ['token' => $token])) {
            throw new standin_ws_exception('invalidtoken', 'Invalid token - token not found');
        }
        if ($token->validuntil && $token->validuntil < time()) {
            $DB->delete_records('external_tokens', ['token' => $token->token]);
            throw new webservice_access_exception('Invalid token - token expired - check validuntil time for the token');
        }
        if ($token->iprestriction) {
            throw new webservice_access_exception('Invalid token - IP:' . getremoteaddr() . ' is not supported');
        }
        if (!$user = $DB->get_record('user', ['id' => $token->userid, 'deleted' => 0])) {
            throw new standin_ws_exception('invalidrecord', "Can't find data record in database table user.");
        }
        \core\session\manager::set_user($user);
        $service = $DB->get_record('external_services', ['id' => $token->externalserviceid, 'enabled' => 1]);
        if (empty($service)) {
            throw new webservice_access_exception('Web service is not available (it doesn\'t exist or might be disabled)');
        }
        if ($user->suspended) {
            throw new webservice_access_exception('Refused web service access for suspended username: ' . $user->username);
        }
        // As Moodle's require_login() in the web service's context: an account without name or valid e-mail
        // address must be completed in the web interface first.
        if ($user->firstname === '' || $user->lastname === '' || !validate_email($user->email)) {
            throw new standin_ws_exception('usernotfullysetup', 'User not fully set-up');
        }
        if (!$token->lastaccess || time() - $token->lastaccess > 60) {
            $DB->set_field('external_tokens', 'lastaccess', time(), ['id' => $token->id]);
        }
        return ['user' => $user, 'token' => $token, 'service' => $service];
    }
}

/** An exception with Moodle's error code and message, as a web service client receives it. */
class standin_ws_exception extends moodle_exception {
    public function __construct($errorcode, $message, $class = 'moodle_exception') {
        parent::__construct($errorcode);
        $this->errorcode = $errorcode;
        $this->message = $message;
        $this->class = $class;
    }

    public $class;
}

/** The JSON a web service client receives for an exception (HTTP 200, as Moodle's REST server and upload.php). */
function standin_ws_error(Throwable $e) {
    return ['exception' => $e instanceof standin_ws_exception ? $e->class : get_class($e),
        'errorcode' => $e instanceof moodle_exception ? $e->errorcode : 'unknown', 'message' => $e->getMessage()]
        + ($e instanceof moodle_exception && $e->debuginfo ? ['debuginfo' => $e->debuginfo] : []);
}
