// End to end: the bounds on Ethereum transactions per block. The block author's
// (`--max-ethereum-transactions`, node/src/proposer.rs) and, with the author's lifted, the
// runtime's (pallets/eth-block, 1,250): a burst larger than the bound is spread over
// blocks of at most the bound, and every transaction of it is included.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { startNode, wsClient } from './lib/node.mjs';
import { DEV_KEYS, ZEROG_CHAIN_ID } from './lib/evm.mjs';

const LIMIT = 16;
const PER_SENDER = 16;
/** The runtime's bound (`EthBlock.MaxEthTransactions`). */
const RUNTIME_LIMIT = 1250;

/**
 * Signs `perSender` transfers of 0.001 ZG to `to` from each dev account, sends them all
 * (eight requests open per sender), waits until every sender's nonce has moved past
 * them, and returns each block's count of them, from the blocks' receipts.
 *
 * With `heldBack`, each sender's first transfer is sent last, once the pool holds all its
 * later ones in its future queue: they become ready at once, so the next block is
 * offered the whole burst whatever the pool's validation rate.
 */
async function burst(node, provider, to, perSender, { heldBack = false } = {}) {
  const senders = DEV_KEYS.map((k) => new Wallet(k, provider));
  const { maxFeePerGas } = await provider.getFeeData();
  const from = await provider.getBlockNumber();
  const nonces = await Promise.all(senders.map((w) => provider.getTransactionCount(w.address, 'pending')));
  // Signed before any is sent, so the whole burst reaches the pool within a slot.
  const queues = await Promise.all(senders.map((w, s) => Promise.all(
    Array.from({ length: perSender }, (_, i) => w.signTransaction({
      to, value: parseEther('0.001'), gasLimit: 21000n, maxFeePerGas, maxPriorityFeePerGas: 0n,
      chainId: ZEROG_CHAIN_ID, nonce: nonces[s] + i, type: 2,
    })))));
  const client = await wsClient(node.ethUrl.replace('http:', 'ws:'));
  try {
    // Eight requests open per sender, in nonce order, as an exchange submits.
    const send = (queue) => Promise.all(queues.map(async (_, s) => {
      for (let i = 0; i < queue[s].length; i += 8) {
        await Promise.all(queue[s].slice(i, i + 8).map((raw) => client.call('eth_sendRawTransaction', [raw])));
      }
    }));
    if (heldBack) {
      await send(queues.map((q) => q.slice(1)));
      await send(queues.map((q) => q.slice(0, 1)));
    } else {
      await send(queues);
    }
  } finally {
    client.close();
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const done = await Promise.all(senders.map(async (w, s) =>
      (await provider.getTransactionCount(w.address, 'latest')) === nonces[s] + perSender));
    if (done.every(Boolean)) break;
    assert.ok(Date.now() < deadline, 'every transfer included within 120 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const counts = [];
  for (let n = from + 1, last = await provider.getBlockNumber(); n <= last; n++) {
    const receipts = await provider.send('eth_getBlockReceipts', [`0x${n.toString(16)}`]);
    const ours = receipts.filter((r) => r.to?.toLowerCase() === to.toLowerCase());
    assert.ok(ours.every((r) => r.status === '0x1'), `every transfer in block ${n} succeeded`);
    if (ours.length) counts.push(ours.length);
  }
  assert.equal(counts.reduce((a, b) => a + b, 0), senders.length * perSender);
  assert.equal(await provider.getBalance(to), parseEther('0.001') * BigInt(senders.length * perSender));
  return counts;
}

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
    const counts = await burst(node, provider, Wallet.createRandom().address, PER_SENDER);
    assert.ok(Math.max(...counts) <= LIMIT, `no block above ${LIMIT}: ${counts}`);
    // With the burst waiting in the pool, the bound is what ends a block's share.
    assert.ok(counts.filter((c) => c === LIMIT).length >= 2, `blocks of exactly ${LIMIT}: ${counts}`);
  });
});

describe('Ethereum transactions per block, bounded by the runtime', () => {
  let node, provider;

  before(async () => {
    // The author would take any number: the runtime's bound is the one that holds.
    node = await startNode(['--dev', '--max-ethereum-transactions', '100000']);
    provider = new JsonRpcProvider(node.ethUrl, undefined, { pollingInterval: 500 });
    while ((await provider.getBlockNumber()) < 1) await new Promise((r) => setTimeout(r, 250));
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  it(`holds a block to ${RUNTIME_LIMIT} Ethereum transactions, the rest in the next`, async () => {
    const counts = await burst(node, provider, Wallet.createRandom().address, 750, { heldBack: true });
    console.log(`# Ethereum transfers per block, the runtime's bound only: ${counts.join(', ')}`);
    assert.ok(Math.max(...counts) <= RUNTIME_LIMIT, `no block above ${RUNTIME_LIMIT}: ${counts}`);
    assert.ok(counts.includes(RUNTIME_LIMIT), `a block of exactly ${RUNTIME_LIMIT}: ${counts}`);
  });
});
