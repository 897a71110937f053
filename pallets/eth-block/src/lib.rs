//! # Ethereum transactions per block: bounded and priced
//!
//! pallet-revive builds an Ethereum block beside each block, so that Ethereum tools see
//! block hashes, transaction roots and receipts. It keeps the builder's state in one
//! storage value that holds the hash and gas of every Ethereum transaction of the block
//! so far, and reads, decodes, re-encodes and writes that value whole for each new one.
//! A block's `n`-th Ethereum transaction therefore costs time in proportion to the
//! `n - 1` before it (measured on the reference machine: 0.118 µs each, 0.059 µs × n² a
//! block), which pallet-revive's weights do not price: its benchmarks time the builder
//! empty. A block of several thousand cheap Ethereum transactions executed in over twice
//! its weight (docs/performance.md, "EVM throughput").
//!
//! This pallet makes the weights bound such a block again:
//!
//! - A block takes at most [`Config::MaxEthTransactions`] (`C`) Ethereum transactions:
//!   the transaction extension [`CheckEthBlockLimit`] counts them in [`EthTransactions`]
//!   as they are applied and refuses the one past `C` with `ExhaustsResources`, so a
//!   block author moves it to a later block and a block that holds more is invalid.
//! - Each Ethereum transaction is charged, through the same extension's weight, its share
//!   of the builder's cost in a block of `C`: [`Config::BuilderWeightPerEarlier`] ×
//!   `C / 2` ([`Pallet::builder_charge`]). The charges of any block then cover what its
//!   builder costs, since `k × n² / 2 ≤ n × k × C / 2` for every `n ≤ C`. The charge
//!   is part of the transaction's weight, so it is in its fee and in the gas
//!   `eth_estimateGas` quotes.
//!
//! Which calls are Ethereum transactions is the runtime's to say
//! ([`Config::EthTransaction`]): pallet-revive's `eth_*` calls, which only an Ethereum
//! transaction can dispatch. Other transactions pass the extension untouched, at no
//! weight. The extension has no data of its own: it encodes to nothing, so transactions
//! are the same on the wire with and without it.
//!
//! The count is emptied in `on_finalize`; it is never in the state between blocks.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod extension;
pub mod limit;
pub mod weights;

mod invariants;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use extension::CheckEthBlockLimit;
pub use pallet::*;
pub use weights::WeightInfo;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::WeightInfo;
	use polkadot_sdk::{
		frame_support::{pallet_prelude::*, traits::Contains},
		frame_system::pallet_prelude::BlockNumberFor,
	};

	/// The version of this pallet's storage layout.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The calls that are Ethereum transactions: each one adds to the block's
		/// Ethereum block builder.
		type EthTransaction: Contains<<Self as polkadot_sdk::frame_system::Config>::RuntimeCall>;
		/// The most Ethereum transactions a block may hold (`C`).
		#[pallet::constant]
		type MaxEthTransactions: Get<u32>;
		/// What one Ethereum transaction of a block adds to the builder's work for each
		/// that comes after it (`k`), measured on the reference machine.
		#[pallet::constant]
		type BuilderWeightPerEarlier: Get<Weight>;
		/// The weights of the count and its clearing, measured by `benchmark pallet`.
		type WeightInfo: WeightInfo;
	}

	/// The Ethereum transactions the current block has applied so far. Emptied in
	/// `on_finalize`; never present between blocks.
	#[pallet::storage]
	pub type EthTransactions<T> = StorageValue<_, u32, ValueQuery>;

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Reserves the weight of the clearing `on_finalize` makes.
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::WeightInfo::clear_count()
		}

		fn on_finalize(_n: BlockNumberFor<T>) {
			Self::clear_count();
		}

		fn integrity_test() {
			assert!(
				T::MaxEthTransactions::get() > 0,
				"a block must be able to hold an Ethereum transaction"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state_between_blocks()
		}
	}
}
