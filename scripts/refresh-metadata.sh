#!/usr/bin/env bash
# Regenerates client/chain/metadata/zerog.scale, the runtime metadata the chain client
# (and so `zg`, zg-provider and zg-da-signer) is generated from, from the runtime in this
# checkout. Run it after changing a pallet's calls, events, storage, errors or a runtime
# API; `runtime/tests/client_metadata.rs` fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zerog/target}"
# The same profile and features as scripts/test.sh, so this reuses its build.
ZEROG_REFRESH_METADATA=1 cargo test --release --workspace --features zerog-compute-provider/cuda \
	--test client_metadata -- --nocapture
