// End to end, storage mining: one zerog-node --dev (10-block mining epochs), four zgs-node
// storage nodes (shards 0..3 of 4) mining with their operators' keys, and the zg CLI.
//
// A file is uploaded across the four shards; every node earns a proof-of-random-access
// reward within a few epochs, read back with `zg storage rewards`, and passes the audits
// the chain draws (one every 5 blocks). A node that is down when an epoch begins and is
// restarted mid-epoch earns in that epoch. A node whose data directory is wiped keeps
// running but earns nothing more and is slashed by audits. With months shortened to 15
// blocks, a file whose lifetime ends is pruned by every node, while one renewed with
// `zg storage renew` is kept. With a minimum of one node per shard, the last node of a
// shard cannot leave, and a node registered without a shard is given the least-covered.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

import { rpc, startNode } from './lib/node.mjs';
import { field, storageNode, zg } from './lib/storage.mjs';

const UNIT = 10n ** 18n;
const NODES = 4;
const EPOCH_BLOCKS = 10;

let chain;
let api;
let nodes = [];
let work;
let fileId;

const chainArgs = () => ['--chain', chain.httpUrl];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const addressOf = (i) => new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(`//Miner${i}`).address;

async function rewards() {
  const r = await zg(['storage', 'rewards', '--json', ...chainArgs()]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Polls `zg storage rewards` until `done(view)` holds, for at most `epochs` epochs. */
async function waitRewards(done, epochs) {
  const deadline = Date.now() + epochs * EPOCH_BLOCKS * 2000 + 10_000;
  let view;
  while (Date.now() < deadline) {
    view = await rewards();
    if (done(view)) return view;
    await sleep(2000);
  }
  assert.fail(`not within ${epochs} epochs: ${JSON.stringify(view)}`);
}

before(async () => {
  chain = await startNode(['--dev']);
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  work = mkdtempSync(join(tmpdir(), 'zg-mining-e2e-'));
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(Array.from({ length: NODES }, (_, i) => new Promise((ok, fail) => {
    api.tx.balances.transferKeepAlive(keyring.addFromUri(`//Miner${i}`).address, 1000n * UNIT)
      .signAndSend(alice, { nonce: nonce + i }, (r) => {
        if (r.dispatchError) fail(new Error(r.dispatchError.toString()));
        else if (r.status.isInBlock) ok();
      }).catch(fail);
  })));
  for (let i = 0; i < NODES; i++) {
    nodes.push(await storageNode({ chainHttp: chain.httpUrl, shardId: i, numShard: NODES, suri: `//Miner${i}` }));
  }
  const regs = await Promise.all(nodes.map((n, i) => zg([
    'storage', 'register', '--endpoint', n.endpoint, '--shard-id', String(i), '--num-shard', String(NODES),
    '--bond', '100', '--suri', `//Miner${i}`, ...chainArgs(),
  ])));
  for (const r of regs) assert.equal(r.code, 0, r.stderr);
  const file = join(work, 'data.bin');
  writeFileSync(file, randomBytes(3 << 20));
  const up = await zg(['storage', 'upload', file, '--suri', '//Alice', '--months', '1', ...chainArgs()]);
  assert.equal(up.code, 0, up.stderr);
  fileId = field(up.stdout, 'id');
});

after(async () => {
  await Promise.all(nodes.map((n) => n.cleanup()));
  await api?.disconnect().catch(() => {});
  await chain?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('storage mining: 4 nodes', () => {
  test('every node earns a mining reward within a few epochs', async () => {
    const view = await waitRewards((v) => v.miners.length === NODES && v.miners.every((m) => m.answers >= 1), 6);
    assert.equal(view.epochBlocks, EPOCH_BLOCKS);
    for (const m of view.miners) {
      // At least the base reward (1 ZG) for each answer.
      assert.ok(BigInt(m.rewards) >= BigInt(m.answers) * UNIT, JSON.stringify(m));
    }
    // The miners' own metrics agree: answers accepted, hashes done.
    const metrics = await (await fetch(nodes[0].promUrl)).text();
    assert.match(metrics, /zgs_mining_answers_total [1-9]/);
    assert.match(metrics, /zgs_mining_hashes_total [1-9]/);
    // The answers were free: the operator's balance only grew.
    const acct = await api.query.system.account(new Keyring({ type: 'sr25519' }).addFromUri('//Miner0').address);
    assert.ok(acct.data.free.toBigInt() > 900n * UNIT);
  });

  test('a mining node down when an epoch begins and restarted mid-epoch earns in that epoch', async () => {
    const node = nodes[1];
    const address = addressOf(1);
    const epochNow = async () => (await api.query.storageMarket.currentEpoch()).toJSON();
    const lastEpoch = async () => (await api.query.storageMarket.miners(address)).lastEpoch.toJSON();
    const headNow = async () => (await api.rpc.chain.getHeader()).number.toNumber();
    // Stop it late in an epoch it has earned in, so it is down when the next begins, for
    // fewer blocks than an audit's window (10): the audits it misses are answered later.
    const deadline = Date.now() + 3 * EPOCH_BLOCKS * 2000;
    let down;
    for (;;) {
      const e = await epochNow();
      if ((await lastEpoch()) === e.context.epoch && (await headNow()) >= e.start + EPOCH_BLOCKS - 3) {
        down = e.context.epoch;
        break;
      }
      assert.ok(Date.now() < deadline, 'node 1 did not earn in an epoch');
      await sleep(500);
    }
    await node.kill();
    // Wait until the next epoch is a few blocks old, with the node still down.
    let epoch;
    let head;
    for (;;) {
      epoch = await epochNow();
      head = await headNow();
      if (epoch.context.epoch > down && head >= epoch.start + 2) break;
      await sleep(500);
    }
    assert.ok(head < epoch.start + EPOCH_BLOCKS - 3, `restart at block ${head} is mid-epoch (${epoch.start})`);
    assert.notEqual(await lastEpoch(), epoch.context.epoch, 'it earned while down');
    await node.start();
    // It resumes from the chain's record and earns in the epoch it was restarted in.
    const until = Date.now() + 2 * EPOCH_BLOCKS * 2000;
    while ((await lastEpoch()) !== epoch.context.epoch) {
      const current = (await epochNow()).context.epoch;
      assert.ok(current === epoch.context.epoch && Date.now() < until,
        `no answer in epoch ${epoch.context.epoch} after the restart (now epoch ${current})`);
      await sleep(1000);
    }
  });

  test('a node whose data directory was wiped earns nothing more and is slashed by audits', async () => {
    const victim = nodes[3];
    await victim.kill();
    rmSync(victim.dbPath, { recursive: true, force: true });
    await victim.start();
    const before = (await rewards()).miners;
    const victimAddress = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Miner3').address;
    const base = Object.fromEntries(before.map((m) => [m.account, m.answers]));
    // Three more epochs: the others keep earning, the wiped node does not.
    const after = await waitRewards((v) => v.miners.filter((m) => m.account !== victimAddress)
      .every((m) => m.answers >= base[m.account] + 2), 5);
    const wiped = after.miners.find((m) => m.account === victimAddress);
    // An answer of the epoch it was wiped in may have landed before the kill.
    assert.ok(wiped.answers <= base[victimAddress] + 1, `${JSON.stringify(wiped)} vs ${base[victimAddress]}`);
    // Its audits go unanswered: 10 % of its bond per missed audit. An audit every 5
    // blocks picks one of the four nodes at random, so the wiped one can go unpicked for
    // a while: in 300 s (about 30 audits) with probability 0.75^30, 2e-4 (180 s before
    // missed it once in CI, 0.75^18 = 6e-3).
    const bondOf = async (i) => (await api.query.storageMarket.nodes(addressOf(i))).unwrap().bond.toBigInt();
    const deadline = Date.now() + 300_000;
    while ((await bondOf(3)) === 100n * UNIT) {
      assert.ok(Date.now() < deadline, 'the wiped node was never slashed');
      await sleep(2000);
    }
    assert.ok((await bondOf(3)) <= 90n * UNIT);
    // The nodes that hold their data answer theirs: none of them is slashed.
    for (const i of [0, 1, 2]) assert.equal(await bondOf(i), 100n * UNIT, `node ${i}`);
    let passed = 0;
    for (const n of nodes.slice(0, 3)) {
      const m = /zgs_audits_passed_total (\d+)/.exec(await (await fetch(n.promUrl)).text());
      passed += Number(m?.[1] ?? 0);
    }
    assert.ok(passed >= 1, 'the healthy nodes passed audits');
    const unanswerable = /zgs_audits_unanswerable_total (\d+)/.exec(await (await fetch(victim.promUrl)).text());
    assert.ok(Number(unanswerable?.[1] ?? 0) >= 1, 'the wiped node saw audits it could not answer');
  });

  test('an expired file is pruned by every node, a renewed one is kept', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const config = (await api.query.storageMarket.mining()).toJSON();
    await new Promise((ok, fail) => {
      api.tx.sudo.sudo(api.tx.storageMarket.setMiningConfig({ ...config, monthBlocks: 15 }))
        .signAndSend(alice, (r) => {
          if (r.dispatchError) fail(new Error(r.dispatchError.toString()));
          else if (r.status.isInBlock) ok();
        }).catch(fail);
    });
    const ids = [];
    for (const name of ['expiring', 'renewed']) {
      const file = join(work, name);
      writeFileSync(file, randomBytes(300_000));
      const up = await zg(['storage', 'upload', file, '--suri', '//Alice', '--months', '1', ...chainArgs()]);
      assert.equal(up.code, 0, up.stderr);
      ids.push(field(up.stdout, 'id'));
    }
    const renew = await zg(['storage', 'renew', ids[1], '4', '--suri', '//Bob', ...chainArgs()]);
    assert.equal(renew.code, 0, renew.stderr);
    const healthy = nodes.slice(0, 3);
    const info = (n, id) => rpc(n.endpoint, 'zgs_getFileInfo', [id]);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const views = await Promise.all(healthy.map((n) => info(n, ids[0])));
      if (views.every((v) => v.expired && v.storedSegments === 0)) break;
      assert.ok(Date.now() < deadline, `not pruned: ${JSON.stringify(views)}`);
      await sleep(2000);
    }
    for (const n of healthy) {
      const v = await info(n, ids[1]);
      assert.equal(v.expired, false);
      assert.ok(v.storedSegments > 0, JSON.stringify(v));
    }
    const out = join(work, 'renewed.out');
    const down = await zg(['storage', 'download', ids[1], '--output', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    const gone = await zg(['storage', 'download', ids[0], '--output', join(work, 'gone.out'), ...chainArgs()]);
    assert.notEqual(gone.code, 0, 'an expired file no longer downloads');
  });

  test('zg storage renew extends a file\'s paid lifetime', async () => {
    const seq = (await rpc(nodes[0].endpoint, 'zgs_getFileInfo', [fileId])).seq;
    const oldEnd = (await api.query.storageMarket.lifetimes(seq)).unwrap().end.toNumber();
    const month = (await api.query.storageMarket.mining()).monthBlocks.toNumber();
    const r = await zg(['storage', 'renew', fileId, '2', '--suri', '//Bob', '--json', ...chainArgs()]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.months, 2);
    const entry = await api.query.storageMarket.entries(out.seq);
    assert.equal(entry.unwrap().lifetimeMonths.toNumber(), 3);
    const life = (await api.query.storageMarket.lifetimes(out.seq)).unwrap();
    assert.equal(life.end.toNumber(), out.expiresAt);
    // Two more months from the old end (the queue may push it a block or two on).
    assert.equal(out.seq, seq);
    assert.ok(out.expiresAt >= oldEnd + 2 * month && out.expiresAt <= oldEnd + 2 * month + 16,
      `${out.expiresAt} vs ${oldEnd} + 2 * ${month}`);
    const bad = await zg(['storage', 'renew', fileId, '0', '--suri', '//Bob', ...chainArgs()]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidLifetime/);
  });

  test('coverage: a node registered without a shard fills the least-covered one; the last replica cannot leave', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    // Miner1's own node submits its proofs from the same account. When one of them takes
    // the nonce first, the pool refuses ours as a replacement of lower priority (1014);
    // when one takes it after ours was accepted, ours is replaced, or found stale, and
    // leaves the pool. Either way a wallet signs again with the next nonce.
    const sendOnce = (tx, who) => new Promise((ok, fail) => {
      tx.signAndSend(who, (r) => {
        if (r.status.isInBlock) ok(r);
        else if (r.status.isUsurped || r.status.isInvalid || r.status.isDropped) {
          fail(Object.assign(new Error(`left the pool: ${r.status.type}`), { signAgain: true }));
        }
      }).catch(fail);
    });
    const send = async (tx, who) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await sendOnce(tx, who);
        } catch (e) {
          if (attempt === 3 || !(e.signAgain || /^1014:/.test(e.message))) throw e;
          await sleep(2500);
        }
      }
    };
    await send(api.tx.sudo.sudo(api.tx.storageMarket.setCoverage({ shards: 4, minReplicas: 1 })), alice);
    let r = await zg(['storage', 'coverage', '--json', ...chainArgs()]);
    assert.equal(r.code, 0, r.stderr);
    let view = JSON.parse(r.stdout);
    assert.deepEqual([view.shards, view.minReplicas, view.replicas], [4, 1, [1, 1, 1, 1]]);
    assert.equal(view.selected.length, NODES);
    // The last node of shard 1 cannot leave it.
    const leaving = await send(api.tx.storageMarket.deregisterNode(), keyring.addFromUri('//Miner1'));
    assert.ok(leaving.dispatchError, 'refused');
    const { section, name } = api.registry.findMetaError(leaving.dispatchError.asModule);
    assert.equal(`${section}.${name}`, 'storageMarket.ShardUnderCovered');
    // Bob registers without a shard: all are equally covered, so shard 0 of 4.
    r = await zg(['storage', 'register', '--endpoint', 'http://127.0.0.1:9', '--suri', '//Bob', ...chainArgs()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /shard 0\/4/);
    view = JSON.parse((await zg(['storage', 'coverage', '--json', ...chainArgs()])).stdout);
    assert.deepEqual(view.replicas, [2, 1, 1, 1]);
  });
});
