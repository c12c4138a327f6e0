#!/bin/sh
# install-deps.sh - install the Debian packages vessel needs to build and to
# run its tests, only those that are missing.  Idempotent; needs root on a
# Debian 12 machine.  `apt-get update` runs once, and only when something
# must be installed.
#
#   scripts/install-deps.sh           build + every test suite
#   scripts/install-deps.sh --build   only what `make` and a busybox bundle need
set -eu

BUILD="gcc make pkg-config libc6-dev libseccomp-dev libcap-dev libyajl-dev libselinux1-dev libmnl-dev busybox-static"
TEST="libcmocka-dev bats bats-support bats-assert bats-file busybox-static jq python3 procps
      util-linux iproute2 tmux runc crun containerd podman conmon catatonit docker.io
      qemu-system-x86 cpio strace mmdebstrap e2fsprogs"

want="$BUILD"
[ "${1:-}" = "--build" ] || want="$BUILD $TEST"

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages are installed"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: need root to install:$missing" >&2
  exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Daemons in the packages (docker.io, containerd) must not start on install:
# the tests start their own, privately.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  made_policy=1
fi
trap '[ "$made_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
