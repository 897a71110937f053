// Ethereum transactions that dispatch a runtime call, against the block's weight.
//
//   node measure/measure-eth-dispatch.mjs [N] [SENDERS]     (from tests/e2e)
//
// Starts a release `zerog-node --dev`, funds SENDERS fresh Ethereum accounts, pre-signs N
// transactions to pallet-revive's runtime-pallets address whose data is the SCALE call
// `system.remark([])` (an Ethereum wallet can dispatch any runtime call this way), and
// submits them as an exchange does (four requests open per sender on WebSocket). Then it
// stops the node and executes the fullest such block again on one core
// (`benchmark block`, 10 runs) without and with the trie cache: its import time against
// the 2 s slot, and against the weight it was charged. Also says why the author ended
// each block. Needs a node built with `--features benchmark-cli` (measure-evm.mjs says how).
//
// Each Ethereum transaction passes through pallet-revive's Ethereum block builder, whose
// state is read and written whole per transaction (docs/performance.md, "Ethereum
// transactions against their weight"): this measures what that costs a full block.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { JsonRpcProvider, Wallet, keccak256, parseEther, toUtf8Bytes } from 'ethers';
import { startNode } from '../lib/node.mjs';
import { DEV_KEYS, ZEROG_CHAIN_ID } from '../lib/evm.mjs';
import {
  buildEnds, importTime, requireBenchmarkBlock, submitInOrder, waitIncluded,
} from '../lib/measure.mjs';

const N = Number(process.argv[2] ?? 8000);
const SENDERS = Number(process.argv[3] ?? 64);
/** pallet-revive's `RUNTIME_PALLETS_ADDR`: a call to it dispatches its data as a runtime call. */
const RUNTIME_PALLETS = '0x6d6f646c70792f70616464720000000000000000';

requireBenchmarkBlock();
const node = await startNode(['--dev']);
try {
  const provider = new JsonRpcProvider(node.ethUrl, undefined, { pollingInterval: 250 });
  const api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  const dev = new Wallet(DEV_KEYS[0], provider);
  while ((await provider.getBlockNumber()) < 1) await new Promise((r) => setTimeout(r, 250));
  const data = api.tx.system.remark('0x').method.toHex();

  const wallets = Array.from({ length: SENDERS },
    (_, i) => new Wallet(keccak256(toUtf8Bytes(`zerog-measure-eth-dispatch-${i}`)), provider));
  let devNonce = await provider.getTransactionCount(dev.address, 'pending');
  const funding = [];
  for (const w of wallets) {
    funding.push(await dev.sendTransaction({ to: w.address, value: parseEther('1000'), nonce: devNonce++ }));
  }
  for (const tx of funding) await tx.wait();
  const gas = await provider.estimateGas({ from: wallets[0].address, to: RUNTIME_PALLETS, data });
  const { maxFeePerGas } = await provider.getFeeData();
  const nonces = await Promise.all(wallets.map((w) => provider.getTransactionCount(w.address, 'pending')));
  const queues = wallets.map(() => []);
  for (let i = 0; i < N; i++) {
    const s = i % SENDERS;
    queues[s].push(await wallets[s].signTransaction({
      to: RUNTIME_PALLETS, data, gasLimit: gas * 2n, maxFeePerGas, maxPriorityFeePerGas: 0n,
      chainId: ZEROG_CHAIN_ID, nonce: nonces[s]++, type: 2,
    }));
  }

  const startBlock = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
  await submitInOrder(queues, node.ethUrl, node.ethUrl.replace('http:', 'ws:'), 'eth_sendRawTransaction', 4);
  const isEth = (xt) => xt.method.section === 'revive' && xt.method.method === 'ethTransact';
  const included = await waitIncluded(api, startBlock, N, isEth);
  provider.destroy();
  await api.disconnect();
  await node.halt();
  const result = {
    transactions: N,
    senders: SENDERS,
    call: data,
    gasEstimate: gas.toString(),
    perBlock: included.perBlock,
    builtUntil: buildEnds(node.log(), included),
    fullestBlock: importTime(node.basePath, included.fullest, false),
    fullestBlockTrieCache: importTime(node.basePath, included.fullest, true),
  };
  console.log(JSON.stringify(result, null, 2));
} catch (e) {
  console.error(node.logs.join('').slice(-20000));
  throw e;
} finally {
  await node.stop();
}
