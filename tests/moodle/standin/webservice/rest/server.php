<?php
// lms.moodle stand-in (NOT Moodle): Moodle 4.4's REST server (webservice/rest/server.php) for permanent tokens,
// answering JSON (moodlewsrestformat=json; the stand-in has no XML): the function must be one of the token's
// service, its result or error as Moodle's (errors with HTTP 200). Functions: core_user_create_users.
define('NO_DEBUG_DISPLAY', true);
define('WS_SERVER', true);
define('NO_MOODLE_COOKIES', true);

require(__DIR__ . '/../../config.php');
require_once("$CFG->dirroot/webservice/lib.php");
require_once("$CFG->dirroot/user/externallib.php");

if (!webservice_protocol_is_enabled('rest')) {
    header('HTTP/1.0 403 Forbidden');
    debugging('The server died because the web services or the REST protocol are not enable', DEBUG_DEVELOPER);
    die;
}

$functions = ['core_user_create_users' => ['core_user_external', 'create_users']];
try {
    $authentication = (new webservice())->authenticate_user(required_param('wstoken', PARAM_ALPHANUM));
    $function = (string)($_POST['wsfunction'] ?? $_GET['wsfunction'] ?? '');
    if (!isset($functions[$function])) {
        throw new standin_ws_exception('invalidrecord', "Can't find data record in database table external_functions.",
            'dml_missing_record_exception');
    }
    if (!$DB->record_exists('external_services_functions',
            ['externalserviceid' => $authentication['service']->id, 'functionname' => $function])) {
        throw new webservice_access_exception("Access to the function $function() is not allowed. There could be multiple "
            . 'reasons for this: 1. The service linked to the user token does not contain the function. 2. The service '
            . 'is user-restricted and the user is not listed. 3. The service is IP-restricted and the user IP is not '
            . 'listed. 4. The service is time-restricted and the time has expired. 5. The token is time-restricted and '
            . 'the time has expired. 6. The user has no capability to call the function. 7. The user has no permission '
            . 'to use the web service protocol. 8. The function is disabled by the administrator.');
    }
    $result = call_user_func($functions[$function], $_POST + $_GET);
} catch (Throwable $e) {
    $result = standin_ws_error($e);
}
while (ob_get_level()) {
    ob_end_clean();
}
header('Content-Type: application/json; charset=utf-8');
echo json_encode($result);
