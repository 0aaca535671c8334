#!/usr/bin/env bash
# Test of the execution environment without building an image (no registry here):
# scripts/ee.sh makes the build context; then the two steps of the image build that concern this
# collection run here as they would in the image: the galaxy stage installs the collection from
# the context's requirements.yml, and the builder stage's introspect.py collects its Python and
# system dependencies from meta/execution-environment.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
ctx=$PWD/.build/ee/context
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./scripts/ee.sh "$ctx" >/dev/null
[ -f "$ctx/Containerfile" ] || { echo "no Containerfile in $ctx"; exit 1; }
(cd "$ctx/_build" && ANSIBLE_COLLECTIONS_PATH=$tmp/collections ansible-galaxy collection install -r requirements.yml -p "$tmp/collections" >/dev/null)
python "$ctx/_build/scripts/introspect.py" introspect "$tmp/collections" \
  --write-pip "$tmp/pip.txt" --write-bindep "$tmp/bindep.txt" >/dev/null
fail=0
grep -q '^pyroute2>=0\.7\.2 ' "$tmp/pip.txt" || { echo "EE python dependencies lack pyroute2>=0.7.2:"; cat "$tmp/pip.txt"; fail=1; }
if grep -q '==' "$tmp/pip.txt"; then echo "EE python dependencies pin a version:"; cat "$tmp/pip.txt"; fail=1; fi
grep -q '^iptables ' "$tmp/bindep.txt" || { echo "EE system dependencies lack iptables:"; cat "$tmp/bindep.txt"; fail=1; }
for f in ansible.cfg scripts benchmarks requirements.txt tests/kernel extensions; do
  if [ -e "$tmp/collections/ansible_collections/labnet/netns/$f" ]; then echo "the collection ships $f"; fail=1; fi
done
[ $fail = 0 ] && echo "EE build context in $ctx; the collection installs from it and brings $(cut -d' ' -f1 "$tmp/pip.txt" | tr '\n' ' ')and $(cut -d' ' -f1 "$tmp/bindep.txt")"
exit $fail
