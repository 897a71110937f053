//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::{Config, EthTransactions, Pallet};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get},
	sp_runtime::TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// The invariant that holds at any point of a block: it never holds more Ethereum
	/// transactions than [`Config::MaxEthTransactions`].
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		ensure!(
			EthTransactions::<T>::get() <= T::MaxEthTransactions::get(),
			"a block holds more Ethereum transactions than its limit"
		);
		Ok(())
	}

	/// The invariants between blocks, where `try_state` runs: the one above, and no count
	/// left in the state once a block is finalized.
	pub fn do_try_state_between_blocks() -> Result<(), TryRuntimeError> {
		Self::do_try_state()?;
		ensure!(
			!EthTransactions::<T>::exists(),
			"the Ethereum transaction count outlived its block"
		);
		Ok(())
	}
}
