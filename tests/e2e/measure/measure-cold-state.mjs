// Full blocks of transfers to accounts a node has not read since it started, on a chain
// whose state holds ACCOUNTS funded accounts: what the author takes per transfer, node A
// against node B, alternated ROUNDS times on copies of one database.
//
//   ZG_A=zerog-node-without-warm-up ZG_B=zerog-node \
//     node tests/e2e/measure/measure-cold-state.mjs [transfers, default 8000] [rounds, default 3] [accounts, default 200000]
//
// ZG_A and ZG_B name node binaries (default: the release build), ZG_A_ARGS and ZG_B_ARGS
// add flags to each (a node that does not warm its trie cache by default does with
// `--warm-up-trie-cache`). The chain is scripts/benchmark/accounts-chain.sh's (the dev genesis
// and ACCOUNTS accounts nobody holds the keys of), its database written once by node A.
// Each run copies that database, starts the node as Alice's validator, waits WARM_SECONDS
// (default 30: a node that warms its trie cache at start has then read the whole state;
// both nodes wait the same), then the six dev accounts send TRANSFERS transfers, each to
// a different one of the chain's accounts, so every transfer reads and writes an account
// that is in the database and, unless the node read the state into its trie cache, not
// in memory. Each sender keeps four submissions open on its own WebSocket connection, as
// an exchange's hot wallet does, so the burst reaches the pool within a block or two.
// Reported per run, from the author's log: the time it took to build the blocks holding
// them per transfer (all of them, and the blocks it ended full), the keys a warm-up read,
// and the node's peak RSS (/proc). Prints one JSON line.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { freePort, nodeBinary, rpc } from '../lib/node.mjs';
import { buildEnds, peakRssMiB, submitInOrder, waitIncluded } from '../lib/measure.mjs';
import { daemon } from '../lib/process.mjs';

const TRANSFERS = Number(process.argv[2] ?? 8000);
const ROUNDS = Number(process.argv[3] ?? 3);
const ACCOUNTS = Number(process.argv[4] ?? 200000);
const WARM_SECONDS = Number(process.env.WARM_SECONDS ?? 30);
const ROOT = new URL('../../../', import.meta.url).pathname;
const variants = ['A', 'B'].map((v) => ({
  name: v,
  binary: process.env[`ZG_${v}`] || nodeBinary(),
  args: (process.env[`ZG_${v}_ARGS`] ?? '').split(' ').filter(Boolean),
}));
if (TRANSFERS > ACCOUNTS) throw new Error('at most one transfer per account');

/** The public key of the chain's account `i` (scripts/benchmark/add-accounts.py). */
function account(i) {
  const seed = Buffer.alloc(8);
  seed.writeBigUInt64LE(BigInt(i));
  return blake2AsU8a(Buffer.concat([Buffer.from('zerog-bench-account'), seed]), 256);
}

async function run(variant, work) {
  const base = join(work, `db-${variant.name}`);
  rmSync(base, { recursive: true, force: true });
  cpSync(join(work, 'db'), base, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = {};
  daemon(node, {
    name: `zerog-node ${variant.name}`,
    binary: variant.binary,
    args: () => [
      '--chain', join(work, 'raw.json'), '--base-path', base, '--alice', '--validator',
      '--database', 'rocksdb', '--no-prometheus', '--no-telemetry', '--port', '0',
      '--rpc-port', String(port), '--unsafe-force-node-key-generation',
      // Its warm-up says at debug how many keys it read.
      '-lsc_service::builder=debug', ...variant.args,
    ],
    ready: async () => (await rpc(url, 'system_health')) !== undefined,
    readyTimeoutMs: 120_000,
    pollMs: 250,
    keepChunks: 20_000,
  });
  await node.start();
  try {
    await new Promise((r) => setTimeout(r, WARM_SECONDS * 1000));
    const api = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${port}`), noInitWarn: true });
    try {
      const keyring = new Keyring({ type: 'sr25519' });
      const senders = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((n) => keyring.addFromUri(`//${n}`));
      const nonces = await Promise.all(senders.map(async (s) => (await api.rpc.system.accountNextIndex(s.address)).toNumber()));
      const queues = senders.map(() => []);
      const hashes = new Set();
      for (let i = 0; i < TRANSFERS; i += 1) {
        const s = i % senders.length;
        const tx = api.tx.balances.transferKeepAlive(account(i), 1_000_000n);
        await tx.signAsync(senders[s], { nonce: nonces[s] + queues[s].length, era: 0 });
        hashes.add(tx.hash.toHex());
        queues[s].push(tx.toHex());
      }
      const from = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
      const t0 = Date.now();
      await submitInOrder(queues, url, `ws://127.0.0.1:${port}`, 'author_submitExtrinsic', 4);
      const submitSeconds = (Date.now() - t0) / 1000;
      const r = await waitIncluded(api, from, TRANSFERS, (xt) => hashes.has(xt.hash.toHex()));
      const log = node.log();
      const ends = buildEnds(log, r);
      // Every transfer was included (waitIncluded), so the blocks hold TRANSFERS of them.
      const proposingMs = Object.values(ends).reduce((sum, e) => sum + e.proposingMs, 0);
      return {
        node: variant.name,
        submitSeconds,
        blocks: r.blocks,
        builtUntil: ends,
        proposingUsPerTx: +((proposingMs * 1000) / TRANSFERS).toFixed(1),
        warmedUp: /Trie cache populated with (\d+) keys/.exec(log)?.[1] ?? null,
        peakRssMiB: +peakRssMiB(node.proc.pid).toFixed(1),
      };
    } finally {
      await api.disconnect();
    }
  } finally {
    await node.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

const work = mkdtempSync(join(tmpdir(), 'zerog-cold-state-'));
try {
  const made = spawnSync(join(ROOT, 'scripts/benchmark/accounts-chain.sh'),
    [variants[0].binary, work, String(ACCOUNTS)], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('accounts-chain.sh failed');
  const results = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const v of variants) {
      const r = await run(v, work);
      console.error(`round ${round + 1}, node ${v.name}: ${r.proposingUsPerTx} µs a transfer, ${r.blocks.map((b) => b.count).join(' + ')}`);
      results.push({ round: round + 1, ...r });
    }
  }
  // Mean over the rounds of each node's time per transfer, in all its blocks or in those
  // it ended full.
  const mean = (v, perTx) => {
    const xs = results.filter((r) => r.node === v).map(perTx).filter((x) => x !== undefined);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const all = (r) => r.proposingUsPerTx;
  const full = (r) => r.builtUntil.HitBlockWeightLimit?.proposingUsPerTx;
  console.log(JSON.stringify({
    transfers: TRANSFERS, accounts: ACCOUNTS, warmSeconds: WARM_SECONDS,
    variants: variants.map(({ name, binary, args }) => ({ name, binary, args })),
    results,
    bOverA: +(mean('B', all) / mean('A', all)).toFixed(3),
    bOverAFullBlocks: +(mean('B', full) / mean('A', full)).toFixed(3),
  }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
