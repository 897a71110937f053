//! Benchmarks of the iNFT pallet, for `zerog-node benchmark pallet`. Keys, sealed keys
//! and proofs are real: made in the runtime with the prover of
//! `zerog_inft_primitives` and a deterministic generator, so each handover's measured
//! weight includes the verification the chain runs.

use super::*;
use crate::Pallet as Inft;
use alloc::boxed::Box;
use codec::Encode;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{fungible::Mutate, Get},
		BoundedVec,
	},
	frame_system::{pallet_prelude::BlockNumberFor, RawOrigin},
	sp_io::hashing::blake2_256,
	sp_runtime::traits::{Bounded, Saturating},
};
use zerog_inft_primitives::{
	prove::{new_sealed_key_with, CryptoRng, RandError, RngCore, SecretKey},
	TransferContext,
};

/// A deterministic generator (blake2 in counter mode): benchmarks need repeatable,
/// not secret, randomness.
struct BenchRng(u64);

impl RngCore for BenchRng {
	fn next_u32(&mut self) -> u32 {
		self.next_u64() as u32
	}
	fn next_u64(&mut self) -> u64 {
		let mut b = [0u8; 8];
		self.fill_bytes(&mut b);
		u64::from_le_bytes(b)
	}
	fn fill_bytes(&mut self, dest: &mut [u8]) {
		for chunk in dest.chunks_mut(32) {
			self.0 += 1;
			let block = blake2_256(&self.0.to_le_bytes());
			chunk.copy_from_slice(&block[..chunk.len()]);
		}
	}
	fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), RandError> {
		self.fill_bytes(dest);
		Ok(())
	}
}
impl CryptoRng for BenchRng {}

/// A funded account with a registered key `[seed; 32]` (a canonical scalar for seeds
/// below 16).
fn keyed<T: Config>(name: &'static str, seed: u8) -> (T::AccountId, SecretKey) {
	let who: T::AccountId = account(name, 0, 0);
	let _ = T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1_000u32.into());
	let secret = SecretKey::from_bytes(&[seed; 32]).expect("a canonical scalar");
	let proof = secret.prove_possession_with(&who.encode(), &mut BenchRng(u64::from(seed)));
	Inft::<T>::register_key(RawOrigin::Signed(who.clone()).into(), secret.public(), proof).unwrap();
	(who, secret)
}

fn data<T: Config>() -> DataOf<T> {
	IntelligentData {
		description: BoundedVec::truncate_from(
			alloc::vec![b'd'; T::MaxDescriptionLen::get() as usize],
		),
		file: [9; 32],
		size: 1 << 30,
	}
}

/// Collection 0 by `owner`, with one token minted to `owner`.
fn minted<T: Config>(owner: &T::AccountId, secret: &SecretKey) {
	let name = BoundedVec::truncate_from(alloc::vec![b'n'; T::MaxNameLen::get() as usize]);
	Inft::<T>::create_collection(RawOrigin::Signed(owner.clone()).into(), name).unwrap();
	let (_, sealed) = new_sealed_key_with(&secret.public(), &mut BenchRng(100)).unwrap();
	Inft::<T>::mint(RawOrigin::Signed(owner.clone()).into(), 0, owner.clone(), data::<T>(), sealed)
		.unwrap();
}

/// The owner's resealing of token (0, 0) to `to` for `purpose`.
fn reseal<T: Config>(
	owner: &T::AccountId,
	secret: &SecretKey,
	purpose: Purpose,
	to: &T::AccountId,
	to_secret: &SecretKey,
) -> (SealedKey, ReencryptionProof) {
	let info = Tokens::<T>::get(0, 0).unwrap();
	let genesis = Inft::<T>::genesis_hash();
	let (sender, receiver) = (owner.encode(), to.encode());
	let ctx = TransferContext {
		genesis: genesis.as_ref(),
		collection: 0,
		token: 0,
		nonce: info.nonce,
		purpose,
		sender: &sender,
		receiver: &receiver,
	};
	secret.reseal_with(&ctx, &info.sealed, &to_secret.public(), &mut BenchRng(200)).unwrap()
}

/// `MaxGrants - 1` executors with grants on token (0, 0): the most a new grant scans.
fn grants<T: Config>(owner: &T::AccountId, secret: &SecretKey, count: u32) {
	for i in 0..count {
		let who: T::AccountId = account("executor", i, 0);
		let to = SecretKey::from_bytes(&[10; 32]).unwrap();
		let proof = to.prove_possession_with(&who.encode(), &mut BenchRng(300));
		Inft::<T>::register_key(RawOrigin::Signed(who.clone()).into(), to.public(), proof).unwrap();
		let (sealed, proof) = reseal::<T>(owner, secret, Purpose::Usage, &who, &to);
		Inft::<T>::authorize_usage(
			RawOrigin::Signed(owner.clone()).into(),
			0,
			0,
			who,
			sealed,
			Box::new(proof),
		)
		.unwrap();
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_key() {
		let who: T::AccountId = account("who", 0, 0);
		let secret = SecretKey::from_bytes(&[3; 32]).unwrap();
		let proof = secret.prove_possession_with(&who.encode(), &mut BenchRng(1));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), secret.public(), proof);
		assert_eq!(Keys::<T>::get(&who), Some(secret.public()));
	}

	#[benchmark]
	fn create_collection() {
		let (who, _) = keyed::<T>("owner", 1);
		let name = BoundedVec::truncate_from(alloc::vec![b'n'; T::MaxNameLen::get() as usize]);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), name);
		assert!(Collections::<T>::contains_key(0));
	}

	#[benchmark]
	fn destroy_collection() {
		let (who, _) = keyed::<T>("owner", 1);
		Inft::<T>::create_collection(RawOrigin::Signed(who.clone()).into(), BoundedVec::new())
			.unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), 0);
		assert!(!Collections::<T>::contains_key(0));
	}

	#[benchmark]
	fn mint() {
		let (who, secret) = keyed::<T>("owner", 1);
		Inft::<T>::create_collection(RawOrigin::Signed(who.clone()).into(), BoundedVec::new())
			.unwrap();
		let (_, sealed) = new_sealed_key_with(&secret.public(), &mut BenchRng(100)).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 0, who.clone(), data::<T>(), sealed);
		assert!(Tokens::<T>::contains_key(0, 0));
	}

	// With the most grants to drop.
	#[benchmark]
	fn transfer() {
		let (owner, secret) = keyed::<T>("owner", 1);
		let (to, to_secret) = keyed::<T>("receiver", 2);
		minted::<T>(&owner, &secret);
		grants::<T>(&owner, &secret, T::MaxGrants::get());
		let (sealed, proof) = reseal::<T>(&owner, &secret, Purpose::Transfer, &to, &to_secret);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0, to.clone(), sealed, Box::new(proof));
		assert_eq!(Tokens::<T>::get(0, 0).unwrap().owner, to);
	}

	#[benchmark]
	fn clone() {
		let (owner, secret) = keyed::<T>("owner", 1);
		let (to, to_secret) = keyed::<T>("receiver", 2);
		minted::<T>(&owner, &secret);
		let (sealed, proof) = reseal::<T>(&owner, &secret, Purpose::Clone, &to, &to_secret);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0, to.clone(), sealed, Box::new(proof));
		assert_eq!(Tokens::<T>::get(0, 1).unwrap().owner, to);
	}

	// The last free place of a token's grants: the longest scan.
	#[benchmark]
	fn authorize_usage() {
		let (owner, secret) = keyed::<T>("owner", 1);
		let (to, to_secret) = keyed::<T>("receiver", 2);
		minted::<T>(&owner, &secret);
		grants::<T>(&owner, &secret, T::MaxGrants::get().saturating_sub(1));
		let (sealed, proof) = reseal::<T>(&owner, &secret, Purpose::Usage, &to, &to_secret);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0, to, sealed, Box::new(proof));
		assert_eq!(Grants::<T>::get((0, 0)).len() as u32, T::MaxGrants::get());
	}

	#[benchmark]
	fn revoke_usage() {
		let (owner, secret) = keyed::<T>("owner", 1);
		minted::<T>(&owner, &secret);
		grants::<T>(&owner, &secret, T::MaxGrants::get());
		let last: T::AccountId = account("executor", T::MaxGrants::get() - 1, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0, last);
		assert_eq!(Grants::<T>::get((0, 0)).len() as u32, T::MaxGrants::get() - 1);
	}

	#[benchmark]
	fn update() {
		let (owner, secret) = keyed::<T>("owner", 1);
		minted::<T>(&owner, &secret);
		grants::<T>(&owner, &secret, T::MaxGrants::get());
		let (_, sealed) = new_sealed_key_with(&secret.public(), &mut BenchRng(400)).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0, data::<T>(), sealed);
		assert_eq!(Tokens::<T>::get(0, 0).unwrap().version, 1);
	}

	#[benchmark]
	fn burn() {
		let (owner, secret) = keyed::<T>("owner", 1);
		minted::<T>(&owner, &secret);
		grants::<T>(&owner, &secret, T::MaxGrants::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0);
		assert!(!Tokens::<T>::contains_key(0, 0));
	}

	#[benchmark]
	fn list() {
		let (owner, secret) = keyed::<T>("owner", 1);
		minted::<T>(&owner, &secret);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0, 1_000u32.into());
		assert!(Sales::<T>::contains_key((0, 0)));
	}

	#[benchmark]
	fn cancel_listing() {
		let (owner, secret) = keyed::<T>("owner", 1);
		minted::<T>(&owner, &secret);
		Inft::<T>::list(RawOrigin::Signed(owner.clone()).into(), 0, 0, 1_000u32.into()).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0);
		assert!(!Sales::<T>::contains_key((0, 0)));
	}

	#[benchmark]
	fn buy() {
		let (owner, secret) = keyed::<T>("owner", 1);
		let (buyer, _) = keyed::<T>("buyer", 2);
		minted::<T>(&owner, &secret);
		Inft::<T>::list(RawOrigin::Signed(owner).into(), 0, 0, 1_000u32.into()).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(buyer), 0, 0, 1_000u32.into());
		assert!(Sales::<T>::get((0, 0)).unwrap().purchase.is_some());
	}

	#[benchmark]
	fn deliver() {
		let (owner, secret) = keyed::<T>("owner", 1);
		let (buyer, buyer_secret) = keyed::<T>("buyer", 2);
		minted::<T>(&owner, &secret);
		grants::<T>(&owner, &secret, T::MaxGrants::get());
		Inft::<T>::list(RawOrigin::Signed(owner.clone()).into(), 0, 0, 1_000u32.into()).unwrap();
		Inft::<T>::buy(RawOrigin::Signed(buyer.clone()).into(), 0, 0, 1_000u32.into()).unwrap();
		let (sealed, proof) =
			reseal::<T>(&owner, &secret, Purpose::Transfer, &buyer, &buyer_secret);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), 0, 0, sealed, Box::new(proof));
		assert_eq!(Tokens::<T>::get(0, 0).unwrap().owner, buyer);
	}

	#[benchmark]
	fn refund() {
		let (owner, secret) = keyed::<T>("owner", 1);
		let (buyer, _) = keyed::<T>("buyer", 2);
		minted::<T>(&owner, &secret);
		Inft::<T>::list(RawOrigin::Signed(owner).into(), 0, 0, 1_000u32.into()).unwrap();
		Inft::<T>::buy(RawOrigin::Signed(buyer.clone()).into(), 0, 0, 1_000u32.into()).unwrap();
		let after = polkadot_sdk::frame_system::Pallet::<T>::block_number()
			.saturating_add(T::DeliveryPeriod::get())
			.saturating_add(BlockNumberFor::<T>::from(1u32));
		polkadot_sdk::frame_system::Pallet::<T>::set_block_number(after);
		#[extrinsic_call]
		_(RawOrigin::Signed(buyer), 0, 0);
		assert!(!Sales::<T>::contains_key((0, 0)));
	}

	impl_benchmark_test_suite!(Inft, crate::mock::new_test_ext(), crate::mock::Test);
}
