#!/usr/bin/env bash
# Every test: installs what is missing, builds, then runs
#   0. the lint gate: cargo fmt --check, no client crate linking the runtime or a pallet
#      (scripts/check-client-deps.mjs), and clippy on every target with warnings denied
#   1. Rust unit tests (runtime, pallets, clients)  cargo test --release --workspace,
#      and the pallet benchmarks run as tests         (--features runtime-benchmarks)
#   2. end-to-end tests with real clients           node tests/e2e/run.mjs (three suites at a time)
#   3. zombienet: 1,000 transfers/s on four validators, then the network test
#                                                   scripts/zombienet.sh (ZEROG_SKIP_ZOMBIENET=1 skips)
# and prints how long the build and each stage took.
set -euo pipefail
source "$(dirname "$0")/common.sh"

t_start=$(date +%s)
zg_setup
zg_npm "$ZG_ROOT/tests/e2e"
zg_pip
t_setup=$(date +%s)

zg_log "lint: cargo fmt --check"
(cd "$ZG_ROOT" && cargo fmt --all --check) || zg_die "cargo fmt --check failed: run cargo fmt --all"
zg_log "lint: no client crate links the runtime or a pallet"
(cd "$ZG_ROOT" && node scripts/check-client-deps.mjs) \
	|| zg_die "a client crate depends on the runtime or a pallet: share the type through primitives/"

zg_build
t_build=$(date +%s)

zg_log "lint: cargo clippy (warnings denied; the allow list is [workspace.lints] in Cargo.toml)"
# Without the Wasm: clippy checks the runtime's native code. Building the blobs here too
# would rewrite the files the release build's runtime build script watches, and the
# unit-test stage would then rebuild the runtime and relink the node.
(cd "$ZG_ROOT" && SKIP_ZEROG_RUNTIME_WASM_BUILD=1 cargo clippy --release --locked --workspace --all-targets "${ZG_FEATURES[@]}" -- -D warnings) \
	|| zg_die "clippy found warnings"
t_lint=$(date +%s)

zg_log "Rust unit tests"
(cd "$ZG_ROOT" && cargo test --release --locked --workspace "${ZG_FEATURES[@]}")
# The pallets' benchmarks against their mocks: they compile only with this feature,
# and `benchmark pallet` is useless if they have rotted.
(cd "$ZG_ROOT" && cargo test --release --locked -p pallet-storage-market -p pallet-compute-market -p pallet-da-commitments -p pallet-inft -p pallet-zerog-staking -p pallet-eth-block --features runtime-benchmarks)
zg_stamp_build
t_unit=$(date +%s)

zg_log "end-to-end tests (zerog-node + @polkadot/api, ethers + solc, viem, web3.py, zg, zg-provider)"
# Three suites at a time: each starts its own chain and daemons on free ports and
# temporary base paths, and most of their time is spent waiting for blocks.
# ZEROG_E2E_JOBS=1 runs them one after another.
# tests/e2e/run.mjs starts the longest suites first.
(cd "$ZG_ROOT/tests/e2e" && node run.mjs)
t_e2e=$(date +%s)

if [ "${ZEROG_SKIP_ZOMBIENET:-0}" != 1 ]; then
	zg_log "zombienet: the load on four validators, then the network test"
	"$ZG_ROOT/scripts/zombienet.sh"
fi
t_zombie=$(date +%s)

cat <<TXT

timings (seconds)
  setup      $((t_setup - t_start))
  build      $((t_build - t_setup))
  lint       $((t_lint - t_build))
  unit       $((t_unit - t_lint))
  e2e        $((t_e2e - t_unit))
  zombienet  $((t_zombie - t_e2e))
  total      $((t_zombie - t_start))
TXT
