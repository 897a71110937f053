//! Version 0 → 1: files indexed by id instead of root.

use super::*;
use crate::migrations::v1::{EntryByRoot, MigrateV0ToV1};
use polkadot_sdk::frame_support::{
	assert_ok,
	traits::{fungible::Mutate, GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};

/// Rebuilds the version-0 layout from what the calls wrote: a root index instead of
/// the id index, and the same file submitted twice (version 0 allowed it).
fn into_v0() {
	let duplicate = Entries::<Test>::get(0).unwrap();
	let seq = EntryCount::<Test>::get();
	let end = FlowLength::<Test>::get();
	Entries::<Test>::insert(seq, FlowEntry { start_sector: end, ..duplicate.clone() });
	EntryCount::<Test>::put(seq + 1);
	FlowLength::<Test>::put(end + duplicate.sectors);
	RewardPools::<Test>::mutate(0, |p| *p += duplicate.fee);
	assert_ok!(Balances::mint_into(&StorageMarket::account_id(), duplicate.fee));
	let _ = EntryById::<Test>::clear(u32::MAX, None);
	for (seq, entry) in Entries::<Test>::iter() {
		if EntryByRoot::<Test>::get(entry.submission.root).is_none_or(|first| first > seq) {
			EntryByRoot::<Test>::insert(entry.submission.root, seq);
		}
	}
	StorageVersion::new(0).put::<StorageMarket>();
}

#[test]
fn v0_files_are_indexed_by_id_and_the_root_index_is_removed() {
	ExtBuilder.build_and_execute(|| {
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), 5000, ROOT, [1; 32], 3));
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(BOB), 300, ROOT, [2; 32], 1));
		into_v0();
		assert!(StorageMarket::do_try_state().is_err(), "v0 has no id index");
		assert_eq!(StorageMarket::on_chain_storage_version(), 0);

		MigrateV0ToV1::<Test>::on_runtime_upgrade();

		assert_eq!(StorageMarket::on_chain_storage_version(), 1);
		assert_eq!(EntryByRoot::<Test>::iter().count(), 0);
		// Both files of the shared root have their own id; the duplicate leads to the first.
		assert_eq!(EntryById::<Test>::get(id(5000, ROOT, [1; 32])), Some(0));
		assert_eq!(EntryById::<Test>::get(id(300, ROOT, [2; 32])), Some(1));
		assert_eq!(EntryById::<Test>::iter().count(), 2);
		assert_eq!(StorageMarket::file_status(id(300, ROOT, [2; 32])).unwrap().0, 1);
	});
}

#[test]
fn the_migration_runs_once() {
	ExtBuilder.build_and_execute(|| {
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), 5000, ROOT, [1; 32], 3));
		assert_eq!(StorageMarket::on_chain_storage_version(), 2, "genesis writes the version");
		EntryByRoot::<Test>::insert([5; 32], 0);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		// Version 2 already: nothing touched.
		assert_eq!(EntryByRoot::<Test>::get([5; 32]), Some(0));
		EntryByRoot::<Test>::remove([5; 32]);
	});
}

#[test]
fn v1_entries_get_lifetimes_from_the_upgrade() {
	use crate::migrations::v2::MigrateV1ToV2;
	ExtBuilder.build_and_execute(|| {
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), 25_600, ROOT, [1; 32], 2));
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(BOB), 300, ROOT, [2; 32], 1));
		// Version 1 had none of the mining and lifetime storage.
		let _ = Lifetimes::<Test>::clear(u32::MAX, None);
		let _ = Expiries::<Test>::clear(u32::MAX, None);
		let _ = PoolReleases::<Test>::clear(u32::MAX, None);
		Mining::<Test>::kill();
		CurrentEpoch::<Test>::kill();
		StorageVersion::new(1).put::<StorageMarket>();
		System::set_block_number(40);

		MigrateV1ToV2::<Test, MiningOf>::on_runtime_upgrade();

		assert_eq!(StorageMarket::on_chain_storage_version(), 2);
		assert_eq!(Mining::<Test>::get(), MINING);
		assert_eq!(CurrentEpoch::<Test>::get().target, u128::MAX);
		assert_eq!(StorageMarket::expires_at(0), Some(40 + 200));
		assert_eq!(StorageMarket::expires_at(1), Some(40 + 100));
		assert_eq!(Lifetimes::<Test>::get(0).unwrap().amount, 200);
		// Runs once.
		MigrateV1ToV2::<Test, MiningOf>::on_runtime_upgrade();
		assert_eq!(Expiries::<Test>::get(140).len(), 1);
	});
}

polkadot_sdk::frame_support::parameter_types! {
	pub MiningOf: MiningConfig<Balance, u64> = MINING;
}
