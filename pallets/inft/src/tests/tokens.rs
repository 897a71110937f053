//! Collections, minting, updates and burning.

use super::*;
use zerog_inft_primitives::data_key;

#[test]
fn a_minted_token_opens_for_its_owner_only() {
	ExtBuilder.build_and_execute(|| {
		let m = minted("Bob");
		let info = Tokens::<Test>::get(0, 0).unwrap();
		assert_eq!(info.owner, account("Bob"));
		assert_eq!(info.creator, account("Alice"));
		assert_eq!(info.key, secret("Bob").public());
		assert_eq!(secret("Bob").open(&info.sealed).unwrap(), m);
		assert_ne!(secret("Alice").open(&info.sealed).unwrap(), m);
		assert_eq!(OwnedCount::<Test>::get(account("Bob")), 1);
		assert!(Owned::<Test>::contains_key(account("Bob"), (0, 0)));
		assert_eq!(
			held("Alice", HoldReason::Deposit),
			CollectionDeposit::get() + TokenDeposit::get()
		);
		assert_eq!(
			last_event(),
			Event::Minted { collection: 0, token: 0, owner: account("Bob"), file: [1; 32] }
		);
	});
}

#[test]
fn minting_needs_the_collection_owner_and_a_keyed_owner() {
	ExtBuilder.build_and_execute(|| {
		minted("Alice");
		let (_, sealed) = new_sealed_key_with(&secret("Bob").public(), &mut rng()).unwrap();
		assert_noop!(
			Inft::mint(origin("Bob"), 0, account("Bob"), data(2), sealed),
			Error::<Test>::NotCollectionOwner
		);
		assert_noop!(
			Inft::mint(origin("Alice"), 0, account("Bob"), data(2), sealed),
			Error::<Test>::NoKey
		);
		assert_noop!(
			Inft::mint(origin("Alice"), 9, account("Alice"), data(2), sealed),
			Error::<Test>::UnknownCollection
		);
		let identity = SealedKey { c1: [0; 32], c2: sealed.c2 };
		assert_noop!(
			Inft::mint(origin("Alice"), 0, account("Alice"), data(2), identity),
			Error::<Test>::IdentityPoint
		);
	});
}

#[test]
fn an_update_brings_a_fresh_key_and_drops_grants() {
	ExtBuilder.build_and_execute(|| {
		let old = minted("Bob");
		register("Dave");
		let (sealed, proof) = reseal("Bob", 0, Purpose::Usage, "Dave");
		assert_ok!(Inft::authorize_usage(
			origin("Bob"),
			0,
			0,
			account("Dave"),
			sealed,
			Box::new(proof)
		));
		let (new, sealed) =
			new_sealed_key_with(&secret("Bob").public(), &mut StdRng::seed_from_u64(9)).unwrap();
		assert_ne!(data_key(&new), data_key(&old));
		assert_noop!(Inft::update(origin("Dave"), 0, 0, data(2), sealed), Error::<Test>::NotOwner);
		assert_ok!(Inft::update(origin("Bob"), 0, 0, data(2), sealed));
		let info = Tokens::<Test>::get(0, 0).unwrap();
		assert_eq!((info.version, info.data.file), (1, [2; 32]));
		assert_eq!(secret("Bob").open(&info.sealed).unwrap(), new);
		assert!(Grants::<Test>::get((0, 0)).is_empty(), "the executor cannot read version 1");
		assert_eq!(
			last_event(),
			Event::Updated { collection: 0, token: 0, version: 1, file: [2; 32] }
		);
	});
}

use rand::{rngs::StdRng, SeedableRng};

#[test]
fn burning_releases_the_deposit_and_empties_the_collection() {
	ExtBuilder.build_and_execute(|| {
		minted("Bob");
		assert_noop!(
			Inft::destroy_collection(origin("Alice"), 0),
			Error::<Test>::CollectionNotEmpty
		);
		assert_noop!(Inft::burn(origin("Alice"), 0, 0), Error::<Test>::NotOwner);
		assert_noop!(Inft::burn(origin("Bob"), 0, 5), Error::<Test>::UnknownToken);
		assert_ok!(Inft::burn(origin("Bob"), 0, 0));
		assert_eq!(held("Alice", HoldReason::Deposit), CollectionDeposit::get());
		assert_eq!(OwnedCount::<Test>::get(account("Bob")), 0);
		assert_noop!(Inft::destroy_collection(origin("Bob"), 0), Error::<Test>::NotCollectionOwner);
		assert_ok!(Inft::destroy_collection(origin("Alice"), 0));
		assert_eq!(held("Alice", HoldReason::Deposit), 0);
		assert_eq!(Balances::free_balance(account("Alice")), ENDOWMENT);
	});
}

#[test]
fn a_deposit_the_minter_cannot_pay_refuses_the_mint() {
	ExtBuilder.build_and_execute(|| {
		register("Alice");
		let poor = account("Poor");
		let key = secret("Poor");
		let proof = key.prove_possession_with(&poor.encode(), &mut rng());
		assert_ok!(Inft::register_key(RuntimeOrigin::signed(poor.clone()), key.public(), proof));
		assert!(Inft::create_collection(RuntimeOrigin::signed(poor), BoundedVec::new()).is_err());
		assert_eq!(NextCollectionId::<Test>::get(), 0);
	});
}
