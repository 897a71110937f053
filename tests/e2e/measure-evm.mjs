// Throughput of ERC-20 transfers through eth_sendRawTransaction next to native balance
// transfers through author_submitExtrinsic, on one dev chain in one run.
//
//   node tests/e2e/measure-evm.mjs [transactions per kind, default 2000]
//
// Starts a release zerog-node --dev on free ports, deploys the ERC-20 of
// contracts/ZeroGToken.sol, pre-signs N token transfers (from the four Ethereum dev
// accounts) and N balance transfers (from //Alice..//Dave), submits each batch as fast as
// the RPC takes it, and counts the transactions per block until all are included.
// Sustained TPS = transactions / (timestamp of the last block holding one - timestamp of
// the block before the first), so the 2 s block time, not the submit speed, is measured.

import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { ContractFactory, JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { rpc, startNode } from './lib/node.mjs';
import { DEV_KEYS, ZEROG_CHAIN_ID, compile } from './lib/evm.mjs';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 64;

async function pool(items, fn) {
  let next = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

/** Waits until `count` matching extrinsics are included; returns the blocks' timestamps. */
async function waitIncluded(api, fromBlock, count, isOurs) {
  let seen = 0;
  let number = fromBlock;
  let first = null;
  let last = null;
  const perBlock = [];
  while (seen < count) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    if (number > best) { await new Promise((r) => setTimeout(r, 200)); continue; }
    const hash = await api.rpc.chain.getBlockHash(number);
    const block = await api.rpc.chain.getBlock(hash);
    const at = await api.at(hash);
    const now = (await at.query.timestamp.now()).toNumber();
    const ours = block.block.extrinsics.filter(isOurs).length;
    if (ours > 0) {
      if (first === null) {
        const parent = await api.at(block.block.header.parentHash);
        first = (await parent.query.timestamp.now()).toNumber();
      }
      last = now;
      perBlock.push(ours);
    }
    seen += ours;
    number += 1;
  }
  return { seconds: (last - first) / 1000, perBlock, nextBlock: number };
}

const node = await startNode(['--dev']);
try {
  const provider = new JsonRpcProvider(node.ethUrl, undefined, { pollingInterval: 250 });
  const api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  const wallets = DEV_KEYS.map((k) => new Wallet(k, provider));
  while ((await provider.getBlockNumber()) < 1) await new Promise((r) => setTimeout(r, 250));

  const { ZeroGToken } = compile(['ZeroGToken.sol']);
  const token = await new ContractFactory(ZeroGToken.abi, ZeroGToken.bytecode, wallets[0])
    .deploy('Bench', 'BNC', parseEther('1000000000'));
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();
  // Give every sender tokens, and every recipient a balance slot already.
  for (const w of wallets.slice(1)) await (await token.transfer(w.address, parseEther('1000000'))).wait();
  const gasLimit = (await token.transfer.estimateGas(wallets[1].address, 1n)) * 2n;
  const { maxFeePerGas } = await provider.getFeeData();

  // Pre-sign N ERC-20 transfers, round-robin over the senders.
  const nonces = await Promise.all(wallets.map((w) => provider.getTransactionCount(w.address, 'pending')));
  const data = (to) => token.interface.encodeFunctionData('transfer', [to, 1n]);
  const raws = [];
  for (let i = 0; i < N; i++) {
    const s = i % wallets.length;
    const to = wallets[(s + 1) % wallets.length].address;
    raws.push(await wallets[s].signTransaction({
      to: tokenAddress, data: data(to), gasLimit, maxFeePerGas, maxPriorityFeePerGas: 0n,
      chainId: ZEROG_CHAIN_ID, nonce: nonces[s]++, type: 2,
    }));
  }
  const startBlock = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
  const t0 = Date.now();
  await pool(raws, (raw) => rpc(node.ethUrl, 'eth_sendRawTransaction', [raw]));
  const submitErc20 = (Date.now() - t0) / 1000;
  const isEth = (xt) => xt.method.section === 'revive' && xt.method.method === 'ethTransact';
  const erc20 = await waitIncluded(api, startBlock, N, isEth);

  // Pre-sign N native transfers from //Alice..//Dave.
  const keyring = new Keyring({ type: 'sr25519' });
  const signers = ['//Alice', '//Bob', '//Charlie', '//Dave'].map((s) => keyring.addFromUri(s));
  const snonces = await Promise.all(signers.map(async (p) => (await api.rpc.system.accountNextIndex(p.address)).toNumber()));
  const xts = [];
  for (let i = 0; i < N; i++) {
    const s = i % signers.length;
    const to = signers[(s + 1) % signers.length].address;
    const xt = await api.tx.balances.transferKeepAlive(to, 1n).signAsync(signers[s], { nonce: snonces[s]++, era: 0 });
    xts.push(xt.toHex());
  }
  const start2 = erc20.nextBlock;
  const t1 = Date.now();
  await pool(xts, (hex) => rpc(node.httpUrl, 'author_submitExtrinsic', [hex]));
  const submitNative = (Date.now() - t1) / 1000;
  const isTransfer = (xt) => xt.method.section === 'balances' && xt.isSigned;
  const native = await waitIncluded(api, start2, N, isTransfer);

  const tps = (r) => N / r.seconds;
  const result = {
    transactions: N,
    erc20: { tps: +tps(erc20).toFixed(1), seconds: erc20.seconds, blocks: erc20.perBlock.length, maxPerBlock: Math.max(...erc20.perBlock), submitSeconds: submitErc20 },
    native: { tps: +tps(native).toFixed(1), seconds: native.seconds, blocks: native.perBlock.length, maxPerBlock: Math.max(...native.perBlock), submitSeconds: submitNative },
    ratio: +(tps(erc20) / tps(native)).toFixed(3),
    erc20GasPerTransfer: gasLimit / 2n,
  };
  console.log(JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
  provider.destroy();
  await api.disconnect();
} finally {
  await node.stop();
}
