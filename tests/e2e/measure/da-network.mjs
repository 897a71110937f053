// The network the DA measurements run against: a release zerog-node --dev ($ZEROG_NODE,
// or the release build in $CARGO_TARGET_DIR) and four zg-da-signer (//DaSigner1..4,
// equal bonds, 32 columns each) on free ports, with their quorum drawn, and a scratch
// directory. `stop()` ends them all and removes the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { rpc, startNode } from '../lib/node.mjs';
import { daSigner } from '../lib/da.mjs';

export async function daNetwork(scratchPrefix) {
  const chain = await startNode(['--dev']);
  const work = mkdtempSync(join(tmpdir(), scratchPrefix));
  const signers = [];
  const stop = async () => {
    for (const s of signers) await s.cleanup();
    await chain.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= 4; i += 1) signers.push(await daSigner({ chainHttp: chain.httpUrl, index: i }));
    await Promise.all(signers.map((s) => s.start()));
    while ((await rpc(chain.httpUrl, 'da_quorum', []))?.members.length !== 4) {
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { chain, work, signers, stop };
}
