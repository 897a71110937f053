#!/usr/bin/env bash
# The network test with zombienet (native provider), 0001-network.zndsl: four validators up,
# finality rising, a fifth validator joining by staking with its nominator paid exactly,
# an equivocating validator reported, disabled and slashed (pos.js), and finality
# continuing after one validator is killed (SIGKILL).
# Takes about 5 minutes once zerog-node is built. Its first step is a 10-second load
# (load.js): 100 transfers a second with a storage upload and a DA blob beside them.
#
#   scripts/zombienet.sh              the network test
#   scripts/zombienet.sh load [SECONDS [RATE]]
#                                     the load alone on the four validators
#                                     (load-testnet.toml), 30 s at 1,000 transfers/s by
#                                     default; prints its figures as a JSON line
set -euo pipefail
source "$(dirname "$0")/common.sh"

zg_setup
[ -x "$ZEROG_NODE" ] || zg_build
zg_npm "$ZG_ROOT/zombienet"

work="$(mktemp -d -t zerog-zombienet-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# One cache of the runtime's compiled code for every node (the tomls' --wasm-cache-dir):
# zombienet starts them one after another, and only the first compiles.
export ZEROG_WASM_CACHE="$work/wasm-cache"
export PATH="$(dirname "$ZEROG_NODE"):$PATH"
cd "$ZG_ROOT/zombienet"
# The network runs the `local` preset's genesis as it is (local-testnet.toml).
mkdir -p .spec
"$ZEROG_NODE" build-spec --chain local --raw > .spec/local-raw.json 2>/dev/null
test=0001-network.zndsl
if [ "${1:-}" = load ]; then
	test=.spec/load.zndsl
	cat > "$test" <<ZNDSL
Description: ${3:-1000} transfers a second for ${2:-30} s on four validators, beside a storage upload and a DA blob.
Network: ../load-testnet.toml
Creds: config

alice: is up
alice: reports finalised height is at least 3 within 120 seconds
alice: js-script ../load.js with "${2:-30},${3:-1000}" return is 0 within 900 seconds
ZNDSL
fi
zg_log "zombienet: $test, logs in $work"
if ! npx --no-install zombienet --provider native --dir "$work/net" --force test "$test"; then
	for f in "$work"/net/*.log; do [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 40 "$f"; }; done
	exit 1
fi
