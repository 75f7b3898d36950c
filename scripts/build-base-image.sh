#!/usr/bin/env bash
# Build the Debian 12 systemd base image used by every docker-based molecule scenario.
#
# There is no image registry on the test machines, so the image is bootstrapped from Debian's
# mirror with debootstrap and imported. The image tag carries a hash of this recipe: the image is
# rebuilt only when the recipe (this file) changes, and reused otherwise.
set -euo pipefail

MIRROR="${LMS_MOODLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
REPO=lms-moodle/debian12-systemd
# Packages a web node needs before Ansible can manage it: systemd as PID 1, Python for the modules,
# CA certificates for HTTPS to package registries.
PACKAGES=systemd,systemd-sysv,dbus,python3,python3-apt,ca-certificates,iproute2,procps,sudo,curl,gnupg

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
recipe_hash="$(sha256sum "$here/build-base-image.sh" | cut -c1-12)"
tag="$REPO:$recipe_hash"

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }

workdir="$(mktemp -d /var/tmp/lms-moodle-rootfs.XXXXXX)"
trap 'rm -rf "$workdir"' EXIT
rootfs="$workdir/rootfs"

echo "Bootstrapping Debian $SUITE into $rootfs (recipe $recipe_hash)" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$rootfs" "$MIRROR" >&2

# Same sources as a cloud image, so apt inside the container reaches updates and security fixes.
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
SOURCES

# Units that make no sense in a container and slow down or break boot.
for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
  systemd-remount-fs.service sys-kernel-debug.mount dev-hugepages.mount getty.target \
  systemd-logind.service console-getty.service; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
# The host's CA bundle lets pip inside the container reach the package registry.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/local/share/ca-certificates/host-bundle.crt"
fi
echo 'container' >"$rootfs/etc/hostname"
: >"$rootfs/etc/machine-id"
# No package lists or caches in the image: the first apt run must fetch fresh lists. Deleting the lists makes the
# directory's mtime "now", which apt's cache_valid_time reads as "just refreshed": date it to the epoch and leave no
# update stamp, so that nothing can take the empty lists for fresh ones.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/var/lib/apt/periodic/*stamp*
touch -d @0 "$rootfs/var/lib/apt/lists"

tar -C "$rootfs" -c . | docker import \
  --change 'CMD ["/lib/systemd/systemd"]' \
  --change 'ENV container=docker' \
  - "$tag" >&2
docker tag "$tag" "$REPO:latest"
echo "$tag"
