//! Disputes: what a provider's key signs for a response, and checking a statement against
//! the service's keys.

use crate::*;
use polkadot_sdk::{
	frame_support::pallet_prelude::*,
	frame_system::{self, pallet_prelude::*},
	sp_runtime::traits::{Saturating, Verify, Zero},
};
use zerog_pallet_bond::BondCurrency;

impl<T: Config> Pallet<T> {
	/// The bytes a provider's key signs for a response: tag, genesis hash, statement.
	pub fn response_payload(statement: &StatementOf<T>) -> alloc::vec::Vec<u8> {
		zerog_compute_primitives::response_payload(
			&frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
			statement,
		)
	}

	/// Whether `signature` over `statement` is by the service's key, or by one of its
	/// earlier keys (a rotation does not make what a key signed deniable).
	pub(crate) fn check_statement(
		id: ServiceId,
		service: &ServiceOf<T>,
		statement: &StatementOf<T>,
		signature: &T::Signature,
	) -> DispatchResult {
		let payload = Self::response_payload(statement);
		let by_current = signature.verify(&payload[..], &service.signer);
		ensure!(
			by_current
				|| PastSigners::<T>::get(id).iter().any(|key| signature.verify(&payload[..], key)),
			Error::<T>::BadSignature
		);
		Ok(())
	}

	pub(crate) fn do_dispute(proof: DisputeProofOf<T>) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let statement = match &proof {
			DisputeProof::Contradiction { statement, signature } => {
				let service =
					Services::<T>::get(statement.service).ok_or(Error::<T>::UnknownService)?;
				Self::check_statement(statement.service, &service, statement, signature)?;
				let record =
					Settled::<T>::get((&service.provider, &statement.user, statement.nonce))
						.filter(|r| r.service == statement.service)
						.ok_or(Error::<T>::NothingToDispute)?;
				ensure!(now <= record.expires, Error::<T>::DisputeWindowPassed);
				let agrees = record.request_hash == statement.request_hash
					&& record.response_hash == statement.response_hash
					&& record.input_tokens == statement.input_tokens
					&& record.output_tokens == statement.output_tokens;
				ensure!(!agrees, Error::<T>::NoContradiction);
				statement
			}
			DisputeProof::Equivocation { first, first_signature, second, second_signature } => {
				ensure!(
					first.user == second.user
						&& first.service == second.service
						&& first.nonce == second.nonce,
					Error::<T>::NothingToDispute
				);
				ensure!(first != second, Error::<T>::NoContradiction);
				let service =
					Services::<T>::get(first.service).ok_or(Error::<T>::UnknownService)?;
				Self::check_statement(first.service, &service, first, first_signature)?;
				Self::check_statement(first.service, &service, second, second_signature)?;
				first
			}
		};
		let key = (statement.service, statement.user.clone(), statement.nonce);
		ensure!(!Slashed::<T>::contains_key(&key), Error::<T>::AlreadySlashed);
		let service = Services::<T>::get(statement.service).ok_or(Error::<T>::UnknownService)?;
		let amount = T::DisputeSlash::get() * service.bond;
		let moved = T::Currency::slash_bond(
			&HoldReason::ServiceBond.into(),
			&service.provider,
			&statement.user,
			amount,
		)
		.map_err(Self::bond_error)?;
		Services::<T>::mutate(statement.service, |s| {
			if let Some(s) = s {
				s.bond = s.bond.saturating_sub(moved);
			}
		});
		Slashed::<T>::insert(&key, now);
		Self::deposit_event(Event::ProviderSlashed {
			id: statement.service,
			provider: service.provider,
			user: statement.user.clone(),
			nonce: statement.nonce,
			amount: moved,
		});
		Ok(())
	}

	pub(crate) fn do_reap_receipt(
		provider: T::AccountId,
		user: T::AccountId,
		nonce: RequestNonce,
	) -> DispatchResult {
		let record =
			Settled::<T>::get((&provider, &user, nonce)).ok_or(Error::<T>::UnknownReceipt)?;
		ensure!(frame_system::Pallet::<T>::block_number() > record.expires, Error::<T>::NotExpired);
		Settled::<T>::remove((&provider, &user, nonce));
		Self::deposit_event(Event::ReceiptReaped { provider, user, nonce });
		Ok(())
	}
}
