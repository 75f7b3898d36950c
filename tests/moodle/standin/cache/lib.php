<?php
// lms.moodle stand-in (NOT Moodle): the part of Moodle 4.4's cache API (MUC) that the collection and its tests use:
// cache_store, cache_definition, cache_config (reads dataroot/muc/config.php, the file format of Moodle),
// cache_factory, cache_helper and the cache loaders (cache::make_from_params()->set()/get()).
// Behaviour follows cache/classes/*.php of Moodle 4.4: mode mappings, default stores, store readiness.
defined('MOODLE_INTERNAL') || die();

class cache_exception extends moodle_exception {
    public function __construct($errorcode, $module = 'cache', $link = '', $a = null, $debuginfo = null) {
        parent::__construct($errorcode, $module, $link, $a, $debuginfo);
    }
}

abstract class cache_store {
    const SUPPORTS_MULTIPLE_IDENTIFIERS = 1;
    const SUPPORTS_DATA_GUARANTEE = 2;
    const SUPPORTS_NATIVE_TTL = 4;
    const IS_SEARCHABLE = 8;
    const DEREFERENCES_OBJECTS = 16;
    const MODE_APPLICATION = 1;
    const MODE_SESSION = 2;
    const MODE_REQUEST = 4;

    protected $name;

    abstract public static function are_requirements_met();
    abstract public static function get_supported_features(array $configuration = []);
    abstract public static function get_supported_modes(array $configuration = []);
    abstract public function initialise(cache_definition $definition);
    abstract public function is_ready();
    abstract public function get($key);
    abstract public function set($key, $data);
    abstract public function delete($key);
    abstract public function purge();

    public static function is_supported_mode($mode) {
        return (static::get_supported_modes() & $mode) === $mode;
    }

    public function my_name() {
        return $this->name;
    }

    public function instance_created() {
    }

    public function instance_deleted() {
    }

    public function create_clone(array $details = []) {
        return clone($this);
    }

    public function supports_multiple_identifiers() {
        return (bool)(static::get_supported_features() & self::SUPPORTS_MULTIPLE_IDENTIFIERS);
    }
}

/** A store that keeps data in a PHP array for the request (base of the session, static and dummy stores). */
abstract class standin_array_store extends cache_store {
    protected static $data = [];
    protected $hash = null;

    public function __construct($name, array $configuration = []) {
        $this->name = $name;
    }

    public static function are_requirements_met() {
        return true;
    }

    public function initialise(cache_definition $definition) {
        $this->hash = $this->name . '/' . $definition->generate_definition_hash();
    }

    public function is_ready() {
        return true;
    }

    public function get($key) {
        return static::$data[$this->hash][serialize($key)] ?? false;
    }

    public function set($key, $data) {
        static::$data[$this->hash][serialize($key)] = $data;
        return true;
    }

    public function delete($key) {
        unset(static::$data[$this->hash][serialize($key)]);
        return true;
    }

    public function purge() {
        unset(static::$data[$this->hash]);
        return true;
    }
}

class cachestore_dummy extends standin_array_store {
    public static function get_supported_features(array $configuration = []) {
        return self::SUPPORTS_NATIVE_TTL;
    }

    public static function get_supported_modes(array $configuration = []) {
        return self::MODE_APPLICATION + self::MODE_SESSION + self::MODE_REQUEST;
    }
}

class cache_definition {
    const SHARING_ALL = 1;
    const SHARING_SITEID = 2;
    const SHARING_VERSION = 4;
    const SHARING_INPUT = 8;
    const SHARING_DEFAULTOPTIONS = 15;
    const SHARING_DEFAULT = 2;

    protected $id;
    protected $mode;
    protected $component;
    protected $area;
    protected $options;
    protected $identifiers = [];
    protected $definitionhash = null;
    protected $keyprefixsingle = null;

    /** A definition from its id and the array of a db/caches.php (or of the MUC config file). */
    public static function load($id, array $definition, $unused = null) {
        foreach (['mode', 'component', 'area'] as $required) {
            if (!array_key_exists($required, $definition)) {
                throw new coding_exception("You must provide a $required when creating a cache definition");
            }
        }
        $self = new self();
        $self->id = $id;
        $self->mode = (int)$definition['mode'];
        $self->component = (string)$definition['component'];
        $self->area = (string)$definition['area'];
        $self->options = $definition;
        return $self;
    }

    public static function load_adhoc($mode, $component, $area, array $options = []) {
        $definition = ['mode' => $mode, 'component' => $component, 'area' => $area];
        foreach (['simplekeys', 'simpledata', 'staticacceleration', 'overrideclass', 'sharingoptions'] as $option) {
            if (!empty($options[$option])) {
                $definition[$option] = $options[$option];
            }
        }
        return self::load('adhoc/' . $component . '_' . $area, $definition);
    }

    public function get_id() {
        return $this->id;
    }

    public function get_mode() {
        return $this->mode;
    }

    public function get_component() {
        return $this->component;
    }

    public function get_area() {
        return $this->area;
    }

    public function uses_simple_keys() {
        return !empty($this->options['simplekeys']);
    }

    public function is_for_mappings_only() {
        return !empty($this->options['mappingsonly']);
    }

    public function get_cache_class() {
        return $this->options['overrideclass'] ?? cache_helper::get_class_for_mode($this->mode);
    }

    /** What a store must support: data guarantee, multiple identifiers, searchable (always for session caches). */
    public function get_requirements_bin() {
        $requires = !empty($this->options['requiredataguarantee']) ? cache_store::SUPPORTS_DATA_GUARANTEE : 0;
        $requires += !empty($this->options['requiremultipleidentifiers']) ? cache_store::SUPPORTS_MULTIPLE_IDENTIFIERS : 0;
        $searchable = !empty($this->options['requiresearchable']) || $this->mode === cache_store::MODE_SESSION;
        return $requires + ($searchable ? cache_store::IS_SEARCHABLE : 0);
    }

    public function set_identifiers(array $identifiers = []) {
        $changed = $identifiers !== $this->identifiers;
        $this->identifiers = $identifiers;
        $this->keyprefixsingle = null;
        return $changed;
    }

    /** md5("<mode> <component> <area>"): the Redis hash that cachestore_redis keeps the data of this definition in. */
    public function generate_definition_hash() {
        if ($this->definitionhash === null) {
            $this->definitionhash = md5("{$this->mode} {$this->component} {$this->area}");
        }
        return $this->definitionhash;
    }

    protected function get_cache_identifier() {
        $selected = (int)($this->options['selectedsharingoption'] ?? self::SHARING_DEFAULT);
        if ($this->mode !== cache_store::MODE_APPLICATION) {
            $selected = self::SHARING_DEFAULT;
        }
        $identifiers = [];
        if (!($selected & self::SHARING_ALL)) {
            if ($selected & self::SHARING_SITEID) {
                $identifiers[] = cache_helper::get_site_identifier();
            }
            if ($selected & self::SHARING_VERSION) {
                $identifiers[] = cache_helper::get_site_version();
            }
            if ($selected & self::SHARING_INPUT && !empty($this->options['userinputsharingkey'])) {
                $identifiers[] = $this->options['userinputsharingkey'];
            }
        }
        return join('/', $identifiers);
    }

    public function generate_single_key_prefix() {
        if ($this->keyprefixsingle === null) {
            $prefix = $this->mode . '/' . $this->component . '/' . $this->area . '/' . $this->get_cache_identifier();
            foreach ($this->identifiers as $key => $value) {
                $prefix .= '/' . $key . '=' . $value;
            }
            $this->keyprefixsingle = md5($prefix);
        }
        return $this->keyprefixsingle;
    }

    public function generate_multi_key_parts() {
        return ['mode' => $this->mode, 'component' => $this->component, 'area' => $this->area,
            'siteidentifier' => $this->get_cache_identifier()] + $this->identifiers;
    }
}

/** The MUC configuration: dataroot/muc/config.php (or $CFG->altcacheconfigpath), as cache/classes/config.php. */
class cache_config {
    protected $configstores = [];
    protected $configmodemappings = [];
    protected $configdefinitions = [];
    protected $configdefinitionmappings = [];
    protected $configlocks = [];
    protected $siteidentifier = null;

    public static function instance() {
        return cache_factory::instance()->create_config_instance();
    }

    public static function config_file_exists() {
        return file_exists(static::get_config_file_path());
    }

    protected static function get_config_file_path() {
        global $CFG;
        if (!empty($CFG->altcacheconfigpath)) {
            $path = $CFG->altcacheconfigpath;
            if (is_dir($path) && is_writable($path)) {
                return $path . '/cacheconfig.php';
            } else if (is_writable(dirname($path)) && (!file_exists($path) || is_writable($path))) {
                return $path;
            }
        }
        return $CFG->dataroot . '/muc/config.php';
    }

    protected function include_configuration() {
        $configuration = null;
        $cachefile = static::get_config_file_path();
        if (!file_exists($cachefile)) {
            throw new cache_exception('Default cache config could not be found. It should have already been created by now.');
        }
        if (!include($cachefile)) {
            throw new cache_exception('Unable to load the cache configuration file');
        }
        if (!is_array($configuration)) {
            throw new cache_exception('Invalid cache configuration file');
        }
        foreach (['stores', 'modemappings', 'definitions', 'definitionmappings', 'locks'] as $key) {
            if (!array_key_exists($key, $configuration) || !is_array($configuration[$key])) {
                $configuration[$key] = [];
            }
        }
        return $configuration;
    }

    /** Load (and filter, as Moodle does) the configuration; mappings end up sorted by descending sort. */
    public function load($configuration = false) {
        global $CFG;
        if ($configuration === false) {
            $configuration = $this->include_configuration();
        }
        $this->configstores = $this->configdefinitions = $this->configlocks = [];
        $this->configmodemappings = $this->configdefinitionmappings = [];
        $this->siteidentifier = $configuration['siteidentifier'] ?? 'unknown';
        $defaultlock = null;
        foreach ($configuration['locks'] as $conf) {
            if (is_array($conf) && array_key_exists('name', $conf) && !array_key_exists($conf['name'], $this->configlocks)) {
                $conf['default'] = !empty($conf['default']);
                if ($defaultlock === null || $conf['default']) {
                    $defaultlock = $conf['name'];
                }
                $this->configlocks[$conf['name']] = $conf;
            }
        }
        $availableplugins = cache_helper::early_get_cache_plugins();
        foreach ($configuration['stores'] as $store) {
            if (!is_array($store) || !array_key_exists('name', $store) || !array_key_exists('plugin', $store)) {
                debugging('Invalid cache store in config. Missing name or plugin.', DEBUG_DEVELOPER);
                continue;
            }
            if (!array_key_exists($store['plugin'], $availableplugins)) {
                debugging('Invalid cache store in config. Not an available plugin.', DEBUG_DEVELOPER);
                continue;
            }
            $class = 'cachestore_' . $store['plugin'];
            $file = "$CFG->dirroot/cache/stores/{$store['plugin']}/lib.php";
            if (!class_exists($class) && file_exists($file)) {
                require_once($file);
            }
            if (!class_exists($class) || !is_subclass_of($class, 'cache_store')) {
                continue;
            }
            if (!array_key_exists('configuration', $store) || !is_array($store['configuration'])) {
                $store['configuration'] = [];
            }
            $store['class'] = $class;
            $store['default'] = !empty($store['default']);
            if (!array_key_exists('lock', $store) || !array_key_exists($store['lock'], $this->configlocks)) {
                $store['lock'] = $defaultlock;
            }
            $this->configstores[$store['name']] = $store;
        }
        foreach ($configuration['definitions'] as $id => $conf) {
            if (is_array($conf) && isset($conf['mode'], $conf['component'], $conf['area'])) {
                $conf['mode'] = (int)$conf['mode'];
                if ($conf['mode'] < cache_store::MODE_APPLICATION || $conf['mode'] > cache_store::MODE_REQUEST) {
                    continue;
                }
                if ($conf['mode'] !== cache_store::MODE_APPLICATION) {
                    $conf['sharingoptions'] = $conf['selectedsharingoption'] = cache_definition::SHARING_DEFAULT;
                    $conf['userinputsharingkey'] = '';
                }
                $conf += ['sharingoptions' => cache_definition::SHARING_DEFAULTOPTIONS,
                    'selectedsharingoption' => cache_definition::SHARING_DEFAULT, 'userinputsharingkey' => ''];
                $this->configdefinitions[$id] = $conf;
            }
        }
        foreach ($configuration['modemappings'] as $mapping) {
            if (!is_array($mapping) || !array_key_exists('mode', $mapping) || !array_key_exists('store', $mapping)) {
                debugging('A cache mode mapping entry is invalid.', DEBUG_DEVELOPER);
                continue;
            }
            if (!array_key_exists($mapping['store'], $this->configstores)) {
                debugging('A cache mode mapping exists for a mode or store that does not exist.', DEBUG_DEVELOPER);
                continue;
            }
            $mapping['mode'] = (int)$mapping['mode'];
            if ($mapping['mode'] >= 0 && $mapping['mode'] <= 4) {
                $mapping['sort'] = $mapping['sort'] ?? 0;
                $this->configmodemappings[] = $mapping;
            }
        }
        foreach ($configuration['definitionmappings'] as $mapping) {
            if (is_array($mapping) && isset($mapping['definition'], $mapping['store'])
                    && array_key_exists($mapping['store'], $this->configstores)
                    && array_key_exists($mapping['definition'], $this->configdefinitions)) {
                $mapping['sort'] = $mapping['sort'] ?? 0;
                $this->configdefinitionmappings[] = $mapping;
            }
        }
        usort($this->configmodemappings, [$this, 'sort_mappings']);
        usort($this->configdefinitionmappings, [$this, 'sort_mappings']);
        return true;
    }

    protected function sort_mappings(array $a, array $b) {
        return $b['sort'] <=> $a['sort'];
    }

    public function get_site_identifier() {
        return $this->siteidentifier;
    }

    public function get_definition_by_id($id) {
        return $this->configdefinitions[$id] ?? false;
    }

    public function get_definitions() {
        return $this->configdefinitions;
    }

    public function get_all_stores() {
        return $this->configstores;
    }

    public function get_mode_mappings() {
        return $this->configmodemappings;
    }

    public function get_definition_mappings() {
        return $this->configdefinitionmappings;
    }

    public function get_locks() {
        return $this->configlocks;
    }

    /** The stores that support $mode and provide every feature in $requirements. */
    public function get_stores($mode, $requirements = 0) {
        $stores = [];
        foreach ($this->configstores as $name => $store) {
            if (($store['modes'] & $mode) && ($store['features'] & $requirements) === $requirements) {
                $stores[$name] = $store;
            }
        }
        return $stores;
    }

    /** name => store of the stores a definition uses: its definition mappings, else the mapped stores of its mode. */
    public function get_stores_for_definition(cache_definition $definition) {
        $availablestores = $this->get_stores($definition->get_mode(), $definition->get_requirements_bin());
        $stores = [];
        foreach ($this->configdefinitionmappings as $mapping) {
            if ($mapping['definition'] === $definition->get_id() && array_key_exists($mapping['store'], $availablestores)) {
                $stores[$mapping['store']] = $availablestores[$mapping['store']];
            }
        }
        if (empty($stores) && !$definition->is_for_mappings_only()) {
            foreach ($this->configmodemappings as $mapping) {
                if ($mapping['mode'] === $definition->get_mode() && array_key_exists($mapping['store'], $availablestores)) {
                    $store = $availablestores[$mapping['store']];
                    if (empty($store['mappingsonly'])) {
                        $stores[$mapping['store']] = $store;
                    }
                }
            }
        }
        return $stores;
    }

    /** The known definitions a store holds data of (by mode mapping or definition mapping). */
    public function get_definitions_by_store($storename) {
        if (!array_key_exists($storename, $this->configstores)) {
            return false;
        }
        $definitions = [];
        $mapped = array_column($this->configdefinitionmappings, 'definition');
        foreach ($this->configmodemappings as $modemapping) {
            if ($modemapping['store'] === $storename) {
                foreach ($this->configdefinitions as $id => $definition) {
                    if ($definition['mode'] === $modemapping['mode'] && !in_array($id, $mapped)) {
                        $definitions[$id] = $definition;
                    }
                }
            }
        }
        foreach ($this->configdefinitionmappings as $mapping) {
            if ($mapping['store'] === $storename && isset($this->configdefinitions[$mapping['definition']])) {
                $definitions[$mapping['definition']] = $this->configdefinitions[$mapping['definition']];
            }
        }
        return $definitions;
    }
}

class cache_factory {
    const STATE_UNINITIALISED = 0;
    const STATE_INITIALISING = 1;
    const STATE_SAVING = 2;
    const STATE_READY = 3;
    const STATE_UPDATING = 4;

    protected static $instance = null;
    protected $state = self::STATE_UNINITIALISED;
    protected $configs = [];
    protected $cachesfromparams = [];
    protected $stores = [];

    public static function instance($forcereload = false) {
        if ($forcereload || self::$instance === null) {
            self::$instance = new cache_factory();
        }
        return self::$instance;
    }

    public static function reset() {
        self::$instance = null;
    }

    public function get_state() {
        return $this->state;
    }

    public function set_state($state) {
        $this->state = $state;
        return true;
    }

    public function is_initialising() {
        return $this->state === self::STATE_INITIALISING || $this->state === self::STATE_SAVING;
    }

    public function updating_started() {
        $this->state = self::STATE_UPDATING;
    }

    public function updating_finished() {
        $this->state = self::STATE_READY;
    }

    /** The config (cache_config, or cache_config_writer with $writer); writes the default file when there is none. */
    public function create_config_instance($writer = false) {
        global $CFG;
        $class = 'cache_config';
        $needtocreate = !$class::config_file_exists();
        if ($writer || $needtocreate) {
            require_once($CFG->dirroot . '/cache/locallib.php');
            $class .= '_writer';
        }
        if ($needtocreate) {
            $this->set_state(self::STATE_INITIALISING);
            $configuration = $class::create_default_configuration();
            if ($configuration !== true) {
                $this->configs[$class] = new $class();
                $this->configs[$class]->load($configuration);
            }
        }
        if (!array_key_exists($class, $this->configs)) {
            $this->configs[$class] = new $class();
            $this->configs[$class]->load();
        }
        $this->set_state(self::STATE_READY);
        return $this->configs[$class];
    }

    public function create_cache_from_params($mode, $component, $area, array $identifiers = [], array $options = []) {
        $key = "{$mode}_{$component}_{$area}" . (empty($identifiers) ? '' : '_' . http_build_query($identifiers));
        if (!isset($this->cachesfromparams[$key])) {
            $definition = cache_definition::load_adhoc($mode, $component, $area, $options);
            $definition->set_identifiers($identifiers);
            $this->cachesfromparams[$key] = $this->create_cache($definition);
        }
        return $this->cachesfromparams[$key];
    }

    public function create_cache_from_definition($component, $area, array $identifiers = []) {
        $id = "$component/$area";
        $conf = $this->create_config_instance()->get_definition_by_id($id);
        if (!$conf) {
            throw new coding_exception('The requested cache definition does not exist.' . $id, $id);
        }
        $definition = cache_definition::load($id, $conf);
        $definition->set_identifiers($identifiers);
        return $this->create_cache($definition);
    }

    /** The loader chain of a definition: its usable stores, else the default store of its mode, else a dummy. */
    public function create_cache(cache_definition $definition) {
        $class = $definition->get_cache_class();
        $stores = cache_helper::get_stores_suitable_for_definition($definition);
        if (count($stores) === 0) {
            $stores[] = new cachestore_dummy('dummystore');
            end($stores)->initialise($definition);
        }
        $loader = null;
        while (($store = array_pop($stores)) !== null) {
            $loader = new $class($definition, $store, $loader);
        }
        return $loader;
    }

    /** A ready store initialised for the definition, false when the store is not ready or not for the mode. */
    public function create_store_from_config($name, array $details, cache_definition $definition) {
        if (!array_key_exists($name, $this->stores)) {
            $class = $details['class'];
            if (!$class::are_requirements_met()) {
                return false;
            }
            $this->stores[$name] = new $class($details['name'], $details['configuration']);
        }
        $store = $this->stores[$name];
        if (!$store->is_ready() || !$store::is_supported_mode($definition->get_mode())) {
            return false;
        }
        $store = $store->create_clone($details);
        $store->initialise($definition);
        return $store;
    }
}

class cache_helper {
    protected static $siteidentifier = null;

    public static function get_class_for_mode($mode) {
        switch ($mode) {
            case cache_store::MODE_APPLICATION:
                return 'cache_application';
            case cache_store::MODE_REQUEST:
                return 'cache_request';
            case cache_store::MODE_SESSION:
                return 'cache_session';
        }
        throw new coding_exception('Unknown cache mode passed. Must be one of cache_store::MODE_*');
    }

    /** The plugin directories in cache/stores (name => path), read without the plugin manager. */
    public static function early_get_cache_plugins() {
        global $CFG;
        $result = [];
        foreach (scandir("$CFG->dirroot/cache/stores") as $name) {
            if (is_dir("$CFG->dirroot/cache/stores/$name") && core_component::is_valid_plugin_name('cachestore', $name)) {
                $result[$name] = "$CFG->dirroot/cache/stores/$name";
            }
        }
        return $result;
    }

    public static function get_stores_suitable_for_definition(cache_definition $definition) {
        $factory = cache_factory::instance();
        if ($factory->is_initialising()) {
            return [];
        }
        $config = $factory->create_config_instance();
        $stores = [];
        foreach ($config->get_stores_for_definition($definition) as $name => $details) {
            if ($store = $factory->create_store_from_config($name, $details, $definition)) {
                $stores[] = $store;
            }
        }
        if (count($stores) === 0 && !$definition->is_for_mappings_only()) {
            foreach ($config->get_stores($definition->get_mode()) as $name => $details) {
                if (!empty($details['default'])) {
                    if ($store = $factory->create_store_from_config($name, $details, $definition)) {
                        $stores[] = $store;
                    }
                    break;
                }
            }
        }
        return $stores;
    }

    public static function hash_key($key, cache_definition $definition) {
        if ($definition->uses_simple_keys()) {
            return (string)$key . '-' . $definition->generate_single_key_prefix();
        }
        return sha1($definition->generate_single_key_prefix() . '-' . $key);
    }

    /** Purge every known definition of a ready store; false for an unknown or not ready store. */
    public static function purge_store($storename, cache_config $config = null) {
        $config = $config ?? cache_config::instance();
        $stores = $config->get_all_stores();
        if (!array_key_exists($storename, $stores)) {
            return false;
        }
        $store = $stores[$storename];
        $class = $store['class'];
        if (!$class::are_requirements_met()) {
            return false;
        }
        $instance = new $class($store['name'], $store['configuration']);
        if (!$instance->is_ready()) {
            return false;
        }
        foreach ($config->get_definitions_by_store($storename) as $id => $definition) {
            $definitioninstance = clone($instance);
            $definitioninstance->initialise(cache_definition::load($id, $definition));
            $definitioninstance->purge();
        }
        return true;
    }

    public static function purge_all($usewriter = false) {
        $config = cache_factory::instance()->create_config_instance($usewriter);
        foreach ($config->get_all_stores() as $store) {
            self::purge_store($store['name'], $config);
        }
    }

    public static function get_site_identifier() {
        global $CFG;
        if (self::$siteidentifier === null) {
            $factory = cache_factory::instance();
            if (!$factory->is_initialising()) {
                self::$siteidentifier = $factory->create_config_instance()->get_site_identifier();
            }
            if (self::$siteidentifier === null) {
                return empty($CFG->siteidentifier) ? 'unknown' : self::update_site_identifier($CFG->siteidentifier);
            }
        }
        return self::$siteidentifier;
    }

    public static function update_site_identifier($siteidentifier) {
        global $CFG;
        require_once($CFG->dirroot . '/cache/locallib.php');
        self::$siteidentifier = cache_config_writer::instance()->update_site_identifier($siteidentifier);
        return self::$siteidentifier;
    }

    public static function get_site_version() {
        global $CFG;
        return (string)$CFG->version;
    }

    public static function update_definitions($coreonly = false) {
        global $CFG;
        require_once($CFG->dirroot . '/cache/locallib.php');
        cache_config_writer::update_definitions($coreonly);
    }
}

/** The loader of a definition on one store; with several stores the next one is the $loader below it. */
class cache {
    protected $definition;
    protected $store;
    protected $loader = null;

    public static function make($component, $area, array $identifiers = [], $unused = null) {
        return cache_factory::instance()->create_cache_from_definition($component, $area, $identifiers);
    }

    public static function make_from_params($mode, $component, $area, array $identifiers = [], array $options = []) {
        return cache_factory::instance()->create_cache_from_params($mode, $component, $area, $identifiers, $options);
    }

    public function __construct(cache_definition $definition, cache_store $store, $loader = null) {
        $this->definition = $definition;
        $this->store = $store;
        $this->loader = $loader instanceof cache ? $loader : null;
        $definition->generate_definition_hash();
    }

    public function get_store() {
        return $this->store;
    }

    public function get_definition() {
        return $this->definition;
    }

    protected function parse_key($key) {
        if ($this->store->supports_multiple_identifiers()) {
            return $this->definition->generate_multi_key_parts() + ['key' => $key];
        }
        return cache_helper::hash_key($key, $this->definition);
    }

    public function get($key, $strictness = 0) {
        $result = $this->store->get($this->parse_key($key));
        if ($result === false && $this->loader !== null) {
            $result = $this->loader->get($key);
        }
        return $result;
    }

    public function set($key, $data) {
        if ($this->loader !== null) {
            $this->loader->set($key, $data);
        }
        return $this->store->set($this->parse_key($key), $data);
    }

    public function delete($key, $recurse = true) {
        if ($recurse && $this->loader !== null) {
            $this->loader->delete($key, $recurse);
        }
        return $this->store->delete($this->parse_key($key));
    }

    public function purge() {
        $this->store->purge();
        if ($this->loader !== null) {
            $this->loader->purge();
        }
        return true;
    }
}

class cache_application extends cache {
}

class cache_request extends cache {
}

/** Session caches prefix their keys with the user and the session id (both empty in CLI), as cache_session. */
class cache_session extends cache {
    const LASTACCESS = '__lastaccess__';

    public function __construct(cache_definition $definition, cache_store $store, $loader = null) {
        parent::__construct($definition, $store, $loader);
        $this->set(self::LASTACCESS, time());
    }

    protected function get_key_prefix() {
        global $USER;
        return 'u' . ($USER->id ?? 0) . '_' . preg_replace('#[^a-zA-Z0-9_]#', '_', (string)session_id());
    }

    protected function parse_key($key) {
        $prefix = $this->get_key_prefix();
        if ($key === self::LASTACCESS) {
            return $key . $prefix;
        }
        return $prefix . '_' . parent::parse_key($key);
    }
}
