// Compute providers (zg-provider) for end-to-end tests, and an OpenAI-compatible
// upstream that streams slowly, for the proxy engine.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './node.mjs';
import { binary } from './storage.mjs';

/**
 * A zg-provider process on a free port with its own base path. `kill(signal)` stops it
 * (SIGKILL by default), `start()` restarts it on the same port, keys and receipts.
 */
export async function provider({ chainHttp, suri, name, args = [] }) {
  const port = await freePort();
  const basePath = mkdtempSync(join(tmpdir(), 'zg-provider-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const p = { port, url, basePath, logs: [], proc: null, exited: null };
  p.start = async (extra = []) => {
    p.exited = null;
    const proc = spawn(binary('zg-provider'), [
      'run', '--chain', chainHttp, '--suri', suri, '--base-path', basePath,
      '--listen', `127.0.0.1:${port}`, '--name', name, ...args, ...extra,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c) => { p.logs.push(c.toString()); if (p.logs.length > 1000) p.logs.splice(0, 200); };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    p.proc = proc;
    p.exitPromise = new Promise((ok) => proc.on('exit', (code, signal) => { p.exited = { code, signal }; ok(p.exited); }));
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (p.exited) throw new Error(`zg-provider exited: ${JSON.stringify(p.exited)}\n${p.logs.join('')}`);
      try {
        const r = await fetch(`${url}/health`);
        if (r.ok) return;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`zg-provider on ${port} not ready:\n${p.logs.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  p.kill = async (signal = 'SIGKILL') => {
    if (p.proc && !p.exited) { p.proc.kill(signal); await p.exitPromise; }
    return p.exited;
  };
  p.cleanup = async () => { await p.kill(); rmSync(basePath, { recursive: true, force: true }); };
  p.log = () => p.logs.join('');
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
