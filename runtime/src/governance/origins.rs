//! The origins of the referendum tracks other than `root`, and the governance genesis.

pub use pallet_governance_origins::*;

/// The `Governance` pallet: its [`Origin`] is what a referendum on a non-root track
/// dispatches with, and its genesis sets the governance timing parameters.
#[polkadot_sdk::frame_support::pallet]
pub mod pallet_governance_origins {
	use crate::governance::dynamic_params;
	use polkadot_sdk::{frame_support::pallet_prelude::*, frame_system::RawOrigin};

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origin of a passed referendum on one of the non-root tracks.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// Dispatches a call the technical committee whitelisted.
		WhitelistedCaller,
		/// Staking administration: cancels deferred slashes, sets minimum commission.
		StakingAdmin,
		/// Spends from the treasury, up to the track's limit.
		Treasurer,
		/// Sets ZeroG's protocol parameters: prices, bonds, rewards and slashes.
		ProtocolParameters,
	}

	/// Governance at genesis.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Blocks in a governance day (0: the default, a real day). Test chains set a few
		/// blocks, so that every track period is that many times shorter.
		pub day: u32,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.day == 0 {
				return;
			}
			let day =
				crate::RuntimeParameters::Governance(dynamic_params::governance::Parameters::Day(
					dynamic_params::governance::Day,
					Some(self.day),
				));
			// This pallet lives in the runtime: its genesis writes the runtime's parameters.
			crate::Parameters::set_parameter(RawOrigin::Root.into(), day)
				.expect("root sets any parameter; qed");
		}
	}

	macro_rules! ensure_origins {
		($($name:ident),* $(,)?) => {$(
			#[doc = concat!("Ensures the `", stringify!($name), "` origin.")]
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					match o.caller().try_into() {
						Ok(Origin::$name) => return Ok(()),
						_ => (),
					}
					Err(o)
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		)*};
	}
	ensure_origins!(WhitelistedCaller, StakingAdmin, Treasurer, ProtocolParameters);
}

/// Root, or the origin `O`.
pub type RootOr<O> = polkadot_sdk::frame_support::traits::EitherOf<
	polkadot_sdk::frame_system::EnsureRoot<crate::AccountId>,
	O,
>;
