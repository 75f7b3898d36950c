<?php
// lms.moodle stand-in (NOT Moodle): a small $DB with the moodle_database methods the stand-in needs, on two drivers
// like Moodle's native ones: PostgreSQL (dbtype 'pgsql', the pgsql extension) and MySQL/MariaDB (dbtype 'mysqli',
// 'mariadb' or 'auroramysql', the mysqli extension; tables InnoDB, utf8mb4). SQL is written as in Moodle: {table}
// gets the prefix of config.php, parameters are ? or :name. Failed queries throw dml_read_exception ("Error reading
// from database") or dml_write_exception like Moodle.
defined('MOODLE_INTERNAL') || die();

/** The driver-independent part: SQL building, records, tables described as columns (see STANDIN_TABLES). */
abstract class standin_database {
    protected $prefix = '';
    protected $dbname = '';
    /** @var bool true once the database session handler uses the session locks (as in Moodle). */
    public $used_for_db_sessions = false;

    /** Connect like the native driver's raw_connect(); dml_connection_exception when that fails. */
    abstract public function connect($dbhost, $dbuser, $dbpass, $dbname, $prefix, array $dboptions = []);

    /** 'postgres' or 'mysql', as moodle_database::get_dbfamily(). */
    abstract public function get_dbfamily();

    /** The tables with the prefix, without it (moodle_database::get_tables()). */
    abstract public function get_tables();

    /** Rows (associative arrays of strings or null) of a query whose ? placeholders are already in place. */
    abstract protected function driver_query($sql, array $params, $write);

    /** The id of the row an INSERT ... just created. */
    abstract protected function driver_insert($sql, array $params);

    /** CREATE TABLE (and its indexes) for a table described by STANDIN_TABLES. */
    abstract protected function create_table_sql($table, array $definition);

    abstract public function get_session_lock($rowid, $timeout);

    abstract public function release_session_lock($rowid);

    public function get_dbvendor() {
        return $this->get_dbfamily();
    }

    public function get_prefix() {
        return $this->prefix;
    }

    public function session_lock_supported() {
        return true;
    }

    /** {name} -> the table with the prefix (quoted where the driver needs it). */
    protected function fix_table_names($sql) {
        return preg_replace_callback('/\{([a-z][a-z0-9_]*)\}/', function($match) {
            return $this->quote_table($this->prefix . $match[1]);
        }, $sql);
    }

    protected function quote_table($name) {
        return $name;
    }

    /** :name placeholders -> ? with the parameters in order (Moodle accepts either form, not both). */
    protected function fix_params($sql, array $params) {
        $params = array_map(function($value) {
            return is_bool($value) ? (int)$value : $value;
        }, $params);
        if (!preg_match_all('/(?<![:a-zA-Z0-9_]):([a-z][a-z0-9_]*)/', $sql, $matches)) {
            return [$sql, array_values($params)];
        }
        $ordered = [];
        foreach ($matches[1] as $name) {
            if (!array_key_exists($name, $params)) {
                throw new dml_exception('missingkeyinsql', $name, '');
            }
            $ordered[] = $params[$name];
        }
        return [preg_replace('/(?<![:a-zA-Z0-9_]):[a-z][a-z0-9_]*/', '?', $sql), $ordered];
    }

    protected function query($sql, array $params = [], $write = false) {
        [$sql, $params] = $this->fix_params($this->fix_table_names($sql), $params);
        return $this->driver_query($sql, $params, $write);
    }

    /** WHERE clause and parameters of a conditions array (null values as IS NULL). */
    protected function where(array $conditions, array &$params) {
        $where = [];
        foreach ($conditions as $field => $value) {
            if ($value === null) {
                $where[] = "$field IS NULL";
            } else {
                $params[] = $value;
                $where[] = "$field = ?";
            }
        }
        return $where ? 'WHERE ' . implode(' AND ', $where) : '';
    }

    public function execute($sql, array $params = []) {
        $this->query($sql, $params, true);
        return true;
    }

    /** Records keyed by their first field (moodle_database::get_records_sql()). */
    public function get_records_sql($sql, array $params = []) {
        $records = [];
        foreach ($this->query($sql, $params) as $row) {
            $records[reset($row)] = (object)$row;
        }
        return $records;
    }

    public function get_record_sql($sql, array $params = []) {
        $records = $this->get_records_sql($sql, $params);
        return $records ? reset($records) : false;
    }

    public function get_records($table, array $conditions = [], $sort = '', $fields = '*') {
        $params = [];
        $where = $this->where($conditions, $params);
        return $this->get_records_sql("SELECT $fields FROM {{$table}} $where" . ($sort ? " ORDER BY $sort" : ''), $params);
    }

    public function get_records_select($table, $select, array $params = [], $sort = '', $fields = '*') {
        $where = $select ? "WHERE $select" : '';
        return $this->get_records_sql("SELECT $fields FROM {{$table}} $where" . ($sort ? " ORDER BY $sort" : ''), $params);
    }

    /** First field => second field of the matching records (moodle_database::get_records_menu()). */
    public function get_records_menu($table, array $conditions = [], $sort = '', $fields = '*') {
        $params = [];
        $where = $this->where($conditions, $params);
        $menu = [];
        foreach ($this->query("SELECT $fields FROM {{$table}} $where" . ($sort ? " ORDER BY $sort" : ''), $params) as $row) {
            $row = array_values($row);
            $menu[$row[0]] = $row[1];
        }
        return $menu;
    }

    public function get_record($table, array $conditions, $fields = '*') {
        $records = $this->get_records($table, $conditions, '', $fields);
        return $records ? reset($records) : false;
    }

    public function get_field_sql($sql, array $params = []) {
        $rows = $this->query($sql, $params);
        return $rows ? reset($rows[0]) : false;
    }

    public function get_field($table, $return, array $conditions) {
        $params = [];
        $where = $this->where($conditions, $params);
        return $this->get_field_sql("SELECT $return FROM {{$table}} $where LIMIT 1", $params);
    }

    public function record_exists($table, array $conditions) {
        return $this->get_field($table, '1', $conditions) !== false;
    }

    public function count_records($table, array $conditions = []) {
        $params = [];
        $where = $this->where($conditions, $params);
        return (int)$this->get_field_sql("SELECT COUNT('x') FROM {{$table}} $where", $params);
    }

    public function insert_record($table, $dataobject, $returnid = true) {
        $data = array_filter((array)$dataobject, function($key) {
            return $key !== 'id';
        }, ARRAY_FILTER_USE_KEY);
        $sql = "INSERT INTO {{$table}} (" . implode(', ', array_keys($data)) . ') VALUES ('
            . implode(', ', array_fill(0, count($data), '?')) . ')';
        [$sql, $params] = $this->fix_params($this->fix_table_names($sql), array_values($data));
        $id = (int)$this->driver_insert($sql, $params);
        return $returnid ? $id : true;
    }

    /** Update the fields of $dataobject in the record with its id. */
    public function update_record($table, $dataobject) {
        $data = (array)$dataobject;
        $id = $data['id'];
        unset($data['id']);
        if (!$data) {
            return true;
        }
        $sets = array_map(function($field) {
            return "$field = ?";
        }, array_keys($data));
        $params = array_values($data);
        $params[] = $id;
        $this->query("UPDATE {{$table}} SET " . implode(', ', $sets) . ' WHERE id = ?', $params, true);
        return true;
    }

    public function set_field($table, $newfield, $newvalue, array $conditions = []) {
        $params = [$newvalue];
        $where = $this->where($conditions, $params);
        $this->query("UPDATE {{$table}} SET $newfield = ? $where", $params, true);
        return true;
    }

    public function delete_records($table, array $conditions = []) {
        $params = [];
        $where = $this->where($conditions, $params);
        $this->query("DELETE FROM {{$table}} $where", $params, true);
        return true;
    }

    public function delete_records_select($table, $select, array $params = []) {
        $this->query("DELETE FROM {{$table}} WHERE $select", $params, true);
        return true;
    }

    /** Create a table described as in STANDIN_TABLES: fields [type, length, notnull, default], unique, indexes. */
    public function create_table($table, array $definition) {
        foreach ($this->create_table_sql($table, $definition) as $sql) {
            $this->execute($sql);
        }
    }

    /** An index name in Moodle's style: prefix, table, fields, suffix (ix or uix). */
    protected function index_name($table, array $fields, $unique) {
        $name = $this->prefix . $table . '_' . implode('_', $fields) . ($unique ? '_uix' : '_ix');
        return strlen($name) > 60 ? $this->prefix . substr(md5($name), 0, 20) . ($unique ? '_uix' : '_ix') : $name;
    }
}

/** PostgreSQL through the pgsql extension, as pgsql_native_moodle_database. */
class standin_pgsql_database extends standin_database {
    protected $pgsql = null;

    public function get_dbfamily() {
        return 'postgres';
    }

    public function connect($dbhost, $dbuser, $dbpass, $dbname, $prefix, array $dboptions = []) {
        if ($prefix == '') {
            throw new dml_exception('prefixcannotbeempty', 'postgres');
        }
        if (!function_exists('pg_connect')) {
            throw new dml_exception('dbdriverproblem', 'PHP has not been properly configured with the PGSQL extension.');
        }
        [$this->prefix, $this->dbname] = [$prefix, $dbname];
        $pass = addcslashes($dbpass, "'\\");
        if (!empty($dboptions['dbsocket']) && ($dbhost === 'localhost' || $dbhost === '127.0.0.1')) {
            $connection = "user='$dbuser' password='$pass' dbname='$dbname'";
            if (strpos($dboptions['dbsocket'], '/') !== false) {
                $connection .= " host='{$dboptions['dbsocket']}'";
            }
            if (!empty($dboptions['dbport'])) {
                $connection .= " port ='{$dboptions['dbport']}'";
            }
        } else {
            $port = empty($dboptions['dbport']) ? "port ='5432'" : "port ='{$dboptions['dbport']}'";
            $connection = "host='$dbhost' $port user='$dbuser' password='$pass' dbname='$dbname'";
        }
        if (!empty($dboptions['connecttimeout'])) {
            $connection .= " connect_timeout={$dboptions['connecttimeout']}";
        }
        if (!empty($dboptions['ssl'])) {
            $connection .= " sslmode={$dboptions['ssl']}";
        }
        $connection .= " options='--client_encoding=utf8 --standard_conforming_strings=on'";
        ob_start();
        try {
            $this->pgsql = empty($dboptions['dbpersist']) ? pg_connect($connection, PGSQL_CONNECT_FORCE_NEW)
                : pg_pconnect($connection, PGSQL_CONNECT_FORCE_NEW);
            $dberr = ob_get_contents();
        } catch (\Throwable $e) {
            $this->pgsql = false;
            $dberr = $e->getMessage();
        }
        ob_end_clean();
        if (!$this->pgsql || pg_connection_status($this->pgsql) === PGSQL_CONNECTION_BAD) {
            $this->pgsql = null;
            throw new dml_connection_exception($dberr ?: (error_get_last()['message'] ?? 'unknown error'));
        }
        return true;
    }

    /** ? -> $1, $2, ... (pg_query_params()). */
    protected function numbered($sql) {
        $i = 0;
        return preg_replace_callback('/\?/', function() use (&$i) {
            return '$' . (++$i);
        }, $sql);
    }

    protected function run($sql, array $params, $write) {
        $result = @pg_query_params($this->pgsql, $this->numbered($sql), $params);
        if ($result === false) {
            $error = pg_last_error($this->pgsql);
            throw $write ? new dml_write_exception($error, $sql, $params) : new dml_read_exception($error, $sql, $params);
        }
        return $result;
    }

    protected function driver_query($sql, array $params, $write) {
        $result = $this->run($sql, $params, $write);
        $rows = pg_fetch_all($result, PGSQL_ASSOC) ?: [];
        pg_free_result($result);
        return $rows;
    }

    protected function driver_insert($sql, array $params) {
        $result = $this->run("$sql RETURNING id", $params, true);
        return pg_fetch_row($result)[0];
    }

    public function get_tables() {
        $like = str_replace(['|', '_', '%'], ['||', '|_', '|%'], $this->prefix) . '%';
        $rows = $this->driver_query("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns "
            . "ON ns.oid = c.relnamespace WHERE c.relname LIKE ? ESCAPE '|' AND c.relkind IN ('r', 'p') "
            . "AND ns.nspname = current_schema() ORDER BY c.relname", [$like], false);
        $tables = [];
        foreach ($rows as $row) {
            $name = substr($row['relname'], strlen($this->prefix));
            $tables[$name] = $name;
        }
        return $tables;
    }

    protected function create_table_sql($table, array $definition) {
        $columns = [];
        foreach ($definition['fields'] as $name => [$type, $length, $notnull, $default]) {
            if ($name === 'id') {
                $columns[] = 'id BIGSERIAL PRIMARY KEY';
                continue;
            }
            $sqltype = ['int' => $length <= 4 ? 'SMALLINT' : 'BIGINT', 'char' => "VARCHAR($length)", 'text' => 'TEXT'][$type];
            $column = "$name $sqltype" . ($notnull ? ' NOT NULL' : '');
            if ($default !== null) {
                $column .= ' DEFAULT ' . ($type === 'int' ? (int)$default : "'" . str_replace("'", "''", $default) . "'");
            }
            $columns[] = $column;
        }
        $sqls = ["CREATE TABLE {{$table}} (" . implode(', ', $columns) . ')'];
        foreach (['unique' => true, 'indexes' => false] as $key => $unique) {
            foreach ($definition[$key] ?? [] as $fields) {
                $sqls[] = 'CREATE ' . ($unique ? 'UNIQUE ' : '') . 'INDEX ' . $this->index_name($table, $fields, $unique)
                    . " ON {{$table}} (" . implode(', ', $fields) . ')';
            }
        }
        return $sqls;
    }

    /** pg_advisory_lock() on the session record, as Moodle's pgsql driver does for database sessions. */
    public function get_session_lock($rowid, $timeout) {
        $this->used_for_db_sessions = true;
        $rowid = (int)$rowid;
        @pg_query($this->pgsql, 'SET statement_timeout TO ' . ((int)$timeout * 1000));
        $start = time();
        $result = @pg_query($this->pgsql, "SELECT pg_advisory_lock($rowid)");
        @pg_query($this->pgsql, 'SET statement_timeout TO 0');
        if ($result === false) {
            if (time() - $start >= $timeout) {
                throw new dml_sessionwait_exception();
            }
            throw new dml_read_exception(pg_last_error($this->pgsql), "SELECT pg_advisory_lock($rowid)");
        }
    }

    public function release_session_lock($rowid) {
        if (!$this->used_for_db_sessions) {
            return;
        }
        @pg_query($this->pgsql, 'SELECT pg_advisory_unlock(' . (int)$rowid . ')');
    }
}

/** MySQL or MariaDB through the mysqli extension, as mysqli_native_moodle_database (and its mariadb subclass). */
class standin_mysqli_database extends standin_database {
    /** @var mysqli */
    protected $mysqli = null;
    protected $dbtype = 'mysqli';
    protected $collation = 'utf8mb4_unicode_ci';
    protected $engine = 'InnoDB';

    public function __construct($dbtype = 'mysqli') {
        $this->dbtype = $dbtype;
    }

    public function get_dbfamily() {
        return 'mysql';
    }

    public function get_dbvendor() {
        return ['mariadb' => 'mariadb', 'auroramysql' => 'auroramysql'][$this->dbtype] ?? 'mysql';
    }

    public function connect($dbhost, $dbuser, $dbpass, $dbname, $prefix, array $dboptions = []) {
        if (!extension_loaded('mysqli')) {
            throw new dml_exception('dbdriverproblem', 'PHP has not been properly configured with the MySQLi extension '
                . 'for it to communicate with MySQL. Please check your php.ini file or recompile PHP.');
        }
        [$this->prefix, $this->dbname] = [$prefix, $dbname];
        // The socket is only used with host localhost (as in Moodle, mysqli's own rule).
        if (!empty($dboptions['dbsocket']) && strpos($dboptions['dbsocket'], '/') !== false) {
            $dbsocket = $dboptions['dbsocket'];
        } else {
            $dbsocket = ini_get('mysqli.default_socket');
        }
        $dbport = empty($dboptions['dbport']) ? (int)ini_get('mysqli.default_port') : (int)$dboptions['dbport'];
        $dbport = $dbport ?: 3306;
        if ($dbhost && !empty($dboptions['dbpersist'])) {
            $dbhost = "p:$dbhost";
        }
        mysqli_report(MYSQLI_REPORT_OFF);
        $this->mysqli = mysqli_init();
        if (!empty($dboptions['connecttimeout'])) {
            $this->mysqli->options(MYSQLI_OPT_CONNECT_TIMEOUT, $dboptions['connecttimeout']);
        }
        $flags = 0;
        if (!empty($dboptions['clientcompress'])) {
            $flags |= MYSQLI_CLIENT_COMPRESS;
        }
        if (isset($dboptions['ssl'])) {
            if (!in_array($dboptions['ssl'], ['require', 'verify-full'], true)) {
                throw new moodle_exception("Invalid 'dboptions''ssl' value '{$dboptions['ssl']}'");
            }
            $flags |= MYSQLI_CLIENT_SSL;
            if ($dboptions['ssl'] === 'verify-full') {
                $flags |= MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT;
            }
        }
        $conn = null;
        $dberr = null;
        try {
            $conn = @$this->mysqli->real_connect($dbhost, $dbuser, $dbpass, $dbname, $dbport, $dbsocket ?: null, $flags);
        } catch (\Throwable $e) {
            $dberr = $e->getMessage();
        }
        if (!$conn) {
            $dberr = $dberr ?: "{$this->mysqli->connect_error} ({$this->mysqli->connect_errno})";
            $this->mysqli = null;
            throw new dml_connection_exception($dberr);
        }
        if (!empty($dboptions['dbengine'])) {
            $this->engine = $dboptions['dbengine'];
        }
        // The collation of an existing config table, else the one of config.php, else the database's utf8mb4 one.
        $this->collation = $this->detect_collation($dboptions['dbcollation'] ?? null);
        $this->mysqli->set_charset(explode('_', $this->collation)[0]);
        $this->mysqli->query("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
        return true;
    }

    protected function detect_collation($configured) {
        $result = $this->mysqli->query("SELECT collation_name FROM INFORMATION_SCHEMA.COLUMNS WHERE table_schema = DATABASE() "
            . "AND table_name = '" . $this->mysqli->real_escape_string($this->prefix . 'config') . "' AND column_name = 'value'");
        $row = $result ? $result->fetch_row() : null;
        if ($row && $row[0]) {
            return $row[0];
        }
        if ($configured) {
            return $configured;
        }
        $result = $this->mysqli->query('SELECT @@collation_database');
        $row = $result ? $result->fetch_row() : null;
        if ($row && strpos($row[0], 'utf8mb4_') === 0) {
            return $row[0];
        }
        return 'utf8mb4_unicode_ci';
    }

    protected function quote_table($name) {
        return "`$name`";
    }

    /** ? placeholders replaced by escaped values, as Moodle's mysqli driver emulates bound parameters. */
    protected function emulate_bound_params($sql, array $params) {
        $parts = explode('?', $sql);
        if (count($parts) - 1 !== count($params)) {
            throw new dml_exception('invalidqueryparam', null, "$sql\n" . var_export($params, true));
        }
        $result = array_shift($parts);
        foreach ($params as $i => $value) {
            if ($value === null) {
                $result .= 'NULL';
            } else if (is_int($value) || is_float($value)) {
                $result .= $value;
            } else {
                $result .= "'" . $this->mysqli->real_escape_string((string)$value) . "'";
            }
            $result .= $parts[$i];
        }
        return $result;
    }

    protected function run($sql, array $params, $write) {
        $rawsql = $this->emulate_bound_params($sql, $params);
        $result = $this->mysqli->query($rawsql);
        if ($result === false) {
            $error = $this->mysqli->error;
            throw $write ? new dml_write_exception($error, $sql, $params) : new dml_read_exception($error, $sql, $params);
        }
        return $result;
    }

    protected function driver_query($sql, array $params, $write) {
        $result = $this->run($sql, $params, $write);
        if ($result === true) {
            return [];
        }
        $rows = $result->fetch_all(MYSQLI_ASSOC);
        $result->close();
        return $rows;
    }

    protected function driver_insert($sql, array $params) {
        $this->run($sql, $params, true);
        return $this->mysqli->insert_id;
    }

    public function get_tables() {
        $like = str_replace(['\\', '_', '%'], ['\\\\', '\\_', '\\%'], $this->prefix) . '%';
        $rows = $this->driver_query('SELECT table_name AS name FROM INFORMATION_SCHEMA.TABLES WHERE table_schema = DATABASE() '
            . 'AND table_name LIKE ? ORDER BY table_name', [$like], false);
        $tables = [];
        foreach ($rows as $row) {
            $name = substr($row['name'], strlen($this->prefix));
            $tables[$name] = $name;
        }
        return $tables;
    }

    protected function create_table_sql($table, array $definition) {
        $columns = [];
        foreach ($definition['fields'] as $name => [$type, $length, $notnull, $default]) {
            if ($name === 'id') {
                $columns[] = 'id BIGINT(10) NOT NULL AUTO_INCREMENT';
                continue;
            }
            $sqltype = ['int' => $length <= 2 ? "TINYINT($length)" : ($length <= 4 ? "SMALLINT($length)" : "BIGINT($length)"),
                'char' => "VARCHAR($length)", 'text' => 'LONGTEXT'][$type];
            if ($type !== 'int') {
                $sqltype .= " COLLATE $this->collation";
            }
            $column = "$name $sqltype" . ($notnull ? ' NOT NULL' : '');
            if ($default !== null && $type !== 'text') {
                $column .= ' DEFAULT ' . ($type === 'int' ? (int)$default : "'" . $this->mysqli->real_escape_string($default) . "'");
            }
            $columns[] = $column;
        }
        $columns[] = 'PRIMARY KEY (id)';
        foreach (['unique' => true, 'indexes' => false] as $key => $unique) {
            foreach ($definition[$key] ?? [] as $fields) {
                $columns[] = ($unique ? 'UNIQUE ' : '') . 'KEY ' . $this->index_name($table, $fields, $unique)
                    . ' (' . implode(', ', $fields) . ')';
            }
        }
        $charset = explode('_', $this->collation)[0];
        return ["CREATE TABLE {{$table}} (" . implode(', ', $columns) . ") ENGINE = $this->engine "
            . "DEFAULT CHARACTER SET $charset DEFAULT COLLATE = $this->collation ROW_FORMAT=Dynamic"];
    }

    /** GET_LOCK() named after the database, prefix and session record, as Moodle's mysqli driver. */
    public function get_session_lock($rowid, $timeout) {
        $this->used_for_db_sessions = true;
        $name = $this->mysqli->real_escape_string("$this->dbname-$this->prefix-session-" . (int)$rowid);
        $result = $this->mysqli->query("SELECT GET_LOCK('$name', " . (int)$timeout . ')');
        if ($result) {
            $row = $result->fetch_row();
            $result->close();
            if ((int)$row[0] !== 1) {
                throw new dml_sessionwait_exception();
            }
        }
    }

    public function release_session_lock($rowid) {
        if (!$this->used_for_db_sessions) {
            return;
        }
        $name = $this->mysqli->real_escape_string("$this->dbname-$this->prefix-session-" . (int)$rowid);
        $result = $this->mysqli->query("SELECT RELEASE_LOCK('$name')");
        if ($result instanceof mysqli_result) {
            $result->close();
        }
    }
}

/** Moodle's setup_DB(): $DB connected with the settings of config.php. */
function setup_DB() {
    global $CFG, $DB;
    if (isset($DB)) {
        return;
    }
    foreach (['dbuser', 'dbpass', 'dbname'] as $name) {
        $CFG->$name = $CFG->$name ?? '';
    }
    if (!isset($CFG->dblibrary)) {
        $CFG->dblibrary = 'native';
        $CFG->dbtype = ['postgres7' => 'pgsql', 'mysql' => 'mysqli'][$CFG->dbtype] ?? $CFG->dbtype;
    }
    $CFG->dboptions = $CFG->dboptions ?? [];
    if (isset($CFG->dbpersist)) {
        $CFG->dboptions['dbpersist'] = $CFG->dbpersist;
    }
    if ($CFG->dblibrary !== 'native' || !in_array($CFG->dbtype, ['pgsql', 'mysqli', 'mariadb', 'auroramysql'], true)) {
        throw new dml_exception('dbdriverproblem', "Unknown driver $CFG->dblibrary/$CFG->dbtype");
    }
    $DB = $CFG->dbtype === 'pgsql' ? new standin_pgsql_database() : new standin_mysqli_database($CFG->dbtype);
    $DB->connect($CFG->dbhost, $CFG->dbuser, $CFG->dbpass, $CFG->dbname, $CFG->prefix, $CFG->dboptions);
}
