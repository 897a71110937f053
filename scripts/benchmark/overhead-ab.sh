#!/usr/bin/env bash
# Compares the base weights of two or more runtimes on one machine in one session:
# `benchmark overhead` on one node binary built with `--features runtime-benchmarks`,
# with each runtime given as the code of a dev chain spec, alternated ROUNDS times so
# the machine's drift falls on every runtime alike.
#
#   scripts/benchmark/overhead-ab.sh NODE ROUNDS old.wasm new.wasm [more.wasm ...]   (distinct file names)
#
# Prints one line per run: the runtime, the round, and the block and extrinsic base
# weights in ns (the tool's Average). Nothing in the repository is written.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 NODE ROUNDS A.wasm B.wasm [...]" >&2; exit 2; }
node="$1"; rounds="$2"; shift 2
work="$(mktemp -d -t zerog-overhead-ab-XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$node" build-spec --chain dev > "$work/dev.json" 2>/dev/null
for wasm in "$@"; do
	python3 - "$work/dev.json" "$wasm" "$work/$(basename "$wasm").json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec['genesis']['runtimeGenesis']['code'] = '0x' + open(sys.argv[2], 'rb').read().hex()
json.dump(spec, open(sys.argv[3], 'w'))
PY
done
for round in $(seq 1 "$rounds"); do
	for wasm in "$@"; do
		out="$work/out"; rm -rf "$out"; mkdir -p "$out"
		(cd "$out" && "$node" benchmark overhead --chain "$work/$(basename "$wasm").json" \
			--weight-path "$out/" > "$out/log" 2>&1) || { echo "$wasm: failed" >&2; tail -5 "$out/log" >&2; exit 1; }
		# The figure in ns, written `from_parts(N` or `from_parts(…NANOS.saturating_mul(N)`.
		weight() { grep -o "Weight::from_parts([A-Z_.a-z]*(\?[0-9_]*" "$out/$1" | head -1 | grep -o "[0-9_]*$" | tr -dc 0-9; }
		echo "$(basename "$wasm") round $round block_ns=$(weight block_weights.rs) extrinsic_ns=$(weight extrinsic_weights.rs)"
	done
done
