// Compute providers (zg-provider) for end-to-end tests, and an OpenAI-compatible
// upstream that streams slowly, for the proxy engine.

import { createServer } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from './node.mjs';
import { daemon, httpOk, tempDir } from './process.mjs';
import { binary } from './storage.mjs';

/**
 * A zg-provider process on a free port with its own base path. `kill(signal)` stops it
 * (SIGKILL by default), `start(extra)` (re)starts it on the same port, keys and receipts.
 */
export async function provider({ chainHttp, suri, name, args = [], keyFile = false }) {
  const port = await freePort();
  const basePath = tempDir('zg-provider-e2e');
  // With keyFile, the account's secret goes in a 0600 file (--key-file), not argv.
  const keyPath = join(basePath, 'account.key');
  if (keyFile) writeFileSync(keyPath, `${suri}\n`, { mode: 0o600 });
  const key = keyFile ? ['--key-file', keyPath] : ['--suri', suri];
  const url = `http://127.0.0.1:${port}`;
  const p = daemon({ port, url, basePath }, {
    name: `zg-provider on ${port}`,
    binary: binary('zg-provider'),
    args: () => [
      'run', '--chain', chainHttp, ...key, '--base-path', basePath,
      '--listen', `127.0.0.1:${port}`, '--name', name, ...args,
    ],
    ready: () => httpOk(`${url}/health`),
    readyTimeoutMs: 300_000,
  });
  p.cleanup = async () => { await p.kill(); rmSync(basePath, { recursive: true, force: true }); };
  return p;
}

/**
 * An OpenAI-compatible chat server (what vLLM or llama.cpp's server look like from the
 * outside) that streams `tokens` words, one every `delayMs`, and reports usage.
 */
export async function slowUpstream({ tokens = 200, delayMs = 50 } = {}) {
  const port = await freePort();
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const parsed = JSON.parse(body || '{}');
      requests.push(parsed);
      if (req.url !== '/v1/chat/completions') { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const n = Math.min(tokens, parsed.max_tokens ?? tokens);
      let gone = false;
      res.on('close', () => { gone = true; });
      for (let i = 0; i < n && !gone; i++) {
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }] })}\n\n`);
        await new Promise((r) => setTimeout(r, delayMs));
      }
      if (gone) return;
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: n < tokens ? 'length' : 'stop' }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: n } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((ok) => server.close(ok)) };
}
