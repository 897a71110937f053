// End to end, intelligent NFTs: one zerog-node --dev, four zgs-node storage nodes, the
// zg CLI and @polkadot/api.
//
// Alice mints a random 8 MiB model (encrypted in a stream, stored, minted with its key
// sealed to her), transfers it to Bob with a proof the runtime checks; Bob fetches it
// byte-identical and Alice no longer can. Bob grants a compute provider's key (Dave),
// which then decrypts it; after Bob updates the data, neither Dave, Charlie nor Alice
// can read the new version. A forged transfer is refused with a typed error and moves
// nothing; an escrowed sale refunds the buyer after its deadline, and a delivered one
// pays the seller and hands the buyer a key that opens the data. ethers sees the token
// through the IZeroGInft precompile, and ERC-721's plain transferFrom reverts.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

import { Contract, JsonRpcProvider, Wallet, getAddress, keccak256 } from 'ethers';
import { decodeAddress } from '@polkadot/util-crypto';

import { DEV_KEYS, compile } from './lib/evm.mjs';
import { rpc, startNode } from './lib/node.mjs';
import { storageNode, zg } from './lib/storage.mjs';
import { ok, submitInBlock, until } from './lib/util.mjs';

const UNIT = 10n ** 18n;
const NODES = 4;
const MIB = 1024 * 1024;

let chain;
let api;
let keyring;
let nodes = [];
let work;
let id;

const sha = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
const inft = async (args, suri) => zg(['inft', ...args, ...(suri ? ['--suri', suri] : []), '--chain', chain.httpUrl]);
const json = async (args, suri) => JSON.parse(ok(await inft([...args, '--json'], suri)).stdout);
const addr = (name) => keyring.addFromUri(`//${name}`).address;
const token = async () => {
  const [c, t] = id.split('/');
  return (await api.query.inft.tokens(c, t)).unwrap();
};

before(async () => {
  chain = await startNode(['--dev']);
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl), noInitWarn: true });
  work = mkdtempSync(join(tmpdir(), 'zg-inft-e2e-'));
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const funded = ['Node0', 'Node1', 'Node2', 'Node3', 'Bob', 'Charlie', 'Dave'];
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(funded.map((name, i) => submitInBlock(
    api.tx.balances.transferKeepAlive(addr(name), 1000n * UNIT), alice, { nonce: nonce + i })));
  for (let i = 0; i < NODES; i++) {
    // Each answers its audits with its operator's key; mining is left to mining.test.mjs.
    nodes.push(await storageNode({
      chainHttp: chain.httpUrl, shardId: i, numShard: NODES, suri: `//Node${i}`, mine: false,
    }));
  }
  const regs = await Promise.all(nodes.map((n, i) => zg([
    'storage', 'register', '--endpoint', n.endpoint, '--shard-id', String(i), '--num-shard', String(NODES),
    '--suri', `//Node${i}`, '--chain', chain.httpUrl,
  ])));
  for (const r of regs) ok(r);
  // A sale's delivery period of 3 blocks (the governed parameter; an hour by default).
  await submitInBlock(api.tx.sudo.sudo(api.tx.parameters.setParameter({ Inft: { DeliveryPeriod: [null, 3] } })), alice);
});

after(async () => {
  await Promise.all(nodes.map((n) => n.cleanup()));
  await api?.disconnect().catch(() => {});
  await chain?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('inft: an encrypted 8 MiB model moves with its token', () => {
  const model = () => join(work, 'model.bin');
  const fetched = (who) => join(work, `fetched-${who}.bin`);

  test('Alice mints a random 8 MiB model and reads it back', async () => {
    writeFileSync(model(), randomBytes(8 * MIB));
    const minted = await json(['mint', model(), '--description', 'a small agent'], '//Alice');
    id = minted.id;
    assert.match(id, /^\d+\/\d+$/);
    assert.equal(minted.size, 8 * MIB);
    const t = await token();
    assert.equal(t.owner.toString(), addr('Alice'));
    assert.equal(t.data.description.toUtf8(), 'a small agent');
    assert.equal(t.data.file.toHex(), minted.file);
    // The chain stores only the ciphertext: the stored file is not the model.
    const info = await json(['info', id]);
    assert.equal(info.owner, addr('Alice'));
    assert.equal(info.version, 0);
    ok(await inft(['fetch', id, '-o', fetched('alice')], '//Alice'));
    assert.equal(sha(fetched('alice')), sha(model()));
  });

  test('a transfer hands Bob the key; Alice can no longer fetch', async () => {
    ok(await inft(['keys', 'register'], '//Bob'));
    const r = ok(await inft(['transfer', id, '--to', addr('Bob')], '//Alice'));
    assert.match(r.stdout, /transferred/);
    const t = await token();
    assert.equal(t.owner.toString(), addr('Bob'));
    assert.equal(t.nonce.toNumber(), 1);
    ok(await inft(['fetch', id, '-o', fetched('bob')], '//Bob'));
    assert.equal(sha(fetched('bob')), sha(model()));
    const refused = await inft(['fetch', id, '-o', fetched('alice2')], '//Alice');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /neither owns token/);
    assert.ok(!existsSync(fetched('alice2')));
    const list = await json(['list', '--owner', addr('Bob')]);
    assert.deepEqual(list.tokens, [id]);
    // The same through the pallet's typed JSON-RPC.
    const [c, n] = id.split('/').map(Number);
    const viaRpc = await rpc(chain.httpUrl, 'inft_token', [c, n]);
    assert.equal(viaRpc.owner, addr('Bob'));
    assert.equal(viaRpc.nonce, 1);
    assert.equal(viaRpc.file, t.data.file.toHex());
    assert.equal(viaRpc.sealed, t.sealed.toHex());
    assert.deepEqual(await rpc(chain.httpUrl, 'inft_tokensOf', [addr('Bob')]), [[c, n]]);
    assert.equal(await rpc(chain.httpUrl, 'inft_encryptionKey', [addr('Bob')]), viaRpc.key);
    assert.equal(await rpc(chain.httpUrl, 'inft_token', [c, n + 1000]), null);
  });

  test('a forged transfer is refused and moves nothing', async () => {
    // Charlie has a key; Bob "hands" him the token with its current ciphertext and a
    // made-up proof of valid points and scalars: the runtime's verification refuses it.
    ok(await inft(['keys', 'register'], '//Charlie'));
    const [c, t] = id.split('/');
    const before = await token();
    const forged = api.tx.inft.transfer(c, t, addr('Charlie'), before.sealed, {
      t1: before.sealed.c1, t2: before.sealed.c2, t3: before.sealed.c1, z1: '0x' + '00'.repeat(32), z2: '0x' + '00'.repeat(32),
    });
    await assert.rejects(submitInBlock(forged, keyring.addFromUri('//Bob')), /dispatch failed: inft\.BadProof/);
    // And by someone who does not own it.
    const stolen = api.tx.inft.transfer(c, t, addr('Charlie'), before.sealed, {
      t1: before.sealed.c1, t2: before.sealed.c2, t3: before.sealed.c1, z1: '0x' + '00'.repeat(32), z2: '0x' + '00'.repeat(32),
    });
    await assert.rejects(submitInBlock(stolen, keyring.addFromUri('//Charlie')), /dispatch failed: inft\.NotOwner/);
    const afterwards = await token();
    assert.equal(afterwards.owner.toString(), addr('Bob'));
    assert.equal(afterwards.nonce.toNumber(), before.nonce.toNumber());
  });

  test('an authorized compute provider key decrypts; an update shuts out everyone else', async () => {
    // Dave runs a compute provider; its account key is the executor key.
    ok(await inft(['keys', 'register'], '//Dave'));
    ok(await inft(['authorize', id, addr('Dave')], '//Bob'));
    ok(await inft(['fetch', id, '-o', fetched('dave')], '//Dave'));
    assert.equal(sha(fetched('dave')), sha(model()));
    const charlie = await inft(['fetch', id, '-o', fetched('charlie')], '//Charlie');
    assert.notEqual(charlie.code, 0);

    // Version 1 under a fresh key.
    const v1 = join(work, 'model-v1.bin');
    writeFileSync(v1, randomBytes(8 * MIB));
    const up = await json(['update', id, v1], '//Bob');
    assert.equal(up.version, 1);
    ok(await inft(['fetch', id, '-o', fetched('bob-v1')], '//Bob'));
    assert.equal(sha(fetched('bob-v1')), sha(v1));
    for (const who of ['Dave', 'Charlie', 'Alice']) {
      const r = await inft(['fetch', id, '-o', fetched(`${who}-v1`)], `//${who}`);
      assert.notEqual(r.code, 0, `${who} must not read version 1`);
      assert.match(r.stderr, /neither owns token .* nor holds a usage grant for its version 1/);
      assert.ok(!existsSync(fetched(`${who}-v1`)));
    }
    writeFileSync(model(), readFileSync(v1));
  });

  test('an escrowed sale refunds the buyer after its deadline', async () => {
    ok(await inft(['sell', id, '5'], '//Bob'));
    const free = async (who) => (await api.query.system.account(addr(who))).data.free.toBigInt();
    const before = await free('Charlie');
    const bought = await json(['buy', id], '//Charlie');
    assert.equal(BigInt(bought.price), 5n * UNIT);
    assert.ok(await free('Charlie') <= before - 5n * UNIT);
    // Too early to refund.
    const early = await inft(['refund', id], '//Charlie');
    assert.notEqual(early.code, 0);
    assert.match(early.stderr, /DeadlineNotReached/);
    await until('the delivery deadline', async () => (await api.query.system.number()).toNumber() > bought.deadline, 60_000, 500);
    ok(await inft(['refund', id], '//Charlie'));
    const back = await free('Charlie');
    assert.ok(back > before - UNIT, `the 5 ZG came back (${before} -> ${back})`);
    assert.equal((await token()).owner.toString(), addr('Bob'));
    assert.ok((await api.query.inft.sales([...id.split('/')])).isNone);
  });

  test('a delivered sale pays the seller and the buyer can read the data', async () => {
    ok(await inft(['sell', id, '7'], '//Bob'));
    await json(['buy', id], '//Charlie');
    const free = async (who) => (await api.query.system.account(addr(who))).data.free.toBigInt();
    const seller = await free('Bob');
    ok(await inft(['deliver', id], '//Bob'));
    assert.ok(await free('Bob') > seller + 6n * UNIT, 'the seller was paid');
    assert.equal((await token()).owner.toString(), addr('Charlie'));
    ok(await inft(['fetch', id, '-o', fetched('charlie-bought')], '//Charlie'));
    assert.equal(sha(fetched('charlie-bought')), sha(model()));
  });

  test('ethers sees the token through IZeroGInft; a plain transferFrom reverts', async () => {
    const INFT = '0x000000000000000000000000000000000a010000';
    const { abi } = compile(['IZeroGInft.sol']).IZeroGInft;
    const provider = new JsonRpcProvider(chain.ethUrl, undefined, { pollingInterval: 250 });
    const nft = new Contract(INFT, abi, provider);
    const [c, t] = id.split('/').map(BigInt);
    const tokenId = (c << 64n) | t;
    assert.equal(await nft.name(), 'ZeroG Intelligent NFTs');
    assert.equal(await nft.supportsInterface('0x80ac58cd'), true, 'ERC-721');
    // Charlie's account, at the address pallet-revive maps it to.
    const charlie = getAddress('0x' + keccak256(decodeAddress(addr('Charlie'))).slice(26));
    assert.equal(await nft.ownerOf(tokenId), charlie);
    assert.equal(await nft.balanceOf(charlie), 1n);
    const [data] = await nft.intelligentDatasOf(tokenId);
    assert.equal(data.dataHash, (await token()).data.file.toHex());
    const [sealed, nonce] = await nft.sealedKeyOf(tokenId);
    assert.equal(sealed.length, 2 + 128);
    assert.equal(nonce, BigInt((await token()).nonce.toNumber()));
    await assert.rejects(nft.ownerOf(tokenId + 99n), /ERC721NonexistentToken/);
    // An Ethereum wallet's plain transfer (and approval) reverts with the reason.
    const alith = new Wallet(DEV_KEYS[0], provider);
    await assert.rejects(nft.connect(alith).transferFrom(charlie, alith.address, tokenId), /private token: use iTransferFrom/);
    await assert.rejects(nft.connect(alith).approve(alith.address, tokenId), /private token/);
    // iTransferFrom of a token the caller does not own reverts with the pallet's error.
    await assert.rejects(
      nft.connect(alith).iTransferFrom(alith.address, charlie, tokenId, '0x' + '11'.repeat(64), '0x' + '22'.repeat(160)),
      /InvalidPoint|NotOwner/,
    );
    assert.equal(await nft.ownerOf(tokenId), charlie);
    provider.destroy();
  });
});
