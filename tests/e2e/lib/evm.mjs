// Solidity for the EVM tests: compiled offline with solc-js, the compiler Hardhat and
// Foundry users get, from sources in this repository.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import solc from 'solc';

const CONTRACTS = resolve(import.meta.dirname, '../contracts');
const PRECOMPILES = resolve(import.meta.dirname, '../../../runtime/precompiles');
/** Published Solidity libraries (e.g. `@openzeppelin/contracts/...`), from npm. */
const NODE_MODULES = resolve(import.meta.dirname, '../node_modules');

/** The chain id of every ZeroG chain's EVM (runtime/src/configs/evm.rs). */
export const ZEROG_CHAIN_ID = 16900n;
/** Where the IZeroGChain precompile lives. */
export const ZEROG_CHAIN_ADDRESS = '0x000000000000000000000000000000000a000000';

/** Hardhat's / Anvil's first dev accounts, endowed by the dev genesis (docs/evm.md). */
export const DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
];

function findImport(path) {
  for (const dir of [CONTRACTS, PRECOMPILES, NODE_MODULES]) {
    try {
      return { contents: readFileSync(join(dir, path), 'utf8') };
    } catch {}
  }
  return { error: `not found: ${path}` };
}

/**
 * Compiles Solidity files (names relative to tests/e2e/contracts or runtime/precompiles;
 * imports may also name npm packages such as `@openzeppelin/contracts`)
 * and returns { ContractName: { abi, bytecode } }. Throws with solc's messages on error.
 */
export function compile(files) {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(files.map((f) => [f, { content: findImport(f).contents }])),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const out = {};
  for (const contracts of Object.values(output.contracts)) {
    for (const [name, c] of Object.entries(contracts)) {
      out[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
    }
  }
  return out;
}
