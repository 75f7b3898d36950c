<?php
// lms.moodle stand-in (NOT Moodle): Moodle 4.4's webservice/upload.php: files POSTed with a token go into the user's
// draft area (a new item id unless itemid is given), answered with the file records as JSON, a name already in the
// area as Moodle's filenameexist error; the service must allow uploads.
define('NO_MOODLE_COOKIES', true);

require_once(__DIR__ . '/../config.php');
require_once($CFG->dirroot . '/webservice/lib.php');
require_once($CFG->libdir . '/filelib.php');

header('Access-Control-Allow-Origin: *');
try {
    $filepath = optional_param('filepath', '/', PARAM_RAW);
    $itemid = optional_param('itemid', 0, PARAM_INT);
    $authentication = (new webservice())->authenticate_user(required_param('token', PARAM_ALPHANUM));
    if (empty($authentication['service']->uploadfiles)) {
        throw new webservice_access_exception('Web service file upload must be enabled in external service settings');
    }
    $context = context_user::instance($USER->id);
    $files = [];
    foreach ($_FILES as $uploaded) {
        if (!empty($uploaded['error'])) {
            throw new moodle_exception($uploaded['error'] == UPLOAD_ERR_NO_FILE ? 'upload_error_no_file' : 'nofile');
        }
        $files[] = (object)['filename' => basename(str_replace('\\', '/', $uploaded['name'])),
            'filepath' => $uploaded['tmp_name'], 'size' => $uploaded['size']];
    }
    if ($itemid <= 0) {
        $itemid = file_get_unused_draft_itemid();
    }
    $results = [];
    foreach ($files as $file) {
        $record = (object)['component' => 'user', 'contextid' => $context->id, 'userid' => $USER->id,
            'filearea' => 'draft', 'filename' => $file->filename, 'filepath' => $filepath, 'itemid' => $itemid,
            'license' => $CFG->sitedefaultlicense ?? 'unknown', 'author' => fullname($authentication['user']),
            'source' => serialize((object)['source' => $file->filename]), 'filesize' => $file->size];
        if ($DB->record_exists('files', ['contextid' => $context->id, 'component' => 'user', 'filearea' => 'draft',
                'itemid' => $itemid, 'filepath' => $filepath, 'filename' => $file->filename])) {
            $file->errortype = 'filenameexist';
            $file->error = "The file name '$file->filename' already exists";
            $results[] = $file;
            continue;
        }
        standin_file_create_from_pathname($record, $file->filepath);
        $results[] = $record;
    }
} catch (Throwable $e) {
    $results = standin_ws_error($e);
}
while (ob_get_level()) {
    ob_end_clean();
}
echo json_encode($results);
