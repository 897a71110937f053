#!/usr/bin/env bash
# The main job: install what is missing, build (release) and start a ZeroG dev chain.
#
#   scripts/run.sh                 # --dev chain, state kept in ~/.local/share/zerog/dev
#   scripts/run.sh --tmp           # throwaway state
#   ZEROG_BASE_PATH=/data scripts/run.sh
#
# Extra arguments go to zerog-node. Stop with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/common.sh"

zg_setup
zg_build

base_path="${ZEROG_BASE_PATH:-$HOME/.local/share/zerog/dev}"
args=(--dev --rpc-cors all --rpc-port 9944 --prometheus-port 9615 --port 30333)
if [[ " $* " != *" --tmp "* ]]; then args+=(--base-path "$base_path"); fi

cat >&2 <<TXT

ZeroG dev chain
  node            $ZEROG_NODE
  JSON-RPC (ws)   ws://127.0.0.1:9944      Polkadot.js Apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944
  JSON-RPC (http) http://127.0.0.1:9944
  Prometheus      http://127.0.0.1:9615/metrics
  p2p             /ip4/127.0.0.1/tcp/30333
  dev accounts    //Alice (validator, sudo), //Bob, //Charlie, //Dave, //Eve, //Ferdie: 1,000,000 ZG each

TXT
exec "$ZEROG_NODE" "${args[@]}" "$@"
