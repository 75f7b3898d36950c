<?php
// lms.moodle stand-in (NOT Moodle): a small $DB on PostgreSQL (the pgsql extension, as Moodle's native pgsql driver),
// with the moodle_database methods the stand-in needs. Table names get the prefix of config.php; failed queries
// throw dml_read_exception ("Error reading from database") or dml_write_exception like Moodle.
defined('MOODLE_INTERNAL') || die();

class standin_pgsql_database {
    protected $pgsql = null;
    protected $prefix = '';

    /** Connect like pgsql_native_moodle_database::raw_connect(); dml_connection_exception when that fails. */
    public function connect($dbhost, $dbuser, $dbpass, $dbname, $prefix, array $dboptions = []) {
        if ($prefix == '') {
            throw new dml_exception('prefixcannotbeempty', 'postgres');
        }
        if (!function_exists('pg_connect')) {
            throw new dml_exception('dbdriverproblem', 'PHP has not been properly configured with the PGSQL extension.');
        }
        $this->prefix = $prefix;
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
        $connection .= " options='--client_encoding=utf8 --standard_conforming_strings=on'";
        ob_start();
        try {
            $this->pgsql = pg_connect($connection, PGSQL_CONNECT_FORCE_NEW);
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

    /** {name} -> prefixed table name, as in Moodle's SQL. */
    protected function fix_table_names($sql) {
        return preg_replace('/\{([a-z][a-z0-9_]*)\}/', $this->prefix . '$1', $sql);
    }

    /** Run SQL with $1.. placeholders; the result, or a dml_read_exception/dml_write_exception. */
    protected function query($sql, array $params = [], $write = false) {
        $sql = $this->fix_table_names($sql);
        $params = array_map(function($value) {
            return is_bool($value) ? (int)$value : $value;
        }, array_values($params));
        $result = @pg_query_params($this->pgsql, $sql, $params);
        if ($result === false) {
            $error = pg_last_error($this->pgsql);
            throw $write ? new dml_write_exception($error, $sql, $params) : new dml_read_exception($error, $sql, $params);
        }
        return $result;
    }

    /** WHERE clause and parameters of a conditions array (null values as IS NULL). */
    protected function where(array $conditions, array &$params) {
        $where = [];
        foreach ($conditions as $field => $value) {
            if ($value === null) {
                $where[] = "$field IS NULL";
            } else {
                $params[] = $value;
                $where[] = "$field = \$" . count($params);
            }
        }
        return $where ? 'WHERE ' . implode(' AND ', $where) : '';
    }

    /** The tables with the prefix (pgsql_native_moodle_database::get_tables()), without the prefix. */
    public function get_tables() {
        $like = str_replace(['|', '_', '%'], ['||', '|_', '|%'], $this->prefix) . '%';
        $result = $this->query("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns "
            . "ON ns.oid = c.relnamespace WHERE c.relname LIKE \$1 ESCAPE '|' AND c.relkind IN ('r', 'p') "
            . "AND ns.nspname = current_schema() ORDER BY c.relname", [$like]);
        $tables = [];
        while ($row = pg_fetch_row($result)) {
            $tables[substr($row[0], strlen($this->prefix))] = substr($row[0], strlen($this->prefix));
        }
        return $tables;
    }

    public function execute($sql, array $params = []) {
        $this->query($sql, $params, true);
        return true;
    }

    public function get_records_sql($sql, array $params = []) {
        $result = $this->query($sql, $params);
        $records = [];
        while ($row = pg_fetch_object($result)) {
            $values = get_object_vars($row);
            $records[reset($values)] = $row;
        }
        return $records;
    }

    public function get_records($table, array $conditions = [], $sort = '', $fields = '*') {
        $params = [];
        $where = $this->where($conditions, $params);
        return $this->get_records_sql("SELECT $fields FROM {{$table}} $where" . ($sort ? " ORDER BY $sort" : ''), $params);
    }

    /** First field => second field of the matching records (moodle_database::get_records_menu()). */
    public function get_records_menu($table, array $conditions = [], $sort = '', $fields = '*') {
        $params = [];
        $where = $this->where($conditions, $params);
        $result = $this->query("SELECT $fields FROM {{$table}} $where" . ($sort ? " ORDER BY $sort" : ''), $params);
        $menu = [];
        while ($row = pg_fetch_row($result)) {
            $menu[$row[0]] = $row[1];
        }
        return $menu;
    }

    public function get_record($table, array $conditions, $fields = '*') {
        $records = $this->get_records($table, $conditions, '', $fields);
        return $records ? reset($records) : false;
    }

    public function get_field($table, $return, array $conditions) {
        $params = [];
        $where = $this->where($conditions, $params);
        $result = $this->query("SELECT $return FROM {{$table}} $where LIMIT 1", $params);
        $row = pg_fetch_row($result);
        return $row === false ? false : $row[0];
    }

    public function record_exists($table, array $conditions) {
        return $this->get_field($table, '1', $conditions) !== false;
    }

    public function insert_record($table, $dataobject, $returnid = true) {
        $data = array_filter((array)$dataobject, function($key) {
            return $key !== 'id';
        }, ARRAY_FILTER_USE_KEY);
        $placeholders = array_map(function($i) {
            return '$' . $i;
        }, range(1, count($data)));
        $result = $this->query("INSERT INTO {{$table}} (" . implode(', ', array_keys($data)) . ') VALUES ('
            . implode(', ', $placeholders) . ') RETURNING id', $data, true);
        $id = (int)pg_fetch_row($result)[0];
        return $returnid ? $id : true;
    }

    public function set_field($table, $newfield, $newvalue, array $conditions = []) {
        $params = [$newvalue];
        $where = $this->where($conditions, $params);
        $this->query("UPDATE {{$table}} SET $newfield = \$1 $where", $params, true);
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
    $CFG->dblibrary = $CFG->dblibrary ?? 'native';
    $CFG->dboptions = $CFG->dboptions ?? [];
    if ($CFG->dbtype !== 'pgsql' || $CFG->dblibrary !== 'native') {
        throw new dml_exception('dbdriverproblem', "Unknown driver $CFG->dblibrary/$CFG->dbtype (the stand-in speaks pgsql only)");
    }
    $DB = new standin_pgsql_database();
    $DB->connect($CFG->dbhost, $CFG->dbuser, $CFG->dbpass, $CFG->dbname, $CFG->prefix, $CFG->dboptions);
}
