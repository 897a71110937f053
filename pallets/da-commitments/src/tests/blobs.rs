//! Submitting, attesting, confirming and failing blobs.

use super::*;

#[test]
fn submit_checks_the_shape_and_takes_the_fee() {
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
fn an_attestation_that_does_not_confirm_is_charged_only_its_own_weight() {
	ExtBuilder.build_and_execute(|| {
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
