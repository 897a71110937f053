//! Quorums: the registry shared out into columns by stake each epoch, displacement in a
//! full registry, and what a signer signs.

use crate::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::pallet_prelude::*,
	frame_system::{self, pallet_prelude::*},
	sp_runtime::traits::{One, Zero},
};

impl<T: Config> Pallet<T> {
	/// The bytes `signer`'s key signs: tag, genesis hash, signer, attestation.
	pub fn attestation_payload(signer: &T::AccountId, attestation: &Attestation) -> Vec<u8> {
		(
			ATTESTATION_TAG,
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
			signer,
			attestation,
		)
			.encode()
	}

	/// An epoch's quorum with column ranges and endpoints.
	pub fn quorum_view(epoch: EpochIndex) -> Option<QuorumView<T::AccountId>> {
		let quorum = Quorums::<T>::get(epoch)?;
		let mut first_column = 0u16;
		let members = quorum
			.into_iter()
			.map(|m| {
				let endpoint = Signers::<T>::get(&m.signer)
					.map(|s| s.endpoint.into_inner())
					.unwrap_or_default();
				let view = QuorumSigner {
					signer: m.signer,
					key: m.key,
					first_column,
					columns: m.columns,
					endpoint,
				};
				first_column = first_column.saturating_add(m.columns);
				view
			})
			.collect();
		Some(QuorumView { epoch, members })
	}

	/// Whether `signed` columns are at least two thirds of [`COLUMNS`].
	pub fn is_confirmed(signed: u16) -> bool {
		3 * u32::from(signed) >= 2 * u32::from(COLUMNS)
	}

	/// Shares [`COLUMNS`] among `bonds` in proportion (largest remainders; ties to
	/// the earlier entry). Entries that get no column are left out.
	pub fn assign_columns(
		bonds: &[(T::AccountId, T::AccountId, BalanceOf<T>)],
	) -> Vec<QuorumMember<T::AccountId>> {
		let total: u128 = bonds
			.iter()
			.map(|(_, _, b)| (*b).try_into().unwrap_or(u128::MAX / 2))
			.fold(0u128, |a, b| a.saturating_add(b));
		if total == 0 {
			return Vec::new();
		}
		let columns = u128::from(COLUMNS);
		let mut shares: Vec<(usize, u128, u128)> = bonds
			.iter()
			.enumerate()
			.map(|(i, (_, _, b))| {
				let b: u128 = (*b).try_into().unwrap_or(u128::MAX / 2);
				// b * 128 cannot overflow: bonds are below u128::MAX / 2^8 in any real chain;
				// saturate rather than panic if one is not.
				let scaled = b.saturating_mul(columns);
				(i, scaled / total, scaled % total)
			})
			.collect();
		let given: u128 = shares.iter().map(|s| s.1).sum();
		let mut left = columns.saturating_sub(given);
		let mut order: Vec<usize> = (0..shares.len()).collect();
		order.sort_by(|&a, &b| shares[b].2.cmp(&shares[a].2).then(a.cmp(&b)));
		for i in order {
			if left == 0 {
				break;
			}
			shares[i].1 += 1;
			left -= 1;
		}
		shares
			.into_iter()
			.filter(|s| s.1 > 0)
			.map(|(i, n, _)| QuorumMember {
				signer: bonds[i].0.clone(),
				key: bonds[i].1.clone(),
				columns: n as u16,
			})
			.collect()
	}

	/// Blocks in an epoch starting now: [`Config::EpochLength`], at least one.
	pub fn epoch_length() -> BlockNumberFor<T> {
		T::EpochLength::get().max(One::one())
	}

	/// Starts the next epoch: draws its quorum from the active signers (one that asked to
	/// leave did so in an earlier epoch, so it joins no quorum drawn after).
	pub(crate) fn start_epoch() -> Weight {
		let epoch = CurrentEpoch::<T>::get().saturating_add(1);
		let mut bonds: Vec<_> = Signers::<T>::iter()
			.filter(|(_, s)| s.status.is_active())
			.map(|(a, s)| (a, s.key, s.bond))
			.collect();
		bonds.sort_by(|a, b| a.0.cmp(&b.0));
		let members = Self::assign_columns(&bonds);
		let count = members.len() as u32;
		// At most MaxSigners signers exist, so the quorum always fits.
		let quorum: QuorumOf<T> = BoundedVec::truncate_from(members);
		Quorums::<T>::insert(epoch, quorum);
		EpochFirstBlob::<T>::insert(epoch, NextBlobId::<T>::get());
		// A quorum out of retention has no blob left to attest or be challenged on.
		if let Some(old) = epoch.checked_sub(T::RetentionEpochs::get().max(1)) {
			Quorums::<T>::remove(old);
			EpochFirstBlob::<T>::remove(old);
			if let Some(first) = EpochFirstBlob::<T>::get(old.saturating_add(1)) {
				ChallengeFloor::<T>::put(first);
			}
		}
		CurrentEpoch::<T>::put(epoch);
		Self::deposit_event(Event::EpochStarted { epoch, signers: count });
		T::DbWeight::get().reads_writes(u64::from(Signers::<T>::count()) + 3, 6)
	}

	/// Whom a registration with `bond` displaces: nobody while fewer than `MaxSigners`
	/// signers are active; else the active signer with the lowest bond (the highest
	/// account id among equals), if `bond` is higher.
	pub(crate) fn displaced_by(bond: BalanceOf<T>) -> Result<Option<T::AccountId>, Error<T>> {
		let mut active = 0u32;
		let mut lowest: Option<(T::AccountId, BalanceOf<T>)> = None;
		for (who, s) in Signers::<T>::iter().filter(|(_, s)| s.status.is_active()) {
			active += 1;
			let lower = match &lowest {
				None => true,
				Some((w, b)) => s.bond < *b || (s.bond == *b && who > *w),
			};
			if lower {
				lowest = Some((who, s.bond));
			}
		}
		if active < T::MaxSigners::get() {
			return Ok(None);
		}
		match lowest {
			Some((who, b)) if bond > b => Ok(Some(who)),
			_ => Err(Error::<T>::TooManySigners),
		}
	}
}
