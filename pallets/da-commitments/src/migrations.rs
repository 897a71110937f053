//! Storage migrations, one module per version step; the runtime lists them in its
//! `Migrations`.
//!
//! | version | layout |
//! |---|---|
//! | 0 | signers, quorums, blobs, commitments, deadlines, challenges and their counters, the challenge pool, as declared in `lib.rs` |
//! | 1 | the next epoch's first block is stored (`NextEpochAt`), so a change of the epoch length applies from the next epoch |

use crate::pallet::*;
use polkadot_sdk::{
	frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::traits::{Saturating, Zero},
};

/// Version 0 → 1: epochs are scheduled by a stored block, not by `now % EpochLength`.
pub mod v1 {
	use super::*;

	/// Stores the block version 0 would have started the next epoch at: the next multiple
	/// of the epoch length after the current block, so the schedule carries on unchanged.
	pub struct ScheduleNextEpoch<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ScheduleNextEpoch<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = frame_system::Pallet::<T>::block_number();
			let length = Pallet::<T>::epoch_length();
			let into = now % length;
			// Version 0 started an epoch on every multiple of the length; this block's
			// `on_initialize` runs after the migration, so a multiple is still to come.
			let next = if into.is_zero() { now } else { now.saturating_add(length - into) };
			NextEpochAt::<T>::put::<BlockNumberFor<T>>(next);
			T::DbWeight::get().reads_writes(2, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(
				NextEpochAt::<T>::get() >= frame_system::Pallet::<T>::block_number(),
				"the next epoch is in the past"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration as the runtime lists it: runs only on version 0, then sets 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		ScheduleNextEpoch<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

#[cfg(feature = "try-runtime")]
use polkadot_sdk::sp_runtime;
