#!/usr/bin/env bash
# Set up this checkout on Debian 12, as root:
#   scripts/setup.sh          system packages, .venv (ansible-core + pyroute2 0.9.x, pinned), collection path
#   scripts/setup.sh --test   also the test tools, and .venv-debian: Debian's python3 with Debian's
#                             python3-pyroute2 0.7.2, to test the oldest pyroute2 we support
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TEST=0
[ "${1:-}" = "--test" ] && TEST=1

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)" >&2
  exit 1
fi

packages=(iproute2 iptables iputils-ping procps python3 python3-venv)
[ $TEST = 1 ] && packages+=(python3-pyroute2 busybox-static git docker.io podman runc graphviz shellcheck openssh-server openssh-client sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ansible-core 2.19 needs Python >= 3.11 on the controller (Debian 12's python3 is 3.11).
find_python() {
  local c
  for c in "${LABNET_PYTHON:-}" /usr/bin/python3 python3.13 python3.12 python3.11 python3 \
           /root/.pyenv/versions/3.1[1-3]*/bin/python3; do
    [ -n "$c" ] || continue
    command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  return 1
}
PY=$(find_python) || { echo "setup.sh: no Python >= 3.11 with venv found (install python3 and python3-venv, or set LABNET_PYTHON)" >&2; exit 1; }

# (re)create a venv when its requirements changed
make_venv() {  # DIR PYTHON STAMP VENV-ARGS... -- PIP-ARGS...
  local dir=$1 py=$2 stamp=$3; shift 3
  local venv_args=() pip_args=()
  while [ "$1" != "--" ]; do venv_args+=("$1"); shift; done; shift
  pip_args=("$@")
  if [ -f "$dir/.labnet-stamp" ] && [ "$(cat "$dir/.labnet-stamp")" = "$stamp" ]; then return 0; fi
  echo "setup.sh: creating $dir with $py"
  rm -rf "$dir"
  "$py" -m venv "${venv_args[@]}" "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check "${pip_args[@]}"
  echo "$stamp" > "$dir/.labnet-stamp"
}

reqs=(-r requirements.txt)
files=(requirements.txt)
if [ $TEST = 1 ]; then reqs+=(-r tests/requirements.txt); files+=(tests/requirements.txt); fi
stamp=$(cat "${files[@]}" | sha256sum | cut -c1-16)-$TEST
# a test venv also serves plain use: keep it
if [ $TEST = 0 ] && [ -f .venv/.labnet-stamp ] && [ "${stamp%-0}" = "$(cut -d- -f1 .venv/.labnet-stamp)" ]; then
  stamp=$(cat .venv/.labnet-stamp)
fi
make_venv .venv "$PY" "$stamp" -- "${reqs[@]}"

if [ $TEST = 1 ]; then
  # Debian's own python3 and python3-pyroute2 (0.7.2 on Debian 12) + ansible-core to run modules directly
  core=$(grep '^ansible-core==' requirements.txt)
  make_venv .venv-debian /usr/bin/python3 "$core-debian" --system-site-packages -- "$core"
fi

# the collection is found as labnet.netns through this path (ansible.cfg points here)
mkdir -p .build/collections/ansible_collections/labnet
ln -sfn "$ROOT" .build/collections/ansible_collections/labnet/netns
mkdir -p /run/netns
version=$("$ROOT/.venv/bin/ansible" --version)
echo "setup.sh: ready (${version%%$'\n'*}, pyroute2 $("$ROOT/.venv/bin/python" -c 'import pyroute2; print(pyroute2.__version__)'))"
