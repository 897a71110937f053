//! The count of a block's Ethereum transactions, and what each is charged.

use crate::{Config, EthTransactions, Pallet};
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError},
};

impl<T: Config> Pallet<T> {
	/// Counts one more Ethereum transaction in the current block and returns how many it
	/// now holds; refuses it with `ExhaustsResources` (it fits a later block) when the
	/// block holds [`Config::MaxEthTransactions`] already. Nothing is written then.
	pub fn note_eth_transaction() -> Result<u32, TransactionValidityError> {
		let held = EthTransactions::<T>::get();
		if held >= T::MaxEthTransactions::get() {
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		let held = held.saturating_add(1);
		EthTransactions::<T>::put(held);
		Ok(held)
	}

	/// What every Ethereum transaction is charged for the block builder: its share of the
	/// builder's cost in a block of [`Config::MaxEthTransactions`] (`C`), `k × C / 2`
	/// with `k` = [`Config::BuilderWeightPerEarlier`]. A block of `n ≤ C` makes the
	/// builder do `k × n × (n - 1) / 2`, which its transactions' `n × k × C / 2` covers.
	pub fn builder_charge() -> Weight {
		let k = T::BuilderWeightPerEarlier::get();
		let c = u64::from(T::MaxEthTransactions::get());
		Weight::from_parts(k.ref_time().saturating_mul(c) / 2, k.proof_size().saturating_mul(c) / 2)
	}

	/// Empties the count at the end of a block.
	pub(crate) fn clear_count() {
		EthTransactions::<T>::kill();
	}
}
