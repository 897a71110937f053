//! The batch APIs of the node's proposer and pool. A batch applied leaves the block
//! exactly as the extrinsics it accepted would, one call each, and a refused extrinsic
//! leaves no trace; a batch validated answers for each transaction what a call of its
//! own would, and changes nothing.

use super::{ext_from_preset, staking::start};
use crate::*;
use codec::Encode;
use polkadot_sdk::{
	frame_system,
	sp_core::{sr25519, Pair},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_io,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		generic,
		transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
		StateVersion,
	},
};
use zerog_block_builder_primitives::{
	runtime_decl_for_batch_block_builder::BatchBlockBuilderV1,
	runtime_decl_for_batch_transaction_validation::BatchTransactionValidationV1,
};

/// A transfer of `value` to Charlie from `from`'s account, signed with its key.
pub(super) fn transfer(from: &sr25519::Pair, nonce: Nonce, value: Balance) -> UncheckedExtrinsic {
	signed_as(from, from, nonce, value)
}

/// A transfer from `sender`'s account signed with `signer`'s key.
fn signed_as(
	sender: &sr25519::Pair,
	signer: &sr25519::Pair,
	nonce: Nonce,
	value: Balance,
) -> UncheckedExtrinsic {
	let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: Sr25519Keyring::Charlie.to_account_id().into(),
		value,
	});
	let extension = tx_extension(nonce, generic::Era::Immortal, 0);
	let payload = SignedPayload::new(call.clone(), extension.clone()).expect("implicit data");
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	SubstrateExtrinsic::new_signed(
		call,
		AccountId::from(sender.public()).into(),
		Signature::Sr25519(signature),
		extension,
	)
	.into()
}

/// The state root and the events after the current block's extrinsics.
fn outcome() -> (Vec<u8>, Vec<RuntimeEvent>) {
	let events = System::events().into_iter().map(|r| r.event).collect();
	(sp_io::storage::root(StateVersion::V1), events)
}

#[test]
fn a_batch_keeps_what_it_accepts_and_leaves_no_trace_of_what_it_refuses() {
	let alice = Sr25519Keyring::Alice.pair();
	let bob = Sr25519Keyring::Bob.pair();
	let dave = Sr25519Keyring::Dave.pair();
	let nobody = sr25519::Pair::from_string("//Nobody", None).expect("a dev seed");
	let mut batched_ext = ext_from_preset(DEV_RUNTIME_PRESET);
	// Signing reads the genesis hash from state, the same in both chains.
	let batch = batched_ext.execute_with(|| {
		vec![
			transfer(&alice, 0, UNIT),
			// A nonce ahead of Bob's: refused, the pool keeps it.
			transfer(&bob, 5, UNIT),
			// More than Dave has: included, its dispatch fails, the fee is paid.
			transfer(&dave, 0, 10 * genesis_config_presets::ENDOWMENT),
			transfer(&alice, 1, 2 * UNIT),
			// An account that cannot pay the fee: refused. Last, so that nothing included
			// after it overwrites what it would have left at its extrinsic index.
			transfer(&nobody, 0, UNIT),
		]
	});
	let (results, batched) = batched_ext.execute_with(|| {
		start(Sr25519Keyring::Alice);
		(Runtime::apply_extrinsics(batch.clone()), outcome())
	});

	assert_eq!(results.len(), batch.len());
	assert_eq!(results[0], Ok(Ok(())));
	assert_eq!(results[1], Err(TransactionValidityError::Invalid(InvalidTransaction::Future)));
	assert!(matches!(results[2], Ok(Err(_))), "included with a failed dispatch: {:?}", results[2]);
	assert_eq!(results[3], Ok(Ok(())));
	assert_eq!(results[4], Err(TransactionValidityError::Invalid(InvalidTransaction::Payment)));

	// The accepted ones alone, one call each, as Substrate's block builder applies them.
	let accepted = [&batch[0], &batch[2], &batch[3]];
	let one_by_one = ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		start(Sr25519Keyring::Alice);
		for xt in accepted {
			assert!(Executive::apply_extrinsic(xt.clone()).is_ok());
		}
		assert_eq!(
			frame_system::Pallet::<Runtime>::account_nonce(AccountId::from(bob.public())),
			0
		);
		outcome()
	});
	assert_eq!(batched.1, one_by_one.1, "the same events");
	assert_eq!(batched.0, one_by_one.0, "the same state: no trace of the refused extrinsics");
}

#[test]
fn a_batch_validates_each_transaction_as_a_call_of_its_own_would() {
	let alice = Sr25519Keyring::Alice.pair();
	let bob = Sr25519Keyring::Bob.pair();
	let nobody = sr25519::Pair::from_string("//Nobody", None).expect("a dev seed");
	let mut ext = ext_from_preset(DEV_RUNTIME_PRESET);
	let (transactions, genesis) = ext.execute_with(|| {
		let transactions = vec![
			(TransactionSource::External, transfer(&alice, 0, UNIT)),
			// The same nonce again: valid alone, so valid here too; only a block or the
			// pool may pick one of the two.
			(TransactionSource::Local, transfer(&alice, 0, 2 * UNIT)),
			// Ahead of Bob's nonce: valid, waiting for the nonces before it.
			(TransactionSource::External, transfer(&bob, 3, UNIT)),
			(TransactionSource::External, transfer(&nobody, 0, UNIT)),
			// Alice's transfer signed with Bob's key.
			(TransactionSource::InBlock, signed_as(&alice, &bob, 1, UNIT)),
		];
		(transactions, System::block_hash(0))
	});

	let (batched, root_before, root_after) = ext.execute_with(|| {
		let before = sp_io::storage::root(StateVersion::V1);
		let batched = Runtime::validate_transactions(transactions.clone(), genesis);
		(batched, before, sp_io::storage::root(StateVersion::V1))
	});
	assert_eq!(root_after, root_before, "validation leaves the state as it was");
	assert_eq!(batched.len(), transactions.len());

	// Each alone, on a state of its own, as the pool's single calls see it.
	let alone: Vec<_> = transactions
		.iter()
		.map(|(source, xt)| {
			ext_from_preset(DEV_RUNTIME_PRESET)
				.execute_with(|| Executive::validate_transaction(*source, xt.clone(), genesis))
		})
		.collect();
	assert_eq!(batched, alone);

	let valid = |i: usize| batched[i].clone().expect("valid");
	assert!(valid(0).requires.is_empty());
	assert_eq!(valid(0).provides, valid(1).provides, "the same nonce provides the same tag");
	assert_eq!(valid(2).requires.len(), 1, "waits for Bob's nonce 2");
	assert_eq!(batched[3], Err(TransactionValidityError::Invalid(InvalidTransaction::Payment)));
	assert_eq!(batched[4], Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof)));
}
