<?php
// lms.moodle stand-in (NOT Moodle): core_user_create_users of Moodle 4.4 (user/externallib.php), for manual accounts:
// the same checks of usernames and e-mail addresses and the same answers, all users in one transaction. No password
// policy, custom fields or preferences.
defined('MOODLE_INTERNAL') || die();

class core_user_external {
    /** Create users; [['id' => ..., 'username' => ...], ...]. */
    public static function create_users(array $params) {
        global $CFG, $DB;
        if (!is_siteadmin()) {
            throw new standin_ws_exception('nopermissions',
                'Sorry, but you do not currently have permissions to do that (Create users).', 'required_capability_exception');
        }
        $users = $params['users'] ?? null;
        if (!is_array($users) || !$users) {
            throw new standin_ws_exception('invalidparameter', 'Invalid parameter value detected',
                'invalid_parameter_exception');
        }
        $DB->execute('BEGIN');
        try {
            $created = [];
            foreach ($users as $user) {
                $created[] = self::create_user(is_array($user) ? $user : []);
            }
            $DB->execute('COMMIT');
        } catch (Throwable $e) {
            $DB->execute('ROLLBACK');
            throw $e;
        }
        return $created;
    }

    protected static function create_user(array $user) {
        global $CFG, $DB;
        foreach (['username', 'firstname', 'lastname', 'email'] as $field) {
            if (!isset($user[$field]) || !is_string($user[$field]) || $user[$field] === '') {
                throw new standin_ws_exception('invalidparameter', 'Invalid parameter value detected',
                    'invalid_parameter_exception');
            }
        }
        $auth = $user['auth'] ?? 'manual';
        if ($auth !== 'manual') {
            self::invalid('Invalid authentication type: ' . $auth);
        }
        if ($user['username'] !== strtolower($user['username'])
                || !preg_match('/^[a-z0-9_.@-]+$/', $user['username'])) {
            self::invalid('The username must be in lower case');
        }
        if ($DB->record_exists('user', ['username' => $user['username'], 'mnethostid' => $CFG->mnet_localhost_id ?? 1])) {
            self::invalid('Username already exists: ' . $user['username']);
        }
        if (!validate_email($user['email'])) {
            self::invalid('Email address is invalid: ' . $user['email']);
        }
        if (empty($CFG->allowaccountssameemail) && $DB->record_exists('user', ['email' => $user['email']])) {
            self::invalid('Email address already exists: ' . $user['email']);
        }
        if (empty($user['password']) && empty($user['createpassword'])) {
            self::invalid('Invalid password: you must provide a password, or set createpassword.');
        }
        $password = empty($user['password']) ? random_string(20) : $user['password'];
        $id = $DB->insert_record('user', ['auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id ?? 1,
            'username' => $user['username'], 'password' => hash_internal_user_password($password),
            'firstname' => $user['firstname'], 'lastname' => $user['lastname'], 'email' => $user['email'],
            'timecreated' => time(), 'timemodified' => time()]);
        context_user::instance($id);
        return ['id' => $id, 'username' => $user['username']];
    }

    protected static function invalid($debuginfo) {
        $e = new standin_ws_exception('invalidparameter', 'Invalid parameter value detected', 'invalid_parameter_exception');
        $e->debuginfo = $debuginfo;
        throw $e;
    }
}
