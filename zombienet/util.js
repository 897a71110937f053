// Helpers shared by the zombienet js-scripts (pos.js, load.js).

const { execFile } = require('node:child_process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A logger whose lines carry `tag` and the time. */
const logger = (tag) => (...a) => console.log(`    [${tag} ${new Date().toISOString().slice(11, 19)}]`, ...a);

function check(cond, what) {
  if (!cond) throw new Error(what);
}

/** Runs a program (3 minutes at most by default); resolves with stdout, rejects with its stderr. */
function exec(cmd, args, opts = {}) {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { timeout: 180_000, maxBuffer: 16 << 20, ...opts }, (e, stdout, stderr) => {
      if (e) fail(new Error(`${cmd} ${args.join(' ')}: ${stderr || e.message}`));
      else ok(stdout);
    });
  });
}

module.exports = { check, exec, logger, sleep };
