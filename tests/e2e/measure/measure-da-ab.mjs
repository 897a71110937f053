// `zg da submit` of two zg builds against one chain, alternated: the A/B behind the DA
// entries of docs/performance.md. Run from tests/e2e:
//
//   ZG_A=/path/to/old/zg ZG_B=/path/to/new/zg [ROUNDS=4] [MIB=32] [DECODE=1] node measure/measure-da-ab.mjs
//
// Starts a release zerog-node --dev ($ZEROG_NODE, or the release build in
// $CARGO_TARGET_DIR, as the other measurements) and four zg-da-signer (da-network.mjs, as measure-da.mjs),
// waits for their quorum, then ROUNDS times submits a fresh random MIB file with A, then
// with B, each until confirmed. Prints one JSON line per submit: the build, the seconds
// zg reports, the wall time and zg's peak RSS (GNU time). With DECODE=1 it submits one
// blob instead, stops the signer of the quorum's first columns, and ROUNDS times
// retrieves the blob with A, then with B (every row erasure-decoded), checking each
// copy byte for byte: one JSON line per retrieve, with its wall time and peak RSS.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { rpc } from '../lib/node.mjs';
import { daNetwork } from './da-network.mjs';

const builds = [['A', process.env.ZG_A], ['B', process.env.ZG_B]];
if (builds.some(([, bin]) => !bin)) throw new Error('set ZG_A and ZG_B to the two zg binaries');
const rounds = Number(process.env.ROUNDS || 4);
const mib = Number(process.env.MIB || 32);

const { chain, work, signers, stop } = await daNetwork('zg-da-ab-');
/** Runs zg under GNU time: its parsed last stdout line, wall seconds and peak RSS. */
const run = (build, bin, args) => {
  const started = Date.now();
  const out = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', bin, '--quiet', '--chain-rpc', chain.httpUrl, ...args],
    { encoding: 'utf8' });
  const wall = (Date.now() - started) / 1000;
  if (out.status !== 0) throw new Error(`${build}: zg failed:\n${out.stdout}\n${out.stderr}`);
  return { stdout: out.stdout, wall, rssMiB: Number(/maxrss=(\d+)/.exec(out.stderr)?.[1]) / 1024 };
};
try {
  if (process.env.DECODE === '1') {
    const file = join(work, 'blob.bin');
    const data = randomBytes(mib << 20);
    writeFileSync(file, data);
    const { id, status } = JSON.parse(run('B', builds[1][1], ['da', '--json', 'submit', file]).stdout.trim().split('\n').pop());
    if (status !== 'confirmed') throw new Error(`blob ${id}: ${status}`);
    const { epoch } = await rpc(chain.httpUrl, 'da_blob', [id]);
    const q = await rpc(chain.httpUrl, 'da_quorum', [epoch]);
    await signers.find((s) => s.url === q.members[0].endpoint).kill();
    const out = join(work, 'copy.bin');
    for (let round = 1; round <= rounds; round += 1) {
      for (const [build, bin] of builds) {
        const { wall, rssMiB } = run(build, bin, ['da', 'retrieve', String(id), '-o', out]);
        if (!readFileSync(out).equals(data)) throw new Error(`${build}: the decoded copy differs`);
        console.log(JSON.stringify({ round, build, mib, decoded: true, wall, rssMiB }));
        rmSync(out);
      }
    }
  } else {
    for (let round = 1; round <= rounds; round += 1) {
      for (const [build, bin] of builds) {
        const file = join(work, 'blob.bin');
        writeFileSync(file, randomBytes(mib << 20));
        const { stdout, wall, rssMiB } = run(build, bin, ['da', '--json', 'submit', file]);
        const { status, seconds } = JSON.parse(stdout.trim().split('\n').pop());
        console.log(JSON.stringify({ round, build, mib, status, seconds, wall, rssMiB }));
        rmSync(file);
      }
    }
  }
} finally {
  await stop();
}
