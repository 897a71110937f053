//! Benchmarks of the DA commitments, for `zerog-node benchmark pallet`. Attestations
//! carry real sr25519 signatures made with the keystore host functions.

use super::*;
use crate::Pallet as DaCommitments;
use alloc::{boxed::Box, vec::Vec};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{
			fungible::{Inspect, Mutate},
			Get,
		},
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_core::{crypto::KeyTypeId, sr25519},
	sp_io,
	sp_runtime::traits::Bounded,
};
use zerog_da_primitives::{rows_for, MAX_BLOB_SIZE, ROW_DATA_BYTES};

const KEY_TYPE: KeyTypeId = KeyTypeId(*b"zgda");

fn funded<T: Config>(who: &T::AccountId) {
	let _ = T::Currency::set_balance(who, BalanceOf::<T>::max_value() / 1_000u32.into());
}

fn endpoint<T: Config>() -> EndpointOf<T> {
	BoundedVec::truncate_from(alloc::vec![b'x'; T::MaxEndpointLen::get() as usize])
}

/// `n` signers with equal bonds, each signing with a keystore key, and an epoch whose
/// quorum they form. Returns (signer, key) pairs in quorum order.
fn quorum<T: Config>(n: u32) -> Vec<(T::AccountId, sr25519::Public)>
where
	T::AccountId: From<sr25519::Public>,
{
	let mut out = Vec::new();
	for i in 0..n {
		let signer: T::AccountId = account("signer", i, 0);
		funded::<T>(&signer);
		let public = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
		DaCommitments::<T>::register_signer(
			RawOrigin::Signed(signer.clone()).into(),
			public.into(),
			endpoint::<T>(),
			T::MinSignerBond::get(),
		)
		.unwrap();
		out.push((signer, public));
	}
	DaCommitments::<T>::start_epoch();
	let order = Quorums::<T>::get(CurrentEpoch::<T>::get()).unwrap();
	order.iter().map(|m| out.iter().find(|(s, _)| *s == m.signer).cloned().unwrap()).collect()
}

fn submit_blob<T: Config>(rows: u32) -> BlobId {
	let submitter: T::AccountId = account("submitter", 0, 0);
	funded::<T>(&submitter);
	let size = (u64::from(rows) * ROW_DATA_BYTES as u64).min(MAX_BLOB_SIZE);
	let commitments: CommitmentsOf<T> =
		BoundedVec::truncate_from(alloc::vec![[7u8; 48]; rows_for(size) as usize]);
	let id = NextBlobId::<T>::get();
	DaCommitments::<T>::submit(RawOrigin::Signed(submitter).into(), size, commitments).unwrap();
	id
}

fn sign<T: Config>(
	signer: &T::AccountId,
	public: &sr25519::Public,
	attestation: &Attestation,
) -> T::Signature
where
	T::Signature: From<sr25519::Signature>,
{
	sp_io::crypto::sr25519_sign(
		KEY_TYPE,
		public,
		&DaCommitments::<T>::attestation_payload(signer, attestation),
	)
	.expect("key is in the keystore")
	.into()
}

#[benchmarks(where T::AccountId: From<sr25519::Public>, T::Signature: From<sr25519::Signature>)]
mod benchmarks {
	use super::*;

	// The worst case: a full registry, so the registration displaces the lowest bond.
	#[benchmark]
	fn register_signer() {
		quorum::<T>(T::MaxSigners::get());
		let signer: T::AccountId = account("newcomer", 0, 0);
		funded::<T>(&signer);
		let bond = T::MinSignerBond::get() + 1u32.into();
		#[extrinsic_call]
		_(RawOrigin::Signed(signer.clone()), signer.clone(), endpoint::<T>(), bond);
		assert!(Signers::<T>::contains_key(&signer));
		assert_eq!(Signers::<T>::iter().filter(|(_, s)| !s.status.is_active()).count(), 1);
	}

	#[benchmark]
	fn leave() {
		let (signer, _) = quorum::<T>(1).remove(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(signer.clone()));
		assert!(!Signers::<T>::get(&signer).unwrap().status.is_active());
	}

	#[benchmark]
	fn withdraw_bond() {
		let (signer, _) = quorum::<T>(1).remove(0);
		DaCommitments::<T>::leave(RawOrigin::Signed(signer.clone()).into()).unwrap();
		CurrentEpoch::<T>::mutate(|e| *e = e.saturating_add(T::UnbondingEpochs::get() + 1));
		#[extrinsic_call]
		_(RawOrigin::Signed(signer.clone()));
		assert!(!Signers::<T>::contains_key(&signer));
	}

	// A blob of `r` rows: the commitments root hashes 48 bytes a row.
	#[benchmark]
	fn submit(r: Linear<1, { T::MaxRows::get() }>) {
		quorum::<T>(1);
		let submitter: T::AccountId = account("submitter", 0, 0);
		funded::<T>(&submitter);
		let size = (u64::from(r) * ROW_DATA_BYTES as u64).min(MAX_BLOB_SIZE);
		let commitments: CommitmentsOf<T> =
			BoundedVec::truncate_from(alloc::vec![[7u8; 48]; rows_for(size) as usize]);
		#[extrinsic_call]
		_(RawOrigin::Signed(submitter), size, commitments);
		assert!(Blobs::<T>::contains_key(0));
	}

	// An attestation of a full quorum's blob that does not confirm it (the first).
	#[benchmark]
	fn attest() {
		let members = quorum::<T>(T::MaxSigners::get());
		let id = submit_blob::<T>(1);
		let blob = Blobs::<T>::get(id).unwrap();
		let attestation =
			Attestation { blob: id, root: blob.root, size: blob.size, epoch: blob.epoch };
		let relayer: T::AccountId = account("relayer", 0, 0);
		// The quorum's last member: the longest search for the signer.
		let (signer, public) = members.last().cloned().unwrap();
		let signature = sign::<T>(&signer, &public, &attestation);
		#[extrinsic_call]
		_(RawOrigin::Signed(relayer), signer, attestation, signature);
		assert!(matches!(Blobs::<T>::get(id).unwrap().status, BlobStatus::Processing { .. }));
	}

	// The attestation that confirms a blob of a full quorum and pays every attester.
	#[benchmark]
	fn attest_confirming() {
		let members = quorum::<T>(T::MaxSigners::get());
		let id = submit_blob::<T>(1);
		let blob = Blobs::<T>::get(id).unwrap();
		let attestation =
			Attestation { blob: id, root: blob.root, size: blob.size, epoch: blob.epoch };
		let relayer: T::AccountId = account("relayer", 0, 0);
		let quorum = Quorums::<T>::get(blob.epoch).unwrap();
		let mut signed = 0u16;
		let mut last = None;
		for (m, (signer, public)) in quorum.iter().zip(&members) {
			if DaCommitments::<T>::is_confirmed(signed + m.columns) {
				last = Some((signer.clone(), *public));
				break;
			}
			let sig = sign::<T>(signer, public, &attestation);
			DaCommitments::<T>::attest(
				RawOrigin::Signed(relayer.clone()).into(),
				signer.clone(),
				attestation.clone(),
				sig,
			)
			.unwrap();
			signed += m.columns;
		}
		let (signer, public) = last.expect("a full quorum reaches two thirds");
		let signature = sign::<T>(&signer, &public, &attestation);
		#[block]
		{
			DaCommitments::<T>::attest(
				RawOrigin::Signed(relayer).into(),
				signer,
				attestation,
				signature,
			)
			.unwrap();
		}
		assert!(matches!(Blobs::<T>::get(id).unwrap().status, BlobStatus::Confirmed { .. }));
	}

	// An answer to a challenge: one KZG cell verification (the host function) and the
	// reward transfer. The cell is `cell-fixture.bin`, made by `zerog-da-encoding`.
	#[benchmark]
	fn respond() {
		let (signer, _) = quorum::<T>(1).remove(0);
		let bytes = include_bytes!("cell-fixture.bin");
		let commitment: Commitment = bytes[..48].try_into().unwrap();
		let cell: [u8; CELL_BYTES] = bytes[48..48 + CELL_BYTES].try_into().unwrap();
		let proof: CellProof = bytes[48 + CELL_BYTES..].try_into().unwrap();
		let submitter: T::AccountId = account("submitter", 0, 0);
		funded::<T>(&submitter);
		DaCommitments::<T>::submit(
			RawOrigin::Signed(submitter.clone()).into(),
			1000,
			BoundedVec::truncate_from(alloc::vec![commitment]),
		)
		.unwrap();
		RewardPool::<T>::put(T::ChallengeReward::get());
		T::Currency::set_balance(
			&DaCommitments::<T>::account_id(),
			T::ChallengeReward::get() * 4u32.into() + T::Currency::minimum_balance(),
		);
		let deadline = frame_system::Pallet::<T>::block_number() + T::ChallengeWindow::get();
		Challenges::<T>::insert(
			0,
			Challenge { blob: 0, row: 0, column: 5, signer: signer.clone(), deadline },
		);
		ChallengeDeadlines::<T>::insert(deadline, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(submitter), 0, Box::new(cell), proof);
		assert!(Challenges::<T>::get(0).is_none());
	}

	impl_benchmark_test_suite!(DaCommitments, crate::mock::new_bench_ext(), crate::mock::Test);
}
