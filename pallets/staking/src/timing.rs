//! The chain's consensus timing and the `Get`s that hand it to BABE, pallet-session,
//! pallet-staking and GRANDPA.

use crate::{Config, Timing};
use codec::{Decode, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use polkadot_sdk::frame_support::traits::Get;
use scale_info::TypeInfo;

/// Blocks in an hour at 2 s slots.
const HOUR: u64 = 1_800;

/// How long the chain's epochs, sessions and eras last, and how long stake stays bonded.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct StakingTiming {
	/// Blocks (slots) in a BABE epoch; every epoch is a session.
	pub epoch_duration: u64,
	/// Sessions in an era: validators are elected and paid once per era.
	pub sessions_per_era: u32,
	/// Eras that unbonded stake stays slashable before it can be withdrawn.
	pub bonding_duration: u32,
	/// Eras between an offence's slash being computed and applied, during which the
	/// staking admin origin may cancel it. Less than the bonding duration, so the
	/// offender's stake is still there when the slash lands.
	pub slash_defer_duration: u32,
}

impl StakingTiming {
	/// A production chain's: hour-long sessions, 6-hour eras, unbonding after 28 eras
	/// (7 days), slashes applied after 27 eras.
	pub const PRODUCTION: Self = Self {
		epoch_duration: HOUR,
		sessions_per_era: 6,
		bonding_duration: 28,
		slash_defer_duration: 27,
	};

	/// A dev or test chain's: 10-block (20 s) sessions, 3-session (1 minute) eras,
	/// unbonding after 2 eras, slashes applied after 1.
	pub const TEST: Self = Self {
		epoch_duration: 10,
		sessions_per_era: 3,
		bonding_duration: 2,
		slash_defer_duration: 1,
	};

	/// Blocks in an era.
	pub fn era_blocks(&self) -> u64 {
		self.epoch_duration.saturating_mul(self.sessions_per_era as u64)
	}

	/// Whether BABE and pallet-staking can run with this timing.
	pub fn check(&self) -> Result<(), &'static str> {
		if self.epoch_duration == 0 {
			return Err("an epoch lasts at least one block");
		}
		if self.sessions_per_era == 0 {
			return Err("an era lasts at least one session");
		}
		if self.bonding_duration == 0 {
			return Err("stake stays bonded for at least one era");
		}
		if self.slash_defer_duration >= self.bonding_duration {
			return Err("a slash must apply before the offender's stake unbonds");
		}
		Ok(())
	}
}

impl Default for StakingTiming {
	fn default() -> Self {
		Self::PRODUCTION
	}
}

/// BABE's epoch length, in slots.
pub struct EpochDuration<T>(PhantomData<T>);
impl<T: Config> Get<u64> for EpochDuration<T> {
	fn get() -> u64 {
		Timing::<T>::get().epoch_duration
	}
}

/// pallet-staking's sessions per era.
pub struct SessionsPerEra<T>(PhantomData<T>);
impl<T: Config> Get<u32> for SessionsPerEra<T> {
	fn get() -> u32 {
		Timing::<T>::get().sessions_per_era
	}
}

/// pallet-staking's bonding duration, in eras.
pub struct BondingDuration<T>(PhantomData<T>);
impl<T: Config> Get<u32> for BondingDuration<T> {
	fn get() -> u32 {
		Timing::<T>::get().bonding_duration
	}
}

/// pallet-staking's slash deferral, in eras.
pub struct SlashDeferDuration<T>(PhantomData<T>);
impl<T: Config> Get<u32> for SlashDeferDuration<T> {
	fn get() -> u32 {
		Timing::<T>::get().slash_defer_duration
	}
}

/// How long an equivocation report stays valid, in blocks: the bonding duration, past
/// which the offender may have withdrawn.
pub struct ReportLongevity<T>(PhantomData<T>);
impl<T: Config> Get<u64> for ReportLongevity<T> {
	fn get() -> u64 {
		let t = Timing::<T>::get();
		t.era_blocks().saturating_mul(t.bonding_duration as u64)
	}
}

/// Sessions GRANDPA keeps set ids for, to check key-ownership proofs of reports: the
/// bonding duration in sessions.
pub struct SetIdSessionEntries<T>(PhantomData<T>);
impl<T: Config> Get<u64> for SetIdSessionEntries<T> {
	fn get() -> u64 {
		let t = Timing::<T>::get();
		(t.bonding_duration as u64).saturating_mul(t.sessions_per_era as u64)
	}
}
