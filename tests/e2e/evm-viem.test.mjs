// End to end, EVM with a second, independent client: viem (the library wagmi and most
// dapp front ends use) against a real `zerog-node --dev`, with contracts people deploy
// as published: WETH9 from Uniswap's npm artifacts, and an OpenZeppelin ERC20Votes
// governance token with EIP-2612 permits compiled from @openzeppelin/contracts.
// Event watchers both ways viem runs them: polled filters over HTTP
// (eth_newFilter / eth_getFilterChanges) and subscriptions over WebSocket (eth_subscribe).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  createPublicClient, createWalletClient, defineChain, http, parseEther, parseSignature, webSocket,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startNode } from './lib/node.mjs';
import { DEV_KEYS, ZEROG_CHAIN_ID, compile } from './lib/evm.mjs';

const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, done, ms = 30_000) {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('EVM with viem: WETH9, an OpenZeppelin governance token, event watchers', () => {
  let node, pub, wsPub, wallet, otherWallet, me, other;

  before(async () => {
    node = await startNode(['--dev']);
    const ws = node.ethUrl.replace('http', 'ws');
    const chain = defineChain({
      id: Number(ZEROG_CHAIN_ID),
      name: 'ZeroG dev',
      nativeCurrency: { name: 'ZG', symbol: 'ZG', decimals: 18 },
      rpcUrls: { default: { http: [node.ethUrl], webSocket: [ws] } },
    });
    me = privateKeyToAccount(DEV_KEYS[0]);
    other = privateKeyToAccount(DEV_KEYS[1]);
    pub = createPublicClient({ chain, transport: http(node.ethUrl), pollingInterval: 250 });
    // No reconnecting: the node stops at the end, and the test process must exit.
    wsPub = createPublicClient({ chain, transport: webSocket(ws, { reconnect: false, keepAlive: false }) });
    wallet = createWalletClient({ account: me, chain, transport: http(node.ethUrl) });
    otherWallet = createWalletClient({ account: other, chain, transport: http(node.ethUrl) });
    while ((await pub.getBlockNumber()) < 1n) await sleep(250);
  });

  after(async () => {
    await wsPub?.transport?.getRpcClient?.().then((c) => c.close()).catch(() => {});
    // Let the socket's close complete before the node goes.
    await sleep(100);
    await node?.stop();
  });

  /** Sends a transaction and waits for its receipt, which must be a success. */
  const mined = async (hash) => {
    const receipt = await pub.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, 'success', `transaction ${hash}`);
    return receipt;
  };

  it('wraps and unwraps ZG in WETH9, watched over HTTP filters and WebSocket subscriptions', async () => {
    const j = require('@uniswap/v2-periphery/build/WETH9.json');
    const code = j.bytecode ?? j.evm.bytecode.object;
    const deployed = await mined(await wallet.deployContract({
      abi: j.abi, bytecode: code.startsWith('0x') ? code : `0x${code}`,
    }));
    const weth = { address: deployed.contractAddress, abi: j.abi };
    assert.match(weth.address, /^0x[0-9a-fA-F]{40}$/);

    const overHttp = [];
    const overWs = [];
    const stop = [
      pub.watchContractEvent({ ...weth, eventName: 'Deposit', poll: true, onLogs: (l) => overHttp.push(...l) }),
      wsPub.watchContractEvent({ ...weth, eventName: 'Deposit', onLogs: (l) => overWs.push(...l) }),
    ];
    const heads = [];
    stop.push(wsPub.watchBlockNumber({ onBlockNumber: (n) => heads.push(n) }));
    try {
      // Both watchers install their filter or subscription before the deposit is sent.
      await until('a block through the WebSocket', () => heads.length >= 2);
      const before = await pub.getBalance({ address: me.address });
      const deposit = await mined(await wallet.writeContract({ ...weth, functionName: 'deposit', value: parseEther('3') }));
      assert.equal(await pub.readContract({ ...weth, functionName: 'balanceOf', args: [me.address] }), parseEther('3'));
      const after = await pub.getBalance({ address: me.address });
      assert.equal(before - after, parseEther('3') + deposit.gasUsed * deposit.effectiveGasPrice, 'value plus fee');
      await mined(await wallet.writeContract({ ...weth, functionName: 'withdraw', args: [parseEther('1')] }));
      assert.equal(await pub.readContract({ ...weth, functionName: 'totalSupply' }), parseEther('2'));

      for (const [how, seen] of [['HTTP filter', overHttp], ['WebSocket subscription', overWs]]) {
        await until(`the Deposit over the ${how}`, () => seen.length > 0);
        assert.equal(seen.length, 1, how);
        assert.equal(seen[0].args.dst, me.address);
        assert.equal(seen[0].args.wad, parseEther('3'));
        assert.equal(seen[0].transactionHash, deposit.transactionHash);
        assert.equal(seen[0].blockNumber, deposit.blockNumber);
      }
      // The WebSocket heads came one block at a time.
      for (let i = 1; i < heads.length; i++) assert.equal(heads[i], heads[i - 1] + 1n);
    } finally {
      for (const s of stop) s();
    }
  });

  it('runs an OpenZeppelin ERC20Votes token: delegation checkpoints by block and an EIP-712 permit', async () => {
    const { VotesToken } = compile(['VotesToken.sol']);
    const supply = parseEther('1000');
    const deployed = await mined(await wallet.deployContract({ abi: VotesToken.abi, bytecode: VotesToken.bytecode, args: [supply] }));
    const token = { address: deployed.contractAddress, abi: VotesToken.abi };
    const read = (functionName, args = []) => pub.readContract({ ...token, functionName, args });

    // ERC-6372: the clock is the block number.
    assert.equal(await read('CLOCK_MODE'), 'mode=blocknumber&from=default');
    assert.ok(BigInt(await read('clock')) >= deployed.blockNumber);
    assert.equal(await read('getVotes', [me.address]), 0n, 'no votes before delegating');
    const delegated = await mined(await wallet.writeContract({ ...token, functionName: 'delegate', args: [me.address] }));
    assert.equal(await read('getVotes', [me.address]), supply);
    const moved = await mined(await wallet.writeContract({ ...token, functionName: 'transfer', args: [other.address, parseEther('100')] }));
    assert.equal(await read('getVotes', [me.address]), parseEther('900'));
    while ((await pub.getBlockNumber()) <= moved.blockNumber) await sleep(250);
    // Past votes, read at the blocks of the checkpoints.
    assert.equal(await read('getPastVotes', [me.address, delegated.blockNumber]), supply);
    assert.equal(await read('getPastVotes', [me.address, moved.blockNumber]), parseEther('900'));
    assert.equal(await read('getPastTotalSupply', [moved.blockNumber]), supply);

    // EIP-2612: `other` spends `me`'s tokens with `me`'s off-chain signature, bound to this chain.
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const value = parseEther('5');
    const nonce = await read('nonces', [me.address]);
    const signature = await me.signTypedData({
      domain: { name: 'Votes', version: '1', chainId: Number(ZEROG_CHAIN_ID), verifyingContract: token.address },
      types: {
        Permit: [
          { name: 'owner', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit',
      message: { owner: me.address, spender: other.address, value, nonce, deadline },
    });
    const { r, s, v } = parseSignature(signature);
    await mined(await otherWallet.writeContract({
      ...token, functionName: 'permit', args: [me.address, other.address, value, deadline, Number(v), r, s],
    }));
    assert.equal(await read('allowance', [me.address, other.address]), value);
    assert.equal(await read('nonces', [me.address]), nonce + 1n);
    // The same signature again is refused: its nonce is spent.
    await assert.rejects(
      pub.simulateContract({ ...token, account: other, functionName: 'permit', args: [me.address, other.address, value, deadline, Number(v), r, s] }),
      /ERC2612InvalidSigner|reverted/,
    );
    await mined(await otherWallet.writeContract({ ...token, functionName: 'transferFrom', args: [me.address, other.address, value] }));
    assert.equal(await read('balanceOf', [other.address]), parseEther('105'));
  });
});
