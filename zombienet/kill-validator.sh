#!/usr/bin/env bash
# Kills a validator of the native zombienet network with SIGKILL (no clean shutdown),
# then checks that its process is gone. Called from pos.js (0001-network.zndsl):
#   kill-validator.sh NAME
set -euo pipefail
name="$1"
pattern="zerog-node .*--name ${name}( |$)"
pids="$(pgrep -f -- "$pattern" || true)"
[ -n "$pids" ] || { echo "no zerog-node process named $name" >&2; exit 1; }
kill -KILL $pids
for _ in $(seq 50); do
	pgrep -f -- "$pattern" >/dev/null || { echo "killed $name ($pids)"; exit 0; }
	sleep 0.1
done
echo "$name still running" >&2
exit 1
