//! Proof-of-random-access mining: real answers from the reference miner, every forged
//! case refused with its error, rewards paid from the pools, the difficulty retargeted.

use super::*;
use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		dispatch::{Pays, PostDispatchInfo},
		traits::fungible::Inspect,
	},
	sp_runtime::DispatchError,
};
use zerog_storage_primitives::{
	pora::{self, Load},
	SEGMENT_SIZE,
};

/// Mines for `who` (of `shard`) in the current epoch over `files`; the first answer in
/// `loads` nonces.
fn mine(who: AccountId, shard: ShardConfig, files: &ChainShard, loads: u64) -> Option<Answer> {
	let epoch = CurrentEpoch::<Test>::get();
	let miner = pora::miner_id(&who);
	(0..loads).find_map(|i| {
		let nonce = pora::nonce(&miner, epoch.context.epoch, i);
		match pora::try_nonce(&epoch.context, &miner, shard, epoch.target, files, nonce) {
			Load::Found(a) => Some(*a),
			_ => None,
		}
	})
}

/// The first answer for `who` (of `shard`) that `keep` accepts, in 4,096 loads.
fn mine_where(
	who: AccountId,
	shard: ShardConfig,
	files: &ChainShard,
	keep: impl Fn(&Answer) -> bool,
) -> Option<Answer> {
	let epoch = CurrentEpoch::<Test>::get();
	let miner = pora::miner_id(&who);
	(0..4096).find_map(|i| {
		let nonce = pora::nonce(&miner, epoch.context.epoch, i);
		match pora::try_nonce(&epoch.context, &miner, shard, epoch.target, files, nonce) {
			Load::Found(a) if keep(&a) => Some(*a),
			_ => None,
		}
	})
}

/// Two files of 3 and 2 segments, submitted for a month at block 1, then epoch 1
/// (blocks 2 to 11) with them in its flow.
fn chain_with_files() -> ChainShard {
	let a = file_bytes(3 * SEGMENT_SIZE, 1);
	let b = file_bytes(2 * SEGMENT_SIZE - 1000, 2);
	let files = vec![(submit_file(BOB, &a, 1), a), (submit_file(BOB, &b, 1), b)];
	run_to_block(11);
	assert_eq!(CurrentEpoch::<Test>::get().context.flow_sectors, FlowLength::<Test>::get());
	ChainShard { files }
}

fn answer(who: AccountId, a: Answer) -> Result<PostDispatchInfo, DispatchError> {
	StorageMarket::submit_answer(RuntimeOrigin::signed(who), Box::new(a)).map_err(|e| e.error)
}

#[test]
fn epochs_start_on_schedule_with_fresh_seeds() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(CurrentEpoch::<Test>::get().context.epoch, 0);
		run_to_block(2);
		let first = CurrentEpoch::<Test>::get();
		assert_eq!((first.context.epoch, first.start), (1, 2));
		run_to_block(11);
		assert_eq!(CurrentEpoch::<Test>::get().context.epoch, 1);
		run_to_block(12);
		let second = CurrentEpoch::<Test>::get();
		assert_eq!((second.context.epoch, second.start), (2, 12));
		assert_ne!(first.context.seed, second.context.seed);
		assert_eq!(
			last_event(),
			Event::EpochStarted { epoch: 2, target: second.target, flow_sectors: 0 }.into()
		);
	})
}

#[test]
fn a_registered_node_is_rewarded_for_a_real_answer_and_pays_nothing() {
	ExtBuilder.build_and_execute(|| {
		register(ALICE, FULL);
		let files = chain_with_files();
		run_to_block(21);
		let a = mine(ALICE, FULL, &files, 64).expect("an answer at the easiest target");
		let before = Balances::balance(&ALICE);
		let market = Balances::balance(&StorageMarket::account_id());
		let info = answer(ALICE, a.clone()).expect("a valid answer");
		assert_eq!(info.pays_fee, Pays::No, "a valid answer is free");
		let chunk =
			pora::unit_position(&StorageMarket::live_entry(a.entry).unwrap(), a.segment, a.unit)
				/ SECTORS_PER_PRICING_CHUNK;
		let pool = PoolReleases::<Test>::get(chunk);
		// Both files are in pricing chunk 0: 20 blocks of both lifetimes released.
		let fees: u128 = Entries::<Test>::iter_values().map(|e| e.fee / 100 * 20).sum();
		assert!(fees > 0);
		assert_eq!(pool.paid, fees, "the answer took everything released");
		assert_eq!(Balances::balance(&ALICE), before + fees + MINING.base_reward);
		assert_eq!(Balances::balance(&StorageMarket::account_id()), market - fees);
		assert_eq!(
			last_event(),
			Event::AnswerAccepted {
				miner: ALICE,
				epoch: 2,
				entry: a.entry,
				segment: a.segment,
				fees,
				base: MINING.base_reward
			}
			.into()
		);
		let record = StorageMarket::miner(&ALICE);
		assert_eq!((record.answers, record.rewards, record.last_epoch), (1, fees + 7, Some(2)));
		assert_eq!(CurrentEpoch::<Test>::get().answers, 1);
	})
}

#[test]
fn forged_answers_are_refused_with_their_errors() {
	ExtBuilder.build_and_execute(|| {
		register(ALICE, FULL);
		register(BOB, ShardConfig { shard_id: 1, num_shard: 2 });
		let files = chain_with_files();
		let a = mine(ALICE, FULL, &files, 64).unwrap();

		let mut b = a.clone();
		b.sealed[17] ^= 0x40;
		assert_noop!(answer(ALICE, b), Error::<Test>::BadProof);
		let mut b = a.clone();
		b.segment_proof.siblings[0][3] ^= 1;
		assert_noop!(answer(ALICE, b), Error::<Test>::BadProof);
		let mut b = a.clone();
		b.unit_proof.siblings.pop();
		assert_noop!(answer(ALICE, b), Error::<Test>::BadProof);
		let mut b = a.clone();
		b.segment += 1;
		assert_noop!(answer(ALICE, b), Error::<Test>::WrongRecall);
		let mut b = a.clone();
		b.unit = 64;
		assert_noop!(answer(ALICE, b), Error::<Test>::UnitOutOfRange);
		let mut b = a.clone();
		b.epoch += 1;
		assert_noop!(answer(ALICE, b), Error::<Test>::WrongEpoch);
		// Alice's answer claimed by another account: its recall and seal are Alice's.
		assert!(answer(BOB, a.clone()).is_err());
		assert_noop!(answer(POOR, a.clone()), Error::<Test>::NotRegistered);
		// Mined for the whole flow, claimed by a node of shard 1/2.
		let full = mine_where(BOB, FULL, &files, |x| x.segment % 2 == 0)
			.expect("an answer for an even segment");
		assert_noop!(answer(BOB, full), Error::<Test>::WrongRecall);

		// The real answer passes once; replayed it is refused.
		assert_ok!(answer(ALICE, a.clone()));
		assert_noop!(answer(ALICE, a.clone()), Error::<Test>::AlreadyAnswered);
		// Out of its epoch.
		run_to_block(21);
		assert_noop!(answer(ALICE, a), Error::<Test>::WrongEpoch);
	})
}

#[test]
fn the_epoch_cap_and_the_shard_are_enforced() {
	ExtBuilder.build_and_execute(|| {
		let half = |id| ShardConfig { shard_id: id, num_shard: 2 };
		register(ALICE, half(0));
		register(BOB, half(1));
		register(4, FULL);
		assert_ok!(StorageMarket::set_mining_config(
			RuntimeOrigin::root(),
			MiningConfig { target_answers: 1, max_answers: 2, ..MINING }
		));
		let files = chain_with_files();
		let a = mine(ALICE, half(0), &files, 64).unwrap();
		assert_eq!(a.segment % 2, 0, "shard 0 of 2 mines even segments");
		let b = mine(BOB, half(1), &files, 64).unwrap();
		assert_eq!(b.segment % 2, 1);
		let c = mine(4, FULL, &files, 64).unwrap();
		assert_ok!(answer(ALICE, a));
		assert_ok!(answer(BOB, b));
		assert_noop!(answer(4, c), Error::<Test>::EpochFull);
	})
}

#[test]
fn mining_rules_are_set_by_governance_within_bounds() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			StorageMarket::set_mining_config(RuntimeOrigin::signed(ALICE), MINING),
			DispatchError::BadOrigin
		);
		for bad in [
			MiningConfig { base_reward: MaxBaseReward::get() + 1, ..MINING },
			MiningConfig { target_answers: 0, ..MINING },
			MiningConfig { max_answers: 3, ..MINING },
			MiningConfig { month_blocks: 0, ..MINING },
		] {
			assert_noop!(
				StorageMarket::set_mining_config(RuntimeOrigin::root(), bad),
				Error::<Test>::InvalidMiningConfig
			);
		}
		let off = MiningConfig { epoch_blocks: 0, ..MINING };
		assert_ok!(StorageMarket::set_mining_config(RuntimeOrigin::root(), off.clone()));
		assert_eq!(last_event(), Event::MiningConfigSet { config: off }.into());
		register(ALICE, FULL);
		let data = file_bytes(SEGMENT_SIZE, 3);
		let files = ChainShard { files: vec![(submit_file(BOB, &data, 1), data)] };
		run_to_block(30);
		assert_eq!(CurrentEpoch::<Test>::get().context.epoch, 0, "no epoch begins");
		assert!(mine(ALICE, FULL, &files, 64).is_none(), "nothing to mine");
	})
}

/// Three miners, each trying 6 loads an epoch, want 2 answers an epoch: from the easiest
/// target (3 answers) and from one far too hard (none), the difficulty moves until the
/// epochs average close to 2.
#[test]
fn the_difficulty_converges_toward_the_wanted_answers() {
	for start in [u128::MAX, u128::MAX >> 48] {
		ExtBuilder.build_and_execute(|| {
			let miners = [ALICE, BOB, 4];
			for m in miners {
				register(m, FULL);
			}
			assert_ok!(StorageMarket::set_mining_config(
				RuntimeOrigin::root(),
				MiningConfig { target_answers: 2, max_answers: 3, ..MINING }
			));
			CurrentEpoch::<Test>::mutate(|e| e.target = start);
			let data = file_bytes(4 * SEGMENT_SIZE, 9);
			let files = ChainShard { files: vec![(submit_file(BOB, &data, 12), data)] };
			let mut history = Vec::new();
			for epoch in 0..40u64 {
				run_to_block(2 + 10 * (epoch + 1));
				let mut answers = 0;
				for m in miners {
					if let Some(a) = mine(m, FULL, &files, 6) {
						assert_ok!(answer(m, a));
						answers += 1;
					}
				}
				history.push((CurrentEpoch::<Test>::get().target, answers));
			}
			let late: Vec<u32> = history[25..].iter().map(|(_, n)| *n).collect();
			let mean = late.iter().sum::<u32>() as f64 / late.len() as f64;
			assert!(
				(1.4..=2.6).contains(&mean),
				"from {start:#x}: the last 15 epochs average {mean} answers: {history:?}"
			);
			// Targets never move more than the step allows.
			for w in history.windows(2) {
				let (a, b) = (w[0].0, w[1].0);
				assert!(b <= a.saturating_mul(4) && b >= a / 4, "{a:#x} -> {b:#x}");
			}
		});
	}
}

#[test]
fn a_pool_decreases_by_exactly_what_it_pays() {
	ExtBuilder.build_and_execute(|| {
		register(ALICE, FULL);
		register(BOB, FULL);
		let files = chain_with_files();
		let credited = RewardPools::<Test>::get(0);
		let mut paid = 0;
		for (who, block) in [(ALICE, 31), (BOB, 51), (ALICE, 81)] {
			run_to_block(block);
			let a = mine(who, FULL, &files, 64).unwrap();
			let before = Balances::balance(&who);
			assert_ok!(answer(who, a));
			paid += Balances::balance(&who) - before - MINING.base_reward;
		}
		let pool = PoolReleases::<Test>::get(0);
		assert_eq!(pool.paid, paid);
		assert!(pool.paid <= pool.released && pool.released <= credited);
		// At block 81 of lifetimes from block 1 to 101: 80 blocks of each file's rate.
		let rate: u128 = Entries::<Test>::iter_values().map(|e| e.fee / 100).sum();
		assert_eq!(paid, rate * 80);
	})
}
