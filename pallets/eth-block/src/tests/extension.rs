//! The transaction extension: weight, counting, refusal, and its (empty) encoding.

use crate::{mock::*, CheckEthBlockLimit, EthTransactions, WeightInfo};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{dispatch::GetDispatchInfo, weights::Weight},
	sp_runtime::{
		traits::{DispatchTransaction, TransactionExtension, TxBaseImplication},
		transaction_validity::{InvalidTransaction, TransactionValidityError},
	},
};

/// Runs the extension as a block applies `call` (validate, then prepare).
fn apply(call: &RuntimeCall) -> Result<(), TransactionValidityError> {
	let info = call.get_dispatch_info();
	CheckEthBlockLimit::<Test>::new()
		.validate_and_prepare(RuntimeOrigin::signed(1), call, &info, 10, 0)
		.map(|_| ())
}

#[test]
fn ethereum_transactions_are_charged_the_builder_and_others_nothing() {
	ExtBuilder.build_and_execute(|| {
		let ext = CheckEthBlockLimit::<Test>::new();
		assert_eq!(
			ext.weight(&eth_call()),
			<() as WeightInfo>::note_eth_transaction().saturating_add(EthBlock::builder_charge())
		);
		assert!(ext.weight(&eth_call()).ref_time() >= 2_000_000);
		assert_eq!(ext.weight(&other_call()), Weight::zero());
	});
}

#[test]
fn the_extension_counts_ethereum_transactions_and_refuses_past_the_limit() {
	ExtBuilder.build_and_execute(|| {
		for n in 1..=MAX_ETH {
			assert_eq!(apply(&eth_call()), Ok(()));
			// Other transactions go through and are not counted, also between them.
			assert_eq!(apply(&other_call()), Ok(()));
			assert_eq!(EthTransactions::<Test>::get(), n);
		}
		assert_eq!(
			apply(&eth_call()),
			Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
		);
		// A full block still takes transactions that are not Ethereum ones.
		assert_eq!(apply(&other_call()), Ok(()));
		assert_eq!(EthTransactions::<Test>::get(), MAX_ETH);
	});
}

#[test]
fn the_pool_is_not_refused_by_a_full_block() {
	use polkadot_sdk::sp_runtime::transaction_validity::TransactionSource;
	ExtBuilder.build_and_execute(|| {
		EthTransactions::<Test>::put(MAX_ETH);
		let call = eth_call();
		let info = call.get_dispatch_info();
		// The pool checks against the state after a block; what waits for the next
		// block is only decided as a block is built.
		let validated = CheckEthBlockLimit::<Test>::new().validate(
			RuntimeOrigin::signed(1),
			&call,
			&info,
			10,
			(),
			&TxBaseImplication(()),
			TransactionSource::External,
		);
		assert!(validated.is_ok());
	});
}

#[test]
fn the_extension_is_nothing_on_the_wire() {
	ExtBuilder.build_and_execute(|| {
		let ext = CheckEthBlockLimit::<Test>::new();
		assert!(ext.encode().is_empty(), "nothing is sent");
		assert_eq!(ext.implicit(), Ok(()), "nothing is signed");
		assert_eq!(
			<CheckEthBlockLimit<Test> as TransactionExtension<RuntimeCall>>::IDENTIFIER,
			"CheckEthBlockLimit"
		);
	});
}
