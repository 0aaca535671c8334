#!/usr/bin/env bash
# The target's tasks run in a sandbox: a private mount + network namespace.
source ../setup_sandbox/sandbox.sh
