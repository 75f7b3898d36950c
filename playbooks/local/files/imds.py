"""The EC2 instance metadata service (IMDSv2) of one local instance: the token, the region and the instance id.

    imds.py PORT REGION INSTANCE_ID

Listens on 127.0.0.1 only. Enough for the launch template's user data (roles/web_fleet/templates/user-data.sh.j2),
which the local platform runs with LMS_MOODLE_IMDS pointing here.
"""

import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, REGION, INSTANCE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
TOKENS: set[str] = set()
METADATA = {"/latest/meta-data/placement/region": REGION, "/latest/meta-data/instance-id": INSTANCE}


class Handler(BaseHTTPRequestHandler):
    def answer(self, status: int, body: str = "") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path != "/latest/api/token" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self.answer(400)
            return
        token = secrets.token_urlsafe(24)
        TOKENS.add(token)
        self.answer(200, token)

    def do_GET(self) -> None:  # noqa: N802
        # IMDSv2 only, as the launch template requires (HttpTokens=required).
        if self.headers.get("X-aws-ec2-metadata-token") not in TOKENS:
            self.answer(401)
        elif self.path in METADATA:
            self.answer(200, METADATA[self.path])
        else:
            self.answer(404)


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
