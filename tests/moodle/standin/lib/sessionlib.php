<?php
// lms.moodle stand-in (NOT Moodle): sessions as Moodle 4.4's session manager keeps them (lib/classes/session/*.php,
// lib/sessionlib.php). The cookie is MoodleSession + $CFG->sessioncookie; every session has a tracking record in
// {sessions}; the data is kept by the handler named in $CFG->session_handler_class:
// - \core\session\redis: a phpredis connection (host[:port], port, auth, database, prefix, TLS options, igbinary,
//   compressor); the data under the key <prefix><session id> (PHP-serialised by phpredis, expiring after the session
//   timeout + 80 s), the lock under <prefix><session id>.lock while a request holds the session;
// - \core\session\memcached: PHP's memcached session handler (session_memcached_save_path, keys
//   <session_memcached_prefix or memcached.sess_prefix><session id>);
// - \core\session\database: the data base64-encoded in {sessions}.sessdata, locked with the database's session lock;
// - otherwise (no class, $CFG->dbsessions off) \core\session\file: files sess_<id> in dataroot/sessions.

namespace core\session {

    /** A session problem (sessionhandlerproblem, ...), as \core\session\exception. */
    class exception extends \moodle_exception {
        public function __construct($errorcode, $module = '', $link = '', $a = null, $debuginfo = null) {
            if (empty($module) || $module === 'moodle' || $module === 'core') {
                $module = 'error';
            }
            parent::__construct($errorcode, $module, $link, $a, $debuginfo);
        }
    }

    /** The base of the session handlers (lib/classes/session/handler.php). */
    abstract class handler {
        protected $requireswritelock = false;

        public function start() {
            return session_start();
        }

        public function write_close() {
            if ($this->requires_write_lock()) {
                session_write_close();
                $this->requireswritelock = false;
            } else {
                $this->abort();
            }
        }

        public function abort() {
            session_abort();
            $this->requireswritelock = false;
        }

        public function set_requires_write_lock($requireswritelock) {
            $this->requireswritelock = $requireswritelock;
        }

        public function requires_write_lock() {
            return $this->requireswritelock;
        }

        abstract public function init();

        abstract public function session_exists($sid);

        abstract public function kill_all_sessions();

        abstract public function kill_session($sid);
    }

    /** Files in dataroot/sessions (or $CFG->session_file_save_path): Moodle's default handler. */
    class file extends handler {
        protected $sessiondir;

        public function __construct() {
            global $CFG;
            $this->sessiondir = !empty($CFG->session_file_save_path) ? $CFG->session_file_save_path : "$CFG->dataroot/sessions";
        }

        public function init() {
            if (preg_match('/^[0-9]+;/', $this->sessiondir)) {
                throw new exception('sessionhandlerproblem', 'error', '', null, 'Multilevel session directories are not supported');
            }
            make_writable_directory($this->sessiondir, false);
            if (!is_writable($this->sessiondir)) {
                throw new exception('sessionhandlerproblem', 'error', '', null, 'Session directory is not writable');
            }
            $freespace = @disk_free_space($this->sessiondir);
            if (!($freespace > 2048) && ($freespace !== false) && ($freespace !== null)) {
                throw new exception('sessiondiskfull', 'error');
            }
            ini_set('session.save_handler', 'files');
            ini_set('session.save_path', $this->sessiondir);
        }

        public function session_exists($sid) {
            $sid = preg_replace('/[^a-zA-Z0-9,-]/', '', (string)$sid);
            return $sid !== '' && file_exists("$this->sessiondir/sess_$sid");
        }

        public function kill_all_sessions() {
            foreach (is_dir($this->sessiondir) ? glob("$this->sessiondir/sess_*") : [] as $filename) {
                @unlink($filename);
            }
        }

        public function kill_session($sid) {
            $sid = preg_replace('/[^a-zA-Z0-9,-]/', '', (string)$sid);
            if ($sid !== '' && file_exists("$this->sessiondir/sess_$sid")) {
                @unlink("$this->sessiondir/sess_$sid");
            }
        }
    }

    /** The data in {sessions}.sessdata, base64-encoded, locked with the database's session lock. */
    class database extends handler implements \SessionHandlerInterface {
        protected $recordid = null;
        protected $database = null;
        protected $failed = false;
        protected $lasthash = null;
        protected $acquiretimeout = 120;

        public function __construct() {
            global $DB, $CFG;
            $this->database = $DB;
            if (!empty($CFG->session_database_acquire_lock_timeout)) {
                $this->acquiretimeout = (int)$CFG->session_database_acquire_lock_timeout;
            }
        }

        public function init() {
            if (!$this->database->session_lock_supported()) {
                throw new exception('sessionhandlerproblem', 'error', '', null, 'Database does not support session locking');
            }
            if (!session_set_save_handler($this)) {
                throw new exception('dbsessionhandlerproblem', 'error');
            }
        }

        public function session_exists($sid) {
            return true;
        }

        public function kill_all_sessions() {
        }

        public function kill_session($sid) {
        }

        public function open(string $path, string $name): bool {
            return true;
        }

        public function close(): bool {
            if ($this->recordid) {
                try {
                    $this->database->release_session_lock($this->recordid);
                } catch (\Exception $ex) {
                    // Ignored, as in Moodle.
                }
            }
            $this->recordid = null;
            $this->lasthash = null;
            return true;
        }

        public function read(string $sid): string|false {
            try {
                if (!$record = $this->database->get_record('sessions', ['sid' => $sid], 'id')) {
                    // The first access: the manager creates the record after the session has started.
                    $this->failed = false;
                    $this->recordid = null;
                    $this->lasthash = sha1('');
                    return '';
                }
                if ($this->recordid && $this->recordid != $record->id) {
                    error_log('Second session read with different record id detected, cannot read session');
                    $this->failed = true;
                    $this->recordid = null;
                    return '';
                }
                if (!$this->recordid) {
                    if ($this->requires_write_lock()) {
                        $this->database->get_session_lock($record->id, $this->acquiretimeout);
                    }
                    $this->recordid = $record->id;
                }
            } catch (\dml_sessionwait_exception $ex) {
                error_log('Cannot obtain session lock for sid: ' . $sid);
                $this->failed = true;
                throw $ex;
            } catch (\Exception $ex) {
                error_log('Unknown exception when starting database session : ' . $sid . ' - ' . $ex->getMessage());
                $this->failed = true;
                $this->recordid = null;
                return '';
            }
            if (!$record = $this->database->get_record('sessions', ['id' => $record->id], 'id, sessdata')) {
                $this->failed = true;
                $this->recordid = null;
                return '';
            }
            $this->failed = false;
            if ($record->sessdata === null) {
                $this->lasthash = sha1('');
                return '';
            }
            $this->lasthash = sha1($record->sessdata);
            return base64_decode($record->sessdata);
        }

        public function write(string $id, string $data): bool {
            if ($this->failed) {
                return false;
            }
            $sessdata = base64_encode($data);
            if (sha1($sessdata) === $this->lasthash) {
                return true;
            }
            try {
                if ($this->recordid) {
                    $this->database->set_field('sessions', 'sessdata', $sessdata, ['id' => $this->recordid]);
                } else {
                    $this->database->set_field('sessions', 'sessdata', $sessdata, ['sid' => $id]);
                }
            } catch (\Exception $ex) {
                error_log("Unknown exception when writing database session data : {$id} - " . $ex->getMessage());
            }
            return true;
        }

        public function destroy(string $id): bool {
            if (!$session = $this->database->get_record('sessions', ['sid' => $id], 'id, sid')) {
                if ($id == session_id()) {
                    $this->recordid = null;
                    $this->lasthash = null;
                }
                return true;
            }
            if ($this->recordid && ($session->id == $this->recordid)) {
                try {
                    $this->database->release_session_lock($this->recordid);
                } catch (\Exception $ex) {
                    // Ignored, as in Moodle.
                }
                $this->recordid = null;
                $this->lasthash = null;
            }
            $this->database->delete_records('sessions', ['id' => $session->id]);
            return true;
        }

        public function gc(int $max_lifetime): int|false {
            if (!$stalelifetime = ini_get('session.gc_maxlifetime')) {
                return false;
            }
            $select = 'userid = 0 AND timemodified < ?';
            $params = [time() - $stalelifetime];
            $count = count($this->database->get_records_select('sessions', $select, $params, '', 'id'));
            $this->database->delete_records_select('sessions', $select, $params);
            return $count;
        }
    }

    /** Redis through phpredis, with the key layout, locking and expiry of Moodle's \core\session\redis. */
    class redis extends handler implements \SessionHandlerInterface {
        const COMPRESSION_NONE = 'none';
        const COMPRESSION_GZIP = 'gzip';
        const COMPRESSION_ZSTD = 'zstd';
        const REDIS_EXTENSION_MIN_VERSION = '2.2.4';
        const REDIS_SERVER_MIN_VERSION = '2.6.12';
        const MAX_RETRIES = 5;

        protected array $host = [];
        protected $port = 6379;
        protected $sslopts = [];
        protected $auth = '';
        protected $database = 0;
        protected $prefix = '';
        protected $acquiretimeout = 120;
        protected $acquirewarn = null;
        protected $lockretry = 100;
        protected $serializer = 1; // Redis::SERIALIZER_PHP.
        protected $compressor = self::COMPRESSION_NONE;
        protected $lasthash = null;
        protected $lockexpire;
        protected $connection = null;
        protected $locks = [];
        protected $timeout;
        protected bool $clustermode = false;

        public function __construct() {
            global $CFG;
            if (isset($CFG->session_redis_host)) {
                $this->host = array_filter(array_map('trim', explode(',', $CFG->session_redis_host)));
                $this->clustermode = count($this->host) > 1;
            }
            if (isset($CFG->session_redis_port)) {
                $this->port = (int)$CFG->session_redis_port;
            }
            if (!empty($CFG->session_redis_encrypt)) {
                $this->sslopts = $CFG->session_redis_encrypt;
            }
            if (isset($CFG->session_redis_auth)) {
                $this->auth = $CFG->session_redis_auth;
            }
            if (isset($CFG->session_redis_database)) {
                $this->database = (int)$CFG->session_redis_database;
            }
            if (isset($CFG->session_redis_prefix)) {
                $this->prefix = $CFG->session_redis_prefix;
            }
            if (isset($CFG->session_redis_acquire_lock_timeout)) {
                $this->acquiretimeout = (int)$CFG->session_redis_acquire_lock_timeout;
            }
            if (isset($CFG->session_redis_acquire_lock_warn)) {
                $this->acquirewarn = (int)$CFG->session_redis_acquire_lock_warn;
            }
            if (isset($CFG->session_redis_acquire_lock_retry)) {
                $this->lockretry = (int)$CFG->session_redis_acquire_lock_retry;
            }
            if (!empty($CFG->session_redis_serializer_use_igbinary) && defined('\Redis::SERIALIZER_IGBINARY')) {
                $this->serializer = \Redis::SERIALIZER_IGBINARY;
            }
            $updatefreq = empty($CFG->session_update_timemodified_frequency) ? 20 : $CFG->session_update_timemodified_frequency;
            $this->timeout = $CFG->sessiontimeout + $updatefreq + MINSECS;
            $this->lockexpire = ini_get('max_execution_time');
            if (empty($this->lockexpire) || ($this->lockexpire > (int)$CFG->sessiontimeout)) {
                $this->lockexpire = (int)$CFG->sessiontimeout;
            }
            if (isset($CFG->session_redis_lock_expire)) {
                $this->lockexpire = (int)$CFG->session_redis_lock_expire;
            }
            if (isset($CFG->session_redis_compressor)) {
                $this->compressor = $CFG->session_redis_compressor;
            }
        }

        /** Connect (5 tries, as Moodle), set serializer, prefix and database; the error of the last try otherwise. */
        public function init() {
            if (!extension_loaded('redis')) {
                throw new exception('sessionhandlerproblem', 'error', '', null, 'redis extension is not loaded');
            }
            if (empty($this->host)) {
                throw new exception('sessionhandlerproblem', 'error', '', null,
                    '$CFG->session_redis_host must be specified in config.php');
            }
            $version = phpversion('Redis');
            if (!$version || version_compare($version, self::REDIS_EXTENSION_MIN_VERSION) <= 0) {
                throw new exception('sessionhandlerproblem', 'error', '', null,
                    'redis extension version must be at least ' . self::REDIS_EXTENSION_MIN_VERSION);
            }
            if (!session_set_save_handler($this)) {
                throw new exception('redissessionhandlerproblem', 'error');
            }
            $encrypt = (bool)($this->sslopts ?? false);
            $trimmedservers = [];
            $server = '';
            $port = 0;
            foreach ($this->host as $host) {
                $server = strtolower(trim($host));
                if (empty($server)) {
                    continue;
                }
                if ($server[0] === '/' || str_starts_with($server, 'unix://')) {
                    $port = 0;
                    $trimmedservers[] = $server;
                } else {
                    $port = $this->port ?? 6379;
                    if (strpos($server, ':')) {
                        [$server, $port] = explode(':', $server);
                    }
                    $trimmedservers[] = $server . ':' . $port;
                }
                if (!$this->clustermode) {
                    $server = $port !== 0 ? explode(':', $trimmedservers[0])[0] : $trimmedservers[0];
                    break;
                }
            }
            $opts = [];
            if ($encrypt) {
                if ($this->clustermode) {
                    $opts = $this->sslopts;
                } else {
                    $opts['stream'] = $this->sslopts;
                }
            }
            $exceptionclass = $this->clustermode ? 'RedisClusterException' : 'RedisException';
            for ($counter = 1; $counter <= self::MAX_RETRIES; $counter++) {
                $this->connection = null;
                try {
                    if ($this->clustermode) {
                        $this->connection = new \RedisCluster(null, $trimmedservers, 1, 1, true, $this->auth,
                            !empty($opts) ? $opts : null);
                    } else {
                        $this->connection = new \Redis();
                        $this->connection->connect($server, (int)$port, 1, null, rand(100, 500), 1, $opts);
                        if ($this->auth !== '' && !$this->connection->auth($this->auth)) {
                            throw new $exceptionclass('Unable to authenticate.');
                        }
                    }
                    if (!$this->connection->setOption(\Redis::OPT_SERIALIZER, $this->serializer)) {
                        throw new $exceptionclass('Unable to set the Redis PHP Serializer option.');
                    }
                    if ($this->prefix !== '' && !$this->connection->setOption(\Redis::OPT_PREFIX, $this->prefix)) {
                        throw new $exceptionclass('Unable to set the Redis Prefix option.');
                    }
                    if ($this->sslopts && !$this->connection->ping('Ping')) {
                        throw new $exceptionclass('Ping failed');
                    }
                    if ($this->database !== 0 && !$this->connection->select($this->database)) {
                        throw new $exceptionclass('Unable to select the Redis database ' . $this->database . '.');
                    }
                    $serverversion = $this->connection->info('server')['redis_version'];
                    if (version_compare($serverversion, self::REDIS_SERVER_MIN_VERSION) <= 0) {
                        throw new exception('sessionhandlerproblem', 'error', '', null,
                            'redis server version must be at least ' . self::REDIS_SERVER_MIN_VERSION);
                    }
                    return true;
                } catch (\RedisException | \RedisClusterException $e) {
                    $redishost = $this->clustermode ? implode(',', $this->host) : $server . ':' . $port;
                    $logstring = "Failed to connect (try {$counter} out of " . self::MAX_RETRIES . ") to Redis ";
                    $logstring .= "at " . $redishost . ", the error returned was: {$e->getMessage()}";
                    debugging($logstring);
                }
                usleep(rand(100000, 500000));
            }
            throw new $exceptionclass($logstring);
        }

        public function open(string $path, string $name): bool {
            return true;
        }

        public function close(): bool {
            $this->lasthash = null;
            try {
                foreach ($this->locks as $id => $expirytime) {
                    if ($expirytime > time()) {
                        $this->unlock_session($id);
                    }
                    unset($this->locks[$id]);
                }
            } catch (\RedisException | \RedisClusterException $e) {
                error_log('Failed talking to redis: ' . $e->getMessage());
                return false;
            }
            return true;
        }

        public function read(string $id): string|false {
            try {
                if ($this->requires_write_lock()) {
                    $this->lock_session($id);
                }
                $sessiondata = $this->uncompress($this->connection->get($id));
                if ($sessiondata === false) {
                    if ($this->requires_write_lock()) {
                        $this->unlock_session($id);
                    }
                    $this->lasthash = sha1('');
                    return '';
                }
                $this->connection->expire($id, $this->timeout);
            } catch (\RedisException | \RedisClusterException $e) {
                error_log('Failed talking to redis: ' . $e->getMessage());
                throw $e;
            }
            $this->lasthash = sha1(base64_encode($sessiondata));
            return $sessiondata;
        }

        private function compress($value) {
            switch ($this->compressor) {
                case self::COMPRESSION_GZIP:
                    return gzencode($value);
                case self::COMPRESSION_ZSTD:
                    return zstd_compress($value);
                default:
                    return $value;
            }
        }

        private function uncompress($value) {
            if ($value === false) {
                return false;
            }
            switch ($this->compressor) {
                case self::COMPRESSION_GZIP:
                    return gzdecode($value);
                case self::COMPRESSION_ZSTD:
                    return zstd_uncompress($value);
                default:
                    return $value;
            }
        }

        public function write(string $id, string $data): bool {
            if (sha1(base64_encode($data)) === $this->lasthash) {
                return true;
            }
            if (is_null($this->connection)) {
                error_log('Tried to write session: ' . $id . ' before open or after close.');
                return false;
            }
            try {
                $this->connection->setex($id, $this->timeout, $this->compress($data));
            } catch (\RedisException | \RedisClusterException $e) {
                error_log('Failed talking to redis: ' . $e->getMessage());
                return false;
            }
            return true;
        }

        public function destroy(string $id): bool {
            $this->lasthash = null;
            try {
                $this->connection->del($id);
                $this->unlock_session($id);
            } catch (\RedisException | \RedisClusterException $e) {
                error_log('Failed talking to redis: ' . $e->getMessage());
                return false;
            }
            return true;
        }

        public function gc(int $max_lifetime): int|false {
            return false;
        }

        protected function unlock_session($id) {
            if (isset($this->locks[$id])) {
                $this->connection->del($id . '.lock');
                unset($this->locks[$id]);
            }
        }

        /** SET <id>.lock "[pid N] host:uri" NX EX lockexpire, retried until acquiretimeout, as Moodle. */
        protected function lock_session($id) {
            $lockkey = $id . '.lock';
            $haslock = isset($this->locks[$id]) && time() < $this->locks[$id];
            $startlocktime = time();
            $hostname = gethostname() ?: 'UNKNOWN HOST';
            $pid = getmypid() ?: 'UNKNOWN';
            $uri = $_SERVER['REQUEST_URI'] ?? 'unknown uri';
            $whoami = "[pid {$pid}] {$hostname}:$uri";
            $haswarned = false;
            while (!$haslock) {
                $haslock = $this->connection->set($lockkey, $whoami, ['nx', 'ex' => $this->lockexpire]);
                if ($haslock) {
                    $this->locks[$id] = time() + $this->lockexpire;
                    return true;
                }
                if (!empty($this->acquirewarn) && !$haswarned && time() > $startlocktime + $this->acquirewarn) {
                    $whohaslock = $this->connection->get($lockkey);
                    error_log("Warning: Cannot obtain session lock for sid: $id within $this->acquirewarn seconds but will "
                        . "keep trying. It is likely another page ($whohaslock) has a long session lock, or the session lock "
                        . "was never released.");
                    $haswarned = true;
                }
                if (time() > $startlocktime + $this->acquiretimeout) {
                    $whohaslock = $this->connection->get($lockkey);
                    error_log("Error: Cannot obtain session lock for sid: $id within $this->acquiretimeout seconds. "
                        . "It is likely another page ($whohaslock) has a long session lock, or the session lock was never "
                        . "released.");
                    $a = (object)['id' => substr($id, 0, 10), 'acquiretimeout' => format_time($this->acquiretimeout),
                        'whohaslock' => $whohaslock, 'lockexpire' => format_time($this->lockexpire)];
                    throw new exception('sessioncannotobtainlock', 'error', '', $a);
                }
                $delay = time() < $startlocktime + 5 ? rand($this->lockretry, (int)($this->lockretry * 1.1)) : rand(1000, 1100);
                usleep($delay * 1000);
            }
        }

        public function session_exists($sid) {
            if (!$this->connection) {
                return false;
            }
            try {
                return !empty($this->connection->exists($sid));
            } catch (\RedisException | \RedisClusterException $e) {
                return false;
            }
        }

        public function kill_all_sessions() {
            global $DB;
            if (!$this->connection) {
                return;
            }
            foreach ($DB->get_records('sessions', [], 'id DESC', 'id, sid') as $record) {
                $this->destroy($record->sid);
            }
        }

        public function kill_session($sid) {
            if ($this->connection) {
                $this->destroy($sid);
            }
        }
    }

    /** PHP's memcached session handler, configured as Moodle's \core\session\memcached does. */
    class memcached extends handler {
        protected $savepath;
        protected $servers;
        protected $prefix;
        protected $acquiretimeout = 120;
        protected $lockexpire = 7200;
        protected $lockretrysleep = 150;

        public function __construct() {
            global $CFG;
            $this->savepath = empty($CFG->session_memcached_save_path) ? '' : $CFG->session_memcached_save_path;
            $this->servers = empty($this->savepath) ? [] : self::connection_string_to_memcache_servers($this->savepath);
            $this->prefix = empty($CFG->session_memcached_prefix) ? ini_get('memcached.sess_prefix')
                : $CFG->session_memcached_prefix;
            if (!empty($CFG->session_memcached_acquire_lock_timeout)) {
                $this->acquiretimeout = (int)$CFG->session_memcached_acquire_lock_timeout;
            }
            if (!empty($CFG->session_memcached_lock_expire)) {
                $this->lockexpire = (int)$CFG->session_memcached_lock_expire;
            }
            if (!empty($CFG->session_memcached_lock_retry_sleep)) {
                $this->lockretrysleep = (int)$CFG->session_memcached_lock_retry_sleep;
            }
        }

        public function start() {
            ini_set('memcached.sess_locking', $this->requires_write_lock() ? '1' : '0');
            $default = ini_get('max_execution_time');
            set_time_limit($this->acquiretimeout);
            $isnewsession = empty($_COOKIE[session_name()]);
            $starttimer = microtime(true);
            $result = parent::start();
            if (!$isnewsession && $result && count($_SESSION) == 0
                    && (microtime(true) - $starttimer + 1) >= floatval($this->acquiretimeout)) {
                $result = false;
            }
            set_time_limit($default);
            return $result;
        }

        public function init() {
            if (!extension_loaded('memcached')) {
                throw new exception('sessionhandlerproblem', 'error', '', null, 'memcached extension is not loaded');
            }
            $version = phpversion('memcached');
            if (!$version || version_compare($version, '2.0') < 0) {
                throw new exception('sessionhandlerproblem', 'error', '', null,
                    'memcached extension version must be at least 2.0');
            }
            if (empty($this->savepath)) {
                throw new exception('sessionhandlerproblem', 'error', '', null,
                    '$CFG->session_memcached_save_path must be specified in config.php');
            }
            ini_set('session.save_handler', 'memcached');
            ini_set('session.save_path', $this->savepath);
            ini_set('memcached.sess_prefix', $this->prefix);
            ini_set('memcached.sess_lock_expire', $this->lockexpire);
            if (version_compare($version, '3.0.0-dev') >= 0) {
                ini_set('memcached.sess_lock_wait_min', $this->lockretrysleep);
                ini_set('memcached.sess_lock_wait_max', $this->lockretrysleep);
                ini_set('memcached.sess_lock_retries', (int)(($this->acquiretimeout * 1000) / $this->lockretrysleep) + 1);
            } else {
                ini_set('memcached.sess_lock_max_wait', $this->acquiretimeout);
            }
        }

        public function session_exists($sid) {
            foreach ($this->servers as [$host, $port]) {
                $memcached = new \Memcached();
                $memcached->addServer($host, $port);
                $value = $memcached->get($this->prefix . $sid);
                $memcached->quit();
                if ($value !== false) {
                    return true;
                }
            }
            return false;
        }

        public function kill_all_sessions() {
            global $DB;
            foreach ($this->servers as [$host, $port]) {
                $memcached = new \Memcached();
                $memcached->addServer($host, $port);
                foreach ($DB->get_records('sessions', [], 'id DESC', 'id, sid') as $record) {
                    $memcached->delete($this->prefix . $record->sid);
                }
                $memcached->quit();
            }
        }

        public function kill_session($sid) {
            foreach ($this->servers as [$host, $port]) {
                $memcached = new \Memcached();
                $memcached->addServer($host, $port);
                $memcached->delete($this->prefix . $sid);
                $memcached->quit();
            }
        }

        protected static function connection_string_to_memcache_servers(string $str): array {
            $servers = [];
            foreach (explode(',', $str) as $part) {
                $part = trim($part);
                $pos = strrpos($part, ':');
                $servers[] = $pos !== false ? [substr($part, 0, $pos), (int)substr($part, $pos + 1)] : [$part, 11211];
            }
            return $servers;
        }
    }

    /** The session manager: Moodle's public session API (lib/classes/session/manager.php), the parts pages use. */
    class manager {
        /** @var handler */
        protected static $handler;
        protected static $sessionactive = null;
        protected static $logintokenkey = 'core_auth_login';

        /** Start the session of a web request (lib/setup.php); an empty one in CLI, before install and without cookies. */
        public static function start() {
            global $CFG, $DB;
            if (isset(self::$sessionactive)) {
                debugging('Session was already started!', DEBUG_DEVELOPER);
                return;
            }
            self::load_handler();
            if (empty($DB) || empty($CFG->version) || !defined('NO_MOODLE_COOKIES') || NO_MOODLE_COOKIES || CLI_SCRIPT) {
                self::$sessionactive = false;
                self::init_empty_session();
                return;
            }
            self::start_session(true);
        }

        private static function start_session(bool $requireslock) {
            try {
                self::$handler->init();
                self::$handler->set_requires_write_lock($requireslock);
                self::prepare_cookies();
                $isnewsession = empty($_COOKIE[session_name()]);
                if (!self::$handler->start()) {
                    throw new exception(get_string('servererror'));
                }
                self::initialise_user_session($isnewsession);
                self::$sessionactive = true;
                self::check_security();
                // $USER and $SESSION are the globals; $_SESSION refers to them.
                $GLOBALS['USER'] = $_SESSION['USER'];
                $_SESSION['USER'] =& $GLOBALS['USER'];
                $GLOBALS['SESSION'] = $_SESSION['SESSION'];
                $_SESSION['SESSION'] =& $GLOBALS['SESSION'];
            } catch (\Exception $ex) {
                self::init_empty_session();
                self::$sessionactive = false;
                throw $ex;
            }
        }

        public static function get_handler_class() {
            global $CFG, $DB;
            if (!empty($CFG->session_handler_class)) {
                return $CFG->session_handler_class;
            } else if (!empty($CFG->dbsessions) && $DB->session_lock_supported()) {
                return '\core\session\database';
            }
            return '\core\session\file';
        }

        protected static function load_handler() {
            if (self::$handler) {
                return;
            }
            $class = self::get_handler_class();
            self::$handler = new $class();
        }

        /** $USER (not logged in) and $SESSION empty, linked to $_SESSION. */
        public static function init_empty_session(?bool $newsid = null) {
            global $CFG;
            if (isset($GLOBALS['SESSION']->notifications)) {
                $notifications = $GLOBALS['SESSION']->notifications;
            }
            $GLOBALS['SESSION'] = new \stdClass();
            if (isset($newsid)) {
                $GLOBALS['SESSION']->isnewsessioncookie = $newsid;
            }
            $GLOBALS['USER'] = new \stdClass();
            $GLOBALS['USER']->id = 0;
            if (!empty($notifications)) {
                $GLOBALS['SESSION']->notifications = $notifications;
            }
            $GLOBALS['USER']->mnethostid = $CFG->mnet_localhost_id ?? 1;
            $_SESSION = [];
            $_SESSION['USER'] =& $GLOBALS['USER'];
            $_SESSION['SESSION'] =& $GLOBALS['SESSION'];
        }

        /** The cookie: MoodleSession + sessioncookie, path and domain checked against wwwroot, secure, HttpOnly. */
        protected static function prepare_cookies() {
            global $CFG;
            $cookiesecure = is_moodle_cookie_secure();
            if (!isset($CFG->cookiehttponly)) {
                $CFG->cookiehttponly = 1;
            }
            if (!isset($CFG->sessioncookie)) {
                $CFG->sessioncookie = '';
            }
            $sessionname = 'MoodleSession' . $CFG->sessioncookie;
            if (!isset($CFG->sessioncookiedomain)) {
                $CFG->sessioncookiedomain = '';
            } else if ($CFG->sessioncookiedomain !== '') {
                $host = parse_url($CFG->wwwroot, PHP_URL_HOST);
                if ($CFG->sessioncookiedomain !== $host) {
                    if (substr($CFG->sessioncookiedomain, 0, 1) === '.') {
                        if (!preg_match('|^.*' . preg_quote($CFG->sessioncookiedomain, '|') . '$|', $host)) {
                            $CFG->sessioncookiedomain = '';
                        }
                    } else if (!preg_match('|^.*\.' . preg_quote($CFG->sessioncookiedomain, '|') . '$|', $host)) {
                        $CFG->sessioncookiedomain = '';
                    }
                }
            }
            if (!isset($CFG->sessioncookiepath)) {
                $CFG->sessioncookiepath = '';
            }
            if ($CFG->sessioncookiepath !== '/') {
                $path = parse_url($CFG->wwwroot, PHP_URL_PATH) . '/';
                if ($CFG->sessioncookiepath === '' || strpos($path, $CFG->sessioncookiepath) !== 0
                        || substr($CFG->sessioncookiepath, -1) !== '/') {
                    $CFG->sessioncookiepath = $path;
                }
            }
            // Session fixation prevention: the id only from the cookie.
            unset($GLOBALS[$sessionname], $_GET[$sessionname], $_POST[$sessionname], $_REQUEST[$sessionname]);
            if (!empty($_COOKIE[$sessionname]) && $_COOKIE[$sessionname] == 'deleted') {
                unset($_COOKIE[$sessionname]);
            }
            session_name($sessionname);
            session_set_cookie_params(['lifetime' => 0, 'path' => $CFG->sessioncookiepath, 'domain' => $CFG->sessioncookiedomain,
                'secure' => $cookiesecure, 'httponly' => (bool)$CFG->cookiehttponly]);
            ini_set('session.use_trans_sid', '0');
            ini_set('session.use_only_cookies', '1');
            ini_set('session.use_strict_mode', '0');
            ini_set('session.serialize_handler', 'php');
            ini_set('session.gc_probability', 1);
            ini_set('session.gc_divisor', 1000);
            ini_set('session.gc_maxlifetime', 60 * 60 * 24 * 4);
        }

        /** The session against its {sessions} record: resume it, time it out, or set up a new not-logged-in one. */
        protected static function initialise_user_session($newsid) {
            global $CFG, $DB;
            $sid = session_id();
            if (!$sid) {
                error_log('Missing session ID, session not started!');
                self::init_empty_session($newsid);
                return;
            }
            if (!$record = $DB->get_record('sessions', ['sid' => $sid], 'id, sid, state, userid, lastip, timecreated, timemodified')) {
                if (!$newsid) {
                    if (!empty($_SESSION['USER']->id)) {
                        error_log("Cannot find session record $sid for user " . $_SESSION['USER']->id . ", creating new session.");
                    }
                    session_regenerate_id(true);
                }
                $_SESSION = [];
            }
            if (isset($_SESSION['USER']->id)) {
                $userid = !empty($_SESSION['USER']->realuser) ? $_SESSION['USER']->realuser : $_SESSION['USER']->id;
                $timeout = !(isguestuser($userid) || empty($userid)) && $record->timemodified < time() - $CFG->sessiontimeout;
                if ($timeout) {
                    session_regenerate_id(true);
                    $_SESSION = [];
                    $DB->delete_records('sessions', ['id' => $record->id]);
                } else {
                    $update = ['id' => $record->id];
                    if ($record->userid != $userid) {
                        $update['userid'] = $userid;
                    }
                    $ip = getremoteaddr();
                    if ($record->lastip != $ip) {
                        $update['lastip'] = $ip;
                    }
                    $updatefreq = empty($CFG->session_update_timemodified_frequency) ? 20
                        : $CFG->session_update_timemodified_frequency;
                    if ($record->timemodified == $record->timecreated || $record->timemodified < time() - $updatefreq) {
                        $update['timemodified'] = time();
                    }
                    if (count($update) > 1) {
                        $DB->update_record('sessions', (object)$update);
                    }
                    return;
                }
            } else if ($record) {
                // Switched session handlers.
                session_regenerate_id(true);
                $_SESSION = [];
                $DB->delete_records('sessions', ['id' => $record->id]);
            }
            $timedout = false;
            if (!isset($_SESSION['SESSION'])) {
                $_SESSION['SESSION'] = new \stdClass();
                $timedout = !$newsid;
            }
            self::init_empty_session($newsid);
            self::add_session_record(0);
            if ($timedout) {
                $_SESSION['SESSION']->has_timed_out = true;
            }
        }

        protected static function add_session_record($userid) {
            global $DB;
            $record = (object)['state' => 0, 'sid' => session_id(), 'sessdata' => null, 'userid' => $userid,
                'timecreated' => time(), 'timemodified' => time(), 'firstip' => getremoteaddr(), 'lastip' => getremoteaddr()];
            $record->id = $DB->insert_record('sessions', $record);
            return $record;
        }

        protected static function check_security() {
            global $CFG;
            if (!empty($_SESSION['USER']->id) && !empty($CFG->tracksessionip)) {
                $remoteaddr = getremoteaddr();
                if (empty($_SESSION['USER']->sessionip)) {
                    $_SESSION['USER']->sessionip = $remoteaddr;
                }
                if ($_SESSION['USER']->sessionip != $remoteaddr) {
                    self::terminate_current();
                    throw new exception('sessionipnomatch2', 'error');
                }
            }
        }

        /** complete_user_login(): a new session id (the old session deleted), a new record, the user in $USER. */
        public static function login_user(\stdClass $user) {
            global $DB;
            $sid = session_id();
            session_regenerate_id(true);
            $DB->delete_records('sessions', ['sid' => $sid]);
            self::add_session_record($user->id);
            self::set_user($user);
        }

        public static function set_user(\stdClass $user) {
            $GLOBALS['USER'] = $user;
            unset($GLOBALS['USER']->description, $GLOBALS['USER']->password);
            $_SESSION['USER'] =& $GLOBALS['USER'];
            sesskey();
        }

        /** Log out: a new empty session under a new id, the old one deleted. */
        public static function terminate_current() {
            global $DB;
            if (!self::$sessionactive) {
                self::init_empty_session();
                self::$sessionactive = false;
                return;
            }
            $sid = session_id();
            session_regenerate_id(true);
            $DB->delete_records('sessions', ['sid' => $sid]);
            self::init_empty_session();
            self::add_session_record($_SESSION['USER']->id);
            self::write_close();
        }

        /** Write the session and release its lock (redirects do this before they exit). */
        public static function write_close() {
            if (self::$sessionactive && session_id()) {
                self::$handler->write_close();
            } else if (isset(self::$handler)) {
                @self::$handler->abort();
            }
            self::$sessionactive = false;
        }

        public static function session_exists($sid) {
            global $DB, $CFG;
            if (empty($CFG->version) || !$record = $DB->get_record('sessions', ['sid' => $sid], 'id, userid, timemodified')) {
                return false;
            }
            if ($record->timemodified < time() - $CFG->sessiontimeout) {
                return false;
            }
            self::load_handler();
            return self::$handler->session_exists($sid);
        }

        public static function kill_session($sid) {
            global $DB;
            self::load_handler();
            if ($sid === session_id()) {
                self::write_close();
            }
            self::$handler->kill_session($sid);
            $DB->delete_records('sessions', ['sid' => $sid]);
        }

        public static function kill_all_sessions() {
            global $DB;
            self::load_handler();
            self::$handler->kill_all_sessions();
            $DB->delete_records('sessions');
        }

        public static function is_loggedinas() {
            return !empty($GLOBALS['USER']->realuser);
        }

        private static function create_login_token() {
            global $SESSION;
            $state = ['token' => random_string(32), 'created' => time()];
            if (!isset($SESSION->logintoken)) {
                $SESSION->logintoken = [];
            }
            $SESSION->logintoken[self::$logintokenkey] = $state;
            return $state;
        }

        /** The token of the login form, kept in $SESSION->logintoken (renewed after the session timeout). */
        public static function get_login_token() {
            global $CFG, $SESSION;
            if (!isset($SESSION->logintoken)) {
                $SESSION->logintoken = [];
            }
            $state = $SESSION->logintoken[self::$logintokenkey] ?? false;
            if (empty($state) || $state['created'] < (time() - $CFG->sessiontimeout)) {
                $state = self::create_login_token();
            }
            return $state['token'] ?? false;
        }

        public static function validate_login_token($token = false) {
            global $CFG, $SESSION;
            if (!empty($CFG->alternateloginurl) || !empty($CFG->disablelogintoken)) {
                return true;
            }
            if ($token === false) {
                return true;
            }
            $currenttoken = self::get_login_token();
            unset($SESSION->logintoken);
            return $currenttoken === $token;
        }
    }
}

namespace {
    defined('MOODLE_INTERNAL') || die();

    /** Moodle's is_moodle_cookie_secure(): cookiesecure, and https in wwwroot or sslproxy. */
    function is_moodle_cookie_secure() {
        global $CFG;
        if (!isset($CFG->cookiesecure)) {
            return false;
        }
        if (!is_https() && empty($CFG->sslproxy)) {
            return false;
        }
        return !empty($CFG->cookiesecure);
    }

    /** The session key of $USER (created on first use). */
    function sesskey() {
        global $USER;
        if (empty($USER->sesskey)) {
            if (!isset($USER)) {
                $USER = new stdClass();
            }
            $USER->sesskey = random_string(10);
        }
        return $USER->sesskey;
    }

    function confirm_sesskey($sesskey = null) {
        global $USER;
        if (!empty($USER->ignoresesskey)) {
            return true;
        }
        if (empty($sesskey)) {
            $sesskey = $_POST['sesskey'] ?? $_GET['sesskey'] ?? null;
        }
        return (sesskey() === $sesskey);
    }
}
