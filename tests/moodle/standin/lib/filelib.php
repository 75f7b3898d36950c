<?php
// lms.moodle stand-in (NOT Moodle): the file storage of Moodle 4.4 (lib/filestorage/file_storage.php and
// file_system_filedir.php) reduced to adding a file to an area: the content under
// filedir/<2>/<2>/<contenthash> (sha1 of the content; written to a temporary name, checked and renamed, as Moodle's),
// one record in {files} per file and one for the directory ('.'), pathnamehash as Moodle's.
defined('MOODLE_INTERNAL') || die();

/** A draft item id of the current user not used yet, as Moodle's (random, retried). */
function file_get_unused_draft_itemid() {
    global $DB, $USER;
    if (empty($USER->id)) {
        throw new moodle_exception('noguest');
    }
    $contextid = context_user::instance($USER->id)->id;
    do {
        $itemid = rand(1, 999999999);
    } while ($DB->record_exists('files', ['contextid' => $contextid, 'component' => 'user', 'filearea' => 'draft',
        'itemid' => $itemid]));
    return $itemid;
}

/** The content of a local file in the file pool; its contenthash. */
function standin_file_add_content($pathname) {
    global $CFG;
    $contenthash = sha1_file($pathname);
    $filedir = $CFG->filedir ?? "$CFG->dataroot/filedir";
    $dir = "$filedir/" . substr($contenthash, 0, 2) . '/' . substr($contenthash, 2, 2);
    $hashfile = "$dir/$contenthash";
    if (is_readable($hashfile) && filesize($hashfile) === filesize($pathname)) {
        return $contenthash;
    }
    make_writable_directory($dir);
    $temp = "$hashfile.tmp";
    if (!copy($pathname, $temp) || sha1_file($temp) !== $contenthash) {
        @unlink($temp);
        throw new moodle_exception('storedfilecannotcreatefile');
    }
    rename($temp, $hashfile);
    return $contenthash;
}

/** Moodle's file_storage::create_file_from_pathname() for a new file: its record (with the directory's). */
function standin_file_create_from_pathname(stdClass $record, $pathname) {
    global $DB;
    $contenthash = standin_file_add_content($pathname);
    $now = time();
    $area = "/$record->contextid/$record->component/$record->filearea/$record->itemid";
    $directory = ['contenthash' => sha1(''), 'pathnamehash' => sha1("$area$record->filepath."),
        'contextid' => $record->contextid, 'component' => $record->component, 'filearea' => $record->filearea,
        'itemid' => $record->itemid, 'filepath' => $record->filepath, 'filename' => '.', 'userid' => $record->userid,
        'filesize' => 0, 'timecreated' => $now, 'timemodified' => $now];
    if (!$DB->record_exists('files', ['pathnamehash' => $directory['pathnamehash']])) {
        $DB->insert_record('files', $directory);
    }
    $file = ['contenthash' => $contenthash, 'pathnamehash' => sha1("$area$record->filepath$record->filename"),
        'filesize' => filesize($pathname), 'timecreated' => $now, 'timemodified' => $now,
        'mimetype' => function_exists('mime_content_type') ? mime_content_type($pathname) : 'application/octet-stream',
    ] + (array)$record;
    return $DB->insert_record('files', $file);
}
