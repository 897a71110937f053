//! Sampling challenges: drawing one, closing it, slashing silence, and pruning commitments
//! out of retention.

use crate::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungible::Mutate, tokens::Preservation, Randomness},
	},
	frame_system::pallet_prelude::*,
	sp_runtime::traits::{Saturating, Zero},
};
use zerog_pallet_bond::BondCurrency;

impl<T: Config> Pallet<T> {
	/// Draws a sampling challenge: a confirmed blob in retention, one of its
	/// attesters, a cell in one of that attester's columns. A draw that lands on a blob
	/// that cannot be challenged tries a fresh id, up to [`Config::ChallengeProbes`]
	/// times.
	pub(crate) fn issue_challenge(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		let (floor, next) = (ChallengeFloor::<T>::get(), NextBlobId::<T>::get());
		if next <= floor {
			return db.reads(2);
		}
		let mut reads = 2u64;
		let mut found = None;
		for probe in 0..T::ChallengeProbes::get().max(1) {
			let (random, _) = T::Randomness::random(&(now, probe).encode());
			reads = reads.saturating_add(1);
			let Some(random) = random else { return db.reads(reads) };
			let mut seed = [0u8; 32];
			let bytes = random.as_ref();
			seed[..bytes.len().min(32)].copy_from_slice(&bytes[..bytes.len().min(32)]);
			let draw = |i: usize| {
				u64::from_le_bytes(seed[i * 8..i * 8 + 8].try_into().unwrap_or_default())
			};
			let id = floor + draw(0) % (next - floor);
			reads = reads.saturating_add(2);
			if let Some(target) = Self::challenge_target(id, &draw) {
				found = Some(target);
				break;
			}
		}
		let Some((id, signer, row, column)) = found else { return db.reads(reads) };
		let deadline = now.saturating_add(T::ChallengeWindow::get());
		if ChallengeDeadlines::<T>::contains_key(deadline) {
			return db.reads(reads.saturating_add(1));
		}
		let cid = NextChallengeId::<T>::get();
		NextChallengeId::<T>::put(cid.saturating_add(1));
		Challenges::<T>::insert(
			cid,
			Challenge { blob: id, row, column, signer: signer.clone(), deadline },
		);
		ChallengeDeadlines::<T>::insert(deadline, cid);
		OpenChallenges::<T>::mutate(&signer, |n| *n = n.saturating_add(1));
		ChallengedBlobs::<T>::mutate(id, |n| *n = n.saturating_add(1));
		Self::deposit_event(Event::ChallengeIssued {
			id: cid,
			blob: id,
			row,
			column,
			signer,
			deadline,
		});
		db.reads_writes(reads.saturating_add(4), 5)
	}

	/// The attester and cell a draw picks in blob `id`, if the blob can be challenged:
	/// confirmed, with an attester that holds columns in its quorum.
	fn challenge_target(
		id: BlobId,
		draw: &impl Fn(usize) -> u64,
	) -> Option<(BlobId, T::AccountId, u32, u16)> {
		let blob = Blobs::<T>::get(id)?;
		if !matches!(blob.status, BlobStatus::Confirmed { .. }) {
			return None;
		}
		let quorum = Quorums::<T>::get(blob.epoch)?;
		let mut first = 0u16;
		let mut holders = Vec::new();
		for m in quorum.iter() {
			if blob.attesters.contains(&m.signer) && m.columns > 0 {
				holders.push((m.signer.clone(), first, m.columns));
			}
			first = first.saturating_add(m.columns);
		}
		if holders.is_empty() {
			return None;
		}
		let (signer, first, columns) =
			holders.swap_remove((draw(1) % holders.len() as u64) as usize);
		let column = first + (draw(2) % u64::from(columns)) as u16;
		let row = (draw(3) % u64::from(zerog_da_primitives::rows_for(blob.size))) as u32;
		Some((id, signer, row, column))
	}

	/// Forgets an answered or expired challenge in the per-signer and per-blob counts.
	pub(crate) fn close_challenge(c: &ChallengeOf<T>) {
		OpenChallenges::<T>::mutate_exists(&c.signer, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
		ChallengedBlobs::<T>::mutate_exists(c.blob, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
	}

	/// Slashes the signer of the challenge whose window ends at `now`, if unanswered.
	pub(crate) fn expire_challenge(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		let Some(cid) = ChallengeDeadlines::<T>::take(now) else { return db.reads(1) };
		let Some(c) = Challenges::<T>::take(cid) else { return db.reads_writes(2, 1) };
		Self::close_challenge(&c);
		let mut amount = Zero::zero();
		if let Some(mut info) = Signers::<T>::get(&c.signer) {
			let want = T::ChallengeSlash::get().min(info.bond);
			amount = T::Currency::slash_bond(
				&HoldReason::SignerBond.into(),
				&c.signer,
				&Self::account_id(),
				want,
			)
			.unwrap_or_default();
			info.bond = info.bond.saturating_sub(amount);
			Signers::<T>::insert(&c.signer, info);
			RewardPool::<T>::mutate(|p| *p = p.saturating_add(amount));
		}
		Self::deposit_event(Event::SignerSlashed { id: cid, signer: c.signer, amount });
		db.reads_writes(5, 6)
	}

	/// Drops the commitments of up to `MaxPrunedPerBlock` blobs out of retention.
	pub(crate) fn prune_commitments() -> Weight {
		let (from, floor) = (PrunedBelow::<T>::get(), ChallengeFloor::<T>::get());
		if from >= floor {
			return T::DbWeight::get().reads(2);
		}
		let mut to = floor.min(from.saturating_add(u64::from(T::MaxPrunedPerBlock::get().max(1))));
		for id in from..to {
			// A blob with an open challenge keeps its commitments (and holds back the
			// ones after it) until the challenge is answered or expires.
			if ChallengedBlobs::<T>::contains_key(id) {
				to = id;
				break;
			}
			BlobCommitments::<T>::remove(id);
		}
		PrunedBelow::<T>::put(to);
		T::DbWeight::get().reads_writes(2 + (to - from) + 1, 1 + (to - from))
	}

	pub(crate) fn do_respond(
		challenge: ChallengeId,
		cell: &[u8; CELL_BYTES],
		proof: CellProof,
	) -> DispatchResult {
		let c = Challenges::<T>::get(challenge).ok_or(Error::<T>::UnknownChallenge)?;
		let commitment = BlobCommitments::<T>::get(c.blob)
			.and_then(|cs| cs.get(c.row as usize).copied())
			.ok_or(Error::<T>::UnknownBlob)?;
		ensure!(
			zerog_da_primitives::kzg::verify_cell(
				&commitment,
				u32::from(c.column),
				&cell[..],
				&proof
			),
			Error::<T>::BadCellProof
		);
		Challenges::<T>::remove(challenge);
		ChallengeDeadlines::<T>::remove(c.deadline);
		Self::close_challenge(&c);
		let reward = T::ChallengeReward::get().min(RewardPool::<T>::get());
		let paid = match T::Currency::transfer(
			&Self::account_id(),
			&c.signer,
			reward,
			Preservation::Preserve,
		) {
			Ok(_) => reward,
			Err(_) => Zero::zero(),
		};
		RewardPool::<T>::mutate(|p| *p = p.saturating_sub(paid));
		Self::deposit_event(Event::ChallengeAnswered {
			id: challenge,
			signer: c.signer,
			reward: paid,
		});
		Ok(())
	}
}
