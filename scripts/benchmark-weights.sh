#!/usr/bin/env bash
# Regenerates the weights the runtime charges, measured on this machine:
#
# - the pallets' weights.rs, and the runtime's weights for pallet-balances, with
#   `zerog-node benchmark pallet` on the dev chain, through the templates in
#   scripts/benchmark/;
# - the runtime's database prices (runtime/src/weights/rocksdb_weights.rs) with
#   `benchmark storage` on a RocksDB database whose state holds ACCOUNTS (200,000 by
#   default) funded accounts besides the dev genesis, so reads and writes are priced
#   against a trie of a live chain's depth, not a nearly empty one;
# - the base weights of a block and of an extrinsic (block_weights.rs,
#   extrinsic_weights.rs) with `benchmark overhead`.
# `benchmark machine` prints how this machine compares with Substrate's reference
# hardware.
#
#   scripts/benchmark-weights.sh               # everything; STEPS=50 REPEAT=20 by default
#   scripts/benchmark-weights.sh chain         # only the database and base weights
#   scripts/benchmark-weights.sh pallets       # only the pallets' weights
#   scripts/benchmark-weights.sh pallet_storage_market   # one pallet
#   scripts/benchmark-weights.sh extensions    # the transaction extensions' weights
#
# The node binary it leaves behind has benchmarking compiled in; the next
# scripts/run.sh or scripts/test.sh rebuilds the normal one.
set -euo pipefail
source "$(dirname "$0")/common.sh"

what="${1:-all}"
zg_setup
# pallet-revive's benchmarks pull in its test fixtures, whose build script compiles
# Solidity with a native solc; ZeroG's pallets do not need them.
export SKIP_PALLET_REVIVE_FIXTURES=1
if [ -z "${ZG_SKIP_BUILD:-}" ]; then
	zg_log "building zerog-node with --features runtime-benchmarks"
	(cd "$ZG_ROOT" && cargo build --release --locked -p zerog-node --features runtime-benchmarks) \
		|| zg_die "cargo build failed"
fi
weights="$ZG_ROOT/runtime/src/weights"

# The CLI's own templates name sp_core, sp_weights, frame_support and frame_system as
# crates; the runtime reaches them through polkadot_sdk (sp_weights as frame_support's
# weights module).
sdk_paths() {
	sed -i -E \
		-e 's/^(\s*)use sp_weights::/\1use frame_support::weights::/' \
		-e 's/^(\s*)use (sp_core|frame_support)::/\1use polkadot_sdk::\2::/' \
		-e 's/impl<T: frame_system::Config> ([a-z_]+)::WeightInfo/impl<T: polkadot_sdk::frame_system::Config> polkadot_sdk::\1::WeightInfo/' \
		"$1"
	tidy "$1"
}

# Generated files name the repository's files from its root and the node by its name.
# They are formatted like the rest of the code.
tidy() {
	sed -i -e "s#$ZG_ROOT/##g" -e "s#$ZEROG_NODE#zerog-node#g" "$1"
	rustfmt --edition 2021 "$1"
}

bench() {
	local pallet="$1" dir="$2"
	zg_log "benchmarking $pallet"
	"$ZEROG_NODE" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--template "$ZG_ROOT/scripts/benchmark/weight-template.hbs" \
		--header "$ZG_ROOT/scripts/benchmark/header-${dir##*/}.txt" \
		--output "$ZG_ROOT/$dir/src/weights.rs"
	tidy "$ZG_ROOT/$dir/src/weights.rs"
}

# A pallet of polkadot-sdk, through the CLI's own template: `impl pallet::WeightInfo`.
bench_sdk() {
	local pallet="$1"
	zg_log "benchmarking $pallet"
	"$ZEROG_NODE" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--header "$ZG_ROOT/scripts/benchmark/header-runtime.txt" \
		--output "$weights/$pallet.rs"
	sdk_paths "$weights/$pallet.rs"
}

chain() {
	local work
	work="$(mktemp -d)"
	trap 'rm -rf "$work"' RETURN
	zg_log "a dev chain spec with ${ACCOUNTS:-200000} more funded accounts"
	"$ZEROG_NODE" build-spec --chain dev --disable-default-bootnode 2>/dev/null > "$work/spec.json"
	# The dev spec names its runtime preset; its JSON comes from the runtime's
	# GenesisBuilder API of a short-lived dev node.
	local port=$((20000 + RANDOM % 20000))
	"$ZEROG_NODE" --dev --tmp --rpc-port "$port" --port 0 --no-prometheus --no-telemetry \
		>"$work/dev.log" 2>&1 &
	local dev=$!
	local preset=""
	for _ in $(seq 60); do
		preset="$(curl -s -H 'Content-Type: application/json' "http://127.0.0.1:$port" -d \
			'{"id":1,"jsonrpc":"2.0","method":"state_call","params":["GenesisBuilder_get_preset","0x012c646576656c6f706d656e74"]}' \
			2>/dev/null || true)"
		[ -n "$preset" ] && break
		sleep 1
	done
	kill "$dev" 2>/dev/null; wait "$dev" 2>/dev/null || true
	[ -n "$preset" ] || zg_die "the dev node did not answer state_call"
	python3 "$ZG_ROOT/scripts/benchmark/add-accounts.py" "$work/spec.json" "${ACCOUNTS:-200000}" "$preset"
	"$ZEROG_NODE" build-spec --chain "$work/spec.json" --raw --disable-default-bootnode \
		2>/dev/null > "$work/raw.json"
	zg_log "writing its genesis to RocksDB"
	# Ten seconds of authoring (Alice's keys) write the genesis state and a few blocks.
	timeout 20 "$ZEROG_NODE" --chain "$work/raw.json" --base-path "$work/db" --alice \
		--validator --database rocksdb --no-prometheus --no-telemetry --port 0 --rpc-port 0 \
		--unsafe-force-node-key-generation >"$work/node.log" 2>&1 || true
	grep -q "Imported #2\|Prepared block for proposing at 2" "$work/node.log" \
		|| zg_die "the benchmark chain did not produce blocks: $(tail -5 "$work/node.log")"
	zg_log "benchmark storage (state version 1)"
	"$ZEROG_NODE" benchmark storage --chain "$work/raw.json" --base-path "$work/db" \
		--database rocksdb --state-version 1 --warmups 1 \
		--header "$ZG_ROOT/scripts/benchmark/header-runtime.txt" \
		--weight-path "$weights/"
	sdk_paths "$weights/rocksdb_weights.rs"
	zg_log "benchmark overhead"
	(cd "$work" && "$ZEROG_NODE" benchmark overhead --chain dev \
		--header "$ZG_ROOT/scripts/benchmark/header-runtime.txt" --weight-path "$weights/")
	sdk_paths "$weights/block_weights.rs"
	sdk_paths "$weights/extrinsic_weights.rs"
	zg_log "benchmark machine"
	"$ZEROG_NODE" benchmark machine --chain dev --base-path "$work/db" --allow-fail
}

pallets() {
	bench pallet_storage_market pallets/storage-market
	bench pallet_compute_market pallets/compute-market
	bench pallet_da_commitments pallets/da-commitments
	bench pallet_inft pallets/inft
	bench_sdk pallet_balances
	extensions
}

# What every signed transaction is charged besides its call and the extrinsic base:
# frame-system's checks and the fee charge.
extensions() {
	bench_sdk frame_system_extensions
	sed -i 's/impl<T: frame_system::Config> frame_system::ExtensionsWeightInfo/impl<T: polkadot_sdk::frame_system::Config> polkadot_sdk::frame_system::ExtensionsWeightInfo/' \
		"$weights/frame_system_extensions.rs"
	bench_sdk pallet_transaction_payment
}

case "$what" in
	all) chain; pallets ;;
	chain) chain ;;
	pallets) pallets ;;
	pallet_balances) bench_sdk pallet_balances ;;
	extensions) extensions ;;
	pallet_*) d="${what#pallet_}"; bench "$what" "pallets/${d//_/-}" ;;
	*) zg_die "unknown target $what (all, chain, pallets, extensions, or one pallet)" ;;
esac
