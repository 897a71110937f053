// Starts a dev chain and N storage nodes (registered on chain) and keeps them running,
// for measuring `zg storage` by hand (docs/performance.md):
//   node tests/e2e/storage-env.mjs [N]      prints the chain RPC URL; Ctrl-C stops all.
// Shards: the largest power of two S <= N; node i keeps shard i mod S (the rest replicate).

import { storageNetwork } from './lib/storage.mjs';

const n = Number(process.argv[2] ?? 5);
let numShard = 1;
while (numShard * 2 <= n) numShard *= 2;
const { chain, nodes, stop: stopAll } = await storageNetwork(n, numShard);
console.log(`chain ${chain.httpUrl}; ${n} storage nodes: ${nodes.map((s) => s.endpoint).join(' ')}`);
const stop = async () => { await stopAll(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
