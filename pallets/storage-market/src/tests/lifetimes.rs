//! Paid lifetimes: release over the lifetime, expiry, renewal, the expiry queue.

use super::*;
use crate::{mock::*, *};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

/// The whole pool of chunk 0 as released at the current block.
fn released() -> Balance {
	let mut pool = PoolReleases::<Test>::get(0);
	StorageMarket::bring_up_to(&mut pool, System::block_number());
	pool.released
}

#[test]
fn a_fee_is_released_linearly_and_the_entry_expires_at_its_end() {
	ExtBuilder.build_and_execute(|| {
		// 1,000 bytes = 4 sectors; 3 months at 100 blocks each: 12 units over 300 blocks.
		let seq = submit_file(ALICE, &file_bytes(1000, 0), 3);
		let fee = Entries::<Test>::get(seq).unwrap().fee;
		assert_eq!(fee, 12);
		assert_eq!(StorageMarket::expires_at(seq), Some(301));
		assert_eq!(Lifetimes::<Test>::get(seq).unwrap().amount, fee);
		run_to_block(151);
		// 12 / 300 rounds down to 0 a block: all of it is released at the end.
		assert_eq!(released(), 0);
		run_to_block(300);
		assert!(StorageMarket::live_entry(seq).is_ok());
		run_to_block(301);
		assert_eq!(released(), fee, "exactly the fee, rounding included");
		assert!(StorageMarket::live_entry(seq).is_err());
		assert_eq!(StorageMarket::expires_at(seq), None);
		assert!(System::events().iter().any(|r| r.event == Event::Expired { seq }.into()));
		// Expired entries cannot be renewed: their data may be gone.
		assert_noop!(
			StorageMarket::renew(RuntimeOrigin::signed(ALICE), seq, 1),
			Error::<Test>::EntryNotLive
		);
		assert_noop!(
			StorageMarket::renew(RuntimeOrigin::signed(ALICE), 99, 1),
			Error::<Test>::UnknownEntry
		);
	})
}

#[test]
fn a_large_fee_releases_per_block() {
	ExtBuilder.build_and_execute(|| {
		let seq = submit_file(ALICE, &file_bytes(100 * 256, 0), 1);
		let fee = Entries::<Test>::get(seq).unwrap().fee;
		assert_eq!(fee, 100);
		run_to_block(51);
		assert_eq!(released(), 50);
		run_to_block(101);
		assert_eq!(released(), 100);
	})
}

#[test]
fn renewal_extends_the_lifetime_and_releases_the_rest_over_it() {
	ExtBuilder.build_and_execute(|| {
		let seq = submit_file(ALICE, &file_bytes(100 * 256, 0), 1);
		run_to_block(51);
		let payer = Balances::balance(&BOB);
		assert_ok!(StorageMarket::renew(RuntimeOrigin::signed(BOB), seq, 2));
		assert_eq!(Balances::balance(&BOB), payer - 200, "two months at 100 sectors");
		assert_eq!(
			last_event(),
			Event::Renewed { seq, months: 2, fee: 200, expires_at: 301 }.into()
		);
		let entry = Entries::<Test>::get(seq).unwrap();
		assert_eq!((entry.fee, entry.lifetime_months), (300, 3));
		// 50 released; the other 250 over blocks 51..301.
		let t = Lifetimes::<Test>::get(seq).unwrap();
		assert_eq!((t.amount, t.start, t.end), (250, 51, 301));
		assert!(Expiries::<Test>::get(101).is_empty(), "the old end is unqueued");
		run_to_block(101);
		assert!(StorageMarket::live_entry(seq).is_ok(), "kept past its first end");
		assert_eq!(released(), 50 + 50);
		run_to_block(301);
		assert!(StorageMarket::live_entry(seq).is_err());
		assert_eq!(released(), 300);
	})
}

#[test]
fn a_full_expiry_block_moves_entries_to_the_next() {
	ExtBuilder.build_and_execute(|| {
		let seqs: Vec<_> = (0..6).map(|i| submit_file(ALICE, &file_bytes(300, i), 1)).collect();
		assert_eq!(Expiries::<Test>::get(101).len(), 4);
		assert_eq!(Expiries::<Test>::get(102).len(), 2);
		assert_eq!(StorageMarket::expires_at(seqs[5]), Some(102));
		run_to_block(102);
		assert!(seqs.iter().all(|s| StorageMarket::live_entry(*s).is_err()));
	})
}
