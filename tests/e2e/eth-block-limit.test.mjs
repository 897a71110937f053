// End to end: the block author's bound on Ethereum transactions per block
// (`--max-ethereum-transactions`, node/src/proposer.rs). A burst larger than the bound is
// spread over blocks of at most the bound, and every transaction of it is included.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { startNode, wsClient } from './lib/node.mjs';
import { DEV_KEYS, ZEROG_CHAIN_ID } from './lib/evm.mjs';

const LIMIT = 16;
const PER_SENDER = 16;

describe('Ethereum transactions per block, bounded by the author', () => {
  let node, provider;

  before(async () => {
    node = await startNode(['--dev', '--max-ethereum-transactions', String(LIMIT)]);
    provider = new JsonRpcProvider(node.ethUrl, undefined, { pollingInterval: 250 });
    while ((await provider.getBlockNumber()) < 1) await new Promise((r) => setTimeout(r, 250));
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it(`spreads ${DEV_KEYS.length * PER_SENDER} transfers over blocks of at most ${LIMIT}, all included`, async () => {
    const senders = DEV_KEYS.map((k) => new Wallet(k, provider));
    const to = Wallet.createRandom().address;
    const { maxFeePerGas } = await provider.getFeeData();
    // Signed before any is sent, so the whole burst reaches the pool within a slot.
    const queues = await Promise.all(senders.map(async (w) => {
      const nonce = await provider.getTransactionCount(w.address, 'pending');
      return Promise.all(Array.from({ length: PER_SENDER }, (_, i) => w.signTransaction({
        to, value: parseEther('0.001'), gasLimit: 21000n, maxFeePerGas, maxPriorityFeePerGas: 0n,
        chainId: ZEROG_CHAIN_ID, nonce: nonce + i, type: 2,
      })));
    }));
    const client = await wsClient(node.ethUrl.replace('http:', 'ws:'));
    let hashes;
    try {
      hashes = (await Promise.all(queues.map(async (queue) => {
        const sent = [];
        for (const raw of queue) sent.push(await client.call('eth_sendRawTransaction', [raw]));
        return sent;
      }))).flat();
    } finally {
      client.close();
    }
    const receipts = await Promise.all(hashes.map((h) => provider.waitForTransaction(h, 1, 120_000)));
    assert.ok(receipts.every((r) => r?.status === 1), 'every transfer included and successful');
    const perBlock = new Map();
    for (const r of receipts) perBlock.set(r.blockNumber, (perBlock.get(r.blockNumber) ?? 0) + 1);
    const counts = [...perBlock.values()];
    assert.ok(Math.max(...counts) <= LIMIT, `no block above ${LIMIT}: ${counts}`);
    // With the burst waiting in the pool, the bound is what ends a block's share.
    assert.ok(counts.filter((c) => c === LIMIT).length >= 2, `blocks of exactly ${LIMIT}: ${counts}`);
    assert.equal(await provider.getBalance(to), parseEther('0.001') * BigInt(hashes.length));
  });
});
