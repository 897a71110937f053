use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec},
	sp_core::Pair,
	sp_runtime::MultiSignature,
};
use zerog_da_primitives::{commitments_root, rows_for, MAX_BLOB_SIZE, ROW_DATA_BYTES};

fn origin(name: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(name))
}

fn register(name: &str, bond: Balance) {
	let endpoint: BoundedVec<u8, MaxEndpointLen> =
		BoundedVec::truncate_from(format!("http://{name}").into_bytes());
	assert_ok!(DaCommitments::register_signer(
		origin(name),
		account(&format!("{name}key")),
		endpoint,
		bond
	));
}

fn commitments(size: u64, seed: u8) -> BoundedVec<Commitment, MaxRows> {
	BoundedVec::truncate_from(
		(0..rows_for(size)).map(|r| [seed.wrapping_add(r as u8); 48]).collect(),
	)
}

/// Registers signers with `bonds` (in thousands) and starts epoch 1 with them.
fn quorum(bonds: &[(&str, Balance)]) {
	for (name, bond) in bonds {
		register(name, bond * 1_000);
	}
	run_to(10);
	assert_eq!(CurrentEpoch::<Test>::get(), 1);
}

fn submit(size: u64) -> BlobId {
	let id = NextBlobId::<Test>::get();
	assert_ok!(DaCommitments::submit(origin("Sam"), size, commitments(size, id as u8)));
	id
}

fn attestation(id: BlobId) -> Attestation {
	let blob = Blobs::<Test>::get(id).unwrap();
	Attestation { blob: id, root: blob.root, size: blob.size, epoch: blob.epoch }
}

fn signed_for(signer: &str, a: &Attestation, key_name: &str) -> MultiSignature {
	MultiSignature::Sr25519(
		key(key_name).sign(&DaCommitments::attestation_payload(&account(signer), a)),
	)
}

fn signed(a: &Attestation, key_name: &str) -> MultiSignature {
	signed_for(key_name.trim_end_matches("key"), a, key_name)
}

fn attest(id: BlobId, signer: &str) -> polkadot_sdk::sp_runtime::DispatchResult {
	let a = attestation(id);
	DaCommitments::attest(
		origin("Eve"),
		account(signer),
		a.clone(),
		signed(&a, &format!("{signer}key")),
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

fn held(name: &str) -> Balance {
	Balances::balance_on_hold(&HoldReason::SignerBond.into(), &account(name))
}

#[test]
fn signers_register_with_a_held_bond() {
	new_test_ext().execute_with(|| {
		register("S1", 1_000);
		assert_eq!(held("S1"), 1_000);
		assert_eq!(Signers::<Test>::get(account("S1")).unwrap().key, account("S1key"));
		let endpoint = || BoundedVec::truncate_from(b"http://x".to_vec());
		assert_noop!(
			DaCommitments::register_signer(origin("S1"), account("S1key"), endpoint(), 1_000),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			DaCommitments::register_signer(origin("S2"), account("S2key"), endpoint(), 999),
			Error::<Test>::BondTooLow
		);
		for n in 2..=8 {
			register(&format!("S{n}"), 1_000);
		}
		assert_noop!(
			DaCommitments::register_signer(origin("S9"), account("S9key"), endpoint(), 1_000),
			Error::<Test>::TooManySigners
		);
	});
}

#[test]
fn quorums_share_the_columns_by_stake() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1), ("S2", 2), ("S3", 5)]);
		let q = Quorums::<Test>::get(1).unwrap();
		let cols: Vec<_> = q.iter().map(|m| (m.signer.clone(), m.columns)).collect();
		let expect = |n: &str, c: u16| {
			assert!(cols.contains(&(account(n), c)), "{n} should hold {c}: {cols:?}")
		};
		expect("S1", 16);
		expect("S2", 32);
		expect("S3", 80);
		assert!(q.iter().all(|m| m.key
			== account(&format!(
				"{}key",
				["S1", "S2", "S3"].iter().find(|n| account(n) == m.signer).unwrap()
			))));
		System::assert_has_event(Event::EpochStarted { epoch: 1, signers: 3 }.into());

		// Uneven shares: largest remainders, then account order; every column is given.
		let three: Vec<_> =
			["S4", "S5", "S6"].iter().map(|n| (account(n), account(n), 1_000u128)).collect();
		let m = DaCommitments::assign_columns(&three);
		assert_eq!(m.iter().map(|m| m.columns).collect::<Vec<_>>(), vec![43, 43, 42]);
		// A stake too small for one column gets none and is left out.
		let tiny =
			vec![(account("S1"), account("S1"), 1_000_000u128), (account("S2"), account("S2"), 1)];
		let m = DaCommitments::assign_columns(&tiny);
		assert_eq!(m.len(), 1);
		assert_eq!(m[0].columns, COLUMNS);
		assert!(DaCommitments::assign_columns(&[]).is_empty());
	});
}

#[test]
fn submit_checks_the_shape_and_takes_the_fee() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			DaCommitments::submit(origin("Sam"), 1000, commitments(1000, 0)),
			Error::<Test>::NoQuorum
		);
		quorum(&[("S1", 1)]);
		let before = Balances::free_balance(account("Sam"));
		let id = submit(1000);
		let blob = Blobs::<Test>::get(id).unwrap();
		assert_eq!(blob.fee, 1000);
		assert_eq!(blob.root, commitments_root(&commitments(1000, 0)));
		assert_eq!(blob.status, BlobStatus::Processing { deadline: 15 });
		assert_eq!(Balances::free_balance(account("Sam")), before - 1000);
		// On top of the existential deposit the pallet account was endowed with at genesis.
		assert_eq!(Balances::free_balance(DaCommitments::account_id()), 1 + 1000);

		assert_noop!(
			DaCommitments::submit(origin("Sam"), 0, commitments(1, 0)),
			Error::<Test>::EmptyBlob
		);
		assert_noop!(
			DaCommitments::submit(origin("Sam"), MAX_BLOB_SIZE + 1, commitments(MAX_BLOB_SIZE, 0)),
			Error::<Test>::BlobTooLarge
		);
		let two_rows = ROW_DATA_BYTES as u64 + 1;
		assert_noop!(
			DaCommitments::submit(origin("Sam"), two_rows, commitments(1, 0)),
			Error::<Test>::WrongRowCount
		);
		// MaxBlobsPerBlock (3) windows may end in one block.
		submit(10);
		submit(10);
		assert_noop!(
			DaCommitments::submit(origin("Sam"), 10, commitments(10, 0)),
			Error::<Test>::TooManyBlobsInBlock
		);
	});
}

#[test]
fn a_fee_that_overflows_or_cannot_be_paid_records_nothing() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1)]);
		PricePerByte::set(&(Balance::MAX / 2));
		assert_noop!(
			DaCommitments::submit(origin("Sam"), 1000, commitments(1000, 0)),
			Error::<Test>::Overflow
		);
		PricePerByte::set(&1);
		// "Nobody" holds nothing: the fee transfer fails and no blob, deadline or id is taken.
		assert!(DaCommitments::submit(origin("Nobody"), 1000, commitments(1000, 0)).is_err());
		assert_eq!(NextBlobId::<Test>::get(), 0);
		assert!(Blobs::<Test>::get(0).is_none() && BlobCommitments::<Test>::get(0).is_none());
		assert!(Deadlines::<Test>::iter().next().is_none());
	});
}

#[test]
fn two_thirds_of_the_columns_confirm_at_the_boundary_and_are_paid() {
	new_test_ext().execute_with(|| {
		// 85 + 1 + 42 columns.
		quorum(&[("S1", 85), ("S2", 1), ("S3", 42)]);
		let id = submit(1000);
		let (s1, s2) =
			(Balances::free_balance(account("S1")), Balances::free_balance(account("S2")));
		assert_ok!(attest(id, "S1"));
		// 85 of 128 is below two thirds (85.33).
		assert_eq!(Blobs::<Test>::get(id).unwrap().signed_columns, 85);
		assert!(matches!(Blobs::<Test>::get(id).unwrap().status, BlobStatus::Processing { .. }));
		assert_ok!(attest(id, "S2"));
		let blob = Blobs::<Test>::get(id).unwrap();
		assert_eq!((blob.signed_columns, blob.status), (86, BlobStatus::Confirmed { at: 10 }));
		System::assert_has_event(Event::BlobConfirmed { id }.into());
		// The fee, 1000: 10 % (100) to the challenge pool, 900 split 85 : 1 between the
		// attesters (889.5 : 10.5, rounded down, the remainder to the larger).
		assert_eq!(Balances::free_balance(account("S1")) - s1, 890);
		assert_eq!(Balances::free_balance(account("S2")) - s2, 10);
		assert_eq!(RewardPool::<Test>::get(), 100);
		assert_eq!(Balances::free_balance(DaCommitments::account_id()), 1 + 100);
		// Late attestations change nothing.
		assert_noop!(attest(id, "S3"), Error::<Test>::NotProcessing);
		assert!(DaCommitments::is_confirmed(86) && !DaCommitments::is_confirmed(85));
	});
}

#[test]
fn forged_replayed_foreign_and_out_of_epoch_attestations_are_refused() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1), ("S2", 1)]);
		let id = submit(1000);
		let a = attestation(id);
		// Signed with another key than the signer's.
		assert_noop!(
			DaCommitments::attest(origin("Eve"), account("S1"), a.clone(), signed(&a, "S2key")),
			Error::<Test>::BadSignature
		);
		// A signature over another attestation.
		let other = Attestation { size: 999, ..a.clone() };
		assert_noop!(
			DaCommitments::attest(origin("Eve"), account("S1"), a.clone(), signed(&other, "S1key")),
			Error::<Test>::BadSignature
		);
		assert_noop!(
			DaCommitments::attest(
				origin("Eve"),
				account("S1"),
				other.clone(),
				signed(&other, "S1key")
			),
			Error::<Test>::WrongBlob
		);
		// Out of epoch: signed for the next epoch's quorum.
		let later = Attestation { epoch: 2, ..a.clone() };
		assert_noop!(
			DaCommitments::attest(
				origin("Eve"),
				account("S1"),
				later.clone(),
				signed(&later, "S1key")
			),
			Error::<Test>::WrongEpoch
		);
		// Not in the quorum.
		assert_noop!(attest(id, "S3"), Error::<Test>::NotInQuorum);
		assert_noop!(
			DaCommitments::attest(
				origin("Eve"),
				account("S1"),
				Attestation { blob: 9, ..a.clone() },
				signed(&a, "S1key")
			),
			Error::<Test>::UnknownBlob
		);
		// Replay.
		assert_ok!(attest(id, "S1"));
		assert_noop!(attest(id, "S1"), Error::<Test>::AlreadyAttested);
	});
}

#[test]
fn a_blob_without_enough_signatures_fails_at_its_deadline_and_is_refunded() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1), ("S2", 1)]);
		let before = Balances::free_balance(account("Sam"));
		let id = submit(5000);
		assert_ok!(attest(id, "S1"));
		run_to(14);
		assert!(matches!(Blobs::<Test>::get(id).unwrap().status, BlobStatus::Processing { .. }));
		run_to(15);
		assert_eq!(Blobs::<Test>::get(id).unwrap().status, BlobStatus::InsufficientSignatures);
		assert!(
			BlobCommitments::<Test>::get(id).is_none(),
			"a failed blob's commitments are dropped"
		);
		System::assert_has_event(Event::BlobFailed { id, signed_columns: 64 }.into());
		assert_eq!(Balances::free_balance(account("Sam")), before);
		assert_noop!(attest(id, "S2"), Error::<Test>::NotProcessing);
	});
}

#[test]
fn a_leaving_signer_drops_out_of_quorums_and_gets_its_bond_back_later() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1), ("S2", 1)]);
		assert_ok!(DaCommitments::leave(origin("S1")));
		assert_noop!(DaCommitments::leave(origin("S1")), Error::<Test>::AlreadyLeaving);
		assert_noop!(DaCommitments::leave(origin("S9")), Error::<Test>::NotSigner);
		System::assert_has_event(Event::SignerLeaving { signer: account("S1"), epoch: 2 }.into());
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::StillBonded);
		assert_noop!(DaCommitments::withdraw_bond(origin("S2")), Error::<Test>::StillBonded);
		run_to(20);
		let q = Quorums::<Test>::get(2).unwrap();
		assert_eq!(
			q.iter().map(|m| (m.signer.clone(), m.columns)).collect::<Vec<_>>(),
			vec![(account("S2"), COLUMNS)]
		);
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::StillBonded);
		run_to(40);
		assert_ok!(DaCommitments::withdraw_bond(origin("S1")));
		assert_eq!(held("S1"), 0);
		assert!(Signers::<Test>::get(account("S1")).is_none());
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::NotSigner);
	});
}

/// The cell fixture `zerog-da-encoding` writes: a row commitment, that row's column-5
/// cell and its KZG proof.
fn fixture() -> (Commitment, [u8; CELL_BYTES], CellProof) {
	let bytes = include_bytes!("cell-fixture.bin");
	(
		bytes[..48].try_into().unwrap(),
		bytes[48..48 + CELL_BYTES].try_into().unwrap(),
		bytes[48 + CELL_BYTES..].try_into().unwrap(),
	)
}

/// Submits a one-row blob whose commitment is the fixture's and confirms it with `signers`.
fn confirmed_fixture_blob(signers: &[&str]) -> BlobId {
	let id = NextBlobId::<Test>::get();
	assert_ok!(DaCommitments::submit(
		origin("Sam"),
		1000,
		BoundedVec::truncate_from(vec![fixture().0])
	));
	for s in signers {
		assert_ok!(attest(id, s));
	}
	assert!(matches!(Blobs::<Test>::get(id).unwrap().status, BlobStatus::Confirmed { .. }));
	id
}

fn issued() -> Vec<(ChallengeId, BlobId, u32, u16, AccountId)> {
	System::events()
		.into_iter()
		.filter_map(|e| match e.event {
			RuntimeEvent::DaCommitments(Event::ChallengeIssued {
				id,
				blob,
				row,
				column,
				signer,
				..
			}) => Some((id, blob, row, column, signer)),
			_ => None,
		})
		.collect()
}

#[test]
fn submit_keeps_the_commitments_and_genesis_endows_the_pallet_account() {
	new_test_ext().execute_with(|| {
		assert_eq!(Balances::free_balance(DaCommitments::account_id()), 1);
		quorum(&[("S1", 1)]);
		let id = submit(ROW_DATA_BYTES as u64 + 1);
		assert_eq!(
			BlobCommitments::<Test>::get(id).unwrap(),
			commitments(ROW_DATA_BYTES as u64 + 1, id as u8)
		);
		let view = DaCommitments::quorum_view(1).unwrap();
		assert_eq!(view.members.len(), 1);
		assert_eq!((view.members[0].first_column, view.members[0].columns), (0, COLUMNS));
		assert_eq!(view.members[0].endpoint, b"http://S1".to_vec());
	});
}

#[test]
fn challenges_draw_a_cell_of_an_attesters_columns_in_confirmed_blobs_within_retention() {
	new_test_ext().execute_with(|| {
		// 85 columns (S1), 1 (S2), 42 (S3); S3 does not attest.
		quorum(&[("S1", 85), ("S2", 1), ("S3", 42)]);
		// A processing blob is never challenged.
		let pending = submit(2 * ROW_DATA_BYTES as u64);
		let id = NextBlobId::<Test>::get();
		assert_ok!(DaCommitments::submit(
			origin("Sam"),
			2 * ROW_DATA_BYTES as u64,
			commitments(2 * ROW_DATA_BYTES as u64, 7)
		));
		assert_ok!(attest(id, "S1"));
		assert_ok!(attest(id, "S2"));
		let _ = pending;
		run_to(29);
		let drawn = issued();
		assert!(
			drawn.len() >= 3,
			"challenges at blocks 12..28 that hit the confirmed blob: {drawn:?}"
		);
		let view = DaCommitments::quorum_view(1).unwrap();
		for (_, blob, row, column, signer) in &drawn {
			assert_eq!(*blob, id);
			assert!(*row < 2);
			assert!(
				*signer == account("S1") || *signer == account("S2"),
				"only attesters are challenged"
			);
			let m = view.members.iter().find(|m| m.signer == *signer).unwrap();
			assert!(
				(m.first_column..m.first_column + m.columns).contains(column),
				"{column} is not {signer:?}'s"
			);
		}
		// Epoch 3 (block 30) drops epoch 1's quorum: its blobs are out of retention.
		System::reset_events();
		run_to(48);
		assert!(issued().is_empty());
		assert_eq!(ChallengeFloor::<Test>::get(), 2);
	});
}

#[test]
fn commitments_of_blobs_out_of_retention_are_dropped_a_few_a_block() {
	new_test_ext().execute_with(|| {
		// A bond that outlasts the unanswered challenges of three epochs.
		quorum(&[("S1", 100)]);
		// Three confirmed blobs in epoch 1 (MaxPrunedPerBlock is 2).
		let ids: Vec<BlobId> = (0..3).map(|_| submit(1000)).collect();
		for id in &ids {
			assert_ok!(attest(*id, "S1"));
		}
		run_to(29);
		assert!(
			ids.iter().all(|id| BlobCommitments::<Test>::get(id).is_some()),
			"retained through epoch 2"
		);
		// The challenge drawn at block 28 is open until block 31.
		let open: Vec<BlobId> = Challenges::<Test>::iter().map(|(_, c)| c.blob).collect();
		assert_eq!(open.len(), 1);
		// Block 30 starts epoch 3: epoch 1 leaves retention; at most two blobs a block are
		// pruned, and none from the challenged one on while its challenge is open...
		run_to(30);
		assert_eq!(ChallengeFloor::<Test>::get(), 3);
		let pruned = PrunedBelow::<Test>::get();
		assert_eq!(pruned, open[0].min(2));
		for id in &ids {
			assert_eq!(BlobCommitments::<Test>::get(id).is_none(), *id < pruned, "blob {id}");
		}
		// ...then the challenge expires (block 31) and the rest go, two a block; the
		// records stay.
		run_to(32);
		assert!(ids.iter().all(|id| BlobCommitments::<Test>::get(id).is_none()));
		assert_eq!(PrunedBelow::<Test>::get(), 3);
		assert!(ids.iter().all(|id| matches!(
			Blobs::<Test>::get(id).unwrap().status,
			BlobStatus::Confirmed { .. }
		)));
		// A later blob keeps its commitments.
		let later = submit(1000);
		assert_ok!(attest(later, "S1"));
		run_to(40);
		assert!(BlobCommitments::<Test>::get(later).is_some());
	});
}

#[test]
fn an_answered_challenge_is_checked_with_kzg_and_rewarded_from_the_pool() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1)]);
		let blob = confirmed_fixture_blob(&["S1"]);
		assert_eq!(RewardPool::<Test>::get(), 100);
		run_to(12);
		let (cid, ..) = issued()[0].clone();
		// The draw picked some column of S1's; answer the fixture's column.
		Challenges::<Test>::mutate(cid, |c| c.as_mut().unwrap().column = 5);
		let (_, cell, proof) = fixture();
		let mut tampered = cell;
		tampered[7] ^= 0x10;
		assert_noop!(
			DaCommitments::respond(origin("Eve"), cid, tampered, proof),
			Error::<Test>::BadCellProof
		);
		let mut wrong = proof;
		wrong[47] ^= 1;
		assert_noop!(
			DaCommitments::respond(origin("Eve"), cid, cell, wrong),
			Error::<Test>::BadCellProof
		);
		assert_noop!(
			DaCommitments::respond(origin("Eve"), cid + 1, cell, proof),
			Error::<Test>::UnknownChallenge
		);
		let before = Balances::free_balance(account("S1"));
		// Anyone may relay the answer; the challenged signer is paid.
		assert_ok!(DaCommitments::respond(origin("Eve"), cid, cell, proof));
		System::assert_has_event(
			Event::ChallengeAnswered { id: cid, signer: account("S1"), reward: 50 }.into(),
		);
		assert_eq!(Balances::free_balance(account("S1")), before + 50);
		assert_eq!(RewardPool::<Test>::get(), 50);
		assert!(Challenges::<Test>::get(cid).is_none());
		assert_noop!(
			DaCommitments::respond(origin("Eve"), cid, cell, proof),
			Error::<Test>::UnknownChallenge
		);
		// The answered challenge does not slash at its deadline.
		run_to(15);
		assert_eq!(held("S1"), 1_000);
		let _ = blob;
	});
}

#[test]
fn an_unanswered_challenge_slashes_the_bond_into_the_pool() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1)]);
		confirmed_fixture_blob(&["S1"]);
		run_to(12);
		let (cid, ..) = issued()[0].clone();
		run_to(14);
		assert_eq!(held("S1"), 1_000);
		run_to(15);
		System::assert_has_event(
			Event::SignerSlashed { id: cid, signer: account("S1"), amount: 300 }.into(),
		);
		assert_eq!(held("S1"), 700);
		assert_eq!(Signers::<Test>::get(account("S1")).unwrap().bond, 700);
		assert_eq!(RewardPool::<Test>::get(), 100 + 300);
		assert_eq!(Balances::free_balance(DaCommitments::account_id()), 1 + 400);
		assert!(Challenges::<Test>::get(cid).is_none());
		// Too late now.
		let (_, cell, proof) = fixture();
		assert_noop!(
			DaCommitments::respond(origin("S1"), cid, cell, proof),
			Error::<Test>::UnknownChallenge
		);
	});
}

#[test]
fn an_attestation_that_does_not_confirm_is_charged_only_its_own_weight() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 85), ("S2", 1), ("S3", 42)]);
		let id = submit(1000);
		let a = attestation(id);
		let first =
			DaCommitments::attest(origin("Eve"), account("S1"), a.clone(), signed(&a, "S1key"))
				.unwrap();
		assert_eq!(first.actual_weight, Some(<() as WeightInfo>::attest()));
		assert!(
			<() as WeightInfo>::attest().ref_time()
				< <() as WeightInfo>::attest_confirming().ref_time()
		);
		// The confirming one pays every attester and is charged in full.
		let last =
			DaCommitments::attest(origin("Eve"), account("S2"), a.clone(), signed(&a, "S2key"))
				.unwrap();
		assert_eq!(last.actual_weight, None);
	});
}

#[test]
fn a_full_registry_takes_a_higher_bond_and_the_lowest_leaves() {
	new_test_ext().execute_with(|| {
		// MaxSigners (8) squatters at the minimum bond fill the registry.
		for i in 1..=8 {
			register(&format!("S{i}"), 1_000 + i as Balance);
		}
		let endpoint = || BoundedVec::truncate_from(b"http://S9".to_vec());
		// Another minimum bond cannot get in...
		assert_noop!(
			DaCommitments::register_signer(origin("S9"), account("S9key"), endpoint(), 1_001),
			Error::<Test>::TooManySigners
		);
		// ...a higher one displaces the lowest bonded (S1), who leaves from the next epoch.
		assert_ok!(DaCommitments::register_signer(
			origin("S9"),
			account("S9key"),
			endpoint(),
			5_000
		));
		System::assert_has_event(
			Event::SignerDisplaced { signer: account("S1"), by: account("S9"), epoch: 1 }.into(),
		);
		run_to(10);
		let q = Quorums::<Test>::get(1).unwrap();
		assert_eq!(q.len(), 8);
		assert!(q.iter().all(|m| m.signer != account("S1")));
		assert!(q.iter().any(|m| m.signer == account("S9")));
		// The displaced signer unbonds as if it had left.
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::StillBonded);
		run_to(30);
		assert_ok!(DaCommitments::withdraw_bond(origin("S1")));
	});
}

#[test]
fn leaving_signers_count_against_a_hard_cap() {
	new_test_ext().execute_with(|| {
		for i in 1..=8 {
			register(&format!("S{i}"), 1_000);
			assert_ok!(DaCommitments::leave(origin(&format!("S{i}"))));
		}
		// Eight leaving, so eight more fit (S9, Sam, Eve and five fresh accounts)...
		for name in ["S9", "Sam", "Eve"] {
			register(name, 1_000);
		}
		for i in 0..5u8 {
			let who = format!("X{i}");
			assert_ok!(Balances::force_set_balance(
				RuntimeOrigin::root(),
				account(&who),
				ENDOWMENT
			));
			register(&who, 1_000);
		}
		// ...and then nobody, whatever the bond.
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), account("X9"), ENDOWMENT));
		let endpoint: BoundedVec<u8, MaxEndpointLen> =
			BoundedVec::truncate_from(b"http://X9".to_vec());
		assert_noop!(
			DaCommitments::register_signer(origin("X9"), account("X9key"), endpoint, 1_000_000),
			Error::<Test>::TooManySigners
		);
	});
}

#[test]
fn an_open_challenge_keeps_the_bond_and_the_commitments_it_needs() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1)]);
		let blob = confirmed_fixture_blob(&["S1"]);
		assert_ok!(DaCommitments::leave(origin("S1")));
		// The blob's epoch leaves retention at block 30 (epoch 3); a challenge drawn at
		// block 28 is still open then.
		run_to(28);
		let (cid, b, ..) = *issued().last().unwrap();
		assert_eq!(b, blob);
		Challenges::<Test>::mutate(cid, |c| c.as_mut().unwrap().column = 5);
		run_to(30);
		assert_eq!(CurrentEpoch::<Test>::get(), 3);
		assert!(Challenges::<Test>::get(cid).is_some());
		assert!(BlobCommitments::<Test>::get(blob).is_some(), "pruned under an open challenge");
		// A window that outlasts the signer's unbonding (as a runtime whose challenge
		// window is longer than the time between its epochs would have): at epoch 4 S1
		// is free to go but for the open challenge.
		let deadline = 45;
		ChallengeDeadlines::<Test>::remove(31);
		ChallengeDeadlines::<Test>::insert(deadline, cid);
		Challenges::<Test>::mutate(cid, |c| c.as_mut().unwrap().deadline = deadline);
		run_to(40);
		assert!(BlobCommitments::<Test>::get(blob).is_some(), "pruned under an open challenge");
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::ChallengeOpen);
		// So it can still be answered...
		let (_, cell, proof) = fixture();
		assert_ok!(DaCommitments::respond(origin("Eve"), cid, cell, proof));
		// ...and then the commitments go and the bond comes back.
		run_to(41);
		assert!(BlobCommitments::<Test>::get(blob).is_none());
		assert!(
			!OpenChallenges::<Test>::contains_key(account("S1"))
				&& !ChallengedBlobs::<Test>::contains_key(blob)
		);
		assert_ok!(DaCommitments::withdraw_bond(origin("S1")));
	});
}

#[test]
fn signers_build_the_attestation_payload_themselves() {
	new_test_ext().execute_with(|| {
		quorum(&[("S1", 1)]);
		let a = attestation(submit(1000));
		let genesis: [u8; 32] = System::block_hash(0).into();
		let s1 = account("S1");
		assert_eq!(signing_payload(genesis, &s1, &a), DaCommitments::attestation_payload(&s1, &a));
		// Bound to its chain and to its signer.
		assert_ne!(signing_payload([9; 32], &s1, &a), DaCommitments::attestation_payload(&s1, &a));
		assert_ne!(
			signing_payload(genesis, &account("S2"), &a),
			DaCommitments::attestation_payload(&s1, &a)
		);
	});
}

#[test]
fn an_attestation_counts_only_for_the_signer_it_names() {
	new_test_ext().execute_with(|| {
		// S2 registers S1's key (keys carry no proof of possession) to be paid for S1's work.
		register("S1", 1_000);
		let endpoint: BoundedVec<u8, MaxEndpointLen> =
			BoundedVec::truncate_from(b"http://S2".to_vec());
		assert_ok!(DaCommitments::register_signer(origin("S2"), account("S1key"), endpoint, 1_000));
		run_to(10);
		let id = submit(1000);
		let a = attestation(id);
		// S1's signature, relayed as S2's attestation, is refused...
		let by_s1 = signed_for("S1", &a, "S1key");
		assert_noop!(
			DaCommitments::attest(origin("Eve"), account("S2"), a.clone(), by_s1.clone()),
			Error::<Test>::BadSignature
		);
		// ...and counts for S1 alone.
		assert_ok!(DaCommitments::attest(origin("Eve"), account("S1"), a, by_s1));
	});
}
