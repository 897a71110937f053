//! Storage migrations, one module per version step; the runtime lists them in its
//! `Migrations` (the executive runs them on the first block of an upgrade).
//!
//! | version | layout |
//! |---|---|
//! | 0 | files indexed by Merkle root: `EntryByRoot` (root → first entry) |
//! | 1 | files indexed by id (root, size and tags): `EntryById` |
//! | 2 | paid lifetimes and mining: `Lifetimes`, `Expiries`, `PoolReleases`, `Mining`, `CurrentEpoch`, `Miners` |

use crate::pallet::*;
use polkadot_sdk::frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};

/// Version 0 → 1: files are named by id, not root.
pub mod v1 {
	use super::*;
	use crate::{EntrySeq, FileRoot};
	use polkadot_sdk::frame_support::storage_alias;

	/// Version 0's index: the first entry of each root.
	#[storage_alias]
	pub type EntryByRoot<T: Config> = StorageMap<Pallet<T>, Identity, FileRoot, EntrySeq>;

	/// Indexes every entry by its id (the first entry wins, as `EntryByRoot` kept the
	/// first) and removes the root index. Reads every entry once: one pass over the flow,
	/// in one block.
	pub struct IndexFilesById<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for IndexFilesById<T> {
		fn on_runtime_upgrade() -> Weight {
			let count = EntryCount::<T>::get();
			let mut reads = 1u64;
			let mut writes = 0u64;
			for seq in 0..count {
				reads += 2;
				let Some(entry) = Entries::<T>::get(seq) else { continue };
				let id = entry.submission.id();
				if !EntryById::<T>::contains_key(id) {
					EntryById::<T>::insert(id, seq);
					writes += 1;
				}
			}
			let removed = EntryByRoot::<T>::clear(u32::MAX, None);
			reads += removed.loops as u64;
			writes += removed.unique as u64;
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(EntryByRoot::<T>::iter_keys().next().is_none(), "EntryByRoot is left");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration as the runtime lists it: runs only on version 0, then sets 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		IndexFilesById<T>,
		Pallet<T>,
		<T as polkadot_sdk::frame_system::Config>::DbWeight,
	>;
}

/// Version 1 → 2: lifetimes and mining.
pub mod v2 {
	use super::*;
	use crate::MiningEpoch;
	use polkadot_sdk::sp_runtime::traits::Zero;

	/// Sets the mining rules to `C` and starts a lifetime for every entry from the
	/// upgrade's block: each entry's whole fee is released over the months it paid for,
	/// counted from the upgrade (the chain kept no record of release before it). One
	/// pass over the flow, in one block.
	pub struct StartLifetimes<T, C>(core::marker::PhantomData<(T, C)>);

	impl<T: Config, C: Get<MiningConfigOf<T>>> UncheckedOnRuntimeUpgrade for StartLifetimes<T, C> {
		fn on_runtime_upgrade() -> Weight {
			Mining::<T>::put(C::get());
			// Audits start off: governance turns them on once nodes run a release that
			// answers them. Every node gets a slot to be drawn from.
			let mut slots = 0u64;
			for who in Nodes::<T>::iter_keys() {
				if !SlotOf::<T>::contains_key(&who) {
					Pallet::<T>::add_slot(&who);
					slots += 1;
				}
			}
			CurrentEpoch::<T>::put(MiningEpoch { target: u128::MAX, ..Default::default() });
			let count = EntryCount::<T>::get();
			let mut weight = T::DbWeight::get().reads_writes(1 + slots, 2 + 2 * slots);
			for seq in 0..count {
				let Some(e) = Entries::<T>::get(seq) else { continue };
				if Lifetimes::<T>::contains_key(seq) || e.sectors.is_zero() {
					continue;
				}
				let pools = crate::lifetimes::shares(e.start_sector, e.sectors, 0).len() as u32;
				if Pallet::<T>::start_lifetime(
					seq,
					e.start_sector,
					e.sectors,
					e.fee,
					e.lifetime_months,
				)
				.is_err()
				{
					log_full_queue(seq);
				}
				weight = weight.saturating_add(
					T::DbWeight::get().reads_writes(3 + pools as u64, 2 + pools as u64),
				);
			}
			weight
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	fn log_full_queue(_seq: crate::EntrySeq) {}

	/// The migration as the runtime lists it: runs only on version 1, then sets 2.
	pub type MigrateV1ToV2<T, C> = VersionedMigration<
		1,
		2,
		StartLifetimes<T, C>,
		Pallet<T>,
		<T as polkadot_sdk::frame_system::Config>::DbWeight,
	>;
}

#[cfg(feature = "try-runtime")]
use polkadot_sdk::sp_runtime;
