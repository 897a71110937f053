//! Unit tests of the DA commitments, by topic. Every test runs through
//! [`ExtBuilder::build_and_execute`], which checks the pallet's invariants after it.

mod blobs;
mod challenges;
mod epochs;
mod invariants;
mod registry;

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

/// The cell fixture `zerog-da-encoding` writes: a row commitment, that row's column-5
/// cell and its KZG proof.
fn fixture() -> (Commitment, [u8; CELL_BYTES], CellProof) {
	let bytes = include_bytes!("../cell-fixture.bin");
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
