//! The signer registry: registering with a held bond (displacing the lowest in a full
//! registry), leaving, and withdrawing the bond after unbonding.

use crate::*;
use polkadot_sdk::frame_support::pallet_prelude::*;
use zerog_pallet_bond::{BondCurrency, BondError, BondLifecycle};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_signer(
		signer: T::AccountId,
		key: T::AccountId,
		endpoint: EndpointOf<T>,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!Signers::<T>::contains_key(&signer), Error::<T>::AlreadyRegistered);
		// Checked before the registry's capacity, so a low bond reads as too low.
		ensure!(bond >= T::MinSignerBond::get(), Error::<T>::BondTooLow);
		ensure!(
			Signers::<T>::count() < T::MaxSigners::get().saturating_mul(2),
			Error::<T>::TooManySigners
		);
		let displaced = Self::displaced_by(bond)?;
		T::Currency::hold_bond(
			&HoldReason::SignerBond.into(),
			&signer,
			bond,
			T::MinSignerBond::get(),
		)
		.map_err(Self::bond_error)?;
		if let Some(lowest) = displaced {
			let epoch = CurrentEpoch::<T>::get().saturating_add(1);
			Signers::<T>::mutate(&lowest, |s| {
				if let Some(s) = s {
					// `displaced_by` picks an active signer, so this cannot be refused.
					let _ = s.status.begin_unbonding(epoch, T::UnbondingEpochs::get());
				}
			});
			Self::deposit_event(Event::SignerDisplaced {
				signer: lowest,
				by: signer.clone(),
				epoch,
			});
		}
		Signers::<T>::insert(
			&signer,
			SignerInfo { key: key.clone(), bond, endpoint, status: BondState::Active },
		);
		Self::deposit_event(Event::SignerRegistered { signer, key, bond });
		Ok(())
	}

	pub(crate) fn do_leave(signer: T::AccountId) -> DispatchResult {
		let epoch = CurrentEpoch::<T>::get().saturating_add(1);
		Signers::<T>::try_mutate(&signer, |s| -> DispatchResult {
			let s = s.as_mut().ok_or(Error::<T>::NotSigner)?;
			s.status.begin_unbonding(epoch, T::UnbondingEpochs::get()).map_err(Self::bond_error)?;
			Ok(())
		})?;
		Self::deposit_event(Event::SignerLeaving { signer, epoch });
		Ok(())
	}

	pub(crate) fn do_withdraw_bond(signer: T::AccountId) -> DispatchResult {
		let info = Signers::<T>::get(&signer).ok_or(Error::<T>::NotSigner)?;
		info.status.ensure_withdrawable(CurrentEpoch::<T>::get()).map_err(Self::bond_error)?;
		ensure!(OpenChallenges::<T>::get(&signer) == 0, Error::<T>::ChallengeOpen);
		let bond = T::Currency::release_bond(&HoldReason::SignerBond.into(), &signer, info.bond)
			.map_err(Self::bond_error)?;
		Signers::<T>::remove(&signer);
		Self::deposit_event(Event::SignerRemoved { signer, bond });
		Ok(())
	}

	/// This pallet's names for the steps of the bond lifecycle it refuses: a signer not
	/// leaving and one whose unbonding has not ended are both still bonded.
	pub(crate) fn bond_error(e: BondError) -> DispatchError {
		match e {
			BondError::TooLow => Error::<T>::BondTooLow.into(),
			BondError::Unbonding => Error::<T>::AlreadyLeaving.into(),
			BondError::NotUnbonding | BondError::StillBonded => Error::<T>::StillBonded.into(),
			BondError::Currency(e) => e,
		}
	}
}
