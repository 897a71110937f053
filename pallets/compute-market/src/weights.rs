//! Weights of the compute market's calls.
//!
//! Placeholder figures until `scripts/benchmark-weights.sh` regenerates this file from
//! `zerog-node benchmark pallet --pallet pallet_compute_market` (the benchmarks are in
//! `benchmarking.rs` and run as tests): each call is priced at its database reads and
//! writes plus a ref time that over-estimates the storage market's measured calls of the
//! same shape; `settle` adds one sr25519 verification (about 60 µs) per receipt.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for the compute market.
pub trait WeightInfo {
	fn register_service() -> Weight;
	fn update_service() -> Weight;
	fn retire_service() -> Weight;
	fn withdraw_bond() -> Weight;
	fn deposit() -> Weight;
	fn withdraw() -> Weight;
	fn fund() -> Weight;
	fn request_refund() -> Weight;
	fn complete_refund() -> Weight;
	fn settle(n: u32) -> Weight;
	fn dispute() -> Weight;
	fn reap_receipt() -> Weight;
}

/// Weights for the compute market on a runtime's database.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_service() -> Weight {
		Weight::from_parts(120_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(4, 5))
	}
	fn update_service() -> Weight {
		Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn retire_service() -> Weight {
		Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(120_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn deposit() -> Weight {
		Weight::from_parts(120_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(120_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn fund() -> Weight {
		Weight::from_parts(50_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 2))
	}
	fn request_refund() -> Weight {
		Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn complete_refund() -> Weight {
		Weight::from_parts(50_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn settle(n: u32) -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(Weight::from_parts(200_000_000, 8_000).saturating_mul(n as u64))
			.saturating_add(T::DbWeight::get().reads_writes(5, 5).saturating_mul(n as u64))
	}
	fn dispute() -> Weight {
		Weight::from_parts(350_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(6, 4))
	}
	fn reap_receipt() -> Weight {
		Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(1, 2))
	}
}

/// For tests: the same figures on the RocksDB weights.
impl WeightInfo for () {
	fn register_service() -> Weight { RocksDbWeight::get().reads_writes(4, 5) }
	fn update_service() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn retire_service() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn withdraw_bond() -> Weight { RocksDbWeight::get().reads_writes(4, 4) }
	fn deposit() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn withdraw() -> Weight { RocksDbWeight::get().reads_writes(3, 3) }
	fn fund() -> Weight { RocksDbWeight::get().reads_writes(3, 2) }
	fn request_refund() -> Weight { RocksDbWeight::get().reads_writes(1, 1) }
	fn complete_refund() -> Weight { RocksDbWeight::get().reads_writes(2, 2) }
	fn settle(n: u32) -> Weight { RocksDbWeight::get().reads_writes(5, 5).saturating_mul(n as u64) }
	fn dispute() -> Weight { RocksDbWeight::get().reads_writes(6, 4) }
	fn reap_receipt() -> Weight { RocksDbWeight::get().reads_writes(1, 2) }
}
