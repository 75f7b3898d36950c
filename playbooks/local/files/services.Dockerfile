# The stand-ins for AWS's managed services in the local inventory (inventories/local): Aurora PostgreSQL,
# ElastiCache Redis/Valkey and Memcached, the ALB and the AWS APIs (moto), one image for all, built on the
# locally bootstrapped Debian 12 systemd image. Each container enables only the service it stands in for.
ARG BASE=lms-moodle/debian12-systemd:latest
FROM ${BASE}
ARG MOTO_VERSION
ENV DEBIAN_FRONTEND=noninteractive
# No service may start while the image is built.
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \
 && apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends postgresql redis-server memcached haproxy socat python3-venv openssl \
 && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \
 && systemctl disable postgresql redis-server memcached haproxy
RUN python3 -m venv /opt/moto \
 && /opt/moto/bin/pip install --quiet --disable-pip-version-check \
      --cert /usr/local/share/ca-certificates/host-bundle.crt "moto[server]==${MOTO_VERSION}"
# PostgreSQL on the network with password logins, as Aurora takes them.
RUN conf=$(ls -d /etc/postgresql/*/main) \
 && echo "listen_addresses = '*'" > "$conf/conf.d/lms.conf" \
 && echo 'host all all 0.0.0.0/0 scram-sha-256' >> "$conf/pg_hba.conf"
# Debian's Redis unit asks for a user namespace (PrivateUsers), which these containers cannot create; the
# configuration (TLS, AUTH) is written when the environment's credentials exist (playbooks/local_services.yml).
# moto loads the AWS-managed IAM policies (AmazonSSMManagedInstanceCore) every account has.
RUN mkdir -p /etc/systemd/system/redis-server.service.d \
 && printf '[Service]\nPrivateUsers=false\nExecStart=\nExecStart=/usr/bin/redis-server /etc/redis/lms.conf --supervised systemd --daemonize no\n' \
      > /etc/systemd/system/redis-server.service.d/lms.conf \
 && sed -i 's/^-l .*/-l 0.0.0.0/' /etc/memcached.conf \
 && printf '[Unit]\nDescription=moto server (the AWS APIs)\n[Service]\nEnvironment=MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_ACM_VALIDATION_WAIT=5\nExecStart=/opt/moto/bin/moto_server -H 0.0.0.0 -p 5000\n[Install]\nWantedBy=multi-user.target\n' \
      > /etc/systemd/system/moto.service
