//! Governance: OpenGov's tracks and origins, and the protocol parameters they tune.
//!
//! - [`pallet_governance_origins`] (pallet `Governance`): the origins a referendum on a
//!   track other than `root` dispatches with, and the genesis of the governance timing.
//! - [`tracks`]: the five referendum tracks, with periods measured in governance days
//!   ([`dynamic_params::governance::Day`]), so that a test chain's genesis shortens every
//!   period at once while the production preset keeps real days.
//! - [`dynamic_params`]: the protocol parameters of `pallet-parameters`, and which track
//!   may change each ([`ParameterOrigin`]).
//!
//! docs/governance.md describes the tracks and how an upgrade or a parameter change
//! goes through.

pub mod origins;
pub mod tracks;

pub use origins::pallet_governance_origins;

use crate::{Balance, BlockNumber, Runtime, RuntimeOrigin, DAYS, HOURS, UNIT};
use polkadot_sdk::{
	frame_support::{
		dynamic_params::{dynamic_pallet_params, dynamic_params},
		traits::{EnsureOriginWithArg, Get},
	},
	frame_system::EnsureRoot,
	sp_runtime::Perbill,
};

/// ZeroG's protocol parameters, read by the pallets through `Get` and changed with
/// `parameters.setParameter` by the track [`ParameterOrigin`] names.
#[dynamic_params(RuntimeParameters, polkadot_sdk::pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// Governance timing: the root track only.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod governance {
		/// Blocks in a governance day: every track period, the vote-locking period and
		/// the treasury's spend period are whole or fractional days of this length.
		/// A real day in production; test chains set a few blocks at genesis.
		#[codec(index = 0)]
		pub static Day: BlockNumber = DAYS;
	}

	/// Data availability: what blobs cost and what sampling pays and slashes.
	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod da {
		/// Fee per blob byte: 1 ZG per 8 MiB.
		#[codec(index = 0)]
		pub static PricePerByte: Balance = UNIT / (8 << 20);
		/// Paid from the pool for an answered sampling challenge.
		#[codec(index = 1)]
		pub static ChallengeReward: Balance = UNIT / 100;
		/// Taken from a signer's bond for an unanswered one.
		#[codec(index = 2)]
		pub static ChallengeSlash: Balance = UNIT;
	}

	/// Compute: what users and providers put down, and what cheating costs.
	#[dynamic_pallet_params]
	#[codec(index = 2)]
	pub mod compute {
		/// Least first deposit that opens a ledger: 1 ZG.
		#[codec(index = 0)]
		pub static MinDeposit: Balance = UNIT;
		/// Least bond of an inference service: 100 ZG.
		#[codec(index = 1)]
		pub static MinServiceBond: Balance = 100 * UNIT;
		/// Blocks a refund waits, so providers can settle what they served first: 2 hours.
		#[codec(index = 2)]
		pub static RefundLock: BlockNumber = 2 * HOURS;
		/// Share of a service's bond a proven dispute slashes.
		#[codec(index = 3)]
		pub static DisputeSlash: Perbill = Perbill::from_percent(10);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Da(dynamic_params::da::Parameters::PricePerByte(
			dynamic_params::da::PricePerByte,
			Some(1),
		))
	}
}

/// Who may change a parameter: governance timing only by the root track, the protocol's
/// parameters by the `protocol_parameters` track (or root).
pub struct ParameterOrigin;

impl EnsureOriginWithArg<RuntimeOrigin, RuntimeParametersKey> for ParameterOrigin {
	type Success = ();

	fn try_origin(
		origin: RuntimeOrigin,
		key: &RuntimeParametersKey,
	) -> Result<Self::Success, RuntimeOrigin> {
		use polkadot_sdk::frame_support::traits::EnsureOrigin;
		match key {
			RuntimeParametersKey::Governance(_) => {
				<EnsureRoot<crate::AccountId> as EnsureOrigin<_>>::try_origin(origin).map(|_| ())
			}
			RuntimeParametersKey::Da(_) | RuntimeParametersKey::Compute(_) => {
				origins::RootOr::<origins::ProtocolParameters>::try_origin(origin).map(|_| ())
			}
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin(_key: &RuntimeParametersKey) -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::root())
	}
}

/// `hours` of a governance day, in blocks (at least one).
pub fn hours(hours: u32) -> BlockNumber {
	(dynamic_params::governance::Day::get().saturating_mul(hours) / 24).max(1)
}

/// `days` governance days, in blocks (at least one).
pub fn days(days: u32) -> BlockNumber {
	dynamic_params::governance::Day::get().saturating_mul(days).max(1)
}

polkadot_sdk::frame_support::parameter_types! {
	/// Conviction 1x locks a vote for a week; 6x for 32 weeks.
	pub VoteLockingPeriod: BlockNumber = days(7);
	/// A referendum that never gets its decision deposit times out after 14 days.
	pub UndecidingTimeout: BlockNumber = days(14);
	/// The treasury pays out approved spends every 6 days.
	pub SpendPeriod: BlockNumber = days(6);
	/// A spend must be claimed within 30 days.
	pub PayoutPeriod: BlockNumber = days(30);
	/// A motion of the technical committee is open for 3 days.
	pub MotionDuration: BlockNumber = days(3);
}

#[cfg(test)]
mod tests;
