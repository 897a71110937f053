// Starting and stopping a real zerog-node for end-to-end tests: free ports, a fresh
// RocksDB base path, readiness by RPC, and a stop that always runs.

import { rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import WebSocket from 'ws';

import { freePort } from './ports.mjs';
import { daemon, tempDir } from './process.mjs';

export { freePort };

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

/** A JSON-RPC client on one WebSocket connection, with any number of requests open. */
export async function wsClient(url) {
  const socket = new WebSocket(url, { maxPayload: 64 << 20 });
  await new Promise((resolve, fail) => { socket.once('open', resolve); socket.once('error', fail); });
  const open = new Map();
  let id = 0;
  socket.on('message', (data) => {
    const body = JSON.parse(data.toString());
    const { resolve, fail, method } = open.get(body.id) ?? {};
    open.delete(body.id);
    if (body.error) fail?.(new Error(`${method}: ${body.error.message}`));
    else resolve?.(body.result);
  });
  socket.on('close', () => {
    for (const { fail } of open.values()) fail(new Error('connection closed'));
    open.clear();
  });
  return {
    call: (method, params) => new Promise((resolve, fail) => {
      open.set(++id, { resolve, fail, method });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    }),
    close: () => socket.close(),
  };
}

/**
 * `--wasm-cache-dir` for every node of this run: run.mjs sets ZEROG_E2E_WASM_CACHE to one
 * directory for all suites, so only the first node compiles the runtime and the rest
 * load its machine code. A suite run alone keeps the cache in each node's base path,
 * the node's default.
 */
const wasmCacheArgs = () =>
  process.env.ZEROG_E2E_WASM_CACHE ? ['--wasm-cache-dir', process.env.ZEROG_E2E_WASM_CACHE] : [];

/**
 * Starts `zerog-node` with the given extra arguments on free ports and a temporary base
 * path, and waits until its RPC answers. Returns handles and an idempotent `stop()`
 * (SIGTERM, SIGKILL after 20 s, then the base path is removed).
 *
 * The node skips its start-up hardware measures (`--no-hardware-benchmarks`) unless
 * `hardware` is set: with suites side by side they would only measure each other, and
 * each costs a start about 2 s. The chain suite checks them on its own node.
 */
export async function startNode(extraArgs = ['--dev'], { readyTimeoutMs = 120_000, hardware = false } = {}) {
  const [rpcPort, p2pPort, promPort, ethPort] =
    [await freePort(), await freePort(), await freePort(), await freePort()];
  const basePath = tempDir('zerog-e2e');
  const httpUrl = `http://127.0.0.1:${rpcPort}`;
  const node = {
    httpUrl,
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    promUrl: `http://127.0.0.1:${promPort}/metrics`,
    ethUrl: `http://127.0.0.1:${ethPort}`,
    basePath,
  };
  daemon(node, {
    name: 'zerog-node',
    binary: nodeBinary(),
    args: () => [
      ...extraArgs,
      ...(hardware ? [] : ['--no-hardware-benchmarks']),
      '--base-path', basePath,
      '--rpc-port', String(rpcPort),
      '--port', String(p2pPort),
      '--prometheus-port', String(promPort),
      '--eth-rpc-port', String(ethPort),
      '--no-telemetry',
      '--no-mdns',
      ...wasmCacheArgs(),
    ],
    ready: async () => (await rpc(httpUrl, 'system_health')) !== undefined,
    readyTimeoutMs,
    pollMs: 250,
    keepChunks: 2000,
  });
  let stopped = false;
  const stopProcess = node.stop;
  /** Stops the node but keeps its database, for a tool to read (`benchmark block`). */
  node.halt = () => stopProcess(20_000);
  node.stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcess(20_000);
    rmSync(basePath, { recursive: true, force: true });
  };
  try {
    await node.start();
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}
