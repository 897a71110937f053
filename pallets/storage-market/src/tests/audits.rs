//! Audits: issued to registered nodes at random, passed with the right proof, slashed
//! for a wrong one or for silence, and the slash released to the audited data's pool.

use super::*;
use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::Pays, traits::fungible::InspectHold},
	sp_runtime::Perbill,
};
use zerog_storage_primitives::{pora, FileMerkleTree, SEGMENT_SIZE};

const AUDITS: AuditConfig<u64> =
	AuditConfig { period: 5, window: 4, slash: Perbill::from_percent(10) };

/// A node registered with a bond of 1,000 and a 3-segment file, audits on.
fn audited() -> Vec<u8> {
	assert_ok!(StorageMarket::register_node(
		RuntimeOrigin::signed(ALICE),
		endpoint("http://a"),
		Some(FULL),
		1_000
	));
	assert_ok!(StorageMarket::set_audit_config(RuntimeOrigin::root(), AUDITS));
	let data = file_bytes(3 * SEGMENT_SIZE - 100, 5);
	submit_file(BOB, &data, 1);
	data
}

/// The open audit, once one is issued.
fn next_audit() -> (u64, OpenAuditOf<Test>) {
	run_to_block(5);
	Audits::<Test>::iter().next().expect("an audit at block 5")
}

fn proof_for(data: &[u8], audit: &OpenAuditOf<Test>) -> AuditProof {
	let tree = FileMerkleTree::from_data(data);
	let lo = audit.segment as usize * SEGMENT_SIZE;
	let hi = (lo + SEGMENT_SIZE).min(data.len());
	pora::audit_proof(&data[lo..hi], audit.unit, tree.segment_proof(audit.segment).unwrap())
		.unwrap()
}

fn bond() -> Balance {
	Balances::balance_on_hold(&HoldReason::NodeBond.into(), &ALICE)
}

#[test]
fn an_audit_answered_with_the_data_passes_for_free() {
	ExtBuilder.build_and_execute(|| {
		let data = audited();
		let (id, audit) = next_audit();
		assert_eq!((audit.node, audit.entry, audit.deadline), (ALICE, 0, 9));
		assert_eq!(OpenAudits::<Test>::get(ALICE).into_inner(), vec![id]);
		assert_noop!(
			StorageMarket::withdraw_bond(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NotUnbonding
		);
		let proof = proof_for(&data, &audit);
		assert_noop!(
			StorageMarket::answer_audit(RuntimeOrigin::signed(BOB), id, Box::new(proof.clone())),
			Error::<Test>::NotYourAudit
		);
		let info =
			StorageMarket::answer_audit(RuntimeOrigin::signed(ALICE), id, Box::new(proof)).unwrap();
		assert_eq!(info.pays_fee, Pays::No);
		assert_eq!(last_event(), Event::AuditPassed { id, node: ALICE }.into());
		assert!(OpenAudits::<Test>::get(ALICE).is_empty());
		run_to_block(9);
		assert_eq!(bond(), 1_000, "nothing slashed at the deadline");
		assert_noop!(
			StorageMarket::answer_audit(
				RuntimeOrigin::signed(ALICE),
				id,
				Box::new(proof_for(&data, &audit))
			),
			Error::<Test>::UnknownAudit
		);
	})
}

#[test]
fn a_wrong_proof_is_slashed_like_silence() {
	ExtBuilder.build_and_execute(|| {
		let data = audited();
		let (id, audit) = next_audit();
		let mut proof = proof_for(&data, &audit);
		proof.unit[9] ^= 1;
		let pools = RewardPools::<Test>::get(0);
		assert_ok!(StorageMarket::answer_audit(RuntimeOrigin::signed(ALICE), id, Box::new(proof)));
		assert_eq!(
			last_event(),
			Event::AuditFailed { id, node: ALICE, slashed: 100, why: AuditFailure::BadProof }
				.into()
		);
		assert_eq!(bond(), 900);
		assert_eq!(Nodes::<Test>::get(ALICE).unwrap().bond, 900);
		// The slash is released at once to the audited data's pool.
		assert_eq!(RewardPools::<Test>::get(0), pools + 100);
		assert_eq!(Slashed::<Test>::get(), 100);
	})
}

#[test]
fn a_missed_audit_is_slashed_at_its_deadline() {
	ExtBuilder.build_and_execute(|| {
		audited();
		let (id, audit) = next_audit();
		run_to_block(audit.deadline - 1);
		assert_eq!(bond(), 1_000);
		run_to_block(audit.deadline);
		assert_eq!(bond(), 900);
		assert!(System::events().iter().any(|r| r.event
			== Event::AuditFailed { id, node: ALICE, slashed: 100, why: AuditFailure::Missed }
				.into()));
		assert!(Audits::<Test>::get(id).is_none());
		// Audits keep coming: every 5 blocks, each slashing 10 % of what is left.
		run_to_block(30);
		assert!(bond() < 900);
	})
}

#[test]
fn audits_draw_only_live_data_in_the_node_shard() {
	ExtBuilder.build_and_execute(|| {
		assert_ok!(StorageMarket::register_node(
			RuntimeOrigin::signed(ALICE),
			endpoint("http://a"),
			Some(ShardConfig { shard_id: 1, num_shard: 2 }),
			1_000
		));
		assert_ok!(StorageMarket::set_audit_config(RuntimeOrigin::root(), AUDITS));
		submit_file(BOB, &file_bytes(4 * SEGMENT_SIZE, 1), 1);
		for block in (5..100).step_by(5) {
			run_to_block(block);
			for (_, a) in Audits::<Test>::iter() {
				assert_eq!(a.segment % 2, 1, "shard 1 of 2 holds odd segments");
			}
		}
		// After the file expires (block 101) nothing is left to audit.
		run_to_block(120);
		let before = NextAuditId::<Test>::get();
		run_to_block(140);
		assert_eq!(NextAuditId::<Test>::get(), before);
	})
}

#[test]
fn the_entry_holding_a_sector_is_found_by_search() {
	ExtBuilder.build_and_execute(|| {
		let sizes = [1000u64, 256, 70_000, 1, 512];
		for (i, s) in sizes.iter().enumerate() {
			submit_file(BOB, &file_bytes(*s as usize, i as u8), 1);
		}
		for (seq, e) in Entries::<Test>::iter() {
			for sector in [e.start_sector, e.start_sector + e.sectors - 1] {
				assert_eq!(StorageMarket::entry_holding(sector).map(|(s, _)| s), Some(seq));
			}
		}
		assert!(StorageMarket::entry_holding(FlowLength::<Test>::get()).is_none());
	})
}
