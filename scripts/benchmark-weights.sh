#!/usr/bin/env bash
# Regenerates the pallets' weights.rs with `zerog-node benchmark pallet`: builds the node
# with the runtime-benchmarks feature (the Benchmark runtime API and the pallets'
# benchmarks, in the node's embedded Wasm), runs every benchmark of each pallet on the
# dev chain and writes weights through scripts/benchmark/weight-template.hbs.
#
#   scripts/benchmark-weights.sh            # STEPS=50 REPEAT=20 by default
#
# The node binary it leaves behind has benchmarking compiled in; the next
# scripts/run.sh or scripts/test.sh rebuilds the normal one.
set -euo pipefail
source "$(dirname "$0")/common.sh"

zg_setup
# pallet-revive's benchmarks pull in its test fixtures, whose build script compiles
# Solidity with a native solc; ZeroG's pallets do not need them.
export SKIP_PALLET_REVIVE_FIXTURES=1
zg_log "building zerog-node with --features runtime-benchmarks"
(cd "$ZG_ROOT" && cargo build --release --locked -p zerog-node --features runtime-benchmarks) \
	|| zg_die "cargo build failed"

bench() {
	local pallet="$1" dir="$2"
	zg_log "benchmarking $pallet"
	"$ZEROG_NODE" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--template "$ZG_ROOT/scripts/benchmark/weight-template.hbs" \
		--header "$ZG_ROOT/scripts/benchmark/header-${dir##*/}.txt" \
		--output "$ZG_ROOT/$dir/src/weights.rs"
}

bench pallet_storage_market pallets/storage-market
bench pallet_compute_market pallets/compute-market
bench pallet_da_commitments pallets/da-commitments
bench pallet_inft pallets/inft
