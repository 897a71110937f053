//! Shard coverage: counted from active nodes, new nodes assigned the least-covered shard,
//! leaving refused while it would take a shard below the minimum, a covering node set.

use super::*;
use crate::{mock::*, *};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, dispatch::DispatchResultWithPostInfo};

fn coverage(shards: u32, min_replicas: u32) {
	assert_ok!(StorageMarket::set_coverage(
		RuntimeOrigin::root(),
		CoverageConfig { shards, min_replicas }
	));
}

fn join(who: AccountId, shard: Option<ShardConfig>, bond: Balance) -> ShardConfig {
	assert_ok!(StorageMarket::register_node(
		RuntimeOrigin::signed(who),
		endpoint("http://n"),
		shard,
		bond
	));
	Nodes::<Test>::get(who).unwrap().shard
}

#[test]
fn new_nodes_fill_the_least_covered_shard() {
	ExtBuilder.build_and_execute(|| {
		coverage(4, 1);
		let half = ShardConfig { shard_id: 1, num_shard: 2 };
		join(ALICE, Some(half), 100);
		assert_eq!(StorageMarket::coverage().replicas, vec![0, 1, 0, 1]);
		assert_eq!(join(BOB, None, 100), ShardConfig { shard_id: 0, num_shard: 4 });
		assert_eq!(join(4, None, 100), ShardConfig { shard_id: 2, num_shard: 4 });
		let view = StorageMarket::coverage();
		assert_eq!((view.shards, view.min_replicas, view.replicas), (4, 1, vec![1, 1, 1, 1]));
	})
}

#[test]
fn a_node_cannot_leave_a_shard_below_the_minimum() {
	ExtBuilder.build_and_execute(|| {
		coverage(2, 1);
		join(ALICE, Some(ShardConfig { shard_id: 0, num_shard: 2 }), 100);
		join(BOB, Some(ShardConfig::FULL), 100);
		// Bob alone covers shard 1: he cannot leave it, Alice can leave shard 0.
		assert_noop!(
			StorageMarket::deregister_node(RuntimeOrigin::signed(BOB)),
			Error::<Test>::ShardUnderCovered
		);
		assert_noop!(
			StorageMarket::update_node(
				RuntimeOrigin::signed(BOB),
				endpoint("http://b"),
				ShardConfig { shard_id: 0, num_shard: 2 }
			),
			Error::<Test>::ShardUnderCovered
		);
		join(4, Some(ShardConfig { shard_id: 1, num_shard: 2 }), 100);
		assert_ok!(StorageMarket::deregister_node(RuntimeOrigin::signed(BOB)));
		// Unbonding nodes do not count.
		assert_eq!(StorageMarket::coverage().replicas, vec![1, 1]);
		assert_noop!(
			StorageMarket::deregister_node(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::ShardUnderCovered
		);
		coverage(2, 0);
		assert_ok!(StorageMarket::deregister_node(RuntimeOrigin::signed(ALICE)));
	})
}

#[test]
fn select_nodes_covers_every_shard_once() {
	ExtBuilder.build_and_execute(|| {
		coverage(4, 0);
		join(ALICE, Some(ShardConfig { shard_id: 0, num_shard: 2 }), 100);
		join(BOB, Some(ShardConfig { shard_id: 1, num_shard: 4 }), 300);
		join(4, Some(ShardConfig { shard_id: 1, num_shard: 4 }), 500);
		let chosen: Vec<_> =
			StorageMarket::select_nodes().into_iter().map(|n| n.operator).collect();
		// Alice covers 0 and 2; the larger bond of the two on shard 1; nobody on 3.
		assert_eq!(chosen, vec![ALICE, 4]);
		assert_eq!(StorageMarket::coverage().replicas, vec![1, 2, 1, 0]);
		assert_noop!(
			StorageMarket::set_coverage(
				RuntimeOrigin::root(),
				CoverageConfig { shards: 3, min_replicas: 1 }
			),
			Error::<Test>::InvalidCoverage
		);
	})
}

#[test]
fn the_coverage_count_is_charged_only_when_it_runs() {
	ExtBuilder.build_and_execute(|| {
		use crate::weights::WeightInfo as _;
		type W = <Test as Config>::WeightInfo;
		let actual = |r: DispatchResultWithPostInfo| r.unwrap().actual_weight.unwrap();
		let scan = W::coverage_scan();
		coverage(4, 1);
		let shard = ShardConfig { shard_id: 0, num_shard: 4 };
		let given = StorageMarket::register_node(
			RuntimeOrigin::signed(ALICE),
			endpoint("n"),
			Some(shard),
			100,
		);
		assert_eq!(actual(given), W::register_node());
		let assigned =
			StorageMarket::register_node(RuntimeOrigin::signed(BOB), endpoint("n"), None, 100);
		assert_eq!(actual(assigned), W::register_node().saturating_add(scan));
		join(4, Some(ShardConfig { shard_id: 1, num_shard: 4 }), 100);
		// Same shard: no count; another shard: counted.
		let same = StorageMarket::update_node(RuntimeOrigin::signed(ALICE), endpoint("m"), shard);
		assert_eq!(actual(same), W::update_node());
		let moved = StorageMarket::update_node(
			RuntimeOrigin::signed(BOB),
			endpoint("m"),
			ShardConfig { shard_id: 2, num_shard: 4 },
		);
		assert_eq!(actual(moved), W::update_node().saturating_add(scan));
		coverage(4, 0);
		let left = StorageMarket::deregister_node(RuntimeOrigin::signed(ALICE));
		assert_eq!(actual(left), W::deregister_node());
	})
}
