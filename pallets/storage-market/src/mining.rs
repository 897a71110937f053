//! Proof-of-random-access mining: epochs, answers, rewards and the difficulty.
//!
//! - **Epochs.** Every `MiningConfig::epoch_blocks` blocks a new epoch begins in
//!   `on_initialize`. Its context is its index, a seed hashed from the runtime's
//!   randomness (BABE) and the parent block's hash, and the flow's length: only data
//!   submitted before the epoch can be recalled, and nobody knows the seed before the
//!   epoch's first block.
//! - **Answers.** [`Pallet::submit_answer`] takes the answer of a registered, active
//!   node for the current epoch, checks it with `zerog_storage_primitives::pora::verify`
//!   against the recalled live entry and the node's own shard, and rewards it: once per
//!   miner per epoch, at most `max_answers` per epoch.
//! - **Rewards.** The answer takes everything the recalled sector's pricing-chunk pool
//!   has released and not yet paid ([`crate::lifetimes`] releases each entry's fee
//!   linearly over its lifetime), plus `base_reward` newly minted.
//! - **Difficulty.** At each epoch's start the target is scaled by
//!   `target_answers / answers` of the epoch that ended, clamped to `MaxRetargetStep`
//!   either way (`pora::retarget`).

use crate::{
	pallet::*, Answer, EntrySeq, MinerRecord, MiningEpoch, PoraError, WeightInfo,
	SECTORS_PER_PRICING_CHUNK,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::Mutate, tokens::Preservation, Get, Randomness},
		weights::Weight,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchError, DispatchResult,
	},
};
use zerog_pallet_bond::BondLifecycle;
use zerog_storage_primitives::{
	keccak256,
	pora::{self, EntryView, MineContext},
};

impl<T: Config> Pallet<T> {
	/// Starts a new epoch at `now` if the current one has run its length.
	pub(crate) fn maybe_start_epoch(now: BlockNumberFor<T>) -> Weight {
		let config = Mining::<T>::get();
		if config.epoch_blocks.is_zero() {
			return T::DbWeight::get().reads(1);
		}
		let epoch = CurrentEpoch::<T>::get();
		// Genesis leaves a placeholder epoch 0 without a seed: epoch 1 starts at once.
		let first = epoch.context.seed == [0; 32];
		if !first && now < epoch.start.saturating_add(config.epoch_blocks) {
			return T::DbWeight::get().reads(2);
		}
		let index = epoch.context.epoch.saturating_add(1);
		let (random, _) = T::Randomness::random(b"zerog/pora/epoch");
		let parent = frame_system::Pallet::<T>::parent_hash();
		let seed = (random, parent, index).using_encoded(keccak256);
		let target = if first {
			epoch.target
		} else {
			pora::retarget(
				epoch.target,
				epoch.answers,
				config.target_answers,
				T::MaxRetargetStep::get(),
			)
		};
		let context = MineContext { epoch: index, seed, flow_sectors: FlowLength::<T>::get() };
		CurrentEpoch::<T>::put(MiningEpoch { context, start: now, target, answers: 0 });
		Self::deposit_event(Event::EpochStarted {
			epoch: index,
			target,
			flow_sectors: context.flow_sectors,
		});
		T::WeightInfo::start_epoch()
	}

	pub(crate) fn do_submit_answer(who: T::AccountId, answer: Answer) -> DispatchResult {
		let config = Mining::<T>::get();
		ensure!(!config.epoch_blocks.is_zero(), Error::<T>::MiningOff);
		let mut epoch = CurrentEpoch::<T>::get();
		ensure!(
			answer.epoch == epoch.context.epoch && epoch.context.seed != [0; 32],
			Error::<T>::WrongEpoch
		);
		let node = Nodes::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		node.status.ensure_active().map_err(|_| Error::<T>::NodeUnbonding)?;
		let mut record = Miners::<T>::get(&who);
		ensure!(record.last_epoch != Some(epoch.context.epoch), Error::<T>::AlreadyAnswered);
		ensure!(epoch.answers < config.max_answers, Error::<T>::EpochFull);
		let entry = Self::live_entry(answer.entry)?;
		let miner = pora::miner_id(&who);
		pora::verify(&epoch.context, &miner, node.shard, epoch.target, &entry, &answer)
			.map_err(Self::pora_error)?;

		// The sector the answer proves sits in one pricing chunk: its pool pays.
		let sector = pora::unit_position(&entry, answer.segment, answer.unit);
		let chunk = sector / SECTORS_PER_PRICING_CHUNK;
		let now = frame_system::Pallet::<T>::block_number();
		let fees = PoolReleases::<T>::mutate(chunk, |pool| {
			Self::bring_up_to(pool, now);
			let due = pool.released.saturating_sub(pool.paid);
			pool.paid = pool.paid.saturating_add(due);
			due
		});
		if !fees.is_zero() {
			T::Currency::transfer(&Self::account_id(), &who, fees, Preservation::Preserve)?;
		}
		let base = config.base_reward.min(T::MaxBaseReward::get());
		if !base.is_zero() {
			T::Currency::mint_into(&who, base)?;
		}
		record.answers = record.answers.saturating_add(1);
		record.rewards = record.rewards.saturating_add(fees).saturating_add(base);
		record.last_epoch = Some(epoch.context.epoch);
		Miners::<T>::insert(&who, record);
		epoch.answers = epoch.answers.saturating_add(1);
		CurrentEpoch::<T>::put(&epoch);
		Self::deposit_event(Event::AnswerAccepted {
			miner: who,
			epoch: epoch.context.epoch,
			entry: answer.entry,
			segment: answer.segment,
			fees,
			base,
		});
		Ok(())
	}

	/// The entry `seq` as mining sees it, if it is live.
	pub fn live_entry(seq: EntrySeq) -> Result<EntryView, DispatchError> {
		ensure!(Lifetimes::<T>::contains_key(seq), Error::<T>::EntryNotLive);
		let entry = Entries::<T>::get(seq).ok_or(Error::<T>::EntryNotLive)?;
		Ok(entry.pora_view(seq))
	}

	fn pora_error(e: PoraError) -> DispatchError {
		match e {
			PoraError::NoData => Error::<T>::NoData,
			PoraError::WrongRecall => Error::<T>::WrongRecall,
			PoraError::UnitOutOfRange => Error::<T>::UnitOutOfRange,
			PoraError::BadProof => Error::<T>::BadProof,
			PoraError::QualityTooLow => Error::<T>::QualityTooLow,
		}
		.into()
	}

	pub(crate) fn check_mining_config(config: &MiningConfigOf<T>) -> DispatchResult {
		ensure!(config.base_reward <= T::MaxBaseReward::get(), Error::<T>::InvalidMiningConfig);
		ensure!(
			config.epoch_blocks.is_zero()
				|| (config.target_answers > 0
					&& config.max_answers >= config.target_answers
					&& !config.month_blocks.is_zero()),
			Error::<T>::InvalidMiningConfig
		);
		Ok(())
	}

	/// What `who` has earned by mining.
	pub fn miner(who: &T::AccountId) -> MinerRecord<BalanceOf<T>> {
		Miners::<T>::get(who)
	}
}
