#!/usr/bin/env bash
# The collection's HTML documentation site, built with antsibull-docs and Sphinx:
#   scripts/docs-site.sh [DEST]      (default .build/docsite; the pages: DEST/build/html/index.html)
# Lints the plugin docs first (antsibull-docs lint-collection-docs --plugin-docs), then lays out a
# Sphinx project with `antsibull-docs sphinx-init` (nothing of it is kept in the repository) and
# builds it from the current checkout. Checks that every module, filter and role has its page.
# Needs antsibull-docs, sphinx and sphinx-ansible-theme (scripts/setup.sh --test installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
dest=$(realpath -m "${1:-.build/docsite}")
# the collection as labnet.netns (scripts/setup.sh makes this link)
mkdir -p .build/collections/ansible_collections/labnet
[ -e .build/collections/ansible_collections/labnet/netns ] || ln -sfn "$ROOT" .build/collections/ansible_collections/labnet/netns
export ANSIBLE_COLLECTIONS_PATH=$ROOT/.build/collections
cd .build/collections/ansible_collections/labnet/netns
antsibull-docs lint-collection-docs --plugin-docs .
rm -rf "$dest" && mkdir -p "$dest"
antsibull-docs sphinx-init --use-current --dest-dir "$dest" --lenient --fail-on-error labnet.netns >/dev/null
# Sphinx warnings come from links to the Ansible docs, which this machine cannot reach
"$dest/build.sh" >"$dest/build.log" 2>&1 || { tail -30 "$dest/build.log"; exit 1; }
html=$dest/build/html/collections/labnet/netns
missing=0
for f in "$ROOT"/plugins/modules/*.py; do
  page=$html/$(basename "$f" .py)_module.html
  [ -s "$page" ] || { echo "no page for module $(basename "$f" .py)"; missing=1; }
done
for f in "$ROOT"/plugins/filter/*.py "$ROOT"/plugins/filter/*.yml; do
  name=$(sed -n 's/^ *name: \([a-z_]*\)$/\1/p' "$f" | head -1)
  [ -z "$name" ] || [ -s "$html/${name}_filter.html" ] || { echo "no page for filter $name"; missing=1; }
done
for r in "$ROOT"/roles/*/; do
  [ -s "$html/$(basename "$r")_role.html" ] || { echo "no page for role $(basename "$r")"; missing=1; }
done
[ $missing = 0 ] && echo "docs site: $dest/build/html/index.html ($(find "$html" -name '*.html' | wc -l) pages for labnet.netns)"
exit $missing
