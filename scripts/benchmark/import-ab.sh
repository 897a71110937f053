#!/usr/bin/env bash
# Imports the same blocks with two or more runtime builds of one spec version, on one
# core, alternated ROUNDS times so the machine's drift falls on every build alike. Each
# build is a directory for `--wasm-runtime-overrides` (a Wasm of the chain's spec
# version, which replaces the chain's own code), or `-` for the chain's own code.
#
#   scripts/benchmark/import-ab.sh NODE SPEC.json BLOCKS.bin ROUNDS "N1 N2 ..." LABEL=DIR|LABEL=- ...
#
# A build may carry flags for `import-blocks` after a `+`: `cold=-+--trie-cache-size 0`
# imports with the chain's own code and no trie cache, so one run times the same blocks
# with the state in memory and without it, alternated like two builds.
#
# SPEC.json is the raw spec of the chain (for a `--dev` chain: `NODE build-spec --chain
# dev --raw`) and BLOCKS.bin its blocks (`NODE export-blocks --chain SPEC.json --base-path
# DB --binary --from 1 BLOCKS.bin`; tests/e2e/measure/measure-evm.mjs keeps its database
# with ZEROG_MEASURE_KEEP_DB=DB). Each run imports all of them into a fresh database
# (`import-blocks --binary`, `taskset -c 0`) and prints, for each listed block, its import
# time: from the previous block's "Block imported successfully" to its own (the import
# queue's trace log, ms).
# Nothing in the repository is written.
set -euo pipefail
[ $# -ge 7 ] || { echo "usage: $0 NODE SPEC.json BLOCKS.bin ROUNDS \"N1 N2 ...\" LABEL=DIR|LABEL=- LABEL=DIR|LABEL=- [...]" >&2; exit 2; }
node="$1"; spec="$2"; blocks="$3"; rounds="$4"; read -ra numbers <<< "$5"; shift 5
work="$(mktemp -d -t zerog-import-ab-XXXXXX)"
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
	for build in "$@"; do
		label="${build%%=*}"; dir="${build#*=}"; flags=()
		if [[ "$dir" == *+* ]]; then read -ra flags <<< "${dir#*+}"; dir="${dir%%+*}"; fi
		override=(); [ "$dir" = - ] || override=(--wasm-runtime-overrides "$dir")
		rm -rf "$work/db"
		taskset -c 0 "$node" import-blocks --chain "$spec" --base-path "$work/db" --binary \
			"${override[@]}" "${flags[@]}" -lsync::import-queue=trace "$blocks" > "$work/log" 2>&1 \
			|| { echo "$label: import failed" >&2; tail -5 "$work/log" >&2; exit 1; }
		if [ "$dir" != - ] && { ! grep -q 'Found wasm override' "$work/log" || grep -q 'Ignoring override' "$work/log"; }; then
			echo "$label: the node did not take the override in $dir" >&2; exit 1
		fi
		python3 - "$work/log" "$label" "$round" "${numbers[@]}" <<'PY'
import re, sys
from datetime import datetime
log, label, rnd, wanted = sys.argv[1], sys.argv[2], sys.argv[3], [int(n) for n in sys.argv[4:]]
done = {}
for line in open(log, errors='replace'):
    m = re.match(r'(\S+ \S+) .*Block imported successfully Some\((\d+)\)', line)
    if m:
        done[int(m.group(2))] = datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f')
ms = []
for n in wanted:
    if n not in done or n - 1 not in done:
        sys.exit(f'{label}: block {n} or its parent not in the log')
    ms.append(f'#{n}={(done[n] - done[n - 1]).total_seconds() * 1000:.0f}ms')
print(label, 'round', rnd, ' '.join(ms))
PY
	done
done
