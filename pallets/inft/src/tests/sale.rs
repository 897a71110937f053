//! The escrowed sale.

use super::*;
use polkadot_sdk::frame_support::traits::fungible::Inspect;

fn listed() {
	minted("Alice");
	register("Bob");
	assert_ok!(Inft::list(origin("Alice"), 0, 0, 500));
}

#[test]
fn a_delivered_sale_pays_the_seller_and_gives_the_buyer_the_key() {
	ExtBuilder.build_and_execute(|| {
		listed();
		let m = secret("Alice").open(&Tokens::<Test>::get(0, 0).unwrap().sealed).unwrap();
		assert_noop!(Inft::buy(origin("Bob"), 0, 0, 499), Error::<Test>::PriceAboveLimit);
		assert_noop!(Inft::buy(origin("Alice"), 0, 0, 500), Error::<Test>::OwnToken);
		assert_noop!(Inft::buy(origin("Charlie"), 0, 0, 500), Error::<Test>::NoKey);
		assert_ok!(Inft::buy(origin("Bob"), 0, 0, 500));
		assert_eq!(held("Bob", HoldReason::Escrow), 500);
		assert_noop!(Inft::buy(origin("Bob"), 0, 0, 500), Error::<Test>::AlreadyBought);
		assert_noop!(Inft::cancel_listing(origin("Alice"), 0, 0), Error::<Test>::AlreadyBought);
		assert_noop!(Inft::refund(origin("Bob"), 0, 0), Error::<Test>::DeadlineNotReached);
		// While listed the token cannot move any other way.
		let (sealed, proof) = reseal("Alice", 0, Purpose::Transfer, "Bob");
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 0, account("Bob"), sealed, Box::new(proof)),
			Error::<Test>::Listed
		);
		assert_noop!(Inft::burn(origin("Alice"), 0, 0), Error::<Test>::Listed);
		assert_noop!(
			Inft::deliver(origin("Bob"), 0, 0, sealed, Box::new(proof)),
			Error::<Test>::NotSeller
		);
		let alice_before = Balances::balance(&account("Alice"));
		assert_ok!(Inft::deliver(origin("Alice"), 0, 0, sealed, Box::new(proof)));
		let info = Tokens::<Test>::get(0, 0).unwrap();
		assert_eq!(info.owner, account("Bob"));
		assert_eq!(secret("Bob").open(&info.sealed).unwrap(), m);
		assert_eq!(held("Bob", HoldReason::Escrow), 0);
		assert_eq!(Balances::balance(&account("Alice")), alice_before + 500);
		assert_eq!(Balances::total_balance(&account("Bob")), ENDOWMENT - 500);
		assert!(!Sales::<Test>::contains_key((0, 0)));
	});
}

#[test]
fn a_forged_delivery_keeps_the_escrow() {
	ExtBuilder.build_and_execute(|| {
		listed();
		register("Charlie");
		assert_ok!(Inft::buy(origin("Bob"), 0, 0, 500));
		// Sealed to Charlie, proof for Charlie: not what the buyer gets.
		let (sealed, proof) = reseal("Alice", 0, Purpose::Transfer, "Charlie");
		assert_noop!(
			Inft::deliver(origin("Alice"), 0, 0, sealed, Box::new(proof)),
			Error::<Test>::BadProof
		);
		assert_eq!(held("Bob", HoldReason::Escrow), 500);
	});
}

#[test]
fn an_undelivered_sale_refunds_the_buyer_after_the_deadline() {
	ExtBuilder.build_and_execute(|| {
		listed();
		assert_ok!(Inft::buy(origin("Bob"), 0, 0, 1_000));
		let deadline = 1 + DeliveryPeriod::get();
		assert_eq!(
			last_event(),
			Event::Bought { collection: 0, token: 0, buyer: account("Bob"), price: 500, deadline }
		);
		System::set_block_number(deadline);
		assert_noop!(Inft::refund(origin("Eve"), 0, 0), Error::<Test>::DeadlineNotReached);
		System::set_block_number(deadline + 1);
		let (sealed, proof) = reseal("Alice", 0, Purpose::Transfer, "Bob");
		assert_noop!(
			Inft::deliver(origin("Alice"), 0, 0, sealed, Box::new(proof)),
			Error::<Test>::DeadlinePassed
		);
		assert_ok!(Inft::refund(origin("Eve"), 0, 0));
		assert_eq!(held("Bob", HoldReason::Escrow), 0);
		assert_eq!(Balances::balance(&account("Bob")), ENDOWMENT);
		assert_eq!(Tokens::<Test>::get(0, 0).unwrap().owner, account("Alice"));
		assert_noop!(Inft::refund(origin("Eve"), 0, 0), Error::<Test>::NotListed);
	});
}

#[test]
fn a_listing_is_the_owners_to_make_and_cancel() {
	ExtBuilder.build_and_execute(|| {
		listed();
		assert_noop!(Inft::list(origin("Alice"), 0, 0, 1), Error::<Test>::Listed);
		assert_noop!(Inft::list(origin("Bob"), 0, 0, 1), Error::<Test>::NotOwner);
		assert_noop!(Inft::cancel_listing(origin("Bob"), 0, 0), Error::<Test>::NotSeller);
		assert_noop!(
			Inft::deliver(
				origin("Alice"),
				0,
				0,
				SealedKey { c1: [0; 32], c2: [0; 32] },
				Box::new(ReencryptionProof {
					t1: [0; 32],
					t2: [0; 32],
					t3: [0; 32],
					z1: [0; 32],
					z2: [0; 32]
				})
			),
			Error::<Test>::NotBought
		);
		assert_ok!(Inft::cancel_listing(origin("Alice"), 0, 0));
		assert_noop!(Inft::cancel_listing(origin("Alice"), 0, 0), Error::<Test>::NotListed);
		assert_noop!(Inft::buy(origin("Bob"), 0, 0, 500), Error::<Test>::NotListed);
	});
}

#[test]
fn a_buyer_who_cannot_pay_holds_nothing() {
	ExtBuilder.build_and_execute(|| {
		listed();
		assert_ok!(Inft::cancel_listing(origin("Alice"), 0, 0));
		assert_ok!(Inft::list(origin("Alice"), 0, 0, ENDOWMENT * 2));
		assert!(matches!(
			Inft::buy(origin("Bob"), 0, 0, ENDOWMENT * 2),
			Err(DispatchError::Token(_)) | Err(DispatchError::Arithmetic(_))
		));
		assert_eq!(held("Bob", HoldReason::Escrow), 0);
	});
}
