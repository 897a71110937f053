//! Settlement: what users sign for a request, the metered fee, and settling one receipt of
//! a batch.

use crate::*;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{InspectHold, MutateHold},
			tokens::{Fortitude, Precision, Restriction},
		},
	},
	frame_system::{self, pallet_prelude::*},
	sp_runtime::traits::{CheckedAdd, CheckedMul, Saturating, Verify, Zero},
};

impl<T: Config> Pallet<T> {
	/// The bytes a user signs for a request: tag, genesis hash, request.
	pub fn request_payload(request: &RequestOf<T>) -> alloc::vec::Vec<u8> {
		zerog_compute_primitives::request_payload(
			&frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
			request,
		)
	}

	/// The fee of a receipt at a service's prices, if it does not overflow.
	pub fn metered_fee(service: &ServiceOf<T>, input: u32, output: u32) -> Option<BalanceOf<T>> {
		let input = service.input_price.checked_mul(&BalanceOf::<T>::from(input))?;
		let output = service.output_price.checked_mul(&BalanceOf::<T>::from(output))?;
		input.checked_add(&output)
	}

	/// The fee of `input` and `output` tokens at a service's current prices.
	pub fn fee_of(service: ServiceId, input: u32, output: u32) -> Option<BalanceOf<T>> {
		Self::metered_fee(&Services::<T>::get(service)?, input, output)
	}

	/// Checks one receipt and, if it holds, pays its fee. Touches nothing when it
	/// does not.
	pub(crate) fn settle_one(
		provider: &T::AccountId,
		receipt: &ReceiptOf<T>,
		expires: BlockNumberFor<T>,
	) -> Result<BalanceOf<T>, ReceiptOutcome> {
		let request = &receipt.request;
		let service = Services::<T>::get(request.service).ok_or(ReceiptOutcome::UnknownService)?;
		if &service.provider != provider {
			return Err(ReceiptOutcome::NotServiceProvider);
		}
		let payload = Self::request_payload(request);
		if !receipt.user_signature.verify(&payload[..], &request.user) {
			return Err(ReceiptOutcome::BadSignature);
		}
		let mut sub = SubAccounts::<T>::get(&request.user, provider)
			.ok_or(ReceiptOutcome::InsufficientFunds)?;
		if request.nonce <= sub.last_nonce {
			return Err(ReceiptOutcome::StaleNonce);
		}
		let fee = Self::metered_fee(&service, receipt.input_tokens, receipt.output_tokens)
			.filter(|fee| *fee <= request.max_fee)
			.ok_or(ReceiptOutcome::OverBudget)?;
		let available = sub.balance.saturating_add(sub.pending_refund);
		if fee > available {
			return Err(ReceiptOutcome::InsufficientFunds);
		}
		if !fee.is_zero() {
			let on_hold = T::Currency::balance_on_hold(&HoldReason::Ledger.into(), &request.user);
			if on_hold < fee {
				return Err(ReceiptOutcome::InsufficientFunds);
			}
			T::Currency::transfer_on_hold(
				&HoldReason::Ledger.into(),
				&request.user,
				provider,
				fee,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)
			.map_err(|_| ReceiptOutcome::InsufficientFunds)?;
		}
		// Take from the balance first, then from what waits for refund.
		let from_balance = fee.min(sub.balance);
		sub.balance -= from_balance;
		sub.pending_refund -= fee - from_balance;
		sub.last_nonce = request.nonce;
		SubAccounts::<T>::insert(&request.user, provider, sub);
		DisputableUntil::<T>::mutate(request.service, |last| {
			*last = Some(last.map_or(expires, |l| l.max(expires)));
		});
		Settled::<T>::insert(
			(provider, &request.user, request.nonce),
			SettledReceipt {
				service: request.service,
				request_hash: request.request_hash,
				response_hash: receipt.response_hash,
				input_tokens: receipt.input_tokens,
				output_tokens: receipt.output_tokens,
				fee,
				expires,
			},
		);
		Ok(fee)
	}

	pub(crate) fn do_settle(provider: T::AccountId, receipts: ReceiptsOf<T>) -> DispatchResult {
		ensure!(!receipts.is_empty(), Error::<T>::AmountTooSmall);
		let expires =
			frame_system::Pallet::<T>::block_number().saturating_add(T::DisputeWindow::get());
		let mut settled = 0u32;
		let mut total = BalanceOf::<T>::zero();
		for receipt in receipts.iter() {
			let (outcome, fee) = match Self::settle_one(&provider, receipt, expires) {
				Ok(fee) => (ReceiptOutcome::Settled, fee),
				Err(outcome) => (outcome, Zero::zero()),
			};
			if outcome == ReceiptOutcome::Settled {
				settled += 1;
				total = total.saturating_add(fee);
			}
			Self::deposit_event(Event::ReceiptProcessed {
				provider: provider.clone(),
				user: receipt.request.user.clone(),
				service: receipt.request.service,
				nonce: receipt.request.nonce,
				outcome,
				fee,
			});
		}
		let rejected = receipts.len() as u32 - settled;
		Self::deposit_event(Event::BatchSettled { provider, settled, rejected, total });
		Ok(())
	}
}
