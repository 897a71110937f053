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

	/// Data availability: what blobs cost, what sampling pays and slashes, and the epoch
	/// timing. The four periods are read through [`super::Bounded`] (see
	/// [`super::DA_EPOCH_LENGTH`] and its siblings).
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
		/// Blocks per epoch (and quorum): 30 s. A change applies from the next epoch.
		#[codec(index = 3)]
		pub static EpochLength: BlockNumber = 15;
		/// Blocks a blob has to gather attestations: 80 s, enough to encode and send a
		/// 32 MiB blob on two cores (about 35 s) with room to spare.
		#[codec(index = 4)]
		pub static AttestationWindow: BlockNumber = 40;
		/// Blocks between sampling challenges: 20 s.
		#[codec(index = 5)]
		pub static ChallengePeriod: BlockNumber = 10;
		/// Blocks a challenged signer has to answer: 40 s.
		#[codec(index = 6)]
		pub static ChallengeWindow: BlockNumber = 20;
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

	/// Intelligent NFTs: the escrowed sale's timing.
	#[dynamic_pallet_params]
	#[codec(index = 3)]
	pub mod inft {
		/// Blocks a seller has to deliver a bought token before the buyer can be
		/// refunded: an hour. Read through [`super::Bounded`] ([`super::INFT_DELIVERY`]).
		#[codec(index = 0)]
		pub static DeliveryPeriod: BlockNumber = HOURS;
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
			RuntimeParametersKey::Da(_)
			| RuntimeParametersKey::Compute(_)
			| RuntimeParametersKey::Inft(_) => {
				origins::RootOr::<origins::ProtocolParameters>::try_origin(origin).map(|_| ())
			}
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin(_key: &RuntimeParametersKey) -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::root())
	}
}

/// A period parameter read within `[MIN, MAX]` blocks: a value governance sets outside
/// them reads as the nearest bound, so no vote can stop a pallet's clock or stretch it
/// past what its invariants were checked for.
pub struct Bounded<P, const MIN: BlockNumber, const MAX: BlockNumber>(core::marker::PhantomData<P>);

impl<P: Get<BlockNumber>, const MIN: BlockNumber, const MAX: BlockNumber> Get<BlockNumber>
	for Bounded<P, MIN, MAX>
{
	fn get() -> BlockNumber {
		P::get().clamp(MIN, MAX)
	}
}

/// Bounds of the DA epoch length: 10 s to 5 minutes. With 2,880 retained epochs, signers
/// keep cells for 8 hours to 10 days.
pub const DA_EPOCH_LENGTH: (BlockNumber, BlockNumber) = (5, 150);
/// Bounds of the DA attestation window: 20 s to 10 minutes.
pub const DA_ATTESTATION_WINDOW: (BlockNumber, BlockNumber) = (10, 300);
/// Bounds of the time between DA sampling challenges: 4 s to an hour.
pub const DA_CHALLENGE_PERIOD: (BlockNumber, BlockNumber) = (2, HOURS);
/// Bounds of the time to answer a DA sampling challenge: 10 s to 10 minutes.
pub const DA_CHALLENGE_WINDOW: (BlockNumber, BlockNumber) = (5, 300);

/// Bounds of the iNFT delivery period: a few blocks (test chains) to a week.
pub const INFT_DELIVERY: (BlockNumber, BlockNumber) = (3, 7 * DAYS);

/// The iNFT pallet's delivery period as it reads it: the governed value within bounds.
pub type InftDeliveryPeriod =
	Bounded<dynamic_params::inft::DeliveryPeriod, { INFT_DELIVERY.0 }, { INFT_DELIVERY.1 }>;

/// The DA pallet's periods as it reads them: the governed values within their bounds.
pub mod da_periods {
	use super::*;
	pub type EpochLength =
		Bounded<dynamic_params::da::EpochLength, { DA_EPOCH_LENGTH.0 }, { DA_EPOCH_LENGTH.1 }>;
	pub type AttestationWindow = Bounded<
		dynamic_params::da::AttestationWindow,
		{ DA_ATTESTATION_WINDOW.0 },
		{ DA_ATTESTATION_WINDOW.1 },
	>;
	pub type ChallengePeriod = Bounded<
		dynamic_params::da::ChallengePeriod,
		{ DA_CHALLENGE_PERIOD.0 },
		{ DA_CHALLENGE_PERIOD.1 },
	>;
	pub type ChallengeWindow = Bounded<
		dynamic_params::da::ChallengeWindow,
		{ DA_CHALLENGE_WINDOW.0 },
		{ DA_CHALLENGE_WINDOW.1 },
	>;
}

/// The governance day, read once: a caller that needs many periods (the track table)
/// reads the parameter once and scales every period from it.
#[derive(Clone, Copy)]
pub struct GovernanceDay(pub BlockNumber);

impl GovernanceDay {
	/// The day in force now.
	pub fn now() -> Self {
		Self(dynamic_params::governance::Day::get())
	}

	/// `hours` hours of this day, in blocks (at least one).
	pub fn hours(self, hours: u32) -> BlockNumber {
		(self.0.saturating_mul(hours) / 24).max(1)
	}

	/// `days` of these days, in blocks (at least one).
	pub fn days(self, days: u32) -> BlockNumber {
		self.0.saturating_mul(days).max(1)
	}
}

/// `hours` of a governance day, in blocks (at least one).
pub fn hours(hours: u32) -> BlockNumber {
	GovernanceDay::now().hours(hours)
}

/// `days` governance days, in blocks (at least one).
pub fn days(days: u32) -> BlockNumber {
	GovernanceDay::now().days(days)
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
