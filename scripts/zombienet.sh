#!/usr/bin/env bash
# Four-validator network test with zombienet (native provider): all validators up,
# finality rising, and finality continuing after one validator is killed (SIGKILL).
# Takes about 2 minutes once zerog-node is built.
set -euo pipefail
source "$(dirname "$0")/common.sh"

zg_setup
[ -x "$ZEROG_NODE" ] || zg_build
zg_npm "$ZG_ROOT/zombienet"

work="$(mktemp -d -t zerog-zombienet-XXXXXX)"
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$ZEROG_NODE"):$PATH"
cd "$ZG_ROOT/zombienet"
zg_log "zombienet: 4 validators, logs in $work"
if ! npx --no-install zombienet --provider native --dir "$work/net" --force test 0001-finality.zndsl; then
	for f in "$work"/net/*.log; do [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 40 "$f"; }; done
	exit 1
fi
