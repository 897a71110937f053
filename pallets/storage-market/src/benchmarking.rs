//! Benchmarks of the storage market, for `zerog-node benchmark pallet`.

use super::*;
use crate::Pallet as StorageMarket;
use alloc::vec;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{fungible::Mutate, EnsureOrigin, Get},
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_runtime::traits::Bounded,
};
use zerog_storage_primitives::{pora, MAX_FILE_SIZE, SEGMENT_SIZE};

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let _ = T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

fn endpoint<T: Config>() -> EndpointOf<T> {
	BoundedVec::try_from(vec![b'h'; T::MaxEndpointLen::get() as usize]).unwrap()
}

/// A funded account with a registered, active node of the longest endpoint.
fn registered_node<T: Config>() -> T::AccountId {
	let caller = funded::<T>("node");
	StorageMarket::<T>::register_node(
		RawOrigin::Signed(caller.clone()).into(),
		endpoint::<T>(),
		Some(ShardConfig::FULL),
		T::MinNodeBond::get(),
	)
	.unwrap();
	caller
}

/// A file of one segment, the only data the benchmark's miner holds.
struct OneFile {
	view: pora::EntryView,
	data: alloc::vec::Vec<u8>,
}

impl pora::Shard for OneFile {
	fn entry_at(&self, sector: u64) -> Option<pora::EntryView> {
		self.view.contains(sector).then_some(self.view)
	}
	fn segment(
		&self,
		seq: EntrySeq,
		index: u64,
	) -> Option<(alloc::vec::Vec<u8>, zerog_storage_primitives::MerkleProof)> {
		(seq == self.view.seq && index == 0).then(|| {
			let proof = zerog_storage_primitives::FileMerkleTree::from_data(&self.data)
				.segment_proof(0)
				.expect("one segment");
			(self.data.clone(), proof)
		})
	}
}

/// Mining on: epochs of 10 blocks, a month of 100 blocks.
fn mining_on<T: Config>() {
	Mining::<T>::put(MiningConfig {
		epoch_blocks: 10u32.into(),
		target_answers: 4,
		max_answers: 8,
		base_reward: T::MaxBaseReward::get(),
		month_blocks: 100u32.into(),
	});
}

/// A file of `c - 1` pricing chunks' worth of sectors that straddles `c` chunks.
fn straddling_entry<T: Config>(c: u32) -> EntrySeq {
	let caller = funded::<T>("caller");
	PricePerSectorMonth::<T>::put(BalanceOf::<T>::from(1u32));
	FlowLength::<T>::put(SECTORS_PER_PRICING_CHUNK - 1);
	let sectors = (c as u64 - 1).max(1) * SECTORS_PER_PRICING_CHUNK;
	let size = (sectors * CHUNK_SIZE as u64).min(MAX_FILE_SIZE);
	StorageMarket::<T>::submit(RawOrigin::Signed(caller).into(), size, [1u8; 32], [2u8; 32], 1)
		.unwrap();
	EntryCount::<T>::get() - 1
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// `c` pricing chunks credited: the flow ends one sector before a chunk boundary, so
	// a file of `c - 1` chunks' worth of sectors straddles `c` chunks (c = 129 is the
	// largest file, 1 TiB).
	#[benchmark]
	fn submit(c: Linear<1, MAX_POOLS_TOUCHED>) {
		let caller = funded::<T>("caller");
		PricePerSectorMonth::<T>::put(BalanceOf::<T>::from(1u32));
		FlowLength::<T>::put(SECTORS_PER_PRICING_CHUNK - 1);
		let sectors = (c as u64 - 1).max(1) * SECTORS_PER_PRICING_CHUNK;
		let size = (sectors * CHUNK_SIZE as u64).min(MAX_FILE_SIZE);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), size, [1u8; 32], [2u8; 32], 1);
		assert_eq!(EntryCount::<T>::get(), 1);
	}

	#[benchmark]
	fn set_price() -> Result<(), BenchmarkError> {
		let origin =
			T::PriceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7u32.into());
		Ok(())
	}

	#[benchmark]
	fn register_node() {
		let caller = funded::<T>("node");
		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			endpoint::<T>(),
			Some(ShardConfig::FULL),
			T::MinNodeBond::get(),
		);
		assert!(Nodes::<T>::contains_key(caller));
	}

	#[benchmark]
	fn update_node() {
		let caller = registered_node::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), endpoint::<T>(), ShardConfig { shard_id: 1, num_shard: 2 });
	}

	#[benchmark]
	fn deregister_node() {
		let caller = registered_node::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller));
	}

	#[benchmark]
	fn withdraw_bond() {
		let caller = registered_node::<T>();
		StorageMarket::<T>::deregister_node(RawOrigin::Signed(caller.clone()).into()).unwrap();
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + T::UnbondingPeriod::get(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert!(!Nodes::<T>::contains_key(caller));
	}

	// An answer to a full segment at the easiest target, with the pool paying out.
	#[benchmark]
	fn submit_answer() {
		mining_on::<T>();
		let caller = registered_node::<T>();
		PricePerSectorMonth::<T>::put(BalanceOf::<T>::from(1u32));
		let data: alloc::vec::Vec<u8> = (0..SEGMENT_SIZE).map(|i| (i % 251) as u8).collect();
		let root = zerog_storage_primitives::FileMerkleTree::from_data(&data).root();
		StorageMarket::<T>::submit(
			RawOrigin::Signed(funded::<T>("payer")).into(),
			data.len() as u64,
			root,
			[0; 32],
			12,
		)
		.unwrap();
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now + 5u32.into());
		StorageMarket::<T>::maybe_start_epoch(now + 5u32.into());
		CurrentEpoch::<T>::mutate(|e| e.target = u128::MAX);
		frame_system::Pallet::<T>::set_block_number(now + 9u32.into());
		let view = StorageMarket::<T>::live_entry(0).unwrap();
		let epoch = CurrentEpoch::<T>::get();
		let miner = pora::miner_id(&caller);
		let shard = OneFile { view, data };
		let answer = (0..64u64)
			.find_map(|i| {
				let nonce = pora::nonce(&miner, epoch.context.epoch, i);
				match pora::try_nonce(
					&epoch.context,
					&miner,
					ShardConfig::FULL,
					epoch.target,
					&shard,
					nonce,
				) {
					pora::Load::Found(a) => Some(a),
					_ => None,
				}
			})
			.expect("an answer at the easiest target");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), answer);
		assert_eq!(Miners::<T>::get(&caller).answers, 1);
	}

	#[benchmark]
	fn renew(c: Linear<1, MAX_POOLS_TOUCHED>) {
		mining_on::<T>();
		let seq = straddling_entry::<T>(c);
		let payer = funded::<T>("payer");
		#[extrinsic_call]
		_(RawOrigin::Signed(payer), seq, 1);
		assert_eq!(Entries::<T>::get(seq).unwrap().lifetime_months, 2);
	}

	#[benchmark]
	fn set_mining_config() -> Result<(), BenchmarkError> {
		let origin =
			T::PriceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let config = MiningConfig {
			epoch_blocks: 10u32.into(),
			target_answers: 4,
			max_answers: 8,
			base_reward: T::MaxBaseReward::get(),
			month_blocks: 100u32.into(),
		};
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, config);
		Ok(())
	}

	#[benchmark]
	fn start_epoch() {
		mining_on::<T>();
		let now = frame_system::Pallet::<T>::block_number() + 1u32.into();
		#[block]
		{
			StorageMarket::<T>::maybe_start_epoch(now);
		}
		assert_eq!(CurrentEpoch::<T>::get().start, now);
	}

	#[benchmark]
	fn expire(c: Linear<1, MAX_POOLS_TOUCHED>) {
		mining_on::<T>();
		let seq = straddling_entry::<T>(c);
		let end = StorageMarket::<T>::expires_at(seq).unwrap();
		#[block]
		{
			StorageMarket::<T>::expire_due(end);
		}
		assert!(StorageMarket::<T>::expires_at(seq).is_none());
	}

	// An audit answered with the right proof, for a one-segment file.
	#[benchmark]
	fn answer_audit() {
		let caller = registered_node::<T>();
		PricePerSectorMonth::<T>::put(BalanceOf::<T>::from(1u32));
		let data: alloc::vec::Vec<u8> = (0..SEGMENT_SIZE).map(|i| (i % 251) as u8).collect();
		let tree = zerog_storage_primitives::FileMerkleTree::from_data(&data);
		StorageMarket::<T>::submit(
			RawOrigin::Signed(funded::<T>("payer")).into(),
			data.len() as u64,
			tree.root(),
			[0; 32],
			12,
		)
		.unwrap();
		let deadline = frame_system::Pallet::<T>::block_number() + 10u32.into();
		let audit = OpenAudit { node: caller.clone(), entry: 0, segment: 0, unit: 63, deadline };
		Audits::<T>::insert(0, audit);
		AuditDeadlines::<T>::insert(deadline, 0);
		OpenAudits::<T>::mutate(&caller, |o| o.try_push(0).unwrap());
		let proof = pora::audit_proof(&data, 63, tree.segment_proof(0).unwrap()).expect("a unit");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), 0, alloc::boxed::Box::new(proof));
		assert!(OpenAudits::<T>::get(&caller).is_empty());
	}

	// An audit drawn over a flow of 1,024 entries (a binary search of 10 steps).
	#[benchmark]
	fn issue_audit() {
		registered_node::<T>();
		let payer = funded::<T>("payer");
		PricePerSectorMonth::<T>::put(BalanceOf::<T>::from(1u32));
		for i in 0..1024u32 {
			// One a block, so that no block's expiry queue fills.
			frame_system::Pallet::<T>::set_block_number((i + 1).into());
			let mut root = [0u8; 32];
			root[..4].copy_from_slice(&i.to_le_bytes());
			StorageMarket::<T>::submit(
				RawOrigin::Signed(payer.clone()).into(),
				300_000,
				root,
				[0; 32],
				1,
			)
			.unwrap();
		}
		Audit::<T>::put(AuditConfig {
			period: 1u32.into(),
			window: 10u32.into(),
			slash: polkadot_sdk::sp_runtime::Perbill::from_percent(10),
		});
		let now = frame_system::Pallet::<T>::block_number() + 1u32.into();
		#[block]
		{
			StorageMarket::<T>::maybe_issue_audit(now);
		}
		assert_eq!(NextAuditId::<T>::get(), 1);
	}

	// A missed audit slashed at its deadline.
	#[benchmark]
	fn slash_audit() {
		let node = registered_node::<T>();
		let _ = straddling_entry::<T>(1);
		Audit::<T>::put(AuditConfig {
			period: 1u32.into(),
			window: 10u32.into(),
			slash: polkadot_sdk::sp_runtime::Perbill::from_percent(10),
		});
		let deadline = frame_system::Pallet::<T>::block_number() + 10u32.into();
		Audits::<T>::insert(
			0,
			OpenAudit { node: node.clone(), entry: 0, segment: 0, unit: 0, deadline },
		);
		AuditDeadlines::<T>::insert(deadline, 0);
		OpenAudits::<T>::mutate(&node, |o| o.try_push(0).unwrap());
		#[block]
		{
			StorageMarket::<T>::expire_audit(deadline);
		}
		assert!(Slashed::<T>::get() > 0u32.into());
	}

	// Coverage counted over `MaxNodes` registered nodes.
	#[benchmark]
	fn coverage_scan() {
		for i in 0..T::MaxNodes::get() {
			let who: T::AccountId = account("node", i, 0);
			let _ = T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4096u32.into());
			StorageMarket::<T>::register_node(
				RawOrigin::Signed(who).into(),
				endpoint::<T>(),
				Some(ShardConfig::FULL),
				T::MinNodeBond::get(),
			)
			.unwrap();
		}
		#[block]
		{
			StorageMarket::<T>::replicas(None);
		}
	}

	impl_benchmark_test_suite!(StorageMarket, crate::mock::new_test_ext(), crate::mock::Test);
}
