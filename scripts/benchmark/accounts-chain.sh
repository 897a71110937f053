#!/usr/bin/env bash
# A dev chain whose state holds ACCOUNTS more funded accounts (200,000 by default) than
# the dev genesis, written to RocksDB: DIR/raw.json (its raw spec) and DIR/db (its
# database, with a few blocks). `benchmark storage` prices reads and writes against it
# (scripts/benchmark-weights.sh chain), and tests/e2e/measure/measure-cold-state.mjs
# sends transfers to its accounts. The accounts' public keys are
# blake2b-256("zerog-bench-account" ++ i as u64 LE) (scripts/benchmark/add-accounts.py);
# nobody holds their secret keys.
#
#   scripts/benchmark/accounts-chain.sh NODE DIR [ACCOUNTS]
set -euo pipefail
node="$1" work="$2" accounts="${3:-200000}"
source "$(dirname "$0")/../common.sh"
mkdir -p "$work"
zg_log "a dev chain spec with $accounts more funded accounts"
"$node" build-spec --chain dev --disable-default-bootnode 2>/dev/null > "$work/spec.json"
# The dev spec names its runtime preset; its JSON comes from the runtime's
# GenesisBuilder API of a short-lived dev node.
port=$((20000 + RANDOM % 20000))
"$node" --dev --tmp --rpc-port "$port" --port 0 --no-prometheus --no-telemetry \
	>"$work/dev.log" 2>&1 &
dev=$!
preset=""
for _ in $(seq 60); do
	preset="$(curl -s -H 'Content-Type: application/json' "http://127.0.0.1:$port" -d \
		'{"id":1,"jsonrpc":"2.0","method":"state_call","params":["GenesisBuilder_get_preset","0x012c646576656c6f706d656e74"]}' \
		2>/dev/null || true)"
	[ -n "$preset" ] && break
	sleep 1
done
kill "$dev" 2>/dev/null; wait "$dev" 2>/dev/null || true
[ -n "$preset" ] || zg_die "the dev node did not answer state_call"
python3 "$ZG_ROOT/scripts/benchmark/add-accounts.py" "$work/spec.json" "$accounts" "$preset"
"$node" build-spec --chain "$work/spec.json" --raw --disable-default-bootnode \
	2>/dev/null > "$work/raw.json"
zg_log "writing its genesis to RocksDB"
# Ten seconds of authoring (Alice's keys) write the genesis state and a few blocks.
timeout 20 "$node" --chain "$work/raw.json" --base-path "$work/db" --alice \
	--validator --database rocksdb --no-prometheus --no-telemetry --port 0 --rpc-port 0 \
	--unsafe-force-node-key-generation >"$work/node.log" 2>&1 || true
grep -q "Imported #2\|Prepared block for proposing at 2" "$work/node.log" \
	|| zg_die "the chain did not produce blocks: $(tail -5 "$work/node.log")"
