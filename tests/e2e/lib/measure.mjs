// Shared steps of the measurement scripts (measure/): submitting pre-signed transactions
// as wallets and exchanges do, reading why the author ended each block, and executing a
// block of a stopped node's database again on one core.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { nodeBinary, rpc, wsClient } from './node.mjs';

/** The peak resident set (VmHWM) of a running process so far, in MiB (0 if unknown). */
export function peakRssMiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** The slot of the dev chain, in ms. */
export const SLOT_MS = 2000;

/**
 * Executes block `number` of the stopped node's database 10 times on one core; returns
 * its mean import time and the weight it was charged, in ms, and each as a share of the
 * slot and of the weight. `trieCache`: with the trie cache a node runs with (1 GiB by
 * default), or without it (every read of state not yet written in the block goes to
 * RocksDB: what the database weights price).
 */
export function importTime(basePath, number, trieCache) {
  const r = spawnSync('taskset', ['-c', '0', nodeBinary(), 'benchmark', 'block', '--chain', 'dev',
    '--base-path', basePath, '--from', String(number), '--to', String(number), '--repeat', '10',
    ...(trieCache ? ['--enable-trie-cache'] : [])],
  { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  const m = /Block \d+ with\s+(\d+) tx used\s+[\d.]+% of its weight \(\s*([\d,]+) of\s+([\d,]+) ns\)/.exec(out);
  if (!m) throw new Error(`benchmark block printed no result:\n${out}`);
  const ms = (x) => Number(x.replaceAll(',', '')) / 1e6;
  const importMs = +ms(m[2]).toFixed(1);
  const weightMs = +ms(m[3]).toFixed(1);
  return {
    block: number,
    extrinsics: Number(m[1]),
    importMs,
    weightMs,
    ofSlot: +(importMs / SLOT_MS).toFixed(3),
    ofWeight: +(importMs / weightMs).toFixed(3),
  };
}

/** Fails early, before minutes of load, if the node binary has no `benchmark block`. */
export function requireBenchmarkBlock() {
  const r = spawnSync(nodeBinary(), ['benchmark', 'block', '--help'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.includes('--from')) {
    throw new Error(`${nodeBinary()} has no \`benchmark block\`: ${r.stderr.trim()}`);
  }
}

/**
 * Submits each sender's queue in nonce order, all senders in parallel: one request at a
 * time over HTTP (`inFlight` 1), or up to `inFlight` open at once on the sender's own
 * WebSocket connection to `wsUrl`.
 */
export async function submitInOrder(queues, httpUrl, wsUrl, method, inFlight) {
  await Promise.all(queues.map(async (queue) => {
    if (inFlight <= 1) {
      for (const tx of queue) await rpc(httpUrl, method, [tx]);
      return;
    }
    const client = await wsClient(wsUrl);
    try {
      let next = 0;
      const lane = async () => {
        while (next < queue.length) await client.call(method, [queue[next++]]);
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
    } finally {
      client.close();
    }
  }));
}

/**
 * The blocks that held the measured transactions (`r.blocks`: `{ number, count }`),
 * grouped by why their author stopped adding more (its "Prepared block ... end: REASON"
 * log line): `HitDeadline` (out of proposing time), `HitBlockWeightLimit` (full),
 * `NoMoreTransactions` (pool empty), with how long the author took to build them.
 */
export function buildEnds(log, r) {
  const ends = new Map();
  for (const m of log.matchAll(/Prepared block for proposing at (\d+) \((\d+) ms\).*?end: (\w+);/g)) {
    ends.set(Number(m[1]), { took: Number(m[2]), end: m[3] });
  }
  const out = {};
  for (const { number, count } of r.blocks) {
    const built = ends.get(number);
    const e = (out[built?.end ?? 'unknown'] ??= { blocks: 0, transactions: 0, proposingMs: 0 });
    e.blocks += 1;
    e.transactions += count;
    e.proposingMs += built?.took ?? 0;
  }
  // The author's time to build these blocks, per transaction they hold.
  for (const e of Object.values(out)) {
    e.meanPerBlock = Math.round(e.transactions / e.blocks);
    e.proposingUsPerTx = +((e.proposingMs * 1000) / e.transactions).toFixed(1);
  }
  return out;
}

/**
 * Waits until `count` extrinsics that `isOurs` are included in the blocks from
 * `fromBlock` on; returns the time from the block before the first to the last (by the
 * blocks' timestamps), their counts by block, and the fullest block's number. Fails if
 * no block adds one for 30 s.
 */
export async function waitIncluded(api, fromBlock, count, isOurs) {
  let seen = 0;
  let number = fromBlock;
  let first = null;
  let last = null;
  const blocks = [];
  let fullest = { number: 0, count: 0 };
  let lastProgress = Date.now();
  while (seen < count) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    if (number > best) {
      if (Date.now() - lastProgress > 30_000) {
        const pending = (await api.rpc.author.pendingExtrinsics()).length;
        throw new Error(`stalled: ${seen}/${count} included by block ${number - 1}, ${pending} in the pool`);
      }
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const hash = await api.rpc.chain.getBlockHash(number);
    const block = await api.rpc.chain.getBlock(hash);
    const at = await api.at(hash);
    const now = (await at.query.timestamp.now()).toNumber();
    const ours = block.block.extrinsics.filter(isOurs).length;
    if (ours > 0) {
      if (first === null) {
        const parent = await api.at(block.block.header.parentHash);
        first = (await parent.query.timestamp.now()).toNumber();
      }
      last = now;
      blocks.push({ number, count: ours });
      if (ours > fullest.count) fullest = { number, count: ours };
    }
    seen += ours;
    if (ours > 0) {
      lastProgress = Date.now();
      console.error(`block ${number}: ${ours} (${seen}/${count})`);
    }
    number += 1;
  }
  return { seconds: (last - first) / 1000, perBlock: blocks.map((b) => b.count), blocks, nextBlock: number, fullest: fullest.number };
}
