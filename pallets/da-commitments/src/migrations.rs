//! Storage migrations, one module per version step; the runtime lists them in its
//! `Migrations`.
//!
//! | version | layout |
//! |---|---|
//! | 0 | signers, quorums, blobs, commitments, deadlines, challenges and their counters, the challenge pool, as declared in `lib.rs` |
//! | 1 | the next epoch's first block is stored (`NextEpochAt`), so a change of the epoch length applies from the next epoch |
//! | 2 | a signer's `leaving: Option<epoch it left>` became the shared bond lifecycle's `status: BondState<epoch>`, `Unbonding { until }` holding the epoch its bond is withdrawable from |

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

/// Version 1 → 2: signers go through the bond lifecycle every bonded role shares.
pub mod v2 {
	use super::*;
	use crate::{BondState, EndpointOf, SignerInfo};
	use zerog_da_primitives::EpochIndex;

	/// A signer as version 1 stored it.
	#[derive(Encode, Decode)]
	pub struct OldSignerInfo<AccountId, Balance, Endpoint> {
		/// The attestation key.
		pub key: AccountId,
		/// Held bond.
		pub bond: Balance,
		/// Where it serves cells.
		pub endpoint: Endpoint,
		/// The epoch from which it joined no quorum, once it asked to leave.
		pub leaving: Option<EpochIndex>,
	}

	type OldSignerOf<T> =
		OldSignerInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, EndpointOf<T>>;

	/// Rewrites each signer's `leaving` as a bond state: active, or unbonding until the
	/// epoch version 1 released the bond from (`leaving + UnbondingEpochs`). The bytes of
	/// the two fields have the same layout, so only the epoch moves.
	pub struct SignersToBondState<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for SignersToBondState<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count = 0u64;
			Signers::<T>::translate::<OldSignerOf<T>, _>(|_, old| {
				count += 1;
				let status = match old.leaving {
					None => BondState::Active,
					Some(left) => BondState::Unbonding {
						until: left.saturating_add(T::UnbondingEpochs::get()),
					},
				};
				Some(SignerInfo { key: old.key, bond: old.bond, endpoint: old.endpoint, status })
			});
			T::DbWeight::get().reads_writes(count, count)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			let leaving = Signers::<T>::iter_keys()
				.filter_map(|who| {
					let raw = polkadot_sdk::frame_support::storage::unhashed::get_raw(
						&Signers::<T>::hashed_key_for(&who),
					)?;
					OldSignerOf::<T>::decode(&mut &raw[..]).ok()
				})
				.filter(|s| s.leaving.is_some())
				.count() as u32;
			Ok((Signers::<T>::count(), leaving).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let (count, leaving) = <(u32, u32)>::decode(&mut &state[..])
				.map_err(|_| "the pre-upgrade state does not decode")?;
			ensure!(Signers::<T>::count() == count, "signers were lost");
			let unbonding = Signers::<T>::iter_values().filter(|s| !s.status.is_active()).count();
			ensure!(unbonding as u32 == leaving, "a leaving signer did not become unbonding");
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration as the runtime lists it: runs only on version 1, then sets 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		SignersToBondState<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

#[cfg(feature = "try-runtime")]
use polkadot_sdk::sp_runtime;
