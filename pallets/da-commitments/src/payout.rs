//! Fees: the pallet account, paying attesters of a confirmed blob, refunding a blob that
//! failed.

use crate::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungible::Mutate, tokens::Preservation},
	},
	frame_system::pallet_prelude::*,
	sp_runtime::traits::{AccountIdConversion, Saturating},
};

impl<T: Config> Pallet<T> {
	/// The account holding fees in flight.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Fails the blobs whose window ends at `now` and are still processing.
	pub(crate) fn expire(now: BlockNumberFor<T>) -> Weight {
		let ids = Deadlines::<T>::take(now);
		let n = ids.len() as u64;
		for id in ids {
			let Some(mut blob) = Blobs::<T>::get(id) else { continue };
			if !matches!(blob.status, BlobStatus::Processing { .. }) {
				continue;
			}
			blob.status = BlobStatus::InsufficientSignatures;
			BlobCommitments::<T>::remove(id);
			// The fee came in from the submitter; the pallet account holds it.
			let _ = T::Currency::transfer(
				&Self::account_id(),
				&blob.submitter,
				blob.fee,
				Preservation::Expendable,
			);
			Self::deposit_event(Event::BlobFailed { id, signed_columns: blob.signed_columns });
			Blobs::<T>::insert(id, blob);
		}
		T::DbWeight::get().reads_writes(1 + 2 * n, 1 + 3 * n)
	}

	/// Pays a confirmed blob's fee, less the challenge pool's share, to its attesters in proportion to their columns
	/// (rounded down; the rounding remainder goes to the attester with the most
	/// columns, so the whole fee is paid whatever the quorum's order).
	pub(crate) fn pay_attesters(blob: &BlobOf<T>, quorum: &QuorumOf<T>) {
		let signed = u128::from(blob.signed_columns.max(1));
		let pooled = T::ChallengeShare::get() * blob.fee;
		RewardPool::<T>::mutate(|p| *p = p.saturating_add(pooled));
		let fee: u128 = blob.fee.saturating_sub(pooled).try_into().unwrap_or(0);
		let members: Vec<_> =
			quorum.iter().filter(|m| blob.attesters.contains(&m.signer)).collect();
		let mut shares: Vec<u128> =
			members.iter().map(|m| fee.saturating_mul(u128::from(m.columns)) / signed).collect();
		let paid: u128 = shares.iter().sum();
		if let Some(top) = (0..members.len())
			.max_by(|&a, &b| members[a].columns.cmp(&members[b].columns).then(b.cmp(&a)))
		{
			shares[top] = shares[top].saturating_add(fee.saturating_sub(paid));
		}
		for (m, share) in members.iter().zip(shares) {
			if let Ok(amount) = BalanceOf::<T>::try_from(share) {
				let _ = T::Currency::transfer(
					&Self::account_id(),
					&m.signer,
					amount,
					Preservation::Expendable,
				);
			}
		}
	}
}
