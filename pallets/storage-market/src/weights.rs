//! Weights of the storage-market calls.
//!
//! These are estimates written from each call's storage access (reads/writes priced at
//! RocksDB's weights plus a fixed compute term), not yet the output of
//! `zerog-node benchmark pallet --pallet pallet_storage_market`; `benchmarking.rs` holds
//! the benchmarks that command will run to replace them.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of the pallet.
pub trait WeightInfo {
	/// `c`: reward pools the submission may credit ([`crate::max_pools_touched`]).
	fn submit(c: u32) -> Weight;
	fn set_price() -> Weight;
	fn register_node() -> Weight;
	fn update_node() -> Weight;
	fn deregister_node() -> Weight;
	fn withdraw_bond() -> Weight;
}

/// Weights for a runtime, priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	// Reads: price, flow length, entry count, root index, 2 accounts; then one pool
	// read and write per pricing chunk credited.
	fn submit(c: u32) -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(c as u64))
			.saturating_add(T::DbWeight::get().reads_writes(6, 6))
			.saturating_add(T::DbWeight::get().reads_writes(c as u64, c as u64))
	}
	fn set_price() -> Weight {
		Weight::from_parts(8_000_000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
	// Node, node count, holds, account.
	fn register_node() -> Weight {
		Weight::from_parts(45_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn update_node() -> Weight {
		Weight::from_parts(20_000_000, 3_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn deregister_node() -> Weight {
		Weight::from_parts(20_000_000, 3_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(45_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
}

/// For tests: the same figures priced at RocksDB's weights.
impl WeightInfo for () {
	fn submit(c: u32) -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(c as u64))
			.saturating_add(RocksDbWeight::get().reads_writes(6 + c as u64, 6 + c as u64))
	}
	fn set_price() -> Weight {
		Weight::from_parts(8_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn register_node() -> Weight {
		Weight::from_parts(45_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn update_node() -> Weight {
		Weight::from_parts(20_000_000, 3_000).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn deregister_node() -> Weight {
		Weight::from_parts(20_000_000, 3_000).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(45_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
}
