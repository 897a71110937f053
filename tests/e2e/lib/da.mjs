// DA signers (zg-da-signer) for end-to-end tests.

import { rmSync } from 'node:fs';

import { freePort } from './node.mjs';
import { daemon, httpOk, tempDir } from './process.mjs';
import { binary } from './storage.mjs';

/**
 * A zg-da-signer process for the dev account `//DaSigner<index>` on a free port with its
 * own RocksDB. `kill(signal)` stops it, `start()` restarts it on the same port and data.
 * It is returned unstarted.
 */
export async function daSigner({ chainHttp, index }) {
  const port = await freePort();
  const basePath = tempDir('zg-da-signer-e2e');
  const url = `http://127.0.0.1:${port}`;
  const s = daemon({ index, port, url, suri: `//DaSigner${index}`, basePath }, {
    name: `zg-da-signer ${index}`,
    binary: binary('zg-da-signer'),
    args: () => [
      '--chain', chainHttp, '--suri', `//DaSigner${index}`, '--base-path', basePath,
      '--listen', `127.0.0.1:${port}`, '--challenge-interval', '2', '--maintenance-interval', '2',
    ],
    ready: () => httpOk(`${url}/health`),
    readyTimeoutMs: 120_000,
  });
  s.cleanup = async () => { await s.kill(); rmSync(basePath, { recursive: true, force: true }); };
  return s;
}
