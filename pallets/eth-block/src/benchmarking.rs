//! Benchmarks of the count and its clearing, for `zerog-node benchmark pallet`.

use super::*;
use crate::Pallet as EthBlock;
use polkadot_sdk::{frame_benchmarking::v2::*, frame_support::traits::Get};

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The block's last Ethereum transaction that fits: the count read, checked against
	/// the limit, and written.
	#[benchmark]
	fn note_eth_transaction() {
		let max = T::MaxEthTransactions::get();
		EthTransactions::<T>::put(max - 1);

		#[block]
		{
			assert_eq!(EthBlock::<T>::note_eth_transaction(), Ok(max));
		}

		assert_eq!(EthTransactions::<T>::get(), max);
	}

	/// The end of a block that held Ethereum transactions: the count removed.
	#[benchmark]
	fn clear_count() {
		EthTransactions::<T>::put(T::MaxEthTransactions::get());

		#[block]
		{
			EthBlock::<T>::clear_count();
		}

		assert!(!EthTransactions::<T>::exists());
	}

	impl_benchmark_test_suite!(EthBlock, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
