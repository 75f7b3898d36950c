"""The local two-node cluster behind HAProxy, built by `make demo`'s own script from nothing, then driven like
production: shared sessions and files, cluster-wide maintenance, rolling deploys under load (and one that must
stop), a node lost under load, a version upgrade, and a new instance that joins through the launch template's user
data. The tests build on each other, in this order; they run on the CI stand-in of Moodle, or on a real Moodle tree
with MOODLE_SRC. Real parts only: PostgreSQL, Redis with TLS and AUTH, Apache + PHP-FPM, HAProxy, moto."""

from __future__ import annotations

import ipaddress
import re
import subprocess
import time

import boto3
import pytest

from tests.cluster import exposure, faults
from tests.cluster.loadgen import Load
from tests.cluster.platform import CONFIG_PHP, LOGGED_IN, WEB, replace


def login_page(platform) -> str:
    return subprocess.run(
        ["curl", "-fsS", f"{platform.url}/login/index.php"], check=False, capture_output=True, text=True
    ).stdout


def test_an_interrupted_demo_resumes_and_ends_on_the_login_page(platform):
    interrupted, run = platform.interrupted, platform.demo

    assert interrupted.returncode != 0, interrupted.output[-3000:]
    assert "TASK [lms.moodle.database : Create the writer and the readers]" in interrupted.output, (
        "interrupted before the database existed"
    )
    assert "TASK [lms.moodle.load_balancer : Create" not in interrupted.output, "interrupted too late"
    assert "make demo resumes it" in interrupted.output, interrupted.output[-3000:]
    assert run.returncode == 0, run.output[-6000:]
    assert run.recap["web-1"]["failed"] == 0 and run.recap["web-2"]["failed"] == 0
    assert f"Moodle of {platform.environment}: {platform.url}" in run.output
    assert "Login page: answers (HTTP 200)" in run.output
    assert f"Secrets Manager secret {platform.environment}/moodle/admin" in run.output
    admin_password = platform.admin()[1]
    assert admin_password not in run.output and admin_password not in interrupted.output
    assert 'id="login"' in login_page(platform)
    presses = interrupted.output.count("[Ctrl-C pressed")
    print(f"demo interrupted after {interrupted.seconds:.0f} s ({presses} Ctrl-C), resumed in {run.seconds:.0f} s")


def test_a_second_demo_changes_nothing_and_ends_on_the_login_page(platform):
    # At -vvv, where Ansible shows every command it runs and every result no_log does not hide.
    run = platform.run("bash", "scripts/demo.sh", env={"ANSIBLE_VERBOSITY": "3"})

    assert run.returncode == 0, run.output[-6000:]
    secrets = platform.secret_values()
    assert len(secrets) >= 3, "the master, admin and cache credentials at least"
    leaked = [f"{value[:3]}… at {run.output.index(value)}" for value in secrets if value in run.output]
    assert not leaked, f"secret values in the -vvv output of the second demo: {leaked}"
    for node in WEB:
        journal = platform.exec(node, "journalctl", "--no-pager", "-o", "cat")
        assert not [value for value in secrets if value in journal], f"a secret value in the journal of {node}"
    assert run.output.count("PLAY RECAP") == 2, "platform.yml and site.yml"
    assert run.changed() == {}, run.changed()
    assert "Login page: answers (HTTP 200)" in run.output
    assert 'id="login"' in login_page(platform)
    print(f"second demo: {run.seconds:.0f} s, changed=0 on {sorted(run.recap)}")


def test_the_load_balancer_shows_no_internals_and_sends_the_security_headers(platform):
    planted = exposure.plant(platform, WEB, exposure.DENIED + exposure.SERVED)
    try:
        answers = {path: exposure.ask(f"{platform.url}/{path}") for path in exposure.DENIED}
        served = {path: exposure.ask(f"{platform.url}/{path}").status for path in exposure.SERVED}
    finally:
        exposure.remove(platform, WEB, planted)
    exposed = {
        path: answer.status
        for path, answer in answers.items()
        if answer.status != "404" or exposure.MARKER in answer.body
    }
    assert not exposed, f"answered other than 404: {exposed}"
    assert set(served.values()) == {"200"}, served

    # The node-only pages, asked through the load balancer as if from the node itself.
    for path in ("/server-status", "/fpm-status", "/fpm-ping"):
        answer = exposure.ask(f"{platform.url}{path}", "X-Forwarded-For: 127.0.0.1")
        assert answer.status == "403", f"{path} with a forged X-Forwarded-For: {answer.status} {answer.body[:300]}"
    assert exposure.ask(f"{platform.url}/login/index.php", method="TRACE").status == "405"

    # The health check tells the internet healthy or not, nothing more; the node itself still gets the details.
    health = exposure.ask(f"{platform.url}/healthz.php", "X-Forwarded-For: 127.0.0.1")
    assert (health.status, health.body.strip()) == ("200", '{"status":"ok"}'), health
    assert "no-store" in health.headers.get("cache-control", "")
    assert '"php":"8.' in platform.exec("web-1", "curl", "-s", "http://127.0.0.1/healthz.php")

    login = exposure.ask(f"{platform.url}/login/index.php")
    assert login.status == "200"
    headers = login.headers
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "strict-origin-when-cross-origin"
    assert headers.get("content-security-policy") == "frame-ancestors 'self'"
    assert headers.get("server") == "Apache", "the Server header names a version"
    assert "x-powered-by" not in headers, "PHP names its version"
    # The local platform serves plain HTTP: no HSTS (it would pin browsers to an HTTPS the site does not have).
    assert "strict-transport-security" not in headers
    print(f"{len(answers)} internal paths answered 404, {len(served)} controls 200; headers {sorted(headers)}")


def test_a_login_survives_when_haproxy_sends_the_next_request_to_the_other_node(platform):
    session = platform.login()
    first = platform.dashboard(session)
    assert first.status_code == 200 and LOGGED_IN in first.text, first.text[:2000]
    node = first.headers["X-Served-By"]
    other = next(n for n in WEB if n != node)

    platform.haproxy(f"set server web/{node} state maint")
    try:
        platform.wait_for_states({node: "MAINT", other: "UP"})
        for _attempt in range(4):
            page = platform.dashboard(session)
            assert page.headers["X-Served-By"] == other
            assert page.status_code == 200 and LOGGED_IN in page.text, "the session did not follow to the other node"
    finally:
        platform.haproxy(f"set server web/{node} state ready")
        platform.wait_for_states({node: "UP"})


def test_moodle_records_the_address_the_load_balancer_saw_not_one_the_client_forged(platform):
    """A client's own X-Forwarded-For and Client-IP change nothing: the nodes trust the load balancer's address alone
    (the catalogue's site/proxy_networks), and Moodle takes the address Apache took from it."""
    forged = "203.0.113.66"
    session = platform.login({"X-Forwarded-For": forged, "Client-IP": "198.51.100.7"})
    page = platform.dashboard(session)
    assert page.status_code == 200 and LOGGED_IN in page.text, page.text[:2000]

    recorded = platform.exec(
        "db", "runuser", "-u", "postgres", "--", "psql", "-d", "moodle", "-tAc",
        "SELECT lastip FROM mdl_user WHERE username = 'admin'",
    ).strip()  # fmt: skip
    proxy = platform.local_proxy_address
    assert recorded not in (forged, "198.51.100.7", proxy, ""), f"Moodle recorded {recorded!r} for the login"
    # The moto distribution is not in the path here, but its networks are written as they are on AWS: public only.
    cdn_networks = platform.catalogue("site/cdn_networks").split(",")
    assert cdn_networks and not [n for n in cdn_networks if ipaddress.ip_network(n).is_private], cdn_networks
    for node in WEB:
        config = platform.exec(node, "cat", "/etc/apache2/sites-available/moodle.conf")
        internal = re.findall(r"^\s*RemoteIPInternalProxy\s+(\S+)", config, re.M)
        public = re.findall(r"^\s*RemoteIPTrustedProxy\s+(\S+)", config, re.M)
        assert internal == [f"{proxy}/32"], f"{node} trusts {internal} as internal proxies"
        assert public == cdn_networks, f"{node} trusts {public} as public proxies"
    print(f"login through HAProxy with a forged X-Forwarded-For: Moodle recorded {recorded}")


def test_a_file_written_into_dataroot_by_one_node_is_read_by_the_other(platform):
    marker = f"written by web-1 at {time.time()}"
    platform.exec("web-1", "runuser", "-u", "www-data", "--", "sh", "-c",
                  f"echo '{marker}' > /srv/moodle-shared/moodledata/lmsprobe.txt")  # fmt: skip

    assert platform.exec("web-2", "cat", "/srv/moodle-shared/moodledata/lmsprobe.txt").strip() == marker


def test_the_caches_are_verified_against_their_own_ca_alone(platform):
    """Sessions and the MUC store verify the caches' TLS certificates with a CA file of the platform's CA alone, not
    Debian's bundle of ~140, which OpenSSL parses on every connection (74 ms against 4 ms on a web node)."""
    for node in WEB:
        config = platform.exec(node, "cat", CONFIG_PHP)
        assert "$CFG->session_redis_encrypt = ['cafile' => '/etc/ssl/lms-moodle/cache-ca.pem'];" in config
        assert platform.exec(node, "cat", "/etc/ssl/lms-moodle/cache-ca.pem").count("BEGIN CERTIFICATE") == 1
        health = platform.exec(node, "curl", "-s", "http://127.0.0.1/healthz.php")
        assert '"session":"ok"' in health, f"{node} cannot open a verified session connection: {health}"
    muc = platform.exec("web-1", "cat", "/srv/moodle-shared/moodledata/muc/config.php")
    assert "'cafile' => '/etc/ssl/lms-moodle/cache-ca.pem'" in muc, muc[:3000]


def node_status(platform, node: str, path: str) -> str:
    """The HTTP status of a page asked from the node itself, under the site's host name (else Moodle redirects)."""
    host = platform.url.removeprefix("http://")
    return platform.exec(node, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Host: {host}",
                         f"http://127.0.0.1{path}")  # fmt: skip


def test_maintenance_switched_on_one_node_is_seen_on_both(platform):
    result = platform.module("web-1", "lms.moodle.moodle_maintenance", "dirroot=/var/www/moodle/current state=enabled")
    assert result["changed"]
    try:
        for node in WEB:
            status = node_status(platform, node, "/login/index.php")
            assert status == "503", f"{node} answered {status} in maintenance"
            # The node itself is healthy: the load balancer keeps it, and visitors get Moodle's maintenance page.
            health = platform.exec(node, "curl", "-s", "http://127.0.0.1/healthz.php")
            assert '"maintenance":"on"' in health
        through_lb = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"{platform.url}/login/index.php"],
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        assert through_lb.stdout == "503"
    finally:
        platform.module("web-2", "lms.moodle.moodle_maintenance", "dirroot=/var/www/moodle/current state=disabled")
    for node in WEB:
        assert node_status(platform, node, "/login/index.php") == "200"


def assert_no_write_lost(outcome) -> None:
    """The writer got writes through during the scenario (else the check proves nothing), and every write Moodle
    acknowledged since the suite began is still there, on each node."""
    assert outcome.details["writes acknowledged"] > 0, outcome.details
    assert outcome.details["acknowledged writes lost"] == [], outcome.details["acknowledged writes lost"]


# A 30 s outage of a dependency, as an Aurora failover or an ElastiCache reboot can be; during the database's, web-2's
# CPU is saturated by a bounded busy loop for as long, as a busy node would be.
DEPENDENCIES = [
    pytest.param("db", '"db":"unreachable"', "web-2", id="database"),
    pytest.param("session", '"session":"unreachable"', None, id="session-store"),
]


@pytest.mark.parametrize(("dependency", "reported", "saturate"), DEPENDENCIES)
def test_a_dependency_outage_takes_no_node_out_and_the_site_recovers(platform, dependency, reported, saturate):
    """The load balancer and the Auto Scaling group act on the nodes' liveness alone: a 30 s outage of the database or
    of the session store under load marks no node down (no drain, no replacement), even with Moodle's workers all
    waiting on the dependency and a node's CPU saturated; the readiness check reports the outage; once the dependency
    is back, the site answers 200 within 5 s."""
    outcome = faults.dependency_outage(platform, dependency, 30, saturate)
    print(outcome.row())
    assert outcome.details["nodes taken out"] == {}, "a node was taken out of service for a fault it does not have"
    states = outcome.details["states at the end"]
    assert states["web-1"].startswith("UP") and states["web-2"].startswith("UP"), states
    assert reported in outcome.details["readiness during"], outcome.details
    assert outcome.recovered_seconds <= 5, f"the site answered 200 {outcome.recovered_seconds:.1f} s after"
    # A session whose lock the outage orphaned waits on it until it expires (see the test of killed requests), and
    # Moodle tells a client whose first request failed in the outage that its session timed out (Load's
    # told_session_timed_out); every other request after recovery succeeds.
    assert outcome.details["failed after recovery, unexplained"] == [], outcome.details
    longest = platform.longest_request()
    assert all(ttl <= longest for ttl in outcome.details["session locks orphaned"].values()), (longest, outcome.details)
    assert_no_write_lost(outcome)


@pytest.mark.parametrize("dependency", ["db", "session"])
def test_a_restarted_dependency_takes_no_node_out_and_the_site_recovers(platform, dependency):
    """The database's or the session store's service restarted under load (its connections dropped, as an Aurora
    failover or an ElastiCache node reboot drops them): no node is marked down, the site answers 200 within 5 s of
    the service being back, every request after that succeeds (except a session waiting on a lock the restart
    orphaned, and a client told its session timed out because its first request failed), and no acknowledged write
    is lost."""
    outcome = faults.dependency_outage(platform, dependency, restarted=True)
    print(outcome.row())
    assert outcome.details["nodes taken out"] == {}, "a node was taken out of service for a fault it does not have"
    assert outcome.recovered_seconds <= 5, f"the site answered 200 {outcome.recovered_seconds:.1f} s after"
    assert outcome.details["failed after recovery, unexplained"] == [], outcome.details
    assert_no_write_lost(outcome)


@pytest.mark.parametrize("unit", ["php8.2-fpm", "apache2"])
def test_a_killed_web_service_restarts_itself_and_its_node_serves_again(platform, unit):
    """kill -9 of PHP-FPM's or Apache's main process on web-1 under load: systemd starts it again within 10 s, the node
    is in service within 15 s, and the failed requests are at most those in flight plus those sent during the
    window before the node is back or HAProxy has taken it out (computed from the rate and the check's settings)."""
    outcome = faults.kill_main_process(platform, "web-1", unit)
    print(outcome.row())
    assert outcome.details["running again after"] <= 10, outcome.details
    assert outcome.recovered_seconds <= 15, f"web-1 took {outcome.recovered_seconds:.1f} s to be in service again"
    assert outcome.failed <= outcome.details["bound on failures"], outcome.details
    assert outcome.details["summary"]["served_by"].get("web-1", 0) > 0, outcome.details
    assert_no_write_lost(outcome)


# Moodle's own session handler, as a PHP-FPM worker runs it (FPM's max_execution_time), takes its session's lock and
# is killed (kill -9 of PHP-FPM, a node lost, the store frozen mid-request) before it can let go.
KILLED_WHILE_LOCKED = """<?php
define('CLI_SCRIPT', true);
require '/var/www/moodle/current/config.php';
$handler = new \\core\\session\\redis();
$handler->init();
(new ReflectionMethod($handler, 'lock_session'))->invoke($handler, 'lmsprobe' . getmypid());
posix_kill(getmypid(), 9);
"""


def test_a_session_lock_left_by_a_killed_request_expires_once_no_request_could_still_hold_it(platform):
    """A request killed while it held its user's session lock leaves the lock behind, and every page of that user
    waits on it: it expires after the longest a request may run (PHP-FPM's max_execution_time), not after the
    2 hours of Moodle's example configuration."""
    longest = platform.longest_request()
    before = platform.session_lock_ttls()
    platform.exec(
        "web-1", "php", "-d", f"max_execution_time={longest}", user="www-data", stdin=KILLED_WHILE_LOCKED, check=False
    )
    left = {key: ttl for key, ttl in platform.session_lock_ttls().items() if key not in before and "lmsprobe" in key}
    assert len(left) == 1, left
    assert 0 < next(iter(left.values())) <= longest, (longest, left)


def test_a_node_whose_shared_dataroot_fails_is_taken_out_alone_and_comes_back(platform):
    """The shared dataroot turns read-only on web-1 alone (its mount gone bad; web-2's is fine) under load: web-1's
    liveness check fails and HAProxy takes web-1 out (on AWS the Auto Scaling group replaces it), web-2 stays in
    service, failures are bounded as for a killed service, and once the mount is writable again web-1 is back within
    15 s with no failed request after."""
    outcome = faults.shared_volume_unavailable(platform, "web-1")
    print(outcome.row())
    assert outcome.details["other nodes taken out"] == {}, outcome.details
    assert outcome.details["states while broken"]["web-2"].startswith("UP"), outcome.details
    assert outcome.failed <= outcome.details["bound on failures"], outcome.details
    assert outcome.recovered_seconds <= 15, f"web-1 took {outcome.recovered_seconds:.1f} s to be in service again"
    assert outcome.details["failed after it was back"] == [], outcome.details
    assert_no_write_lost(outcome)


def test_the_load_balancer_fails_open_when_every_node_fails_its_check(platform):
    """As an ALB does: with every node failing its check, requests still go to the nodes instead of a 503."""
    livez = "/var/www/moodle/health/livez.php"
    for node in WEB:
        platform.exec(node, "mv", livez, f"{livez}.off")
    try:
        down = platform.wait_for_states({"web-1": "DOWN", "web-2": "DOWN"}, timeout=30)
        page = login_page(platform)
    finally:
        for node in WEB:
            platform.exec(node, "mv", f"{livez}.off", livez)
        platform.wait_for_states({"web-1": "UP", "web-2": "UP"}, timeout=60)
    assert 'id="login"' in page, (down, page[:500])


def current_release(platform, node: str) -> str:
    return platform.exec(node, "readlink", "/var/www/moodle/current").strip().rsplit("/", 1)[-1]


def catalogue_release(platform) -> str:
    ssm = boto3.client("ssm", endpoint_url=platform.moto_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    return ssm.get_parameter(Name=f"/{platform.environment}/moodle/release/name")["Parameter"]["Value"]


def test_a_rolling_deploy_under_load_fails_no_request(platform):
    source = platform.release("release-b")
    session = platform.login()

    # 4 requests a second: every request that reached a draining or switching node would fail, yet the nodes keep
    # most of the machine's two cores for the deploy itself (CI runs other suites beside this one).
    with Load(f"{platform.url}/login/index.php", rate=4) as load:
        run = platform.playbook("deploy.yml", "-e", f"release_source={source}", "-e", "release_name=release-b")
        time.sleep(2)

    summary = load.summary()
    print(f"deploy under load: {run.seconds:.0f} s, {summary}")
    assert run.returncode == 0, run.output[-6000:]
    assert summary["requests"] > 100 and summary["failed"] == 0, (summary, load.failures()[:5])
    assert {current_release(platform, node) for node in WEB} == {"release-b"}
    assert catalogue_release(platform) == "release-b"
    for node in WEB:
        assert platform.exec(node, "cat", "/var/www/moodle/current/lmsprobe-release.txt").strip() == "release-b"
    # Each node was drained one at a time: the whole time, some node served.
    assert set(summary["served_by"]) >= set(WEB)
    page = platform.dashboard(session)
    assert LOGGED_IN in page.text, "a logged-in user lost the session during the deploy"


def test_a_broken_release_stops_after_the_first_node_and_the_site_keeps_serving(platform):
    source = platform.release(
        "release-broken", lambda path: replace(path / "lib" / "setup.php", "<?php this is broken\n")
    )

    with Load(f"{platform.url}/login/index.php", rate=4) as load:
        run = platform.playbook("deploy.yml", "-e", f"release_source={source}", "-e", "release_name=release-broken")
        time.sleep(2)

    summary = load.summary()
    print(f"broken deploy under load: {run.seconds:.0f} s, {summary}")
    assert run.returncode != 0
    assert "The deploy stopped at web-1" in run.output, run.output[-4000:]
    assert "rolled back to release-b (healthy, back in the load balancer)" in re.sub(r"\s+", " ", run.output)
    assert "web-2" not in run.recap, "the deploy went on to the second node"
    assert {current_release(platform, node) for node in WEB} == {"release-b"}
    assert catalogue_release(platform) == "release-b", "new instances would get the broken release"
    assert summary["failed"] == 0, (summary, load.failures()[:5])
    platform.wait_for_states({"web-1": "UP", "web-2": "UP"})


def test_stopping_a_node_under_load(platform):
    session = platform.login()
    assert LOGGED_IN in platform.dashboard(session).text

    with Load(f"{platform.url}/login/index.php", rate=10) as load:
        time.sleep(3)
        stopped = time.monotonic()
        subprocess.run(["docker", "stop", "-t", "10", platform.container("web-1")], check=True, capture_output=True)
        down = time.monotonic()
        platform.wait_for_states({"web-1": "DOWN", "web-2": "UP"}, timeout=30)
        detected = time.monotonic()
        time.sleep(8)
        page = platform.dashboard(session)
    summary = load.summary()
    after_detection = load.failures(after=detected)
    print(
        f"node stopped under load: docker stop {down - stopped:.1f} s, HAProxy marked it down "
        f"{detected - stopped:.1f} s after the stop began; {summary}; "
        f"failures before detection {len(load.failures()) - len(after_detection)}, after {len(after_detection)}"
    )
    try:
        assert after_detection == [], after_detection[:5]
        assert page.headers["X-Served-By"] == "web-2" and LOGGED_IN in page.text
    finally:
        subprocess.run(["docker", "start", platform.container("web-1")], check=True, capture_output=True)
        platform.wait_for_states({"web-1": "UP"}, timeout=180)


def test_a_node_killed_in_the_middle_of_a_deploy_stops_it_and_a_second_run_finishes_it(platform):
    """web-2 dies (docker kill) just after the deploy drained it: the deploy stops there and says so, web-1 serves
    the new release with no failed request, the catalogue still names the release every node ran (a replacement
    instance gets that one, not a half-rolled one); once web-2 is back, the same deploy again puts both nodes on the
    new release and names it in the catalogue."""
    before = catalogue_release(platform)
    source = platform.release("release-resumed")

    def kill_web_2():
        subprocess.run(["docker", "kill", platform.container("web-2")], check=True, capture_output=True)

    deploy = ("deploy.yml", "-e", f"release_source={source}", "-e", "release_name=release-resumed")
    try:
        with Load(f"{platform.url}/login/index.php", rate=4) as load, platform.writer() as writer:
            # web-2's drain is the first task delegated to the load balancer for web-2.
            run = platform.playbook_until(r"^(ok|changed): \[web-2 -> lb\]", kill_web_2, *deploy)
            time.sleep(2)
        summary = load.summary()
        # As web-1 sees Moodle (web-2 is down); both once web-2 is back, below.
        assert writer.acknowledged > 0 and platform.lost_writes(("web-1",)) == [], writer.summary()
        print(f"deploy with web-2 killed once drained: {run.seconds:.0f} s, {summary}")
        assert run.returncode != 0 and "kill_web_2 done" in run.output, run.output[-4000:]
        assert run.recap["web-2"]["unreachable"] == 1 and run.recap["web-1"]["failed"] == 0, run.recap
        assert current_release(platform, "web-1") == "release-resumed"
        assert catalogue_release(platform) == before, "a replacement would get a release the fleet does not run"
        assert summary["failed"] == 0 and summary["served_by"].get("web-1", 0) > 0, (summary, load.failures()[:5])
        assert platform.server_states()["web-2"].startswith(("MAINT", "DOWN")), platform.server_states()
    finally:
        subprocess.run(["docker", "start", platform.container("web-2")], check=True, capture_output=True)

    again = platform.playbook(*deploy)
    assert again.returncode == 0, again.output[-6000:]
    assert platform.lost_writes() == []
    assert {current_release(platform, node) for node in WEB} == {"release-resumed"}
    assert catalogue_release(platform) == "release-resumed"
    platform.wait_for_states({"web-1": "UP", "web-2": "UP"}, timeout=60)


def bump_version(path):
    version = path / "version.php"
    text = version.read_text()
    number = re.search(r"\$version\s*=\s*([0-9]+)\.([0-9]+)", text)
    bumped = f"{number.group(1)}.{int(number.group(2)) + 1:0{len(number.group(2))}d}"
    replace(
        version, text.replace(number.group(0), number.group(0).replace(f"{number.group(1)}.{number.group(2)}", bumped))
    )


def test_an_upgrade_runs_once_in_maintenance_and_opens_the_site_again(platform):
    source = platform.release("release-c", bump_version)
    new_version = re.search(r"\$version\s*=\s*([0-9.]+)", (source / "version.php").read_text()).group(1)

    run = platform.playbook("upgrade.yml", "-e", f"release_source={source}", "-e", "release_name=release-c")

    print(f"upgrade: {run.seconds:.0f} s")
    assert run.returncode == 0, run.output[-6000:]
    assert re.search(r"maintenance mode to enabled\] \*+\nchanged: \[web-1\]", run.output)
    assert {current_release(platform, node) for node in WEB} == {"release-c"}
    info = platform.module("web-2", "lms.moodle.moodle_info", "dirroot=/var/www/moodle/current")
    assert str(info["db_version"]) == new_version and info["upgrade_pending"] is False
    assert info["maintenance"]["enabled"] is False
    page = subprocess.run(
        ["curl", "-fsS", f"{platform.url}/login/index.php"], check=False, capture_output=True, text=True
    )
    assert 'id="login"' in page.stdout


def test_a_new_instance_joins_through_the_user_data_and_serves(platform):
    run = platform.playbook("local/scale_out.yml")

    print(f"scale-out (fresh container, user data, node.yml): {run.seconds:.0f} s")
    assert run.returncode == 0, run.output[-6000:]
    log = platform.exec("web-3", "cat", "/var/log/lms-moodle-bootstrap.log")
    assert "lms-moodle-bootstrap: done" in log
    assert current_release(platform, "web-3") == "release-c", "the new node did not get the catalogue's release"
    platform.wait_for_states({"web-1": "UP", "web-2": "UP", "web-3": "UP"})
    session = platform.login()
    served = set()
    for _attempt in range(9):
        page = platform.dashboard(session)
        assert page.status_code == 200 and LOGGED_IN in page.text
        served.add(page.headers["X-Served-By"])
    assert "web-3" in served, served
    # The new node reports its readiness to CloudWatch (what the dependency alarms watch), as every minute.
    platform.exec("web-3", "systemctl", "start", "moodle-readiness.service")
    cloudwatch = boto3.client("cloudwatch", endpoint_url=platform.moto_url, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    metrics = cloudwatch.list_metrics(Namespace="LMS/Moodle", MetricName="DependencyReady")["Metrics"]
    reported = sorted(
        d["Value"] for m in metrics for d in m["Dimensions"] if d["Name"] == "Dependency"
        if {"Name": "Environment", "Value": platform.environment} in m["Dimensions"]
    )  # fmt: skip
    assert reported == ["db", "session"], metrics


def test_no_write_moodle_acknowledged_during_the_suite_was_lost(platform):
    """Across every fault, deploy, upgrade and the new node: each user and file Moodle acknowledged to the writers
    is still there, as every node sees Moodle, the new one too, and each file's content hashes to what was sent."""
    users, files = len(platform.ledger.users), len(platform.ledger.files)
    print(f"acknowledged writes over the suite: {users} users, {files} files")
    assert users >= 10 and files >= 10, "too few acknowledged writes for the check to mean anything"
    assert platform.lost_writes((*WEB, "web-3")) == []


def test_demo_clean_tears_the_aws_side_down_and_leaves_nothing(platform):
    before = platform.leftovers()
    assert "lms-ci-web-3" in before["containers"], before

    run = platform.run("bash", "scripts/demo.sh", "clean")

    print(f"demo clean: {run.seconds:.0f} s")
    assert run.returncode == 0, run.output[-6000:]
    assert f"removing the AWS side of {platform.environment} with teardown.yml" in run.output
    assert "PLAY [Remove the AWS side of a Moodle environment]" in run.output
    assert run.recap["localhost"]["failed"] == 0
    assert run.output.count(", 0 failed") == 5 and "FAIL left behind" not in run.output, run.output[-4000:]
    for container in before["containers"]:
        assert container in run.output, f"{container} is not reported as removed"
    assert platform.leftovers() == {"containers": [], "networks": [], "volumes": []}
    assert "Demo removed." in run.output
