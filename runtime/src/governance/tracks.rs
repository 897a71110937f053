//! The referendum tracks: which origin each dispatches with, its deposits, periods and
//! the approval and support curves a referendum must stay above to pass.
//!
//! Periods are in governance days ([`GovernanceDay`]), read from `pallet-parameters`
//! once per table, so the `governance.day` set at genesis scales them all; the curves are
//! fractions of the decision period and do not change with it.

use super::{origins::Origin, GovernanceDay};
use crate::{Balance, BlockNumber, OriginCaller, RuntimeOrigin, UNIT};
use alloc::borrow::Cow;
use polkadot_sdk::{
	frame_system::RawOrigin,
	pallet_referenda::{Curve, Track, TrackInfo, TracksInfo},
	sp_runtime::{str_array as name, FixedI64},
};

const fn percent(x: i32) -> FixedI64 {
	FixedI64::from_rational(x as u128, 100)
}

/// Root: runtime upgrades (`system.authorizeUpgrade`) and anything else. Approval falls
/// from 100 % to 50 %, support from 50 % to nothing, over the decision period.
const ROOT_APPROVAL: Curve = Curve::make_reciprocal(4, 28, percent(80), percent(50), percent(100));
const ROOT_SUPPORT: Curve = Curve::make_linear(28, 28, percent(0), percent(50));
/// A call the technical committee whitelisted: near-unanimous approval, little support.
const WHITELISTED_APPROVAL: Curve =
	Curve::make_reciprocal(16, 28 * 24, percent(96), percent(50), percent(100));
const WHITELISTED_SUPPORT: Curve =
	Curve::make_reciprocal(1, 28, percent(20), percent(5), percent(50));
/// The administrative tracks: staking admin, treasurer, protocol parameters.
const ADMIN_APPROVAL: Curve = Curve::make_linear(17, 28, percent(50), percent(100));
const ADMIN_SUPPORT: Curve = Curve::make_reciprocal(12, 28, percent(1), percent(0), percent(50));
const PARAMS_APPROVAL: Curve =
	Curve::make_reciprocal(4, 28, percent(80), percent(50), percent(100));
const PARAMS_SUPPORT: Curve = Curve::make_reciprocal(7, 28, percent(10), percent(0), percent(50));

/// Track ids.
pub mod id {
	pub const ROOT: u16 = 0;
	pub const WHITELISTED_CALLER: u16 = 1;
	pub const STAKING_ADMIN: u16 = 10;
	pub const TREASURER: u16 = 11;
	pub const PROTOCOL_PARAMETERS: u16 = 12;
}

#[allow(clippy::too_many_arguments)]
fn track(
	id: u16,
	name: [u8; 25],
	max_deciding: u32,
	decision_deposit: Balance,
	prepare_period: BlockNumber,
	decision_period: BlockNumber,
	confirm_period: BlockNumber,
	min_enactment_period: BlockNumber,
	min_approval: Curve,
	min_support: Curve,
) -> Track<u16, Balance, BlockNumber> {
	Track {
		id,
		info: TrackInfo {
			name,
			max_deciding,
			decision_deposit,
			prepare_period,
			decision_period,
			confirm_period,
			min_enactment_period,
			min_approval,
			min_support,
		},
	}
}

/// The tracks, in id order, with periods at the current governance day (one read).
pub fn all() -> [Track<u16, Balance, BlockNumber>; 5] {
	at(GovernanceDay::now())
}

/// The tracks with periods in `day`s.
pub fn at(day: GovernanceDay) -> [Track<u16, Balance, BlockNumber>; 5] {
	let (hours, days) = (|h| day.hours(h), |d| day.days(d));
	[
		track(
			id::ROOT,
			name("root"),
			1,
			100_000 * UNIT,
			hours(2),
			days(14),
			days(1),
			days(1),
			ROOT_APPROVAL,
			ROOT_SUPPORT,
		),
		track(
			id::WHITELISTED_CALLER,
			name("whitelisted_caller"),
			100,
			10_000 * UNIT,
			hours(1),
			days(14),
			hours(1),
			hours(1),
			WHITELISTED_APPROVAL,
			WHITELISTED_SUPPORT,
		),
		track(
			id::STAKING_ADMIN,
			name("staking_admin"),
			10,
			5_000 * UNIT,
			hours(2),
			days(14),
			hours(3),
			hours(1),
			ADMIN_APPROVAL,
			ADMIN_SUPPORT,
		),
		track(
			id::TREASURER,
			name("treasurer"),
			10,
			1_000 * UNIT,
			hours(2),
			days(14),
			hours(3),
			days(1),
			ADMIN_APPROVAL,
			ADMIN_SUPPORT,
		),
		track(
			id::PROTOCOL_PARAMETERS,
			name("protocol_parameters"),
			10,
			5_000 * UNIT,
			hours(2),
			days(14),
			hours(3),
			hours(1),
			PARAMS_APPROVAL,
			PARAMS_SUPPORT,
		),
	]
}

/// The runtime's [`TracksInfo`].
pub struct Tracks;

impl TracksInfo<Balance, BlockNumber> for Tracks {
	type Id = u16;
	type RuntimeOrigin =
		<RuntimeOrigin as polkadot_sdk::frame_support::traits::OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		all().into_iter().map(Cow::Owned)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(RawOrigin::Root) => Ok(id::ROOT),
			OriginCaller::Governance(origin) => Ok(match origin {
				Origin::WhitelistedCaller => id::WHITELISTED_CALLER,
				Origin::StakingAdmin => id::STAKING_ADMIN,
				Origin::Treasurer => id::TREASURER,
				Origin::ProtocolParameters => id::PROTOCOL_PARAMETERS,
			}),
			_ => Err(()),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_runtime::Perbill;

	#[test]
	fn one_day_scales_the_whole_table() {
		let [root, whitelisted, ..] = at(GovernanceDay(48));
		assert_eq!((root.info.prepare_period, root.info.decision_period), (4, 14 * 48));
		assert_eq!(
			(whitelisted.info.confirm_period, whitelisted.info.min_enactment_period),
			(2, 2)
		);
		// No period rounds down to zero on a day shorter than 24 blocks.
		for t in at(GovernanceDay(2)) {
			assert!(t.info.prepare_period >= 1 && t.info.min_enactment_period >= 1);
		}
	}

	#[test]
	fn tracks_are_sorted_and_their_curves_reach_their_floor() {
		polkadot_sdk::sp_io::TestExternalities::default().execute_with(|| {
			assert_eq!(Tracks::check_integrity(), Ok(()));
			for t in all() {
				// Every referendum can pass by the end of its decision period with a
				// simple majority of a small turnout.
				assert!(t.info.min_approval.threshold(Perbill::one()) <= Perbill::from_percent(50));
				assert!(t.info.min_support.threshold(Perbill::one()) <= Perbill::from_percent(5));
				assert!(t.info.prepare_period >= 1 && t.info.confirm_period >= 1);
			}
		});
	}
}
