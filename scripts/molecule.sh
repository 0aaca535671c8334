#!/usr/bin/env bash
# Run the molecule scenarios (default: all), each inside a sandbox (scripts/sandbox.sh), so the
# host's firewall and names are never touched.
#   scripts/molecule.sh [SCENARIO...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ANSIBLE_COLLECTIONS_PATH=$ROOT/.build/collections
export NO_COLOR=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(bridge_topology bridge_topology_no_rule)
rc=0
for s in "${scenarios[@]}"; do
  echo "== molecule scenario $s"
  (cd extensions && "$ROOT/scripts/sandbox.sh" "$ROOT/.venv/bin/molecule" test -s "$s") || rc=1
done
exit $rc
