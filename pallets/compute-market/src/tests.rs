//! Unit tests: every call, every error, and settlement receipt by receipt.

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

#[test]
fn register_service_holds_the_bond_and_checks_its_input() {
	new_test_ext().execute_with(|| {
		let id = register();
		let service = Services::<Test>::get(id).unwrap();
		assert_eq!(service.provider, account("Pat"));
		assert_eq!(service.signer, account("PatSigner"));
		assert_eq!((service.input_price, service.output_price), (IN_PRICE, OUT_PRICE));
		assert_eq!(held("Pat", HoldReason::ServiceBond), BOND);
		assert_eq!(ServiceCount::<Test>::get(account("Pat")), 1);

		let register = |name: &str, bond| {
			ComputeMarket::register_service(
				origin("Pat"),
				ServiceKind::Embeddings,
				text(name),
				text("m"),
				text("http://x"),
				1,
				1,
				account("PatSigner"),
				bond,
			)
		};
		assert_noop!(register("", BOND), Error::EmptyField);
		assert_noop!(register("e", MinServiceBond::get() - 1), Error::BondTooLow);
		assert_noop!(
			register("e", ENDOWMENT * 10),
			DispatchError::Token(polkadot_sdk::sp_runtime::TokenError::FundsUnavailable)
		);
		assert_ok!(register("e", BOND));
		assert_noop!(register("f", BOND), Error::TooManyServices);
	});
}

#[test]
fn update_retire_and_withdraw_a_service() {
	new_test_ext().execute_with(|| {
		let id = register();
		assert_noop!(
			ComputeMarket::update_service(
				origin("Eve"),
				id,
				text("http://evil"),
				0,
				0,
				account("Eve")
			),
			Error::NotServiceProvider
		);
		assert_noop!(
			ComputeMarket::update_service(
				origin("Pat"),
				99,
				text("http://x"),
				1,
				1,
				account("Pat")
			),
			Error::UnknownService
		);
		assert_noop!(
			ComputeMarket::update_service(origin("Pat"), id, text(""), 1, 1, account("Pat")),
			Error::EmptyField
		);
		assert_ok!(ComputeMarket::update_service(
			origin("Pat"),
			id,
			text("http://new"),
			3,
			7,
			account("Pat")
		));
		let service = Services::<Test>::get(id).unwrap();
		assert_eq!(
			(service.endpoint.to_vec(), service.input_price, service.output_price),
			(b"http://new".to_vec(), 3, 7)
		);

		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::NotRetiring);
		assert_noop!(ComputeMarket::retire_service(origin("Eve"), id), Error::NotServiceProvider);
		assert_ok!(ComputeMarket::retire_service(origin("Pat"), id));
		assert_noop!(ComputeMarket::retire_service(origin("Pat"), id), Error::ServiceRetiring);
		assert_noop!(
			ComputeMarket::update_service(
				origin("Pat"),
				id,
				text("http://x"),
				1,
				1,
				account("Pat")
			),
			Error::ServiceRetiring
		);
		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::StillRetiring);
		assert_noop!(ComputeMarket::withdraw_bond(origin("Eve"), id), Error::NotServiceProvider);
		System::set_block_number(1 + RetirementPeriod::get());
		assert_ok!(ComputeMarket::withdraw_bond(origin("Pat"), id));
		assert_eq!(held("Pat", HoldReason::ServiceBond), 0);
		assert!(Services::<Test>::get(id).is_none());
		assert_eq!(ServiceCount::<Test>::get(account("Pat")), 0);
		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::UnknownService);
	});
}

#[test]
fn ledger_deposit_fund_and_withdraw() {
	new_test_ext().execute_with(|| {
		register();
		assert_noop!(
			ComputeMarket::deposit(origin("Alice"), MinDeposit::get() - 1),
			Error::AmountTooSmall
		);
		assert_noop!(ComputeMarket::withdraw(origin("Alice"), 1), Error::NoLedger);
		assert_noop!(ComputeMarket::fund(origin("Alice"), account("Pat"), 1), Error::NoLedger);
		assert_ok!(ComputeMarket::deposit(origin("Alice"), 500));
		// Top-ups of an open ledger may be small, but not zero.
		assert_ok!(ComputeMarket::deposit(origin("Alice"), 1));
		assert_noop!(ComputeMarket::deposit(origin("Alice"), 0), Error::AmountTooSmall);
		assert_eq!(Ledgers::<Test>::get(account("Alice")), Some(501));
		assert_eq!(held("Alice", HoldReason::Ledger), 501);

		assert_noop!(
			ComputeMarket::fund(origin("Alice"), account("Eve"), 10),
			Error::UnknownProvider
		);
		assert_noop!(
			ComputeMarket::fund(origin("Alice"), account("Pat"), 502),
			Error::InsufficientLedger
		);
		assert_noop!(
			ComputeMarket::fund(origin("Alice"), account("Pat"), 0),
			Error::AmountTooSmall
		);
		assert_ok!(ComputeMarket::fund(origin("Alice"), account("Pat"), 300));
		assert_eq!(Ledgers::<Test>::get(account("Alice")), Some(201));
		assert_eq!(
			SubAccounts::<Test>::get(account("Alice"), account("Pat")).unwrap().balance,
			300
		);
		// Funding moves nothing out of the hold.
		assert_eq!(held("Alice", HoldReason::Ledger), 501);

		assert_noop!(ComputeMarket::withdraw(origin("Alice"), 202), Error::InsufficientLedger);
		assert_noop!(ComputeMarket::withdraw(origin("Alice"), 0), Error::AmountTooSmall);
		assert_ok!(ComputeMarket::withdraw(origin("Alice"), 201));
		assert_eq!(held("Alice", HoldReason::Ledger), 300);
		assert_eq!(Balances::free_balance(account("Alice")), ENDOWMENT - 300);
		let ledger = ComputeMarket::ledger(&account("Alice")).unwrap();
		assert_eq!((ledger.available, ledger.sub_accounts.len()), (0, 1));
		assert_eq!(ComputeMarket::services().len(), 1);
	});
}

#[test]
fn refunds_wait_for_their_lock() {
	new_test_ext().execute_with(|| {
		register();
		fund("Alice", 300);
		let pat = account("Pat");
		assert_noop!(
			ComputeMarket::request_refund(origin("Bob"), pat.clone(), 1),
			Error::NoSubAccount
		);
		assert_noop!(
			ComputeMarket::request_refund(origin("Alice"), pat.clone(), 301),
			Error::InsufficientSubAccount
		);
		assert_noop!(
			ComputeMarket::request_refund(origin("Alice"), pat.clone(), 0),
			Error::AmountTooSmall
		);
		assert_noop!(
			ComputeMarket::complete_refund(origin("Alice"), pat.clone()),
			Error::NoPendingRefund
		);
		assert_noop!(
			ComputeMarket::complete_refund(origin("Bob"), pat.clone()),
			Error::NoSubAccount
		);
		assert_ok!(ComputeMarket::request_refund(origin("Alice"), pat.clone(), 200));
		let sub = SubAccounts::<Test>::get(account("Alice"), &pat).unwrap();
		assert_eq!(
			(sub.balance, sub.pending_refund, sub.refund_unlock),
			(100, 200, 1 + RefundLock::get())
		);

		System::set_block_number(RefundLock::get());
		assert_noop!(
			ComputeMarket::complete_refund(origin("Alice"), pat.clone()),
			Error::RefundLocked
		);
		System::set_block_number(1 + RefundLock::get());
		assert_ok!(ComputeMarket::complete_refund(origin("Alice"), pat.clone()));
		assert_eq!(
			Ledgers::<Test>::get(account("Alice")),
			Some(MinDeposit::get().max(300) - 300 + 200)
		);
		assert_eq!(SubAccounts::<Test>::get(account("Alice"), &pat).unwrap().pending_refund, 0);
	});
}

#[test]
fn settlement_pays_exactly_the_metered_fee() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		let pat_before = Balances::free_balance(account("Pat"));
		settle(vec![receipt("Alice", id, 1, 10, 20), receipt("Alice", id, 2, 3, 4)]);
		let fee1 = 10 * IN_PRICE + 20 * OUT_PRICE;
		let fee2 = 3 * IN_PRICE + 4 * OUT_PRICE;
		assert_eq!(
			outcomes(),
			vec![(1, ReceiptOutcome::Settled, fee1), (2, ReceiptOutcome::Settled, fee2)]
		);
		assert_eq!(Balances::free_balance(account("Pat")), pat_before + fee1 + fee2);
		assert_eq!(held("Alice", HoldReason::Ledger), 1_000 - fee1 - fee2);
		let sub = SubAccounts::<Test>::get(account("Alice"), account("Pat")).unwrap();
		assert_eq!((sub.balance, sub.last_nonce), (1_000 - fee1 - fee2, 2));
		assert!(Settled::<Test>::get((account("Pat"), account("Alice"), 2)).is_some());
		System::assert_last_event(RuntimeEvent::ComputeMarket(Event::BatchSettled {
			provider: account("Pat"),
			settled: 2,
			rejected: 0,
			total: fee1 + fee2,
		}));
	});
}

#[test]
fn each_bad_receipt_is_rejected_alone_with_its_reason() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 200);
		fund("Bob", 1_000);
		let forged = receipt_by("Eve", request("Alice", id, 7, 1_000), 1, 1);
		let over_budget = receipt_by("Bob", request("Bob", id, 10, 10), 10, 10);
		let broke = receipt("Alice", id, 9, 100, 100);
		let unknown = receipt("Bob", 42, 3, 1, 1);
		settle(vec![
			receipt("Bob", id, 5, 1, 1),
			receipt("Bob", id, 5, 1, 1), // the same nonce again: replay
			receipt("Bob", id, 4, 1, 1), // below the last settled nonce
			forged,
			over_budget,
			broke,
			unknown,
			receipt("Bob", id, 6, 1, 1),
		]);
		let fee = IN_PRICE + OUT_PRICE;
		assert_eq!(
			outcomes(),
			vec![
				(5, ReceiptOutcome::Settled, fee),
				(5, ReceiptOutcome::StaleNonce, 0),
				(4, ReceiptOutcome::StaleNonce, 0),
				(7, ReceiptOutcome::BadSignature, 0),
				(10, ReceiptOutcome::OverBudget, 0),
				(9, ReceiptOutcome::InsufficientFunds, 0),
				(3, ReceiptOutcome::UnknownService, 0),
				(6, ReceiptOutcome::Settled, fee),
			]
		);
		// Alice lost nothing; Bob paid two fees.
		assert_eq!(held("Alice", HoldReason::Ledger), 200);
		assert_eq!(held("Bob", HoldReason::Ledger), 1_000 - 2 * fee);
		// A receipt replayed in a later batch is still stale.
		System::reset_events();
		settle(vec![receipt("Bob", id, 6, 1, 1)]);
		assert_eq!(outcomes(), vec![(6, ReceiptOutcome::StaleNonce, 0)]);
	});
}

#[test]
fn only_the_service_provider_settles_and_batches_are_bounded() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		assert_ok!(ComputeMarket::settle(
			origin("Eve"),
			vec![receipt("Alice", id, 1, 1, 1)].try_into().unwrap()
		));
		assert_eq!(outcomes(), vec![(1, ReceiptOutcome::NotServiceProvider, 0)]);
		assert_eq!(held("Alice", HoldReason::Ledger), 1_000);
		assert_noop!(
			ComputeMarket::settle(origin("Pat"), BoundedVec::new()),
			Error::AmountTooSmall
		);
		let too_many: Vec<_> =
			(1..=MaxBatch::get() as u64 + 1).map(|n| receipt("Alice", id, n, 1, 1)).collect();
		assert!(ReceiptsOf::<Test>::try_from(too_many).is_err(), "51 receipts do not fit a batch");
	});
}

#[test]
fn settlement_draws_on_a_pending_refund_before_it_unlocks() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 100);
		assert_ok!(ComputeMarket::request_refund(origin("Alice"), account("Pat"), 90));
		settle(vec![receipt("Alice", id, 1, 10, 10)]); // fee 70: 10 from balance, 60 from the refund
		let sub = SubAccounts::<Test>::get(account("Alice"), account("Pat")).unwrap();
		assert_eq!((sub.balance, sub.pending_refund), (0, 30));
		System::set_block_number(1 + RefundLock::get());
		assert_ok!(ComputeMarket::complete_refund(origin("Alice"), account("Pat")));
		assert_eq!(Ledgers::<Test>::get(account("Alice")), Some(30));
	});
}

#[test]
fn a_contradicting_signed_response_slashes_the_bond() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		settle(vec![receipt("Alice", id, 1, 10, 20)]);
		// What Pat's key signed when serving: a different response and fewer tokens.
		let served = statement("Alice", id, 1, 0x11, 5);
		let proof = DisputeProof::Contradiction {
			signature: signed_statement(&served, "PatSigner"),
			statement: served.clone(),
		};
		let alice_before = Balances::free_balance(account("Alice"));
		assert_ok!(ComputeMarket::dispute(origin("Alice"), proof.clone()));
		let slash = BOND / 2;
		assert_eq!(Balances::free_balance(account("Alice")), alice_before + slash);
		assert_eq!(held("Pat", HoldReason::ServiceBond), BOND - slash);
		assert_eq!(Services::<Test>::get(id).unwrap().bond, BOND - slash);
		assert_noop!(ComputeMarket::dispute(origin("Alice"), proof), Error::AlreadySlashed);
	});
}

#[test]
fn disputes_need_a_real_contradiction_and_a_real_signature() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		let r = receipt("Alice", id, 1, 10, 20);
		let response = r.response_hash;
		settle(vec![r]);
		let mut honest = statement("Alice", id, 1, 0, 20);
		honest.response_hash = response;
		let agree = DisputeProof::Contradiction {
			signature: signed_statement(&honest, "PatSigner"),
			statement: honest.clone(),
		};
		assert_noop!(ComputeMarket::dispute(origin("Alice"), agree), Error::NoContradiction);

		let other = statement("Alice", id, 1, 0x11, 5);
		let forged = DisputeProof::Contradiction {
			signature: signed_statement(&other, "Eve"),
			statement: other.clone(),
		};
		assert_noop!(ComputeMarket::dispute(origin("Alice"), forged), Error::BadSignature);

		let unsettled = statement("Alice", id, 2, 0x11, 5);
		let nothing = DisputeProof::Contradiction {
			signature: signed_statement(&unsettled, "PatSigner"),
			statement: unsettled,
		};
		assert_noop!(ComputeMarket::dispute(origin("Alice"), nothing), Error::NothingToDispute);

		let mut unknown = other.clone();
		unknown.service = 42;
		let proof = DisputeProof::Contradiction {
			signature: signed_statement(&unknown, "PatSigner"),
			statement: unknown,
		};
		assert_noop!(ComputeMarket::dispute(origin("Alice"), proof), Error::UnknownService);

		System::set_block_number(2 + DisputeWindow::get());
		let late = DisputeProof::Contradiction {
			signature: signed_statement(&other, "PatSigner"),
			statement: other,
		};
		assert_noop!(ComputeMarket::dispute(origin("Alice"), late), Error::DisputeWindowPassed);
	});
}

#[test]
fn two_signed_responses_for_one_request_slash_once() {
	new_test_ext().execute_with(|| {
		let id = register();
		let a = statement("Alice", id, 3, 0x01, 5);
		let b = statement("Alice", id, 3, 0x02, 5);
		let proof = |a: &ResponseStatement<AccountId>,
		             b: &ResponseStatement<AccountId>,
		             signer: &str| DisputeProof::Equivocation {
			first: a.clone(),
			first_signature: signed_statement(a, "PatSigner"),
			second: b.clone(),
			second_signature: signed_statement(b, signer),
		};
		assert_noop!(
			ComputeMarket::dispute(origin("Bob"), proof(&a, &a, "PatSigner")),
			Error::NoContradiction
		);
		assert_noop!(
			ComputeMarket::dispute(origin("Bob"), proof(&a, &b, "Eve")),
			Error::BadSignature
		);
		let other_nonce = statement("Alice", id, 4, 0x02, 5);
		assert_noop!(
			ComputeMarket::dispute(origin("Bob"), proof(&a, &other_nonce, "PatSigner")),
			Error::NothingToDispute
		);
		assert_ok!(ComputeMarket::dispute(origin("Bob"), proof(&a, &b, "PatSigner")));
		// The slash goes to the user of the request, not to whoever reported it.
		assert_eq!(Balances::free_balance(account("Alice")), ENDOWMENT + BOND / 2);
		assert_noop!(
			ComputeMarket::dispute(origin("Bob"), proof(&a, &b, "PatSigner")),
			Error::AlreadySlashed
		);
	});
}

#[test]
fn settled_records_are_reaped_after_the_window() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		settle(vec![receipt("Alice", id, 1, 1, 1)]);
		let (pat, alice) = (account("Pat"), account("Alice"));
		assert_noop!(
			ComputeMarket::reap_receipt(origin("Eve"), pat.clone(), alice.clone(), 1),
			Error::NotExpired
		);
		assert_noop!(
			ComputeMarket::reap_receipt(origin("Eve"), pat.clone(), alice.clone(), 2),
			Error::UnknownReceipt
		);
		System::set_block_number(2 + DisputeWindow::get());
		assert_ok!(ComputeMarket::reap_receipt(origin("Eve"), pat.clone(), alice.clone(), 1));
		assert!(Settled::<Test>::get((pat, alice, 1)).is_none());
	});
}

#[test]
fn signatures_are_bound_to_their_purpose() {
	new_test_ext().execute_with(|| {
		let id = register();
		let req = request("Alice", id, 1, 10);
		let as_request = ComputeMarket::request_payload(&req);
		let st = statement("Alice", id, 1, 0x11, 5);
		let as_response = ComputeMarket::response_payload(&st);
		assert!(as_request.starts_with(REQUEST_TAG));
		assert!(as_response.starts_with(RESPONSE_TAG));
		assert_ne!(as_request[..24], as_response[..24]);
	});
}

#[test]
fn a_rotated_key_still_answers_for_what_it_signed() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		settle(vec![receipt("Alice", id, 1, 10, 20)]);
		// Pat's key signed a response that contradicts the settlement...
		let served = statement("Alice", id, 1, 0x11, 5);
		let proof = DisputeProof::Contradiction {
			signature: signed_statement(&served, "PatSigner"),
			statement: served,
		};
		// ...then Pat rotates the key, front-running the dispute.
		assert_ok!(ComputeMarket::update_service(
			origin("Pat"),
			id,
			text("http://x"),
			IN_PRICE,
			OUT_PRICE,
			account("Pat2")
		));
		assert_eq!(PastSigners::<Test>::get(id).to_vec(), vec![account("PatSigner")]);
		assert_ok!(ComputeMarket::dispute(origin("Alice"), proof));
		assert_eq!(held("Pat", HoldReason::ServiceBond), BOND - BOND / 2);

		// Equivocation across the rotation: one statement by the old key, one by the new.
		let a = statement("Alice", id, 7, 0x01, 5);
		let b = statement("Alice", id, 7, 0x02, 5);
		let proof = DisputeProof::Equivocation {
			first: a.clone(),
			first_signature: signed_statement(&a, "PatSigner"),
			second: b.clone(),
			second_signature: signed_statement(&b, "Pat2"),
		};
		assert_ok!(ComputeMarket::dispute(origin("Bob"), proof));
		// A key the service never had is still no proof.
		let c = statement("Alice", id, 8, 0x01, 5);
		let d = statement("Alice", id, 8, 0x02, 5);
		let forged = DisputeProof::Equivocation {
			first: c.clone(),
			first_signature: signed_statement(&c, "Eve"),
			second: d.clone(),
			second_signature: signed_statement(&d, "Pat2"),
		};
		assert_noop!(ComputeMarket::dispute(origin("Bob"), forged), Error::BadSignature);
	});
}

#[test]
fn key_rotations_are_bounded() {
	new_test_ext().execute_with(|| {
		let id = register();
		let rotate = |to: &str| {
			ComputeMarket::update_service(origin("Pat"), id, text("http://x"), 1, 1, account(to))
		};
		for i in 0..MAX_PAST_SIGNERS {
			assert_ok!(rotate(&format!("Key{i}")));
		}
		assert_noop!(rotate("OneTooMany"), Error::TooManyKeyRotations);
		// Keeping the current key (a price or endpoint change) is always possible.
		let current = Services::<Test>::get(id).unwrap().signer;
		assert_ok!(ComputeMarket::update_service(
			origin("Pat"),
			id,
			text("http://y"),
			2,
			2,
			current
		));
	});
}

#[test]
fn a_late_settlement_keeps_the_bond_until_its_dispute_window_ends() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		assert_ok!(ComputeMarket::retire_service(origin("Pat"), id));
		// Just before the bond would be free, Pat settles a receipt it lied about.
		let last = RetirementPeriod::get();
		System::set_block_number(last);
		settle(vec![receipt("Alice", id, 1, 10, 20)]);
		System::set_block_number(last + 1);
		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::DisputesOpen);
		// Alice still disputes it within its window, against the bond.
		let served = statement("Alice", id, 1, 0x11, 5);
		let proof = DisputeProof::Contradiction {
			signature: signed_statement(&served, "PatSigner"),
			statement: served,
		};
		System::set_block_number(last + DisputeWindow::get());
		assert_ok!(ComputeMarket::dispute(origin("Alice"), proof));
		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::DisputesOpen);
		// Once the window has passed, what is left of the bond comes back.
		System::set_block_number(last + DisputeWindow::get() + 1);
		assert_ok!(ComputeMarket::withdraw_bond(origin("Pat"), id));
		assert_eq!(held("Pat", HoldReason::ServiceBond), 0);
		assert!(DisputableUntil::<Test>::get(id).is_none());
	});
}

#[test]
fn reaping_a_receipt_does_not_allow_a_second_slash() {
	new_test_ext().execute_with(|| {
		let id = register();
		fund("Alice", 1_000);
		settle(vec![receipt("Alice", id, 3, 1, 1)]);
		let a = statement("Alice", id, 3, 0x01, 5);
		let b = statement("Alice", id, 3, 0x02, 5);
		let proof = DisputeProof::Equivocation {
			first: a.clone(),
			first_signature: signed_statement(&a, "PatSigner"),
			second: b.clone(),
			second_signature: signed_statement(&b, "PatSigner"),
		};
		assert_ok!(ComputeMarket::dispute(origin("Bob"), proof.clone()));
		System::set_block_number(2 + DisputeWindow::get());
		assert_ok!(ComputeMarket::reap_receipt(origin("Eve"), account("Pat"), account("Alice"), 3));
		assert_noop!(ComputeMarket::dispute(origin("Bob"), proof), Error::AlreadySlashed);
		assert_eq!(held("Pat", HoldReason::ServiceBond), BOND - BOND / 2);
	});
}
