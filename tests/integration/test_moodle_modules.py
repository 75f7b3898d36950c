"""The lms.moodle Moodle modules against a real PHP 8.2, a real PostgreSQL and a real Redis.

The Moodle tree is the project's stand-in (tests/moodle/standin: PHP scripts that honour the CLI contract the modules
use and keep their state in PostgreSQL) unless MOODLE_SRC names a real Moodle 4.4+ tree; the same tests run against
both. Each module runs as a playbook task would (AnsiballZ through `ansible -m`), first in check mode, then for real
(changed), then again (not changed); what a module did is asked from Moodle itself (its CLI scripts, its cache API,
its database), never read back from the module's input.

The tests of one site build on each other (install, then configure, ...) and must run in file order in one process:
`make integration` runs this file in a pytest session of its own, and under xdist the file refuses to run (a worker
would get some of the tests with a fresh, empty site).
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.moodle import acknowledged, services
from tests.moodle.site import WEB_USER, MoodleSite

pytestmark = [
    pytest.mark.skipif(services.not_root() is not None, reason=str(services.not_root())),
]


@pytest.fixture(scope="session", autouse=True)
def one_process():
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.fail("run this file without xdist (make integration does): its tests build on one site in order")


ADMIN_PASSWORD = "Adm1n/pa'ss\"word!"  # quotes and a slash: the forms PHP and JSON escape differently
REDIS_PASSWORD = "R3dis/auth'token"
PROBE = "local_lmsprobe"


@pytest.fixture(scope="session")
def pg():
    with services.postgres() as server:
        yield server


@pytest.fixture(scope="session")
def redis():
    with services.redis(REDIS_PASSWORD) as server:
        yield server


@pytest.fixture(scope="session")
def site(pg):
    # lms_forced is hard-set in config.php: cfg.php must refuse to change it (exit 4).
    site = MoodleSite.create(pg, "lmssite", extra_config={"lms_forced": "fixed"})
    yield site
    site.remove()


def secrets_absent(run, *secrets):
    for secret in secrets:
        for form in (secret, json.dumps(secret)[1:-1], json.dumps(secret)[1:-1].replace("/", "\\/")):
            assert form not in run.output, f"a secret appears in the output of the module:\n{run.output}"


def cfg(site, name, component=None):
    """What Moodle's cfg.php answers (None when the setting is not set)."""
    args = [f"--name={name}", *([f"--component={component}"] if component else [])]
    result = site.cli("cfg.php", *args)
    assert result.returncode in (0, 3), result
    return result.stdout.strip() if result.returncode == 0 else None


# ---------------------------------------------------------------------------------------------------------------
# Install
# ---------------------------------------------------------------------------------------------------------------


def test_info_before_install_reports_an_empty_site(site):
    run = site.module("moodle_info")
    assert not run.failed, run.output
    assert run.result["installed"] is False
    assert run.result["partial_install"] is False
    assert run.result["code"]["branch"] in ("404", "405")
    assert run.result["upgrade_pending"] is None


def test_install_check_mode_then_install_then_nothing(site, pg):
    args = dict(
        admin_password=ADMIN_PASSWORD,
        admin_email="admin@example.edu",
        fullname="LMS test site",
        shortname="lms",
        support_email="support@example.edu",
        agree_license=True,
    )

    check = site.module("moodle_install", "--check", "--diff", **args)
    assert not check.failed, check.output
    assert check.changed
    assert pg.tables(site.dbname) == [], "check mode created tables"

    first = site.module("moodle_install", "--diff", **args)
    assert not first.failed, first.output
    assert first.changed
    secrets_absent(first, ADMIN_PASSWORD, site.dbpass)
    code_version = first.result["code"]["version"]
    assert cfg(site, "version") == code_version, "cfg.php --name=version does not answer the installed version"
    assert site.php("echo $DB->get_field('course', 'fullname', ['id' => SITEID]);").stdout == "LMS test site"
    admin = site.php("echo json_encode($DB->get_record('user', ['username' => 'admin'], 'email, password'));")
    record = json.loads(admin.stdout)
    assert record["email"] == "admin@example.edu"
    assert record["password"] != ADMIN_PASSWORD and record["password"].startswith("$"), "admin password not hashed"

    second = site.module("moodle_install", **args)
    assert not second.failed, second.output
    assert not second.changed
    assert site.module("moodle_install", "--check", **args).changed is False


def test_info_after_install(site):
    run = site.module("moodle_info")
    assert not run.failed, run.output
    assert run.result["installed"] is True
    assert run.result["db_version"] == run.result["code"]["version"]
    assert run.result["upgrade_pending"] is False
    assert run.result["maintenance"]["enabled"] is False
    plugins = run.result["plugins"]
    assert "tool_mobile" in plugins["installed"]
    assert plugins["not_installed"] == [] and plugins["upgrade_pending"] == []
    assert "default_application" in run.result["caches"]["stores"]


# ---------------------------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------------------------


def test_config_sets_reads_first_and_shows_a_diff(site):
    check = site.module("moodle_config", "--check", "--diff", name="noreplyaddress", value="noreply@example.edu")
    assert check.changed and not check.failed, check.output
    assert cfg(site, "noreplyaddress") != "noreply@example.edu", "check mode changed the setting"
    assert check.result["diff"]["after"] != check.result["diff"]["before"]

    first = site.module("moodle_config", "--diff", name="noreplyaddress", value="noreply@example.edu")
    assert first.changed and not first.failed, first.output
    assert cfg(site, "noreplyaddress") == "noreply@example.edu"

    second = site.module("moodle_config", name="noreplyaddress", value="noreply@example.edu")
    assert not second.changed and not second.failed, second.output


def test_config_list_form_plugin_settings_secrets_and_unset(site):
    settings = [
        {"name": "lms_probe_one", "value": "1"},
        {"name": "typeoflogin", "component": "tool_mobile", "value": 2},
        {"name": "lms_probe_secret", "value": "s3cr3t/value", "secret": True},
    ]
    first = site.module("moodle_config", "--diff", settings=settings)
    assert first.changed and not first.failed, first.output
    secrets_absent(first, "s3cr3t/value")
    assert cfg(site, "lms_probe_one") == "1"
    assert cfg(site, "typeoflogin", "tool_mobile") == "2"
    assert cfg(site, "lms_probe_secret") == "s3cr3t/value"

    second = site.module("moodle_config", "--diff", settings=settings)
    assert not second.changed and not second.failed, second.output
    secrets_absent(second, "s3cr3t/value")

    unset = site.module("moodle_config", name="lms_probe_one", state="absent")
    assert unset.changed and not unset.failed, unset.output
    assert cfg(site, "lms_probe_one") is None
    assert not site.module("moodle_config", name="lms_probe_one", state="absent").changed


def test_config_refuses_a_setting_forced_in_config_php(site):
    run = site.module("moodle_config", name="lms_forced", value="other")
    assert run.failed
    assert "forced in config.php" in run.msg, run.msg
    # Reading it is fine and gives config.php's value.
    info = site.module("moodle_config_info", name="lms_forced")
    assert not info.failed, info.output
    assert info.result["value"] == "fixed"


def test_config_unknown_component_is_a_clear_error(site):
    run = site.module("moodle_config", name="enabled", component="local_nosuchplugin", value="1")
    assert run.failed
    assert "unknown component local_nosuchplugin" in run.msg, run.msg
    assert cfg(site, "enabled", "local_nosuchplugin") is None


# ---------------------------------------------------------------------------------------------------------------
# Maintenance and upgrade
# ---------------------------------------------------------------------------------------------------------------


def maintenance_status(site):
    """What admin/cli/maintenance.php without options reports (lang/en/admin.php clistatus*)."""
    return site.cli("maintenance.php").stdout.strip().splitlines()[-1]


def test_maintenance_on_and_off_is_seen_by_maintenance_php(site):
    assert maintenance_status(site) == "Status: disabled"
    check = site.module("moodle_maintenance", "--check", state="enabled")
    assert check.changed and not check.failed, check.output
    assert not (site.dataroot / "climaintenance.html").exists()

    on = site.module("moodle_maintenance", state="enabled")
    assert on.changed and not on.failed, on.output
    assert on.result["maintenance"]["enabled"] is True
    assert maintenance_status(site) == "Status: enabled"
    assert not site.module("moodle_maintenance", state="enabled").changed

    off = site.module("moodle_maintenance", state="disabled")
    assert off.changed and not off.failed, off.output
    assert maintenance_status(site) == "Status: disabled"
    assert not site.module("moodle_maintenance", state="disabled").changed


def test_upgrade_on_an_up_to_date_site_changes_nothing(site):
    check = site.module("moodle_upgrade", "--check", maintenance=True)
    assert not check.changed and not check.failed, check.output
    run = site.module("moodle_upgrade", maintenance=True)
    assert not run.changed and not run.failed, run.output
    assert run.result["from_version"] == run.result["to_version"]
    assert not (site.dataroot / "climaintenance.html").exists()


# ---------------------------------------------------------------------------------------------------------------
# Caches (MUC)
# ---------------------------------------------------------------------------------------------------------------

PROBE_PHP = """
$mode = cache_store::MODE_{mode};
$cache = cache::make_from_params($mode, 'lms_probe', 'probe');
$cache->set('probe', 'value-{mode}');
$definition = cache_definition::load_adhoc($mode, 'lms_probe', 'probe');
$stores = cache_factory::instance()->create_config_instance()->get_stores_for_definition($definition);
echo json_encode(['stores' => array_values(array_map(fn($s) => $s['plugin'], $stores)),
                  'names' => array_keys($stores), 'value' => $cache->get('probe')]);
"""


def probe(site, mode):
    """Which store plugins Moodle's cache API picks for an ad hoc cache of this mode, and a set/get through it."""
    return json.loads(site.php(PROBE_PHP.replace("{mode}", mode)).stdout.strip().splitlines()[-1])


def test_cache_store_maps_application_and_session_caches_to_redis(site, redis):
    args = {
        "stores": [
            {"name": "redis", "server": [f"127.0.0.1:{redis.port}"], "password": REDIS_PASSWORD, "prefix": "lmsit_"}
        ],
        "mappings": {"application": ["redis"], "session": ["redis"]},
    }
    check = site.module("moodle_cache_store", "--check", "--diff", **args)
    assert check.changed and not check.failed, check.output
    assert probe(site, "APPLICATION")["stores"] != ["redis"], "check mode changed the cache configuration"

    first = site.module("moodle_cache_store", "--diff", **args)
    assert first.changed and not first.failed, first.output
    secrets_absent(first, REDIS_PASSWORD)

    application = probe(site, "APPLICATION")
    session = probe(site, "SESSION")
    assert application == {"stores": ["redis"], "names": ["redis"], "value": "value-APPLICATION"}
    assert session["stores"] == ["redis"] and session["value"] == "value-SESSION"
    assert redis.cli("--scan", "--pattern", "lmsit_*").split(), "Moodle's cache wrote nothing into Redis"

    second = site.module("moodle_cache_store", "--diff", **args)
    assert not second.changed and not second.failed, second.output
    secrets_absent(second, REDIS_PASSWORD)
    assert not site.module("moodle_cache_store", "--check", **args).changed

    info = site.module("moodle_info")
    assert info.result["caches"]["mappings"]["application"] == ["redis"]
    secrets_absent(info, REDIS_PASSWORD)


def test_cache_store_over_tls_with_the_server_certificate_verified(site, redis):
    """ElastiCache Serverless only speaks TLS: a store with encryption and the CA file, mapped to the session mode."""
    args = {
        "stores": [
            {
                "name": "redis_tls",
                "server": [f"127.0.0.1:{redis.tls_port}"],
                "encryption": True,
                "ca_file": redis.ca_file,
                "password": REDIS_PASSWORD,
                "prefix": "lmstls_",
            }
        ],
        "mappings": {"session": ["redis_tls"]},
    }
    first = site.module("moodle_cache_store", **args)
    assert first.changed and not first.failed, first.output
    session = probe(site, "SESSION")
    assert session["names"] == ["redis_tls"] and session["value"] == "value-SESSION"
    assert redis.cli("--scan", "--pattern", "lmstls_*").split(), "nothing reached Redis over TLS"
    assert not site.module("moodle_cache_store", **args).changed
    # The application mode keeps the plain store of the previous test: mappings name only the modes they change.
    assert probe(site, "APPLICATION")["names"] == ["redis"]


def test_cache_store_refuses_a_tls_server_whose_certificate_does_not_verify(site, redis, tmp_path):
    other_ca = services.tls_files(services.shared_tempdir("lms-otherca-"))["ca"]
    run = site.module(
        "moodle_cache_store",
        stores=[
            {
                "name": "redis_badca",
                "server": [f"127.0.0.1:{redis.tls_port}"],
                "encryption": True,
                "ca_file": other_ca,
                "password": REDIS_PASSWORD,
            }
        ],
    )
    assert run.failed and "redis_badca" in run.msg, run.msg
    assert "redis_badca" not in site.module("moodle_info").result["caches"]["stores"]


def test_cache_store_refuses_a_redis_store_without_the_password_redis_requires(site, redis):
    """phpredis connects without AUTH and only the first command fails (NOAUTH): the module must not save a store
    that would make every cache call of the site throw."""
    run = site.module("moodle_cache_store", stores=[{"name": "redis_noauth", "server": [f"127.0.0.1:{redis.port}"]}])
    assert run.failed and "redis_noauth" in run.msg and "NOAUTH" in run.msg, run.msg
    assert "redis_noauth" not in site.module("moodle_info").result["caches"]["stores"]


def test_cache_store_refuses_an_unreachable_redis(site, redis):
    before = probe(site, "APPLICATION")
    run = site.module(
        "moodle_cache_store",
        stores=[{"name": "broken", "server": ["127.0.0.1:1"]}],
        mappings={"application": ["broken"]},
    )
    assert run.failed
    assert "127.0.0.1:1" in run.msg and "broken" in run.msg, run.msg
    assert probe(site, "APPLICATION")["names"] == before["names"]


# ---------------------------------------------------------------------------------------------------------------
# Plugins
# ---------------------------------------------------------------------------------------------------------------


def write_plugin(directory: Path, version: int) -> Path:
    """A small local plugin: version.php and its language file (Moodle requires the pluginname string)."""
    (directory / "lang" / "en").mkdir(parents=True, exist_ok=True)
    (directory / "version.php").write_text(
        "<?php\ndefined('MOODLE_INTERNAL') || die();\n"
        f"$plugin->component = '{PROBE}';\n$plugin->version = {version};\n$plugin->requires = 2022041900;\n"
        "$plugin->maturity = MATURITY_STABLE;\n$plugin->release = 'probe';\n"
    )
    (directory / "lang" / "en" / f"{PROBE}.php").write_text(
        "<?php\ndefined('MOODLE_INTERNAL') || die();\n$string['pluginname'] = 'lms.moodle probe';\n"
    )
    subprocess_chmod(directory)
    return directory


def subprocess_chmod(directory: Path) -> None:
    for path in [directory, *directory.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_plugin_installs_from_a_directory_then_upgrades_from_a_zip_then_uninstalls(site):
    source = write_plugin(site.base / "src" / "lmsprobe", 2026112700)

    check = site.module("moodle_plugin", "--check", name=PROBE, src=str(source))
    assert check.changed and not check.failed, check.output
    assert not (site.dirroot / "local" / "lmsprobe").exists()

    first = site.module("moodle_plugin", name=PROBE, src=str(source))
    assert first.changed and not first.failed, first.output
    assert cfg(site, "version", PROBE) == "2026112700", "Moodle does not report the plugin installed"
    target = site.dirroot / "local" / "lmsprobe"
    assert target.is_dir()
    assert target.stat().st_uid == 0, "plugin files must not belong to the web user"

    again = site.module("moodle_plugin", name=PROBE, src=str(source))
    assert not again.changed and not again.failed, again.output

    newer = write_plugin(site.base / "src2" / "lmsprobe", 2026112800)
    archive = site.base / "lmsprobe.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(newer.rglob("*")):
            zf.write(path, Path("lmsprobe") / path.relative_to(newer))
    upgrade = site.module("moodle_plugin", name=PROBE, src=str(archive))
    assert upgrade.changed and not upgrade.failed, upgrade.output
    assert cfg(site, "version", PROBE) == "2026112800"
    assert not site.module("moodle_plugin", name=PROBE, src=str(archive)).changed
    assert site.module("moodle_upgrade").changed is False

    removed = site.module("moodle_plugin", name=PROBE, state="absent")
    assert removed.changed and not removed.failed, removed.output
    assert cfg(site, "version", PROBE) is None
    assert not target.exists()
    assert removed.result["upgraded"] is True
    info = site.module("moodle_info").result
    assert info["upgrade_pending"] is False and PROBE not in info["plugins"]["installed"]
    assert not site.module("moodle_plugin", name=PROBE, state="absent").changed


def test_plugin_invalid_frankenstyle_name_is_refused(site):
    run = site.module("moodle_plugin", name="Local-Probe", src=str(site.base))
    assert run.failed
    assert "Local-Probe" in run.msg and "frankenstyle" in run.msg, run.msg


# ---------------------------------------------------------------------------------------------------------------
# Bad input: each names its cause
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def spare(pg, request):
    """A second tree with its own empty database and no config.php."""
    name = "lmsspare" + str(abs(hash(request.node.name)) % 100000)
    spare = MoodleSite.create(pg, name, config=False)
    yield spare
    spare.remove()


def test_missing_config_php(spare):
    run = spare.module("moodle_info")
    assert run.failed and "config.php not found" in run.msg, run.msg


def test_wrong_dirroot(spare):
    assert "does not exist" in spare.module("moodle_info", dirroot="/nonexistent/moodle").msg
    run = spare.module("moodle_info", dirroot=str(spare.dataroot))
    assert run.failed and "is not a Moodle tree" in run.msg, run.msg


def test_unreachable_database(spare):
    spare.write_config({}, dbhost="127.0.0.1", dboptions={"dbport": services.free_port(), "connecttimeout": 2})
    run = spare.module("moodle_info")
    assert run.failed and "cannot connect to its database" in run.msg, run.msg
    secrets_absent(run, spare.dbpass)


def test_wrong_web_user(spare):
    spare.write_config({})
    run = spare.module("moodle_info", web_user="nosuchwebuser")
    assert run.failed and "web user nosuchwebuser does not exist" in run.msg, run.msg


def test_install_refuses_a_partly_installed_database(spare, pg):
    spare.write_config({})
    table = "CREATE TABLE mdl_config (id BIGSERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE, value TEXT NOT NULL)"
    pg.psql(table, spare.dbname)
    pg.psql(f"ALTER TABLE mdl_config OWNER TO {spare.dbuser}", spare.dbname)
    run = spare.module("moodle_install", admin_password=ADMIN_PASSWORD, agree_license=True)
    assert run.failed and "partly installed" in run.msg, run.msg
    secrets_absent(run, ADMIN_PASSWORD)
    assert pg.tables(spare.dbname) == ["mdl_config"], "the module touched a partly installed database"


def test_web_user_that_cannot_read_config_php(spare):
    spare.write_config({})
    run = spare.module("moodle_info", web_user="nobody")
    assert run.failed, run.output
    assert "web user nobody cannot read config.php" in run.msg and "0640 root:www-data" in run.msg, run.msg


# ---------------------------------------------------------------------------------------------------------------
# Web services: the writer of the cluster's fault suite and its check of acknowledged writes
# ---------------------------------------------------------------------------------------------------------------


def test_writes_acknowledged_through_moodles_web_services_are_found_and_losses_named(spare):
    """The writer of the fault suite (tests/moodle/acknowledged.py) against this tree served by PHP's web server:
    users created and files uploaded through Moodle's REST server and upload.php are acknowledged and found by the
    check; a wrong token is refused and nothing is recorded; once an account and a file's content are gone, the check
    names exactly those two."""
    port = services.free_port()
    spare.write_config({}, wwwroot=f"http://127.0.0.1:{port}")
    # Moodle refuses web service calls of an account without an e-mail address ("User not fully set-up").
    install = spare.module(
        "moodle_install", admin_password=ADMIN_PASSWORD, admin_email="admin@example.org", agree_license=True
    )
    assert not install.failed, install.msg
    config = str(spare.dirroot / "config.php")

    def run_php(script: str) -> str:
        run = subprocess.run(
            services.as_user(WEB_USER, "php"), input=script, cwd=spare.dirroot, env=spare.env,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        return run.stdout + run.stderr

    token = acknowledged.token_from(run_php(acknowledged.setup_script(config)))
    assert acknowledged.token_from(run_php(acknowledged.setup_script(config))) == token, "a second setup, same token"
    server = subprocess.Popen(  # noqa: S603 - PHP's own server on 127.0.0.1, for this tree
        services.as_user(WEB_USER, "php", "-S", f"127.0.0.1:{port}", "-t", str(spare.dirroot)),
        cwd=spare.dirroot, env=spare.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        services.wait_for_port(port)
        ledger = acknowledged.Ledger()
        client = acknowledged.Client(f"http://127.0.0.1:{port}", token, ledger)
        for write in (client.create_user, client.upload_file, client.create_user, client.upload_file):
            assert write(), client.last_answer
        refused = acknowledged.Client(f"http://127.0.0.1:{port}", "0" * 32, ledger)
        assert not refused.create_user() and not refused.upload_file()
    finally:
        server.terminate()
        server.wait(10)
    assert len(ledger.users) == 2 and len(ledger.files) == 2, ledger
    assert ledger.lost(run_php, config) == []

    gone_user, changed = ledger.users[0], ledger.files[1]
    spare.php(f"$DB->delete_records('user', ['username' => '{gone_user}']);")
    pool = spare.dataroot / "filedir" / changed["sha1"][:2] / changed["sha1"][2:4] / changed["sha1"]
    pool.write_bytes(b"not what was sent")
    lost = ledger.lost(run_php, config)
    assert len(lost) == 2, lost
    assert lost[0].startswith(f"user {gone_user}:") and f"/{changed['filename']}: content" in lost[1], lost
