//! What must hold of the pallet's storage after every block. `try_state` checks it under
//! `try-runtime`, and the mock runs it after every unit test.
//!
//! - **Collections.** Ids are below `NextCollectionId`; a collection's token count is
//!   the number of its tokens, and every token id is below its `next_token`.
//! - **Ownership.** `Owned` lists exactly each token under its owner, and `OwnedCount`
//!   counts it (no zero entries).
//! - **Grants.** Only live tokens have grants, never an empty list, each for the
//!   token's current version and to a distinct executor.
//! - **Sales.** Only live tokens are listed, by their owner.
//! - **Funds.** Each account's held deposit is the sum of the deposits of the
//!   collections and tokens it paid for; each buyer's escrow is the sum of the prices
//!   of the purchases it waits on.

#![cfg(any(test, feature = "try-runtime"))]

use crate::pallet::*;
use crate::CollectionId;
use alloc::collections::btree_map::BTreeMap;
use polkadot_sdk::{
	frame_support::{ensure, traits::fungible::InspectHold},
	sp_runtime::{traits::Saturating, TryRuntimeError},
};

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the module docs; the first broken one is the error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut add = |who: &T::AccountId, amount: BalanceOf<T>| {
			let entry = deposits.entry(who.clone()).or_default();
			*entry = entry.saturating_add(amount);
		};
		let next_collection = NextCollectionId::<T>::get();
		let mut counts: BTreeMap<CollectionId, u32> = BTreeMap::new();
		for (id, info) in Collections::<T>::iter() {
			ensure!(id < next_collection, "a collection id is not below NextCollectionId");
			add(&info.owner, info.deposit);
			counts.insert(id, 0);
		}
		let mut owned: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (collection, token, info) in Tokens::<T>::iter() {
			let container = Collections::<T>::get(collection)
				.ok_or("a token lives in a collection that does not exist")?;
			ensure!(token < container.next_token, "a token id is not below next_token");
			*counts.entry(collection).or_default() += 1;
			ensure!(
				Owned::<T>::contains_key(&info.owner, (collection, token)),
				"a token is not indexed under its owner"
			);
			*owned.entry(info.owner.clone()).or_default() += 1;
			add(&info.depositor, info.deposit);
		}
		for (id, info) in Collections::<T>::iter() {
			ensure!(counts.get(&id) == Some(&info.tokens), "a collection's token count is off");
		}
		for (owner, (collection, token), ()) in Owned::<T>::iter() {
			let info = Tokens::<T>::get(collection, token).ok_or("Owned lists a missing token")?;
			ensure!(info.owner == owner, "Owned lists a token under someone else");
		}
		for (owner, count) in OwnedCount::<T>::iter() {
			ensure!(count > 0, "OwnedCount keeps a zero entry");
			ensure!(owned.get(&owner) == Some(&count), "OwnedCount differs from the tokens");
		}
		ensure!(
			owned.keys().all(OwnedCount::<T>::contains_key),
			"an owner is missing from OwnedCount"
		);
		for ((collection, token), grants) in Grants::<T>::iter() {
			let info = Tokens::<T>::get(collection, token).ok_or("a grant on a missing token")?;
			ensure!(!grants.is_empty(), "an empty grant list is kept");
			for (i, grant) in grants.iter().enumerate() {
				ensure!(grant.version == info.version, "a grant for an old version is kept");
				ensure!(
					grants.iter().skip(i + 1).all(|g| g.executor != grant.executor),
					"two grants to one executor"
				);
			}
		}
		let mut escrow: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for ((collection, token), sale) in Sales::<T>::iter() {
			let info = Tokens::<T>::get(collection, token).ok_or("a sale of a missing token")?;
			ensure!(info.owner == sale.seller, "a token is listed by someone who does not own it");
			if let Some(purchase) = sale.purchase {
				let entry = escrow.entry(purchase.buyer).or_default();
				*entry = entry.saturating_add(sale.price);
			}
		}
		for (who, amount) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Deposit.into(), &who) == amount,
				"an account's held deposit differs from its collections and tokens"
			);
		}
		for (who, amount) in escrow {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Escrow.into(), &who) == amount,
				"a buyer's escrow differs from its purchases"
			);
		}
		Ok(())
	}
}
