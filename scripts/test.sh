#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine as root:
#   scripts/test.sh
# sanity (ansible-test) -> ansible-lint -> collection build + ansible-doc -> unit tests ->
# real-kernel tests on pyroute2 0.9.x (PyPI) and 0.7.2 (Debian 12) -> molecule.
# Every real-kernel test runs in a throwaway sandbox (private mount + network namespace).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export NO_COLOR=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0

./scripts/setup.sh --test || exit 1
PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=$ROOT/.build/collections

declare -a SUMMARY=()
failed=0
step() {  # NAME COMMAND...
  local name=$1; shift
  echo; echo "=================== $name"
  local start=$SECONDS
  if "$@"; then SUMMARY+=("ok      $name ($((SECONDS - start)) s)")
  else SUMMARY+=("FAILED  $name ($((SECONDS - start)) s)"); failed=1; fi
}

sanity() {
  # ansible-test runs only from .../ansible_collections/labnet/netns: test a copy of the tree
  local dest=$ROOT/.build/sanity/ansible_collections/labnet/netns
  rm -rf "$dest" && mkdir -p "$dest"
  git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$dest"
  # ansible-test bootstraps pip in its sanity venvs from a download host that is not reachable
  # here; this local stand-in does the same with ensurepip + pip (PyPI is reachable).
  local cache=$HOME/.ansible/test/cache
  mkdir -p "$cache"
  local v
  for v in 24.2 25.0 25.1 25.2 25.3; do
    cp tests/utils/get_pip_substitute.py "$cache/get_pip_${v//./_}.py"
  done
  (cd "$dest" && git init -q && git add -A && \
   ansible-test sanity --local --python "$("$ROOT/.venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
}

lint() { ansible-lint --offline -q roles playbooks extensions; }

docs() {
  local out=$ROOT/.build/dist
  rm -rf "$out" && mkdir -p "$out/install"
  ansible-galaxy collection build --force --output-path "$out" . >/dev/null &&
  ANSIBLE_COLLECTIONS_PATH=$out/install ansible-galaxy collection install --force -p "$out/install" "$out"/labnet-netns-*.tar.gz >/dev/null &&
  for m in $(ls plugins/modules | sed -n "s/\.py$//p"); do
    ANSIBLE_COLLECTIONS_PATH=$out/install ansible-doc labnet.netns.$m | grep -q "RETURN VALUES" || { echo "ansible-doc $m incomplete"; return 1; }
  done && echo "built $(ls "$out"/*.tar.gz) and ansible-doc shows every module"
}

units() { PYTHONPATH=$ROOT/.build/collections python -m pytest -q -p no:cacheprovider tests/unit; }
kernel() { python -m pytest -q -p no:cacheprovider tests/kernel; }
kernel_debian() {
  LABNET_TEST_PYTHON=$ROOT/.venv-debian/bin/python python -m pytest -q -p no:cacheprovider tests/kernel
}

step "sanity (ansible-test)" sanity
step "ansible-lint" lint
step "build + ansible-doc" docs
step "unit tests" units
step "kernel tests, pyroute2 $(python -c 'import pyroute2; print(pyroute2.__version__)')" kernel
step "kernel tests, Debian python3-pyroute2 $(dpkg-query -W -f='${Version}' python3-pyroute2)" kernel_debian
step "molecule" ./scripts/molecule.sh

echo; echo "=================== summary"
printf '%s\n' "${SUMMARY[@]}"
exit $failed
