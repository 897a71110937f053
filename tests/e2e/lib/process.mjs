// The one process helper of the end-to-end suites: every binary (zerog-node, zgs-node,
// zg-da-signer, zg-provider) is spawned, watched, stopped and restarted through it.

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh temporary directory named after `prefix`. */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/**
 * Makes `d` a managed daemon. `d.start(extra)` spawns `binary` with `args()` (and
 * `extra`), keeps its output (the last `keepChunks` chunks, in `d.logs`; `d.log()` joins
 * them) and waits until `ready()` resolves truthy, failing with the log tail if the
 * process exits first or `readyTimeoutMs` passes. `d.kill(signal)` (SIGKILL by default)
 * waits for the exit and returns it; `d.stop(graceMs)` sends SIGTERM, then SIGKILL after
 * the grace period. `d.proc`, `d.exited` and `d.isRunning()` tell where it stands.
 * `start` may be called again after a kill: same arguments, same ports and data.
 */
export function daemon(d, { name, binary, args, ready, readyTimeoutMs = 60_000, pollMs = 200, keepChunks = 1000 }) {
  Object.assign(d, { logs: d.logs ?? [], proc: null, exited: null });
  d.log = () => d.logs.join('');
  d.isRunning = () => d.proc !== null && !d.exited;
  d.start = async (extra = []) => {
    d.exited = null;
    const proc = spawn(binary, [...args(), ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => {
      d.logs.push(chunk.toString());
      if (d.logs.length > keepChunks) d.logs.splice(0, d.logs.length - keepChunks);
    };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    d.proc = proc;
    d.exitPromise = new Promise((ok) => proc.on('exit', (code, signal) => { d.exited = { code, signal }; ok(d.exited); }));
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (d.exited) throw new Error(`${name} exited early (${JSON.stringify(d.exited)}):\n${d.log().slice(-4000)}`);
      try {
        if (await ready()) return;
      } catch { /* not yet */ }
      if (Date.now() > deadline) {
        await d.kill();
        throw new Error(`${name} not ready within ${readyTimeoutMs} ms:\n${d.log().slice(-4000)}`);
      }
      await sleep(pollMs);
    }
  };
  d.kill = async (signal = 'SIGKILL') => {
    if (d.proc && !d.exited) { d.proc.kill(signal); await d.exitPromise; }
    return d.exited;
  };
  d.stop = async (graceMs = 20_000) => {
    if (!d.proc || d.exited) return d.exited;
    d.proc.kill('SIGTERM');
    const timer = setTimeout(() => !d.exited && d.proc.kill('SIGKILL'), graceMs);
    await d.exitPromise;
    clearTimeout(timer);
    return d.exited;
  };
  return d;
}

/** Whether `url` answers an HTTP GET with a 2xx status. */
export async function httpOk(url) {
  return (await fetch(url)).ok;
}

/**
 * Runs `binary` once to its end and resolves with `{ code, stdout, stderr }`. Fails when
 * it could not be started or ended on a signal (killed at `timeoutMs`, for one), so a
 * hang or a crash never passes for an expected non-zero exit.
 */
export function runOnce(binary, args, { timeoutMs = 300_000 } = {}) {
  return new Promise((ok, fail) => {
    execFile(binary, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        fail(new Error(`${binary} ${args.join(' ')}: ${err.signal ?? err.message}\n${`${stdout}${stderr}`.slice(-2000)}`));
        return;
      }
      ok({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}
