//! Unit tests of the compute market, by topic. Every test runs through
//! [`ExtBuilder::build_and_execute`], which checks the pallet's invariants after it.

mod disputes;
mod invariants;
mod ledger;
mod services;
mod settlement;

use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec},
	sp_core::{sr25519, Pair, H256},
	sp_runtime::{DispatchError, MultiSignature},
};

type Error = crate::Error<Test>;

const IN_PRICE: Balance = 2;

const OUT_PRICE: Balance = 5;

const BOND: Balance = 10_000;

fn text(s: &str) -> BoundedVec<u8, MaxStringLen> {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn origin(name: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(name))
}

/// Pat registers a chat service; returns its id.
fn register() -> ServiceId {
	let id = NextServiceId::<Test>::get();
	assert_ok!(ComputeMarket::register_service(
		origin("Pat"),
		ServiceKind::Chat,
		text("tiny-chat"),
		text("zerog-tiny-lm"),
		text("http://127.0.0.1:8000"),
		IN_PRICE,
		OUT_PRICE,
		account("PatSigner"),
		BOND,
	));
	id
}

/// `user` deposits and funds Pat with `amount`.
fn fund(user: &str, amount: Balance) {
	assert_ok!(ComputeMarket::deposit(origin(user), amount.max(MinDeposit::get())));
	assert_ok!(ComputeMarket::fund(origin(user), account("Pat"), amount));
}

fn request(
	user: &str,
	service: ServiceId,
	nonce: u64,
	max_fee: Balance,
) -> Request<AccountId, Balance> {
	Request {
		user: account(user),
		service,
		nonce,
		request_hash: H256::repeat_byte(nonce as u8),
		max_fee,
	}
}

fn sign(signer: &sr25519::Pair, payload: &[u8]) -> MultiSignature {
	MultiSignature::Sr25519(signer.sign(payload))
}

/// A receipt signed by `signer` (normally the user) for `input`/`output` tokens.
fn receipt_by(
	signer: &str,
	request: Request<AccountId, Balance>,
	input: u32,
	output: u32,
) -> Receipt<AccountId, Balance, MultiSignature> {
	let user_signature = sign(&key(signer), &ComputeMarket::request_payload(&request));
	let response_hash = H256::repeat_byte(0xaa ^ request.nonce as u8);
	Receipt { request, user_signature, input_tokens: input, output_tokens: output, response_hash }
}

fn receipt(
	user: &str,
	service: ServiceId,
	nonce: u64,
	input: u32,
	output: u32,
) -> Receipt<AccountId, Balance, MultiSignature> {
	receipt_by(user, request(user, service, nonce, 1_000), input, output)
}

fn settle(receipts: Vec<Receipt<AccountId, Balance, MultiSignature>>) {
	assert_ok!(ComputeMarket::settle(origin("Pat"), receipts.try_into().unwrap()));
}

fn outcomes() -> Vec<(u64, ReceiptOutcome, Balance)> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::ComputeMarket(Event::ReceiptProcessed {
				nonce, outcome, fee, ..
			}) => Some((nonce, outcome, fee)),
			_ => None,
		})
		.collect()
}

fn held(who: &str, reason: HoldReason) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::ComputeMarket(reason), &account(who))
}

fn statement(
	user: &str,
	service: ServiceId,
	nonce: u64,
	response: u8,
	output: u32,
) -> ResponseStatement<AccountId> {
	ResponseStatement {
		user: account(user),
		service,
		nonce,
		request_hash: H256::repeat_byte(nonce as u8),
		response_hash: H256::repeat_byte(response),
		input_tokens: 10,
		output_tokens: output,
	}
}

fn signed_statement(s: &ResponseStatement<AccountId>, signer: &str) -> MultiSignature {
	sign(&key(signer), &ComputeMarket::response_payload(s))
}
