//! Services: registering with a bond, updating (key rotation keeps earlier keys
//! attributable), retiring, and withdrawing the bond once no receipt can be disputed.

use crate::*;
use polkadot_sdk::{frame_support::pallet_prelude::*, frame_system};
use zerog_pallet_bond::{BondCurrency, BondError, BondLifecycle};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_service(
		provider: T::AccountId,
		kind: ServiceKind,
		name: TextOf<T>,
		model: TextOf<T>,
		endpoint: TextOf<T>,
		input_price: BalanceOf<T>,
		output_price: BalanceOf<T>,
		signer: T::AccountId,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(
			!name.is_empty() && !model.is_empty() && !endpoint.is_empty(),
			Error::<T>::EmptyField
		);
		let count = ServiceCount::<T>::get(&provider);
		ensure!(count < T::MaxServicesPerProvider::get(), Error::<T>::TooManyServices);
		let id = NextServiceId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		T::Currency::hold_bond(
			&HoldReason::ServiceBond.into(),
			&provider,
			bond,
			T::MinServiceBond::get(),
		)
		.map_err(Self::bond_error)?;
		Services::<T>::insert(
			id,
			Service {
				provider: provider.clone(),
				kind,
				name,
				model,
				endpoint,
				input_price,
				output_price,
				signer,
				bond,
				status: ServiceStatus::Active,
			},
		);
		ServiceCount::<T>::insert(&provider, count + 1);
		NextServiceId::<T>::put(next);
		Self::deposit_event(Event::ServiceRegistered { id, provider, kind, bond });
		Ok(())
	}

	pub(crate) fn do_update_service(
		provider: T::AccountId,
		id: ServiceId,
		endpoint: TextOf<T>,
		input_price: BalanceOf<T>,
		output_price: BalanceOf<T>,
		signer: T::AccountId,
	) -> DispatchResult {
		ensure!(!endpoint.is_empty(), Error::<T>::EmptyField);
		Services::<T>::try_mutate(id, |service| -> DispatchResult {
			let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
			ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
			service.status.ensure_active().map_err(Self::bond_error)?;
			service.endpoint = endpoint;
			service.input_price = input_price;
			service.output_price = output_price;
			if service.signer != signer {
				// The old key stays the service's: what it signed can still be disputed.
				PastSigners::<T>::try_mutate(id, |past| {
					if !past.contains(&service.signer) {
						past.try_push(service.signer.clone())
							.map_err(|_| Error::<T>::TooManyKeyRotations)?;
					}
					Ok::<_, Error<T>>(())
				})?;
				service.signer = signer;
			}
			Ok(())
		})?;
		Self::deposit_event(Event::ServiceUpdated { id });
		Ok(())
	}

	pub(crate) fn do_retire_service(provider: T::AccountId, id: ServiceId) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		// Retiring lasts at least the dispute window: what the service signed last can
		// still be disputed against its bond.
		let period = T::RetirementPeriod::get().max(T::DisputeWindow::get());
		let until = Services::<T>::try_mutate(id, |service| -> Result<_, DispatchError> {
			let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
			ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
			service.status.begin_unbonding(now, period).map_err(Self::bond_error)
		})?;
		Self::deposit_event(Event::ServiceRetired { id, until });
		Ok(())
	}

	pub(crate) fn do_withdraw_bond(provider: T::AccountId, id: ServiceId) -> DispatchResult {
		let service = Services::<T>::get(id).ok_or(Error::<T>::UnknownService)?;
		ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
		let now = frame_system::Pallet::<T>::block_number();
		service.status.ensure_withdrawable(now).map_err(Self::bond_error)?;
		ensure!(
			DisputableUntil::<T>::get(id).is_none_or(|last| now > last),
			Error::<T>::DisputesOpen
		);
		let amount =
			T::Currency::release_bond(&HoldReason::ServiceBond.into(), &provider, service.bond)
				.map_err(Self::bond_error)?;
		Services::<T>::remove(id);
		PastSigners::<T>::remove(id);
		DisputableUntil::<T>::remove(id);
		ServiceCount::<T>::mutate(&provider, |c| *c = c.saturating_sub(1));
		Self::deposit_event(Event::BondWithdrawn { id, amount });
		Ok(())
	}

	/// This pallet's names for the steps of the bond lifecycle it refuses.
	pub(crate) fn bond_error(e: BondError) -> DispatchError {
		match e {
			BondError::TooLow => Error::<T>::BondTooLow.into(),
			BondError::Unbonding => Error::<T>::ServiceRetiring.into(),
			BondError::NotUnbonding => Error::<T>::NotRetiring.into(),
			BondError::StillBonded => Error::<T>::StillRetiring.into(),
			BondError::Currency(e) => e,
		}
	}
}
