//! The storage-node registry and its bonds.

use super::*;
use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::fungible::{Inspect, InspectHold},
	},
	sp_runtime::{DispatchError, TokenError},
};

#[test]
fn node_lifecycle() {
	ExtBuilder.build_and_execute(|| {
		let shard = ShardConfig { shard_id: 1, num_shard: 2 };
		assert_ok!(StorageMarket::register_node(
			RuntimeOrigin::signed(ALICE),
			endpoint("http://127.0.0.1:5678"),
			Some(shard),
			500
		));
		assert_eq!(Balances::balance_on_hold(&HoldReason::NodeBond.into(), &ALICE), 500);
		assert_eq!(Nodes::<Test>::count(), 1);
		assert_eq!(StorageMarket::nodes()[0].shard, shard);

		assert_ok!(StorageMarket::update_node(
			RuntimeOrigin::signed(ALICE),
			endpoint("http://b"),
			FULL
		));
		assert_eq!(Nodes::<Test>::get(ALICE).unwrap().endpoint, endpoint("http://b"));
		assert_eq!(
			last_event(),
			Event::NodeUpdated { node: ALICE, endpoint: endpoint("http://b"), shard: FULL }.into()
		);

		assert_noop!(
			StorageMarket::withdraw_bond(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NotUnbonding
		);
		assert_ok!(StorageMarket::deregister_node(RuntimeOrigin::signed(ALICE)));
		assert_eq!(last_event(), Event::NodeDeregistered { node: ALICE, until: 11 }.into());
		assert_noop!(
			StorageMarket::deregister_node(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NodeUnbonding
		);
		assert_noop!(
			StorageMarket::update_node(RuntimeOrigin::signed(ALICE), endpoint("http://c"), FULL),
			Error::<Test>::NodeUnbonding
		);
		assert_noop!(
			StorageMarket::withdraw_bond(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::StillUnbonding
		);

		System::set_block_number(11);
		assert_ok!(StorageMarket::withdraw_bond(RuntimeOrigin::signed(ALICE)));
		assert_eq!(last_event(), Event::BondWithdrawn { node: ALICE, amount: 500 }.into());
		assert_eq!(Balances::balance_on_hold(&HoldReason::NodeBond.into(), &ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), INITIAL);
		assert!(Nodes::<Test>::get(ALICE).is_none());
		assert_eq!(Nodes::<Test>::count(), 0);
	});
}

#[test]
fn node_errors() {
	ExtBuilder.build_and_execute(|| {
		let reg = |who, ep: &str, shard, bond| {
			StorageMarket::register_node(
				RuntimeOrigin::signed(who),
				endpoint(ep),
				Some(shard),
				bond,
			)
		};
		assert_noop!(reg(ALICE, "http://a", FULL, 99), Error::<Test>::BondTooLow);
		assert_noop!(reg(ALICE, "", FULL, 100), Error::<Test>::EmptyEndpoint);
		assert_noop!(
			reg(ALICE, "http://a", ShardConfig { shard_id: 2, num_shard: 2 }, 100),
			Error::<Test>::InvalidShardConfig
		);
		assert_noop!(
			reg(ALICE, "http://a", ShardConfig { shard_id: 0, num_shard: 3 }, 100),
			Error::<Test>::InvalidShardConfig
		);
		assert_noop!(
			reg(POOR, "http://a", FULL, 100),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
		assert_ok!(reg(ALICE, "http://a", FULL, 100));
		assert_noop!(reg(ALICE, "http://a", FULL, 100), Error::<Test>::AlreadyRegistered);
		assert_ok!(reg(BOB, "http://b", FULL, 100));
		assert_ok!(reg(4, "http://c", FULL, 100));
		assert_noop!(reg(5, "http://d", FULL, 100), Error::<Test>::TooManyNodes);

		let none = RuntimeOrigin::signed(5);
		assert_noop!(
			StorageMarket::update_node(none.clone(), endpoint("x"), FULL),
			Error::<Test>::NotRegistered
		);
		assert_noop!(StorageMarket::deregister_node(none.clone()), Error::<Test>::NotRegistered);
		assert_noop!(StorageMarket::withdraw_bond(none), Error::<Test>::NotRegistered);
		assert_noop!(
			StorageMarket::update_node(
				RuntimeOrigin::signed(ALICE),
				endpoint("x"),
				ShardConfig { shard_id: 1, num_shard: 1 }
			),
			Error::<Test>::InvalidShardConfig
		);
		assert_noop!(
			StorageMarket::update_node(RuntimeOrigin::signed(ALICE), endpoint(""), FULL),
			Error::<Test>::EmptyEndpoint
		);
	});
}

#[test]
fn oversized_endpoint_does_not_decode() {
	use codec::{Decode, Encode};
	// A well-formed call decodes...
	let call =
		crate::Call::<Test>::register_node { endpoint: endpoint("x"), shard: Some(FULL), bond: 1 };
	assert_eq!(crate::Call::<Test>::decode(&mut &call.encode()[..]).unwrap(), call);
	// ...one carrying a 65-byte endpoint (the bound is 64) is rejected at decoding,
	// before it could be dispatched.
	let bytes = [vec![2u8], vec![b'a'; 65].encode(), FULL.encode(), 1u128.encode()].concat();
	assert!(crate::Call::<Test>::decode(&mut &bytes[..]).is_err());
}
