// Runs the end-to-end suites, three at a time (ZEROG_E2E_JOBS), longest first.
//
//   node run.mjs                  every *.test.mjs here
//   node run.mjs da.test.mjs ...  only these
//
// Each suite starts its own chain and daemons on free ports, and most of its time is
// spent waiting for blocks: with the nodes' compiled runtime shared (below) and their
// start-up hardware measures left out (lib/node.mjs), the two cores sit idle about half
// the time with three suites side by side, and the stage takes about 0.7 of its time
// two at a time (docs/performance.md, "The e2e stage, three at a time").
// `node --test` sorts its files by name; this runner starts the longest suites first
// instead, so that no slot is left running a long suite alone at the end (longest-first
// is the classic greedy for identical machines). The exit code is 1 when any test
// failed or a suite did not load.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const here = dirname(fileURLToPath(import.meta.url));

// The longest suites, longest first, with their time in CI (seconds) on the 2-core
// reference machine; the others follow in name order.
const LONGEST = [
  'da', // 297
  'mining', // 155
  'staking', // 124
  'governance', // 96
  'chain', // 72
  'inft', // 67
  'storage', // 64
  'evm', // 60
];

const all = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
const asked = process.argv.slice(2).map((f) => f.replace(/^\.\//, ''));
for (const f of asked) {
  if (!all.includes(f)) throw new Error(`no suite ${f} in ${here}`);
}
const chosen = asked.length > 0 ? asked : all;
const rank = (f) => {
  const i = LONGEST.indexOf(f.replace(/\.test\.mjs$/, ''));
  return i < 0 ? LONGEST.length : i;
};
const files = [...chosen].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

// Every node of the run shares one cache of the runtime's compiled code (lib/node.mjs):
// compiling it takes a node about 6 s of both cores, and the suites start about twenty.
const wasmCache = mkdtempSync(join(tmpdir(), 'zerog-e2e-wasm-cache-'));
process.env.ZEROG_E2E_WASM_CACHE = wasmCache;
// Every port a suite takes is claimed here (lib/ports.mjs), so two suites never pick one.
const portDir = mkdtempSync(join(tmpdir(), 'zerog-e2e-ports-'));
process.env.ZEROG_E2E_PORT_DIR = portDir;
process.on('exit', () => {
  rmSync(wasmCache, { recursive: true, force: true });
  rmSync(portDir, { recursive: true, force: true });
});

const concurrency = Number(process.env.ZEROG_E2E_JOBS ?? 3);
// A suite that hangs (a transaction whose watch never ends, a daemon that never answers)
// fails after this long instead of holding its slot until CI's own limit: the longest
// suite takes about 5 minutes.
const SUITE_TIMEOUT_MS = 20 * 60_000;
console.log(`e2e: ${files.length} suites, ${concurrency} at a time: ${files.join(' ')}`);
run({ files: files.map((f) => join(here, f)), concurrency, timeout: SUITE_TIMEOUT_MS })
  .on('test:fail', () => {
    process.exitCode = 1;
  })
  .compose(new spec())
  .pipe(process.stdout);
