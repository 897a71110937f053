// Load on the four-validator network, run by zombienet (`js-script`): RATE balance
// transfers a second (1,000 by default) for SECONDS while a storage upload and a DA blob
// go through, as a busy chain sees them.
//
//   with "SECONDS,RATE"   0001-network.zndsl runs the CI version; `scripts/zombienet.sh
//                         load 30 1000` the measured one (load-testnet.toml)
//
// Before the clock starts: 64 fresh senders are funded, RATE x SECONDS transfers are
// signed (each sender's in nonce order), a storage node (`zgs-node`, registered with
// `zg storage register`) and four DA signers (`zg-da-signer`, //DaSigner1..4) are
// started and the signers' quorum is drawn. Then every 100 ms a tenth of a second's
// transfers goes to the validators' RPC servers (each sender always to the same one,
// so its nonces arrive in order), and one second in, `zg storage upload` and
// `zg da submit` start beside the load.
//
// Checks (each failure throws with what failed):
// - every submitted transfer is accepted and included (the senders' nonces on the
//   finalized chain), none dropped; one refused because its node validated it against
//   a fork it had just discarded is sent again, as a wallet would, and counted;
// - the upload completes and downloads byte for byte; the blob is confirmed;
// - finality keeps within 3 blocks of the head at every new head during the load.
// Prints one JSON line with the figures (docs/performance.md, "Under load").

const { spawn } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { check, exec, logger, sleep } = require('./util.js');

const SENDERS = 64;
const UNIT = 10n ** 18n;
const log = logger('load');
const sha = (b) => createHash('sha256').update(b).digest('hex');

// Ports below the kernel's ephemeral range, which outgoing connections cannot take
// between the probe and the daemon's bind (tests/e2e/lib/ports.mjs).
const freePort = async () => (await import('../tests/e2e/lib/ports.mjs')).freePort();

async function rpc(url, method, params = []) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await r.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function until(what, probe, timeoutMs, everyMs = 1000) {
  for (const end = Date.now() + timeoutMs; ; await sleep(everyMs)) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    check(Date.now() < end, `timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  }
}

/**
 * Each validator's transaction-pool counters, from its Prometheus endpoint: transactions
 * it dropped or found invalid, how many it re-submitted from its mempool to new views,
 * the time it spent maintaining the pool (seconds over how many blocks), the
 * transactions it validated with the runtime calls that took (a batch is one call),
 * what its journal put back in the pool after the pool dropped it, and its signature
 * checks answered from its cache, computed, and verified in batches before a peer's
 * block was imported (node/src/verify_cache.rs, node/src/preverify.rs).
 */
async function poolStats(nodes) {
  const metrics = {
    dropped: 'substrate_sub_txpool_timing_event_dropped_count',
    invalid: 'substrate_sub_txpool_timing_event_invalid_count',
    fromMempool: 'substrate_sub_txpool_submitted_from_mempool_txs_total',
    maintainSeconds: 'substrate_sub_txpool_maintain_duration_seconds_sum',
    maintains: 'substrate_sub_txpool_maintain_duration_seconds_count',
    validations: 'substrate_sub_txpool_validations_finished',
    validationCalls: 'zerog_txpool_validation_calls',
    journalReturned: 'zerog_txpool_journal_returned',
    signaturesCached: 'zerog_signature_cache_hits',
    signaturesChecked: 'zerog_signature_cache_misses',
    signaturesBatched: 'zerog_signature_cache_batched',
  };
  const stats = {};
  for (const [name, node] of Object.entries(nodes)) {
    if (!node.prometheusUri) continue;
    const text = await fetch(node.prometheusUri).then((r) => r.text()).catch(() => '');
    const of = (metric) => text.split('\n')
      .filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    stats[name] = Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, +of(m).toFixed(1)]));
  }
  return stats;
}

/** A daemon on PATH with its own directory; `stop()` ends it and removes the directory. */
function daemon(name, binary, args, dir) {
  const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const proc = spawn(binary, args, { stdio: ['ignore', out, out] });
  let exited = false;
  proc.on('exit', () => (exited = true));
  return {
    proc,
    log: () => fs.readFileSync(path.join(dir, `${name}.log`), 'utf8').split('\n').slice(-20).join('\n'),
    alive: () => !exited,
    stop: async () => {
      if (!exited) {
        proc.kill('SIGTERM');
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!exited) proc.kill('SIGKILL');
      }
    },
  };
}

async function run(_nodeName, networkInfo, args = []) {
  const { ApiPromise, WsProvider, Keyring } = zombie;
  // zombienet splits `with "A,B"` at the comma.
  const seconds = Number(args[0] ?? 10);
  const rate = Number(args[1] ?? 1000);
  check(seconds > 0 && rate > 0, `bad arguments ${args}`);
  const nodes = networkInfo.nodesByName;
  const validators = ['alice', 'bob', 'charlie', 'dave'];
  const http = (name) => nodes[name].wsUri.replace(/^ws/, 'http');
  const chainHttp = http('alice');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zerog-load-'));
  const daemons = [];
  let servicesOutcome = 'not started';
  const api = await ApiPromise.create({ provider: new WsProvider(nodes.alice.wsUri), noInitWarn: true });
  const sr = new Keyring({ type: 'sr25519', ss58Format: 42 });
  try {
    // Senders, the storage operator: funded by Alice in one go.
    const alice = sr.addFromUri('//Alice');
    const senders = Array.from({ length: SENDERS }, (_, i) => sr.addFromUri(`//Load/${i}`));
    const operator = sr.addFromUri('//Load/storage');
    let aliceNonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    for (const p of [...senders, operator]) {
      await api.tx.balances.transferKeepAlive(p.address, 10_000n * UNIT).signAndSend(alice, { nonce: aliceNonce++ });
    }

    // The services, started while the funding lands.
    const storagePort = await freePort();
    const storageNode = daemon('zgs-node', 'zgs-node', [
      '--chain', chainHttp, '--base-path', path.join(work, 'zgs'), '--listen', `127.0.0.1:${storagePort}`,
      '--shard-id', '0', '--num-shard', '1', '--poll-ms', '250', '--suri', '//Load/storage', '--no-mine',
    ], work);
    daemons.push(storageNode);
    for (let i = 1; i <= 4; i++) {
      const port = await freePort();
      daemons.push(daemon(`zg-da-signer-${i}`, 'zg-da-signer', [
        '--chain', chainHttp, '--suri', `//DaSigner${i}`, '--base-path', path.join(work, `da${i}`),
        '--listen', `127.0.0.1:${port}`, '--challenge-interval', '2', '--maintenance-interval', '2',
      ], work));
    }
    await until('the senders funded', async () => !(await api.query.system.account(operator.address)).data.free.isZero(), 60_000);
    await until('zgs-node up', async () => (await rpc(`http://127.0.0.1:${storagePort}`, 'zgs_getStatus')) !== undefined, 60_000, 250);
    await exec('zg', ['--quiet', 'storage', 'register', '--endpoint', `http://127.0.0.1:${storagePort}`, '--shard-id', '0',
      '--num-shard', '1', '--suri', '//Load/storage', '--chain', chainHttp]);
    log('storage node registered; senders funded');

    // Pre-signed transfers, round robin over the senders.
    const total = seconds * rate;
    const start = await Promise.all(senders.map(async (p) => (await api.rpc.system.accountNextIndex(p.address)).toNumber()));
    const queues = senders.map(() => []);
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const s = i % SENDERS;
      const xt = await api.tx.balances.transferKeepAlive(senders[(s + 1) % SENDERS].address, 1n)
        .signAsync(senders[s], { nonce: start[s] + queues[s].length, era: 0 });
      queues[s].push(xt.toHex());
    }
    log(`${total} transfers signed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    await until('a DA quorum of four', async () => (await rpc(chainHttp, 'da_quorum', []))?.members.length === 4, 180_000);
    const storageFile = path.join(work, 'upload.bin');
    const storageData = randomBytes(4 << 20);
    fs.writeFileSync(storageFile, storageData);
    const blobFile = path.join(work, 'blob.bin');
    fs.writeFileSync(blobFile, randomBytes(1 << 20));
    log('DA quorum of four drawn');

    // Finality against the head, at every new head on Alice.
    const gaps = {};
    let watching = true;
    const unsubHeads = await api.rpc.chain.subscribeNewHeads(async (h) => {
      if (!watching) return;
      const fin = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
      const gap = h.number.toNumber() - fin;
      gaps[gap] = (gaps[gap] ?? 0) + 1;
    });
    const maxGap = () => Math.max(...Object.keys(gaps).map(Number));
    const firstBlock = (await api.rpc.chain.getHeader()).number.toNumber();

    // The load: a tenth of a second's transfers every 100 ms, in index order, over one
    // WebSocket per validator (each sender always to the same one, so its nonces arrive
    // in order); requests are not awaited one by one, as many wallets send at once.
    const providers = await Promise.all(validators.map(async (n) => {
      const p = new WsProvider(nodes[n].wsUri);
      await p.isReady;
      return p;
    }));
    const errors = [];
    const pending = [];
    // A node may validate a transaction against a fork it has just discarded after a
    // reorganization and refuse it with that error; a wallet sends it again.
    // The pool can also refuse it that way while a view it was building at the same
    // moment kept it: the second try then answers 1013 `Transaction Already Imported`
    // (the pool holds it) or, once it is in a finalized block, 1012 `Transaction is
    // temporarily banned` (the pool bans what it has seen included). Either counts as
    // accepted; its inclusion is checked below like every other transfer's.
    let resent = 0;
    let alreadyIn = 0;
    const transient = (e) => /State already discarded|unknown Block/i.test(e.message);
    const submit = (provider, hex, again = false) => provider.send('author_submitExtrinsic', [hex]).catch((e) => {
      if (again && /^101[23]:/.test(e.message)) {
        alreadyIn += 1;
        return;
      }
      if (!transient(e) || resent >= total) throw e;
      resent += 1;
      return sleep(500).then(() => submit(provider, hex, true));
    });
    const loadStart = Date.now();
    let lagMs = 0;
    const services = sleep(1000).then(() => {
      const t = Date.now();
      const upload = exec('zg', ['--quiet', 'storage', 'upload', storageFile, '--suri', '//Load/storage', '--json', '--chain', chainHttp], { timeout: 600_000 })
        .then((out) => ({ out, seconds: (Date.now() - t) / 1000 }));
      const blob = exec('zg', ['--quiet', '--chain', chainHttp, 'da', '--json', 'submit', blobFile], { timeout: 600_000 })
        .then((out) => ({ out, seconds: (Date.now() - t) / 1000 }));
      return Promise.all([upload, blob]);
    });
    // Their outcome is reported even when a check before it fails (and a failure of
    // theirs does not end the script before the transfers are counted).
    servicesOutcome = 'still running';
    services.then(() => (servicesOutcome = 'completed'), (e) => (servicesOutcome = `failed: ${e.message}`));
    const sent = senders.map(() => 0);
    for (let tick = 0, next = 0; next < total; tick++) {
      const wait = loadStart + tick * 100 - Date.now();
      if (wait > 0) await sleep(wait);
      else lagMs = Math.max(lagMs, -wait);
      const end = Math.min(total, Math.round(((tick + 1) * rate) / 10));
      for (; next < end; next++) {
        const s = next % SENDERS;
        pending.push(submit(providers[s % providers.length], queues[s][sent[s]++]).catch((e) => errors.push(e.message)));
      }
    }
    const scheduleSeconds = (Date.now() - loadStart) / 1000;
    await Promise.all(pending);
    const submitSeconds = (Date.now() - loadStart) / 1000;
    await Promise.all(providers.map((p) => p.disconnect()));
    check(errors.length === 0, `${errors.length} transfers refused at submit, first: ${errors[0]}`);
    log(`${total} transfers sent in ${scheduleSeconds.toFixed(1)} s (largest lag behind the schedule ${lagMs} ms), ` +
      `all accepted after ${submitSeconds.toFixed(1)} s (${resent} sent again after a transient refusal, ${alreadyIn} of them already in the pool or a block)`);

    // Where transfers are missing: for each sender short of its last transfer, the first
    // one the finalized chain lacks, whether each validator's best chain holds it, how each
    // validator's pool answers it when it is sent again (1013: it holds it, 1012: it
    // banned it, a hash: it had lost it, 1010: invalid). The answers tell a transaction
    // the pools dropped from one their views refuse.
    const stranded = async (finalized) => {
      const best = await api.query.system.account.multi(senders.map((p) => p.address));
      const heads = [];
      finalized.forEach((n, s) => {
        if (n - start[s] < queues[s].length) heads.push({ s, n, best: best[s].nonce.toNumber() });
      });
      // Each validator's view of the chain: its best and finalized heights, and how many of
      // those senders are further on its own best chain than on the finalized one.
      const chains = {};
      for (const name of validators) {
        const url = http(name);
        const height = async (hash) => parseInt((await rpc(url, 'chain_getHeader', hash ? [hash] : [])).number, 16);
        const keys = heads.map(({ s }) => api.query.system.account.key(senders[s].address));
        const stored = await rpc(url, 'state_queryStorageAt', [keys]);
        const nonceOf = new Map((stored[0]?.changes ?? []).map(([k, v]) => [k, v ? api.createType('AccountInfo', v).nonce.toNumber() : 0]));
        chains[name] = {
          best: await height(), finalized: await height(await rpc(url, 'chain_getFinalizedHead')),
          furtherOnBest: heads.filter(({ s, n }, i) => (nonceOf.get(keys[i]) ?? 0) > n).length,
        };
      }
      const answers = {};
      for (const name of validators) {
        const tally = (answers[name] = {});
        for (const { s, n } of heads) {
          const answer = await rpc(http(name), 'author_submitExtrinsic', [queues[s][n - start[s]]])
            .then(() => 'accepted', (e) => (/"code":(\d+)/.exec(e.message) ?? [, 'other'])[1]);
          tally[answer] = (tally[answer] ?? 0) + 1;
        }
      }
      const origin = {};
      for (const { s } of heads) origin[validators[s % validators.length]] = (origin[validators[s % validators.length]] ?? 0) + 1;
      const aheadOnBest = heads.filter((h) => h.best > h.n).length;
      // Whether the probe itself moved them: the finalized count 30 s later.
      await sleep(30_000);
      const after = (await finalNonces()).reduce((sum, x, i) => sum + x - start[i], 0);
      return `stranded senders ${heads.length} (by the validator they send to: ${JSON.stringify(origin)}), ` +
        `${aheadOnBest} of them further on the best chain; their first missing transfer sent again, ` +
        `answers by validator: ${JSON.stringify(answers)}; chains by validator: ${JSON.stringify(chains)}; ` +
        `${after} finalized 30 s after the probe`;
    };

    // Every transfer included: the senders' nonces on the finalized chain.
    const finalNonces = async () => {
      const hash = await api.rpc.chain.getFinalizedHead();
      const at = await api.at(hash);
      const accounts = await at.query.system.account.multi(senders.map((p) => p.address));
      return accounts.map((a) => a.nonce.toNumber());
    };
    let included = 0;
    await until('every transfer finalized', async () => {
      const n = await finalNonces();
      included = n.reduce((sum, x, i) => sum + x - start[i], 0);
      return included === total;
    }, 120_000, 2000).catch(async (e) => {
      const why = await stranded(await finalNonces()).catch((d) => `(not diagnosed: ${d.message})`);
      throw new Error(`${e.message}: ${included} of ${total} finalized; ${why}`);
    });
    watching = false;
    unsubHeads();

    // Per block: how many of the load's transfers each block held, and when.
    const lastBlock = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    const perBlock = [];
    let firstTs = null;
    let lastTs = null;
    const ours = new Set(senders.map((p) => p.address));
    for (let n = firstBlock; n <= lastBlock; n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const block = await api.rpc.chain.getBlock(hash);
      const count = block.block.extrinsics.filter((x) => x.isSigned && ours.has(x.signer.toString())).length;
      if (count === 0) continue;
      perBlock.push(count);
      const at = async (h) => (await (await api.at(h)).query.timestamp.now()).toNumber();
      if (firstTs === null) firstTs = await at(block.block.header.parentHash);
      lastTs = await at(hash);
    }
    const [upload, blob] = await services;
    const blobStatus = JSON.parse(blob.out);
    console.log(JSON.stringify({
      seconds, rate, transfers: total, included,
      sustainedTps: +(total / ((lastTs - firstTs) / 1000)).toFixed(1),
      blocks: perBlock.length, maxPerBlock: Math.max(...perBlock),
      scheduleSeconds, submitSeconds, resent, alreadyIn, maxScheduleLagMs: lagMs, headsByFinalityGap: gaps,
      uploadSeconds: upload.seconds, daSubmitSeconds: blob.seconds, daStatus: blobStatus.status,
      pool: await poolStats(nodes),
    }));
    const { id: fileId } = JSON.parse(upload.out);
    const copy = path.join(work, 'download.bin');
    await exec('zg', ['--quiet', 'storage', 'download', fileId, '-o', copy, '--chain', chainHttp]);
    check(sha(fs.readFileSync(copy)) === sha(storageData), 'the downloaded file differs from the upload');
    check(blobStatus.status === 'confirmed', `DA blob ${blobStatus.id}: ${blobStatus.status}`);
    check(maxGap() <= 3, `finality fell ${maxGap()} blocks behind the head (heads by blocks behind: ${JSON.stringify(gaps)})`);
    return 0;
  } catch (e) {
    for (const d of daemons) if (!d.alive()) log(`a service exited early:\n${d.log()}`);
    log(`the validators' pools: ${JSON.stringify(await poolStats(nodes).catch(() => ({})))}`);
    log(`the storage upload and the DA blob: ${servicesOutcome}`);
    throw e;
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
    await api.disconnect().catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { run };
