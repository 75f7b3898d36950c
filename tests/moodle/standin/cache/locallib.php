<?php
// lms.moodle stand-in (NOT Moodle): cache_config_writer of Moodle 4.4 cache/locallib.php. It keeps the MUC
// configuration in dataroot/muc/config.php in Moodle's format ("$configuration = var_export(...)") with Moodle's
// defaults (default_application: file, default_session: session, default_request: static).
defined('MOODLE_INTERNAL') || die();

class cache_config_writer extends cache_config {

    public static function instance() {
        return cache_factory::instance()->create_config_instance(true);
    }

    protected function config_save() {
        global $CFG;
        $cachefile = static::get_config_file_path();
        $directory = dirname($cachefile);
        if ($directory !== $CFG->dataroot && !file_exists($directory) && !make_writable_directory($directory, false)) {
            throw new cache_exception('ex_configcannotsave', 'cache', '', null,
                'Cannot create config directory. Check the permissions on your moodledata directory.');
        }
        if (!file_exists($directory) || !is_writable($directory)) {
            throw new cache_exception('ex_configcannotsave', 'cache', '', null,
                'Config directory is not writable. Check the permissions on the moodledata/muc directory.');
        }
        $content = "<?php defined('MOODLE_INTERNAL') || die();\n \$configuration = "
            . var_export($this->generate_configuration_array(), true) . ";";
        if (file_exists($cachefile) && $content === file_get_contents($cachefile)) {
            return;
        }
        $tempcachefile = "{$cachefile}.tmp";
        file_put_contents($tempcachefile, $content, LOCK_EX);
        @chmod($tempcachefile, $CFG->filepermissions);
        rename($tempcachefile, $cachefile);
        if (function_exists('opcache_invalidate')) {
            @opcache_invalidate($cachefile, true);
        }
    }

    protected function generate_configuration_array() {
        return [
            'siteidentifier' => $this->siteidentifier,
            'stores' => $this->configstores,
            'modemappings' => $this->configmodemappings,
            'definitions' => $this->configdefinitions,
            'definitionmappings' => $this->configdefinitionmappings,
            'locks' => $this->configlocks,
        ];
    }

    /** The class of a store plugin (its lib.php loaded); cache_exception when the plugin is not usable. */
    protected static function store_class($plugin) {
        $class = 'cachestore_' . $plugin;
        if (!class_exists($class)) {
            $plugins = core_component::get_plugin_list_with_file('cachestore', 'lib.php');
            if (!array_key_exists($plugin, $plugins)) {
                throw new cache_exception('Invalid plugin name specified. The plugin does not exist or is not valid.');
            }
            require_once($plugins[$plugin]);
            if (!class_exists($class)) {
                throw new cache_exception('Invalid cache plugin specified. The plugin does not contain the required class.');
            }
        }
        return $class;
    }

    protected function store_entry($name, $plugin, array $configuration, $class, $default) {
        $this->configstores[$name] = [
            'name' => $name,
            'plugin' => $plugin,
            'configuration' => $configuration,
            'features' => $class::get_supported_features($configuration),
            'modes' => $class::get_supported_modes($configuration),
            'mappingsonly' => !empty($configuration['mappingsonly']),
            'class' => $class,
            'default' => $default,
        ];
        if (array_key_exists('lock', $configuration)) {
            $this->configstores[$name]['lock'] = $configuration['lock'];
            unset($this->configstores[$name]['configuration']['lock']);
        }
    }

    /** Add a store instance (no connection test: the store only gets instance_created()). */
    public function add_store_instance($name, $plugin, array $configuration = []) {
        if (array_key_exists($name, $this->configstores)) {
            throw new cache_exception('Duplicate name specificed for cache plugin instance. You must provide a unique name.');
        }
        $class = self::store_class($plugin);
        if (!is_subclass_of($class, 'cache_store')) {
            throw new cache_exception('Invalid cache plugin specified. The plugin does not extend the required class.');
        }
        if (!$class::are_requirements_met()) {
            throw new cache_exception('Unable to add new cache plugin instance. The requested plugin type is not supported.');
        }
        $this->store_entry($name, $plugin, $configuration, $class, false);
        $store = new $class($name, $this->configstores[$name]['configuration']);
        $store->instance_created();
        $this->config_save();
        return true;
    }

    /** Replace the configuration of a store; its lock is kept only when $configuration has a 'lock' key. */
    public function edit_store_instance($name, $plugin, $configuration) {
        if (!array_key_exists($name, $this->configstores)) {
            throw new cache_exception('The requested instance does not exist.');
        }
        $class = self::store_class($plugin);
        $this->store_entry($name, $plugin, $configuration, $class, $this->configstores[$name]['default']);
        $this->config_save();
        return true;
    }

    /** Replace the mappings of all three modes: [mode => [store, ...]] (sort 0, 1, ... in the given order). */
    public function set_mode_mappings(array $modemappings) {
        $mappings = [cache_store::MODE_APPLICATION => [], cache_store::MODE_SESSION => [], cache_store::MODE_REQUEST => []];
        foreach ($modemappings as $mode => $stores) {
            if (!array_key_exists($mode, $mappings)) {
                throw new cache_exception('The cache mode for the new mapping does not exist');
            }
            $sort = 0;
            foreach ($stores as $store) {
                if (!array_key_exists($store, $this->configstores)) {
                    throw new cache_exception('The instance name for the new mapping does not exist');
                }
                $mappings[$mode][] = ['store' => $store, 'mode' => $mode, 'sort' => $sort++];
            }
        }
        $this->configmodemappings = array_merge($mappings[cache_store::MODE_APPLICATION],
            $mappings[cache_store::MODE_SESSION], $mappings[cache_store::MODE_REQUEST]);
        $this->config_save();
        return true;
    }

    /** Write the default configuration (during initialisation) or return it as an array. */
    public static function create_default_configuration($forcesave = false) {
        $writer = new self();
        $writer->configstores = self::get_default_stores();
        $writer->configdefinitions = self::locate_definitions();
        $writer->configmodemappings = [
            ['mode' => cache_store::MODE_APPLICATION, 'store' => 'default_application', 'sort' => -1],
            ['mode' => cache_store::MODE_SESSION, 'store' => 'default_session', 'sort' => -1],
            ['mode' => cache_store::MODE_REQUEST, 'store' => 'default_request', 'sort' => -1],
        ];
        $writer->configlocks = ['default_file_lock' => ['name' => 'cachelock_file_default', 'type' => 'cachelock_file',
            'dir' => 'filelocks', 'default' => true]];
        $factory = cache_factory::instance();
        if (!$forcesave && $factory->get_state() !== cache_factory::STATE_INITIALISING) {
            return $writer->generate_configuration_array();
        }
        $factory->set_state(cache_factory::STATE_SAVING);
        $writer->config_save();
        return true;
    }

    protected static function get_default_stores() {
        $stores = [];
        foreach (['default_application' => 'file', 'default_session' => 'session', 'default_request' => 'static'] as $name => $plugin) {
            $class = self::store_class($plugin);
            $stores[$name] = ['name' => $name, 'plugin' => $plugin, 'configuration' => [],
                'features' => $class::get_supported_features(), 'modes' => $class::get_supported_modes(), 'default' => true];
        }
        return $stores;
    }

    public static function update_definitions($coreonly = false) {
        $factory = cache_factory::instance();
        $factory->updating_started();
        $config = $factory->create_config_instance(true);
        $config->configdefinitions = self::locate_definitions($coreonly);
        $config->config_save();
        $factory->updating_finished();
    }

    /** id => definition of lib/db/caches.php and the db/caches.php of every plugin. */
    protected static function locate_definitions($coreonly = false) {
        global $CFG;
        $files = ['core' => "$CFG->dirroot/lib/db/caches.php"];
        if (!$coreonly) {
            foreach (core_component::get_plugin_types() as $type => $unused) {
                foreach (core_component::get_plugin_list_with_file($type, 'db/caches.php') as $plugin => $file) {
                    $files[$type . '_' . $plugin] = $file;
                }
            }
        }
        $definitions = [];
        foreach ($files as $component => $file) {
            $filedefinitions = (function($file) {
                $definitions = [];
                if (file_exists($file)) {
                    include($file);
                }
                return $definitions;
            })($file);
            foreach ($filedefinitions as $area => $definition) {
                $definitions["$component/$area"] = $definition + ['component' => $component, 'area' => $area];
            }
        }
        return $definitions;
    }

    public function update_site_identifier($siteidentifier) {
        $this->siteidentifier = md5((string)$siteidentifier);
        $this->config_save();
        return $this->siteidentifier;
    }
}
