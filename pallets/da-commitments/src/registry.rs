//! The signer registry: registering with a held bond (displacing the lowest in a full
//! registry), leaving, and withdrawing the bond after unbonding.

use crate::*;
use polkadot_sdk::frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_signer(
		signer: T::AccountId,
		key: T::AccountId,
		endpoint: EndpointOf<T>,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!Signers::<T>::contains_key(&signer), Error::<T>::AlreadyRegistered);
		ensure!(bond >= T::MinSignerBond::get(), Error::<T>::BondTooLow);
		ensure!(
			Signers::<T>::count() < T::MaxSigners::get().saturating_mul(2),
			Error::<T>::TooManySigners
		);
		let displaced = Self::displaced_by(bond)?;
		T::Currency::hold(&HoldReason::SignerBond.into(), &signer, bond)?;
		if let Some(lowest) = displaced {
			let epoch = CurrentEpoch::<T>::get().saturating_add(1);
			Signers::<T>::mutate(&lowest, |s| {
				if let Some(s) = s {
					s.leaving = Some(epoch);
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
			SignerInfo { key: key.clone(), bond, endpoint, leaving: None },
		);
		Self::deposit_event(Event::SignerRegistered { signer, key, bond });
		Ok(())
	}

	pub(crate) fn do_leave(signer: T::AccountId) -> DispatchResult {
		let epoch = CurrentEpoch::<T>::get().saturating_add(1);
		Signers::<T>::try_mutate(&signer, |s| -> DispatchResult {
			let s = s.as_mut().ok_or(Error::<T>::NotSigner)?;
			ensure!(s.leaving.is_none(), Error::<T>::AlreadyLeaving);
			s.leaving = Some(epoch);
			Ok(())
		})?;
		Self::deposit_event(Event::SignerLeaving { signer, epoch });
		Ok(())
	}

	pub(crate) fn do_withdraw_bond(signer: T::AccountId) -> DispatchResult {
		let info = Signers::<T>::get(&signer).ok_or(Error::<T>::NotSigner)?;
		let free_from = info.leaving.map(|e| e.saturating_add(T::UnbondingEpochs::get()));
		ensure!(free_from.is_some_and(|e| CurrentEpoch::<T>::get() >= e), Error::<T>::StillBonded);
		ensure!(OpenChallenges::<T>::get(&signer) == 0, Error::<T>::ChallengeOpen);
		let bond = T::Currency::release(
			&HoldReason::SignerBond.into(),
			&signer,
			info.bond,
			Precision::BestEffort,
		)?;
		Signers::<T>::remove(&signer);
		Self::deposit_event(Event::SignerRemoved { signer, bond });
		Ok(())
	}
}
