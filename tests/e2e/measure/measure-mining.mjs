// Measures what mining and audits cost a storage node at the default settings: on one dev
// chain (10-block epochs, one audit every 5 blocks), four zgs-node mine and answer audits
// with their operators' keys while a fifth, registered the same way, runs with
// `--no-mine` (audits only) as the baseline, all over the same 64 MiB file. Each node's
// CPU time (utime + stime from /proc) over the same window gives the ratio.
//
//   node tests/e2e/measure/measure-mining.mjs [epochs=6] [MiB=64] [wanted]
//
// With `wanted` (answers per epoch, below the four miners) the difficulty rises until
// about that many find an answer each epoch, so miners hash at their CPU cap
// (`--mine-cpu-percent`, 50 by default) for most of each epoch.
//
// Prints each node's CPU seconds, loads, hashes, answers and audits passed, and the
// miners' mean CPU share of one core against the baseline node's.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

import { startNode } from '../lib/node.mjs';
import { storageNode, zg } from '../lib/storage.mjs';

const epochs = Number(process.argv[2] ?? 6);
const mib = Number(process.argv[3] ?? 64);
const wanted = process.argv[4] ? Number(process.argv[4]) : null;
const NODES = 4;
const TICKS = 100; // USER_HZ

const chain = await startNode(['--dev']);
const api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const names = Array.from({ length: NODES + 1 }, (_, i) => `//Measure${i}`);
const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
await Promise.all(names.map((n, i) => new Promise((ok, fail) => {
  api.tx.balances.transferKeepAlive(keyring.addFromUri(n).address, 1000n * 10n ** 18n)
    .signAndSend(alice, { nonce: nonce + i }, (r) => { if (r.status.isInBlock) ok(); }).catch(fail);
})));
const nodes = [];
for (let i = 0; i <= NODES; i++) {
  // The baseline holds shard 0 like the first miner.
  const shardId = i % NODES;
  nodes.push(await storageNode({ chainHttp: chain.httpUrl, shardId, numShard: NODES, suri: names[i], mine: i < NODES }));
}
await Promise.all(nodes.map((n, i) => zg(['storage', 'register', '--endpoint', n.endpoint, '--shard-id',
  String(i % NODES), '--num-shard', String(NODES), '--suri', names[i], '--chain', chain.httpUrl])));
const work = mkdtempSync(join(tmpdir(), 'zg-measure-mining-'));
const file = join(work, 'data.bin');
writeFileSync(file, randomBytes(mib << 20));
const up = await zg(['storage', 'upload', file, '--suri', '//Alice', '--chain', chain.httpUrl]);
if (up.code !== 0) throw new Error(up.stderr);
// zg uploads each segment to every node of its shard: the baseline holds shard 0 too.
const cpu = (n) => {
  const f = readFileSync(`/proc/${n.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
};
const metric = async (n, name) => {
  const m = new RegExp(`^${name} (\\d+)`, 'm').exec(await (await fetch(n.promUrl)).text());
  return Number(m?.[1] ?? 0);
};
if (wanted !== null) {
  const config = (await api.query.storageMarket.mining()).toJSON();
  await new Promise((ok, fail) => {
    api.tx.sudo.sudo(api.tx.storageMarket.setMiningConfig({ ...config, targetAnswers: wanted }))
      .signAndSend(alice, (r) => { if (r.status.isInBlock) ok(); }).catch(fail);
  });
}
const before = nodes.map(cpu);
const t0 = Date.now();
await new Promise((r) => setTimeout(r, epochs * 10 * 2000));
const epoch = (await api.query.storageMarket.currentEpoch()).toJSON();
console.log(`epoch ${epoch.context.epoch}: target ${BigInt(epoch.target).toString(16)}, ${epoch.answers} answers so far`);
const secs = (Date.now() - t0) / 1000;
const used = nodes.map((n, i) => cpu(n) - before[i]);
for (const [i, n] of nodes.entries()) {
  console.log(`${i < NODES ? `miner ${i}` : 'baseline (--no-mine)'}: ${used[i].toFixed(2)} CPU s in ${secs.toFixed(0)} s `
    + `(${(100 * used[i] / secs).toFixed(2)} % of a core); loads ${await metric(n, 'zgs_mining_loads_total')}, `
    + `hashes ${await metric(n, 'zgs_mining_hashes_total')}, answers ${await metric(n, 'zgs_mining_answers_total')}, `
    + `audits passed ${await metric(n, 'zgs_audits_passed_total')}`);
}
const miners = used.slice(0, NODES).reduce((a, b) => a + b, 0) / NODES;
console.log(`miners' mean CPU ${(100 * miners / secs).toFixed(2)} % of a core, `
  + `${(miners / Math.max(used[NODES], 0.01)).toFixed(2)}x the baseline node's ${(100 * used[NODES] / secs).toFixed(2)} %`);
await Promise.all(nodes.map((n) => n.cleanup()));
await api.disconnect();
await chain.stop();
rmSync(work, { recursive: true, force: true });
process.exit(0);
