// Storage nodes (zgs-node) and the zg CLI for end-to-end tests: spawned on free ports
// with their own RocksDB directories, stopped (or SIGKILLed) and restarted on demand.

import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { freePort, nodeBinary, rpc } from './node.mjs';

/** A binary next to zerog-node in the release dir (zg, zgs-node, examples/tamper). */
export function binary(name) {
  const p = join(dirname(nodeBinary()), name);
  if (!existsSync(p)) throw new Error(`${p} not found; build the workspace (scripts/test.sh)`);
  return p;
}

/** A storage node process; `kill()` SIGKILLs it, `start()` (re)starts it on the same port and DB. */
export async function storageNode({ chainHttp, shardId, numShard }) {
  const port = await freePort();
  const dbPath = mkdtempSync(join(tmpdir(), 'zgs-e2e-'));
  const endpoint = `http://127.0.0.1:${port}`;
  const node = { port, dbPath, endpoint, shardId, numShard, logs: [], proc: null, exited: null };
  node.start = async () => {
    node.exited = null;
    const proc = spawn(binary('zgs-node'), [
      '--chain-rpc', chainHttp, '--db-path', dbPath, '--rpc-addr', `127.0.0.1:${port}`,
      '--shard-id', String(shardId), '--num-shard', String(numShard), '--poll-ms', '250',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c) => { node.logs.push(c.toString()); if (node.logs.length > 500) node.logs.splice(0, 100); };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    node.proc = proc;
    node.exitPromise = new Promise((ok) => proc.on('exit', (code, signal) => { node.exited = { code, signal }; ok(); }));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (node.exited) throw new Error(`zgs-node exited: ${JSON.stringify(node.exited)}\n${node.logs.join('')}`);
      try { await rpc(endpoint, 'zgs_getStatus'); return; } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`zgs-node on ${port} not ready:\n${node.logs.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  node.kill = async (signal = 'SIGKILL') => {
    if (node.proc && !node.exited) { node.proc.kill(signal); await node.exitPromise; }
  };
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
  return new Promise((ok, fail) => {
    execFile(cmd, argv, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') { fail(err); return; }
      const m = /zg-maxrss-kb=(\d+)/.exec(stderr);
      ok({ code: err ? err.code : 0, stdout, stderr, maxRssKb: m ? Number(m[1]) : null });
    });
  });
}

/** A field of zg's `name   value` output. */
export function field(stdout, name) {
  const m = new RegExp(`^${name}\\s+(.*)$`, 'm').exec(stdout);
  return m ? m[1].trim() : null;
}
