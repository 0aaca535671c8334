# shellcheck shell=bash
# Sourced by the runme.sh of every target: runs the target inside a throwaway "fake host", a
# private mount + network namespace with its own /run/netns, /run/labnet-netns, links, iptables
# and sysctls, like the kernel tests (tests/kernel/conftest.py). Everything the target makes
# vanishes when it exits; the host is not touched (only the empty mount points are made on it).
# Then it runs the target's tasks/main.yml as a role, with the arguments given to runme.sh.
set -eu
if [ "${LABNET_IN_SANDBOX:-}" != 1 ]; then
  mkdir -p /run/netns /run/labnet-netns
  LABNET_IN_SANDBOX=1 exec unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs tmpfs /run/netns
mount -t tmpfs tmpfs /run/labnet-netns
ip link set lo up
set -x
exec ansible-playbook -i "${INVENTORY_PATH}" "$(dirname "${BASH_SOURCE[0]}")/run_target.yml" -e "target_dir=${PWD}" "$@"
