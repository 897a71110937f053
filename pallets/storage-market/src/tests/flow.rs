//! Submissions, fees, pools, quotes and prices.

use super::*;
use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::Inspect},
	sp_runtime::{DispatchError, TokenError},
};
use zerog_storage_primitives::{MAX_FILE_SIZE, SEGMENT_SIZE};

#[test]
fn submit_appends_to_the_flow_and_charges_the_fee() {
	ExtBuilder.build_and_execute(|| {
		let size = SEGMENT_SIZE as u64 + 1; // 1025 sectors
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), size, ROOT, [1; 32], 12));
		let fee = 1025 * 12 * PRICE;
		assert_eq!(Balances::balance(&ALICE), INITIAL - fee);
		assert_eq!(
			Balances::balance(&StorageMarket::account_id()),
			Balances::minimum_balance() + fee
		);
		assert_eq!(FlowLength::<Test>::get(), 1025);
		assert_eq!(EntryCount::<Test>::get(), 1);
		let entry = Entries::<Test>::get(0).unwrap();
		assert_eq!(entry.submission, Submission { size, root: ROOT, tags: [1; 32] });
		assert_eq!((entry.start_sector, entry.sectors, entry.fee), (0, 1025, fee));
		assert_eq!(RewardPools::<Test>::get(0), fee);
		assert_eq!(
			last_event(),
			Event::Submitted {
				seq: 0,
				submitter: ALICE,
				id: id(size, ROOT, [1; 32]),
				root: ROOT,
				size,
				start_sector: 0,
				sectors: 1025,
				fee
			}
			.into()
		);

		// The next entry starts where the flow ended.
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(BOB), 10, [9; 32], [0; 32], 1));
		let second = Entries::<Test>::get(1).unwrap();
		assert_eq!((second.start_sector, second.sectors), (1025, 1));
		assert_eq!(FlowLength::<Test>::get(), 1026);
		assert_eq!(StorageMarket::file_status(id(10, [9; 32], [0; 32])).unwrap().0, 1);
		assert_eq!(StorageMarket::file_status(id(size, ROOT, [1; 32])).unwrap().0, 0);
		// Files are found by id, not by root.
		assert!(StorageMarket::file_status(ROOT).is_none());
		assert!(StorageMarket::file_status([0; 32]).is_none());
	});
}

#[test]
fn a_file_is_submitted_and_paid_for_once() {
	ExtBuilder.build_and_execute(|| {
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), 100, ROOT, [0; 32], 1));
		let paid = Balances::balance(&BOB);
		// The same root, size and tags again (a retried upload, or anyone else): refused
		// before any fee moves, and the first entry stays the file's.
		assert_noop!(
			StorageMarket::submit(RuntimeOrigin::signed(BOB), 100, ROOT, [0; 32], 1),
			Error::<Test>::AlreadySubmitted
		);
		assert_noop!(
			StorageMarket::submit(RuntimeOrigin::signed(ALICE), 100, ROOT, [0; 32], 6),
			Error::<Test>::AlreadySubmitted
		);
		assert_eq!(Balances::balance(&BOB), paid);
		assert_eq!(EntryCount::<Test>::get(), 1);
		assert_eq!(StorageMarket::file_status(id(100, ROOT, [0; 32])).unwrap().0, 0);
	});
}

#[test]
fn squatting_a_root_does_not_change_the_owners_file() {
	ExtBuilder.build_and_execute(|| {
		// A squatter sees a root (e.g. in the pool) and submits it first, claiming a size
		// 100 bytes short and other tags.
		let (size, tags) = (10_000u64, [3u8; 32]);
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(BOB), size - 100, ROOT, [9; 32], 1));
		// The owner's submission of the real file is still accepted, as its own entry...
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), size, ROOT, tags, 1));
		// ...and a lookup of the owner's file gives the owner's size and tags, whatever
		// was submitted under the same root before.
		let (seq, entry) = StorageMarket::file_status(id(size, ROOT, tags)).unwrap();
		assert_eq!(seq, 1);
		assert_eq!(entry.submitter, ALICE);
		assert_eq!(entry.submission, Submission { size, root: ROOT, tags });
		let (seq, entry) = StorageMarket::file_status(id(size - 100, ROOT, [9; 32])).unwrap();
		assert_eq!((seq, entry.submitter), (0, BOB));
	});
}

#[test]
fn fees_split_across_pricing_chunks() {
	ExtBuilder.build_and_execute(|| {
		// Fill the flow up to 10 sectors before the first pricing-chunk boundary.
		fill_flow_to(SECTORS_PER_PRICING_CHUNK - 10);
		let size = 40 * CHUNK_SIZE as u64; // 40 sectors: 10 in chunk 0, 30 in chunk 1
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), size, ROOT, [0; 32], 3));
		let fee = 40 * 3 * PRICE;
		assert_eq!(RewardPools::<Test>::get(0), fee / 4);
		assert_eq!(RewardPools::<Test>::get(1), fee * 3 / 4);
		assert_eq!(RewardPools::<Test>::get(0) + RewardPools::<Test>::get(1), fee);
	});
}

#[test]
fn submit_errors() {
	ExtBuilder.build_and_execute(|| {
		let alice = RuntimeOrigin::signed(ALICE);
		assert_noop!(
			StorageMarket::submit(alice.clone(), 0, ROOT, [0; 32], 1),
			Error::<Test>::EmptyFile
		);
		assert_noop!(
			StorageMarket::submit(alice.clone(), MAX_FILE_SIZE + 1, ROOT, [0; 32], 1),
			Error::<Test>::FileTooLarge
		);
		assert_noop!(
			StorageMarket::submit(alice.clone(), 1, ROOT, [0; 32], 0),
			Error::<Test>::InvalidLifetime
		);
		assert_noop!(
			StorageMarket::submit(alice.clone(), 1, ROOT, [0; 32], 121),
			Error::<Test>::InvalidLifetime
		);
		// Too poor: nothing is appended, nothing is taken.
		assert_noop!(
			StorageMarket::submit(RuntimeOrigin::signed(POOR), 1 << 20, ROOT, [0; 32], 1),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
		assert_noop!(
			StorageMarket::submit(RuntimeOrigin::none(), 1, ROOT, [0; 32], 1),
			DispatchError::BadOrigin
		);
		// A price so high the fee overflows.
		PricePerSectorMonth::<Test>::put(u128::MAX / 2);
		assert_noop!(
			StorageMarket::submit(alice, 1024, ROOT, [0; 32], 10),
			Error::<Test>::Overflow
		);
		assert_eq!(EntryCount::<Test>::get(), 0);
	});
}

#[test]
fn price_is_set_by_governance_only() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			StorageMarket::set_price(RuntimeOrigin::signed(ALICE), 5),
			DispatchError::BadOrigin
		);
		assert_ok!(StorageMarket::set_price(RuntimeOrigin::root(), 5));
		assert_eq!(PricePerSectorMonth::<Test>::get(), 5);
		assert_eq!(last_event(), Event::PriceSet { price: 5 }.into());
		assert_eq!(StorageMarket::fee_for(257, 2), Some(2 * 2 * 5));
	});
}

#[test]
fn quote_matches_what_submit_charges_and_refuses_what_submit_refuses() {
	ExtBuilder.build_and_execute(|| {
		let quoted = StorageMarket::quote(SEGMENT_SIZE as u64 * 3, 6).unwrap();
		let before = Balances::balance(&ALICE);
		assert_ok!(StorageMarket::submit(
			RuntimeOrigin::signed(ALICE),
			SEGMENT_SIZE as u64 * 3,
			ROOT,
			[0; 32],
			6
		));
		assert_eq!(before - Balances::balance(&ALICE), quoted);
		assert_eq!(StorageMarket::quote(0, 1), None);
		assert_eq!(StorageMarket::quote(MAX_FILE_SIZE + 1, 1), None);
		assert_eq!(StorageMarket::quote(1, 0), None);
		assert_eq!(StorageMarket::quote(1, 121), None);
	});
}

#[test]
fn submit_weight_covers_the_pools_it_may_credit() {
	assert_eq!(max_pools_touched(1), 2);
	assert_eq!(max_pools_touched(MAX_FILE_SIZE), MAX_POOLS_TOUCHED);
	assert_eq!(MAX_POOLS_TOUCHED, 129);
	assert_eq!(max_pools_touched(u64::MAX), MAX_POOLS_TOUCHED);
	ExtBuilder.build_and_execute(|| {
		// A file straddling a boundary credits two pools, as the bound allows.
		fill_flow_to(SECTORS_PER_PRICING_CHUNK - 1);
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), 512, ROOT, [0; 32], 1));
		let credited = RewardPools::<Test>::iter().count() as u32;
		assert_eq!(credited, 2);
		assert!(credited <= max_pools_touched(512));
	});
}
