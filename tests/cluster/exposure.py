"""What the site shows the internet, probed through the load balancer: the paths Moodle's own security check
(core\\check\\environment\\publicpaths, lib/classes/check/environment/publicpaths.php) expects to answer 404, files
that give away versions, the node-only status pages asked with a forged X-Forwarded-For, and the response headers.

The CI stand-in of Moodle does not hold most of these files, and a missing file answers 404 whatever Apache's rules
say: the probe first plants each one, with a marker as content, in the release every node serves, so that a 404 shows
the rule and not the file's absence. The planted files are removed afterwards."""

from __future__ import annotations

import subprocess
from typing import NamedTuple

DOCROOT = "/var/www/moodle/current"
MARKER = "lmsprobe-exposed"

# Moodle's publicpaths list (Moodle 4.4), then files that name versions, then the rest of a source tree's internals.
DENIED = (
    "vendor/",
    "vendor/bin/behat",
    "node_modules/",
    "node_modules/cli/cli.js",
    ".git/",
    ".git/HEAD",
    ".github/FUNDING.yml",
    ".stylelintrc",
    "composer.json",
    "composer.lock",
    "admin/environment.xml",
    "lib/db/install.xml",
    "mod/assign/db/install.xml",
    "lib/scssphp/readme_moodle.txt",
    "mod/resource/readme.txt",
    "mod/README.txt",
    "mod/book/README.md",
    "mod/chat/README.txt",
    "auth/manual/upgrade.txt",
    "lib/upgrade.txt",
    "phpunit.xml.dist",
    "privacy/tests/fixtures/logo.png",
    "enrol/lti/tests/fixtures/input.xml",
    "blog/tests/behat/delete.feature",
    "lib/thirdpartylibs.xml",
    "npm-shrinkwrap.json",
    "package.json",
    "Gruntfile.js",
    "phpcs.xml.dist",
    "INSTALL.txt",
    "TRADEMARK.txt",
    "UPGRADING.md",
    "config-dist.php",
    ".env",
    "yarn.lock",
    "behat.yml.dist",
)
# Controls: the same kind of files where nothing forbids them, so that a blanket rule cannot pass the probe.
SERVED = ("lib/lmsprobe-style.css", "theme/lmsprobe.js", "lib/lmsprobe-fonts.txt")


class Answer(NamedTuple):
    status: str
    body: str
    headers: dict[str, str]  # lower-case names


def ask(url: str, *headers: str, method: str = "GET") -> Answer:
    """One request made from this machine."""
    command = ["curl", "-s", "-X", method, "-D", "-", "--max-time", "30", url]
    for header in headers:
        command += ["-H", header]
    # Bytes, decoded by hand: text mode would turn the CRLFs that end the headers into plain newlines.
    out = subprocess.run(command, check=False, capture_output=True).stdout.decode("utf-8", "replace")
    head, body = out.split("\r\n\r\n", 1) if "\r\n\r\n" in out else (out, "")
    lines = head.split("\r\n")
    status = lines[0].split(" ")[1] if " " in lines[0] else ""
    pairs = (line.split(":", 1) for line in lines[1:] if ":" in line)
    return Answer(status, body, {name.strip().lower(): value.strip() for name, value in pairs})


def plant(platform, nodes, paths) -> list[str]:
    """Write the marker into every probed file a node lacks; return the files written (the same on every node)."""
    files = [f"{DOCROOT}/{path}" for path in paths if not path.endswith("/")]
    script = "; ".join(
        f'[ -e {f} ] || {{ mkdir -p "$(dirname {f})" && echo {MARKER} > {f} && echo {f}; }}' for f in files
    )
    written = []
    for node in nodes:
        written = platform.exec(node, "sh", "-c", script).split()
    return written


def remove(platform, nodes, files) -> None:
    """Remove what plant() wrote: the files holding the marker, then the directories that are left empty."""
    script = "; ".join(
        f'grep -qx {MARKER} {f} && rm -f {f}; rmdir -p --ignore-fail-on-non-empty "$(dirname {f})" 2>/dev/null'
        for f in files
    )
    for node in nodes:
        platform.exec(node, "sh", "-c", script + "; true")
