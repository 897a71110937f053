// Measures a running chain's block time and finality lag.
//
//   node tests/e2e/measure/measure-chain.mjs [ws://127.0.0.1:9944] [seconds=60]
//
// Block time: differences of consecutive on-chain timestamps (timestamp.now).
// Finality lag: for each block, the wall-clock time from when this client first saw it
// as best to when it first saw it finalized, and the best-minus-finalized height.

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const seconds = Number(process.argv[3] ?? 60);

const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
const seenBest = new Map();
const seenFinal = new Map();
const heightLag = [];
let bestNumber = 0;

const unsubNew = await api.rpc.chain.subscribeNewHeads((h) => {
  const n = h.number.toNumber();
  bestNumber = Math.max(bestNumber, n);
  if (!seenBest.has(n)) seenBest.set(n, Date.now());
});
const unsubFin = await api.rpc.chain.subscribeFinalizedHeads((h) => {
  const n = h.number.toNumber();
  const now = Date.now();
  // A finalized head finalizes every block below it too.
  for (const [b] of seenBest) if (b <= n && !seenFinal.has(b)) seenFinal.set(b, now);
  heightLag.push(bestNumber - n);
});

await new Promise((r) => setTimeout(r, seconds * 1000));
unsubNew();
unsubFin();

// What a user pays: the quoted fee of a transfer and of a 1 MiB storage submission.
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const fees = {
  transferKeepAlive: (await api.tx.balances.transferKeepAlive(alice.address, 10n ** 18n).paymentInfo(alice)).partialFee.toString(),
  storageSubmit1MiB: (await api.tx.storageMarket.submit(1 << 20, '0x' + '11'.repeat(32), '0x' + '00'.repeat(32), 1).paymentInfo(alice)).partialFee.toString(),
};

const numbers = [...seenBest.keys()].sort((a, b) => a - b);
const stamps = [];
for (const n of numbers) {
  const hash = await api.rpc.chain.getBlockHash(n);
  stamps.push((await api.query.timestamp.now.at(hash)).toNumber());
}
await api.disconnect();

const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
const lagsMs = numbers.filter((n) => seenFinal.has(n)).map((n) => seenFinal.get(n) - seenBest.get(n));
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1), p50: q(0.5), p90: q(0.9), max: s[s.length - 1] };
};
const result = {
  url,
  seconds,
  blocks: numbers.length,
  blockTimeMs: stat(intervals),
  finalityLagMs: stat(lagsMs),
  finalityLagBlocks: stat(heightLag),
  feesWei: fees,
};
console.log(JSON.stringify(result, null, 2));
