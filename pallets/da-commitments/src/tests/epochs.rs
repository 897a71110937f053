//! Epoch scheduling: a change of the epoch length applies from the next epoch, and the
//! version-1 migration carries the old schedule over.

use super::*;
use crate::migrations::v1::MigrateV0ToV1;
use polkadot_sdk::frame_support::traits::{
	GetStorageVersion, Hooks, OnRuntimeUpgrade, StorageVersion,
};

/// Runs to block `to`, returning the blocks at which an epoch started on the way.
fn epoch_starts(to: u64) -> Vec<u64> {
	let mut starts = Vec::new();
	while System::block_number() < to {
		let before = CurrentEpoch::<Test>::get();
		run_to(System::block_number() + 1);
		if CurrentEpoch::<Test>::get() != before {
			starts.push(System::block_number());
		}
	}
	starts
}

#[test]
fn a_new_length_applies_from_the_next_epoch() {
	ExtBuilder.build_and_execute(|| {
		register("S1", 1_000);
		assert_eq!(NextEpochAt::<Test>::get(), 10, "genesis schedules the first epoch");
		assert_eq!(epoch_starts(12), vec![10]);
		assert_eq!(NextEpochAt::<Test>::get(), 20);
		// Shortened mid-epoch: the running epoch keeps its ten blocks.
		EpochLength::set(&4);
		assert_eq!(epoch_starts(29), vec![20, 24, 28]);
		// Lengthened: the epoch that started at 28 still ends at 32.
		EpochLength::set(&25);
		assert_eq!(epoch_starts(60), vec![32, 57]);
		// Zero counts as one block.
		EpochLength::set(&0);
		assert_eq!(epoch_starts(85), vec![82, 83, 84, 85]);
		assert_eq!(CurrentEpoch::<Test>::get(), 10);
	});
}

#[test]
fn quorums_follow_a_changed_length() {
	ExtBuilder.build_and_execute(|| {
		quorum(&[("S1", 1)]);
		let id = submit(1000);
		assert_ok!(attest(id, "S1"));
		EpochLength::set(&3);
		// Epoch 1 still runs to block 20.
		run_to(19);
		assert_eq!(CurrentEpoch::<Test>::get(), 1);
		run_to(22);
		assert_eq!(CurrentEpoch::<Test>::get(), 2);
		// Retention (two epochs) now passes in six blocks: epoch 1's quorum goes at 23.
		run_to(23);
		assert_eq!(CurrentEpoch::<Test>::get(), 3);
		assert!(Quorums::<Test>::get(1).is_none());
		assert!(Quorums::<Test>::get(2).is_some() && Quorums::<Test>::get(3).is_some());
	});
}

#[test]
fn v0_keeps_its_schedule_through_the_migration() {
	ExtBuilder.build_and_execute(|| {
		register("S1", 1_000);
		run_to(13);
		assert_eq!(CurrentEpoch::<Test>::get(), 1);
		// Version 0 had no stored schedule.
		NextEpochAt::<Test>::kill();
		StorageVersion::new(0).put::<DaCommitments>();

		MigrateV0ToV1::<Test>::on_runtime_upgrade();

		assert_eq!(DaCommitments::on_chain_storage_version(), 1);
		assert_eq!(NextEpochAt::<Test>::get(), 20, "the next multiple of the length");
		assert_eq!(epoch_starts(31), vec![20, 30]);
	});
}

#[test]
fn an_upgrade_on_an_epoch_boundary_starts_that_epoch() {
	ExtBuilder.build_and_execute(|| {
		register("S1", 1_000);
		run_to(19);
		NextEpochAt::<Test>::kill();
		StorageVersion::new(0).put::<DaCommitments>();
		// The executive runs migrations after setting the block number and before
		// `on_initialize`: block 20 is a multiple, so it still starts epoch 2.
		System::set_block_number(20);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(NextEpochAt::<Test>::get(), 20);
		DaCommitments::on_initialize(20);
		assert_eq!(CurrentEpoch::<Test>::get(), 2);
		assert_eq!(NextEpochAt::<Test>::get(), 30);
	});
}

#[test]
fn the_migration_runs_once() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(DaCommitments::on_chain_storage_version(), 2, "genesis writes the version");
		NextEpochAt::<Test>::put(77);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(NextEpochAt::<Test>::get(), 77);
		NextEpochAt::<Test>::put(10);
	});
}
