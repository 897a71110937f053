//! What must hold of the pallet's storage after every block. `try_state` checks it under
//! `try-runtime`, and the mock runs it after every unit test.
//!
//! - **Registry.** Each signer's held bond equals its recorded bond (a slash lowers
//!   both); the counter matches the map; at most `MaxSigners` signers are active and
//!   at most twice that registered.
//! - **Quorums.** A quorum shares out exactly [`COLUMNS`] columns (or none, when no
//!   signer was registered), each signer once.
//! - **Blobs.** Ids are below `NextBlobId`; a processing blob is listed under its
//!   deadline; a confirmed blob was signed for by two thirds of the columns; the signed
//!   columns are the attesters' columns in the blob's quorum, while it is retained;
//!   a failed blob has no commitments left.
//! - **Challenges.** The per-signer and per-blob counters count exactly the open
//!   challenges; each open challenge is listed under its deadline, and its blob keeps
//!   its commitments.
//! - **Funds.** The pallet's account holds at least the challenge pool plus the fees of
//!   blobs still processing (which are paid out or refunded later).

#![cfg(any(test, feature = "try-runtime"))]

use crate::{pallet::*, BlobStatus, COLUMNS};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::Inspect, Get},
	},
	sp_runtime::{
		traits::{Saturating, Zero},
		TryRuntimeError,
	},
};
use zerog_pallet_bond::BondCurrency;

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the module docs; the first broken one is the error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_registry()?;
		Self::check_quorums()?;
		Self::check_blobs()?;
		Self::check_challenges()?;
		Self::check_funds()
	}

	fn check_registry() -> Result<(), TryRuntimeError> {
		let (mut registered, mut active) = (0u32, 0u32);
		for (signer, info) in Signers::<T>::iter() {
			registered += 1;
			if info.status.is_active() {
				active += 1;
			}
			ensure!(
				T::Currency::bond_held(&HoldReason::SignerBond.into(), &signer) == info.bond,
				"a signer's held bond differs from its recorded bond"
			);
		}
		ensure!(registered == Signers::<T>::count(), "the signer counter does not match");
		ensure!(active <= T::MaxSigners::get(), "more than MaxSigners active signers");
		ensure!(
			registered <= T::MaxSigners::get().saturating_mul(2),
			"more than twice MaxSigners registrations"
		);
		Ok(())
	}

	fn check_quorums() -> Result<(), TryRuntimeError> {
		for (_epoch, quorum) in Quorums::<T>::iter() {
			let columns: u32 = quorum.iter().map(|m| u32::from(m.columns)).sum();
			ensure!(
				quorum.is_empty() || columns == COLUMNS as u32,
				"a quorum does not share out exactly COLUMNS columns"
			);
			for (i, m) in quorum.iter().enumerate() {
				ensure!(
					!quorum[..i].iter().any(|o| o.signer == m.signer),
					"a signer is twice in a quorum"
				);
			}
		}
		Ok(())
	}

	fn check_blobs() -> Result<(), TryRuntimeError> {
		let next = NextBlobId::<T>::get();
		for (id, blob) in Blobs::<T>::iter() {
			ensure!(id < next, "a blob id is not below NextBlobId");
			match blob.status {
				BlobStatus::Processing { deadline } => ensure!(
					Deadlines::<T>::get(deadline).contains(&id),
					"a processing blob is not listed under its deadline"
				),
				BlobStatus::Confirmed { .. } => ensure!(
					Self::is_confirmed(blob.signed_columns),
					"a confirmed blob lacks two thirds of the columns"
				),
				BlobStatus::InsufficientSignatures => ensure!(
					!BlobCommitments::<T>::contains_key(id),
					"a failed blob keeps its commitments"
				),
			}
			if let Some(quorum) = Quorums::<T>::get(blob.epoch) {
				let signed: u32 = quorum
					.iter()
					.filter(|m| blob.attesters.contains(&m.signer))
					.map(|m| u32::from(m.columns))
					.sum();
				ensure!(
					signed == u32::from(blob.signed_columns),
					"a blob's signed columns differ from its attesters' columns"
				);
			}
		}
		Ok(())
	}

	fn check_challenges() -> Result<(), TryRuntimeError> {
		let mut per_signer: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut per_blob: BTreeMap<crate::BlobId, u32> = BTreeMap::new();
		for (id, c) in Challenges::<T>::iter() {
			*per_signer.entry(c.signer.clone()).or_default() += 1;
			*per_blob.entry(c.blob).or_default() += 1;
			ensure!(
				ChallengeDeadlines::<T>::get(c.deadline) == Some(id),
				"an open challenge is not listed under its deadline"
			);
			ensure!(
				BlobCommitments::<T>::contains_key(c.blob),
				"a challenged blob lost its commitments"
			);
		}
		let signers: Vec<_> = OpenChallenges::<T>::iter().collect();
		ensure!(
			signers.len() == per_signer.len()
				&& signers.iter().all(|(s, n)| per_signer.get(s) == Some(n)),
			"OpenChallenges does not count the open challenges"
		);
		let blobs: Vec<_> = ChallengedBlobs::<T>::iter().collect();
		ensure!(
			blobs.len() == per_blob.len() && blobs.iter().all(|(b, n)| per_blob.get(b) == Some(n)),
			"ChallengedBlobs does not count the open challenges"
		);
		Ok(())
	}

	fn check_funds() -> Result<(), TryRuntimeError> {
		let processing = Blobs::<T>::iter_values()
			.filter(|b| matches!(b.status, BlobStatus::Processing { .. }))
			.fold(BalanceOf::<T>::zero(), |sum, b| sum.saturating_add(b.fee));
		let owed = RewardPool::<T>::get().saturating_add(processing);
		ensure!(
			T::Currency::balance(&Self::account_id()) >= owed,
			"the pallet's account holds less than the pool and the fees in flight"
		);
		Ok(())
	}
}
