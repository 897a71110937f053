//! Keys, collections and the tokens' own lifecycle: mint, update, burn.

use crate::pallet::*;
use crate::{CollectionInfo, EncryptionKey, PossessionProof, SealedKey, TokenInfo};
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision},
	},
	sp_runtime::traits::Zero,
};
use zerog_inft_primitives::{verify_possession, CollectionId, TokenId};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_key(
		who: T::AccountId,
		key: EncryptionKey,
		proof: PossessionProof,
	) -> DispatchResult {
		verify_possession(&who.encode(), &key, &proof).map_err(|e| match e {
			zerog_inft_primitives::CryptoError::BadProof => Error::<T>::BadPossessionProof,
			other => Error::<T>::from(other),
		})?;
		Keys::<T>::insert(&who, key);
		Self::deposit_event(Event::KeyRegistered { who, key });
		Ok(())
	}

	/// The registered key of an account that is to receive a data key.
	pub(crate) fn key_of(who: &T::AccountId) -> Result<EncryptionKey, Error<T>> {
		Keys::<T>::get(who).ok_or(Error::<T>::NoKey)
	}

	pub(crate) fn hold_deposit(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if !amount.is_zero() {
			T::Currency::hold(&HoldReason::Deposit.into(), who, amount)?;
		}
		Ok(())
	}

	/// Gives a deposit back; best effort, so a deposit the runtime could not release in
	/// full never blocks a burn.
	pub(crate) fn release_deposit(who: &T::AccountId, amount: BalanceOf<T>) {
		if !amount.is_zero() {
			let _ = T::Currency::release(
				&HoldReason::Deposit.into(),
				who,
				amount,
				Precision::BestEffort,
			);
		}
	}

	pub(crate) fn do_create_collection(who: T::AccountId, name: NameOf<T>) -> DispatchResult {
		let id = NextCollectionId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let deposit = T::CollectionDeposit::get();
		Self::hold_deposit(&who, deposit)?;
		Collections::<T>::insert(
			id,
			CollectionInfo { owner: who.clone(), name, next_token: 0, tokens: 0, deposit },
		);
		NextCollectionId::<T>::put(next);
		Self::deposit_event(Event::CollectionCreated { collection: id, owner: who });
		Ok(())
	}

	pub(crate) fn do_destroy_collection(
		who: T::AccountId,
		collection: CollectionId,
	) -> DispatchResult {
		let info = Collections::<T>::get(collection).ok_or(Error::<T>::UnknownCollection)?;
		ensure!(info.owner == who, Error::<T>::NotCollectionOwner);
		ensure!(info.tokens == 0, Error::<T>::CollectionNotEmpty);
		Collections::<T>::remove(collection);
		Self::release_deposit(&who, info.deposit);
		Self::deposit_event(Event::CollectionDestroyed { collection });
		Ok(())
	}

	/// Adds a token to a collection: the next id, the count, the owner's index and the
	/// deposit. The caller has checked who may.
	pub(crate) fn insert_token(
		collection: CollectionId,
		mut info: CollectionOf<T>,
		token: TokenOf<T>,
	) -> Result<TokenId, DispatchError> {
		let id = info.next_token;
		info.next_token = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		info.tokens = info.tokens.checked_add(1).ok_or(Error::<T>::Overflow)?;
		Self::hold_deposit(&token.depositor, token.deposit)?;
		Self::index_owner(&token.owner, (collection, id));
		Collections::<T>::insert(collection, info);
		Tokens::<T>::insert(collection, id, token);
		Ok(id)
	}

	pub(crate) fn index_owner(owner: &T::AccountId, id: (CollectionId, TokenId)) {
		Owned::<T>::insert(owner, id, ());
		OwnedCount::<T>::mutate(owner, |n| *n = n.saturating_add(1));
	}

	pub(crate) fn unindex_owner(owner: &T::AccountId, id: (CollectionId, TokenId)) {
		Owned::<T>::remove(owner, id);
		OwnedCount::<T>::mutate_exists(owner, |n| {
			*n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
		});
	}

	pub(crate) fn do_mint(
		who: T::AccountId,
		collection: CollectionId,
		owner: T::AccountId,
		data: DataOf<T>,
		sealed: SealedKey,
	) -> DispatchResult {
		let info = Collections::<T>::get(collection).ok_or(Error::<T>::UnknownCollection)?;
		ensure!(info.owner == who, Error::<T>::NotCollectionOwner);
		let key = Self::key_of(&owner)?;
		zerog_inft_primitives::check_sealed(&sealed).map_err(Error::<T>::from)?;
		let file = data.file;
		let token = TokenInfo {
			owner: owner.clone(),
			creator: who.clone(),
			data,
			key,
			sealed,
			nonce: 0,
			version: 0,
			depositor: who,
			deposit: T::TokenDeposit::get(),
		};
		let id = Self::insert_token(collection, info, token)?;
		Self::deposit_event(Event::Minted { collection, token: id, owner, file });
		Ok(())
	}

	/// A token the caller owns.
	pub(crate) fn owned(
		who: &T::AccountId,
		collection: CollectionId,
		token: TokenId,
	) -> Result<TokenOf<T>, DispatchError> {
		let info = Tokens::<T>::get(collection, token).ok_or(Error::<T>::UnknownToken)?;
		ensure!(info.owner == *who, Error::<T>::NotOwner);
		Ok(info)
	}

	/// A token the caller owns and that is not listed for sale.
	pub(crate) fn owned_unlisted(
		who: &T::AccountId,
		collection: CollectionId,
		token: TokenId,
	) -> Result<TokenOf<T>, DispatchError> {
		let info = Self::owned(who, collection, token)?;
		ensure!(!Sales::<T>::contains_key((collection, token)), Error::<T>::Listed);
		Ok(info)
	}

	pub(crate) fn do_update(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		data: DataOf<T>,
		sealed: SealedKey,
	) -> DispatchResult {
		let mut info = Self::owned_unlisted(&who, collection, token)?;
		let key = Self::key_of(&who)?;
		zerog_inft_primitives::check_sealed(&sealed).map_err(Error::<T>::from)?;
		let file = data.file;
		info.version = info.version.checked_add(1).ok_or(Error::<T>::Overflow)?;
		info.nonce = info.nonce.checked_add(1).ok_or(Error::<T>::Overflow)?;
		info.data = data;
		info.key = key;
		info.sealed = sealed;
		let version = info.version;
		Tokens::<T>::insert(collection, token, info);
		Grants::<T>::remove((collection, token));
		Self::deposit_event(Event::Updated { collection, token, version, file });
		Ok(())
	}

	pub(crate) fn do_burn(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
	) -> DispatchResult {
		let info = Self::owned_unlisted(&who, collection, token)?;
		Tokens::<T>::remove(collection, token);
		Grants::<T>::remove((collection, token));
		Self::unindex_owner(&who, (collection, token));
		Collections::<T>::mutate(collection, |c| {
			if let Some(c) = c {
				c.tokens = c.tokens.saturating_sub(1);
			}
		});
		Self::release_deposit(&info.depositor, info.deposit);
		Self::deposit_event(Event::Burned { collection, token });
		Ok(())
	}
}
