// Measures how long `zerog-node` takes to start: from spawn to its RPC answering, in wall
// time and in CPU time (both cores), for the ways a node can start.
//
//   node tests/e2e/measure/measure-start.mjs [runs per case, default 3]
//
// Cases, each on a fresh base path unless said:
//   wasm genesis, no cache   `--chain <the dev preset written by build-spec>` with
//                            `--no-wasm-cache`: the genesis built by the Wasm's genesis
//                            builder and the runtime compiled on every start (the
//                            baseline: how a chain spec file still starts, and one
//                            compilation fewer than `--dev` took before)
//   native genesis, no cache `--dev --no-wasm-cache`
//   first start              `--dev`: the cache in the base path is empty
//   restart                  `--dev` again on the same base path: the cache holds the code
//   restart, no hardware benchmarks   the same with `--no-hardware-benchmarks`: what the
//                            start-up measures of the machine (node/src/hardware.rs) cost
// Every other case runs those measures, as a node does by default.
// The CPU time is the node's user + system time when its RPC first answers
// (/proc/PID/stat), so it counts every thread of the start.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, nodeBinary, rpc } from '../lib/node.mjs';

const runs = Number(process.argv[2] ?? 3);
const bin = nodeBinary();
const work = mkdtempSync(join(tmpdir(), 'zerog-measure-start-'));
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** Starts the node, waits for its RPC, stops it; returns seconds of wall and CPU time. */
async function start(args, basePath) {
  const rpcPort = await freePort();
  const child = spawn(bin, [...args, '--base-path', basePath, '--rpc-port', String(rpcPort),
    '--port', String(await freePort()), '--prometheus-port', String(await freePort()),
    '--eth-rpc-port', String(await freePort()), '--no-telemetry', '--no-mdns'], { stdio: 'ignore' });
  const t0 = performance.now();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`zerog-node ${args.join(' ')} exited with ${child.exitCode}`);
      try {
        if (await rpc(`http://127.0.0.1:${rpcPort}`, 'system_health')) break;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 20));
    }
    const wall = (performance.now() - t0) / 1000;
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const cpu = (Number(stat[11]) + Number(stat[12])) / TICKS; // utime, stime
    return { wall, cpu };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  }
}

const spec = join(work, 'dev-preset.json');
writeFileSync(spec, execFileSync(bin, ['build-spec', '--dev'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 }));

const cases = {
  'wasm genesis, no cache (baseline)': [],
  'native genesis, no cache': [],
  'first start (empty cache)': [],
  'restart (cache holds the code)': [],
  'restart, no hardware benchmarks': [],
};
for (let i = 0; i < runs; i += 1) {
  const base = (n) => join(work, `${n}-${i}`);
  cases['wasm genesis, no cache (baseline)'].push(await start(['--chain', spec, '--alice', '--force-authoring', '--unsafe-force-node-key-generation', '--no-wasm-cache'], base('a')));
  cases['native genesis, no cache'].push(await start(['--dev', '--no-wasm-cache'], base('b')));
  cases['first start (empty cache)'].push(await start(['--dev'], base('c')));
  cases['restart (cache holds the code)'].push(await start(['--dev'], base('c')));
  cases['restart, no hardware benchmarks'].push(await start(['--dev', '--no-hardware-benchmarks'], base('c')));
}
rmSync(work, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = median(cases['wasm genesis, no cache (baseline)'].map((r) => r.wall));
console.log(`zerog-node start to RPC, median of ${runs}:`);
console.log('| case | wall | CPU (both cores) | wall vs the baseline |');
console.log('|---|---|---|---|');
for (const [name, rs] of Object.entries(cases)) {
  const wall = median(rs.map((r) => r.wall));
  const cpu = median(rs.map((r) => r.cpu));
  console.log(`| ${name} | ${wall.toFixed(2)} s | ${cpu.toFixed(2)} s | ${(wall / baseline).toFixed(3)} |`);
}
