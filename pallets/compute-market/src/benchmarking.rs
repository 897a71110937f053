//! Benchmarks of the compute market, for `zerog-node benchmark pallet`. Signatures are
//! real sr25519 signatures made with the keystore host functions.

use super::*;
use crate::Pallet as ComputeMarket;
use alloc::{boxed::Box, vec::Vec};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{fungible::Mutate, Get},
		BoundedVec,
	},
	frame_system::{pallet_prelude::BlockNumberFor, RawOrigin},
	sp_core::{crypto::KeyTypeId, sr25519},
	sp_io,
	sp_runtime::traits::Bounded,
};

const KEY_TYPE: KeyTypeId = KeyTypeId(*b"zgcm");

fn funded<T: Config>(who: &T::AccountId) {
	let _ = T::Currency::set_balance(who, BalanceOf::<T>::max_value() / 1_000u32.into());
}

/// A fresh sr25519 key in the keystore and its account.
fn new_key<T: Config>() -> (sr25519::Public, T::AccountId)
where
	T::AccountId: From<sr25519::Public>,
{
	let public = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
	(public, public.into())
}

fn sign<T: Config>(public: &sr25519::Public, payload: &[u8]) -> T::Signature
where
	T::Signature: From<sr25519::Signature>,
{
	sp_io::crypto::sr25519_sign(KEY_TYPE, public, payload).expect("key is in the keystore").into()
}

fn text<T: Config>() -> TextOf<T> {
	BoundedVec::try_from(alloc::vec![b'x'; T::MaxStringLen::get() as usize]).unwrap()
}

/// A provider with one service whose responses are signed by `signer`.
fn service<T: Config>(signer: T::AccountId) -> (T::AccountId, ServiceId) {
	let provider: T::AccountId = account("provider", 0, 0);
	funded::<T>(&provider);
	let id = NextServiceId::<T>::get();
	ComputeMarket::<T>::register_service(
		RawOrigin::Signed(provider.clone()).into(),
		ServiceKind::Chat,
		text::<T>(),
		text::<T>(),
		text::<T>(),
		1u32.into(),
		1u32.into(),
		signer,
		T::MinServiceBond::get(),
	)
	.unwrap();
	(provider, id)
}

/// `user` with a ledger and `amount` funded with `provider`.
fn funded_user<T: Config>(user: &T::AccountId, provider: &T::AccountId, amount: BalanceOf<T>) {
	funded::<T>(user);
	let deposit = amount.max(T::MinDeposit::get());
	ComputeMarket::<T>::deposit(RawOrigin::Signed(user.clone()).into(), deposit).unwrap();
	ComputeMarket::<T>::fund(RawOrigin::Signed(user.clone()).into(), provider.clone(), amount)
		.unwrap();
}

fn big() -> u32 {
	1_000_000
}

#[benchmarks(where T::AccountId: From<sr25519::Public>, T::Signature: From<sr25519::Signature>)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_service() {
		let provider: T::AccountId = account("provider", 0, 0);
		funded::<T>(&provider);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(provider.clone()),
			ServiceKind::Chat,
			text::<T>(),
			text::<T>(),
			text::<T>(),
			1u32.into(),
			1u32.into(),
			provider.clone(),
			T::MinServiceBond::get(),
		);
		assert_eq!(ServiceCount::<T>::get(&provider), 1);
	}

	#[benchmark]
	fn update_service() {
		let (provider, id) = service::<T>(account("signer", 0, 0));
		#[extrinsic_call]
		_(
			RawOrigin::Signed(provider.clone()),
			id,
			text::<T>(),
			2u32.into(),
			3u32.into(),
			account("signer", 1, 0),
		);
		// The worst case rotates the key: the old one joins the service's past keys.
		assert_eq!(PastSigners::<T>::get(id).len(), 1);
	}

	#[benchmark]
	fn retire_service() {
		let (provider, id) = service::<T>(account("signer", 0, 0));
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id);
	}

	#[benchmark]
	fn withdraw_bond() {
		let (provider, id) = service::<T>(account("signer", 0, 0));
		ComputeMarket::<T>::retire_service(RawOrigin::Signed(provider.clone()).into(), id).unwrap();
		let later: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number()
			+ T::RetirementPeriod::get().max(T::DisputeWindow::get());
		frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(provider), id);
		assert!(!Services::<T>::contains_key(id));
	}

	#[benchmark]
	fn deposit() {
		let user: T::AccountId = account("user", 0, 0);
		funded::<T>(&user);
		#[extrinsic_call]
		_(RawOrigin::Signed(user), T::MinDeposit::get());
	}

	#[benchmark]
	fn withdraw() {
		let user: T::AccountId = account("user", 0, 0);
		funded::<T>(&user);
		ComputeMarket::<T>::deposit(RawOrigin::Signed(user.clone()).into(), T::MinDeposit::get())
			.unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(user), T::MinDeposit::get());
	}

	#[benchmark]
	fn fund() {
		let (provider, _) = service::<T>(account("signer", 0, 0));
		let user: T::AccountId = account("user", 0, 0);
		funded::<T>(&user);
		ComputeMarket::<T>::deposit(RawOrigin::Signed(user.clone()).into(), T::MinDeposit::get())
			.unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(user), provider, T::MinDeposit::get());
	}

	#[benchmark]
	fn request_refund() {
		let (provider, _) = service::<T>(account("signer", 0, 0));
		let user: T::AccountId = account("user", 0, 0);
		funded_user::<T>(&user, &provider, T::MinDeposit::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(user), provider, T::MinDeposit::get());
	}

	#[benchmark]
	fn complete_refund() {
		let (provider, _) = service::<T>(account("signer", 0, 0));
		let user: T::AccountId = account("user", 0, 0);
		funded_user::<T>(&user, &provider, T::MinDeposit::get());
		ComputeMarket::<T>::request_refund(
			RawOrigin::Signed(user.clone()).into(),
			provider.clone(),
			T::MinDeposit::get(),
		)
		.unwrap();
		let later: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number() + T::RefundLock::get();
		frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(user), provider);
	}

	// `n` receipts, each of a different user, each settled (the most work per receipt:
	// a signature check, a transfer on hold and three writes).
	#[benchmark]
	fn settle(n: Linear<1, { T::MaxBatch::get() }>) {
		let (provider, id) = service::<T>(account("signer", 0, 0));
		let mut receipts = Vec::new();
		for i in 0..n {
			let (public, user) = new_key::<T>();
			funded_user::<T>(&user, &provider, big().into());
			let request = Request {
				user,
				service: id,
				nonce: 1,
				request_hash: H256::repeat_byte(i as u8),
				max_fee: big().into(),
			};
			let user_signature = sign::<T>(&public, &ComputeMarket::<T>::request_payload(&request));
			receipts.push(Receipt {
				request,
				user_signature,
				input_tokens: 100,
				output_tokens: 100,
				response_hash: H256::zero(),
			});
		}
		let receipts: ReceiptsOf<T> = receipts.try_into().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()), receipts);
		assert_eq!(Settled::<T>::iter().count() as u32, n);
	}

	// The costlier proof: two signature checks.
	#[benchmark]
	fn dispute() {
		let (signer_key, signer) = new_key::<T>();
		let (_, id) = service::<T>(account("current", 0, 0));
		// The worst case: the statements were signed by the last key tried of a full
		// history of past keys, so every key is tried.
		let mut past: Vec<T::AccountId> =
			(1..MAX_PAST_SIGNERS).map(|i| account("past", i, 0)).collect();
		past.push(signer);
		PastSigners::<T>::insert(
			id,
			BoundedVec::try_from(past).expect("MAX_PAST_SIGNERS keys; qed"),
		);
		let user: T::AccountId = account("user", 0, 0);
		let statement = |response: u8| ResponseStatement {
			user: user.clone(),
			service: id,
			nonce: 1,
			request_hash: H256::zero(),
			response_hash: H256::repeat_byte(response),
			input_tokens: 1,
			output_tokens: 1,
		};
		let (first, second) = (statement(1), statement(2));
		let proof = DisputeProof::Equivocation {
			first_signature: sign::<T>(&signer_key, &ComputeMarket::<T>::response_payload(&first)),
			second_signature: sign::<T>(
				&signer_key,
				&ComputeMarket::<T>::response_payload(&second),
			),
			first,
			second,
		};
		let caller: T::AccountId = account("caller", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), Box::new(proof));
		assert!(Slashed::<T>::contains_key((id, user, 1)));
	}

	#[benchmark]
	fn reap_receipt() {
		let (provider, id) = service::<T>(account("signer", 0, 0));
		let (public, user) = new_key::<T>();
		funded_user::<T>(&user, &provider, big().into());
		let request = Request {
			user: user.clone(),
			service: id,
			nonce: 1,
			request_hash: H256::zero(),
			max_fee: big().into(),
		};
		let user_signature = sign::<T>(&public, &ComputeMarket::<T>::request_payload(&request));
		let receipt = Receipt {
			request,
			user_signature,
			input_tokens: 1,
			output_tokens: 1,
			response_hash: H256::zero(),
		};
		ComputeMarket::<T>::settle(
			RawOrigin::Signed(provider.clone()).into(),
			alloc::vec![receipt].try_into().unwrap(),
		)
		.unwrap();
		let later: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number() + T::DisputeWindow::get() + 1u32.into();
		frame_system::Pallet::<T>::set_block_number(later);
		let caller: T::AccountId = account("caller", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), provider, user, 1);
	}

	impl_benchmark_test_suite!(ComputeMarket, crate::mock::new_bench_ext(), crate::mock::Test);
}
