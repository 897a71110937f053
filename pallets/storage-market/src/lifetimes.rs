//! Paid lifetimes: each entry's fee is released to miners linearly over the lifetime it
//! paid for; at its end the entry expires; a renewal extends it.
//!
//! - **Tranches.** An entry's live lifetime is a [`Tranche`](crate::Tranche): `amount`
//!   released from `start` to `end`. It is split over the pricing chunks the entry
//!   spans in proportion to its sectors in each (the same split its fee was credited
//!   with), and each chunk's share `s` adds `s / (end - start)` per block to that
//!   chunk's [`PoolRelease`](crate::PoolRelease) rate. At `end` the rate drops again and
//!   the rounding remainder is released at once, so a tranche releases exactly `amount`.
//! - **Expiry.** Entries are queued by their end block (at most `MaxExpiriesPerBlock` a
//!   block; a full block moves the end to the next free one of the 16 after it).
//!   `on_initialize` expires the block's queue: the tranche closes, the entry is no
//!   longer live (mining cannot recall it), and `Expired` tells storage nodes to prune it.
//! - **Renewal.** [`Pallet::renew`] pays `months` more at the current price, credited to
//!   the pools like a submission. What the entry has not yet released plus the new fee
//!   becomes a new tranche from now to the old end plus `months`.

use crate::{
	pallet::*, EntrySeq, PricingChunkIndex, Tranche, WeightInfo, SECTORS_PER_PRICING_CHUNK,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		dispatch::DispatchResultWithPostInfo,
		traits::{fungible::Mutate, tokens::Preservation, Get},
		weights::Weight,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{Saturating, UniqueSaturatedInto, Zero},
		DispatchError,
	},
};

/// How `apply_tranche` changes the pools' release rates.
#[derive(Clone, Copy)]
enum TrancheChange {
	/// A new tranche starts releasing.
	Open,
	/// A tranche ends at its end block: the rounding remainder is released.
	Close,
	/// A tranche stops before its end (a renewal): what it has not released stays.
	Cut,
}

/// Blocks past an entry's end its expiry may move to when the queue is full.
const EXPIRY_SEARCH: u32 = 16;

/// `fee` split over the pricing chunks of sectors `[start, start + sectors)`, in
/// proportion to the sectors in each; rounding goes to the last. The shares add up to
/// `fee` exactly.
pub fn shares(start: u64, sectors: u64, fee: u128) -> Vec<(PricingChunkIndex, u128)> {
	if sectors == 0 {
		return Vec::new();
	}
	let first = start / SECTORS_PER_PRICING_CHUNK;
	let last = (start + sectors - 1) / SECTORS_PER_PRICING_CHUNK;
	let mut out = Vec::with_capacity((last - first + 1) as usize);
	let mut given: u128 = 0;
	for chunk in first..=last {
		let lo = start.max(chunk * SECTORS_PER_PRICING_CHUNK);
		let hi = (start + sectors).min((chunk + 1) * SECTORS_PER_PRICING_CHUNK);
		let share = if chunk == last {
			fee - given
		} else {
			// fee * part / sectors, without overflow: fee < 2^128, part <= 2^25.
			let part = (hi - lo) as u128;
			(fee / sectors as u128) * part + (fee % sectors as u128) * part / sectors as u128
		};
		given = given.saturating_add(share);
		out.push((chunk, share));
	}
	out
}

impl<T: Config> Pallet<T> {
	/// Brings `pool`'s released amount up to block `now`.
	pub(crate) fn bring_up_to(pool: &mut PoolReleaseOf<T>, now: BlockNumberFor<T>) {
		if now > pool.updated {
			let blocks: u128 = (now - pool.updated).unique_saturated_into();
			let rate: u128 = pool.rate.unique_saturated_into();
			let more: BalanceOf<T> = rate.saturating_mul(blocks).unique_saturated_into();
			pool.released = pool.released.saturating_add(more);
			pool.updated = now;
		}
	}

	/// Applies `change` to the tranche of the entry at `start_sector`, `sectors`, at block
	/// `now`: every chunk's rate changes by its share over the tranche's length. Returns
	/// the pools touched and, for [`TrancheChange::Cut`], what the tranche released up
	/// to `now`.
	fn apply_tranche(
		start_sector: u64,
		sectors: u64,
		tranche: &TrancheOf<T>,
		now: BlockNumberFor<T>,
		change: TrancheChange,
	) -> (u32, u128) {
		let blocks: u128 = tranche.end.saturating_sub(tranche.start).unique_saturated_into();
		let blocks = blocks.max(1);
		let elapsed: u128 = now.saturating_sub(tranche.start).unique_saturated_into();
		let amount: u128 = tranche.amount.unique_saturated_into();
		let parts = shares(start_sector, sectors, amount);
		let n = parts.len() as u32;
		let mut released: u128 = 0;
		for (chunk, share) in parts {
			let rate = share / blocks;
			released = released.saturating_add(rate.saturating_mul(elapsed.min(blocks)));
			PoolReleases::<T>::mutate(chunk, |pool| {
				Self::bring_up_to(pool, now);
				let r: BalanceOf<T> = rate.unique_saturated_into();
				match change {
					TrancheChange::Open => pool.rate = pool.rate.saturating_add(r),
					TrancheChange::Cut => pool.rate = pool.rate.saturating_sub(r),
					TrancheChange::Close => {
						pool.rate = pool.rate.saturating_sub(r);
						let rest: BalanceOf<T> = share
							.saturating_sub(rate.saturating_mul(blocks))
							.unique_saturated_into();
						pool.released = pool.released.saturating_add(rest);
					}
				}
			});
		}
		(n, released)
	}

	/// Queues `seq` to expire at `end`, or at the first block after it with room.
	fn queue_expiry(
		seq: EntrySeq,
		end: BlockNumberFor<T>,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut at = end;
		for _ in 0..=EXPIRY_SEARCH {
			if Expiries::<T>::try_mutate(at, |q| q.try_push(seq)).is_ok() {
				return Ok(at);
			}
			at = at.saturating_add(1u32.into());
		}
		Err(Error::<T>::ExpiryQueueFull.into())
	}

	/// The blocks `months` of storage last.
	pub fn lifetime_blocks(months: u32) -> BlockNumberFor<T> {
		let month = Mining::<T>::get().month_blocks.max(1u32.into());
		month.saturating_mul(months.into())
	}

	/// Starts the lifetime of the new entry `seq` (`fee` paid for `months`) at `now`.
	pub(crate) fn start_lifetime(
		seq: EntrySeq,
		start_sector: u64,
		sectors: u64,
		fee: BalanceOf<T>,
		months: u32,
	) -> Result<(), DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		let end = Self::queue_expiry(seq, now.saturating_add(Self::lifetime_blocks(months)))?;
		let tranche = Tranche { amount: fee, start: now, end };
		Self::apply_tranche(start_sector, sectors, &tranche, now, TrancheChange::Open);
		Lifetimes::<T>::insert(seq, tranche);
		Ok(())
	}

	/// Expires the entries queued for `now`.
	pub(crate) fn expire_due(now: BlockNumberFor<T>) -> Weight {
		let due = Expiries::<T>::take(now);
		if due.is_empty() {
			return T::DbWeight::get().reads(1);
		}
		let mut weight = T::DbWeight::get().reads_writes(1, 1);
		for seq in due {
			let Some(tranche) = Lifetimes::<T>::take(seq) else { continue };
			let Some(entry) = Entries::<T>::get(seq) else { continue };
			let (pools, _) = Self::apply_tranche(
				entry.start_sector,
				entry.sectors,
				&tranche,
				now,
				TrancheChange::Close,
			);
			weight = weight.saturating_add(T::WeightInfo::expire(pools));
			Self::deposit_event(Event::Expired { seq });
		}
		weight
	}

	pub(crate) fn do_renew(
		who: T::AccountId,
		seq: EntrySeq,
		months: u32,
	) -> DispatchResultWithPostInfo {
		let mut entry = Entries::<T>::get(seq).ok_or(Error::<T>::UnknownEntry)?;
		let old = Lifetimes::<T>::get(seq).ok_or(Error::<T>::EntryNotLive)?;
		let (_, fee) = Self::price(entry.submission.size, months)?;
		if !fee.is_zero() {
			T::Currency::transfer(&who, &Self::account_id(), fee, Preservation::Preserve)?;
		}
		Self::credit_pools(entry.start_sector, entry.sectors, fee);
		let now = frame_system::Pallet::<T>::block_number();

		// Cut the old tranche where it stands: what it released so far stays released.
		let (_, released) =
			Self::apply_tranche(entry.start_sector, entry.sectors, &old, now, TrancheChange::Cut);
		let amount: u128 = old.amount.unique_saturated_into();
		Expiries::<T>::mutate(old.end, |q| q.retain(|s| *s != seq));
		let unreleased: BalanceOf<T> = amount.saturating_sub(released).unique_saturated_into();
		let end = Self::queue_expiry(
			seq,
			old.end.max(now).saturating_add(Self::lifetime_blocks(months)),
		)?;
		let tranche = Tranche { amount: unreleased.saturating_add(fee), start: now, end };
		let (pools, _) = Self::apply_tranche(
			entry.start_sector,
			entry.sectors,
			&tranche,
			now,
			TrancheChange::Open,
		);
		Lifetimes::<T>::insert(seq, tranche);
		entry.fee = entry.fee.saturating_add(fee);
		entry.lifetime_months = entry.lifetime_months.saturating_add(months);
		Entries::<T>::insert(seq, entry);
		Self::deposit_event(Event::Renewed { seq, months, fee, expires_at: end });
		Ok(Some(T::WeightInfo::renew(pools)).into())
	}

	/// When entry `seq` expires, if it is live.
	pub fn expires_at(seq: EntrySeq) -> Option<BlockNumberFor<T>> {
		Lifetimes::<T>::get(seq).map(|t| t.end)
	}
}
