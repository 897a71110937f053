//! Timing written at genesis and read by the consensus pallets' `Get`s.

use crate::{
	mock::*,
	timing::{
		BondingDuration, EpochDuration, ReportLongevity, SessionsPerEra, SetIdSessionEntries,
		SlashDeferDuration,
	},
	StakingTiming, Timing,
};
use polkadot_sdk::frame_support::traits::Get;

#[test]
fn a_chain_without_timing_in_its_genesis_runs_production_timing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Timing::<Test>::get(), StakingTiming::PRODUCTION);
		assert_eq!(EpochDuration::<Test>::get(), 1_800, "an hour of 2 s slots");
		assert_eq!(SessionsPerEra::<Test>::get(), 6);
		assert_eq!(BondingDuration::<Test>::get(), 28);
		assert_eq!(SlashDeferDuration::<Test>::get(), 27);
		// Seven days of blocks.
		assert_eq!(ReportLongevity::<Test>::get(), 7 * 24 * 1_800);
		assert_eq!(SetIdSessionEntries::<Test>::get(), 28 * 6);
	});
}

#[test]
fn a_test_chain_reads_its_short_timing_from_genesis() {
	ExtBuilder::default().timing(StakingTiming::TEST).build_and_execute(|| {
		assert_eq!(EpochDuration::<Test>::get(), 10);
		assert_eq!(SessionsPerEra::<Test>::get(), 3);
		assert_eq!(BondingDuration::<Test>::get(), 2);
		assert_eq!(SlashDeferDuration::<Test>::get(), 1);
		assert_eq!(StakingTiming::TEST.era_blocks(), 30);
		assert_eq!(ReportLongevity::<Test>::get(), 60);
		assert_eq!(SetIdSessionEntries::<Test>::get(), 6);
	});
}

#[test]
fn timing_that_consensus_cannot_run_is_refused() {
	let t = StakingTiming::TEST;
	for (bad, why) in [
		(StakingTiming { epoch_duration: 0, ..t }, "an epoch lasts at least one block"),
		(StakingTiming { sessions_per_era: 0, ..t }, "an era lasts at least one session"),
		(
			StakingTiming { bonding_duration: 0, slash_defer_duration: 0, ..t },
			"stake stays bonded for at least one era",
		),
		(
			StakingTiming { slash_defer_duration: 2, ..t },
			"a slash must apply before the offender's stake unbonds",
		),
	] {
		assert_eq!(bad.check(), Err(why));
	}
	assert_eq!(StakingTiming::PRODUCTION.check(), Ok(()));
	assert_eq!(StakingTiming::TEST.check(), Ok(()));
}

#[test]
#[should_panic(expected = "invalid staking timing in the genesis config")]
fn a_genesis_with_invalid_timing_does_not_build() {
	ExtBuilder::default()
		.timing(StakingTiming { slash_defer_duration: 5, ..StakingTiming::TEST })
		.build();
}

#[test]
fn try_state_catches_corrupted_timing() {
	ExtBuilder::default().build().execute_with(|| {
		Timing::<Test>::put(StakingTiming { epoch_duration: 0, ..StakingTiming::TEST });
		assert!(ZgStaking::do_try_state().is_err());
	});
}
