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
#   scripts/benchmark-weights.sh overhead      # only the base weights
#   scripts/benchmark-weights.sh pallets       # only the pallets' weights
#   scripts/benchmark-weights.sh pallet_storage_market   # one pallet
#   scripts/benchmark-weights.sh extensions    # the transaction extensions' weights
#   scripts/benchmark-weights.sh revive        # pallet-revive's (contracts, EVM opcodes)
#
# The node binary it leaves behind has benchmarking compiled in; the next
# scripts/run.sh or scripts/test.sh rebuilds the normal one.
set -euo pipefail
source "$(dirname "$0")/common.sh"

what="${1:-all}"
zg_setup
# pallet-revive's benchmarks run its fixtures: Rust contracts built for PolkaVM (with
# the toolchain's rust-src) and Solidity ones built by `solc` and `resolc` with
# --standard-json, which scripts/benchmark/compilers gives from npm. Naming the
# fixtures' toolchain also makes their build script run again after a build that
# skipped them (SKIP_PALLET_REVIVE_FIXTURES is not among what it watches).
zg_npm "$ZG_ROOT/scripts/benchmark/compilers"
export PATH="$ZG_ROOT/scripts/benchmark/compilers/bin:$PATH"
export PALLET_REVIVE_FIXTURES_RUSTUP_TOOLCHAIN="$(sed -n 's/^channel = "\(.*\)"/\1/p' "$ZG_ROOT/rust-toolchain.toml")"
unset SKIP_PALLET_REVIVE_FIXTURES
# frame-benchmarking-cli's storage-access test runtime serves only `benchmark storage
# --mode validate-block` (a parachain's proof of validity), which this chain has no use
# for; its Wasm build cannot find its package in this workspace's metadata.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
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
		${EXCLUDE:+--exclude-extrinsics "$EXCLUDE"} \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--header "$ZG_ROOT/scripts/benchmark/header-runtime.txt" \
		--output "$weights/$pallet.rs"
	sdk_paths "$weights/$pallet.rs"
}

chain() {
	local work
	work="$(mktemp -d)"
	trap 'rm -rf "$work"' RETURN
	"$ZG_ROOT/scripts/benchmark/accounts-chain.sh" "$ZEROG_NODE" "$work" "${ACCOUNTS:-200000}"
	zg_log "benchmark storage (state version 1)"
	"$ZEROG_NODE" benchmark storage --chain "$work/raw.json" --base-path "$work/db" \
		--database rocksdb --state-version 1 --warmups 1 \
		--header "$ZG_ROOT/scripts/benchmark/header-runtime.txt" \
		--weight-path "$weights/"
	sdk_paths "$weights/rocksdb_weights.rs"
	overhead
	zg_log "benchmark machine"
	"$ZEROG_NODE" benchmark machine --chain dev --base-path "$work/db" --allow-fail
}

# The base weights of an empty block and of an extrinsic (a signed `remark`, every
# transaction extension and the fee charge run).
overhead() {
	zg_log "benchmark overhead"
	local dir
	dir="$(mktemp -d)"
	(cd "$dir" && "$ZEROG_NODE" benchmark overhead --chain dev \
		--header "$ZG_ROOT/scripts/benchmark/header-runtime.txt" --weight-path "$weights/")
	rm -rf "$dir"
	sdk_paths "$weights/block_weights.rs"
	sdk_paths "$weights/extrinsic_weights.rs"
}

pallets() {
	bench pallet_storage_market pallets/storage-market
	bench pallet_compute_market pallets/compute-market
	bench pallet_da_commitments pallets/da-commitments
	bench pallet_inft pallets/inft
	bench pallet_zerog_staking pallets/staking
	bench pallet_eth_block pallets/eth-block
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

# pallet-revive: contract calls, host functions and EVM opcodes, which price every
# Ethereum transaction (the crate's own weights are from Parity's reference machine).
#
# `seal_call` is left out: its dust case (d = 1) sends 100 wei beyond the balance the
# benchmark gives its caller, which only works where a native unit is worth more than a
# wei. Here NativeToEthRatio is 1, so there is no dust, the transfer fails, and the
# benchmark with it. The runtime charges pallet-revive's own weight for it (a contract
# calling another; an ERC-20 transfer does not).
revive() {
	EXCLUDE=pallet_revive::seal_call bench_sdk pallet_revive
	local out="$weights/pallet_revive.rs"
	python3 - "$out" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
end = text.rstrip().rindex("}")
fallback = """
	/// Not measured on this machine (`scripts/benchmark-weights.sh` says why):
	/// pallet-revive's own weight.
	fn seal_call(t: u32, d: u32, i: u32) -> Weight {
		polkadot_sdk::pallet_revive::weights::SubstrateWeight::<T>::seal_call(t, d, i)
	}
"""
open(path, "w").write(text[:end] + fallback + text[end:])
PY
	tidy "$out"
}

case "$what" in
	all) chain; pallets; revive ;;
	chain) chain ;;
	pallets) pallets ;;
	pallet_balances) bench_sdk pallet_balances ;;
	pallet_zerog_staking) bench pallet_zerog_staking pallets/staking ;;
	overhead) overhead ;;
	extensions) extensions ;;
	revive) revive ;;
	pallet_*) d="${what#pallet_}"; bench "$what" "pallets/${d//_/-}" ;;
	*) zg_die "unknown target $what (all, chain, overhead, pallets, extensions, revive, or one pallet)" ;;
esac
