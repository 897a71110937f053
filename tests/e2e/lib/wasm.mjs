// Where the build put the runtime blob built with `next-spec-version` (spec_version + 1),
// the upgrade that the forkless-upgrade test submits.

import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function upgradeWasmPath() {
  if (process.env.ZEROG_UPGRADE_WASM) return process.env.ZEROG_UPGRADE_WASM;
  const targets = [process.env.CARGO_TARGET_DIR, resolve(import.meta.dirname, '../../../target')].filter(Boolean);
  for (const t of targets) {
    const dir = join(t, 'release', 'wbuild', 'zerog-runtime');
    if (!existsSync(dir)) continue;
    const f = readdirSync(dir).find((n) => n.includes('next_spec_version') && n.endsWith('.compact.compressed.wasm'));
    if (f) return join(dir, f);
  }
  throw new Error('the next-spec-version runtime blob was not found: build with scripts/test.sh or set ZEROG_UPGRADE_WASM');
}
