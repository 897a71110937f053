//! [`CheckEthBlockLimit`]: the transaction extension that counts, bounds and prices a
//! block's Ethereum transactions.

use crate::{Config, Pallet, WeightInfo};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Contains, weights::Weight, DebugNoBound, DefaultNoBound},
	sp_runtime::{
		impl_tx_ext_default,
		traits::{DispatchInfoOf, DispatchOriginOf, Dispatchable, TransactionExtension},
		transaction_validity::TransactionValidityError,
	},
};
use scale_info::TypeInfo;

/// Counts the block's Ethereum transactions as they are applied, refuses the one past
/// [`Config::MaxEthTransactions`] (`ExhaustsResources`), and charges each its share of the
/// Ethereum block builder's cost ([`Pallet::builder_charge`]) as part of its weight.
/// Other transactions pass untouched, at no weight.
///
/// It holds no data: it encodes to nothing and is signed as nothing, so adding it to a
/// runtime's extensions leaves transactions the same on the wire.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Eq,
	PartialEq,
	TypeInfo,
	DefaultNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct CheckEthBlockLimit<T>(PhantomData<T>);

impl<T> CheckEthBlockLimit<T> {
	/// The extension (it has no settings).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckEthBlockLimit<T>
where
	T::RuntimeCall: Dispatchable,
{
	const IDENTIFIER: &'static str = "CheckEthBlockLimit";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		if T::EthTransaction::contains(call) {
			T::WeightInfo::note_eth_transaction().saturating_add(Pallet::<T>::builder_charge())
		} else {
			Weight::zero()
		}
	}

	fn prepare(
		self,
		_val: Self::Val,
		_origin: &DispatchOriginOf<T::RuntimeCall>,
		call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		if T::EthTransaction::contains(call) {
			Pallet::<T>::note_eth_transaction()?;
		}
		Ok(())
	}

	// The pool validates against the state after a block, where the count is empty, so
	// there is nothing to check there: the bound applies as a block is built.
	impl_tx_ext_default!(T::RuntimeCall; validate);
}
