// Ethereum surface figures for docs/performance.md, each against a baseline measured in
// the same run:
//
//   node tests/e2e/measure/measure-eth-rpc.mjs [ERC-20 transfers in the busy block, default 400]
//
// 1. Gas: the same transactions (a ZG transfer, ERC-20 transfers to a new and to an
//    existing holder, a Uniswap V2 deployment, liquidity and swap) on a release
//    `zerog-node --dev` and on Ethereum's EVM (@ethereumjs/evm, Cancun rules: intrinsic
//    gas, calldata, execution, refunds capped at a fifth), same bytecode and arguments.
// 2. Latency of eth_getBlockReceipts and eth_getLogs on a block holding the most of N
//    ERC-20 transfers submitted at once, against eth_blockNumber (the round trip).
// 3. Memory of 1,000 idle `logs` subscriptions (8 WebSocket connections of 125, a filter
//    no contract matches), as the node's RSS before and after.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { ContractFactory, Interface, JsonRpcProvider, Wallet, keccak256, parseEther, toUtf8Bytes } from 'ethers';
import { rpc, startNode, wsClient } from '../lib/node.mjs';
import { DEV_KEYS, ZEROG_CHAIN_ID, compile } from '../lib/evm.mjs';

const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 400);
const require = createRequire(import.meta.url);
const uni = (pkg, name) => {
  const j = require(`@uniswap/${pkg}/build/${name}.json`);
  return { abi: j.abi, bytecode: j.bytecode ?? `0x${j.evm.bytecode.object}` };
};
const { ZeroGToken } = compile(['ZeroGToken.sol']);
const ARTIFACTS = {
  token: ZeroGToken,
  factory: uni('v2-core', 'UniswapV2Factory'),
  weth: uni('v2-periphery', 'WETH9'),
  router: uni('v2-periphery', 'UniswapV2Router02'),
  erc20: uni('v2-periphery', 'ERC20'),
};
const SUPPLY = parseEther('1000000');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The scenario, written once against an executor: `deploy(artifact, args)` → address,
 * `call(to, artifact, method, args)` and `send(to, value)`; each returns gas used. The
 * labelled gas figures are collected in order.
 */
async function scenario(x, me, deadline) {
  const gas = {};
  const fresh = Wallet.createRandom().address;
  gas.transferZg = await x.send(fresh, parseEther('1'));
  const token = await x.deploy('token', ['Bench', 'BNC', SUPPLY]);
  gas.erc20ToNewHolder = await x.call(token, 'token', 'transfer', [fresh, 5n]);
  gas.erc20ToHolder = await x.call(token, 'token', 'transfer', [fresh, 5n]);
  const factory = await x.deploy('factory', [me]);
  const weth = await x.deploy('weth', []);
  const router = await x.deploy('router', [factory, weth]);
  const a = await x.deploy('erc20', [SUPPLY]);
  const b = await x.deploy('erc20', [SUPPLY]);
  for (const t of [a, b]) await x.call(t, 'erc20', 'approve', [router, SUPPLY]);
  gas.addLiquidity = await x.call(router, 'router', 'addLiquidity', [a, b, parseEther('1000'), parseEther('1000'), 0, 0, me, deadline]);
  gas.swap = await x.call(router, 'router', 'swapExactTokensForTokens', [parseEther('1'), 0, [a, b], me, deadline]);
  gas.swapAgain = await x.call(router, 'router', 'swapExactTokensForTokens', [parseEther('2'), 0, [b, a], me, deadline]);
  return gas;
}

/** Ethereum's gas for the scenario, from @ethereumjs/evm with Cancun's rules. */
async function ethereumGas(me, deadline) {
  const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) });
  const caller = createAddressFromString(me.toLowerCase());
  await evm.stateManager.modifyAccountFields(caller, { balance: 10n ** 30n });
  let block = 0n;
  const intrinsic = (data, create) => {
    let g = 21_000n + (create ? 32_000n + 2n * BigInt(Math.ceil(data.length / 32)) : 0n);
    for (const byte of data) g += byte === 0 ? 4n : 16n;
    return g;
  };
  const run = async (to, data, value = 0n) => {
    const bytes = hexToBytes(data);
    const base = intrinsic(bytes, !to);
    const target = to ? createAddressFromString(to.toLowerCase()) : undefined;
    // What a transaction starts with (as @ethereumjs/vm's runTx does): a fresh journal
    // and original-storage cache, and the sender, the target and the precompiles warm.
    await evm.journal.cleanup();
    evm.stateManager.originalStorageCache.clear();
    evm.journal.addAlwaysWarmAddress(caller.toString());
    if (target) evm.journal.addAlwaysWarmAddress(target.toString());
    for (let i = 1; i <= 10; i++) evm.journal.addAlwaysWarmAddress(`0x${i.toString(16).padStart(40, '0')}`);
    // One transaction per block, 12 s apart, as on a chain whose clock moves (Uniswap
    // writes its price accumulators only when time has passed since the last trade).
    block += 1n;
    const header = {
      number: block, coinbase: createAddressFromString(`0x${'c0'.repeat(20)}`), timestamp: 1_700_000_000n + 12n * block,
      difficulty: 0n, prevRandao: new Uint8Array(32), gasLimit: 30_000_000n, baseFeePerGas: 1n,
      slotNumber: block, getBlobGasPrice: () => 1n,
    };
    evm.journal.addAlwaysWarmAddress(header.coinbase.toString());
    const result = await evm.runCall({
      block: { header }, caller, origin: caller, to: target, data: bytes, value,
      gasLimit: 30_000_000n - base, gasPrice: 1n,
    });
    if (result.execResult.exceptionError) throw new Error(`EVM: ${result.execResult.exceptionError.error}`);
    const used = base + result.execResult.executionGasUsed;
    const refund = result.execResult.gasRefund ?? 0n;
    return { gas: used - (refund < used / 5n ? refund : used / 5n), created: result.createdAddress?.toString() };
  };
  const x = {
    send: async (to, value) => (await run(to, '0x', value)).gas,
    deploy: async (name, args) => {
      const a = ARTIFACTS[name];
      const { data } = await new ContractFactory(a.abi, a.bytecode).getDeployTransaction(...args);
      return (await run(null, data)).created;
    },
    call: async (to, name, method, args) => (await run(to, new Interface(ARTIFACTS[name].abi).encodeFunctionData(method, args))).gas,
  };
  return scenario(x, me, deadline);
}

/** The node's gas for the scenario, from receipts. */
async function zerogGas(provider, wallet, deadline) {
  const x = {
    send: async (to, value) => (await (await wallet.sendTransaction({ to, value })).wait()).gasUsed,
    deploy: async (name, args) => {
      const a = ARTIFACTS[name];
      const c = await new ContractFactory(a.abi, a.bytecode, wallet).deploy(...args);
      await c.waitForDeployment();
      return c.getAddress();
    },
    call: async (to, name, method, args) => {
      const c = new ContractFactory(ARTIFACTS[name].abi, '0x', wallet).attach(to);
      return (await (await c[method](...args)).wait()).gasUsed;
    },
  };
  return scenario(x, wallet.address, deadline);
}

async function timed(fn, runs = 15) {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await fn();
    ms.push(performance.now() - t);
  }
  return { ms: +median(ms).toFixed(2), out };
}

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

// `--ethereum-only`: print the Ethereum reference figures without starting a node.
if (process.argv.includes('--ethereum-only')) {
  const me = new Wallet(DEV_KEYS[0]).address;
  const gas = await ethereumGas(me, Math.floor(Date.now() / 1000) + 3600);
  console.log(JSON.stringify(gas, (_, v) => (typeof v === 'bigint' ? Number(v) : v), 2));
  process.exit(0);
}

const node = await startNode(['--dev', '--pool-limit', '40960']);
try {
  const provider = new JsonRpcProvider(node.ethUrl, undefined, { pollingInterval: 250 });
  const dev = new Wallet(DEV_KEYS[0], provider);
  while ((await provider.getBlockNumber()) < 1) await new Promise((r) => setTimeout(r, 250));
  const deadline = Math.floor(Date.now() / 1000) + 3600;

  // 1. Gas.
  const zerog = await zerogGas(provider, dev, deadline);
  const ethereum = await ethereumGas(dev.address, deadline);
  const gas = Object.fromEntries(Object.keys(zerog).map((k) => [k, {
    zerog: Number(zerog[k]), ethereum: Number(ethereum[k]), ratio: +(Number(zerog[k]) / Number(ethereum[k])).toFixed(3),
  }]));

  // 2. A busy block: N ERC-20 transfers from 16 funded senders, submitted at once.
  const token = await new ContractFactory(ZeroGToken.abi, ZeroGToken.bytecode, dev).deploy('Busy', 'BSY', SUPPLY);
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();
  const senders = Array.from({ length: 16 }, (_, i) => new Wallet(keccak256(toUtf8Bytes(`zerog-measure-eth-rpc-${i}`)), provider));
  let nonce = await provider.getTransactionCount(dev.address, 'pending');
  const funding = [];
  for (const s of senders) {
    funding.push(await dev.sendTransaction({ to: s.address, value: parseEther('100'), nonce: nonce++ }));
    funding.push(await token.transfer(s.address, parseEther('1000'), { nonce: nonce++ }));
  }
  for (const tx of funding) await tx.wait();
  const gasLimit = (await token.transfer.estimateGas(senders[1].address, 1n)) * 2n;
  const { maxFeePerGas } = await provider.getFeeData();
  const queues = await Promise.all(senders.map(async (s, i) => {
    let n = await provider.getTransactionCount(s.address, 'pending');
    const out = [];
    for (let k = i; k < N; k += senders.length) {
      out.push(await s.signTransaction({
        to: tokenAddress, data: token.interface.encodeFunctionData('transfer', [Wallet.createRandom().address, 1n]),
        gasLimit, maxFeePerGas, maxPriorityFeePerGas: 0n, chainId: ZEROG_CHAIN_ID, nonce: n++, type: 2,
      }));
    }
    return out;
  }));
  const hashes = (await Promise.all(queues.map(async (q) => {
    const out = [];
    for (const raw of q) out.push(await rpc(node.ethUrl, 'eth_sendRawTransaction', [raw]));
    return out;
  }))).flat();
  const receipts = [];
  for (const h of hashes) receipts.push(await provider.waitForTransaction(h));
  const perBlock = new Map();
  for (const r of receipts) perBlock.set(r.blockNumber, (perBlock.get(r.blockNumber) ?? 0) + 1);
  const [busy, inBusy] = [...perBlock.entries()].sort((a, b) => b[1] - a[1])[0];
  const busyHex = `0x${busy.toString(16)}`;
  const busyHash = (await provider.getBlock(busy)).hash;
  const roundTrip = await timed(() => rpc(node.ethUrl, 'eth_blockNumber'));
  const blockReceipts = await timed(() => rpc(node.ethUrl, 'eth_getBlockReceipts', [busyHex]));
  const logsOfBlock = await timed(() => rpc(node.ethUrl, 'eth_getLogs', [{ blockHash: busyHash }]));
  const from = `0x${Math.max(0, busy - 99).toString(16)}`;
  const logsOf100 = await timed(() => rpc(node.ethUrl, 'eth_getLogs', [{ fromBlock: from, toBlock: busyHex, address: tokenAddress }]));
  const rpcFigures = {
    transfersInBlock: inBusy,
    blocksUsed: perBlock.size,
    roundTripMs: roundTrip.ms,
    getBlockReceipts: { ms: blockReceipts.ms, receipts: blockReceipts.out.length, ratio: +(blockReceipts.ms / roundTrip.ms).toFixed(1) },
    getLogsBlockHash: { ms: logsOfBlock.ms, logs: logsOfBlock.out.length, ratio: +(logsOfBlock.ms / roundTrip.ms).toFixed(1) },
    getLogs100Blocks: { ms: logsOf100.ms, logs: logsOf100.out.length, ratio: +(logsOf100.ms / roundTrip.ms).toFixed(1) },
  };

  // 3. 1,000 idle subscriptions.
  const wsUrl = node.ethUrl.replace('http', 'ws');
  const before = rssKiB(node.proc.pid);
  const sockets = [];
  let accepted = 0;
  for (let c = 0; c < 8; c++) {
    const ws = await wsClient(wsUrl);
    sockets.push(ws);
    const results = await Promise.all(Array.from({ length: 125 }, (_, i) =>
      ws.call('eth_subscribe', ['logs', { address: `0x${(c * 1000 + i + 1).toString(16).padStart(40, '0')}` }])
        .then((id) => Boolean(id), () => false)));
    accepted += results.filter(Boolean).length;
  }
  await new Promise((r) => setTimeout(r, 10_000));
  const after = rssKiB(node.proc.pid);
  for (const ws of sockets) ws.close();
  const subscriptions = {
    accepted, rssBeforeKiB: before, rssAfterKiB: after,
    perSubscriptionKiB: +((after - before) / Math.max(1, accepted)).toFixed(2),
    ratio: +(after / before).toFixed(3),
  };

  console.log(JSON.stringify({ gas, rpc: rpcFigures, subscriptions }, null, 2));
  provider.destroy();
} catch (e) {
  console.error(node.logs.join('').slice(-10000));
  throw e;
} finally {
  await node.stop();
}
