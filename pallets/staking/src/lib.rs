//! # ZeroG staking: what polkadot-sdk's pallet-staking leaves to the runtime
//!
//! Proof of Stake on ZeroG is polkadot-sdk's `pallet-staking`: bonding, validator
//! intentions with commission, nominations, a bounded on-chain election, reward points
//! from `pallet-authorship`, paged payouts, and slashing of offences reported through
//! `pallet-offences`. Block production is BABE, whose epochs are the sessions. This
//! pallet holds only the two things upstream leaves to the runtime:
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
//!
//! Code that needs stake outside staking reads it through `sp_staking::StakingInterface`,
//! so a later move to another staking engine stays in the runtime's configuration.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod payout;
pub mod timing;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use payout::FixedInflation;
pub use timing::StakingTiming;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::StakingTiming;
	use core::marker::PhantomData;
	use polkadot_sdk::{
		frame_support::pallet_prelude::*, frame_system::pallet_prelude::BlockNumberFor,
	};

	/// The version of this pallet's storage layout.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {}

	/// The chain's consensus timing, written once at genesis. A chain built without it
	/// reads [`StakingTiming::PRODUCTION`].
	#[pallet::storage]
	pub type Timing<T> = StorageValue<_, StakingTiming, ValueQuery>;

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
		/// The invariant: the stored timing is one pallet-staking and BABE accept.
		pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Timing::<T>::get().check().map_err(Into::into)
		}
	}
}
