// Fails when a client crate (anything under client/) depends, directly or through other
// crates, on the runtime or on any crate under pallets/ other than a pallet's RPC crate
// (pallets/<name>/rpc, whose client half is what clients are meant to use): clients
// reach the chain through the chain client generated from metadata, and share wire
// types and runtime API declarations through primitives/ only.
// Usage: node scripts/check-client-deps.mjs  (reads `cargo metadata`)
import { execFileSync } from 'node:child_process';

const meta = JSON.parse(
	execFileSync('cargo', ['metadata', '--format-version', '1', '--locked'], {
		encoding: 'utf8',
		maxBuffer: 1 << 30,
	}),
);
const byId = new Map(meta.packages.map((p) => [p.id, p]));
const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
// Only normal and build dependencies: what the client's binaries link.
const deps = (id) =>
	(nodes.get(id)?.deps ?? [])
		.filter((d) => d.dep_kinds.some((k) => k.kind === null || k.kind === 'build'))
		.map((d) => d.pkg);
const forbidden = (p) =>
	p.name === 'zerog-runtime' ||
	(p.source === null &&
		/\/pallets\//.test(p.manifest_path) &&
		!/\/pallets\/[^/]+\/rpc\/Cargo\.toml$/.test(p.manifest_path));
const members = meta.workspace_members.map((id) => byId.get(id));
const clients = members.filter((p) => p.manifest_path.includes('/client/'));
let bad = 0;
for (const c of clients) {
	const seen = new Set();
	const stack = [[c.id, [c.name]]];
	while (stack.length) {
		const [id, path] = stack.pop();
		for (const d of deps(id)) {
			if (seen.has(d)) continue;
			seen.add(d);
			const p = byId.get(d);
			if (forbidden(p)) {
				console.error(`${c.name} depends on ${p.name}: ${[...path, p.name].join(' -> ')}`);
				bad++;
			}
			stack.push([d, [...path, p.name]]);
		}
	}
}
if (bad) process.exit(1);
console.log(`${clients.length} client crates, none depends on the runtime or a pallet crate`);
