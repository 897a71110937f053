#!/usr/bin/env bash
# The zombienet stage (native provider), two networks one after the other:
#   1. the load on the `local` preset's four validators alone (load-testnet.toml, load.js):
#      1,000 transfers a second for 10 s beside a storage upload and a DA blob; every
#      transfer finalized, the upload downloaded intact, the blob confirmed, finality
#      within 3 blocks of the head;
#   2. the network test, 0001-network.zndsl: four validators up, finality rising, a fifth
#      validator joining by staking with its nominator paid exactly, an equivocating
#      validator reported, disabled and slashed (pos.js), and finality continuing after
#      one validator is killed (SIGKILL).
# Takes about 5 minutes once zerog-node is built.
#
#   scripts/zombienet.sh              both
#   scripts/zombienet.sh load [SECONDS [RATE]]
#                                     the load alone, 30 s at 1,000 transfers/s by
#                                     default (the measured version in
#                                     docs/performance.md); prints its figures as a JSON line
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
# The load on the four validators alone, as a zndsl test of SECONDS at RATE.
load_test() {
	cat > .spec/load.zndsl <<ZNDSL
Description: $2 transfers a second for $1 s on four validators, beside a storage upload and a DA blob.
Network: ../load-testnet.toml
Creds: config

alice: is up
alice: reports finalised height is at least 3 within 120 seconds
alice: js-script ../load.js with "$1,$2" return is 0 within 900 seconds
ZNDSL
	echo .spec/load.zndsl
}
run_test() {
	zg_log "zombienet: $1, logs in $work/$2"
	if ! npx --no-install zombienet --provider native --dir "$work/$2" --force test "$1"; then
		for f in "$work/$2"/*.log; do [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 40 "$f"; }; done
		exit 1
	fi
}
if [ "${1:-}" = load ]; then
	run_test "$(load_test "${2:-30}" "${3:-1000}")" load
else
	run_test "$(load_test 10 1000)" load
	run_test 0001-network.zndsl net
fi
