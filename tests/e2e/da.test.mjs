// End to end, data availability: one zerog-node --dev and six DA signers
// (zg-da-signer, //DaSigner1..6, equal bonds, so about 21 columns each).
//
// An 8 MiB blob goes through `zg da submit` (commitments on chain, cells to the quorum,
// attestations) to confirmed; `zg da sample` reaches 99.9 % confidence from random cells
// checked against the on-chain commitments; with the two signers holding the lowest
// columns stopped (a third of the quorum, and most of the blob's systematic half),
// `zg da retrieve` rebuilds it byte-identical. Bad input: an oversized file is refused
// before anything is paid; cells that do not match a blob's commitments are refused by
// every honest signer and the blob fails for insufficient signatures; forged, replayed
// and out-of-epoch attestations and wrong cell proofs are refused by the chain. Sampling
// challenges are answered with cell proofs and rewarded.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';

import { startNode, rpc } from './lib/node.mjs';
import { zg } from './lib/storage.mjs';
import { daSigner } from './lib/da.mjs';
import { ok, sha256 as sha, sleep, submitInBlock, until, vecBytes } from './lib/util.mjs';

const UNIT = 10n ** 18n;
const MiB = 1 << 20;

let chain;
let api;
let keyring;
let alice;
let signers = [];
let work;
let blobId;
let blobFile;

const chainArgs = () => ['--chain', chain.httpUrl];

before(async () => {
  chain = await startNode(['--dev']);
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  work = mkdtempSync(join(tmpdir(), 'zg-da-e2e-'));
  for (let i = 1; i <= 6; i += 1) signers.push(await daSigner({ chainHttp: chain.httpUrl, index: i }));
  await Promise.all(signers.map((s) => s.start()));
  // They registered; the next epoch (every 15 blocks) draws a quorum of all six. Should
  // it not come, the failure says how far the quorum got and what each signer logged.
  await until('a quorum of six', async () => (await rpc(chain.httpUrl, 'da_quorum', []))?.members.length === 6, 180_000)
    .catch(async (e) => {
      const quorum = await rpc(chain.httpUrl, 'da_quorum', []).catch((d) => `unread (${d.message})`);
      const height = await rpc(chain.httpUrl, 'chain_getHeader', []).then((h) => parseInt(h.number, 16), () => '?');
      const logs = signers.map((s, i) => `--- signer ${i + 1}:\n${s.log().slice(-1500)}`).join('\n');
      throw new Error(`${e.message}: at block ${height}, quorum ${JSON.stringify(quorum)?.slice(0, 600)}\n${logs}`);
    });
});

after(async () => {
  for (const s of signers) await s.cleanup();
  await api?.disconnect();
  await chain?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('DA', { timeout: 900_000 }, () => {
  test('the quorum shares the 128 columns by stake among the six signers', async () => {
    const q = await rpc(chain.httpUrl, 'da_quorum', []);
    assert.equal(q.members.reduce((n, m) => n + m.columns, 0), 128);
    for (const m of q.members) assert.ok(m.columns === 21 || m.columns === 22, JSON.stringify(m));
    const endpoints = new Set(q.members.map((m) => m.endpoint));
    for (const s of signers) assert.ok(endpoints.has(s.url), `${s.url} registered`);
  });

  test('a blob over 32 MiB is refused before anything is paid', async () => {
    const big = join(work, 'big.bin');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 32 * MiB + 1);
    const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    const r = await zg([...chainArgs(), 'da', 'submit', big]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /33554433 bytes; a DA blob is at most 33554432 bytes \(32 MiB\)/);
    assert.equal((await api.rpc.system.accountNextIndex(alice.address)).toNumber(), nonce, 'nothing was submitted');
  });

  test('an 8 MiB blob is confirmed, sampled to 99.9 % and retrieved byte-identical with a third of the signers stopped', async () => {
    blobFile = join(work, 'blob.bin');
    const data = randomBytes(8 * MiB);
    writeFileSync(blobFile, data);
    const submitted = JSON.parse(ok(await zg([...chainArgs(), 'da', '--json', 'submit', blobFile])).stdout);
    assert.equal(submitted.status, 'confirmed');
    assert.equal(submitted.rows, 67);
    assert.ok(submitted.signedColumns >= 86, `two thirds of 128 signed: ${submitted.signedColumns}`);
    blobId = submitted.id;
    const onChain = await rpc(chain.httpUrl, 'da_blob', [blobId]);
    assert.equal(onChain.status, 'confirmed');
    assert.equal(onChain.size, 8 * MiB);
    const perByte = UNIT / BigInt(8 * MiB); // the runtime's price: 1 ZG per 8 MiB, rounded down per byte
    assert.equal(BigInt(onChain.fee), BigInt(8 * MiB) * perByte);
    assert.equal((await rpc(chain.httpUrl, 'da_commitments', [blobId])).length, 67);
    assert.match(ok(await zg([...chainArgs(), 'da', 'status', String(blobId)])).stdout, /confirmed at block/);

    const sampled = ok(await zg([...chainArgs(), 'da', 'sample', String(blobId)]));
    assert.match(sampled.stdout, /sampled 10 random cells of blob \d+: 10 verified .* confidence 99\.90 %/);
    const sampledJson = JSON.parse(ok(await zg([...chainArgs(), 'da', '--json', 'sample', String(blobId), '--confidence', '0.9999'])).stdout);
    assert.equal(sampledJson.samples, 14);
    assert.ok(sampledJson.confidence >= 0.9999);

    // Stop the two signers holding the lowest columns: retrieval must erasure-decode.
    const q = await rpc(chain.httpUrl, 'da_quorum', [onChain.epoch]);
    const lowest = q.members.slice(0, 2).map((m) => signers.find((s) => s.url === m.endpoint));
    for (const s of lowest) await s.kill();
    const out = join(work, 'retrieved.bin');
    const r = ok(await zg([...chainArgs(), 'da', 'retrieve', String(blobId), '-o', out]));
    assert.match(r.stdout, /from 4 of 6 signers \(2 unreachable\)/);
    assert.equal(sha(readFileSync(out)), sha(data));
    // Sampling now hits the stopped signers' columns sooner or later, and says so.
    for (const s of lowest) await s.start();
  });

  test('cells that do not match the commitments are refused by every signer and the blob fails', async () => {
    // A 1000-byte blob submitted with a commitment that is not its data's (row 0 of the
    // 8 MiB blob): valid on its own, wrong for any other data.
    const [c0] = await rpc(chain.httpUrl, 'da_commitments', [blobId]);
    // Governance shortens the attestation window (a protocol parameter; sudo on --dev)
    // from 40 blocks to 15: blobs submitted from now on fail 30 s after submission.
    await submitInBlock(api.tx.sudo.sudo(api.tx.parameters.setParameter({ Da: { AttestationWindow: [null, 15] } })), alice);
    const { events, blockHash } = await submitInBlock(api.tx.daCommitments.submit(1000, [c0]), alice);
    const blockNumber = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const ev = events.find(({ event }) => event.section === 'daCommitments' && event.method === 'BlobSubmitted');
    const id = ev.event.data.id.toNumber();
    assert.equal((await rpc(chain.httpUrl, 'da_blob', [id])).deadline, blockNumber + 15, 'the governed window');
    const small = join(work, 'small.bin');
    writeFileSync(small, randomBytes(1000));
    // zg itself will not send cells that are not the blob's.
    const d = await zg([...chainArgs(), 'da', 'disperse', String(id), small]);
    assert.notEqual(d.code, 0);
    assert.match(d.stderr, /does not match blob \d+'s on-chain commitment at row 0/);
    // A dishonest disperser sends them anyway: every signer checks and refuses.
    const blob = await rpc(chain.httpUrl, 'da_blob', [id]);
    const q = await rpc(chain.httpUrl, 'da_quorum', [blob.epoch]);
    for (const m of q.members) {
      const body = Buffer.alloc(m.columns * (2 + 2048 + 48));
      for (let i = 0; i < m.columns; i += 1) {
        const at = i * (2 + 2048 + 48);
        body.writeUInt16LE(m.firstColumn + i, at);
        randomBytes(2048 + 48).copy(body, at + 2);
        for (let e = 0; e < 64; e += 1) body[at + 2 + e * 32] = 0; // field elements in range
      }
      const res = await fetch(`${m.endpoint}/v1/blobs/${id}/rows/0`, { method: 'POST', body });
      assert.equal(res.status, 422, `${m.endpoint}: ${await res.clone().text()}`);
      assert.match((await res.json()).error, /do not verify against the on-chain commitment/);
    }
    // Attestations the chain refuses: forged (Alice's signature for DaSigner1), replayed
    // (DaSigner1's for the confirmed blob) and out of epoch.
    const s1 = keyring.addFromUri('//DaSigner1');
    const att = { blob: id, root: blob.root, size: 1000, epoch: blob.epoch };
    const sign = async (pair, a) => ({ Sr25519: u8aToHex(pair.sign(vecBytes(await api.call.daCommitmentsApi.attestationPayload(s1.address, a)))) });
    await assert.rejects(submitInBlock(api.tx.daCommitments.attest(s1.address, att, await sign(alice, att)), alice), /daCommitments\.BadSignature/);
    const done = await rpc(chain.httpUrl, 'da_blob', [blobId]);
    const old = { blob: blobId, root: done.root, size: done.size, epoch: done.epoch };
    await assert.rejects(submitInBlock(api.tx.daCommitments.attest(s1.address, old, await sign(s1, old)), alice), /daCommitments\.(NotProcessing|AlreadyAttested)/);
    const later = { ...att, epoch: blob.epoch + 1 };
    await assert.rejects(submitInBlock(api.tx.daCommitments.attest(s1.address, later, await sign(s1, later)), alice), /daCommitments\.WrongEpoch/);
    // An honest blob that only half the quorum receives (three signers are down while
    // it is dispersed): the three that hold it attest, yet a third short of two thirds.
    const down = signers.slice(3);
    for (const s of down) await s.kill();
    const partFile = join(work, 'part.bin');
    writeFileSync(partFile, randomBytes(300_000));
    const part = JSON.parse(ok(await zg([...chainArgs(), 'da', '--json', 'submit', partFile, '--no-wait'])).stdout);
    assert.equal(part.status, 'processing');
    const up = signers.slice(0, 3);
    for (const s of up) assert.equal((await fetch(`${s.url}/v1/blobs/${part.id}/rows/0`)).status, 200, `${s.url} holds row 0`);
    for (const s of down) await s.start();
    // Nobody attested the first; at their deadlines both fail and the fees go back.
    const failed = await until('the blob to fail', async () => {
      const b = await rpc(chain.httpUrl, 'da_blob', [id]);
      return b.status === 'insufficientSignatures' && b;
    }, 180_000, 2000);
    assert.equal(failed.signedColumns, 0);
    const partFailed = await until('the half-dispersed blob to fail', async () => {
      const b = await rpc(chain.httpUrl, 'da_blob', [part.id]);
      return b.status === 'insufficientSignatures' && b;
    }, 180_000, 2000);
    assert.ok(partFailed.signedColumns > 0 && partFailed.signedColumns < 86, `signed ${partFailed.signedColumns} of 128`);
    // The signers that held it drop its cells: nobody is paid to keep a failed blob.
    for (const s of up) {
      await until(`${s.url} to drop blob ${part.id}`, async () => (await fetch(`${s.url}/v1/blobs/${part.id}/rows/0`)).status === 404, 30_000, 500);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      assert.match(metrics, /^zg_da_blobs_pruned_total [1-9]/m);
      assert.match(metrics, /^zg_da_rows_accepted_total [1-9]/m);
    }
  });

  test('sampling challenges are answered with cell proofs and rewarded; a wrong proof is refused and silence is slashed', async () => {
    const answered = await until('an answered challenge', async () => {
      const events = await api.query.system.events();
      return events.find(({ event }) => event.section === 'daCommitments' && event.method === 'ChallengeAnswered');
    }, 240_000, 1000);
    assert.equal(answered.event.data.reward.toBigInt(), UNIT / 100n, '0.01 ZG from the pool');
    // With every signer stopped, the next challenge stays open: a wrong cell is refused,
    // and at its deadline the challenged signer loses 1 ZG of its bond.
    for (const s of signers) await s.kill();
    const seen = new Set((await rpc(chain.httpUrl, 'da_challenges', [])).map((c) => c.id));
    const open = await until('a new challenge', async () =>
      (await rpc(chain.httpUrl, 'da_challenges', [])).find((c) => !seen.has(c.id)), 120_000, 1000);
    await assert.rejects(
      submitInBlock(api.tx.daCommitments.respond(open.id, u8aToHex(new Uint8Array(2048)), u8aToHex(new Uint8Array(48))), alice),
      /daCommitments\.BadCellProof/,
    );
    const bondBefore = (await api.query.daCommitments.signers(open.signer)).unwrap().bond.toBigInt();
    const slashed = await until('the slash', async () => {
      const events = await api.query.system.events();
      return events.find(({ event }) => event.section === 'daCommitments' && event.method === 'SignerSlashed'
        && event.data.id.toNumber() === open.id);
    }, 120_000, 1000);
    assert.equal(slashed.event.data.amount.toBigInt(), UNIT);
    assert.equal((await api.query.daCommitments.signers(open.signer)).unwrap().bond.toBigInt(), bondBefore - UNIT);
  });

  test('fault injection: a signer SIGKILLed 20 times while taking rows keeps every row it acknowledged', async () => {
    // Signer 6 hands over its rows of the 8 MiB blob, loses its store, and is fed them
    // again, several rows in flight, killed at random points, 20 times.
    const victim = signers[5];
    await victim.start();
    const rows = [];
    for (let r = 0; ; r += 1) {
      const res = await fetch(`${victim.url}/v1/blobs/${blobId}/rows/${r}`);
      if (res.status === 404) break;
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, bytes.toString());
      rows.push(bytes);
    }
    assert.equal(rows.length, 67, 'an 8 MiB blob has 67 rows');
    await victim.kill('SIGKILL');
    rmSync(victim.basePath, { recursive: true, force: true });
    await victim.start();
    const served = async (r) => {
      const res = await fetch(`${victim.url}/v1/blobs/${blobId}/rows/${r}`);
      return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : null;
    };
    assert.equal(await served(0), null, 'the store starts empty');
    const acknowledged = new Set();
    const refusals = new Map(); // answers other than an acknowledgement, for the failure message
    const put = (r) => fetch(`${victim.url}/v1/blobs/${blobId}/rows/${r}`, { method: 'POST', body: rows[r] })
      .then(async (res) => {
        const text = await res.text();
        if (res.ok && JSON.parse(text).row === r) acknowledged.add(r);
        else refusals.set(res.status, text);
      }, () => {});
    const all = [...rows.keys()];
    for (let kills = 1; kills <= 20; kills += 1) {
      const todo = all.filter((r) => !acknowledged.has(r));
      const inflight = (todo.length ? todo : all).slice(0, 6).map(put);
      // A row takes a few hundred ms to check (more for the first after a start, which
      // reads the blob from the chain): kill anywhere from before the first to after most.
      await sleep(Math.floor(Math.random() * 1500));
      await victim.kill('SIGKILL');
      await Promise.all(inflight);
      await victim.start();
      for (const r of acknowledged) {
        assert.ok(rows[r].equals(await served(r) ?? Buffer.alloc(0)), `kill ${kills}: acknowledged row ${r} lost or changed`);
      }
    }
    const underFire = acknowledged.size;
    assert.ok(underFire > 0, `no row acknowledged between the kills: ${JSON.stringify([...refusals])}`);
    // Finish the rows: every one is served exactly as the signer first held it.
    for (const r of all) await put(r);
    assert.equal(acknowledged.size, rows.length);
    for (const r of all) assert.ok(rows[r].equals(await served(r) ?? Buffer.alloc(0)), `row ${r}`);
    // Holding every row again, it sees on chain that the blob needs no attestation from
    // it and sends nothing (a refused attestation would still cost its fee).
    await until('the signer to check the blob', async () =>
      /blob \d+ (is attested on chain already|is no longer processing); nothing to send/.test(victim.log()), 30_000, 200);
    assert.doesNotMatch(victim.log(), /attesting blob \d+ \(attempt/);
    console.log(`DA fault injection: 20 SIGKILLs, ${underFire} of ${rows.length} rows acknowledged between kills, all kept`);
  });
});
