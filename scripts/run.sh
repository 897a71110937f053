#!/usr/bin/env bash
# The main job: install what is missing, build (release) and start a ZeroG dev chain with
# its services: zerog-node --dev, ZEROG_STORAGE_NODES (default 4) storage nodes, each
# registered on chain for one shard, and ZEROG_COMPUTE_PROVIDERS (default 1) inference
# provider (zg-provider, CPU engine, service of //Ferdie on port 8000) and
# ZEROG_DA_SIGNERS (default 4) DA signers (zg-da-signer, //DaSigner1.., ports 7101..).
#
#   scripts/run.sh                 # --dev chain, state kept in ~/.local/share/zerog/dev
#   scripts/run.sh --tmp           # throwaway state
#   ZEROG_BASE_PATH=/data scripts/run.sh
#   ZEROG_STORAGE_NODES=0 ZEROG_COMPUTE_PROVIDERS=0 ZEROG_DA_SIGNERS=0 scripts/run.sh   # the chain alone
#
# Extra arguments go to zerog-node. Stop with Ctrl-C (stops everything).
set -euo pipefail
source "$(dirname "$0")/common.sh"

zg_setup
zg_build

bin="$(dirname "$ZEROG_NODE")"
storage_nodes="${ZEROG_STORAGE_NODES:-4}"
base_path="${ZEROG_BASE_PATH:-$HOME/.local/share/zerog/dev}"
args=(--dev --rpc-port 9944 --eth-rpc-port 8545 --prometheus-port 9615 --port 30333)
throwaway=
if [[ " $* " == *" --tmp "* ]]; then
	base_path="$(mktemp -d -t zerog-run-XXXXXX)"
	throwaway=1
else
	args+=(--base-path "$base_path")
fi
mkdir -p "$base_path"

pids=()
cleanup() {
	trap - EXIT INT TERM
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	# Throwaway state goes with the processes that kept it.
	if [ -n "$throwaway" ]; then rm -rf "$base_path"; fi
}
trap cleanup EXIT INT TERM

"$ZEROG_NODE" "${args[@]}" "$@" &
pids+=($!)
for _ in $(seq 1 120); do
	(exec 3<>/dev/tcp/127.0.0.1/9944) 2>/dev/null && break
	sleep 0.5
done

# Storage nodes: shard i of N (N rounded up to a power of two), RocksDB under the base
# path, zgs JSON-RPC on 5678 + i, registered on chain by //Alice, //Bob, ... once; each
# mines with its operator's key.
signers=(//Alice //Bob //Charlie //Dave //Eve //Ferdie)
if [ "$storage_nodes" -gt "${#signers[@]}" ]; then zg_die "at most ${#signers[@]} storage nodes (one per dev account)"; fi
num_shard=1
while [ "$num_shard" -lt "$storage_nodes" ]; do num_shard=$((num_shard * 2)); done
registered="$("$bin/zg" --quiet storage nodes 2>/dev/null || true)"
for i in $(seq 0 $((storage_nodes - 1))); do
	port=$((5678 + i))
	"$bin/zgs-node" --chain http://127.0.0.1:9944 --base-path "$base_path/storage/node$i" \
		--listen "127.0.0.1:$port" --shard-id "$i" --num-shard "$num_shard" \
		--suri "${signers[$i]}" 2>>"$base_path/storage-node$i.log" &
	pids+=($!)
	if ! grep -q "http://127.0.0.1:$port " <<<"$registered"; then
		"$bin/zg" --quiet storage register --endpoint "http://127.0.0.1:$port" --shard-id "$i" \
			--num-shard "$num_shard" --bond 100 --suri "${signers[$i]}" >/dev/null &
	fi
done

# Compute: one provider with the CPU model, which it trains once (about 20 s) into
# its base path; it registers its service on chain the first time.
providers="${ZEROG_COMPUTE_PROVIDERS:-1}"
if [ "$providers" -gt 0 ]; then
	"$bin/zg-provider" run --chain http://127.0.0.1:9944 --suri //Ferdie \
		--base-path "$base_path/compute/provider0" --listen 127.0.0.1:8000 --name tiny-chat \
		--settle-interval 30 2>>"$base_path/compute-provider0.log" &
	pids+=($!)
fi

# DA: a quorum of signers, each bonding 100 ZG from its dev account //DaSignerN
# (endowed at genesis); they register once and join the next epoch's quorum (30 s).
da_signers="${ZEROG_DA_SIGNERS:-4}"
if [ "$da_signers" -gt 6 ]; then zg_die "at most 6 DA signers (//DaSigner1..6 are endowed)"; fi
for i in $(seq 1 "$da_signers"); do
	"$bin/zg-da-signer" --chain http://127.0.0.1:9944 --suri "//DaSigner$i" \
		--base-path "$base_path/da/signer$i" --listen "127.0.0.1:$((7100 + i))" \
		2>>"$base_path/da-signer$i.log" &
	pids+=($!)
done

cat >&2 <<TXT

ZeroG dev chain
  node            $ZEROG_NODE
  JSON-RPC (ws)   ws://127.0.0.1:9944      Polkadot.js Apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944
  JSON-RPC (http) http://127.0.0.1:9944
  Ethereum RPC    http://127.0.0.1:8545 (and ws://), chain id 16900: MetaMask, ethers, Hardhat (docs/evm.md)
  Prometheus      http://127.0.0.1:9615/metrics
  p2p             /ip4/127.0.0.1/tcp/30333
  dev accounts    //Alice (validator, sudo), //Bob, //Charlie, //Dave, //Eve, //Ferdie: 1,000,000 ZG each
  Ethereum dev    0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
                  0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC 0x90F79bf6EB2c4f870365E785982E1f101E93b906
                  (Hardhat's test mnemonic, 1,000,000 ZG each; keys in docs/evm.md)
  storage nodes   $storage_nodes (zgs JSON-RPC on ports 5678..$((5677 + storage_nodes)), shards of $num_shard, logs in $base_path)
  compute         $providers provider(s): http://127.0.0.1:8000 (OpenAI-compatible, service of //Ferdie; log in $base_path)
  DA              $da_signers signer(s) on ports 7101..$((7100 + da_signers)) (//DaSigner1..; in the quorum from the next 30 s epoch; logs in $base_path)
  try             $bin/zg storage nodes
                  $bin/zg storage upload FILE
                  $bin/zg storage download ID -o FILE     (the id upload printed)
                  $bin/zg compute services
                  $bin/zg compute deposit 10 && $bin/zg compute fund 0 5
                  $bin/zg compute chat --service 0 "What is ZeroG?" -o answer.json
                  $bin/zg compute verify answer.json
                  $bin/zg da quorum
                  $bin/zg da submit FILE          (prints the blob id, follows it to confirmed)
                  $bin/zg da sample ID && $bin/zg da retrieve ID -o FILE

TXT
wait "${pids[0]}"
