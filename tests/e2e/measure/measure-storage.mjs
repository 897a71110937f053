// Measures `zg storage upload` and `zg storage download` over loopback against `cp` of the
// same file, with the binary segment path and with zgs_* JSON-RPC, in the same run: one
// dev chain, five storage nodes (shards 0-3 of 4, the fifth a replica of shard 0), the
// client and the nodes all on this machine. Each command's wall time, transfer time (as
// zg reports it) and peak RSS (GNU time); every download is compared byte for byte.
//
//   node tests/e2e/measure/measure-storage.mjs [MiB=256] [downloads=3]
//
// Prints one line per command and the ratios of the medians.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { storageNetwork, zg } from '../lib/storage.mjs';

const mib = Number(process.argv[2] ?? 256);
const downloads = Number(process.argv[3] ?? 3);
const NODES = 5;
const SHARDS = 4;
const MB = mib * 1.048576; // decimal megabytes in the file

const { chain, stop } = await storageNetwork(NODES, SHARDS);

const work = mkdtempSync(join(tmpdir(), 'zg-measure-storage-'));
const results = {};
const record = (name, secs, transferSecs, rssMib) => {
  (results[name] ??= []).push({ secs, transferSecs, rssMib });
  const rate = (s) => `${(mib / s).toFixed(1)} MiB/s = ${(MB / s).toFixed(1)} MB/s`;
  console.log(`${name.padEnd(22)} ${mib} MiB  ${secs.toFixed(2)} s  transfer ${transferSecs.toFixed(2)} s `
    + `(${rate(transferSecs)})  peak RSS ${rssMib === null ? '?' : rssMib.toFixed(0)} MiB`);
};
const run = async (name, args) => {
  const started = process.hrtime.bigint();
  const r = await zg([...args, '--json', '--chain', chain.httpUrl], { timeoutMs: 1_800_000 });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.code !== 0) throw new Error(`${name}: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  record(name, secs, out.seconds, r.maxRssKb === null ? null : r.maxRssKb / 1024);
  return out;
};

try {
  const files = {};
  for (const transport of ['json', 'binary']) {
    files[transport] = join(work, `${transport}.bin`);
    writeFileSync(files[transport], randomBytes(mib << 20));
  }
  // Baseline: cp of the same file, in the same run.
  for (let r = 0; r < downloads; r++) {
    const started = process.hrtime.bigint();
    execFileSync('cp', [files.json, join(work, 'copy.bin')]);
    const secs = Number(process.hrtime.bigint() - started) / 1e9;
    record('cp', secs, secs, null);
    rmSync(join(work, 'copy.bin'));
  }
  const ids = {};
  for (const transport of ['json', 'binary']) {
    const up = await run(`upload (${transport})`, ['storage', 'upload', files[transport], '--transport', transport]);
    ids[transport] = up.id;
  }
  for (let r = 0; r < downloads; r++) {
    for (const transport of ['json', 'binary']) {
      const out = join(work, `${transport}.out`);
      await run(`download (${transport})`, ['storage', 'download', ids[transport], '-o', out, '--transport', transport]);
      if (!readFileSync(out).equals(readFileSync(files[transport]))) throw new Error(`${transport}: the download differs`);
      rmSync(out);
    }
  }
  const median = (xs, key) => xs.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const peak = (xs) => Math.max(...xs.map((x) => x.rssMib ?? 0));
  const cp = median(results.cp, 'secs');
  for (const dir of ['upload', 'download']) {
    const [j, b] = [results[`${dir} (json)`], results[`${dir} (binary)`]];
    const [tj, tb] = [median(j, 'transferSecs'), median(b, 'transferSecs')];
    console.log(`${dir}: binary ${(MB / tb).toFixed(1)} MB/s, JSON ${(MB / tj).toFixed(1)} MB/s, `
      + `binary / JSON ${(tj / tb).toFixed(2)}x, binary / cp ${(cp / tb).toFixed(3)}; `
      + `peak RSS binary ${peak(b).toFixed(0)} MiB, JSON ${peak(j).toFixed(0)} MiB`);
  }
  console.log(`cp: ${(MB / cp).toFixed(1)} MB/s`);
} finally {
  rmSync(work, { recursive: true, force: true });
  await stop();
}
