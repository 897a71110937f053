//! Services: registering with a bond, updating (key rotation keeps earlier keys
//! attributable), retiring, and withdrawing the bond once no receipt can be disputed.

use crate::*;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision},
	},
	frame_system,
	sp_runtime::traits::Saturating,
};

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
		ensure!(bond >= T::MinServiceBond::get(), Error::<T>::BondTooLow);
		let count = ServiceCount::<T>::get(&provider);
		ensure!(count < T::MaxServicesPerProvider::get(), Error::<T>::TooManyServices);
		let id = NextServiceId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		T::Currency::hold(&HoldReason::ServiceBond.into(), &provider, bond)?;
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
			ensure!(service.status == ServiceStatus::Active, Error::<T>::ServiceRetiring);
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
		let until = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::RetirementPeriod::get().max(T::DisputeWindow::get()));
		Services::<T>::try_mutate(id, |service| -> DispatchResult {
			let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
			ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
			ensure!(service.status == ServiceStatus::Active, Error::<T>::ServiceRetiring);
			service.status = ServiceStatus::Retiring { until };
			Ok(())
		})?;
		Self::deposit_event(Event::ServiceRetired { id, until });
		Ok(())
	}

	pub(crate) fn do_withdraw_bond(provider: T::AccountId, id: ServiceId) -> DispatchResult {
		let service = Services::<T>::get(id).ok_or(Error::<T>::UnknownService)?;
		ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
		let ServiceStatus::Retiring { until } = service.status else {
			return Err(Error::<T>::NotRetiring.into());
		};
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now >= until, Error::<T>::StillRetiring);
		ensure!(
			DisputableUntil::<T>::get(id).is_none_or(|last| now > last),
			Error::<T>::DisputesOpen
		);
		let amount = T::Currency::release(
			&HoldReason::ServiceBond.into(),
			&provider,
			service.bond,
			Precision::BestEffort,
		)?;
		Services::<T>::remove(id);
		PastSigners::<T>::remove(id);
		DisputableUntil::<T>::remove(id);
		ServiceCount::<T>::mutate(&provider, |c| *c = c.saturating_sub(1));
		Self::deposit_event(Event::BondWithdrawn { id, amount });
		Ok(())
	}
}
