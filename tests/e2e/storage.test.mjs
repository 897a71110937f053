// End to end, storage: one zerog-node --dev, eight zgs-node storage nodes (shards 0..7
// of 8, registered on chain with a bond), and the zg CLI.
//
// A random 64 MiB file is uploaded (root and fee on chain, erasure-coded 5-of-8 segments
// across the nodes) and downloaded byte-identical; then 3 of the 8 nodes (37.5 %) are
// killed and the file still downloads byte-identical; a node with a corrupted segment is
// reported as bad while the download succeeds. Bad requests to a node are refused with
// typed errors and store nothing; a node SIGKILLed during an upload keeps every segment
// it acknowledged, and the upload resumes without paying twice.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import net from 'node:net';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

import { startNode, rpc } from './lib/node.mjs';
import { binary, field, storageNode, zg } from './lib/storage.mjs';

const UNIT = 10n ** 18n;
const NODES = 8;
const MIB = 1024 * 1024;

let chain;
let api;
let nodes = [];
let work;
let file64;
let id64;

const sha = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
const chainArgs = () => ['--chain', chain.httpUrl];

before(async () => {
  chain = await startNode(['--dev']);
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  work = mkdtempSync(join(tmpdir(), 'zg-storage-e2e-'));
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  // Fund one operator account per node, all in one block's worth of transactions.
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(Array.from({ length: NODES }, (_, i) => new Promise((ok, fail) => {
    api.tx.balances.transferKeepAlive(keyring.addFromUri(`//Node${i}`).address, 1000n * UNIT)
      .signAndSend(alice, { nonce: nonce + i }, (r) => {
        if (r.dispatchError) fail(new Error(r.dispatchError.toString()));
        else if (r.status.isInBlock) ok();
      }).catch(fail);
  })));
  for (let i = 0; i < NODES; i++) {
    // Each answers its audits with its operator's key; mining is left to mining.test.mjs.
    nodes.push(await storageNode({
      chainHttp: chain.httpUrl, shardId: i, numShard: NODES, suri: `//Node${i}`, mine: false,
    }));
  }
  const regs = await Promise.all(nodes.map((n, i) => zg([
    'storage', 'register', '--endpoint', n.endpoint, '--shard-id', String(i), '--num-shard', String(NODES),
    '--bond', '100', '--suri', `//Node${i}`, ...chainArgs(),
  ])));
  for (const r of regs) assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await Promise.all(nodes.map((n) => n.cleanup()));
  await api?.disconnect().catch(() => {});
  await chain?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('storage: zg + 8 storage nodes', () => {
  test('nodes are registered on chain and online', async () => {
    const list = await rpc(chain.httpUrl, 'storageMarket_nodes');
    assert.equal(list.length, NODES);
    assert.deepEqual(list.map((n) => n.shardId).sort(), [...Array(NODES).keys()]);
    const r = await zg(['storage', 'nodes', ...chainArgs()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /8 storage nodes registered/);
    assert.equal((r.stdout.match(/online/g) || []).length, NODES, r.stdout);
    const jr = await zg(['storage', 'nodes', '--json', ...chainArgs()]);
    assert.equal(jr.code, 0, jr.stderr);
    const j = JSON.parse(jr.stdout);
    assert.equal(j.length, NODES);
    assert.ok(j.every((n) => n.online && n.status === 'active' && n.bond === '100 ZG'), JSON.stringify(j));
  });

  test('a 64 MiB file uploads, is on chain, and downloads byte-identical', async () => {
    file64 = join(work, 'random-64m.bin');
    writeFileSync(file64, randomBytes(64 * MIB));
    const up = await zg(['storage', 'upload', file64, '--suri', '//Alice', ...chainArgs()]);
    assert.equal(up.code, 0, up.stderr);
    id64 = field(up.stdout, 'id');
    assert.match(id64, /^0x[0-9a-f]{64}$/);
    assert.match(field(up.stdout, 'root'), /^0x[0-9a-f]{64}$/);
    console.log(`upload 64 MiB: ${field(up.stdout, 'uploaded')}, peak RSS ${up.maxRssKb} KiB`);

    // The chain has the entry, sized as the encoded file, with the fee it quoted.
    const entry = await rpc(chain.httpUrl, 'storageMarket_fileStatus', [id64]);
    assert.equal(entry.seq, Number(field(up.stdout, 'entry')));
    // 256 data segments in stripes of 5: 51 full stripes of 8 and one of 1 + 3 parity.
    assert.equal(entry.size, (51 * 8 + 4) * 256 * 1024);
    assert.equal(entry.fee, await rpc(chain.httpUrl, 'storageMarket_quote', [entry.size, 12]));

    // Every node holds its whole shard of the 412 encoded segments.
    for (const n of nodes) {
      const info = await rpc(n.endpoint, 'zgs_getFileInfo', [id64]);
      assert.equal(info.segments, 412);
      assert.equal(info.shardSegments, n.shardId < 4 ? 52 : 51);
      assert.equal(info.storedSegments, info.shardSegments, n.endpoint);
      assert.equal(info.complete, true);
    }

    const out = join(work, 'down-1.bin');
    const down = await zg(['storage', 'download', id64, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file64));
    assert.equal(field(down.stdout, 'rebuilt'), '0 stripes from parity');
    // The same file over zgs_* JSON-RPC instead of the binary segment path.
    const viaJson = await zg(['storage', 'download', id64, '-o', join(work, 'down-json.bin'), '--transport', 'json', ...chainArgs()]);
    assert.equal(viaJson.code, 0, viaJson.stderr);
    assert.equal(sha(join(work, 'down-json.bin')), sha(file64));
    console.log(`download 64 MiB: ${field(down.stdout, 'speed')}, peak RSS ${down.maxRssKb} KiB`);
    // Baseline in the same run: a local copy of the same file.
    const t0 = performance.now();
    copyFileSync(file64, join(work, 'copy.bin'));
    console.log(`baseline: local copy of 64 MiB at ${(64 / ((performance.now() - t0) / 1000)).toFixed(1)} MiB/s`);

    const info = await zg(['storage', 'info', id64, ...chainArgs()]);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(field(info.stdout, 'size'), `${64 * MIB} bytes`);
    assert.equal((info.stdout.match(/(\d+)\/\1 segments, complete/g) || []).length, NODES, info.stdout);

    // Each node's Prometheus metrics count what it took, holds and served.
    let served = 0;
    for (const n of nodes) {
      assert.ok((await fetch(`${n.endpoint}/health`)).ok);
      const res = await fetch(`${n.endpoint}/metrics`);
      assert.match(res.headers.get('content-type'), /^text\/plain/);
      const text = await res.text();
      const metric = (name) => Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1]);
      const shard = n.shardId < 4 ? 52 : 51;
      assert.equal(metric('zgs_segments_accepted_total'), shard, text);
      assert.equal(metric('zgs_segments_stored'), shard);
      served += metric('zgs_segments_served_total');
      assert.equal(metric('zgs_chain_connected'), 1);
      assert.ok(metric('zgs_flow_entries_followed') >= 1);
      // --prometheus-port serves the same registry on a port of its own, and only it.
      const prom = await fetch(n.promUrl);
      assert.match(prom.headers.get('content-type'), /^text\/plain/);
      assert.match(await prom.text(), new RegExp(`^zgs_segments_stored ${shard}$`, 'm'));
      assert.equal((await fetch(n.promUrl.replace('/metrics', '/health'))).status, 404);
    }
    assert.ok(served >= 256, `the download read the 256 data segments (served ${served})`);
  });

  test('bad requests are refused with typed errors and store nothing', async () => {
    const n = nodes[0];
    const before = (await rpc(n.endpoint, 'zgs_getStatus')).storedSegments;
    const good = await rpc(n.endpoint, 'zgs_downloadSegmentWithProof', [id64, 0]);
    const refused = async (seg) => {
      try { await rpc(n.endpoint, 'zgs_uploadSegment', [seg]); } catch (e) { return e.rpc; }
      assert.fail('accepted');
    };
    // A file id no submission has, and the file's bare root (not its id).
    assert.equal((await refused({ ...good, id: `0x${'ab'.repeat(32)}` })).code, 1001);
    const { root } = await rpc(n.endpoint, 'zgs_getFileInfo', [id64]);
    assert.equal((await refused({ ...good, id: root })).code, 1001);
    // Tampered bytes (flip one base64 character).
    const flipped = (good.data[10] === 'A' ? 'B' : 'A');
    assert.equal((await refused({ ...good, data: good.data.slice(0, 10) + flipped + good.data.slice(11) })).code, 1002);
    // Another shard's index, past the end.
    assert.equal((await refused({ ...good, index: 1 })).code, 1003);
    assert.equal((await refused({ ...good, index: 1 << 20 })).code, 1004);
    // Malformed: not base64, missing fields.
    assert.equal((await refused({ ...good, data: '***' })).code, -32602);
    assert.equal((await refused({ id: id64 })).code, -32602);
    // Oversized: a 2 MiB request body is cut off before it is parsed: the node answers
    // 413, or closes the connection while the client is still sending.
    const status = await fetch(n.endpoint, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'zgs_uploadSegment', params: [{ ...good, data: 'A'.repeat(2 * MIB) }] }),
    }).then((res) => res.status, (e) => e.cause?.code);
    assert.ok([413, 'EPIPE', 'ECONNRESET'].includes(status), `oversized request got ${status}`);
    // The binary segment path serves the same bytes and refuses alike: the same codes,
    // with an HTTP status.
    const at = (id, i) => `${n.endpoint}/v1/files/${id}/segments/${i}`;
    const got = await fetch(at(id64, 0));
    assert.equal(got.status, 200);
    const frame = Buffer.from(await got.arrayBuffer());
    const data = Buffer.from(good.data, 'base64');
    assert.ok(frame.subarray(frame.length - data.length).equals(data), 'the frame ends with the segment');
    const put = async (url, body) => {
      const res = await fetch(url, { method: 'PUT', body });
      return [res.status, await res.json()];
    };
    assert.deepEqual(await put(at(id64, 0), frame), [200, { stored: false }]);
    const tampered = Buffer.from(frame);
    tampered[tampered.length - 1] ^= 1;
    assert.deepEqual((await put(at(id64, 0), tampered)).map((x) => x.code ?? x), [422, 1002]);
    assert.deepEqual((await put(at(id64, 1), frame)).map((x) => x.code ?? x), [421, 1003]);
    assert.deepEqual((await put(at(`0x${'ab'.repeat(32)}`, 0), frame)).map((x) => x.code ?? x), [404, 1001]);
    assert.deepEqual((await put(at(id64, 0), Buffer.from([1, 2, 3]))).map((x) => x.code ?? x), [400, -32602]);
    assert.equal((await fetch(at('0x12', 0))).status, 400);
    assert.equal((await rpc(n.endpoint, 'zgs_getStatus')).storedSegments, before);
    // The CLI refuses a file that is not on chain.
    const r = await zg(['storage', 'download', `0x${'cd'.repeat(32)}`, '-o', join(work, 'x'), ...chainArgs()]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is not on chain/);
  });

  test('slow clients cannot stall a node: half-sent headers are dropped, requests still served', async () => {
    const n = nodes[0];
    const { port } = new URL(n.endpoint);
    const sockets = await Promise.all(Array.from({ length: 150 }, () => new Promise((ok, fail) => {
      const sock = net.connect(Number(port), '127.0.0.1', () => {
        sock.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n');
        ok(sock);
      });
      sock.on('error', fail);
    })));
    const closed = sockets.map((sock) => new Promise((ok) => sock.on('close', ok)));
    // More slow clients than jsonrpsee's default connection limit, yet the node answers.
    assert.equal((await rpc(n.endpoint, 'zgs_getStatus')).shard.shardId, 0);
    // And each slow client is dropped once the header timeout (10 s) passes.
    const t0 = Date.now();
    await Promise.race([
      Promise.all(closed),
      new Promise((_, fail) => setTimeout(() => fail(new Error('half-sent headers still open after 20 s')), 20_000)),
    ]);
    console.log(`150 half-sent headers dropped after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  test('fault injection: a node SIGKILLed 20 times while taking segments loses nothing it acknowledged', async () => {
    // A fresh node for shard 2 of 8 is fed the shard's segments of the 64 MiB file,
    // several requests in flight, and killed at random points, 20 times.
    const source = nodes[2];
    const victim = await storageNode({ chainHttp: chain.httpUrl, shardId: 2, numShard: NODES });
    try {
      const deadline = Date.now() + 60_000;
      while (!(await rpc(victim.endpoint, 'zgs_getFileInfo', [id64]))) {
        assert.ok(Date.now() < deadline, 'the new node never followed the file');
        await new Promise((r) => setTimeout(r, 200));
      }
      const indices = [];
      for (let i = 2; i < 412; i += NODES) indices.push(i);
      const segments = new Map();
      for (const i of indices) segments.set(i, await rpc(source.endpoint, 'zgs_downloadSegmentWithProof', [id64, i]));
      const acknowledged = new Set();
      let kills = 0;
      while (kills < 20) {
        // Feed what it does not hold yet (or everything again once it holds it all).
        const todo = indices.filter((i) => !acknowledged.has(i));
        const batch = (todo.length ? todo : indices).slice(0, 6);
        const inflight = batch.map((i) => rpc(victim.endpoint, 'zgs_uploadSegment', [segments.get(i)])
          .then(() => acknowledged.add(i), () => {}));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
        await victim.kill('SIGKILL');
        kills += 1;
        await Promise.all(inflight);
        await victim.start();
        const held = new Set(await rpc(victim.endpoint, 'zgs_storedSegments', [id64, 0, 1000]));
        for (const i of acknowledged) assert.ok(held.has(i), `kill ${kills}: acknowledged segment ${i} lost`);
      }
      // Finish the shard, then every segment it serves is the source's, byte for byte.
      for (const i of indices) await rpc(victim.endpoint, 'zgs_uploadSegment', [segments.get(i)]);
      const info = await rpc(victim.endpoint, 'zgs_getFileInfo', [id64]);
      assert.equal(info.storedSegments, indices.length);
      assert.equal((await rpc(victim.endpoint, 'zgs_getStatus')).storedSegments, indices.length, 'counters agree');
      for (const i of indices) {
        const got = await rpc(victim.endpoint, 'zgs_downloadSegmentWithProof', [id64, i]);
        assert.equal(got.data, segments.get(i).data, `segment ${i}`);
      }
      console.log(`fault injection: 20 SIGKILLs, ${acknowledged.size} acknowledged segments all kept`);
    } finally {
      await victim.cleanup();
    }
  });

  test('a node SIGKILLed during an upload keeps what it acknowledged; the upload resumes', async () => {
    const file = join(work, 'random-24m.bin');
    writeFileSync(file, randomBytes(24 * MIB));
    const victim = nodes[5];
    const upload = zg(['storage', 'upload', file, '--suri', '//Bob', ...chainArgs()]);
    // Kill the node as soon as it holds some of the new file's segments.
    let seen = 0;
    let id = null;
    for (let t = 0; t < 3000 && seen === 0; t++) {
      const entries = (await rpc(chain.httpUrl, 'storageMarket_flow')).entries;
      if (entries >= 2) {
        id = id ?? (await rpc(chain.httpUrl, 'storageMarket_entry', [entries - 1])).id;
        const info = await rpc(victim.endpoint, 'zgs_getFileInfo', [id]).catch(() => null);
        seen = info?.storedSegments ?? 0;
      }
      if (seen === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(seen > 0, 'the victim never received a segment');
    await victim.kill('SIGKILL');
    const first = await upload;
    await victim.start();
    const after = await rpc(victim.endpoint, 'zgs_getFileInfo', [id]);
    assert.ok(after.storedSegments >= seen, `lost acknowledged segments: saw ${seen}, has ${after.storedSegments}`);

    // Whether or not the first run got everything to the victim, a second run completes
    // it without a second submission.
    const again = await zg(['storage', 'upload', file, '--suri', '//Bob', ...chainArgs()]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(field(again.stdout, 'id'), id);
    assert.equal(field(again.stdout, 'submitted'), 'earlier (resumed)');
    // The first run either finished without the victim (each stripe kept enough live
    // nodes) or says how to resume.
    if (first.code !== 0) assert.match(first.stderr, /run the same upload again to resume/);
    else assert.match(first.stdout, new RegExp(`skipped   ${victim.endpoint}`));
    assert.equal((await rpc(chain.httpUrl, 'storageMarket_flow')).entries, 2);
    assert.equal((await rpc(victim.endpoint, 'zgs_getFileInfo', [id])).complete, true);
    const out = join(work, 'down-24.bin');
    const down = await zg(['storage', 'download', id, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file));
  });

  test('with 3 of 8 nodes killed (37.5 %) the file still downloads byte-identical', async () => {
    const killed = [nodes[1], nodes[4], nodes[6]];
    await Promise.all(killed.map((n) => n.kill('SIGKILL')));
    const out = join(work, 'down-2.bin');
    const down = await zg(['storage', 'download', id64, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file64));
    assert.notEqual(field(down.stdout, 'rebuilt'), '0 stripes from parity');
    for (const n of killed) assert.match(down.stdout, new RegExp(`unreachable node ${n.endpoint}`));
    console.log(`download 64 MiB, 3 of 8 nodes down: ${field(down.stdout, 'speed')}`);
    // An upload goes on without them too (5 of each stripe's 8 segments on live nodes),
    // warns about each, and the file downloads byte-identical.
    const small = join(work, 'random-3m-while-down.bin');
    writeFileSync(small, randomBytes(3 * MIB + 17));
    const up = await zg(['storage', 'upload', small, '--suri', '//Dave', ...chainArgs()]);
    assert.equal(up.code, 0, up.stderr);
    for (const n of killed) assert.match(up.stdout, new RegExp(`skipped   ${n.endpoint}`));
    const back = join(work, 'down-3m-while-down.bin');
    const got = await zg(['storage', 'download', field(up.stdout, 'id'), '-o', back, ...chainArgs()]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(sha(back), sha(small));
    // Back up, with everything they held.
    for (const n of killed) {
      await n.start();
      assert.equal((await rpc(n.endpoint, 'zgs_getFileInfo', [id64])).complete, true);
    }
  });

  test('a corrupted segment on one node is detected, reported, and routed around', async () => {
    const n = nodes[3];
    await n.kill('SIGKILL');
    // Segment 3 is stripe 0's fourth data segment, kept by shard 3.
    execFileSync(binary('examples/tamper'), [n.dbPath, id64, '3']);
    await n.start();
    const out = join(work, 'down-3.bin');
    const down = await zg(['storage', 'download', id64, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file64));
    assert.match(down.stdout, new RegExp(`bad node  ${n.endpoint}: segment 3 does not prove against the root`));
  });

  test('a squatter who submits a file\'s root first with forged size and tags changes nothing', async () => {
    const file = join(work, 'owner-2m.bin');
    const size = 2 * MIB + 1000;
    writeFileSync(file, randomBytes(size));
    // What the owner's upload will submit, as anyone watching the pool would see it.
    const ident = await zg(['storage', 'id', file]);
    assert.equal(ident.code, 0, ident.stderr);
    const [root, tags, encoded] = [field(ident.stdout, 'root'), field(ident.stdout, 'tags'), Number(field(ident.stdout, 'encoded'))];
    // The squatter submits that root first, claiming the file is 100 bytes shorter.
    const forged = Buffer.from(tags.slice(2), 'hex');
    assert.equal(forged.readBigUInt64LE(4), BigInt(size), 'the tags carry the original size');
    forged.writeBigUInt64LE(BigInt(size - 100), 4);
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    await new Promise((ok, fail) => {
      api.tx.storageMarket.submit(encoded, root, '0x' + forged.toString('hex'), 1)
        .signAndSend(keyring.addFromUri('//Charlie'), (r) => {
          if (r.dispatchError) fail(new Error(r.dispatchError.toString()));
          else if (r.status.isFinalized) ok();
        }).catch(fail);
    });
    // The owner's upload still submits (and pays for) the owner's file...
    const up = await zg(['storage', 'upload', file, '--suri', '//Eve', ...chainArgs()]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(field(up.stdout, 'submitted'), 'now');
    assert.equal(field(up.stdout, 'id'), field(ident.stdout, 'id'));
    assert.equal(field(up.stdout, 'root'), root);
    // ...and its download is the whole file, not the squatter's 100 bytes short.
    const out = join(work, 'owner-2m.down');
    const down = await zg(['storage', 'download', field(up.stdout, 'id'), '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(readFileSync(out).length, size);
    assert.equal(sha(out), sha(file));
    // A second upload of the same file pays nothing more.
    const again = await zg(['storage', 'upload', file, '--suri', '//Eve', ...chainArgs()]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(field(again.stdout, 'submitted'), 'earlier (resumed)');
  });
});
