// End to end, Proof of Stake: one zerog-node --dev (BABE, 10-block sessions, 3-session
// eras from the development preset), @polkadot/api, ethers through the IZeroGStaking
// precompile, and `zg staking`.
//
// BABE authors every 2 s slot and eras roll; an Ethereum wallet bonds and nominates
// through the precompile and Polkadot.js reads the same ledger; `zg staking` makes Bob
// a validator candidate at 5 % and Charlie a nominator of Alice, refuses bad input with
// typed errors, and pays Alice's era out: Charlie receives his pro-rata share.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { encodeAddress, decodeAddress } from '@polkadot/util-crypto';
import { Contract, JsonRpcProvider, Wallet, getAddress, keccak256 } from 'ethers';

import { DEV_KEYS, compile } from './lib/evm.mjs';
import { startNode } from './lib/node.mjs';
import { zg } from './lib/storage.mjs';
import { ok, until } from './lib/util.mjs';

const UNIT = 10n ** 18n;
const STAKING = '0x000000000000000000000000000000000a020000';

let chain;
let api;
let keyring;
let provider;
let paidEra;

const staking = async (args, suri) =>
  zg(['staking', ...args, ...(suri ? ['--suri', suri] : []), '--chain', chain.httpUrl, '--json']);
const addr = (name) => keyring.addFromUri(`//${name}`).address;
/** The Ethereum address pallet-revive shows a Substrate account at. */
const mapped = (ss58) => getAddress('0x' + keccak256(decodeAddress(ss58)).slice(26));
/** The Substrate account of an Ethereum address: the address, then twelve 0xEE bytes. */
const fallback = (h160) => encodeAddress(new Uint8Array([...Buffer.from(h160.slice(2), 'hex'), ...new Array(12).fill(0xee)]), 42);
const activeEra = async () => (await api.query.staking.activeEra()).unwrap().index.toNumber();

before(async () => {
  chain = await startNode(['--dev']);
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  provider = new JsonRpcProvider(chain.ethUrl, undefined, { pollingInterval: 250 });
});

after(async () => {
  provider?.destroy();
  await api?.disconnect().catch(() => {});
  await chain?.stop();
});

describe('staking: BABE, eras, the precompile and zg staking', () => {
  test('BABE authors with the preset timing; Alice validates from genesis', async () => {
    assert.equal(api.consts.babe.epochDuration.toNumber(), 10);
    assert.equal(api.consts.babe.expectedBlockTime.toNumber(), 2000);
    assert.equal(api.consts.staking.sessionsPerEra.toNumber(), 3);
    assert.equal(api.consts.staking.bondingDuration.toNumber(), 2);
    assert.deepEqual((await api.query.session.validators()).map(String), [addr('Alice')]);
    const ledger = (await api.query.staking.ledger(addr('Alice'))).unwrap();
    assert.equal(ledger.total.toBigInt(), 100_000n * UNIT);
    // Every block carries BABE's pre-runtime digest (its slot claim) and seal.
    const header = await until('block 1', async () => {
      const h = await api.rpc.chain.getHeader();
      return h.number.toNumber() >= 1 && h;
    }, 30_000, 500);
    const engines = header.digest.logs.map((l) => (l.isPreRuntime ? l.asPreRuntime[0] : l.isSeal ? l.asSeal[0] : null)?.toString());
    assert.ok(engines.includes('BABE'), JSON.stringify(header.digest.toHuman()));
  });

  test('an Ethereum wallet bonds and nominates through IZeroGStaking; Polkadot.js sees it', async () => {
    const { abi } = compile(['IZeroGStaking.sol']).IZeroGStaking;
    const wallet = new Wallet(DEV_KEYS[1], provider);
    const pos = new Contract(STAKING, abi, wallet);
    const alice = mapped(addr('Alice'));
    assert.deepEqual([...await pos.validators()], [alice]);
    assert.equal(await pos.commissionRate(alice), 0n);
    await (await pos.bond(500n * UNIT)).wait();
    await (await pos.nominate([alice])).wait();
    const who = fallback(wallet.address);
    const ledger = (await api.query.staking.ledger(who)).unwrap();
    assert.equal(ledger.total.toBigInt(), 500n * UNIT);
    const nominations = (await api.query.staking.nominators(who)).unwrap();
    assert.deepEqual(nominations.targets.map(String), [addr('Alice')]);
    const [total, active] = await pos.stakeOf(wallet.address);
    assert.equal(total, 500n * UNIT);
    assert.equal(active, 500n * UNIT);
    assert.deepEqual([...await pos.nominationsOf(wallet.address)], [alice]);
    // Bad input reverts with the pallet's reason and moves nothing.
    await assert.rejects(pos.validate(2_000_000), /commission above/);
    await assert.rejects(pos.nominate([mapped(addr('Ferdie'))]), /BadTarget/);
    assert.equal((await api.query.staking.ledger(who)).unwrap().total.toBigInt(), 500n * UNIT);
  });

  test('zg staking: a candidate at 5 %, a nominator, typed refusals', async () => {
    ok(await staking(['bond', '100'], '//Bob'));
    ok(await staking(['validate', '--commission', '5'], '//Bob'));
    const bob = JSON.parse(ok(await staking(['status'], '//Bob')).stdout);
    assert.equal(bob.role, 'validator');
    assert.equal(bob.commissionPercent, 5);
    assert.equal(bob.ledger.total, (100n * UNIT).toString());
    assert.equal(bob.sessionKeys, false, 'no keys: not elected, whatever the seats');
    const prefs = await api.query.staking.validators(addr('Bob'));
    assert.equal(prefs.commission.toNumber(), 50_000_000);

    ok(await staking(['bond', '300', '--payee', 'stash'], '//Charlie'));
    ok(await staking(['nominate', addr('Alice')], '//Charlie'));
    const charlie = JSON.parse(ok(await staking(['status'], '//Charlie')).stdout);
    assert.equal(charlie.role, 'nominator');
    assert.deepEqual(charlie.nominations, [addr('Alice')]);

    // Refused before sending, or by the chain with its error's name.
    const high = await staking(['validate', '--commission', '101'], '//Dave');
    assert.notEqual(high.code, 0);
    assert.match(high.stderr, /between 0 and 100/);
    const notBonded = await staking(['validate', '--commission', '1'], '//Dave');
    assert.notEqual(notBonded.code, 0);
    assert.match(notBonded.stderr, /Staking::NotController/);
    const bad = await staking(['nominate', addr('Ferdie')], '//Charlie');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /is not a validator/);
    assert.deepEqual((await api.query.staking.nominators(addr('Charlie'))).unwrap().targets.map(String), [addr('Alice')]);
    const low = await staking(['bond', '0.000000001'], '//Dave');
    assert.notEqual(low.code, 0);
    assert.match(low.stderr, /Staking::InsufficientBond/);
  });

  test('an era is paid: commission, then stake pro rata; Charlie gets his share', { timeout: 300_000 }, async () => {
    // The first era whose exposure holds Charlie's nomination.
    const alice = addr('Alice');
    const era = await until('an era with Charlie in Alice\'s exposure', async () => {
      const now = await activeEra();
      for (let e = 0; e <= now + 1; e++) {
        const page = await api.query.staking.erasStakersPaged(e, alice, 0);
        if (page.isSome && page.unwrap().others.some((o) => o.who.toString() === addr('Charlie'))) return e + 1;
      }
      return null;
    }, 150_000, 2000) - 1;
    await until(`era ${era} to end`, async () => (await activeEra()) > era, 200_000, 2000);
    const reward = (await api.query.staking.erasValidatorReward(era)).unwrap().toBigInt();
    const overview = (await api.query.staking.erasStakersOverview(era, alice)).unwrap();
    const page = (await api.query.staking.erasStakersPaged(era, alice, 0)).unwrap();
    const stake = page.others.find((o) => o.who.toString() === addr('Charlie')).value.toBigInt();
    const total = overview.total.toBigInt();
    const before = (await api.query.system.account(addr('Charlie'))).data.free.toBigInt();
    const out = JSON.parse(ok(await staking(['payout', alice, '--era', String(era)], '//Eve')).stdout);
    assert.deepEqual(out.paid.map((p) => p.era), [era]);
    const after = (await api.query.system.account(addr('Charlie'))).data.free.toBigInt();
    // Alice takes no commission and earned every point: Charlie's share of the era, as
    // pallet-staking computes it (his part of the exposure in parts per billion, rounded
    // down, times the reward).
    const parts = (stake * 1_000_000_000n) / total;
    const expected = (parts * reward) / 1_000_000_000n;
    const got = after - before;
    assert.ok(got > 0n, 'paid');
    assert.ok(got >= expected - 1n && got <= expected + 1n, `${got} vs ${expected}`);
    paidEra = era;
    // Once only.
    const again = JSON.parse(ok(await staking(['payout', alice, '--era', String(era)], '//Eve')).stdout);
    assert.deepEqual(again.paid, []);
  });

  test('Polkadot.js Apps\' staking pages read the same state (api.derive.staking)', async () => {
    // What the Staking overview, Waiting, Accounts and Payouts pages are built from.
    const overview = await api.derive.staking.overview();
    assert.equal(overview.activeEra.toNumber(), await activeEra());
    assert.deepEqual(overview.validators.map(String), [addr('Alice')]);
    // The flags Apps asks for on its Staking pages.
    const flags = { withController: true, withExposure: true, withExposureMeta: true, withLedger: true, withPrefs: true };
    const elected = await api.derive.staking.electedInfo(flags);
    const alice = elected.info.find((i) => i.accountId.toString() === addr('Alice'));
    assert.ok(alice, 'Alice among the elected');
    // Her bond and her nominators' (the election weighs stake as u64 votes: less than a
    // millionth is lost to rounding).
    const total = alice.exposureMeta.unwrap().total.toBigInt();
    assert.ok(total > 100_000n * UNIT - UNIT && total > BigInt(alice.stakingLedger.total.toString()), `her exposure ${total}`);
    // Bob, a candidate without session keys, is listed (elected by stake, or waiting)
    // but never in the session's set.
    const waiting = await api.derive.staking.waitingInfo(flags);
    const candidates = [...elected.info, ...waiting.info].map((i) => i.accountId.toString());
    assert.ok(candidates.includes(addr('Bob')), JSON.stringify(candidates));
    const charlie = await api.derive.staking.account(addr('Charlie'));
    assert.equal(BigInt(charlie.stakingLedger.total.toString()), 300n * UNIT);
    assert.deepEqual(charlie.nominators.map(String), [addr('Alice')]);
    const rewards = await api.derive.staking.stakerRewards(addr('Charlie'), true);
    const paid = rewards.find((r) => r.era.toNumber() === paidEra);
    assert.ok(paid, `era ${paidEra} in Charlie's rewards`);
    assert.ok(Object.keys(paid.validators).includes(addr('Alice')), 'earned through Alice');
    assert.ok(paid.eraReward.toBigInt() > 0n);
    // The page Apps checks to show the era as paid.
    assert.deepEqual((await api.query.staking.claimedRewards(paidEra, addr('Alice'))).map(Number), [0]);
  });
});
