// `zg da submit` of two zg builds against one chain, alternated: the A/B behind the DA
// entries of docs/performance.md. Run from tests/e2e:
//
//   ZG_A=/path/to/old/zg ZG_B=/path/to/new/zg [ROUNDS=4] [MIB=32] node measure/measure-da-ab.mjs
//
// Starts a release zerog-node --dev ($ZEROG_NODE, or the release build in
// $CARGO_TARGET_DIR, as the other measurements) and four zg-da-signer (da-network.mjs, as measure-da.mjs),
// waits for their quorum, then ROUNDS times submits a fresh random MIB file with A, then
// with B, each until confirmed. Prints one JSON line per submit: the build, the seconds
// zg reports, the wall time and zg's peak RSS (GNU time).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { daNetwork } from './da-network.mjs';

const builds = [['A', process.env.ZG_A], ['B', process.env.ZG_B]];
if (builds.some(([, bin]) => !bin)) throw new Error('set ZG_A and ZG_B to the two zg binaries');
const rounds = Number(process.env.ROUNDS || 4);
const mib = Number(process.env.MIB || 32);

const { chain, work, stop } = await daNetwork('zg-da-ab-');
try {
  for (let round = 1; round <= rounds; round += 1) {
    for (const [build, bin] of builds) {
      const file = join(work, 'blob.bin');
      writeFileSync(file, randomBytes(mib << 20));
      const started = Date.now();
      const out = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', bin, '--quiet', '--chain-rpc', chain.httpUrl,
        'da', '--json', 'submit', file], { encoding: 'utf8' });
      const wall = (Date.now() - started) / 1000;
      if (out.status !== 0) throw new Error(`${build}: zg failed:\n${out.stdout}\n${out.stderr}`);
      const { status, seconds } = JSON.parse(out.stdout.trim().split('\n').pop());
      const rssMiB = Number(/maxrss=(\d+)/.exec(out.stderr)?.[1]) / 1024;
      console.log(JSON.stringify({ round, build, mib, status, seconds, wall, rssMiB }));
      rmSync(file);
    }
  }
} finally {
  await stop();
}
