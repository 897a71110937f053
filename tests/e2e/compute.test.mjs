// End to end, compute: one zerog-node --dev, two providers and one user.
//
// Bob runs zg-provider with the CPU engine (zerog-tiny-lm) as service 0; Dave runs it
// with the proxy engine in front of an OpenAI-compatible upstream as service 1. Charlie
// deposits, funds both, chats through `zg compute chat` (streamed, signature checked
// against the chain) and verifies the saved answer with `zg compute verify`. Unsigned,
// forged, replayed and over-budget requests are refused with 401/402 and cost nothing.
// Bob's provider is SIGKILLed after signing an answer and before settling it; restarted,
// it settles the receipt, and exactly the metered fee leaves Charlie. Dave's provider is
// SIGKILLed mid-stream: the unfinished answer was never signed and costs nothing. A
// refund cannot be collected before its lock.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { blake2AsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';

import { startNode, rpc } from './lib/node.mjs';
import { binary, zg } from './lib/storage.mjs';
import { provider, slowUpstream } from './lib/compute.mjs';
import { ok, sleep, until, vecBytes } from './lib/util.mjs';

const UNIT = 10n ** 18n;

let chain;
let api;
let keyring;
let bob;
let dave;
let upstream;
let work;
let transcript;

const chainArgs = () => ['--chain', chain.httpUrl];
const ledger = (who) => rpc(chain.httpUrl, 'compute_ledger', [who]);
const sub = async (who, prov) => (await ledger(who))?.subAccounts.find((s) => s.provider === prov);
const total = async (who) => {
  const { data } = await api.query.system.account(who);
  return data.free.toBigInt() + data.reserved.toBigInt();
};
const metric = async (p, name) => {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)[1]);
};


/** A chat request signed in JavaScript with the payload the runtime API gives. */
async function signedFetch(p, { user, signer = user, service, nonce, maxFee, body, sendBody = body }) {
  const raw = JSON.stringify(body);
  const request = { user: user.address, service, nonce, requestHash: blake2AsHex(raw, 256), maxFee };
  const payload = await api.call.computeMarketApi.requestPayload(request);
  const signature = u8aToHex(new Uint8Array([1, ...signer.sign(vecBytes(payload))]));
  const res = await fetch(`${p.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-zg-user': user.address,
      'x-zg-service': String(service),
      'x-zg-nonce': String(nonce),
      'x-zg-max-fee': String(maxFee),
      'x-zg-signature': signature,
    },
    body: JSON.stringify(sendBody),
  });
  return { status: res.status, body: await res.json() };
}

before(async () => {
  chain = await startNode(['--dev']);
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  work = mkdtempSync(join(tmpdir(), 'zg-compute-e2e-'));
  upstream = await slowUpstream({ tokens: 400, delayMs: 50 });
  // Bob: CPU engine. A short training keeps the test quick; the model is the same kind.
  bob = await provider({ chainHttp: chain.httpUrl, suri: '//Bob', name: 'tiny-chat', args: ['--train-steps', '20000'] });
  await bob.start(['--settle-interval', '3600']);
  dave = await provider({
    // Dave's provider reads its account from a key file (--key-file), not the command line.
    chainHttp: chain.httpUrl, suri: '//Dave', name: 'proxy-chat', keyFile: true,
    args: ['--engine', 'proxy', '--upstream', upstream.url, '--upstream-model', 'upstream-llm'],
  });
  await dave.start(['--settle-interval', '3600']);
});

after(async () => {
  await bob?.cleanup();
  await dave?.cleanup();
  await upstream?.close();
  await api?.disconnect().catch(() => {});
  await chain?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('compute: providers, a user, zg compute', () => {
  test('both services are on chain with their keys and models', async () => {
    const r = ok(await zg(['compute', 'services', '--json', ...chainArgs()]));
    const services = JSON.parse(r.stdout);
    assert.equal(services.length, 2);
    const [s0, s1] = [...services].sort((a, b) => a.id - b.id);
    assert.deepEqual([s0.provider, s0.model, s0.kind, s0.status, s0.endpoint],
      [keyring.addFromUri('//Bob').address, 'zerog-tiny-lm', 'chat', 'active', bob.url]);
    assert.equal(s0.signer, s0.provider);
    assert.deepEqual([s1.provider, s1.model], [keyring.addFromUri('//Dave').address, 'upstream-llm']);
    const models = await (await fetch(`${bob.url}/v1/models`)).json();
    assert.deepEqual(models.data.map((m) => m.id), ['zerog-tiny-lm']);
  });

  test('a second zg-provider for an account already served refuses to start', async () => {
    // Nonces and budgets are per provider account: a second process could sign a nonce
    // the first signed. It stops before training, registering or serving anything.
    const second = await provider({
      chainHttp: chain.httpUrl, suri: '//Bob', name: 'tiny-chat-2',
      args: ['--engine', 'proxy', '--upstream', upstream.url, '--upstream-model', 'upstream-llm'],
    });
    try {
      await assert.rejects(second.start(), new RegExp(`another zg-provider already serves account \\w+ at ${bob.url} \\(service 0\\)`));
      assert.equal(second.exited.code, 1);
      const services = JSON.parse(ok(await zg(['compute', 'services', '--json', ...chainArgs()])).stdout);
      assert.equal(services.length, 2, 'nothing registered');
    } finally {
      await second.cleanup();
    }
  });

  test('deposit and fund move ledger funds into sub-accounts', async () => {
    const charlie = keyring.addFromUri('//Charlie').address;
    ok(await zg(['compute', 'deposit', '10', '--suri', '//Charlie', ...chainArgs()]));
    ok(await zg(['compute', 'fund', '0', '5', '--suri', '//Charlie', ...chainArgs()]));
    ok(await zg(['compute', 'fund', keyring.addFromUri('//Dave').address, '2.5', '--suri', '//Charlie', ...chainArgs()]));
    const l = await ledger(charlie);
    assert.equal(l.available, (10n * UNIT - 5n * UNIT - 25n * UNIT / 10n).toString());
    assert.equal((await sub(charlie, keyring.addFromUri('//Bob').address)).balance, (5n * UNIT).toString());
    // Bad amounts and unknown providers are refused before anything is sent.
    const bad = await zg(['compute', 'fund', '0', '1.2.3', '--suri', '//Charlie', ...chainArgs()]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /amount "1.2.3"/);
    const nobody = await zg(['compute', 'fund', keyring.addFromUri('//Ferdie').address, '1', '--suri', '//Charlie', ...chainArgs()]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /ComputeMarket::UnknownProvider/);
  });

  test('unsigned, forged, replayed and over-budget requests are refused and cost nothing', async () => {
    const charlie = keyring.addFromUri('//Charlie');
    const body = { model: 'zerog-tiny-lm', messages: [{ role: 'user', content: 'hello' }], max_tokens: 16 };
    const servedBefore = await metric(bob, 'zerog_provider_served_total');

    const unsigned = await fetch(`${bob.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    assert.equal(unsigned.status, 401);
    assert.equal((await unsigned.json()).error.code, 'missing_or_malformed_signature');

    const forged = await signedFetch(bob, { user: charlie, signer: keyring.addFromUri('//Ferdie'), service: 0, nonce: 1, maxFee: UNIT, body });
    assert.deepEqual([forged.status, forged.body.error.code], [401, 'invalid_signature']);

    // Signed for another body than the one sent.
    const swapped = await signedFetch(bob, { user: charlie, service: 0, nonce: 1, maxFee: UNIT, body, sendBody: { ...body, max_tokens: 17 } });
    assert.deepEqual([swapped.status, swapped.body.error.code], [401, 'invalid_signature']);

    const first = await signedFetch(bob, { user: charlie, service: 0, nonce: 1, maxFee: UNIT, body });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const replay = await signedFetch(bob, { user: charlie, service: 0, nonce: 1, maxFee: UNIT, body });
    assert.deepEqual([replay.status, replay.body.error.code], [401, 'nonce_reused']);

    const cheap = await signedFetch(bob, { user: charlie, service: 0, nonce: 2, maxFee: 5n, body });
    assert.deepEqual([cheap.status, cheap.body.error.code], [402, 'max_fee_too_low']);
    const eve = keyring.addFromUri('//Eve');
    const broke = await signedFetch(bob, { user: eve, service: 0, nonce: 1, maxFee: UNIT, body });
    assert.deepEqual([broke.status, broke.body.error.code], [402, 'no_sub_account']);
    // Eve funds Bob with a millionth of a millionth of a ZG: not enough for any request.
    ok(await zg(['compute', 'deposit', '1', '--suri', '//Eve', ...chainArgs()]));
    ok(await zg(['compute', 'fund', '0', '0.000000000001', '--suri', '//Eve', ...chainArgs()]));
    const poor = await signedFetch(bob, { user: eve, service: 0, nonce: 1, maxFee: UNIT, body });
    assert.deepEqual([poor.status, poor.body.error.code], [402, 'insufficient_balance']);
    const rich = await signedFetch(bob, { user: charlie, service: 0, nonce: 3, maxFee: 10n ** 30n, body: { ...body, max_tokens: 4096 } });
    assert.equal(rich.status, 200, 'a high maximum fee is a cap, not a charge');

    // Two requests were served (nonces 1 and 3); the refusals ran nothing and Eve owes nothing.
    assert.equal(await metric(bob, 'zerog_provider_served_total'), servedBefore + 2);
    const state = await (await fetch(`${bob.url}/v1/zerog/users/${charlie.address}`)).json();
    assert.equal(state.pendingReceipts, 2);
    const fees = BigInt(first.body.zerog.fee) + BigInt(rich.body.zerog.fee);
    assert.equal(BigInt(state.unsettled), fees);
    const eveState = await (await fetch(`${bob.url}/v1/zerog/users/${eve.address}`)).json();
    assert.deepEqual([eveState.pendingReceipts, eveState.unsettled], [0, '0']);
  });

  test('zg compute chat streams a signed answer that zg compute verify checks', async () => {
    const out = join(work, 'answer.json');
    const r = ok(await zg(['compute', 'chat', '--service', '0', 'What does ZeroG store?', '--max-tokens', '48',
      '--suri', '//Charlie', '-o', out, ...chainArgs()]));
    assert.match(r.stderr, /verified\s+response signed by service 0's key/);
    transcript = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(r.stdout.trimEnd(), transcript.response.trimEnd());
    assert.ok(transcript.zerog.outputTokens >= 1 && transcript.zerog.outputTokens <= 48);
    assert.equal(transcript.zerog.nonce, 4, 'the next nonce after what the provider served');
    // One token per byte: the fee is the chain's price for the metered counts.
    const fee = await rpc(chain.httpUrl, 'compute_fee', [0, transcript.zerog.inputTokens, transcript.zerog.outputTokens]);
    assert.equal(transcript.zerog.fee, fee);

    const v = ok(await zg(['compute', 'verify', out, '--json', ...chainArgs()]));
    const verdict = JSON.parse(v.stdout);
    assert.equal(verdict.valid, true);
    assert.equal(verdict.settled, false);

    const tampered = join(work, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...transcript, response: `${transcript.response}!` }));
    const bad = await zg(['compute', 'verify', tampered, ...chainArgs()]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /NOT VALID: the response does not match/);
  });

  test('a provider killed after signing loses no receipt; settlement moves exactly the metered fee', async () => {
    const charlie = keyring.addFromUri('//Charlie').address;
    const bobAddr = keyring.addFromUri('//Bob').address;
    const unsettled = BigInt((await (await fetch(`${bob.url}/v1/zerog/users/${charlie}`)).json()).unsettled);
    assert.ok(unsettled > 0n);
    const exited = await bob.kill('SIGKILL');
    assert.equal(exited.signal, 'SIGKILL');
    const subBefore = await sub(charlie, bobAddr);
    assert.equal(subBefore.lastNonce, 0, 'nothing was settled before the kill');
    const totalBefore = await total(charlie);

    await bob.start(['--settle-interval', '2']);
    const deadline = Date.now() + 60_000;
    let after;
    for (;;) {
      after = await sub(charlie, bobAddr);
      if (after.lastNonce === 4) break;
      if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(after)}\n${bob.log()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(BigInt(subBefore.balance) - BigInt(after.balance), unsettled);
    assert.equal(totalBefore - (await total(charlie)), unsettled, 'the user paid exactly the metered fees');
    // The provider records the outcome once it sees its settlement in a block, which
    // may be a moment after the chain's best block shows it.
    let state;
    for (;;) {
      state = await (await fetch(`${bob.url}/v1/zerog/users/${charlie}`)).json();
      if (state.pendingReceipts === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual([state.pendingReceipts, state.unsettled], [0, '0']);
    assert.equal(await metric(bob, 'zerog_provider_receipts_settled_total'), 3);

    const v = ok(await zg(['compute', 'verify', join(work, 'answer.json'), '--json', ...chainArgs()]));
    assert.equal(JSON.parse(v.stdout).settled, true);
  });

  test('the proxy engine relays an upstream; killed mid-stream, the unsigned answer costs nothing', async () => {
    const charlie = keyring.addFromUri('//Charlie').address;
    const daveAddr = keyring.addFromUri('//Dave').address;
    const r = ok(await zg(['compute', 'chat', '--service', '1', 'hi', '--max-tokens', '5', '--suri', '//Charlie', '--json', ...chainArgs()]));
    const answer = JSON.parse(r.stdout);
    assert.equal(answer.transcript.response, 'w0 w1 w2 w3 w4 ');
    assert.equal(answer.transcript.zerog.outputTokens, 5, 'metered from the upstream usage');
    assert.equal(upstream.requests.at(-1).max_tokens, 5);

    const before = await (await fetch(`${dave.url}/v1/zerog/users/${charlie}`)).json();
    const child = spawn(binary('zg'), ['--quiet', 'compute', 'chat', '--service', '1', 'tell me everything', '--max-tokens', '400',
      '--suri', '//Charlie', ...chainArgs()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let streamed = '';
    let stderr = '';
    child.stdout.on('data', (c) => { streamed += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const code = new Promise((ok) => child.on('close', ok));
    const deadline = Date.now() + 30_000;
    while (!streamed.includes('w5 ')) {
      if (Date.now() > deadline) throw new Error(`no stream: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await dave.kill('SIGKILL');
    assert.equal(await code, 1);
    assert.match(stderr, /error: provider .*(stream broke|without the provider's proof)/);

    await dave.start(['--settle-interval', '3600']);
    const afterKill = await (await fetch(`${dave.url}/v1/zerog/users/${charlie}`)).json();
    assert.equal(afterKill.pendingReceipts, before.pendingReceipts, 'no receipt for the unsigned answer');
    assert.equal(afterKill.unsettled, before.unsettled);
    // SIGTERM settles what is pending before exiting.
    const subBefore = await sub(charlie, daveAddr);
    await dave.kill('SIGTERM');
    const subAfter = await sub(charlie, daveAddr);
    assert.equal(BigInt(subBefore.balance) - BigInt(subAfter.balance), BigInt(answer.transcript.zerog.fee));
    await dave.start(['--settle-interval', '3600']);
  });

  test('a refund waits for its lock', async () => {
    const charlie = keyring.addFromUri('//Charlie').address;
    const req = ok(await zg(['compute', 'refund', '0', '1', '--suri', '//Charlie', ...chainArgs()]));
    assert.match(req.stdout, /refund of 1 ZG .* requested, unlocks at block \d+/);
    const s = await sub(charlie, keyring.addFromUri('//Bob').address);
    assert.equal(s.pendingRefund, UNIT.toString());
    const early = await zg(['compute', 'refund', '0', '--complete', '--suri', '//Charlie', ...chainArgs()]);
    assert.equal(early.code, 1);
    assert.match(early.stderr, /ComputeMarket::RefundLocked/);
  });

  test('fault injection: a provider SIGKILLed 20 times mid-request keeps every receipt it signed and settles them once', async () => {
    // Charlie sends Dave (proxy engine) a few signed requests at a time; Dave is killed at
    // random points, 20 times. Every answer Charlie got signed must be in Dave's store
    // after each restart, and the nonces Dave signs must never repeat.
    const charlie = keyring.addFromUri('//Charlie');
    const daveAddr = keyring.addFromUri('//Dave').address;
    const state = async () => (await fetch(`${dave.url}/v1/zerog/users/${charlie.address}`)).json();
    const body = { model: 'upstream-llm', messages: [{ role: 'user', content: 'count' }], max_tokens: 2 };
    const start = await state();
    const unsettledBefore = BigInt(start.unsettled);
    let nonce = start.lastNonce;
    const signed = new Map(); // nonce -> fee, for every answer that came back signed
    const request = (n) => signedFetch(dave, { user: charlie, service: 1, nonce: n, maxFee: UNIT, body })
      .then((r) => { if (r.status === 200) signed.set(n, BigInt(r.body.zerog.fee)); }, () => {});
    for (let kills = 1; kills <= 20; kills += 1) {
      const inflight = [1, 2, 3, 4].map((i) => request(nonce + i));
      nonce += 4;
      await sleep(Math.floor(Math.random() * 250));
      await dave.kill('SIGKILL');
      await Promise.all(inflight);
      await dave.start(['--settle-interval', '3600']);
      const now = await state();
      const mine = [...signed.values()].reduce((a, b) => a + b, 0n);
      assert.ok(now.pendingReceipts >= signed.size + start.pendingReceipts, `kill ${kills}: ${now.pendingReceipts} receipts kept, ${signed.size} signed`);
      assert.ok(BigInt(now.unsettled) >= unsettledBefore + mine, `kill ${kills}: signed fees lost`);
      assert.ok(now.lastNonce >= Math.max(0, ...signed.keys()), `kill ${kills}: a signed nonce could be reused`);
      // A reused nonce is refused after the restart, as before it.
      if (signed.size) {
        const again = await signedFetch(dave, { user: charlie, service: 1, nonce: Math.max(...signed.keys()), maxFee: UNIT, body });
        assert.deepEqual([again.status, again.body.error?.code], [401, 'nonce_reused']);
      }
    }
    assert.ok(signed.size > 0, 'some answers were signed between the kills');
    // Answers stay right after the kills, and SIGTERM settles every kept receipt at once:
    // Charlie pays exactly what Dave kept, with no receipt refused on chain.
    const last = await signedFetch(dave, { user: charlie, service: 1, nonce: nonce + 1, maxFee: UNIT, body });
    assert.equal(last.status, 200);
    assert.equal(last.body.choices[0].message.content, 'w0 w1 ');
    const kept = await state();
    const subBefore = await sub(charlie.address, daveAddr);
    assert.equal((await dave.kill('SIGTERM')).code, 0);
    const subAfter = await sub(charlie.address, daveAddr);
    assert.equal(BigInt(subBefore.balance) - BigInt(subAfter.balance), BigInt(kept.unsettled));
    assert.equal(subAfter.lastNonce, nonce + 1);
    await dave.start(['--settle-interval', '3600']);
    const settled = await until('the settlement recorded', async () => {
      const s = await state();
      return s.pendingReceipts === 0 && s;
    }, 30_000);
    assert.equal(settled.unsettled, '0');
    console.log(`compute fault injection: 20 SIGKILLs, ${signed.size} signed answers, ${kept.pendingReceipts} receipts settled once`);
  });
});
