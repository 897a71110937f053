// Proof of Stake on the four-validator network, run by zombienet (`js-script` in
// 0001-network.zndsl). Two scenarios at once, each a validator's life as an operator
// lives it:
//
// join        Eve bonds, has her own node make session keys and validates at 10 %
//             commission with `zg staking`; Ferdie bonds and nominates her. She enters
//             the active set within two eras and authors finalized blocks; Ferdie's
//             payout for her first era is exactly what pallet-staking's rules give
//             (points share, commission, then stake pro rata, in Perbill arithmetic).
// equivocate  The node `twin` is given Dave's session keys, so Dave's slots get two
//             blocks. An honest node reports it with a key-ownership proof; Dave is
//             disabled at once and authors nothing more in that era (unless the report
//             lands after the era turned: pallet-staking then leaves him enabled); the
//             slash lands after the deferral, exactly the reported fraction of his own
//             stake; and finality keeps rising.
//
// `with "kill:NAME"` instead kills validator NAME with SIGKILL (kill-validator.sh) and
// checks that finality still rises by 20 blocks on every other validator.
//
// Every check reads finalized blocks. Returns 0, or throws with what failed.

const path = require('node:path');

const { check, exec, logger, sleep } = require('./util.js');

const BILLION = 1_000_000_000n;
const COMMISSION_PERCENT = 10;

/** `Perbill::from_rational(p, q)`: rounds down; one for q = 0. */
const fromRational = (p, q) => (q === 0n || p >= q ? BILLION : (p * BILLION) / q);
/** `Perbill * n`: to the nearest, a half rounded down. */
function perbillMul(parts, n) {
  const x = parts * n;
  const q = x / BILLION;
  return (x % BILLION) * 2n > BILLION ? q + 1n : q;
}

const hex = (u8) => '0x' + Buffer.from(u8).toString('hex');
const log = logger('pos');

/**
 * Follows finalized blocks in order (gaps filled) and keeps each one's author and
 * events, so every check sees the canonical chain whatever forks the twin makes.
 */
class Finalized {
  constructor(api) {
    this.api = api;
    this.next = 1;
    this.number = 0;
    this.blocks = []; // { number, hash, author, events: [{ section, method, data }] }
    this.queue = Promise.resolve();
    this.error = null;
  }

  async start() {
    this.unsub = await this.api.rpc.chain.subscribeFinalizedHeads((h) => {
      const n = h.number.toNumber();
      this.queue = this.queue.then(() => this.catchUp(n)).catch((e) => (this.error = e));
    });
  }

  async catchUp(n) {
    for (; this.next <= n; this.next++) {
      const hash = await this.api.rpc.chain.getBlockHash(this.next);
      const [header, events] = await Promise.all([
        this.api.derive.chain.getHeader(hash),
        this.api.query.system.events.at(hash),
      ]);
      this.blocks.push({
        number: this.next,
        hash,
        author: header.author?.toString(),
        events: events.map(({ event }) => ({ section: event.section, method: event.method, data: event.data })),
      });
    }
    this.number = n;
  }

  events(section, method) {
    return this.blocks.flatMap((b) =>
      b.events.filter((e) => e.section === section && e.method === method).map((e) => ({ ...e, block: b })));
  }

  /** Polls `probe` (sync, over what has been followed) until it returns a value. */
  async until(what, probe, timeoutMs) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.error) throw this.error;
      const v = probe();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (finalized #${this.number})`);
      await sleep(1000);
    }
  }

  stop() {
    this.unsub?.();
  }
}

/** Kills `victim` and waits for every other validator's finality to rise by 20 blocks. */
async function kill(nodes, victim) {
  const { ApiPromise, WsProvider } = zombie;
  const others = ['alice', 'bob', 'charlie', 'dave', 'eve'].filter((n) => n !== victim);
  const apis = await Promise.all(others.map((n) => ApiPromise.create({ provider: new WsProvider(nodes[n].wsUri), noInitWarn: true })));
  const finalized = async (a) => (await a.rpc.chain.getHeader(await a.rpc.chain.getFinalizedHead())).number.toNumber();
  try {
    const from = Math.max(...(await Promise.all(apis.map(finalized))));
    await exec(path.join(__dirname, 'kill-validator.sh'), [victim]);
    log(`${victim}: killed at finalized #${from}`);
    for (const end = Date.now() + 150_000; ; await sleep(2000)) {
      const now = await Promise.all(apis.map(finalized));
      if (now.every((n) => n >= from + 20)) {
        log(`finalized ${others.map((n, i) => `${n} #${now[i]}`).join(', ')} without ${victim}`);
        return 0;
      }
      check(Date.now() < end, `finality stalled without ${victim}: ${others.map((n, i) => `${n} #${now[i]}`).join(', ')}`);
    }
  } finally {
    await Promise.all(apis.map((a) => a.disconnect().catch(() => {})));
  }
}

async function run(_nodeName, networkInfo, args = []) {
  const { ApiPromise, WsProvider, Keyring } = zombie;
  const nodes = networkInfo.nodesByName;
  const mode = args[0] ?? 'stake';
  if (mode.startsWith('kill:')) return kill(nodes, mode.slice(5));
  check(mode === 'stake', `unknown mode ${mode}`);
  const http = (name) => nodes[name].wsUri.replace(/^ws/, 'http');
  const api = await ApiPromise.create({ provider: new WsProvider(nodes.alice.wsUri), noInitWarn: true });
  const sr = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const ed = new Keyring({ type: 'ed25519', ss58Format: 42 });
  const addr = (name) => sr.addFromUri(`//${name}`).address;
  const zg = async (args, suri, node) =>
    JSON.parse(await exec('zg', ['--quiet', 'staking', ...args, '--suri', suri, '--chain', http(node), '--json']));
  const activeEra = async () => (await api.query.staking.activeEra()).unwrap().index.toNumber();

  const chain = new Finalized(api);
  await chain.start();

  async function join() {
    const eve = addr('Eve');
    await zg(['bond', '1000'], '//Eve', 'eve');
    const keys = await zg(['set-keys'], '//Eve', 'eve');
    log(`eve: session keys ${keys.keys.slice(0, 18)}… from her node's keystore`);
    await zg(['validate', '--commission', String(COMMISSION_PERCENT)], '//Eve', 'eve');
    const e0 = await activeEra();
    await zg(['bond', '5000', '--payee', 'stash'], '//Ferdie', 'alice');
    await zg(['nominate', eve], '//Ferdie', 'alice');
    const status = await zg(['status'], '//Eve', 'eve');
    check(status.role === 'validator' && status.sessionKeys && status.commissionPercent === COMMISSION_PERCENT,
      `zg staking status for Eve: ${JSON.stringify(status)}`);
    log(`eve: validating from era ${e0}; ferdie nominates her`);

    // In the active set within two eras.
    let e1;
    for (const end = Date.now() + 300_000; ; await sleep(2000)) {
      const head = await api.rpc.chain.getFinalizedHead();
      const at = await api.at(head);
      if ((await at.query.session.validators()).map(String).includes(eve)) {
        e1 = (await at.query.staking.activeEra()).unwrap().index.toNumber();
        break;
      }
      check(Date.now() < end, 'Eve not in the active set after 300 s');
    }
    check(e1 <= e0 + 2, `Eve validates from era ${e0} but entered the set only in era ${e1}`);
    log(`eve: in the active set in era ${e1}`);
    const authored = await chain.until('a finalized block authored by Eve', () =>
      chain.blocks.find((b) => b.author === eve), 120_000);
    log(`eve: authored finalized block #${authored.number}`);

    // Her first era ends; Charlie (anyone) pays it out; Ferdie gets exactly his share.
    const exposure = (await api.query.staking.erasStakersPaged(e1, eve, 0)).unwrap();
    const ferdieStake = exposure.others.find((o) => o.who.toString() === addr('Ferdie'))?.value.toBigInt();
    check(ferdieStake !== undefined, `Ferdie not in Eve's exposure for era ${e1}`);
    for (const end = Date.now() + 200_000; (await activeEra()) <= e1; await sleep(2000)) {
      check(Date.now() < end, `era ${e1} did not end within 200 s`);
    }
    const eraPayout = (await api.query.staking.erasValidatorReward(e1)).unwrap().toBigInt();
    const points = await api.query.staking.erasRewardPoints(e1);
    let evePoints = 0n;
    for (const [who, p] of points.individual.entries()) if (who.toString() === eve) evePoints = p.toBigInt();
    const commission = (await api.query.staking.erasValidatorPrefs(e1, eve)).commission.toBigInt();
    const total = (await api.query.staking.erasStakersOverview(e1, eve)).unwrap().total.toBigInt();
    const validatorPayout = perbillMul(fromRational(evePoints, points.total.toBigInt()), eraPayout);
    const leftover = validatorPayout - perbillMul(commission, validatorPayout);
    const expected = perbillMul(fromRational(ferdieStake, total), leftover);
    check(evePoints > 0n && expected > 0n, `nothing to pay: ${evePoints} points, reward ${eraPayout}`);

    const paid = await zg(['payout', eve, '--era', String(e1)], '//Charlie', 'alice');
    check(paid.paid.length === 1 && paid.paid[0].era === e1, `payout: ${JSON.stringify(paid)}`);
    const blockHash = await api.rpc.chain.getBlockHash(paid.paid[0].block);
    const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash;
    const free = async (hash) => (await (await api.at(hash)).query.system.account(addr('Ferdie'))).data.free.toBigInt();
    const got = (await free(blockHash)) - (await free(parent));
    log(`ferdie: era ${e1} reward ${eraPayout}, Eve ${evePoints}/${points.total} points, commission ${commission} ppb, ` +
      `stake ${ferdieStake}/${total}: paid ${got}, rules give ${expected}`);
    check(got === expected, `Ferdie was paid ${got}, the rules give ${expected}`);
  }

  async function equivocate() {
    // The preset's genesis: Dave's stash and session keys are //Dave.
    const dave = addr('Dave');
    // The twin starts signing with Dave's keys: BABE picks them up at the next slot.
    const twin = await ApiPromise.create({ provider: new WsProvider(nodes.twin.wsUri), noInitWarn: true });
    await twin.rpc.author.insertKey('babe', '//Dave', hex(sr.addFromUri('//Dave').publicKey));
    await twin.rpc.author.insertKey('gran', '//Dave', hex(ed.addFromUri('//Dave').publicKey));
    await twin.disconnect();
    log('twin: holds Dave\'s session keys');

    const reported = await chain.until('a slash reported for Dave', () =>
      chain.events('staking', 'SlashReported').find((e) => e.data[0].toString() === dave), 180_000);
    const [, fraction, slashEra] = reported.data;
    const kinds = chain.events('offences', 'Offence').map((e) => Buffer.from(e.data[0]).toString('latin1').replace(/\0/g, ''));
    log(`dave: offences ${JSON.stringify(kinds)}; slash of ${fraction.toNumber() / 1e7} % reported in #${reported.block.number} for era ${slashEra}`);
    await exec(path.join(__dirname, 'kill-validator.sh'), ['twin']);

    const eraAt = async (hash) => (await (await api.at(hash)).query.staking.activeEra()).unwrap().index.toNumber();
    const reportEra = await eraAt(reported.block.hash);
    if (reportEra === slashEra.toNumber()) {
      const disabled = await chain.until('Dave disabled', () =>
        chain.events('session', 'ValidatorDisabled').find((e) => e.data[0].toString() === dave), 30_000);
      // Disabled for the rest of the era: no finalized block of his until it ends.
      const disabledEra = await eraAt(disabled.block.hash);
      const nextEra = await chain.until(`era ${disabledEra + 1}`, () =>
        chain.events('staking', 'EraPaid').find((e) => e.data[0].toNumber() === disabledEra), 150_000);
      const byDave = chain.blocks.filter((b) => b.number > disabled.block.number && b.number < nextEra.block.number && b.author === dave);
      check(byDave.length === 0, `Dave authored #${byDave.map((b) => b.number)} while disabled`);
      log(`dave: disabled in #${disabled.block.number}, authored nothing until era ${disabledEra + 1} (#${nextEra.block.number})`);
    } else {
      // The report landed after the era turned. pallet-staking disables a validator only
      // for an offence of the active era (`on_offence`), so Dave stays enabled; the slash
      // of the offence's era still comes.
      const wrongly = chain.events('session', 'ValidatorDisabled').find((e) => e.data[0].toString() === dave);
      check(!wrongly, `Dave disabled in #${wrongly?.block.number} for an offence of era ${slashEra} reported in era ${reportEra}`);
      log(`dave: offence of era ${slashEra} reported in era ${reportEra}: not disabled, as pallet-staking rules`);
    }

    // The deferred slash: the reported fraction of his own stake in the offence era.
    const own = (await api.query.staking.erasStakersOverview(slashEra, dave)).unwrap().own.toBigInt();
    const expected = perbillMul(fraction.toBigInt(), own);
    const slashed = await chain.until('Dave slashed', () =>
      chain.events('staking', 'Slashed').find((e) => e.data[0].toString() === dave), 240_000);
    const amount = slashed.data[1].toBigInt();
    const active = async (hash) => (await (await api.at(hash)).query.staking.ledger(dave)).unwrap().active.toBigInt();
    const parent = (await api.rpc.chain.getHeader(slashed.block.hash)).parentHash;
    const drop = (await active(parent)) - (await active(slashed.block.hash));
    log(`dave: slashed ${amount} in #${slashed.block.number} (era ${await eraAt(slashed.block.hash)}); ` +
      `${fraction.toNumber() / 1e7} % of own stake ${own} is ${expected}; ledger fell by ${drop}`);
    check(amount === expected, `slashed ${amount}, the rule gives ${expected}`);
    check(drop === amount, `Dave's active bond fell by ${drop}, the slash was ${amount}`);

    // Finality goes on.
    const from = chain.number;
    await chain.until(`finality past #${from + 5}`, () => chain.number >= from + 5, 60_000);
  }

  try {
    // Whichever fails first is the reason; the other is not awaited further.
    await Promise.all([join(), equivocate()]);
  } finally {
    chain.stop();
    await api.disconnect().catch(() => {});
  }
  return 0;
}

module.exports = { run };
