// Starting and stopping a real zerog-node for end-to-end tests: free ports, a fresh
// RocksDB base path, readiness by RPC, and a stop that always runs.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The node binary: $ZEROG_NODE, or the release build in the cargo target dir. */
export function nodeBinary() {
  const candidates = [
    process.env.ZEROG_NODE,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release', 'zerog-node'),
    resolve(import.meta.dirname, '../../../target/release/zerog-node'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`zerog-node not found (looked in ${candidates.join(', ')}); build it with scripts/test.sh or set ZEROG_NODE`);
  }
  return found;
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** JSON-RPC over HTTP, for probing readiness without a client library. */
export async function rpc(url, method, params = []) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) {
    const err = new Error(`${method}: ${body.error.message}${body.error.data ? ` (${body.error.data})` : ''}`);
    err.rpc = body.error;
    throw err;
  }
  return body.result;
}

/**
 * Starts `zerog-node` with the given extra arguments on free ports and a temporary base
 * path, and waits until its RPC answers. Returns handles and an idempotent `stop()`.
 */
export async function startNode(extraArgs = ['--dev'], { readyTimeoutMs = 120_000 } = {}) {
  const [rpcPort, p2pPort, promPort, ethPort] =
    [await freePort(), await freePort(), await freePort(), await freePort()];
  const basePath = mkdtempSync(join(tmpdir(), 'zerog-e2e-'));
  const args = [
    ...extraArgs,
    '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--prometheus-port', String(promPort),
    '--eth-rpc-port', String(ethPort),
    '--no-telemetry',
    '--no-mdns',
  ];
  const proc = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  const keep = (chunk) => {
    logs.push(chunk.toString());
    if (logs.length > 2000) logs.splice(0, logs.length - 2000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((ok) => proc.on('exit', (code, signal) => { exited = { code, signal }; ok(exited); }));

  const httpUrl = `http://127.0.0.1:${rpcPort}`;
  const wsUrl = `ws://127.0.0.1:${rpcPort}`;
  const promUrl = `http://127.0.0.1:${promPort}/metrics`;
  const ethUrl = `http://127.0.0.1:${ethPort}`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => !exited && proc.kill('SIGKILL'), 20_000);
      await exitPromise;
      clearTimeout(timer);
    }
    rmSync(basePath, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`zerog-node exited early (${JSON.stringify(exited)}):\n${logs.join('').slice(-4000)}`);
    }
    try {
      await rpc(httpUrl, 'system_health');
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`zerog-node did not answer RPC within ${readyTimeoutMs} ms:\n${logs.join('').slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { proc, httpUrl, wsUrl, promUrl, ethUrl, basePath, logs, stop, isRunning: () => !exited };
}
