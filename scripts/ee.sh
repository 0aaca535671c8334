#!/usr/bin/env bash
# The build context of the collection's execution environment (no image is built here):
#   scripts/ee.sh [CONTEXT_DIR]      (default .build/ee/context)
# Builds the collection into extensions/ee/collections/labnet-netns.tar.gz and runs
# ansible-builder create on extensions/ee/execution-environment.yml. Then, where a registry is
# reachable: podman build -t labnet-netns-ee CONTEXT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
ctx=${1:-.build/ee/context}
out=extensions/ee/collections
rm -rf "$out" "$ctx"
mkdir -p "$out"
ansible-galaxy collection build --force --output-path "$out" . >/dev/null
mv "$out"/labnet-netns-*.tar.gz "$out/labnet-netns.tar.gz"
ansible-builder create -f extensions/ee/execution-environment.yml -c "$ctx"
