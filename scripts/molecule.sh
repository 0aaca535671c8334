#!/usr/bin/env bash
# Run the molecule scenarios (default: all), each inside a sandbox (scripts/sandbox.sh), so the
# host's firewall and names are never touched.
#   scripts/molecule.sh [SCENARIO...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH=$ROOT/.venv/bin:$PATH ANSIBLE_COLLECTIONS_PATH=$ROOT/.build/collections
export NO_COLOR=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(bridge_topology bridge_topology_no_rule)
rc=0
for s in "${scenarios[@]}"; do
  echo "== molecule scenario $s"
  # forget state from earlier runs (it is kept per scenario name, across checkouts), so that
  # prepare always runs
  (cd extensions && molecule reset -s "$s" >/dev/null 2>&1) || echo "molecule reset -s $s failed"
  (cd extensions && "$ROOT/scripts/sandbox.sh" molecule test -s "$s") || rc=1
done
exit $rc
