#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine as root:
#   scripts/test.sh
# sanity (ansible-test) -> ansible-lint -> collection build + ansible-doc -> docs lint and HTML site -> changelog lint ->
# execution environment -> module checklist -> unit tests ->
# real-kernel tests on pyroute2 0.9.x (PyPI) and 0.7.2 (Debian 12) -> integration targets -> molecule -> benchmark smoke.
# Every real-kernel test runs in a throwaway sandbox (private mount + network namespace).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
export NO_COLOR=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0

./scripts/setup.sh --test || exit 1
PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=$ROOT/.build/collections

SUMMARY=()
failed=0
STEP=
STEP_START=0
begin() { STEP=$1; STEP_START=$SECONDS; echo; echo "=================== $STEP"; }
end() {
  if [ "$1" = 0 ]; then SUMMARY+=("ok      $STEP ($((SECONDS - STEP_START)) s)")
  else SUMMARY+=("FAILED  $STEP ($((SECONDS - STEP_START)) s)"); failed=1; fi
}

# a copy of the tree at .build/NAME/ansible_collections/labnet/netns, where ansible-test runs
copy_tree() {
  local dest=$ROOT/.build/$1/ansible_collections/labnet/netns
  rm -rf "$dest" && mkdir -p "$dest"
  git ls-files -co --exclude-standard | while read -r f; do [ -e "$f" ] && echo "$f"; done |
    tar -cf - -T - | tar -xf - -C "$dest"
  # its own git repository: ansible-test lists the files through git, and this tree's is ignored
  (cd "$dest" && git init -q && git add -A) || return 1
  echo "$dest"
}

sanity() {
  # ansible-test runs only from .../ansible_collections/labnet/netns: test a copy of the tree
  local dest v
  dest=$(copy_tree sanity) || return 1
  # ansible-test bootstraps pip in its sanity venvs from a download host that is not reachable
  # here; this local stand-in does the same with ensurepip + pip (PyPI is reachable).
  mkdir -p "$HOME/.ansible/test/cache"
  for v in 24.2 25.0 25.1 25.2 25.3; do
    cp tests/utils/get_pip_substitute.py "$HOME/.ansible/test/cache/get_pip_${v//./_}.py"
  done
  (cd "$dest" &&
   ansible-test sanity --local --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
}

integration() {
  # every target re-executes itself in a private mount + network namespace
  # (tests/integration/targets/setup_sandbox), so --allow-destructive touches no host state
  local dest
  dest=$(copy_tree integration) || return 1
  (cd "$dest" && ansible-test integration --local --allow-destructive \
     --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
}

docs() {
  local out=$ROOT/.build/dist f m
  rm -rf "$out" && mkdir -p "$out/install"
  ansible-galaxy collection build --force --output-path "$out" . >/dev/null || return 1
  ANSIBLE_COLLECTIONS_PATH=$out/install ansible-galaxy collection install --force -p "$out/install" \
    "$out"/labnet-netns-*.tar.gz >/dev/null || return 1
  for f in plugins/modules/*.py; do
    m=$(basename "$f" .py)
    ANSIBLE_COLLECTIONS_PATH=$out/install ansible-doc "labnet.netns.$m" | grep -q "RETURN VALUES" ||
      { echo "ansible-doc $m incomplete"; return 1; }
  done
  echo "built $(basename "$out"/labnet-netns-*.tar.gz); ansible-doc shows every module"
}

begin "sanity (ansible-test)"; sanity; end $?
begin "ansible-lint (whole tree)"; ansible-lint --offline -q; end $?
begin "build + ansible-doc"; docs; end $?
begin "docs lint + HTML site (antsibull-docs, Sphinx)"; ./scripts/docs-site.sh; end $?
begin "changelog lint (antsibull-changelog)"
antsibull-changelog lint && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml; end $?
begin "execution environment (ansible-builder create + introspect)"; ./scripts/check-ee.sh; end $?
begin "every module: action group, attributes, integration target"; python scripts/check_collection.py; end $?
begin "unit tests"
PYTHONPATH=$ROOT/.build/collections python -m pytest -q -p no:cacheprovider tests/unit; end $?
begin "kernel tests, pyroute2 $(python -c 'import pyroute2; print(pyroute2.__version__)') (PyPI)"
python -m pytest -q -p no:cacheprovider tests/kernel; end $?
begin "kernel tests, pyroute2 $(dpkg-query -W -f='${Version}' python3-pyroute2) (Debian 12)"
LABNET_TEST_PYTHON=$ROOT/.venv-debian/bin/python python -m pytest -q -p no:cacheprovider tests/kernel; end $?
begin "integration (ansible-test integration, each target in a sandbox)"; integration; end $?
begin "molecule"; ./scripts/molecule.sh; end $?
begin "fleet tests: fleet.yml over SSH on simulated hosts (tests/fleet)"
python -m pytest -q -p no:cacheprovider tests/fleet; end $?
begin "benchmark smoke (N=3; the real one: benchmarks/bench.py)"; python benchmarks/bench.py --sizes 3; end $?

echo; echo "=================== summary"
printf '%s\n' "${SUMMARY[@]}"
exit $failed
