// DA end to end on this machine: `zg da submit`, `sample` and `retrieve` against a dev
// chain with four signers, for 8 MiB and 32 MiB blobs, in one run.
//
//   node tests/e2e/measure/measure-da.mjs
//
// Starts a release zerog-node --dev and four zg-da-signer (//DaSigner1..4, equal bonds,
// 32 columns each) on free ports, waits for their quorum, then for each size: writes a
// random file, submits it (commit pass, submit, encode-and-send pass, attestations, until
// confirmed), samples it to 99.9 %, retrieves it with every signer up (the systematic
// half is served: no decoding), then with the signer of columns 0..31 stopped (every row
// erasure-decoded), and checks both copies byte for byte. Prints wall times, the zg
// process's peak RSS (GNU time) and the signers' largest peak RSS (VmHWM) as JSON
// lines; the ratios 32 MiB / 8 MiB show how time and memory scale with the blob.
import { randomBytes, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { peakRssMiB } from '../lib/measure.mjs';
import { rpc } from '../lib/node.mjs';
import { zg } from '../lib/storage.mjs';
import { daNetwork } from './da-network.mjs';

/** The largest peak resident set (VmHWM, MiB) of the running signers. */
const signersPeakMiB = (signers) => Math.max(
  ...signers.filter((s) => s.proc && !s.exited).map((s) => peakRssMiB(s.proc.pid)),
);

const MiB = 1 << 20;
const sha = (b) => createHash('sha256').update(b).digest('hex');

async function timed(args) {
  const t = Date.now();
  const r = await zg(args, { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`zg ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return { seconds: (Date.now() - t) / 1000, rssMiB: r.maxRssKb ? r.maxRssKb / 1024 : null, stdout: r.stdout };
}

const { chain, work, signers, stop } = await daNetwork('zg-da-measure-');
try {
  const c = ['--chain-rpc', chain.httpUrl];
  const results = {};
  for (const mib of [8, 32]) {
    const file = join(work, `blob-${mib}.bin`);
    const data = randomBytes(mib * MiB);
    writeFileSync(file, data);
    const submit = await timed([...c, 'da', '--json', 'submit', file]);
    const { id, status } = JSON.parse(submit.stdout);
    if (status !== 'confirmed') throw new Error(`blob ${id}: ${status}`);
    const signerRssMiB = signersPeakMiB(signers);
    const sample = await timed([...c, 'da', 'sample', String(id)]);
    const out = join(work, `out-${mib}.bin`);
    const retrieve = await timed([...c, 'da', 'retrieve', String(id), '-o', out]);
    if (sha(readFileSync(out)) !== sha(data)) throw new Error('retrieved copy differs');
    const { epoch } = await rpc(chain.httpUrl, 'da_blob', [id]);
    const q = await rpc(chain.httpUrl, 'da_quorum', [epoch]);
    const first = signers.find((s) => s.url === q.members[0].endpoint);
    await first.kill();
    const decode = await timed([...c, 'da', 'retrieve', String(id), '-o', out]);
    if (sha(readFileSync(out)) !== sha(data)) throw new Error('decoded copy differs');
    await first.start();
    results[mib] = { submit, sample, retrieve, decode, signers: { rssMiB: signerRssMiB } };
    console.log(JSON.stringify({
      blobMiB: mib,
      submitSeconds: submit.seconds, submitMiBps: mib / submit.seconds, submitRssMiB: submit.rssMiB, signerRssMiB,
      sampleSeconds: sample.seconds,
      retrieveSeconds: retrieve.seconds, retrieveRssMiB: retrieve.rssMiB,
      retrieveDecodingSeconds: decode.seconds, retrieveDecodingRssMiB: decode.rssMiB,
    }));
  }
  const r = (k, f) => (results[32][k][f] / results[8][k][f]).toFixed(2);
  console.log(JSON.stringify({
    ratio32over8: {
      submitSeconds: r('submit', 'seconds'), submitRss: r('submit', 'rssMiB'),
      retrieveDecodingSeconds: r('decode', 'seconds'), retrieveDecodingRss: r('decode', 'rssMiB'),
      signerRss: r('signers', 'rssMiB'),
    },
  }));
} finally {
  await stop();
}
