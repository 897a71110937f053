//! Handovers of a token's data key, each with a re-encryption proof verified here:
//! transfer, clone and usage grants (and their revocation).

use crate::pallet::*;
use crate::{Grant, Purpose, ReencryptionProof, SealedKey, TokenInfo};
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::*},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::traits::Zero,
};
use zerog_inft_primitives::{verify_reencryption, CollectionId, TokenId, TransferContext};

impl<T: Config> Pallet<T> {
	/// The genesis hash every proof is bound to.
	pub fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Checks that `sealed` holds the token's data key for `receiver` (whose key is
	/// returned), proven by the token's owner for this handover.
	pub(crate) fn verify_handover(
		collection: CollectionId,
		token: TokenId,
		info: &TokenOf<T>,
		purpose: Purpose,
		receiver: &T::AccountId,
		sealed: &SealedKey,
		proof: &ReencryptionProof,
	) -> Result<crate::EncryptionKey, DispatchError> {
		let to = Self::key_of(receiver)?;
		let genesis = Self::genesis_hash();
		let (sender, receiver) = (info.owner.encode(), receiver.encode());
		let ctx = TransferContext {
			genesis: genesis.as_ref(),
			collection,
			token,
			nonce: info.nonce,
			purpose,
			sender: &sender,
			receiver: &receiver,
		};
		verify_reencryption(&ctx, &info.key, &to, &info.sealed, sealed, proof)
			.map_err(Error::<T>::from)?;
		Ok(to)
	}

	/// Moves a token to `to` with its resealed data key; grants are dropped. Shared by
	/// `transfer` and a sale's delivery.
	pub(crate) fn hand_over(
		collection: CollectionId,
		token: TokenId,
		mut info: TokenOf<T>,
		to: T::AccountId,
		sealed: SealedKey,
		proof: &ReencryptionProof,
	) -> DispatchResult {
		let key = Self::verify_handover(
			collection,
			token,
			&info,
			Purpose::Transfer,
			&to,
			&sealed,
			proof,
		)?;
		let from = core::mem::replace(&mut info.owner, to.clone());
		info.nonce = info.nonce.checked_add(1).ok_or(Error::<T>::Overflow)?;
		info.key = key;
		info.sealed = sealed;
		Tokens::<T>::insert(collection, token, info);
		Grants::<T>::remove((collection, token));
		if from != to {
			Self::unindex_owner(&from, (collection, token));
			Self::index_owner(&to, (collection, token));
		}
		Self::deposit_event(Event::Transferred { collection, token, from, to, sealed });
		Ok(())
	}

	pub(crate) fn do_transfer(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		to: T::AccountId,
		sealed: SealedKey,
		proof: ReencryptionProof,
	) -> DispatchResult {
		let info = Self::owned_unlisted(&who, collection, token)?;
		Self::hand_over(collection, token, info, to, sealed, &proof)
	}

	pub(crate) fn do_clone(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		to: T::AccountId,
		sealed: SealedKey,
		proof: ReencryptionProof,
	) -> DispatchResult {
		let mut info = Self::owned(&who, collection, token)?;
		let key =
			Self::verify_handover(collection, token, &info, Purpose::Clone, &to, &sealed, &proof)?;
		let copy = TokenInfo {
			owner: to.clone(),
			creator: info.creator.clone(),
			data: info.data.clone(),
			key,
			sealed,
			nonce: 0,
			version: info.version,
			depositor: who,
			deposit: T::TokenDeposit::get(),
		};
		info.nonce = info.nonce.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let container = Collections::<T>::get(collection).ok_or(Error::<T>::UnknownCollection)?;
		let clone = Self::insert_token(collection, container, copy)?;
		Tokens::<T>::insert(collection, token, info);
		Self::deposit_event(Event::Cloned { collection, token, clone, to });
		Ok(())
	}

	pub(crate) fn do_authorize_usage(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		executor: T::AccountId,
		sealed: SealedKey,
		proof: ReencryptionProof,
	) -> DispatchResult {
		let mut info = Self::owned(&who, collection, token)?;
		let key = Self::verify_handover(
			collection,
			token,
			&info,
			Purpose::Usage,
			&executor,
			&sealed,
			&proof,
		)?;
		let grant = Grant { executor: executor.clone(), key, sealed, version: info.version };
		Grants::<T>::try_mutate((collection, token), |grants| {
			if let Some(existing) = grants.iter_mut().find(|g| g.executor == executor) {
				*existing = grant;
				Ok(())
			} else {
				grants.try_push(grant).map_err(|_| Error::<T>::TooManyGrants)
			}
		})?;
		info.nonce = info.nonce.checked_add(1).ok_or(Error::<T>::Overflow)?;
		Tokens::<T>::insert(collection, token, info);
		Self::deposit_event(Event::UsageAuthorized { collection, token, executor, sealed });
		Ok(())
	}

	pub(crate) fn do_revoke_usage(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		executor: T::AccountId,
	) -> DispatchResult {
		Self::owned(&who, collection, token)?;
		Grants::<T>::try_mutate_exists((collection, token), |grants| {
			let list = grants.as_mut().ok_or(Error::<T>::NoGrant)?;
			let before = list.len();
			list.retain(|g| g.executor != executor);
			ensure!(list.len() < before, Error::<T>::NoGrant);
			if list.is_empty() {
				*grants = None;
			}
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::UsageRevoked { collection, token, executor });
		Ok(())
	}
}
