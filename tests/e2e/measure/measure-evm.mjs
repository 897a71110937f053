// Throughput of ERC-20 transfers through eth_sendRawTransaction next to native balance
// transfers through author_submitExtrinsic, on one dev chain in one run.
//
//   node tests/e2e/measure/measure-evm.mjs [transactions per kind, default 4000] [senders, default 16] [in flight per sender, default 1]
//
// Starts a release zerog-node --dev on free ports, deploys the ERC-20 of
// contracts/ZeroGToken.sol, funds SENDERS fresh Ethereum accounts (ZG and tokens) and
// SENDERS fresh sr25519 accounts, pre-signs N token transfers and N balance transfers
// round-robin over them, and submits as wallets do: each sender's transactions in nonce
// order, one at a time, all senders in parallel. It counts the transactions per block
// until all are included. With IN_FLIGHT above 1, each sender sends its next transaction
// before the node has answered the last, as an exchange's hot wallet does: each sender
// has a WebSocket connection of its own (HTTP/1.1 answers one request at a time per
// connection, and the node takes at most 100 connections) and keeps up to IN_FLIGHT
// requests open on it, sent in nonce order.
// Sustained TPS = transactions / (timestamp of the last block holding one - timestamp of
// the block before the first), so block production, not the submit speed, is measured
// as long as submission outpaces it (submitSeconds in the output shows that it does).
// `builtUntil` groups each kind's blocks by why the author stopped filling them (out of
// time, full, or no more transactions), from the node's log, with the author's time to
// build them per transaction they hold (`proposingUsPerTx`).
// Each kind also reports what it cost the node: its CPU time (user + system, /proc) per
// transaction from the first submission to the last inclusion, and the pool's
// validations with the runtime calls they took, and its signature checks answered from its
// cache and computed (its Prometheus counters; a node with the cache off counts none).
// Then the node is stopped and the fullest block of each kind is executed again on one
// core (`taskset -c 0 zerog-node benchmark block`, 10 runs), without the trie cache and
// with it: its import time against the 2 s slot, and against the weight it was charged.
// ZEROG_MEASURE_KEEP_DB=DIR keeps a copy of the node's database there, with the blocks.
// `benchmark block` is in node builds with the `benchmark-cli` feature (the Wasm of
// frame-benchmarking-cli's storage-access test runtime, which `benchmark block` does not
// use, is left out: its build cannot find its package in this workspace's metadata):
//   SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
//     cargo build --release -p zerog-node --features benchmark-cli
// ZEROG_MEASURE_IMPORT=0 leaves that step out, for any release node (the CI build).
import { spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, readFileSync } from 'node:fs';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { ContractFactory, JsonRpcProvider, Wallet, keccak256, parseEther, toUtf8Bytes } from 'ethers';
import { startNode } from '../lib/node.mjs';
import {
  buildEnds, importTime, requireBenchmarkBlock, submitInOrder, waitIncluded,
} from '../lib/measure.mjs';
import { DEV_KEYS, ZEROG_CHAIN_ID, compile } from '../lib/evm.mjs';

const N = Number(process.argv[2] ?? 4000);
const SENDERS = Number(process.argv[3] ?? 16);
const IN_FLIGHT = Number(process.argv[4] ?? 1);
const IMPORT = process.env.ZEROG_MEASURE_IMPORT !== '0';

// The node's CPU time so far (user + system), in ms, from /proc.
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((+fields[11] + +fields[12]) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = +(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

// The pool's validation counters from the node's Prometheus endpoint: transactions
// validated, and the runtime calls that took (a batch is one; absent on nodes that
// validate one call each).
async function validationCounters(url) {
  const text = await (await fetch(url)).text();
  const read = (name) => {
    const m = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm'));
    return m ? +m[1] : undefined;
  };
  return {
    validations: read('substrate_sub_txpool_validations_finished'),
    calls: read('zerog_txpool_validation_calls'),
    signaturesCached: read('zerog_signature_cache_hits') ?? 0,
    signaturesChecked: read('zerog_signature_cache_misses') ?? 0,
  };
}

// What a phase cost the node: CPU ms per transaction, validations per runtime call, and
// signature checks per transaction, answered from the node's cache and computed.
function phaseCost(before, after, n) {
  const validations = after.v.validations - before.v.validations;
  const calls = after.v.calls === undefined ? validations : after.v.calls - before.v.calls;
  const perTx = (k) => +((after.v[k] - before.v[k]) / n).toFixed(2);
  return {
    nodeCpuMsPerTx: +((after.cpu - before.cpu) / n).toFixed(3),
    validations,
    validationCalls: calls,
    validationsPerCall: +(validations / Math.max(calls, 1)).toFixed(1),
    signaturesCachedPerTx: perTx('signaturesCached'),
    signaturesCheckedPerTx: perTx('signaturesChecked'),
  };
}

// Extra node flags (e.g. `-ltxpool=debug`) from ZEROG_MEASURE_NODE_ARGS; the node's last
// log lines are printed if the run fails.
const extra = (process.env.ZEROG_MEASURE_NODE_ARGS ?? '').split(' ').filter(Boolean);
// The node runs with its default pool (65,536 transactions, 128 MiB): the burst must be
// held without pool flags, as a validator runs.
// Before the minutes of load: the import-time step needs `benchmark block`.
if (IMPORT) requireBenchmarkBlock();
const node = await startNode(['--dev', ...extra]);
if (process.env.ZEROG_MEASURE_NODE_LOG) {
  const log = createWriteStream(process.env.ZEROG_MEASURE_NODE_LOG);
  node.proc.stdout.pipe(log);
  node.proc.stderr.pipe(log);
}
try {
  const provider = new JsonRpcProvider(node.ethUrl, undefined, { pollingInterval: 250 });
  const api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  const dev = DEV_KEYS.map((k) => new Wallet(k, provider));
  while ((await provider.getBlockNumber()) < 1) await new Promise((r) => setTimeout(r, 250));

  const { ZeroGToken } = compile(['ZeroGToken.sol']);
  const token = await new ContractFactory(ZeroGToken.abi, ZeroGToken.bytecode, dev[0])
    .deploy('Bench', 'BNC', parseEther('1000000000'));
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();

  // Fresh senders (deterministic keys), each given ZG for gas and tokens to send.
  const wallets = Array.from({ length: SENDERS },
    (_, i) => new Wallet(keccak256(toUtf8Bytes(`zerog-measure-evm-${i}`)), provider));
  let devNonce = await provider.getTransactionCount(dev[0].address, 'pending');
  const funding = [];
  for (const w of wallets) {
    funding.push(await dev[0].sendTransaction({ to: w.address, value: parseEther('1000'), nonce: devNonce++ }));
    funding.push(await token.transfer(w.address, parseEther('1000000'), { nonce: devNonce++ }));
  }
  for (const tx of funding) await tx.wait();
  const gasLimit = (await token.transfer.estimateGas(dev[1].address, 1n)) * 2n;
  const { maxFeePerGas } = await provider.getFeeData();

  // Pre-sign N ERC-20 transfers, round-robin over the senders.
  const nonces = await Promise.all(wallets.map((w) => provider.getTransactionCount(w.address, 'pending')));
  const data = (to) => token.interface.encodeFunctionData('transfer', [to, 1n]);
  const ethQueues = wallets.map(() => []);
  for (let i = 0; i < N; i++) {
    const s = i % wallets.length;
    const to = wallets[(s + 1) % wallets.length].address;
    ethQueues[s].push(await wallets[s].signTransaction({
      to: tokenAddress, data: data(to), gasLimit, maxFeePerGas, maxPriorityFeePerGas: 0n,
      chainId: ZEROG_CHAIN_ID, nonce: nonces[s]++, type: 2,
    }));
  }
  const startBlock = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
  const snapshot = async () => ({ cpu: cpuMs(node.proc.pid), v: await validationCounters(node.promUrl) });
  const erc20Before = await snapshot();
  const t0 = Date.now();
  await submitInOrder(ethQueues, node.ethUrl, node.ethUrl.replace('http:', 'ws:'), 'eth_sendRawTransaction', IN_FLIGHT);
  const submitErc20 = (Date.now() - t0) / 1000;
  const isEth = (xt) => xt.method.section === 'revive' && xt.method.method === 'ethTransact';
  const erc20 = await waitIncluded(api, startBlock, N, isEth);
  const erc20Cost = phaseCost(erc20Before, await snapshot(), N);

  // Fresh sr25519 senders, funded by //Alice in one go.
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const signers = Array.from({ length: SENDERS }, (_, i) => keyring.addFromUri(`//Alice//measure/${i}`));
  let aliceNonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  for (const p of signers) {
    await api.tx.balances.transferKeepAlive(p.address, 1000n * 10n ** 18n).signAndSend(alice, { nonce: aliceNonce++ });
  }
  while ((await api.query.system.account(signers[SENDERS - 1].address)).data.free.isZero()) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const snonces = await Promise.all(signers.map(async (p) => (await api.rpc.system.accountNextIndex(p.address)).toNumber()));
  const nativeQueues = signers.map(() => []);
  for (let i = 0; i < N; i++) {
    const s = i % signers.length;
    const to = signers[(s + 1) % signers.length].address;
    const xt = await api.tx.balances.transferKeepAlive(to, 1n).signAsync(signers[s], { nonce: snonces[s]++, era: 0 });
    nativeQueues[s].push(xt.toHex());
  }
  const start2 = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
  const nativeBefore = await snapshot();
  const t1 = Date.now();
  await submitInOrder(nativeQueues, node.httpUrl, node.wsUrl, 'author_submitExtrinsic', IN_FLIGHT);
  const submitNative = (Date.now() - t1) / 1000;
  const isTransfer = (xt) => xt.method.section === 'balances' && xt.isSigned;
  const native = await waitIncluded(api, start2, N, isTransfer);
  const nativeCost = phaseCost(nativeBefore, await snapshot(), N);

  const tps = (r) => N / r.seconds;
  const result = {
    transactions: N,
    senders: SENDERS,
    inFlightPerSender: IN_FLIGHT,
    erc20: { tps: +tps(erc20).toFixed(1), seconds: erc20.seconds, blocks: erc20.perBlock.length, maxPerBlock: Math.max(...erc20.perBlock), submitSeconds: submitErc20, ...erc20Cost },
    native: { tps: +tps(native).toFixed(1), seconds: native.seconds, blocks: native.perBlock.length, maxPerBlock: Math.max(...native.perBlock), submitSeconds: submitNative, ...nativeCost },
    ratio: +(tps(erc20) / tps(native)).toFixed(3),
    erc20GasPerTransfer: gasLimit / 2n,
  };
  provider.destroy();
  await api.disconnect();
  // The fullest block of each kind, imported again on one core.
  await node.halt();
  // Read after the node exited, so its last log lines are flushed.
  result.erc20.builtUntil = buildEnds(node.log(), erc20);
  result.native.builtUntil = buildEnds(node.log(), native);
  // ZEROG_MEASURE_KEEP_DB=DIR keeps a copy of the chain database (for profiling a block).
  if (process.env.ZEROG_MEASURE_KEEP_DB) {
    cpSync(node.basePath, process.env.ZEROG_MEASURE_KEEP_DB, { recursive: true });
    result.keptDatabase = process.env.ZEROG_MEASURE_KEEP_DB;
  }
  for (const [kind, r] of IMPORT ? [['native', native], ['erc20', erc20]] : []) {
    for (const [name, trieCache] of [['fullestBlock', false], ['fullestBlockTrieCache', true]]) {
      result[kind][name] = importTime(node.basePath, r.fullest, trieCache);
    }
  }
  console.log(JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
} catch (e) {
  console.error(node.logs.join('').slice(-20000));
  throw e;
} finally {
  await node.stop();
}
