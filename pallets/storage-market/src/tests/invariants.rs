//! `do_try_state` passes on what the calls leave and catches each kind of corruption.

use super::*;
use polkadot_sdk::frame_support::{assert_ok, traits::fungible::MutateHold};

/// A chain with two files (one across a pool boundary) and one node.
fn populated() {
	assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(ALICE), 5000, ROOT, [1; 32], 3));
	assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(BOB), 300, [9; 32], [0; 32], 1));
	assert_ok!(StorageMarket::register_node(
		RuntimeOrigin::signed(ALICE),
		endpoint("http://a"),
		Some(FULL),
		100
	));
	assert_ok!(StorageMarket::do_try_state());
}

fn broken(corrupt: impl FnOnce(), why: &'static str) {
	new_test_ext().execute_with(|| {
		populated();
		corrupt();
		let err = StorageMarket::do_try_state().expect_err("corruption is caught");
		assert_eq!(err, DispatchError::Other(why), "caught as {err:?}");
	})
}

use polkadot_sdk::sp_runtime::DispatchError;

#[test]
fn the_flow_must_be_contiguous() {
	broken(|| FlowLength::<Test>::put(1), "FlowLength is not where the last entry ends");
	broken(
		|| Entries::<Test>::mutate(1, |e| e.as_mut().unwrap().start_sector += 1),
		"a flow entry does not start where the last ended",
	);
	broken(|| Entries::<Test>::remove(0), "a flow entry below EntryCount is missing");
	broken(|| EntryCount::<Test>::put(1), "entries beyond EntryCount");
}

#[test]
fn every_file_id_leads_to_its_entry() {
	broken(
		|| EntryById::<Test>::remove(id(300, [9; 32], [0; 32])),
		"a flow entry's id is not indexed",
	);
	broken(
		|| EntryById::<Test>::insert(id(300, [9; 32], [0; 32]), 0),
		"a file id leads to another file's entry",
	);
	broken(|| EntryById::<Test>::insert([3; 32], 9), "a file id leads to no entry");
}

#[test]
fn pools_hold_exactly_the_fees() {
	broken(
		|| RewardPools::<Test>::mutate(0, |p| *p += 1),
		"the reward pools do not hold exactly the fees paid and the bonds slashed",
	);
	broken(
		|| PoolReleases::<Test>::mutate(0, |p| p.paid = p.released + 1),
		"a pool paid miners more than it released",
	);
	broken(
		|| PoolReleases::<Test>::mutate(0, |p| p.released += 1_000_000),
		"the pools released more than they were paid",
	);
}

#[test]
fn live_entries_are_queued_at_their_end() {
	broken(|| Expiries::<Test>::remove(101), "a live entry is not queued at its end");
	broken(
		|| Lifetimes::<Test>::mutate(0, |t| t.as_mut().unwrap().end = 7),
		"a live entry is not queued at its end",
	);
	broken(|| Lifetimes::<Test>::remove(1), "a queued entry is not live");
}

#[test]
fn node_slots_and_audits_are_consistent() {
	broken(|| SlotOf::<Test>::remove(ALICE), "a node's slot does not lead back");
	broken(
		|| {
			OpenAudits::<Test>::mutate(ALICE, |o| o.try_push(3).unwrap());
		},
		"an open audit is not recorded",
	);
}

#[test]
fn a_nodes_hold_matches_its_bond() {
	broken(
		|| {
			assert_ok!(Balances::hold(&HoldReason::NodeBond.into(), &ALICE, 1));
		},
		"a node's held bond differs from its recorded bond",
	);
}

#[test]
fn invariants_hold_through_every_call() {
	ExtBuilder.build_and_execute(populated);
}
