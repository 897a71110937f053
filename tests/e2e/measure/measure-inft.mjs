// Measures what intelligent NFTs cost over plain storage: `zg inft mint` and `zg inft
// fetch` of a random file against `zg storage upload` and `zg storage download` of a file
// of the same size, in the same run, on one dev chain with four storage nodes, with each
// command's wall time and peak RSS (GNU time).
//
//   node tests/e2e/measure/measure-inft.mjs [MiB=256] [rounds=2]
//
// Prints one line per command and round, and the ratios of the medians.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { storageNetwork, zg } from '../lib/storage.mjs';

const mib = Number(process.argv[2] ?? 256);
const rounds = Number(process.argv[3] ?? 2);
const NODES = 4;

const { chain, stop } = await storageNetwork(NODES, NODES);

const work = mkdtempSync(join(tmpdir(), 'zg-measure-inft-'));
const results = {};
const run = async (name, args) => {
  const started = process.hrtime.bigint();
  const r = await zg([...args, '--json', '--chain', chain.httpUrl], { timeoutMs: 1_800_000 });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.code !== 0) throw new Error(`${name}: ${r.stderr}`);
  (results[name] ??= []).push({ secs, rssMib: r.maxRssKb / 1024 });
  console.log(`${name.padEnd(16)} ${mib} MiB  ${secs.toFixed(2)} s  ${(mib / secs).toFixed(1)} MiB/s  peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MiB`);
  return JSON.parse(r.stdout);
};

try {
  for (let round = 0; round < rounds; round++) {
    // Fresh random content each time, so nothing is already stored.
    const plain = join(work, `plain-${round}.bin`);
    const model = join(work, `model-${round}.bin`);
    writeFileSync(plain, randomBytes(mib << 20));
    writeFileSync(model, randomBytes(mib << 20));
    const up = await run('storage upload', ['storage', 'upload', plain]);
    await run('storage download', ['storage', 'download', up.id, '-o', join(work, 'plain.out')]);
    const minted = await run('inft mint', ['inft', 'mint', model, '--description', 'measure']);
    await run('inft fetch', ['inft', 'fetch', minted.id, '-o', join(work, 'model.out')]);
    rmSync(plain);
    rmSync(model);
  }
  const median = (xs) => xs.map((x) => x.secs).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const peak = (xs) => Math.max(...xs.map((x) => x.rssMib));
  for (const [inft, plain] of [['inft mint', 'storage upload'], ['inft fetch', 'storage download']]) {
    console.log(`${inft} / ${plain}: time ${(median(results[inft]) / median(results[plain])).toFixed(2)}, `
      + `peak RSS ${peak(results[inft]).toFixed(0)} vs ${peak(results[plain]).toFixed(0)} MiB`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await stop();
}
