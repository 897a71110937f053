//! ZeroG's batched runtime calls: many extrinsics applied, or validated, in one call.
//!
//! Substrate's block builder pushes each transaction through its own runtime call
//! (`BlockBuilder_apply_extrinsic`), and its transaction pool validates each in its own
//! call (`TaggedTransactionQueue_validate_transaction`). Each call instantiates the
//! runtime afresh and resets its linear memory afterwards. On the reference machine that
//! costs about as much again as executing or validating a transfer: a block built under
//! a deadline held fewer transactions than the weight limit allows, and a burst of
//! submissions kept both cores busy validating, while importing a block, one call for
//! all its extrinsics, was twice as fast.
//!
//! - [`BatchBlockBuilder::apply_extrinsics`] applies a batch in one call. Each extrinsic
//!   runs in its own storage transaction, committed if it may be included and rolled
//!   back if not, exactly as the node's block builder wraps each single call
//!   ([`apply_each`]). The results come back in order, so the node's proposer treats
//!   each as it would the answer of a single call; the block it builds is the same one.
//! - [`BatchTransactionValidation::validate_transactions`] validates a batch in one
//!   call, each transaction in a storage transaction that is always rolled back
//!   ([`validate_each`]): each sees the state of the block it is validated at and
//!   nothing of the others, as in a call of its own. The node's pool sends the
//!   submissions that queue up while its validation threads are busy.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use sp_runtime::{
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};

sp_api::decl_runtime_apis! {
	/// Block authoring in batches, beside `sp_block_builder::BlockBuilder`.
	pub trait BatchBlockBuilder {
		/// Apply `extrinsics` in order to the block being built, each in its own storage
		/// transaction: the changes of one whose result is `Err` (it may not be included)
		/// are rolled back, the others' kept. One result per extrinsic, in order.
		fn apply_extrinsics(extrinsics: Vec<<Block as sp_runtime::traits::Block>::Extrinsic>) -> Vec<ApplyExtrinsicResult>;
	}

	/// Transaction validation in batches, beside
	/// `sp_transaction_pool::runtime_api::TaggedTransactionQueue`.
	pub trait BatchTransactionValidation {
		/// Validate each of `transactions` against the state this call runs at, whose
		/// hash is `block_hash`, as `TaggedTransactionQueue::validate_transaction` would
		/// validate it alone: each in a storage transaction that is rolled back, so
		/// none sees another's changes. One validity per transaction, in order.
		fn validate_transactions(
			transactions: Vec<(TransactionSource, <Block as sp_runtime::traits::Block>::Extrinsic)>,
			block_hash: <Block as sp_runtime::traits::Block>::Hash,
		) -> Vec<TransactionValidity>;
	}
}

/// Apply each of `extrinsics` with `apply` (the runtime's `Executive::apply_extrinsic`)
/// in a storage transaction of its own: committed when the result is `Ok` (the
/// extrinsic is in the block, whether its dispatch succeeded or not), rolled back when
/// it is `Err` (the extrinsic may not be included, and must leave no trace).
pub fn apply_each<X>(
	extrinsics: Vec<X>,
	mut apply: impl FnMut(X) -> ApplyExtrinsicResult,
) -> Vec<ApplyExtrinsicResult> {
	extrinsics
		.into_iter()
		.map(|xt| {
			sp_io::storage::start_transaction();
			let result = apply(xt);
			if result.is_ok() {
				sp_io::storage::commit_transaction();
			} else {
				sp_io::storage::rollback_transaction();
			}
			result
		})
		.collect()
}

/// Validate each of `transactions` with `validate` (the runtime's
/// `Executive::validate_transaction`) at `block_hash`, in a storage transaction of its
/// own that is always rolled back: validation initializes a block context and may write
/// while it checks, and no transaction may see what another's validation left.
pub fn validate_each<X, H: Clone>(
	transactions: Vec<(TransactionSource, X)>,
	block_hash: H,
	mut validate: impl FnMut(TransactionSource, X, H) -> TransactionValidity,
) -> Vec<TransactionValidity> {
	transactions
		.into_iter()
		.map(|(source, xt)| {
			sp_io::storage::start_transaction();
			let validity = validate(source, xt, block_hash.clone());
			sp_io::storage::rollback_transaction();
			validity
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::transaction_validity::{
		InvalidTransaction, TransactionValidityError, ValidTransaction,
	};

	/// A stand-in for `apply_extrinsic`: writes its key, then succeeds or is refused.
	fn apply((key, accept): (&'static [u8], bool)) -> ApplyExtrinsicResult {
		sp_io::storage::set(key, b"written");
		if accept {
			Ok(Ok(()))
		} else {
			Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
		}
	}

	#[test]
	fn refused_extrinsics_leave_no_trace_and_results_keep_order() {
		sp_io::TestExternalities::default().execute_with(|| {
			let results =
				apply_each(vec![(&b"a"[..], true), (&b"b"[..], false), (&b"c"[..], true)], apply);
			assert_eq!(results.len(), 3);
			assert!(results[0].is_ok());
			assert_eq!(
				results[1],
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
			);
			assert!(results[2].is_ok());
			assert_eq!(sp_io::storage::get(b"a").as_deref(), Some(&b"written"[..]));
			assert_eq!(sp_io::storage::get(b"b"), None);
			assert_eq!(sp_io::storage::get(b"c").as_deref(), Some(&b"written"[..]));
		});
	}

	#[test]
	fn a_refusal_does_not_undo_earlier_extrinsics() {
		sp_io::TestExternalities::default().execute_with(|| {
			// The same key: the second write is refused, the first stays.
			sp_io::storage::set(b"k", b"before");
			let results = apply_each(vec![(&b"k"[..], true)], apply);
			assert!(results[0].is_ok());
			let results = apply_each(vec![(&b"k"[..], false)], |(key, _)| {
				sp_io::storage::set(key, b"refused");
				Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
			});
			assert!(results[0].is_err());
			assert_eq!(sp_io::storage::get(b"k").as_deref(), Some(&b"written"[..]));
		});
	}

	/// A stand-in for `validate_transaction`: valid if nothing validated before it in the
	/// same batch left its key behind, then writes it.
	fn validate(_: TransactionSource, key: &'static [u8], hash: u8) -> TransactionValidity {
		let seen = sp_io::storage::get(key).is_some();
		sp_io::storage::set(key, b"validated");
		if seen {
			Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
		} else {
			Ok(ValidTransaction { priority: hash.into(), ..Default::default() })
		}
	}

	#[test]
	fn each_validation_sees_only_the_block_state_and_leaves_nothing() {
		sp_io::TestExternalities::default().execute_with(|| {
			sp_io::storage::set(b"in-state", b"x");
			let results = validate_each(
				vec![
					(TransactionSource::External, &b"k"[..]),
					(TransactionSource::Local, &b"k"[..]),
					(TransactionSource::InBlock, &b"in-state"[..]),
				],
				7u8,
				validate,
			);
			// The same key twice: the second does not see the first's write.
			assert_eq!(results[0].as_ref().map(|v| v.priority), Ok(7));
			assert_eq!(results[1].as_ref().map(|v| v.priority), Ok(7));
			// What the state held before is seen.
			assert_eq!(
				results[2],
				Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
			);
			assert_eq!(sp_io::storage::get(b"k"), None);
			assert_eq!(sp_io::storage::get(b"in-state").as_deref(), Some(&b"x"[..]));
		});
	}
}
