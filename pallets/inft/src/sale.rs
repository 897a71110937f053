//! The escrowed sale: list, cancel, buy (payment held), deliver (a verified transfer
//! that pays the seller) or refund after the deadline.

use crate::pallet::*;
use crate::{Purchase, ReencryptionProof, Sale, SealedKey};
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::*,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
		},
	},
	frame_system::{self},
	sp_runtime::traits::Saturating,
};
use zerog_inft_primitives::{CollectionId, TokenId};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_list(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		price: BalanceOf<T>,
	) -> DispatchResult {
		Self::owned_unlisted(&who, collection, token)?;
		Sales::<T>::insert((collection, token), Sale { seller: who, price, purchase: None });
		Self::deposit_event(Event::Listed { collection, token, price });
		Ok(())
	}

	pub(crate) fn do_cancel_listing(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
	) -> DispatchResult {
		let sale = Sales::<T>::get((collection, token)).ok_or(Error::<T>::NotListed)?;
		ensure!(sale.seller == who, Error::<T>::NotSeller);
		ensure!(sale.purchase.is_none(), Error::<T>::AlreadyBought);
		Sales::<T>::remove((collection, token));
		Self::deposit_event(Event::ListingCancelled { collection, token });
		Ok(())
	}

	pub(crate) fn do_buy(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		max_price: BalanceOf<T>,
	) -> DispatchResult {
		let mut sale = Sales::<T>::get((collection, token)).ok_or(Error::<T>::NotListed)?;
		ensure!(sale.purchase.is_none(), Error::<T>::AlreadyBought);
		ensure!(sale.seller != who, Error::<T>::OwnToken);
		ensure!(sale.price <= max_price, Error::<T>::PriceAboveLimit);
		// The seller can only deliver to a key.
		Self::key_of(&who)?;
		T::Currency::hold(&HoldReason::Escrow.into(), &who, sale.price)?;
		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(T::DeliveryPeriod::get());
		sale.purchase = Some(Purchase { buyer: who.clone(), deadline });
		let price = sale.price;
		Sales::<T>::insert((collection, token), sale);
		Self::deposit_event(Event::Bought { collection, token, buyer: who, price, deadline });
		Ok(())
	}

	pub(crate) fn do_deliver(
		who: T::AccountId,
		collection: CollectionId,
		token: TokenId,
		sealed: SealedKey,
		proof: ReencryptionProof,
	) -> DispatchResult {
		let sale = Sales::<T>::get((collection, token)).ok_or(Error::<T>::NotListed)?;
		ensure!(sale.seller == who, Error::<T>::NotSeller);
		let purchase = sale.purchase.ok_or(Error::<T>::NotBought)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() <= purchase.deadline,
			Error::<T>::DeadlinePassed
		);
		let info = Self::owned(&who, collection, token)?;
		Self::hand_over(collection, token, info, purchase.buyer.clone(), sealed, &proof)?;
		T::Currency::transfer_on_hold(
			&HoldReason::Escrow.into(),
			&purchase.buyer,
			&who,
			sale.price,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)?;
		Sales::<T>::remove((collection, token));
		Self::deposit_event(Event::Delivered {
			collection,
			token,
			seller: who,
			buyer: purchase.buyer,
			price: sale.price,
		});
		Ok(())
	}

	pub(crate) fn do_refund(collection: CollectionId, token: TokenId) -> DispatchResult {
		let sale = Sales::<T>::get((collection, token)).ok_or(Error::<T>::NotListed)?;
		let purchase = sale.purchase.ok_or(Error::<T>::NotBought)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() > purchase.deadline,
			Error::<T>::DeadlineNotReached
		);
		T::Currency::release(
			&HoldReason::Escrow.into(),
			&purchase.buyer,
			sale.price,
			Precision::BestEffort,
		)?;
		Sales::<T>::remove((collection, token));
		Self::deposit_event(Event::Refunded {
			collection,
			token,
			buyer: purchase.buyer,
			price: sale.price,
		});
		Ok(())
	}
}
