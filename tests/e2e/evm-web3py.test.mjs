// End to end, EVM with a third client: web3.py's own node-conformance classes
// (EthModuleTest, NetModuleTest, Web3ModuleTest: about 200 tests that web3.py runs
// against geth) run unchanged by pytest against a real `zerog-node --dev`. The fixtures
// they need (contracts, blocks, a funded account) are made on the node by
// tests/web3py/conftest.py; the few documented differences are strict expected
// failures listed in tests/web3py/test_conformance.py.
//
// The Python environment comes from scripts/common.sh's zg_pip (ZEROG_VENV); run alone:
//   source scripts/common.sh && zg_pip && cd tests/e2e && node --test ./evm-web3py.test.mjs

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { startNode } from './lib/node.mjs';

const SUITE = resolve(import.meta.dirname, '../web3py');
const VENV = process.env.ZEROG_VENV ?? join(homedir(), '.cache/zerog/web3py-venv');

function run(cmd, args, env) {
  return new Promise((ok) => {
    const child = spawn(cmd, args, { cwd: SUITE, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => ok({ code, out }));
  });
}

describe('EVM with web3.py: its node-conformance classes', () => {
  let node;

  before(async () => {
    node = await startNode(['--dev']);
  });

  after(async () => {
    await node?.stop();
  });

  it('passes EthModuleTest, NetModuleTest and Web3ModuleTest but for the listed differences', async (t) => {
    const pytest = join(VENV, 'bin/pytest');
    assert.ok(existsSync(pytest), `${pytest} missing: run scripts/test.sh (zg_pip) first`);
    const { code, out } = await run(pytest, ['-q', '-rfE', '--tb=short'], { ZEROG_ETH_RPC: node.ethUrl });
    const summary = out.trim().split('\n').at(-1);
    t.diagnostic(summary);
    assert.equal(code, 0, `pytest failed:\n${out.slice(-20_000)}`);
    const passed = Number(/(\d+) passed/.exec(summary)?.[1] ?? 0);
    assert.ok(passed >= 150, `only ${passed} conformance tests passed: ${summary}`);
    assert.doesNotMatch(summary, /\d+ (failed|errors?|xpassed)/);
  });
});
