//! Unit tests of the iNFT pallet, by topic, with real keys and proofs. Every test runs
//! through [`ExtBuilder::build_and_execute`], which checks the pallet's invariants after
//! it.

mod handover;
mod invariants;
mod keys;
mod sale;
mod tokens;

use crate::{mock::*, *};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec},
	sp_runtime::DispatchError,
};
use zerog_inft_primitives::{prove::new_sealed_key_with, Point, TransferContext};

fn origin(name: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(name))
}

fn register(name: &str) {
	let key = secret(name);
	let proof = key.prove_possession_with(&account(name).encode(), &mut rng());
	assert_ok!(Inft::register_key(origin(name), key.public(), proof));
}

fn data(file: u8) -> DataOf<Test> {
	IntelligentData {
		description: BoundedVec::truncate_from(b"an agent".to_vec()),
		file: [file; 32],
		size: 8 << 20,
	}
}

/// Alice's collection 0 with one token minted to `owner`; returns the token's point `M`.
fn minted(owner: &str) -> Point {
	register("Alice");
	if owner != "Alice" {
		register(owner);
	}
	assert_ok!(Inft::create_collection(
		origin("Alice"),
		BoundedVec::truncate_from(b"agents".to_vec())
	));
	let (m, sealed) = new_sealed_key_with(&secret(owner).public(), &mut rng()).unwrap();
	assert_ok!(Inft::mint(origin("Alice"), 0, account(owner), data(1), sealed));
	m
}

/// `from` reseals token (0, `token`)'s key to `to` for `purpose`, as `zg inft` does.
fn reseal(
	from: &str,
	token: TokenId,
	purpose: Purpose,
	to: &str,
) -> (SealedKey, ReencryptionProof) {
	let info = Tokens::<Test>::get(0, token).unwrap();
	let genesis = Inft::genesis_hash();
	let (sender, receiver) = (account(from).encode(), account(to).encode());
	let ctx = TransferContext {
		genesis: genesis.as_ref(),
		collection: 0,
		token,
		nonce: info.nonce,
		purpose,
		sender: &sender,
		receiver: &receiver,
	};
	secret(from).reseal_with(&ctx, &info.sealed, &secret(to).public(), &mut rng()).unwrap()
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Inft(e) => Some(e),
			_ => None,
		})
		.expect("an iNFT event")
}

fn held(name: &str, reason: HoldReason) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Inft(reason), &account(name))
}
