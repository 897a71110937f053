//! What must hold of the pallet's storage after every block. `try_state` checks it under
//! `try-runtime`, and the mock runs it after every unit test.
//!
//! - **Ledgers.** What the pallet holds from a user for ledgers equals the ledger's
//!   available funds plus, over every provider, the sub-account's balance and pending
//!   refund: settlement, refunds and withdrawals move funds and the hold together.
//! - **Bonds.** What the pallet holds from a provider for bonds equals the bonds of its
//!   services (a slash lowers both).
//! - **Services.** Every id is below `NextServiceId`; each provider's `ServiceCount` is
//!   the number of services it runs, at most `MaxServicesPerProvider`; key history and
//!   dispute horizons exist only for services that exist, key history without repeats.
//! - **Disputes.** A settled receipt of a live service is disputable no later than the
//!   service's dispute horizon, so a bond cannot leave while a receipt can be disputed.

#![cfg(any(test, feature = "try-runtime"))]

use crate::pallet::*;
use alloc::collections::btree_map::BTreeMap;
use polkadot_sdk::{
	frame_support::{ensure, traits::fungible::InspectHold, traits::Get},
	sp_runtime::{
		traits::{Saturating, Zero},
		TryRuntimeError,
	},
};
use zerog_pallet_bond::BondCurrency;

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the module docs; the first broken one is the error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_ledgers()?;
		Self::check_services()?;
		Self::check_disputes()
	}

	fn check_ledgers() -> Result<(), TryRuntimeError> {
		let mut owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (user, available) in Ledgers::<T>::iter() {
			let sum = owed.entry(user).or_insert_with(Zero::zero);
			*sum = sum.saturating_add(available);
		}
		for (user, _provider, sub) in SubAccounts::<T>::iter() {
			let sum = owed.entry(user).or_insert_with(Zero::zero);
			*sum = sum.saturating_add(sub.balance).saturating_add(sub.pending_refund);
		}
		for (user, sum) in &owed {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Ledger.into(), user) == *sum,
				"a user's ledger hold differs from its ledger and sub-accounts"
			);
		}
		Ok(())
	}

	fn check_services() -> Result<(), TryRuntimeError> {
		let next = NextServiceId::<T>::get();
		let mut counts: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut bonds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, service) in Services::<T>::iter() {
			ensure!(id < next, "a service id is not below NextServiceId");
			*counts.entry(service.provider.clone()).or_default() += 1;
			let bond = bonds.entry(service.provider).or_insert_with(Zero::zero);
			*bond = bond.saturating_add(service.bond);
		}
		for (provider, count) in ServiceCount::<T>::iter() {
			ensure!(
				counts.get(&provider).copied().unwrap_or(0) == count,
				"a provider's ServiceCount differs from its services"
			);
		}
		for (provider, count) in &counts {
			ensure!(
				ServiceCount::<T>::get(provider) == *count,
				"a provider's ServiceCount differs from its services"
			);
			ensure!(
				*count <= T::MaxServicesPerProvider::get(),
				"a provider runs more than MaxServicesPerProvider services"
			);
		}
		for (provider, bond) in &bonds {
			ensure!(
				T::Currency::bond_held(&HoldReason::ServiceBond.into(), provider) == *bond,
				"a provider's bond hold differs from its services' bonds"
			);
		}
		for (id, past) in PastSigners::<T>::iter() {
			ensure!(Services::<T>::contains_key(id), "key history of a removed service");
			for (i, key) in past.iter().enumerate() {
				ensure!(!past[..i].contains(key), "a key repeats in a service's key history");
			}
		}
		for id in DisputableUntil::<T>::iter_keys() {
			ensure!(Services::<T>::contains_key(id), "a dispute horizon of a removed service");
		}
		Ok(())
	}

	fn check_disputes() -> Result<(), TryRuntimeError> {
		for (_key, record) in Settled::<T>::iter() {
			if !Services::<T>::contains_key(record.service) {
				continue;
			}
			let horizon = DisputableUntil::<T>::get(record.service)
				.ok_or("a live service's settled receipt has no dispute horizon")?;
			ensure!(record.expires <= horizon, "a receipt is disputable past its horizon");
		}
		Ok(())
	}
}
