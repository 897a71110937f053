#!/usr/bin/env bash
# The network test with zombienet (native provider), 0001-network.zndsl: four validators up,
# finality rising, a fifth validator joining by staking with its nominator paid exactly,
# an equivocating validator reported, disabled and slashed (pos.js), and finality
# continuing after one validator is killed (SIGKILL).
# Takes about 5 minutes once zerog-node is built.
set -euo pipefail
source "$(dirname "$0")/common.sh"

zg_setup
[ -x "$ZEROG_NODE" ] || zg_build
zg_npm "$ZG_ROOT/zombienet"

work="$(mktemp -d -t zerog-zombienet-XXXXXX)"
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$ZEROG_NODE"):$PATH"
cd "$ZG_ROOT/zombienet"
# The network runs the `local` preset's genesis as it is (local-testnet.toml).
mkdir -p .spec
"$ZEROG_NODE" build-spec --chain local --raw > .spec/local-raw.json 2>/dev/null
zg_log "zombienet: 4 validators, logs in $work"
if ! npx --no-install zombienet --provider native --dir "$work/net" --force test 0001-network.zndsl; then
	for f in "$work"/net/*.log; do [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 40 "$f"; }; done
	exit 1
fi
