//! Provisional; `scripts/benchmark-weights.sh pallet_eth_block` writes this file.

#![allow(missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of `pallet_eth_block`.
pub trait WeightInfo {
	fn note_eth_transaction() -> Weight;
	fn clear_count() -> Weight;
}

/// Weights for a runtime, its storage reads and writes priced with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn note_eth_transaction() -> Weight {
		Weight::from_parts(0, 0)
	}
	fn clear_count() -> Weight {
		Weight::from_parts(0, 0).saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

/// The same weights priced with RocksDB's read and write weights, for mocks and tests.
impl WeightInfo for () {
	fn note_eth_transaction() -> Weight {
		Weight::from_parts(0, 0)
	}
	fn clear_count() -> Weight {
		Weight::from_parts(0, 0).saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
