//! Sampling challenges, retention and pruning.

use super::*;

#[test]
fn submit_keeps_the_commitments_and_genesis_endows_the_pallet_account() {
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
		assert_eq!(
			drawn.len(),
			5,
			"a draw that lands on the pending blob tries again: one challenge at each of \
			 blocks 12..28 {drawn:?}"
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
fn no_challenge_is_drawn_before_the_chain_has_randomness() {
	ExtBuilder.build_and_execute(|| {
		quorum(&[("S1", 1)]);
		let id = submit(ROW_DATA_BYTES as u64);
		assert_ok!(attest(id, "S1"));
		NoRandomness::set(&true);
		run_to(20);
		assert!(issued().is_empty(), "no randomness, no draw: an author could pick the target");
		NoRandomness::set(&false);
		// Epoch 3 (block 30) ends the blob's retention: draws at 24 and 28.
		run_to(29);
		assert_eq!(issued().len(), 2, "draws resume once randomness exists");
	});
}

#[test]
fn failed_blobs_do_not_thin_out_the_sampling() {
	// One confirmed blob among three that fail for want of attestations; the
	// challenges drawn at blocks 12..28 with `probes` tries a period.
	let drawn = |probes: u32| {
		let mut drawn = Vec::new();
		ExtBuilder.build_and_execute(|| {
			ChallengeProbes::set(&probes);
			quorum(&[("S1", 100)]);
			// (Three blobs a block; the confirmed one in block 10.)
			let ids: Vec<BlobId> = (0..4)
				.map(|i| {
					run_to(10 + i / 3);
					let id = submit(1000);
					if i == 2 {
						assert_ok!(attest(id, "S1"));
					}
					id
				})
				.collect();
			run_to(29);
			drawn = issued();
			assert!(drawn.iter().all(|(_, blob, ..)| *blob == ids[2]));
		});
		drawn.len()
	};
	// One try a period: most draws land on a failed blob and nothing is drawn.
	let single = drawn(1);
	assert!(single < 3, "one probe: {single} of 5 periods drew");
	// Sixteen: every period draws the confirmed blob.
	assert_eq!(drawn(16), 5, "sixteen probes");
}

#[test]
fn commitments_of_blobs_out_of_retention_are_dropped_a_few_a_block() {
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
			DaCommitments::respond(origin("Eve"), cid, Box::new(tampered), proof),
			Error::<Test>::BadCellProof
		);
		let mut wrong = proof;
		wrong[47] ^= 1;
		assert_noop!(
			DaCommitments::respond(origin("Eve"), cid, Box::new(cell), wrong),
			Error::<Test>::BadCellProof
		);
		assert_noop!(
			DaCommitments::respond(origin("Eve"), cid + 1, Box::new(cell), proof),
			Error::<Test>::UnknownChallenge
		);
		let before = Balances::free_balance(account("S1"));
		// Anyone may relay the answer; the challenged signer is paid.
		assert_ok!(DaCommitments::respond(origin("Eve"), cid, Box::new(cell), proof));
		System::assert_has_event(
			Event::ChallengeAnswered { id: cid, signer: account("S1"), reward: 50 }.into(),
		);
		assert_eq!(Balances::free_balance(account("S1")), before + 50);
		assert_eq!(RewardPool::<Test>::get(), 50);
		assert!(Challenges::<Test>::get(cid).is_none());
		assert_noop!(
			DaCommitments::respond(origin("Eve"), cid, Box::new(cell), proof),
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
	ExtBuilder.build_and_execute(|| {
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
			DaCommitments::respond(origin("S1"), cid, Box::new(cell), proof),
			Error::<Test>::UnknownChallenge
		);
	});
}

#[test]
fn an_open_challenge_keeps_the_bond_and_the_commitments_it_needs() {
	ExtBuilder.build_and_execute(|| {
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
		assert_ok!(DaCommitments::respond(origin("Eve"), cid, Box::new(cell), proof));
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
