// Starts a dev chain and N storage nodes (registered on chain) and keeps them running,
// for measuring `zg storage` by hand (docs/performance.md):
//   node tests/e2e/storage-env.mjs [N]      prints the chain RPC URL; Ctrl-C stops all.
// Shards: the largest power of two S <= N; node i keeps shard i mod S (the rest replicate).

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

import { startNode } from './lib/node.mjs';
import { storageNode, zg } from './lib/storage.mjs';

const n = Number(process.argv[2] ?? 5);
let numShard = 1;
while (numShard * 2 <= n) numShard *= 2;
const chain = await startNode(['--dev']);
const api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
await Promise.all(Array.from({ length: n }, (_, i) => new Promise((ok, fail) => {
  api.tx.balances.transferKeepAlive(keyring.addFromUri(`//Node${i}`).address, 1000n * 10n ** 18n)
    .signAndSend(alice, { nonce: nonce + i }, (r) => { if (r.status.isInBlock) ok(); }).catch(fail);
})));
await api.disconnect();
const nodes = [];
for (let i = 0; i < n; i++) nodes.push(await storageNode({ chainHttp: chain.httpUrl, shardId: i % numShard, numShard }));
await Promise.all(nodes.map((s, i) => zg(['storage', 'register', '--endpoint', s.endpoint, '--shard-id', String(i % numShard),
  '--num-shard', String(numShard), '--suri', `//Node${i}`, '--chain', chain.httpUrl])));
console.log(`chain ${chain.httpUrl}; ${n} storage nodes: ${nodes.map((s) => s.endpoint).join(' ')}`);
const stop = async () => { await Promise.all(nodes.map((s) => s.cleanup())); await chain.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
