//! # ZeroG staking: what polkadot-sdk's pallet-staking leaves to the runtime
//!
//! Proof of Stake on ZeroG is polkadot-sdk's `pallet-staking`: bonding, validator
//! intentions with commission, nominations, a bounded on-chain election, reward points
//! from `pallet-authorship`, paged payouts, and slashing of offences reported through
//! `pallet-offences`. Block production is BABE, whose epochs are the sessions. This
//! pallet holds only the three things upstream leaves to the runtime:
//!
//! - [`Timing`]: the chain's consensus timing (BABE epoch length, sessions per era,
//!   bonding duration, slash deferral), fixed at genesis. One runtime serves a
//!   production chain (hour-long sessions, 6-hour eras, a week of unbonding) and dev and
//!   test chains whose genesis presets shorten them to tens of blocks. None of these may
//!   change on a running chain (BABE's epoch length cannot), so there is no call that
//!   sets them; [`timing::EpochDuration`] and friends feed them to the pallets' `Get`s.
//! - [`FixedInflation`]: the era payout. A fixed yearly rate of the total issuance is
//!   minted over each era, pro rata of its length; a share goes to the treasury (0G's
//!   community tax), the rest to the era's validators by reward points, then
//!   commission, then their nominators pro rata.
//! - [`fees`]: where transaction fees go. Each transaction's fee is split between the
//!   treasury ([`Config::TreasuryFeeShare`]) and the block's author (the rest, and the
//!   tip), held in [`BlockFees`] for the block, and paid out once in `on_finalize`: two
//!   account writes a block instead of two a transaction.
//!
//! Code that needs stake outside staking reads it through `sp_staking::StakingInterface`,
//! so a later move to another staking engine stays in the runtime's configuration.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod fees;
pub mod payout;
pub mod timing;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use fees::{CollectFees, FeeShares};
pub use pallet::*;
pub use payout::FixedInflation;
pub use timing::StakingTiming;
pub use weights::WeightInfo;

/// The balance type of the chain's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as polkadot_sdk::frame_support::traits::fungible::Inspect<
		<T as polkadot_sdk::frame_system::Config>::AccountId,
	>>::Balance;

/// What the fee payout's benchmark needs from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Makes `who` the current block's author, as [`Config::BlockAuthor`] reads it.
	fn set_author(who: &AccountId);
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::{fees::HeldFees, StakingTiming, WeightInfo};
	use core::marker::PhantomData;
	use polkadot_sdk::{
		frame_support::{pallet_prelude::*, traits::fungible},
		frame_system::pallet_prelude::BlockNumberFor,
		sp_runtime::Perbill,
	};

	/// The version of this pallet's storage layout. [`BlockFees`] came later without a
	/// new version: it is empty between blocks, so there is nothing to migrate.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The currency fees are paid in.
		type Currency: fungible::Balanced<Self::AccountId>;
		/// The treasury's account, which takes its share of every fee.
		type TreasuryAccount: Get<Self::AccountId>;
		/// The treasury's share of a transaction's fee (not of its tip).
		type TreasuryFeeShare: Get<Perbill>;
		/// The current block's author, if it has one (a dry run has none).
		type BlockAuthor: Get<Option<Self::AccountId>>;
		/// The weight of the fee payout, measured by `benchmark pallet`.
		type WeightInfo: WeightInfo;
		/// Sets the block's author for the fee payout's benchmark.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId>;
	}

	/// The chain's consensus timing, written once at genesis. A chain built without it
	/// reads [`StakingTiming::PRODUCTION`].
	#[pallet::storage]
	pub type Timing<T> = StorageValue<_, StakingTiming, ValueQuery>;

	/// The fees and tips the current block's transactions have paid, split into the
	/// treasury's and the author's shares ([`crate::fees`]). Paid out and emptied in
	/// `on_finalize`; never present between blocks.
	#[pallet::storage]
	pub type BlockFees<T: Config> = StorageValue<_, HeldFees<T>, OptionQuery>;

	/// The timing a chain starts with; every field defaults to production's.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Blocks in a BABE epoch, which is also a session.
		pub epoch_duration: u64,
		/// Sessions in a staking era.
		pub sessions_per_era: u32,
		/// Eras a stake stays bonded after `unbond`.
		pub bonding_duration: u32,
		/// Eras a slash waits, cancellable by the staking admin, before it applies.
		pub slash_defer_duration: u32,
		#[serde(skip)]
		pub _config: PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			let t = StakingTiming::PRODUCTION;
			Self {
				epoch_duration: t.epoch_duration,
				sessions_per_era: t.sessions_per_era,
				bonding_duration: t.bonding_duration,
				slash_defer_duration: t.slash_defer_duration,
				_config: PhantomData,
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let timing = StakingTiming {
				epoch_duration: self.epoch_duration,
				sessions_per_era: self.sessions_per_era,
				bonding_duration: self.bonding_duration,
				slash_defer_duration: self.slash_defer_duration,
			};
			if let Err(e) = timing.check() {
				panic!("invalid staking timing in the genesis config: {e}");
			}
			Timing::<T>::put(timing);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Reserves the weight of the fee payout `on_finalize` makes.
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::WeightInfo::pay_block_fees()
		}

		fn on_finalize(_n: BlockNumberFor<T>) {
			Self::pay_block_fees();
		}

		fn integrity_test() {
			assert_eq!(StakingTiming::PRODUCTION.check(), Ok(()));
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	impl<T: Config> Pallet<T> {
		/// The invariants: the stored timing is one pallet-staking and BABE accept, and
		/// no fees are held once a block is finalized (checked between blocks).
		pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Timing::<T>::get().check()?;
			ensure!(!BlockFees::<T>::exists(), "fees are held past the end of a block");
			Ok(())
		}
	}
}
