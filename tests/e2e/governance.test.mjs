// Governance on a chain without sudo (`--chain solo`: Alice validates alone, governance
// periods of a 2-block "day"): a runtime upgrade by root referendum through
// `system.authorizeUpgrade` and `applyAuthorizedUpgrade`, a storage-price change on the
// `protocol_parameters` track, a nay majority rejected, and a call the technical
// committee whitelisted passed on the fast track. The upgrade goes through `zg gov`
// (upgrade, vote, status, apply-upgrade); the rest through @polkadot/api, from metadata.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { blake2AsHex } from '@polkadot/util-crypto';

import { startNode, rpc } from './lib/node.mjs';
import { zg } from './lib/storage.mjs';
import { ok, submitInBlock, until } from './lib/util.mjs';
import { upgradeWasmPath } from './lib/wasm.mjs';

const UNIT = 10n ** 18n;
/** What each voter puts behind a vote: 900,000 ZG at 1x conviction. */
const STAKE = 900_000n * UNIT;

let node;
let api;
let k;

before(async () => {
  node = await startNode(['--chain', 'solo', '--alice', '--force-authoring', '--unsafe-force-node-key-generation']);
  api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  k = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
    .map((n) => [n.toLowerCase(), keyring.addFromUri(`//${n}`)]));
});

after(async () => {
  await api?.disconnect().catch(() => {});
  await node?.stop();
});

/** Submits `call` as a referendum with `origin` and places its decision deposit. */
async function propose(origin, call, signer = k.alice) {
  const { events } = await submitInBlock(
    api.tx.referenda.submit(origin, { Inline: call.method.toHex() }, { After: 1 }), signer);
  const submitted = events.find(({ event }) => api.events.referenda.Submitted.is(event));
  assert.ok(submitted, 'referenda.Submitted');
  const index = submitted.event.data.index.toNumber();
  await submitInBlock(api.tx.referenda.placeDecisionDeposit(index), signer);
  return { index, track: submitted.event.data.track.toNumber() };
}

/** Each voter votes on each referendum in turn (voters in parallel). */
async function vote(voters, indices, aye) {
  await Promise.all(voters.map(async (v) => {
    for (const i of indices) {
      await submitInBlock(api.tx.convictionVoting.vote(i,
        { Standard: { vote: { aye, conviction: 'Locked1x' }, balance: STAKE } }), v);
    }
  }));
}

/** Waits until referendum `index` is no longer ongoing; returns its final state. */
async function outcome(index, timeoutMs = 150_000) {
  return until(`referendum ${index} to end`, async () => {
    const info = (await api.query.referenda.referendumInfoFor(index)).unwrap();
    return !info.isOngoing && info.type;
  }, timeoutMs, 1000);
}

const price = async () => (await api.query.storageMarket.pricePerSectorMonth()).toBigInt();

describe('governance without sudo (zerog-node --chain solo)', () => {
  let upgrade; // the root referendum authorizing the next-spec-version runtime
  let raise; // protocol_parameters: the storage price doubles (passes)
  let refused; // protocol_parameters: the storage price triples (voted down)
  let code;
  let priceBefore;
  let quoteBefore;
  let submitted; // { block, ms } when the upgrade referendum was submitted

  test('root-only calls fail: sudo has no key and a signed origin is not root', async () => {
    assert.equal((await api.query.sudo.key()).isNone, true, 'no sudo key');
    await assert.rejects(
      submitInBlock(api.tx.sudo.sudo(api.tx.system.remark('0x00')), k.alice), /sudo\.RequireSudo/);
    await assert.rejects(
      submitInBlock(api.tx.system.authorizeUpgrade(blake2AsHex('x')), k.alice), /BadOrigin/);
    await assert.rejects(submitInBlock(api.tx.storageMarket.setPrice(1), k.alice), /BadOrigin/);
  });

  test('referenda are submitted on their tracks and voted by token holders', async () => {
    code = readFileSync(upgradeWasmPath());
    priceBefore = await price();
    quoteBefore = BigInt(await rpc(node.httpUrl, 'storageMarket_quote', [1 << 20, 1]));
    // `zg gov upgrade`: a root referendum that carries only the hash of the Wasm, with its
    // decision deposit placed.
    submitted = { block: (await api.rpc.chain.getHeader()).number.toNumber(), ms: Date.now() };
    const gov = (...args) => zg(['--chain', node.httpUrl, 'gov', ...args]);
    const proposed = JSON.parse(ok(await gov('--json', 'upgrade', upgradeWasmPath())).stdout);
    assert.equal(proposed.codeHash, blake2AsHex(code));
    upgrade = { index: proposed.referendum, track: proposed.track };
    // A file that is not a runtime is refused before anything is sent.
    const notWasm = await gov('upgrade', import.meta.filename);
    assert.notEqual(notWasm.code, 0);
    assert.match(notWasm.stderr, /not a runtime Wasm blob/);
    raise = await propose({ Governance: 'ProtocolParameters' }, api.tx.storageMarket.setPrice(priceBefore * 2n));
    refused = await propose({ Governance: 'ProtocolParameters' }, api.tx.storageMarket.setPrice(priceBefore * 3n));
    assert.deepEqual([upgrade.track, raise.track, refused.track], [0, 12, 12]);
    const voters = [k.bob, k.charlie, k.dave, k.eve];
    // Bob votes on the upgrade with `zg gov vote`, the others with @polkadot/api.
    ok(await gov('vote', String(upgrade.index), 'aye', '900000', '--conviction', '1', '--suri', '//Bob'));
    await vote(voters.slice(1), [upgrade.index], true);
    await vote(voters, [raise.index], true);
    await vote(voters, [refused.index], false);
    const [status] = JSON.parse(ok(await gov('--json', 'status', String(upgrade.index))).stdout);
    assert.equal(status.track, 0);
    assert.equal(BigInt(status.ayes), 4n * STAKE);
    assert.equal(BigInt(status.nays), 0n);
    assert.ok(['preparing', 'deciding', 'confirming'].includes(status.state), status.state);
  });

  test('an upgrade passed by referendum is applied by anyone; a wrong Wasm is refused', async () => {
    const before = await api.rpc.state.getRuntimeVersion();
    const bobBefore = (await api.query.system.account(k.bob.address)).data.free.toBigInt();
    assert.equal((await outcome(upgrade.index)), 'Approved');
    const authorized = await until('the upgrade to be authorized', async () => {
      const a = await api.query.system.authorizedUpgrade();
      return a.isSome && a.unwrap();
    }, 60_000, 1000);
    assert.equal(authorized.codeHash.toHex(), blake2AsHex(code));
    const enactedAt = (await api.rpc.chain.getHeader()).number.toNumber();
    console.log(`# root referendum: submission to enactment in ${enactedAt - submitted.block} blocks, `
      + `${((Date.now() - submitted.ms) / 1000).toFixed(1)} s`);
    // The running runtime's own Wasm is not the authorized one.
    const current = await api.rpc.state.getStorage(':code');
    await assert.rejects(
      submitInBlock(api.tx.system.applyAuthorizedUpgrade(current.toHex()), k.ferdie), /system\.Unauthorized/);
    const [approved] = JSON.parse(ok(await zg(['--chain', node.httpUrl, '--json', 'gov', 'status', String(upgrade.index)])).stdout);
    assert.equal(approved.state, 'approved');
    // Anyone (Ferdie) installs the authorized Wasm with `zg gov apply-upgrade`.
    ok(await zg(['--chain', node.httpUrl, 'gov', 'apply-upgrade', upgradeWasmPath(), '--suri', '//Ferdie']));
    const version = await until('the next spec version', async () => {
      const v = await rpc(node.httpUrl, 'state_getRuntimeVersion');
      return v.specVersion > before.specVersion.toNumber() && v;
    }, 60_000, 500);
    assert.equal(version.specVersion, before.specVersion.toNumber() + 1);
    // State intact (Bob only voted: locked, not spent beyond fees), finality continues.
    const bobAfter = (await api.query.system.account(k.bob.address)).data.free.toBigInt();
    assert.ok(bobBefore - bobAfter < UNIT, `Bob's balance kept: ${bobBefore} -> ${bobAfter}`);
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    await until('finality past the upgrade', async () => {
      const f = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
      return f >= finalized + 3;
    }, 60_000, 1000);
    assert.equal((await api.query.system.authorizedUpgrade()).isNone, true, 'the authorization is used up');
  });

  test('a storage-price change by referendum shows in storageMarket_quote', async () => {
    assert.equal(await outcome(raise.index), 'Approved');
    await until('the new price', async () => (await price()) === priceBefore * 2n, 30_000, 1000);
    const quote = BigInt(await rpc(node.httpUrl, 'storageMarket_quote', [1 << 20, 1]));
    assert.equal(quote, quoteBefore * 2n);
  });

  test('a nay majority is rejected and nothing changes', async () => {
    assert.equal(await outcome(refused.index), 'Rejected');
    assert.equal(await price(), priceBefore * 2n, 'the price is the one the passed referendum set');
  });

  test('a call the technical committee whitelisted passes on the fast track', async () => {
    const grant = 4_242n * UNIT;
    const call = api.tx.balances.forceSetBalance(k.ferdie.address, grant);
    // Two of the three members (Alice, Bob, Charlie) whitelist the call's hash.
    const whitelist = api.tx.whitelist.whitelistCall(call.method.hash.toHex());
    const { events } = await submitInBlock(
      api.tx.technicalCommittee.propose(2, whitelist, whitelist.method.encodedLength), k.alice);
    const proposed = events.find(({ event }) => api.events.technicalCommittee.Proposed.is(event));
    const { proposalIndex, proposalHash } = proposed.event.data;
    for (const member of [k.alice, k.bob]) {
      await submitInBlock(api.tx.technicalCommittee.vote(proposalHash, proposalIndex, true), member);
    }
    const closed = await submitInBlock(api.tx.technicalCommittee.close(
      proposalHash, proposalIndex, { refTime: 1_000_000_000n, proofSize: 100_000n }, whitelist.method.encodedLength), k.charlie);
    assert.ok(closed.events.some(({ event }) => api.events.whitelist.CallWhitelisted.is(event)), 'whitelisted');
    // A non-member cannot whitelist.
    await assert.rejects(submitInBlock(whitelist, k.dave), /BadOrigin/);
    // The whitelisted_caller track dispatches it as root.
    const fast = await propose({ Governance: 'WhitelistedCaller' },
      api.tx.whitelist.dispatchWhitelistedCallWithPreimage(call));
    assert.equal(fast.track, 1);
    await vote([k.bob, k.charlie, k.dave, k.eve], [fast.index], true);
    assert.equal(await outcome(fast.index), 'Approved');
    await until('the whitelisted call to run', async () =>
      (await api.query.system.account(k.ferdie.address)).data.free.toBigInt() === grant, 30_000, 1000);
  });
});
