//! What the chain records of collections and tokens, shared by the pallet, its runtime
//! API and the clients that read them.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{EncryptionKey, SealedKey};

/// A collection's id.
pub type CollectionId = u64;
/// A token's id within its collection.
pub type TokenId = u64;

/// A token's intelligent data: what it is, and where its encrypted bytes are kept.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct IntelligentData<Description> {
	/// What the data is (an agent's name, a model card); public.
	pub description: Description,
	/// The encrypted file's id in ZeroG storage (its Merkle root bound to its size and
	/// layout: what `zg storage download` takes).
	pub file: [u8; 32],
	/// The encrypted file's size in bytes.
	pub size: u64,
}

/// A collection: who mints into it, and how many tokens it holds.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct CollectionInfo<AccountId, Balance, Name> {
	/// The account that may mint into it and destroy it once empty.
	pub owner: AccountId,
	/// Its name.
	pub name: Name,
	/// The id the next minted or cloned token gets.
	pub next_token: TokenId,
	/// Tokens alive in it.
	pub tokens: u32,
	/// Held from the owner while the collection exists.
	pub deposit: Balance,
}

/// A token: its owner, its data, and the data key sealed to the owner's key.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct TokenInfo<AccountId, Balance, Description> {
	/// Who holds it (and the only one the chain lets hand its key on).
	pub owner: AccountId,
	/// Who minted the original it descends from.
	pub creator: AccountId,
	/// What it carries.
	pub data: IntelligentData<Description>,
	/// The key the data key is sealed to (the owner's, when it was handed over).
	pub key: EncryptionKey,
	/// The data key's point `M`, sealed to `key`.
	pub sealed: SealedKey,
	/// Handovers so far (transfers, clones, usage grants, updates): part of every
	/// proof's transcript, so a proof is good once.
	pub nonce: u64,
	/// The data's version: bumped by an update, which brings a fresh data key.
	pub version: u32,
	/// Who paid the deposit, and gets it back when the token is burned.
	pub depositor: AccountId,
	/// Held from `depositor` while the token exists.
	pub deposit: Balance,
}

/// A usage grant: the data key sealed to an executor's key (a compute provider, say),
/// so it can read the data without owning the token.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Grant<AccountId> {
	/// The account whose registered key the grant is sealed to.
	pub executor: AccountId,
	/// The key it is sealed to.
	pub key: EncryptionKey,
	/// The data key's point, sealed to `key`.
	pub sealed: SealedKey,
	/// The data version it opens.
	pub version: u32,
}

/// A token offered for sale, and its purchase once a buyer paid into escrow.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Sale<AccountId, Balance, BlockNumber> {
	/// The owner who listed it.
	pub seller: AccountId,
	/// What it costs.
	pub price: Balance,
	/// The buyer whose payment is held, and the block by which the seller must deliver.
	pub purchase: Option<Purchase<AccountId, BlockNumber>>,
}

/// A buyer's payment held in escrow.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Purchase<AccountId, BlockNumber> {
	pub buyer: AccountId,
	/// The last block the seller can deliver in; after it the buyer may be refunded.
	pub deadline: BlockNumber,
}

/// Everything a client reads of one token.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct TokenView<AccountId, Balance, BlockNumber> {
	pub collection: CollectionId,
	pub token: TokenId,
	pub info: TokenInfo<AccountId, Balance, alloc::vec::Vec<u8>>,
	pub grants: alloc::vec::Vec<Grant<AccountId>>,
	pub sale: Option<Sale<AccountId, Balance, BlockNumber>>,
}
