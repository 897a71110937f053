//! Ledgers: deposits held from the user, funding sub-accounts per provider, and refunds
//! that wait for their lock.

use crate::*;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision},
	},
	frame_system,
	sp_runtime::traits::{CheckedAdd, Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_deposit(user: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let current = Ledgers::<T>::get(&user);
		let least = if current.is_some() { 1u32.into() } else { T::MinDeposit::get() };
		ensure!(!amount.is_zero() && amount >= least, Error::<T>::AmountTooSmall);
		let available =
			current.unwrap_or_default().checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		T::Currency::hold(&HoldReason::Ledger.into(), &user, amount)?;
		Ledgers::<T>::insert(&user, available);
		Self::deposit_event(Event::Deposited { user, amount });
		Ok(())
	}

	pub(crate) fn do_withdraw(user: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooSmall);
		let available = Ledgers::<T>::get(&user).ok_or(Error::<T>::NoLedger)?;
		ensure!(available >= amount, Error::<T>::InsufficientLedger);
		T::Currency::release(&HoldReason::Ledger.into(), &user, amount, Precision::Exact)?;
		Ledgers::<T>::insert(&user, available - amount);
		Self::deposit_event(Event::Withdrawn { user, amount });
		Ok(())
	}

	pub(crate) fn do_fund(
		user: T::AccountId,
		provider: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooSmall);
		ensure!(ServiceCount::<T>::get(&provider) > 0, Error::<T>::UnknownProvider);
		let available = Ledgers::<T>::get(&user).ok_or(Error::<T>::NoLedger)?;
		ensure!(available >= amount, Error::<T>::InsufficientLedger);
		let mut sub = SubAccounts::<T>::get(&user, &provider).unwrap_or_default();
		sub.balance = sub.balance.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		SubAccounts::<T>::insert(&user, &provider, sub);
		Ledgers::<T>::insert(&user, available - amount);
		Self::deposit_event(Event::Funded { user, provider, amount });
		Ok(())
	}

	pub(crate) fn do_request_refund(
		user: T::AccountId,
		provider: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooSmall);
		let unlock = frame_system::Pallet::<T>::block_number().saturating_add(T::RefundLock::get());
		SubAccounts::<T>::try_mutate(&user, &provider, |sub| -> DispatchResult {
			let sub = sub.as_mut().ok_or(Error::<T>::NoSubAccount)?;
			ensure!(sub.balance >= amount, Error::<T>::InsufficientSubAccount);
			sub.balance -= amount;
			sub.pending_refund =
				sub.pending_refund.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			sub.refund_unlock = unlock;
			Ok(())
		})?;
		Self::deposit_event(Event::RefundRequested { user, provider, amount, unlock });
		Ok(())
	}

	pub(crate) fn do_complete_refund(user: T::AccountId, provider: T::AccountId) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let amount = SubAccounts::<T>::try_mutate(
			&user,
			&provider,
			|sub| -> Result<BalanceOf<T>, DispatchError> {
				let sub = sub.as_mut().ok_or(Error::<T>::NoSubAccount)?;
				ensure!(!sub.pending_refund.is_zero(), Error::<T>::NoPendingRefund);
				ensure!(now >= sub.refund_unlock, Error::<T>::RefundLocked);
				Ok(core::mem::take(&mut sub.pending_refund))
			},
		)?;
		let available = Ledgers::<T>::get(&user).unwrap_or_default();
		Ledgers::<T>::insert(&user, available.checked_add(&amount).ok_or(Error::<T>::Overflow)?);
		Self::deposit_event(Event::Refunded { user, provider, amount });
		Ok(())
	}
}
