// Free TCP ports for the daemons that tests and measurement scripts start.
//
// A port the kernel hands out for `listen(0)` comes from the ephemeral range, the same
// range it draws the source ports of outgoing connections from. Between closing the
// probe and the daemon's bind, any WebSocket, fetch or libp2p dial of the run may take
// that port, and the daemon then fails with "Address already in use" (seen in CI). So
// ports come from below the ephemeral range, where the kernel never picks one, and
// within a run every process claims its ports in a shared directory
// (ZEROG_E2E_PORT_DIR, set by run.mjs), so two suites never pick the same one.
// Node built-ins only: zombienet/load.js (CommonJS) imports it too.

import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const LOW = 20_000;

/** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralLow() {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > LOW + 1_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const HIGH = Math.min(ephemeralLow(), 30_000);
// Each process starts at its own place, so that a suite run alone next to another
// (without a shared claim directory) rarely meets the same ports.
let next = LOW + ((process.pid * 7_919) % (HIGH - LOW));

/** Claims `port` for this run; false when another process of the run already has. */
function claim(port) {
  const dir = process.env.ZEROG_E2E_PORT_DIR;
  if (!dir) return true;
  try {
    closeSync(openSync(join(dir, String(port)), 'wx'));
    return true;
  } catch (e) {
    if (e.code === 'EEXIST') return false;
    throw e;
  }
}

/** Whether nothing listens on `port` of 127.0.0.1 right now. */
function bindable(port) {
  return new Promise((ok) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}

/** A TCP port below the ephemeral range that nobody listens on or has claimed in this run. */
export async function freePort() {
  for (let tries = 0; tries < HIGH - LOW; tries++) {
    const port = next;
    next = next + 1 >= HIGH ? LOW : next + 1;
    if (claim(port) && (await bindable(port))) return port;
  }
  throw new Error(`no free port in ${LOW}..${HIGH}`);
}
