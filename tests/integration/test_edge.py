"""The edge tier (load_balancer + cdn, over network + security_groups) against moto with a certificate the user
brings. The edge tier as provision.yml builds it (idempotent, checked with boto3, removed to nothing, HTTPS with a
requested certificate and with the CDN, or plain HTTP without it) is molecule's aws and aws_3az scenarios."""

from __future__ import annotations

import datetime
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.verify import edge_checks

from .conftest import REGION, role_playbook
from .test_check_mode_predicts import changed_tasks

ENVIRONMENT = "edge"
# moto 5.2.5: the stock ALB module cannot set these attributes (load_balancer_manage_attributes is off locally).
SETTINGS = {
    "moodle_environment": ENVIRONMENT,
    "network_az_count": 2,
    "network_nat_gateways": "single",
    "lms_moodle_platform": "local",
    "load_balancer_secret_recovery_window_days": 0,
}
ROLES = ["network", "security_groups", "load_balancer", "cdn"]


def verify(moto, *args: str) -> int:
    return edge_checks.main(["--environment", ENVIRONMENT, "--endpoint-url", moto.url, "--region", REGION, *args])


@pytest.mark.parametrize("cdn", [False])
def test_https_listener_redirects_with_a_certificate(run_playbook, moto, tmp_path, cdn):
    """An imported certificate stands in for an issued one: HTTP redirects, HTTPS serves with TLS 1.3."""
    acm = moto.client("acm")
    arn = acm.import_certificate(**self_signed("moodle.example.com"))["CertificateArn"]
    settings = {**SETTINGS, "cdn_enabled": cdn, "load_balancer_certificate_arn": arn}
    result = run_playbook(role_playbook(tmp_path, ROLES, "present"), settings)
    assert result.returncode == 0, result.output
    assert verify(moto, "--moto-attributes-missing", "--https", "--no-cdn") == 0


def test_a_changed_setting_updates_the_distribution_in_place_and_an_unchanged_one_calls_nothing(
    run_playbook, moto, tmp_path
):
    """The cdn role alone, its origin given: settings it manages changed on an existing distribution (price class,
    origin timeout, a static path, HTTPS to the origin with Host forwarded on the static paths) update that
    distribution, found by its caller reference, instead of creating a second one or leaving it as it was; check mode
    predicts the update task for task; the run after changes nothing."""
    playbook = role_playbook(tmp_path, ["cdn"], "present")
    settings = {**SETTINGS, "cdn_origin_domain_name": "edge-alb-1.us-east-1.elb.amazonaws.com", "cdn_wait": False}
    changed = {
        **settings,
        "cdn_price_class": "PriceClass_100",
        "cdn_origin_read_timeout": 45,
        "cdn_origin_https": True,
        "cdn_static_paths": ["/theme/styles.php*", "/pluginfile.php/*/theme_*"],
    }

    created = run_playbook(playbook, settings)
    assert created.returncode == 0, created.output
    [before] = distributions(moto)
    # The stock module has no check mode: the role predicts the update from the fingerprint it reads.
    predicted = run_playbook(playbook, changed, "--check", "--diff")
    updated = run_playbook(playbook, changed)
    assert updated.returncode == 0, updated.output
    assert predicted.returncode == 0 and changed_tasks(predicted.output) == changed_tasks(updated.output), (
        changed_tasks(predicted.output), changed_tasks(updated.output),
    )  # fmt: skip
    assert f"Would update the CloudFront distribution {before['Id']}" in " ".join(predicted.output.split())
    again = run_playbook(playbook, changed)
    assert again.returncode == 0, again.output

    [after] = distributions(moto)
    assert after["Id"] == before["Id"], "a second distribution was created instead of updating the first"
    assert updated.recap()["changed"] > 0 and again.recap()["changed"] == 0, again.output
    config = moto.client("cloudfront").get_distribution_config(Id=after["Id"])["DistributionConfig"]
    assert config["PriceClass"] == "PriceClass_100"
    [origin] = config["Origins"]["Items"]
    assert int(origin["CustomOriginConfig"]["OriginReadTimeout"]) == 45
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    behaviours = {item["PathPattern"]: item for item in config["CacheBehaviors"].get("Items", [])}
    assert "/pluginfile.php/*/theme_*" in behaviours, list(behaviours)
    for path in ("/theme/styles.php*", "/pluginfile.php/*/theme_*"):
        headers = behaviours[path]["ForwardedValues"]["Headers"].get("Items", [])
        assert headers == ["Host"], f"{path} forwards {headers}: the certificate checked would be the ALB's name"


def distributions(moto) -> list[dict]:
    listing = moto.client("cloudfront").list_distributions()["DistributionList"]
    return [item for item in listing.get("Items", []) if f"Moodle {ENVIRONMENT} " in item["Comment"]]


def self_signed(name: str) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return {
        "Certificate": certificate.public_bytes(serialization.Encoding.PEM),
        "PrivateKey": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        ),
    }


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
