// Storage nodes (zgs-node) and the zg CLI for end-to-end tests: spawned on free ports
// with their own RocksDB directories, stopped (or SIGKILLed) and restarted on demand.

import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

import { freePort, nodeBinary, rpc, startNode } from './node.mjs';
import { daemon, runOnce, tempDir } from './process.mjs';

/** A binary next to zerog-node in the release dir (zg, zgs-node, examples/tamper). */
export function binary(name) {
  const p = join(dirname(nodeBinary()), name);
  if (!existsSync(p)) throw new Error(`${p} not found; build the workspace (scripts/test.sh)`);
  return p;
}

/**
 * A storage node process. With `suri` (the registered operator's key) it answers audits,
 * and mines unless `mine` is false; `kill()` SIGKILLs it, `start()` (re)starts it on the same port and DB. */
export async function storageNode({ chainHttp, shardId, numShard, suri, mine = true }) {
  const port = await freePort();
  const promPort = await freePort();
  const dbPath = tempDir('zgs-e2e');
  const endpoint = `http://127.0.0.1:${port}`;
  const promUrl = `http://127.0.0.1:${promPort}/metrics`;
  const node = daemon({ port, dbPath, endpoint, promUrl, shardId, numShard }, {
    name: `zgs-node on ${port}`,
    binary: binary('zgs-node'),
    args: () => [
      '--chain', chainHttp, '--base-path', dbPath, '--listen', `127.0.0.1:${port}`,
      '--shard-id', String(shardId), '--num-shard', String(numShard), '--poll-ms', '250',
      '--prometheus-port', String(promPort),
      ...(suri ? ['--suri', suri] : []),
      ...(suri && mine ? [] : ['--no-mine']),
    ],
    ready: async () => (await rpc(endpoint, 'zgs_getStatus')) !== undefined,
    readyTimeoutMs: 30_000,
    pollMs: 100,
    keepChunks: 500,
  });
  node.cleanup = async () => { await node.kill(); rmSync(dbPath, { recursive: true, force: true }); };
  await node.start();
  return node;
}

/**
 * Runs `zg` with `args`; resolves with { code, stdout, stderr, maxRssKb } (never rejects on
 * a non-zero exit). Peak RSS comes from GNU time when it is installed.
 */
export function zg(args, { timeoutMs = 300_000 } = {}) {
  const useTime = existsSync('/usr/bin/time');
  const [cmd, argv] = useTime
    ? ['/usr/bin/time', ['-f', 'zg-maxrss-kb=%M', binary('zg'), '--quiet', ...args]]
    : [binary('zg'), ['--quiet', ...args]];
  return runOnce(cmd, argv, { timeoutMs }).then((r) => {
    const m = /zg-maxrss-kb=(\d+)/.exec(r.stderr);
    return { ...r, maxRssKb: m ? Number(m[1]) : null };
  });
}

/** A field of zg's `name   value` output. */
export function field(stdout, name) {
  const m = new RegExp(`^${name}\\s+(.*)$`, 'm').exec(stdout);
  return m ? m[1].trim() : null;
}

/**
 * A `--dev` chain and `count` storage nodes registered on it, for measurements and runs by
 * hand: node i keeps shard i mod `numShard` and is registered by `//Node{i}`, which Alice
 * funds. Resolves with { chain, nodes, stop }; `stop()` ends them all.
 */
export async function storageNetwork(count, numShard) {
  const chain = await startNode(['--dev']);
  const nodes = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.cleanup()));
    await chain.stop();
  };
  try {
    const api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    await Promise.all(Array.from({ length: count }, (_, i) => new Promise((ok, fail) => {
      api.tx.balances.transferKeepAlive(keyring.addFromUri(`//Node${i}`).address, 1000n * 10n ** 18n)
        .signAndSend(alice, { nonce: nonce + i }, (r) => { if (r.status.isInBlock) ok(); }).catch(fail);
    })));
    await api.disconnect();
    for (let i = 0; i < count; i++) {
      nodes.push(await storageNode({ chainHttp: chain.httpUrl, shardId: i % numShard, numShard }));
    }
    for (const [i, n] of nodes.entries()) {
      const r = await zg(['storage', 'register', '--endpoint', n.endpoint, '--shard-id', String(i % numShard),
        '--num-shard', String(numShard), '--suri', `//Node${i}`, '--chain', chain.httpUrl]);
      if (r.code !== 0) throw new Error(`registering ${n.endpoint}: ${r.stderr}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { chain, nodes, stop };
}
