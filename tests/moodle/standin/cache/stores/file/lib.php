<?php
// lms.moodle stand-in (NOT Moodle): cachestore_file keeps each item in a file under
// $CFG->cachedir/cachestore_file/<store>/<definition id>/ (or the configured path), as Moodle's file store.
defined('MOODLE_INTERNAL') || die();

class cachestore_file extends cache_store {
    protected $filestorepath;
    protected $path;
    protected $isready;

    public static function are_requirements_met() {
        return true;
    }

    public static function get_supported_features(array $configuration = []) {
        return self::SUPPORTS_DATA_GUARANTEE + self::SUPPORTS_NATIVE_TTL + self::IS_SEARCHABLE + self::DEREFERENCES_OBJECTS;
    }

    public static function get_supported_modes(array $configuration = []) {
        return self::MODE_APPLICATION + self::MODE_SESSION;
    }

    public function __construct($name, array $configuration = []) {
        global $CFG;
        $this->name = $name;
        if (isset($configuration['path']) && $configuration['path'] !== '') {
            $path = (string)$configuration['path'];
            if (!is_dir($path) && !(!empty($configuration['autocreate']) && make_writable_directory($path, false))) {
                $path = false;
            }
            $path = ($path !== false && is_writable($path)) ? $path : false;
        } else {
            $path = make_writable_directory("$CFG->cachedir/cachestore_file/" . preg_replace('#[^a-zA-Z0-9\.\-_]+#', '', $name),
                false);
        }
        $this->isready = $path !== false;
        $this->filestorepath = $this->path = $path;
    }

    public function initialise(cache_definition $definition) {
        $this->path = $this->filestorepath . '/' . preg_replace('#[^a-zA-Z0-9]+#', '_', $definition->get_id());
        make_writable_directory($this->path, false);
    }

    public function is_ready() {
        return $this->isready;
    }

    protected function file($key) {
        return $this->path . '/' . preg_replace('#[^a-zA-Z0-9\-_]+#', '_', (string)$key) . '.cache';
    }

    public function get($key) {
        $file = $this->file($key);
        return is_readable($file) ? unserialize(file_get_contents($file)) : false;
    }

    public function set($key, $data) {
        return file_put_contents($this->file($key), serialize($data), LOCK_EX) !== false;
    }

    public function delete($key) {
        return @unlink($this->file($key));
    }

    public function purge() {
        if ($this->isready) {
            remove_dir($this->path, true);
        }
        return true;
    }
}
