<?php
// lms.moodle stand-in (NOT Moodle): cachestore_redis as in Moodle 4.4. It really connects with phpredis (server
// host:port or a unix socket, password, TLS with or without cafile, prefix, serializer, compressor, cluster mode)
// and keeps the data of a definition in the Redis hash <prefix><md5("mode component area")>. A store that cannot
// connect is not ready and says so through debugging() like Moodle's.
defined('MOODLE_INTERNAL') || die();

class cachestore_redis extends cache_store {
    const COMPRESSOR_NONE = 0;
    const COMPRESSOR_PHP_GZIP = 1;
    const COMPRESSOR_PHP_ZSTD = 2;

    protected $hash;
    protected $isready = false;
    protected $definition = null;
    protected $redis;
    protected $serializer = 1; // Redis::SERIALIZER_PHP.
    protected $compressor = self::COMPRESSOR_NONE;

    public static function are_requirements_met() {
        return class_exists('Redis');
    }

    public static function is_supported_mode($mode) {
        return ($mode === self::MODE_APPLICATION || $mode === self::MODE_SESSION);
    }

    public static function get_supported_features(array $configuration = []) {
        return self::SUPPORTS_DATA_GUARANTEE + self::DEREFERENCES_OBJECTS + self::IS_SEARCHABLE;
    }

    public static function get_supported_modes(array $configuration = []) {
        return self::MODE_APPLICATION + self::MODE_SESSION;
    }

    public function __construct($name, array $configuration = []) {
        $this->name = $name;
        if (empty($configuration['server'])) {
            return;
        }
        if (array_key_exists('serializer', $configuration)) {
            $this->serializer = (int)$configuration['serializer'];
        }
        if (array_key_exists('compressor', $configuration)) {
            $this->compressor = (int)$configuration['compressor'];
        }
        $this->redis = $this->new_redis($configuration);
    }

    /** Connect as Moodle does: first server only unless clustermode, tls:// with encryption, ping over TLS. */
    protected function new_redis(array $configuration) {
        $encrypt = (bool)($configuration['encryption'] ?? false);
        $clustermode = (bool)($configuration['clustermode'] ?? false);
        $password = !empty($configuration['password']) ? $configuration['password'] : '';
        $servers = [];
        $server = '';
        $port = 0;
        foreach (explode("\n", $configuration['server']) as $line) {
            $line = strtolower(trim($line));
            if ($line === '') {
                continue;
            }
            if ($line[0] === '/' || str_starts_with($line, 'unix://')) {
                [$server, $port] = [$line, 0];
                $servers[] = $line;
            } else {
                [$host, $port] = strpos($line, ':') ? explode(':', $line) : [$line, 6379];
                $host = (!$clustermode && $encrypt) ? 'tls://' . $host : $host;
                [$server, $servers[]] = [$host, "$host:$port"];
            }
            if (!$clustermode) {
                break;
            }
        }
        $opts = [];
        if ($encrypt) {
            $opts = empty($configuration['cafile']) ? ['verify_peer' => false, 'verify_peer_name' => false]
                : ['cafile' => $configuration['cafile']];
            if (!$clustermode) {
                $opts['stream'] = $opts;
            }
        }
        $redis = null;
        try {
            if ($clustermode) {
                $redis = new RedisCluster(null, $servers, 1, 1, true, $password, !empty($opts) ? $opts : null);
            } else {
                $redis = new Redis();
                $redis->connect($server, (int)$port, 1, null, 100, 1, $opts);
                if (!empty($password)) {
                    $redis->auth($password);
                }
            }
            if ($encrypt && !$redis->ping('Ping')) {
                throw new RedisException('Ping failed');
            }
            if ($this->compressor === self::COMPRESSOR_NONE) {
                $redis->setOption(Redis::OPT_SERIALIZER, $this->serializer);
            }
            if (!empty($configuration['prefix'])) {
                $redis->setOption(Redis::OPT_PREFIX, $configuration['prefix']);
            }
            $this->isready = true;
        } catch (RedisException | RedisClusterException $e) {
            $server = $clustermode ? implode(',', $servers) : $server . ':' . $port;
            debugging("Failed to connect to Redis at {$server}, the error returned was: {$e->getMessage()}");
            $this->isready = false;
        }
        return $redis;
    }

    public function initialise(cache_definition $definition) {
        $this->definition = $definition;
        $this->hash = $definition->generate_definition_hash();
        return true;
    }

    public function is_ready() {
        return $this->isready;
    }

    public function get($key) {
        $value = $this->redis->hGet($this->hash, $key);
        return $this->compressor == self::COMPRESSOR_NONE ? $value : $this->uncompress($value);
    }

    public function set($key, $value) {
        if ($this->compressor != self::COMPRESSOR_NONE) {
            $value = $this->compress($value);
        }
        return $this->redis->hSet($this->hash, $key, $value) !== false;
    }

    public function delete($key) {
        return (bool)$this->redis->hDel($this->hash, $key);
    }

    public function purge() {
        return $this->redis->del($this->hash) !== false;
    }

    public function instance_deleted() {
        if ($this->redis) {
            $this->redis->close();
        }
        unset($this->redis);
    }

    private function compress($value) {
        $value = $this->serializer === 2 ? igbinary_serialize($value) : serialize($value);
        switch ($this->compressor) {
            case self::COMPRESSOR_PHP_GZIP:
                return gzencode($value);
            case self::COMPRESSOR_PHP_ZSTD:
                return zstd_compress($value);
        }
        return $value;
    }

    private function uncompress($value) {
        if ($value === false) {
            return false;
        }
        $value = $this->compressor == self::COMPRESSOR_PHP_GZIP ? gzdecode($value) : zstd_uncompress($value);
        return $this->serializer === 2 ? igbinary_unserialize($value) : unserialize($value);
    }
}
