//! ZeroG block authoring: apply many extrinsics in one runtime call.
//!
//! Substrate's block builder pushes each transaction through its own runtime call
//! (`BlockBuilder_apply_extrinsic`), and each call instantiates the runtime afresh and
//! resets its linear memory afterwards. On the reference machine that costs the author
//! about as much again as executing a transfer, so a block built under a deadline held
//! fewer transactions than the weight limit allows, while importing the same block,
//! one call for all its extrinsics, was twice as fast.
//!
//! [`BatchBlockBuilder::apply_extrinsics`] applies a batch in one call. Each extrinsic
//! runs in its own storage transaction, committed if it may be included and rolled
//! back if not, exactly as the node's block builder wraps each single call
//! ([`apply_each`]). The results come back in order, so the node's proposer treats
//! each as it would the answer of a single call; the block it builds is the same one.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use sp_runtime::ApplyExtrinsicResult;

sp_api::decl_runtime_apis! {
	/// Block authoring in batches, beside `sp_block_builder::BlockBuilder`.
	pub trait BatchBlockBuilder {
		/// Apply `extrinsics` in order to the block being built, each in its own storage
		/// transaction: the changes of one whose result is `Err` (it may not be included)
		/// are rolled back, the others' kept. One result per extrinsic, in order.
		fn apply_extrinsics(extrinsics: Vec<<Block as sp_runtime::traits::Block>::Extrinsic>) -> Vec<ApplyExtrinsicResult>;
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

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

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
}
