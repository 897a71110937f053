//! What the runtime API answers: the pallet's storage shaped for clients.

use crate::pallet::*;
use crate::{CollectionId, CollectionInfo, TokenId, TokenInfo, TokenView};
use alloc::vec::Vec;
use polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor;

impl<T: Config> Pallet<T> {
	/// A token with its grants and sale.
	pub fn token_view(
		collection: CollectionId,
		token: TokenId,
	) -> Option<TokenView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let info = Tokens::<T>::get(collection, token)?;
		Some(TokenView {
			collection,
			token,
			info: TokenInfo {
				owner: info.owner,
				creator: info.creator,
				data: crate::IntelligentData {
					description: info.data.description.into_inner(),
					file: info.data.file,
					size: info.data.size,
				},
				key: info.key,
				sealed: info.sealed,
				nonce: info.nonce,
				version: info.version,
				depositor: info.depositor,
				deposit: info.deposit,
			},
			grants: Grants::<T>::get((collection, token)).into_inner(),
			sale: Sales::<T>::get((collection, token)),
		})
	}

	/// A collection, its name unbounded.
	pub fn collection_view(
		id: CollectionId,
	) -> Option<CollectionInfo<T::AccountId, BalanceOf<T>, Vec<u8>>> {
		Collections::<T>::get(id).map(|c| CollectionInfo {
			owner: c.owner,
			name: c.name.into_inner(),
			next_token: c.next_token,
			tokens: c.tokens,
			deposit: c.deposit,
		})
	}

	/// Up to `limit` (at most 1,000) tokens of `owner` after `after`, in key order.
	pub fn tokens_of(
		owner: &T::AccountId,
		after: Option<(CollectionId, TokenId)>,
		limit: u32,
	) -> Vec<(CollectionId, TokenId)> {
		let limit = limit.min(1_000) as usize;
		let keys = match after {
			Some(after) => {
				Owned::<T>::iter_key_prefix_from(owner, Owned::<T>::hashed_key_for(owner, after))
			}
			None => Owned::<T>::iter_key_prefix(owner),
		};
		keys.take(limit).collect()
	}

	/// The genesis hash proofs are bound to, as 32 bytes.
	pub fn genesis_bytes() -> [u8; 32] {
		let mut out = [0u8; 32];
		let hash = Self::genesis_hash();
		let bytes: &[u8] = hash.as_ref();
		let n = bytes.len().min(32);
		out[..n].copy_from_slice(&bytes[..n]);
		out
	}
}
