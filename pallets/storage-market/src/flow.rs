//! The flow: submissions, their fees and the reward pools the fees are credited to.

use crate::{pallet::*, FlowEntry};
use crate::{EntrySeq, FileId, Submission};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::Mutate, tokens::Preservation, Get},
	},
	frame_system,
	sp_runtime::{
		traits::{AccountIdConversion, Saturating, Zero},
		DispatchResult,
	},
};
use zerog_storage_primitives::{check_size, chunk_count, SizeError};

impl<T: Config> Pallet<T> {
	/// The account holding fees and reward pools.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Appends `submission` to the flow, paid by `who` for `lifetime_months`.
	pub(crate) fn do_submit(
		who: T::AccountId,
		submission: Submission,
		lifetime_months: u32,
	) -> DispatchResult {
		let id = submission.id();
		ensure!(!EntryById::<T>::contains_key(id), Error::<T>::AlreadySubmitted);
		let (sectors, fee) = Self::price(submission.size, lifetime_months)?;
		let start_sector = FlowLength::<T>::get();
		let end = start_sector.checked_add(sectors).ok_or(Error::<T>::Overflow)?;

		if !fee.is_zero() {
			T::Currency::transfer(&who, &Self::account_id(), fee, Preservation::Preserve)?;
		}
		Self::credit_pools(start_sector, sectors, fee);

		let seq = EntryCount::<T>::get();
		let Submission { size, root, .. } = submission;
		Entries::<T>::insert(
			seq,
			FlowEntry {
				submitter: who.clone(),
				submission,
				start_sector,
				sectors,
				fee,
				lifetime_months,
				submitted_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		EntryById::<T>::insert(id, seq);
		EntryCount::<T>::put(seq.saturating_add(1));
		Self::start_lifetime(seq, start_sector, sectors, fee, lifetime_months)?;
		FlowLength::<T>::put(end);
		Self::deposit_event(Event::Submitted {
			seq,
			submitter: who,
			id,
			root,
			size,
			start_sector,
			sectors,
			fee,
		});
		Ok(())
	}

	/// Checks a submission's size and lifetime and prices it at the current price:
	/// the sectors it occupies and its fee. `submit` and `quote` both go through here,
	/// so a quote is exactly what a submission would pay, or refused for the same reason.
	pub(crate) fn price(size: u64, lifetime_months: u32) -> Result<(u64, BalanceOf<T>), Error<T>> {
		check_size(size).map_err(|e| match e {
			SizeError::Empty => Error::<T>::EmptyFile,
			SizeError::TooLarge => Error::<T>::FileTooLarge,
		})?;
		ensure!(
			(1..=T::MaxLifetimeMonths::get()).contains(&lifetime_months),
			Error::<T>::InvalidLifetime
		);
		let fee = Self::fee_for(size, lifetime_months).ok_or(Error::<T>::Overflow)?;
		Ok((chunk_count(size), fee))
	}

	/// The fee for storing `size` bytes for `months` at the current price.
	pub fn fee_for(size: u64, months: u32) -> Option<BalanceOf<T>> {
		let sector_months = chunk_count(size).checked_mul(months as u64)?;
		let price: u128 = PricePerSectorMonth::<T>::get().try_into().ok()?;
		let fee = price.checked_mul(sector_months as u128)?;
		fee.try_into().ok()
	}

	/// Splits `fee` over the pricing chunks the range `[start, start + sectors)`
	/// touches, in proportion to the sectors in each; rounding goes to the last one.
	pub(crate) fn credit_pools(start: u64, sectors: u64, fee: BalanceOf<T>) {
		let fee_u: u128 = fee.try_into().unwrap_or(u128::MAX);
		for (chunk, share) in crate::lifetimes::shares(start, sectors, fee_u) {
			let share: BalanceOf<T> = share.try_into().unwrap_or_else(|_| Zero::zero());
			RewardPools::<T>::mutate(chunk, |pool| *pool = pool.saturating_add(share));
		}
	}

	/// The entry of a file, by its id ([`Submission::id`]), if submitted.
	pub fn file_status(id: FileId) -> Option<(EntrySeq, FlowEntryOf<T>)> {
		let seq = EntryById::<T>::get(id)?;
		Entries::<T>::get(seq).map(|e| (seq, e))
	}

	/// The fee a submission of `size` bytes for `lifetime_months` would pay now;
	/// `None` when the submission would be rejected.
	pub fn quote(size: u64, lifetime_months: u32) -> Option<BalanceOf<T>> {
		Self::price(size, lifetime_months).ok().map(|(_, fee)| fee)
	}
}
