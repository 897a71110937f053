//! `do_try_state` passes on what the calls leave and catches each kind of corruption.

use super::*;
use polkadot_sdk::sp_runtime::DispatchError;

/// A quorum of three, one confirmed blob and one still processing.
fn populated() -> (BlobId, BlobId) {
	quorum(&[("S1", 85), ("S2", 1), ("S3", 42)]);
	let confirmed = submit(1000);
	assert_ok!(attest(confirmed, "S1"));
	assert_ok!(attest(confirmed, "S2"));
	let processing = submit(2000);
	assert_ok!(attest(processing, "S3"));
	assert_ok!(DaCommitments::do_try_state());
	(confirmed, processing)
}

fn broken(corrupt: impl FnOnce(BlobId, BlobId), why: &'static str) {
	new_test_ext().execute_with(|| {
		let (confirmed, processing) = populated();
		corrupt(confirmed, processing);
		let err = DaCommitments::do_try_state().expect_err("corruption is caught");
		assert_eq!(err, DispatchError::Other(why), "caught as {err:?}");
	})
}

#[test]
fn a_signers_hold_matches_its_bond() {
	broken(
		|_, _| Signers::<Test>::mutate(account("S1"), |s| s.as_mut().unwrap().bond -= 1),
		"a signer's held bond differs from its recorded bond",
	);
}

#[test]
fn quorums_share_out_every_column_once() {
	broken(
		|_, _| {
			Quorums::<Test>::mutate(1, |q| {
				q.as_mut().unwrap().iter_mut().next().unwrap().columns -= 1
			})
		},
		"a quorum does not share out exactly COLUMNS columns",
	);
}

#[test]
fn blobs_agree_with_their_quorum_and_deadline() {
	broken(
		|c, _| Blobs::<Test>::mutate(c, |b| b.as_mut().unwrap().signed_columns = 128),
		"a blob's signed columns differ from its attesters' columns",
	);
	broken(
		|_, _| {
			let _ = Deadlines::<Test>::clear(u32::MAX, None);
		},
		"a processing blob is not listed under its deadline",
	);
	broken(
		|c, _| {
			Blobs::<Test>::mutate(c, |b| {
				b.as_mut().unwrap().status = BlobStatus::InsufficientSignatures
			})
		},
		"a failed blob keeps its commitments",
	);
}

#[test]
fn challenge_counters_count_open_challenges() {
	broken(
		|_, _| OpenChallenges::<Test>::insert(account("S1"), 1),
		"OpenChallenges does not count the open challenges",
	);
}

#[test]
fn the_account_covers_the_pool_and_fees_in_flight() {
	broken(
		|_, _| RewardPool::<Test>::mutate(|p| *p += 1_000_000),
		"the pallet's account holds less than the pool and the fees in flight",
	);
}

#[test]
fn invariants_hold_through_every_call() {
	ExtBuilder.build_and_execute(|| {
		populated();
	});
}
