//! Transfers, clones and usage grants, with honest and forged proofs.

use super::*;

#[test]
fn a_transfer_hands_the_same_key_to_the_receiver() {
	ExtBuilder.build_and_execute(|| {
		let m = minted("Alice");
		register("Bob");
		let (sealed, proof) = reseal("Alice", 0, Purpose::Transfer, "Bob");
		assert_ok!(Inft::transfer(origin("Alice"), 0, 0, account("Bob"), sealed, Box::new(proof)));
		let info = Tokens::<Test>::get(0, 0).unwrap();
		assert_eq!((info.owner.clone(), info.nonce), (account("Bob"), 1));
		assert_eq!(secret("Bob").open(&info.sealed).unwrap(), m);
		assert_eq!(OwnedCount::<Test>::get(account("Alice")), 0);
		assert_eq!(OwnedCount::<Test>::get(account("Bob")), 1);
		assert_eq!(
			last_event(),
			Event::Transferred {
				collection: 0,
				token: 0,
				from: account("Alice"),
				to: account("Bob"),
				sealed
			}
		);
	});
}

#[test]
fn forged_and_replayed_transfers_move_nothing() {
	ExtBuilder.build_and_execute(|| {
		minted("Alice");
		register("Bob");
		register("Charlie");
		let (sealed, proof) = reseal("Alice", 0, Purpose::Transfer, "Bob");
		// By a non-owner, with the owner's own proof.
		assert_noop!(
			Inft::transfer(origin("Bob"), 0, 0, account("Bob"), sealed, Box::new(proof)),
			Error::<Test>::NotOwner
		);
		// To someone else than the proof was made for.
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 0, account("Charlie"), sealed, Box::new(proof)),
			Error::<Test>::BadProof
		);
		// A ciphertext swapped for another (the receiver would get a different key).
		let (other, _) = reseal("Alice", 0, Purpose::Transfer, "Charlie");
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 0, account("Bob"), other, Box::new(proof)),
			Error::<Test>::BadProof
		);
		// Made with the wrong secret: Charlie proves over Alice's token.
		let info = Tokens::<Test>::get(0, 0).unwrap();
		let genesis = Inft::genesis_hash();
		let (a, b) = (account("Alice").encode(), account("Bob").encode());
		let ctx = TransferContext {
			genesis: genesis.as_ref(),
			collection: 0,
			token: 0,
			nonce: 0,
			purpose: Purpose::Transfer,
			sender: &a,
			receiver: &b,
		};
		let (wrong, wrong_proof) = secret("Charlie")
			.reseal_with(&ctx, &info.sealed, &secret("Bob").public(), &mut rng())
			.unwrap();
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 0, account("Bob"), wrong, Box::new(wrong_proof)),
			Error::<Test>::BadProof
		);
		// A usage proof is not a transfer proof.
		let (usage, usage_proof) = reseal("Alice", 0, Purpose::Usage, "Bob");
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 0, account("Bob"), usage, Box::new(usage_proof)),
			Error::<Test>::BadProof
		);
		// A receiver without a key, an unknown token.
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 0, account("Dave"), sealed, Box::new(proof)),
			Error::<Test>::NoKey
		);
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 7, account("Bob"), sealed, Box::new(proof)),
			Error::<Test>::UnknownToken
		);
		// The honest one goes through once; replayed after it (the nonce moved on) it
		// fails, even handed back to the same owner.
		assert_ok!(Inft::transfer(origin("Alice"), 0, 0, account("Bob"), sealed, Box::new(proof)));
		let (back, back_proof) = reseal("Bob", 0, Purpose::Transfer, "Alice");
		assert_ok!(Inft::transfer(
			origin("Bob"),
			0,
			0,
			account("Alice"),
			back,
			Box::new(back_proof)
		));
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 0, account("Bob"), sealed, Box::new(proof)),
			Error::<Test>::BadProof
		);
	});
}

#[test]
fn a_proof_for_one_token_does_not_move_another() {
	ExtBuilder.build_and_execute(|| {
		minted("Alice");
		// A second token with the very same sealed key: only the token id differs.
		let first = Tokens::<Test>::get(0, 0).unwrap().sealed;
		assert_ok!(Inft::mint(origin("Alice"), 0, account("Alice"), data(1), first));
		register("Bob");
		let (to_bob, proof) = reseal("Alice", 0, Purpose::Transfer, "Bob");
		assert_noop!(
			Inft::transfer(origin("Alice"), 0, 1, account("Bob"), to_bob, Box::new(proof)),
			Error::<Test>::BadProof
		);
	});
}

#[test]
fn a_clone_is_a_new_token_with_the_same_data_key() {
	ExtBuilder.build_and_execute(|| {
		let m = minted("Alice");
		register("Bob");
		let (sealed, proof) = reseal("Alice", 0, Purpose::Clone, "Bob");
		assert_noop!(
			Inft::clone(origin("Bob"), 0, 0, account("Bob"), sealed, Box::new(proof)),
			Error::<Test>::NotOwner
		);
		assert_ok!(Inft::clone(origin("Alice"), 0, 0, account("Bob"), sealed, Box::new(proof)));
		assert_eq!(
			last_event(),
			Event::Cloned { collection: 0, token: 0, clone: 1, to: account("Bob") }
		);
		let copy = Tokens::<Test>::get(0, 1).unwrap();
		assert_eq!((copy.owner.clone(), copy.creator.clone()), (account("Bob"), account("Alice")));
		assert_eq!(secret("Bob").open(&copy.sealed).unwrap(), m);
		assert_eq!(Tokens::<Test>::get(0, 0).unwrap().owner, account("Alice"));
		assert_eq!(Collections::<Test>::get(0).unwrap().tokens, 2);
		// The proof was for one clone.
		assert_noop!(
			Inft::clone(origin("Alice"), 0, 0, account("Bob"), sealed, Box::new(proof)),
			Error::<Test>::BadProof
		);
	});
}

#[test]
fn usage_grants_open_the_key_for_an_executor_until_revoked() {
	ExtBuilder.build_and_execute(|| {
		let m = minted("Alice");
		for name in ["Bob", "Charlie", "Dave"] {
			register(name);
		}
		let (sealed, proof) = reseal("Alice", 0, Purpose::Usage, "Bob");
		assert_ok!(Inft::authorize_usage(
			origin("Alice"),
			0,
			0,
			account("Bob"),
			sealed,
			Box::new(proof)
		));
		let grants = Grants::<Test>::get((0, 0));
		assert_eq!(grants.len(), 1);
		assert_eq!(secret("Bob").open(&grants[0].sealed).unwrap(), m);
		// Again to Bob replaces; Charlie fills the last place; Dave finds none.
		let (sealed, proof) = reseal("Alice", 0, Purpose::Usage, "Bob");
		assert_ok!(Inft::authorize_usage(
			origin("Alice"),
			0,
			0,
			account("Bob"),
			sealed,
			Box::new(proof)
		));
		let (sealed, proof) = reseal("Alice", 0, Purpose::Usage, "Charlie");
		assert_ok!(Inft::authorize_usage(
			origin("Alice"),
			0,
			0,
			account("Charlie"),
			sealed,
			Box::new(proof)
		));
		let (sealed, proof) = reseal("Alice", 0, Purpose::Usage, "Dave");
		assert_noop!(
			Inft::authorize_usage(origin("Alice"), 0, 0, account("Dave"), sealed, Box::new(proof)),
			Error::<Test>::TooManyGrants
		);
		assert_noop!(
			Inft::revoke_usage(origin("Bob"), 0, 0, account("Bob")),
			Error::<Test>::NotOwner
		);
		assert_ok!(Inft::revoke_usage(origin("Alice"), 0, 0, account("Bob")));
		assert_noop!(
			Inft::revoke_usage(origin("Alice"), 0, 0, account("Bob")),
			Error::<Test>::NoGrant
		);
		assert_ok!(Inft::revoke_usage(origin("Alice"), 0, 0, account("Charlie")));
		assert!(!Grants::<Test>::contains_key((0, 0)));
	});
}

#[test]
fn a_transfer_drops_the_previous_owners_grants() {
	ExtBuilder.build_and_execute(|| {
		minted("Alice");
		register("Bob");
		register("Dave");
		let (sealed, proof) = reseal("Alice", 0, Purpose::Usage, "Dave");
		assert_ok!(Inft::authorize_usage(
			origin("Alice"),
			0,
			0,
			account("Dave"),
			sealed,
			Box::new(proof)
		));
		let (sealed, proof) = reseal("Alice", 0, Purpose::Transfer, "Bob");
		assert_ok!(Inft::transfer(origin("Alice"), 0, 0, account("Bob"), sealed, Box::new(proof)));
		assert!(Grants::<Test>::get((0, 0)).is_empty());
	});
}

#[test]
fn a_transfer_to_oneself_rotates_onto_a_new_key() {
	ExtBuilder.build_and_execute(|| {
		let m = minted("Alice");
		// Alice's new key, registered under her account: the token is still sealed to
		// the old one, which she reseals from.
		let info = Tokens::<Test>::get(0, 0).unwrap();
		let old = secret("Alice");
		let new = secret("Alice2");
		let proof = new.prove_possession_with(&account("Alice").encode(), &mut rng());
		assert_ok!(Inft::register_key(origin("Alice"), new.public(), proof));
		let genesis = Inft::genesis_hash();
		let me = account("Alice").encode();
		let ctx = TransferContext {
			genesis: genesis.as_ref(),
			collection: 0,
			token: 0,
			nonce: info.nonce,
			purpose: Purpose::Transfer,
			sender: &me,
			receiver: &me,
		};
		let (sealed, proof) =
			old.reseal_with(&ctx, &info.sealed, &new.public(), &mut rng()).unwrap();
		assert_ok!(Inft::transfer(
			origin("Alice"),
			0,
			0,
			account("Alice"),
			sealed,
			Box::new(proof)
		));
		let info = Tokens::<Test>::get(0, 0).unwrap();
		assert_eq!(info.key, new.public());
		assert_eq!(new.open(&info.sealed).unwrap(), m);
		assert_eq!(OwnedCount::<Test>::get(account("Alice")), 1);
	});
}
