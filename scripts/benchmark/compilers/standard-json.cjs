// `solc --standard-json` and `resolc --standard-json` from the npm builds of both
// compilers: solc's soljson (0.8.30) and @parity/resolc's Wasm build (0.3.0).
//
// pallet-revive-fixtures' build script, which `--features runtime-benchmarks` runs,
// calls `<compiler> --allow-paths DIR --standard-json` in the fixtures' contracts
// directory with the JSON input on stdin, and reads the JSON output from stdout. Only
// native builds of both compilers ship that interface; bin/solc and bin/resolc give it
// from npm (scripts/benchmark-weights.sh puts bin/ first on PATH).
//
//   node standard-json.cjs solc|resolc [--allow-paths DIR] --standard-json < input.json
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const [compiler, ...args] = process.argv.slice(2);
if (compiler !== 'solc' && compiler !== 'resolc') {
  console.error('usage: standard-json.cjs solc|resolc --standard-json < input.json');
  process.exit(2);
}
if (args.includes('--version')) {
  const version = compiler === 'solc' ? solc.version() : require('@parity/resolc').version();
  console.log(`${compiler} ${version}`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  console.error(`${compiler}: only --standard-json is supported here`);
  process.exit(2);
}

// Imports are read from disk: relative to the working directory, or the absolute paths
// the input's remappings name.
const readImport = (file) => {
  try {
    return { contents: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    return { error: `${file}: ${e.message}` };
  }
};
const compileSolc = (input) => JSON.parse(solc.compile(JSON.stringify(input), { import: readImport }));
const input = JSON.parse(fs.readFileSync(0, 'utf8'));

// resolc's Wasm build takes no import callback, so solc first lists every source a
// unit reaches (no output selected: it only resolves imports), and resolc gets them all.
// One unit at a time: resolc 0.3.0 predates instructions some newer fixtures use
// (SELFDESTRUCT). A unit it cannot compile is named on stderr and left out of the
// output, so its `.resolc.polkavm` fixture is missing; pallet-revive's benchmarks use
// only the Rust fixtures and solc's EVM bytecode, and its tests are not built here.
function compileResolc(input) {
  const { resolc } = require(path.join(path.dirname(require.resolve('@parity/resolc')), 'resolc'));
  const output = { contracts: {}, sources: {} };
  for (const name of Object.keys(input.sources)) {
    const reached = compileSolc({
      ...input,
      sources: { [name]: input.sources[name] },
      settings: { ...input.settings, outputSelection: {} },
    });
    const errors = (reached.errors || []).filter((e) => e.severity === 'error');
    if (errors.length > 0) {
      return { errors };
    }
    const sources = {};
    for (const file of Object.keys(reached.sources)) {
      sources[file] = input.sources[file] || { content: fs.readFileSync(file, 'utf8') };
    }
    const selection = { [name]: input.settings.outputSelection['*'] };
    try {
      const out = resolc(JSON.stringify({ ...input, sources, settings: { ...input.settings, outputSelection: selection } }));
      Object.assign(output.contracts, out.contracts);
      Object.assign(output.sources, out.sources);
    } catch (e) {
      console.error(`resolc: ${name} left out: ${String(e.message || e).split('\n')[0]}`);
    }
  }
  return output;
}

// The output goes out with no process.exit after it: exiting would cut a pipe's
// pending output at 64 KiB.
const output = compiler === 'solc' ? compileSolc(input) : compileResolc(input);
process.stdout.write(JSON.stringify(output));
