// End to end, contracts that size gas in Ethereum's units: a contract budgeting with
// `gasleft()` and call stipends, and ERC-4337 account abstraction with the published
// EntryPoint v0.8 and SimpleAccountFactory artifacts (@account-abstraction/contracts),
// driven by ethers v6 against a real `zerog-node --dev`. A user operation carries its
// own gas limits (verification, call, pre-verification) in Ethereum gas, enforced by
// the EntryPoint with `gasleft()` and `call{gas: …}`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  Contract, ContractFactory, JsonRpcProvider, Wallet, ZeroAddress, concat, parseEther, toBeHex,
  zeroPadValue,
} from 'ethers';
import { startNode } from './lib/node.mjs';
import { DEV_KEYS, compile } from './lib/evm.mjs';

const require = createRequire(import.meta.url);
const artifact = (name) => require(`@account-abstraction/contracts/artifacts/${name}.json`);

/** Two 128-bit numbers in one bytes32, as PackedUserOperation packs gas fields. */
const pack128 = (high, low) => zeroPadValue(toBeHex((BigInt(high) << 128n) | BigInt(low)), 32);

describe('EVM: gasleft() budgets and ERC-4337 EntryPoint v0.8 with Ethereum-sized gas', () => {
  let node, provider, bundler;

  before(async () => {
    node = await startNode(['--dev']);
    provider = new JsonRpcProvider(node.ethUrl, undefined, { pollingInterval: 250 });
    bundler = new Wallet(DEV_KEYS[0], provider);
    while ((await provider.getBlockNumber()) < 1) await new Promise((r) => setTimeout(r, 250));
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  const mined = async (txPromise) => {
    const receipt = await (await txPromise).wait();
    assert.equal(receipt.status, 1);
    return receipt;
  };

  it('gives contracts Ethereum-sized gasleft() and honours call stipends', async (t) => {
    const { GasMeter } = compile(['GasMeter.sol']);
    const meter = await new ContractFactory(GasMeter.abi, GasMeter.bytecode, bundler).deploy();
    await meter.waitForDeployment();

    // A transaction with a 200,000 gas limit enters the contract with a little under
    // 200,000 left (geth: limit - 21,000 intrinsic - calldata), never more.
    const receipt = await mined(meter.burn(3, { gasLimit: 200_000 }));
    const start = await meter.lastStart();
    const used = await meter.lastUsed();
    assert.ok(start < 200_000n && start > 170_000n, `gasleft() at entry ${start}`);
    // Three fresh storage slots cost 3 × 22,100 gas on Ethereum; here their weight and
    // deposits, which must be charged and stay within the same order of magnitude.
    assert.ok(used > 5_000n && used < 150_000n, `three slot writes used ${used}`);
    assert.ok(receipt.gasUsed <= 200_000n);
    t.diagnostic(`gasleft() at entry ${start} of 200,000; three slot writes ${used}; tx ${receipt.gasUsed}`);

    // A 100,000 gas stipend is enough for 20 hashes, 1,000 is not: the inner call fails
    // with out-of-gas and the outer one goes on, as on Ethereum.
    await mined(meter.callWithStipend(100_000, 20, { gasLimit: 400_000 }));
    assert.equal(await meter.lastInnerOk(), true, 'work(20) fits in a 100,000 stipend');
    await mined(meter.callWithStipend(1_000, 20, { gasLimit: 400_000 }));
    assert.equal(await meter.lastInnerOk(), false, 'work(20) does not fit in 1,000 gas');

    // Too small a limit for the whole transaction is an out-of-gas failure, not a hang.
    const low = await meter.burn(50, { gasLimit: 60_000 }).catch((e) => e);
    const failed = low instanceof Error ? low : await low.wait().catch((e) => e);
    assert.ok(failed instanceof Error || failed.status === 0, 'out of gas is reported');
  });

  it('runs a user operation through EntryPoint v0.8: deploys the account, pays, refunds', async (t) => {
    const ep = artifact('EntryPoint');
    const entryPoint = await new ContractFactory(ep.abi, ep.bytecode, bundler).deploy();
    await entryPoint.waitForDeployment();
    const fa = artifact('SimpleAccountFactory');
    const factory = await new ContractFactory(fa.abi, fa.bytecode, bundler)
      .deploy(await entryPoint.getAddress());
    await factory.waitForDeployment();
    const account = new Contract(ZeroAddress, artifact('SimpleAccount').abi, provider);

    // A fresh owner key that never holds ZG: the account pays for itself.
    const owner = Wallet.createRandom();
    const salt = 7n;
    const sender = await factory['getAddress(address,uint256)'](owner.address, salt);
    assert.equal(await provider.getCode(sender), '0x', 'the account does not exist yet');
    await mined(bundler.sendTransaction({ to: sender, value: parseEther('2') }));

    const recipient = Wallet.createRandom().address;
    const initCode = concat([
      await factory.getAddress(),
      factory.interface.encodeFunctionData('createAccount', [owner.address, salt]),
    ]);
    const callData = account.interface.encodeFunctionData('execute', [recipient, parseEther('0.5'), '0x']);
    const fee = (await provider.getFeeData()).gasPrice;
    // Limits a bundler would give on Ethereum: deploying a proxy account and checking a
    // signature fits in 500,000 verification gas, a plain transfer in 100,000.
    const op = {
      sender,
      nonce: await entryPoint.getNonce(sender, 0),
      initCode,
      callData,
      accountGasLimits: pack128(500_000, 100_000),
      preVerificationGas: 60_000n,
      gasFees: pack128(0, fee),
      paymasterAndData: '0x',
      signature: '0x',
    };
    const hash = await entryPoint.getUserOpHash(op);
    op.signature = owner.signingKey.sign(hash).serialized;

    const beneficiary = Wallet.createRandom().address;
    const receipt = await mined(entryPoint.handleOps([op], beneficiary, { gasLimit: 2_000_000 }));

    const events = receipt.logs
      .map((l) => { try { return entryPoint.interface.parseLog(l); } catch { return null; } })
      .filter(Boolean);
    const names = events.map((e) => e.name);
    assert.ok(names.includes('AccountDeployed'), `events: ${names}`);
    const done = events.find((e) => e.name === 'UserOperationEvent');
    assert.ok(done, `events: ${names}`);
    assert.equal(done.args.userOpHash, hash);
    assert.equal(done.args.sender, sender);
    assert.equal(done.args.success, true, 'the account\'s call succeeded');
    // The operation's cost in Ethereum gas units, priced at the chain's gas price.
    assert.ok(done.args.actualGasUsed > 60_000n && done.args.actualGasUsed < 700_000n,
      `actualGasUsed ${done.args.actualGasUsed}`);
    assert.equal(done.args.actualGasCost, done.args.actualGasUsed * fee);
    t.diagnostic(`user operation: actualGasUsed ${done.args.actualGasUsed}, handleOps tx ${receipt.gasUsed}`);

    assert.notEqual(await provider.getCode(sender), '0x', 'the account was deployed');
    assert.equal(await provider.getBalance(recipient), parseEther('0.5'));
    assert.equal(await provider.getBalance(beneficiary), done.args.actualGasCost,
      'the bundler\'s beneficiary is paid the operation\'s cost');
    assert.equal(await entryPoint.getNonce(sender, 0), 1n);

    // The same operation again is refused: its nonce is spent.
    const replay = await entryPoint.handleOps.staticCall([op], beneficiary).catch((e) => e);
    assert.ok(replay instanceof Error, 'a replayed user operation is refused');
    assert.match(`${replay.message} ${replay.data ?? ''}`, /AA25|FailedOp|0x220266b6/);

    // A signature by another key is refused in verification (AA24).
    const forged = { ...op, initCode: '0x', nonce: 1n, signature: '0x' };
    const forgedHash = await entryPoint.getUserOpHash(forged);
    forged.signature = Wallet.createRandom().signingKey.sign(forgedHash).serialized;
    const refused = await entryPoint.handleOps.staticCall([forged], beneficiary).catch((e) => e);
    assert.ok(refused instanceof Error, 'a wrongly signed user operation is refused');
    const decoded = entryPoint.interface.parseError(refused.data);
    assert.equal(decoded?.name, 'FailedOp');
    assert.match(decoded.args.reason, /AA24/);
  });
});
