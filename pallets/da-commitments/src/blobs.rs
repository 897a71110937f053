//! Blobs: submitting commitments with the fee, and attestations that confirm a blob.

use crate::*;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungible::Mutate, tokens::Preservation},
	},
	frame_system::{self},
	sp_runtime::traits::{Saturating, Verify},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_submit(
		submitter: T::AccountId,
		size: u64,
		commitments: CommitmentsOf<T>,
	) -> DispatchResult {
		zerog_da_primitives::check_shape(size, commitments.len()).map_err(|e| match e {
			zerog_da_primitives::ShapeError::Empty => Error::<T>::EmptyBlob,
			zerog_da_primitives::ShapeError::TooLarge => Error::<T>::BlobTooLarge,
			zerog_da_primitives::ShapeError::WrongRowCount => Error::<T>::WrongRowCount,
		})?;
		let epoch = CurrentEpoch::<T>::get();
		ensure!(Quorums::<T>::get(epoch).is_some_and(|q| !q.is_empty()), Error::<T>::NoQuorum);
		let fee = T::PricePerByte::get()
			.checked_mul(&size.try_into().map_err(|_| Error::<T>::Overflow)?)
			.ok_or(Error::<T>::Overflow)?;
		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(T::AttestationWindow::get());
		let id = NextBlobId::<T>::get();
		Deadlines::<T>::try_mutate(deadline, |ids| ids.try_push(id))
			.map_err(|_| Error::<T>::TooManyBlobsInBlock)?;
		T::Currency::transfer(&submitter, &Self::account_id(), fee, Preservation::Preserve)?;
		let root = zerog_da_primitives::commitments_root(&commitments);
		BlobCommitments::<T>::insert(id, commitments);
		Blobs::<T>::insert(
			id,
			BlobInfo {
				submitter: submitter.clone(),
				size,
				root,
				epoch,
				fee,
				status: BlobStatus::Processing { deadline },
				signed_columns: 0,
				attesters: Default::default(),
			},
		);
		NextBlobId::<T>::put(id.saturating_add(1));
		Self::deposit_event(Event::BlobSubmitted { id, submitter, size, root, epoch, fee });
		Ok(())
	}

	pub(crate) fn do_attest(
		signer: T::AccountId,
		attestation: Attestation,
		signature: T::Signature,
	) -> DispatchResultWithPostInfo {
		let id = attestation.blob;
		let mut blob = Blobs::<T>::get(id).ok_or(Error::<T>::UnknownBlob)?;
		ensure!(matches!(blob.status, BlobStatus::Processing { .. }), Error::<T>::NotProcessing);
		ensure!(attestation.epoch == blob.epoch, Error::<T>::WrongEpoch);
		ensure!(
			attestation.root == blob.root && attestation.size == blob.size,
			Error::<T>::WrongBlob
		);
		let quorum = Quorums::<T>::get(blob.epoch).unwrap_or_default();
		let member = quorum.iter().find(|m| m.signer == signer).ok_or(Error::<T>::NotInQuorum)?;
		ensure!(!blob.attesters.contains(&signer), Error::<T>::AlreadyAttested);
		ensure!(
			signature.verify(&Self::attestation_payload(&signer, &attestation)[..], &member.key),
			Error::<T>::BadSignature
		);
		blob.attesters.try_push(signer.clone()).map_err(|_| Error::<T>::AlreadyAttested)?;
		blob.signed_columns = blob.signed_columns.saturating_add(member.columns);
		let signed_columns = blob.signed_columns;
		Self::deposit_event(Event::Attested {
			id,
			signer,
			columns: member.columns,
			signed_columns,
		});
		let confirmed = Self::is_confirmed(signed_columns);
		if confirmed {
			blob.status = BlobStatus::Confirmed { at: frame_system::Pallet::<T>::block_number() };
			Self::pay_attesters(&blob, &quorum);
			Self::deposit_event(Event::BlobConfirmed { id });
		}
		Blobs::<T>::insert(id, blob);
		Ok(if confirmed { None } else { Some(T::WeightInfo::attest()) }.into())
	}
}
