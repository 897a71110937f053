//! Weights of the DA-commitments calls.
//!
//! Estimates until this pallet joins the runtime and `scripts/benchmark-weights.sh`
//! measures it: each call is priced at its database reads and writes plus a ref time
//! above the storage market's measured calls of the same shape; `attest` adds one
//! sr25519 verification (about 60 µs) and `submit` hashes the commitments (linear in
//! rows).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for the DA commitments.
pub trait WeightInfo {
	fn register_signer() -> Weight;
	fn leave() -> Weight;
	fn withdraw_bond() -> Weight;
	fn submit(rows: u32) -> Weight;
	fn attest() -> Weight;
	fn respond() -> Weight;
}

/// Weights on a runtime's database.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_signer() -> Weight {
		Weight::from_parts(60_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn leave() -> Weight {
		Weight::from_parts(25_000_000, 3_000).saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(60_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn submit(rows: u32) -> Weight {
		Weight::from_parts(80_000_000, 6_000)
			.saturating_add(Weight::from_parts(200_000, 48).saturating_mul(rows.into()))
			.saturating_add(T::DbWeight::get().reads_writes(6, 5))
	}
	fn attest() -> Weight {
		Weight::from_parts(150_000_000, 12_000).saturating_add(T::DbWeight::get().reads_writes(3, 1 + 2))
	}
	fn respond() -> Weight {
		Weight::from_parts(5_000_000_000, 14_000).saturating_add(T::DbWeight::get().reads_writes(5, 5))
	}
}

impl WeightInfo for () {
	fn register_signer() -> Weight {
		Weight::from_parts(60_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn leave() -> Weight {
		Weight::from_parts(25_000_000, 3_000).saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(60_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn submit(rows: u32) -> Weight {
		Weight::from_parts(80_000_000, 6_000)
			.saturating_add(Weight::from_parts(200_000, 48).saturating_mul(rows.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(6, 5))
	}
	fn attest() -> Weight {
		Weight::from_parts(150_000_000, 12_000).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn respond() -> Weight {
		Weight::from_parts(5_000_000_000, 14_000).saturating_add(RocksDbWeight::get().reads_writes(5, 5))
	}
}
