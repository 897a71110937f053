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
let root64;

const sha = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
const chainArgs = () => ['--chain-rpc', chain.httpUrl];

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
    nodes.push(await storageNode({ chainHttp: chain.httpUrl, shardId: i, numShard: NODES }));
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
  });

  test('a 64 MiB file uploads, is on chain, and downloads byte-identical', async () => {
    file64 = join(work, 'random-64m.bin');
    writeFileSync(file64, randomBytes(64 * MIB));
    const up = await zg(['storage', 'upload', file64, '--suri', '//Alice', ...chainArgs()]);
    assert.equal(up.code, 0, up.stderr);
    root64 = field(up.stdout, 'root');
    assert.match(root64, /^0x[0-9a-f]{64}$/);
    console.log(`upload 64 MiB: ${field(up.stdout, 'uploaded')}, peak RSS ${up.maxRssKb} KiB`);

    // The chain has the entry, sized as the encoded file, with the fee it quoted.
    const entry = await rpc(chain.httpUrl, 'storageMarket_fileStatus', [root64]);
    assert.equal(entry.seq, Number(field(up.stdout, 'entry')));
    // 256 data segments in stripes of 5: 51 full stripes of 8 and one of 1 + 3 parity.
    assert.equal(entry.size, (51 * 8 + 4) * 256 * 1024);
    assert.equal(entry.fee, await rpc(chain.httpUrl, 'storageMarket_quote', [entry.size, 12]));

    // Every node holds its whole shard of the 412 encoded segments.
    for (const n of nodes) {
      const info = await rpc(n.endpoint, 'zgs_getFileInfo', [root64]);
      assert.equal(info.segments, 412);
      assert.equal(info.shardSegments, n.shardId < 4 ? 52 : 51);
      assert.equal(info.storedSegments, info.shardSegments, n.endpoint);
      assert.equal(info.complete, true);
    }

    const out = join(work, 'down-1.bin');
    const down = await zg(['storage', 'download', root64, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file64));
    assert.equal(field(down.stdout, 'rebuilt'), '0 stripes from parity');
    console.log(`download 64 MiB: ${field(down.stdout, 'speed')}, peak RSS ${down.maxRssKb} KiB`);
    // Baseline in the same run: a local copy of the same file.
    const t0 = performance.now();
    copyFileSync(file64, join(work, 'copy.bin'));
    console.log(`baseline: local copy of 64 MiB at ${(64 / ((performance.now() - t0) / 1000)).toFixed(1)} MiB/s`);

    const info = await zg(['storage', 'info', root64, ...chainArgs()]);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(field(info.stdout, 'size'), `${64 * MIB} bytes`);
    assert.equal((info.stdout.match(/(\d+)\/\1 segments, complete/g) || []).length, NODES, info.stdout);
  });

  test('bad requests are refused with typed errors and store nothing', async () => {
    const n = nodes[0];
    const before = (await rpc(n.endpoint, 'zgs_getStatus')).storedSegments;
    const good = await rpc(n.endpoint, 'zgs_downloadSegmentWithProof', [root64, 0]);
    const refused = async (seg) => {
      try { await rpc(n.endpoint, 'zgs_uploadSegment', [seg]); } catch (e) { return e.rpc; }
      assert.fail('accepted');
    };
    // A root no submission has.
    assert.equal((await refused({ ...good, root: `0x${'ab'.repeat(32)}` })).code, 1001);
    // Tampered bytes (flip one base64 character).
    const flipped = (good.data[10] === 'A' ? 'B' : 'A');
    assert.equal((await refused({ ...good, data: good.data.slice(0, 10) + flipped + good.data.slice(11) })).code, 1002);
    // Another shard's index, past the end.
    assert.equal((await refused({ ...good, index: 1 })).code, 1003);
    assert.equal((await refused({ ...good, index: 1 << 20 })).code, 1004);
    // Malformed: not base64, missing fields.
    assert.equal((await refused({ ...good, data: '***' })).code, -32602);
    assert.equal((await refused({ root: root64 })).code, -32602);
    // Oversized: a 2 MiB request body is cut off before it is parsed: the node answers
    // 413, or closes the connection while the client is still sending.
    const status = await fetch(n.endpoint, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'zgs_uploadSegment', params: [{ ...good, data: 'A'.repeat(2 * MIB) }] }),
    }).then((res) => res.status, (e) => e.cause?.code);
    assert.ok([413, 'EPIPE', 'ECONNRESET'].includes(status), `oversized request got ${status}`);
    assert.equal((await rpc(n.endpoint, 'zgs_getStatus')).storedSegments, before);
    // The CLI refuses a root that is not on chain.
    const r = await zg(['storage', 'download', `0x${'cd'.repeat(32)}`, '-o', join(work, 'x'), ...chainArgs()]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is not on chain/);
  });

  test('a node SIGKILLed during an upload keeps what it acknowledged; the upload resumes', async () => {
    const file = join(work, 'random-24m.bin');
    writeFileSync(file, randomBytes(24 * MIB));
    const victim = nodes[5];
    const upload = zg(['storage', 'upload', file, '--suri', '//Bob', ...chainArgs()]);
    // Kill the node as soon as it holds some of the new file's segments.
    let seen = 0;
    let root = null;
    for (let t = 0; t < 3000 && seen === 0; t++) {
      const entries = (await rpc(chain.httpUrl, 'storageMarket_flow')).entries;
      if (entries >= 2) {
        root = root ?? (await rpc(chain.httpUrl, 'storageMarket_entry', [entries - 1])).root;
        const info = await rpc(victim.endpoint, 'zgs_getFileInfo', [root]).catch(() => null);
        seen = info?.storedSegments ?? 0;
      }
      if (seen === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(seen > 0, 'the victim never received a segment');
    await victim.kill('SIGKILL');
    const first = await upload;
    await victim.start();
    const after = await rpc(victim.endpoint, 'zgs_getFileInfo', [root]);
    assert.ok(after.storedSegments >= seen, `lost acknowledged segments: saw ${seen}, has ${after.storedSegments}`);

    // Whether or not the first run got everything to the victim, a second run completes
    // it without a second submission.
    const again = await zg(['storage', 'upload', file, '--suri', '//Bob', ...chainArgs()]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(field(again.stdout, 'root'), root);
    assert.equal(field(again.stdout, 'submitted'), 'earlier (resumed)');
    if (first.code !== 0) assert.match(first.stderr, /run the same upload again to resume/);
    assert.equal((await rpc(chain.httpUrl, 'storageMarket_flow')).entries, 2);
    assert.equal((await rpc(victim.endpoint, 'zgs_getFileInfo', [root])).complete, true);
    const out = join(work, 'down-24.bin');
    const down = await zg(['storage', 'download', root, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file));
  });

  test('with 3 of 8 nodes killed (37.5 %) the file still downloads byte-identical', async () => {
    const killed = [nodes[1], nodes[4], nodes[6]];
    await Promise.all(killed.map((n) => n.kill('SIGKILL')));
    const out = join(work, 'down-2.bin');
    const down = await zg(['storage', 'download', root64, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file64));
    assert.notEqual(field(down.stdout, 'rebuilt'), '0 stripes from parity');
    for (const n of killed) assert.match(down.stdout, new RegExp(`unreachable node ${n.endpoint}`));
    console.log(`download 64 MiB, 3 of 8 nodes down: ${field(down.stdout, 'speed')}`);
    // Back up, with everything they held.
    for (const n of killed) {
      await n.start();
      assert.equal((await rpc(n.endpoint, 'zgs_getFileInfo', [root64])).complete, true);
    }
  });

  test('a corrupted segment on one node is detected, reported, and routed around', async () => {
    const n = nodes[3];
    await n.kill('SIGKILL');
    // Segment 3 is stripe 0's fourth data segment, kept by shard 3.
    execFileSync(binary('examples/tamper'), [n.dbPath, root64, '3']);
    await n.start();
    const out = join(work, 'down-3.bin');
    const down = await zg(['storage', 'download', root64, '-o', out, ...chainArgs()]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(out), sha(file64));
    assert.match(down.stdout, new RegExp(`bad node  ${n.endpoint}: segment 3 does not prove against the root`));
  });
});
