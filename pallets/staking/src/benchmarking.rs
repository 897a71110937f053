//! Benchmark of the fee payout, for `zerog-node benchmark pallet`.

use super::*;
use crate::Pallet as ZgStaking;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{
		fungible::{Balanced, Inspect},
		tokens::{imbalance::Imbalance, Precision},
		Get,
	},
	sp_runtime::traits::Bounded,
};

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The payout of a block whose transactions paid fees and tips: both shares held,
	/// the author's and the treasury's accounts credited (each existing, as a validator's
	/// and the treasury's do).
	#[benchmark]
	fn pay_block_fees() {
		let author: T::AccountId = account("author", 0, 0);
		let treasury = T::TreasuryAccount::get();
		let funds = BalanceOf::<T>::max_value() / 1_000u32.into();
		for who in [&author, &treasury] {
			let _ = T::Currency::deposit(
				who,
				T::Currency::minimum_balance() * 10u32.into(),
				Precision::Exact,
			);
		}
		T::BenchmarkHelper::set_author(&author);
		let fee = T::Currency::issue(funds);
		let (to_treasury, to_author) = fee.split(funds / 5u32.into());
		ZgStaking::<T>::hold_fees(to_treasury, to_author);
		let before = T::Currency::balance(&author);

		#[block]
		{
			ZgStaking::<T>::pay_block_fees();
		}

		assert!(T::Currency::balance(&author) > before);
		assert!(!BlockFees::<T>::exists());
	}

	impl_benchmark_test_suite!(
		ZgStaking,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
