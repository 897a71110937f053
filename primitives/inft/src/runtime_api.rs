//! # iNFT runtime API
//!
//! What `zg inft`, wallets and RPC clients read of the iNFT pallet: tokens with their
//! sealed keys, grants and sales, an account's tokens, registered encryption keys, and
//! the genesis hash every proof's transcript is bound to.

use crate::{CollectionId, CollectionInfo, EncryptionKey, TokenId, TokenView};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads of the iNFT pallet.
	pub trait InftApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// A token with its grants and sale.
		fn token(collection: CollectionId, token: TokenId) -> Option<TokenView<AccountId, Balance, BlockNumber>>;
		/// A collection.
		fn collection(id: CollectionId) -> Option<CollectionInfo<AccountId, Balance, Vec<u8>>>;
		/// The tokens an account owns (at most `limit`, in key order, after `after`).
		fn tokens_of(owner: AccountId, after: Option<(CollectionId, TokenId)>, limit: u32) -> Vec<(CollectionId, TokenId)>;
		/// An account's registered encryption key.
		fn encryption_key(who: AccountId) -> Option<EncryptionKey>;
		/// The genesis hash proofs are bound to.
		fn genesis() -> [u8; 32];
	}
}
