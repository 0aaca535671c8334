#!/usr/bin/env bash
# Run a command in a throwaway "fake host": a private mount + network namespace with its own
# /run/netns, iptables and sysctls. Everything made inside vanishes when the command exits;
# the real host is not touched (only the empty mount points below are created on it).
#   scripts/sandbox.sh COMMAND [ARGS...]
set -euo pipefail
if [ "${LABNET_IN_SANDBOX:-}" != 1 ]; then
  mkdir -p /run/netns /run/labnet-netns
  LABNET_IN_SANDBOX=1 exec unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs tmpfs /run/netns
mount -t tmpfs tmpfs /run/labnet-netns
ip link set lo up
exec "$@"
