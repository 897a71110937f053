// DA signers (zg-da-signer) for end-to-end tests.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './node.mjs';
import { binary } from './storage.mjs';

/**
 * A zg-da-signer process for the dev account `//DaSigner<index>` on a free port with its
 * own RocksDB. `kill(signal)` stops it, `start()` restarts it on the same port and data.
 */
export async function daSigner({ chainHttp, index }) {
  const port = await freePort();
  const basePath = mkdtempSync(join(tmpdir(), 'zg-da-signer-e2e-'));
  const s = { index, port, url: `http://127.0.0.1:${port}`, suri: `//DaSigner${index}`, basePath, logs: [], proc: null, exited: null };
  s.start = async () => {
    s.exited = null;
    const proc = spawn(binary('zg-da-signer'), [
      '--chain', chainHttp, '--suri', s.suri, '--base-path', basePath, '--listen', `127.0.0.1:${port}`,
      '--challenge-interval', '2', '--maintenance-interval', '2',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c) => { s.logs.push(c.toString()); if (s.logs.length > 1000) s.logs.splice(0, 200); };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    s.proc = proc;
    s.exitPromise = new Promise((ok) => proc.on('exit', (code, signal) => { s.exited = { code, signal }; ok(s.exited); }));
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (s.exited) throw new Error(`zg-da-signer ${index} exited: ${JSON.stringify(s.exited)}\n${s.log()}`);
      try {
        if ((await fetch(`${s.url}/health`)).ok) return;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`zg-da-signer ${index} not ready:\n${s.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  s.kill = async (signal = 'SIGKILL') => {
    if (s.proc && !s.exited) { s.proc.kill(signal); await s.exitPromise; }
    return s.exited;
  };
  s.cleanup = async () => { await s.kill(); rmSync(basePath, { recursive: true, force: true }); };
  s.log = () => s.logs.join('');
  return s;
}
