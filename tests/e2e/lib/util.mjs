// Small helpers every suite shares: waiting, hashing, checking zg's exit, submitting
// Substrate transactions with @polkadot/api and reading `Vec<u8>` runtime API results.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { compactFromU8a } from '@polkadot/util';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The SHA-256 of bytes, as hex. */
export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Polls `f` until it returns a truthy value, which it returns. */
export async function until(what, f, timeoutMs = 120_000, everyMs = 1000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Asserts that a `zg` run (see `zg()` in storage.mjs) exited 0; returns it. */
export function ok(r) {
  assert.equal(r.code, 0, `zg failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * `promise`, or a rejection once `ms` have passed without an answer, with the message
 * `what()` gives then (or `what: no answer after N s` for a string).
 */
export function withTimeout(promise, ms, what) {
  let timer;
  const message = () => (typeof what === 'function' ? what() : `${what}: no answer after ${ms / 1000} s`);
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(message())), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A Polkadot.js client of `wsUrl` (ready), or a rejection after `ms`; the connection is
 * closed when it does not get ready in time.
 */
export async function connect(wsUrl, ms = 60_000) {
  const provider = new WsProvider(wsUrl);
  try {
    return await withTimeout(ApiPromise.create({ provider, noInitWarn: true }), ms, `a client of ${wsUrl}`);
  } catch (e) {
    await provider.disconnect().catch(() => {});
    throw e;
  }
}

/**
 * Signs and submits `tx`; resolves with `{ blockHash, events }` once it is in a block, and
 * rejects with `dispatch failed: pallet.Error` when it fails, or when no block has included
 * it after `timeoutMs` (with the statuses seen until then: a watch that stalls fails the
 * test that made it instead of timing out its whole suite).
 */
export function submitInBlock(tx, signer, options = {}, timeoutMs = 120_000) {
  const seen = [];
  let unsubscribe = () => {};
  const included = new Promise((resolve, fail) => {
    tx.signAndSend(signer, options, (result) => {
      seen.push(result.status.type);
      if (result.dispatchError) {
        let msg = result.dispatchError.toString();
        if (result.dispatchError.isModule) {
          const d = result.dispatchError.registry.findMetaError(result.dispatchError.asModule);
          msg = `${d.section}.${d.name}`;
        }
        fail(new Error(`dispatch failed: ${msg}`));
      } else if (result.status.isInBlock) {
        resolve({ blockHash: result.status.asInBlock, events: result.events });
      } else if (result.isError) {
        fail(new Error(`transaction failed: ${result.status.toString()}`));
      }
    }).then((u) => { unsubscribe = u; }, fail);
  });
  const stalled = () => `no block included ${tx.method.section}.${tx.method.method} (${tx.hash.toHex()}) after ` +
    `${timeoutMs / 1000} s; statuses seen: ${seen.join(', ') || 'none'}`;
  return withTimeout(included, timeoutMs, stalled).finally(() => {
    try { unsubscribe(); } catch { /* the connection is gone */ }
  });
}

/**
 * The bytes of a runtime API's `Vec<u8>` result. @polkadot/api 16 hands the call's
 * output to `Bytes` without taking off its length prefix; take it off here when present.
 */
export function vecBytes(result) {
  const u = result.toU8a(true);
  const [offset, length] = compactFromU8a(u);
  return offset + length.toNumber() === u.length ? u.subarray(offset) : u;
}
