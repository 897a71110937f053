//! Disputes, slashing and reaping settled receipts.

use super::*;

#[test]
fn a_contradicting_signed_response_slashes_the_bond() {
	ExtBuilder.build_and_execute(|| {
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
		assert_ok!(ComputeMarket::dispute(origin("Alice"), Box::new(proof.clone())));
		let slash = BOND / 2;
		assert_eq!(Balances::free_balance(account("Alice")), alice_before + slash);
		assert_eq!(held("Pat", HoldReason::ServiceBond), BOND - slash);
		assert_eq!(Services::<Test>::get(id).unwrap().bond, BOND - slash);
		assert_noop!(
			ComputeMarket::dispute(origin("Alice"), Box::new(proof)),
			Error::AlreadySlashed
		);
	});
}

#[test]
fn disputes_need_a_real_contradiction_and_a_real_signature() {
	ExtBuilder.build_and_execute(|| {
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
		assert_noop!(
			ComputeMarket::dispute(origin("Alice"), Box::new(agree)),
			Error::NoContradiction
		);

		let other = statement("Alice", id, 1, 0x11, 5);
		let forged = DisputeProof::Contradiction {
			signature: signed_statement(&other, "Eve"),
			statement: other.clone(),
		};
		assert_noop!(
			ComputeMarket::dispute(origin("Alice"), Box::new(forged)),
			Error::BadSignature
		);

		let unsettled = statement("Alice", id, 2, 0x11, 5);
		let nothing = DisputeProof::Contradiction {
			signature: signed_statement(&unsettled, "PatSigner"),
			statement: unsettled,
		};
		assert_noop!(
			ComputeMarket::dispute(origin("Alice"), Box::new(nothing)),
			Error::NothingToDispute
		);

		let mut unknown = other.clone();
		unknown.service = 42;
		let proof = DisputeProof::Contradiction {
			signature: signed_statement(&unknown, "PatSigner"),
			statement: unknown,
		};
		assert_noop!(
			ComputeMarket::dispute(origin("Alice"), Box::new(proof)),
			Error::UnknownService
		);

		System::set_block_number(2 + DisputeWindow::get());
		let late = DisputeProof::Contradiction {
			signature: signed_statement(&other, "PatSigner"),
			statement: other,
		};
		assert_noop!(
			ComputeMarket::dispute(origin("Alice"), Box::new(late)),
			Error::DisputeWindowPassed
		);
	});
}

#[test]
fn two_signed_responses_for_one_request_slash_once() {
	ExtBuilder.build_and_execute(|| {
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
			ComputeMarket::dispute(origin("Bob"), Box::new(proof(&a, &a, "PatSigner"))),
			Error::NoContradiction
		);
		assert_noop!(
			ComputeMarket::dispute(origin("Bob"), Box::new(proof(&a, &b, "Eve"))),
			Error::BadSignature
		);
		let other_nonce = statement("Alice", id, 4, 0x02, 5);
		assert_noop!(
			ComputeMarket::dispute(origin("Bob"), Box::new(proof(&a, &other_nonce, "PatSigner"))),
			Error::NothingToDispute
		);
		assert_ok!(ComputeMarket::dispute(origin("Bob"), Box::new(proof(&a, &b, "PatSigner"))));
		// The slash goes to the user of the request, not to whoever reported it.
		assert_eq!(Balances::free_balance(account("Alice")), ENDOWMENT + BOND / 2);
		assert_noop!(
			ComputeMarket::dispute(origin("Bob"), Box::new(proof(&a, &b, "PatSigner"))),
			Error::AlreadySlashed
		);
	});
}

#[test]
fn settled_records_are_reaped_after_the_window() {
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
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
		assert_ok!(ComputeMarket::dispute(origin("Alice"), Box::new(proof)));
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
		assert_ok!(ComputeMarket::dispute(origin("Bob"), Box::new(proof)));
		// A key the service never had is still no proof.
		let c = statement("Alice", id, 8, 0x01, 5);
		let d = statement("Alice", id, 8, 0x02, 5);
		let forged = DisputeProof::Equivocation {
			first: c.clone(),
			first_signature: signed_statement(&c, "Eve"),
			second: d.clone(),
			second_signature: signed_statement(&d, "Pat2"),
		};
		assert_noop!(ComputeMarket::dispute(origin("Bob"), Box::new(forged)), Error::BadSignature);
	});
}

#[test]
fn a_late_settlement_keeps_the_bond_until_its_dispute_window_ends() {
	ExtBuilder.build_and_execute(|| {
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
		assert_ok!(ComputeMarket::dispute(origin("Alice"), Box::new(proof)));
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
	ExtBuilder.build_and_execute(|| {
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
		assert_ok!(ComputeMarket::dispute(origin("Bob"), Box::new(proof.clone())));
		System::set_block_number(2 + DisputeWindow::get());
		assert_ok!(ComputeMarket::reap_receipt(origin("Eve"), account("Pat"), account("Alice"), 3));
		assert_noop!(ComputeMarket::dispute(origin("Bob"), Box::new(proof)), Error::AlreadySlashed);
		assert_eq!(held("Pat", HoldReason::ServiceBond), BOND - BOND / 2);
	});
}
