//! Benchmarks of the storage market, for `zerog-node benchmark pallet`.

use super::*;
use crate::Pallet as StorageMarket;
use alloc::vec;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{fungible::Mutate, EnsureOrigin, Get},
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_runtime::traits::Bounded,
};
use zerog_storage_primitives::MAX_FILE_SIZE;

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let _ = T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

fn endpoint<T: Config>() -> EndpointOf<T> {
	BoundedVec::try_from(vec![b'h'; T::MaxEndpointLen::get() as usize]).unwrap()
}

/// A funded account with a registered, active node of the longest endpoint.
fn registered_node<T: Config>() -> T::AccountId {
	let caller = funded::<T>("node");
	StorageMarket::<T>::register_node(
		RawOrigin::Signed(caller.clone()).into(),
		endpoint::<T>(),
		ShardConfig::FULL,
		T::MinNodeBond::get(),
	)
	.unwrap();
	caller
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// `c` pricing chunks credited: the flow ends one sector before a chunk boundary, so
	// a file of `c - 1` chunks' worth of sectors straddles `c` chunks (c = 129 is the
	// largest file, 1 TiB).
	#[benchmark]
	fn submit(c: Linear<1, MAX_POOLS_TOUCHED>) {
		let caller = funded::<T>("caller");
		PricePerSectorMonth::<T>::put(BalanceOf::<T>::from(1u32));
		FlowLength::<T>::put(SECTORS_PER_PRICING_CHUNK - 1);
		let sectors = (c as u64 - 1).max(1) * SECTORS_PER_PRICING_CHUNK;
		let size = (sectors * CHUNK_SIZE as u64).min(MAX_FILE_SIZE);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), size, [1u8; 32], [2u8; 32], 1);
		assert_eq!(EntryCount::<T>::get(), 1);
	}

	#[benchmark]
	fn set_price() -> Result<(), BenchmarkError> {
		let origin =
			T::PriceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7u32.into());
		Ok(())
	}

	#[benchmark]
	fn register_node() {
		let caller = funded::<T>("node");
		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			endpoint::<T>(),
			ShardConfig::FULL,
			T::MinNodeBond::get(),
		);
		assert!(Nodes::<T>::contains_key(caller));
	}

	#[benchmark]
	fn update_node() {
		let caller = registered_node::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), endpoint::<T>(), ShardConfig { shard_id: 1, num_shard: 2 });
	}

	#[benchmark]
	fn deregister_node() {
		let caller = registered_node::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller));
	}

	#[benchmark]
	fn withdraw_bond() {
		let caller = registered_node::<T>();
		StorageMarket::<T>::deregister_node(RawOrigin::Signed(caller.clone()).into()).unwrap();
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + T::UnbondingPeriod::get(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert!(!Nodes::<T>::contains_key(caller));
	}

	impl_benchmark_test_suite!(StorageMarket, crate::mock::new_test_ext(), crate::mock::Test);
}
