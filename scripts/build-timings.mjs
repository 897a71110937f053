// Summarises cargo's `--timings` report of the last build: how long it took, how much of
// both cores it used, and the units that took longest, so a slow build (a cold one
// above all) says where its minutes went.
//
//   node scripts/build-timings.mjs [report.html] [how many units, default 12]
//
// The report defaults to $CARGO_TARGET_DIR/cargo-timings/cargo-timing.html, which
// `cargo build --timings` (scripts/common.sh, zg_build) rewrites on every build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const target = process.env.CARGO_TARGET_DIR ?? join(process.env.HOME, '.cache/zerog/target');
const file = process.argv[2] ?? join(target, 'cargo-timings', 'cargo-timing.html');
const top = Number(process.argv[3] ?? 12);

/** The JSON array that the report assigns to `name` in its script. */
function reportArray(html, name) {
  const at = html.indexOf(`const ${name} = `);
  if (at < 0) throw new Error(`${file}: no ${name} (not a cargo --timings report?)`);
  const start = html.indexOf('[', at);
  const end = html.indexOf(';\n', start);
  return JSON.parse(html.slice(start, end));
}

// The report lists every unit of the build, the fresh ones (up to date, not compiled)
// with a duration of 0: only the compiled ones are counted.
const all = reportArray(readFileSync(file, 'utf8'), 'UNIT_DATA');
const units = all.filter((u) => u.duration > 0);
if (units.length === 0) {
  console.log(`build timings: nothing was compiled (${all.length} units up to date)`);
  process.exit(0);
}
const wall = Math.max(...units.map((u) => u.start + u.duration));
const busy = units.reduce((sum, u) => sum + u.duration, 0);
const label = (u) => `${u.name} ${u.version}${u.target ? ` ${u.target.trim()}` : ''}`;
console.log(`build timings: ${units.length} units compiled (${all.length - units.length} up to date) `
  + `in ${(wall / 60).toFixed(1)} min; `
  + `${(busy / 60).toFixed(1)} min of unit time (${(busy / wall).toFixed(2)} units at once on average)`);
for (const u of [...units].sort((a, b) => b.duration - a.duration).slice(0, top)) {
  console.log(`  ${u.duration.toFixed(1).padStart(7)} s  from ${(u.start / 60).toFixed(1).padStart(5)} min  ${label(u)}`);
}
console.log(`(report: ${file})`);
