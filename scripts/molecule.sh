#!/usr/bin/env bash
# Run the molecule scenarios, each inside a sandbox (private mount + network namespace with its
# own /run/netns and iptables), so the host's firewall and names are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
export ANSIBLE_COLLECTIONS_PATH=$PWD/.build/collections
export NO_COLOR=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
mkdir -p /run/netns
rc=0
for scenario in "${@:-bridge_topology bridge_topology_no_rule}"; do
  for s in $scenario; do
    echo "== molecule scenario $s"
    unshare --mount --net --propagation private -- sh -c \
      'mount -t tmpfs tmpfs /run/netns && ip link set lo up && cd extensions && exec "$0" test -s "$1"' \
      "$PWD/.venv/bin/molecule" "$s" || rc=1
  done
done
exit $rc
