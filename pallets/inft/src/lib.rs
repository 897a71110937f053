//! # iNFT pallet
//!
//! Intelligent NFTs (ERC-7857) whose handovers the runtime itself checks. A token
//! carries an agent's data (model, memory, prompts) encrypted under a data key, the
//! file kept in ZeroG storage by its Merkle root; the data key's point `M` is sealed to
//! the owner's registered encryption key ([`zerog_inft_primitives`] has the scheme).
//!
//! - **Keys.** An account registers an encryption key with a proof of possession bound
//!   to the account ([`Pallet::register_key`]); a token can only be given to an account
//!   with a registered key. Registering again replaces the key (tokens already sealed to
//!   the old key stay sealed to it until they are handed on).
//! - **Collections and minting.** Anyone may create a collection (a deposit is held);
//!   its owner mints tokens into it, to any account with a key, with the data key sealed
//!   to that key (a deposit per token is held from the minter).
//! - **Handovers.** `transfer`, `clone` (a new token with the same data for a receiver)
//!   and `authorize_usage` (the data key for an executor, e.g. a compute provider)
//!   each post `M` sealed to the receiver's key with a re-encryption proof, verified in
//!   the runtime against the sealed key the token holds; the proof's transcript binds
//!   the genesis hash, collection, token, the token's nonce, the purpose and both
//!   accounts, so it is good for this one handover. `transfer` is the only way a token
//!   changes owner; it drops usage grants (the new owner grants its own).
//! - **Updates.** `update` replaces the data and seals a fresh data key, bumping the
//!   version and dropping grants: past owners and revoked executors cannot read the new
//!   version (what they already read, they keep).
//! - **Escrowed sale.** The owner lists a token at a price; a buyer's payment is held
//!   (`buy`); the seller delivers with a verified transfer to the buyer within
//!   [`Config::DeliveryPeriod`] blocks and is paid, otherwise anyone may refund the
//!   buyer. A listed token cannot be transferred, updated or burned until the listing
//!   is cancelled or the sale ends.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod handover;
mod invariants;
#[cfg(test)]
mod mock;
mod sale;
#[cfg(test)]
mod tests;
mod tokens;
mod views;
pub mod weights;

extern crate alloc;

use polkadot_sdk::{frame_support, frame_system};
pub use zerog_inft_primitives::{
	CollectionId, CollectionInfo, CryptoError, EncryptionKey, Grant, IntelligentData,
	PossessionProof, Purchase, Purpose, ReencryptionProof, Sale, SealedKey, TokenId, TokenInfo,
	TokenView,
};

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;

	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;

	/// The balance type of the currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A collection name.
	pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;
	/// A token's public description.
	pub type DescriptionOf<T> = BoundedVec<u8, <T as Config>::MaxDescriptionLen>;
	/// Intelligent data of this runtime.
	pub type DataOf<T> = IntelligentData<DescriptionOf<T>>;
	/// A collection of this runtime.
	pub type CollectionOf<T> =
		CollectionInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, NameOf<T>>;
	/// A token of this runtime.
	pub type TokenOf<T> =
		TokenInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, DescriptionOf<T>>;
	/// A token's usage grants.
	pub type GrantsOf<T> =
		BoundedVec<Grant<<T as frame_system::Config>::AccountId>, <T as Config>::MaxGrants>;
	/// A sale of this runtime.
	pub type SaleOf<T> =
		Sale<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// The layout of this pallet's storage.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency of deposits and sales.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// Held from a collection's owner while it exists.
		#[pallet::constant]
		type CollectionDeposit: Get<BalanceOf<Self>>;
		/// Held from a token's minter (or cloner) while it exists.
		#[pallet::constant]
		type TokenDeposit: Get<BalanceOf<Self>>;
		/// Longest collection name.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;
		/// Longest token description.
		#[pallet::constant]
		type MaxDescriptionLen: Get<u32>;
		/// Most usage grants a token holds at once.
		#[pallet::constant]
		type MaxGrants: Get<u32>;
		/// Blocks a seller has to deliver a bought token.
		#[pallet::constant]
		type DeliveryPeriod: Get<BlockNumberFor<Self>>;
		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A collection's or token's storage deposit.
		Deposit,
		/// A buyer's payment, until the seller delivers or the buyer is refunded.
		Escrow,
	}

	/// Registered encryption keys.
	#[pallet::storage]
	pub type Keys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, EncryptionKey>;

	/// The next collection's id.
	#[pallet::storage]
	pub type NextCollectionId<T> = StorageValue<_, CollectionId, ValueQuery>;

	/// Collections by id.
	#[pallet::storage]
	pub type Collections<T: Config> = StorageMap<_, Twox64Concat, CollectionId, CollectionOf<T>>;

	/// Tokens by collection and id.
	#[pallet::storage]
	pub type Tokens<T: Config> =
		StorageDoubleMap<_, Twox64Concat, CollectionId, Twox64Concat, TokenId, TokenOf<T>>;

	/// The tokens each account owns.
	#[pallet::storage]
	pub type Owned<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		(CollectionId, TokenId),
		(),
		OptionQuery,
	>;

	/// How many tokens each account owns (absent: none), ERC-721's `balanceOf`.
	#[pallet::storage]
	pub type OwnedCount<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Usage grants of a token (absent: none).
	#[pallet::storage]
	pub type Grants<T: Config> =
		StorageMap<_, Twox64Concat, (CollectionId, TokenId), GrantsOf<T>, ValueQuery>;

	/// Tokens for sale.
	#[pallet::storage]
	pub type Sales<T: Config> = StorageMap<_, Twox64Concat, (CollectionId, TokenId), SaleOf<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An account registered (or replaced) its encryption key.
		KeyRegistered { who: T::AccountId, key: EncryptionKey },
		/// A collection was created.
		CollectionCreated { collection: CollectionId, owner: T::AccountId },
		/// An empty collection was destroyed and its deposit released.
		CollectionDestroyed { collection: CollectionId },
		/// A token was minted.
		Minted { collection: CollectionId, token: TokenId, owner: T::AccountId, file: [u8; 32] },
		/// A token changed owner; `sealed` is its data key for the new owner (ERC-7857's
		/// `PublishedSealedKey`).
		Transferred {
			collection: CollectionId,
			token: TokenId,
			from: T::AccountId,
			to: T::AccountId,
			sealed: SealedKey,
		},
		/// A token was cloned into `clone`, owned by `to`.
		Cloned { collection: CollectionId, token: TokenId, clone: TokenId, to: T::AccountId },
		/// An executor was given the data key of a token's current version.
		UsageAuthorized {
			collection: CollectionId,
			token: TokenId,
			executor: T::AccountId,
			sealed: SealedKey,
		},
		/// A usage grant was withdrawn.
		UsageRevoked { collection: CollectionId, token: TokenId, executor: T::AccountId },
		/// A token's data was replaced, under a fresh data key.
		Updated { collection: CollectionId, token: TokenId, version: u32, file: [u8; 32] },
		/// A token was burned and its deposit released.
		Burned { collection: CollectionId, token: TokenId },
		/// A token was listed for sale.
		Listed { collection: CollectionId, token: TokenId, price: BalanceOf<T> },
		/// A listing was withdrawn.
		ListingCancelled { collection: CollectionId, token: TokenId },
		/// A buyer's payment is held until the seller delivers by `deadline`.
		Bought {
			collection: CollectionId,
			token: TokenId,
			buyer: T::AccountId,
			price: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
		},
		/// The seller delivered: the token is the buyer's, the payment the seller's.
		Delivered {
			collection: CollectionId,
			token: TokenId,
			seller: T::AccountId,
			buyer: T::AccountId,
			price: BalanceOf<T>,
		},
		/// The seller did not deliver in time: the buyer's payment was released.
		Refunded {
			collection: CollectionId,
			token: TokenId,
			buyer: T::AccountId,
			price: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account has no registered encryption key.
		NoKey,
		/// The proof of possession does not verify for this key and account.
		BadPossessionProof,
		/// A key, sealed key or proof holds bytes that are not a canonical ristretto255
		/// point.
		InvalidPoint,
		/// A key or a sealed key's randomness is the identity point.
		IdentityPoint,
		/// A proof holds bytes that are not a canonical scalar.
		InvalidScalar,
		/// The re-encryption proof does not verify for this token, handover and
		/// receiver.
		BadProof,
		/// No such collection.
		UnknownCollection,
		/// Only the collection's owner may do this.
		NotCollectionOwner,
		/// The collection still holds tokens.
		CollectionNotEmpty,
		/// No such token.
		UnknownToken,
		/// Only the token's owner may do this.
		NotOwner,
		/// The token already holds `MaxGrants` usage grants.
		TooManyGrants,
		/// The executor holds no grant on this token.
		NoGrant,
		/// The token is listed for sale: cancel the listing or finish the sale first.
		Listed,
		/// The token is not listed for sale.
		NotListed,
		/// A buyer has already paid for the token.
		AlreadyBought,
		/// Nobody has paid for the token yet.
		NotBought,
		/// The price is above the buyer's limit.
		PriceAboveLimit,
		/// The seller cannot buy its own token.
		OwnToken,
		/// Only the seller may deliver.
		NotSeller,
		/// The delivery deadline has passed; the buyer can be refunded.
		DeadlinePassed,
		/// The delivery deadline has not passed yet.
		DeadlineNotReached,
		/// An id or counter would overflow.
		Overflow,
	}

	impl<T> From<CryptoError> for Error<T> {
		fn from(e: CryptoError) -> Self {
			match e {
				CryptoError::InvalidPoint => Error::InvalidPoint,
				CryptoError::IdentityPoint => Error::IdentityPoint,
				CryptoError::InvalidScalar => Error::InvalidScalar,
				CryptoError::BadProof => Error::BadProof,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	// Re-encryption proofs (160 bytes) are boxed: a runtime's call is as large as its
	// largest variant, and every transaction's call is moved by value several times.
	#[allow(clippy::boxed_local)]
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers (or replaces) the caller's encryption key, with a proof that the
		/// caller knows its secret.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_key())]
		pub fn register_key(
			origin: OriginFor<T>,
			key: EncryptionKey,
			proof: PossessionProof,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_key(who, key, proof)
		}

		/// Creates a collection owned by the caller, holding [`Config::CollectionDeposit`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::create_collection())]
		pub fn create_collection(origin: OriginFor<T>, name: NameOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_create_collection(who, name)
		}

		/// Destroys an empty collection of the caller's, releasing its deposit.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::destroy_collection())]
		pub fn destroy_collection(
			origin: OriginFor<T>,
			collection: CollectionId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_destroy_collection(who, collection)
		}

		/// Mints a token into the caller's collection for `owner`, whose registered key
		/// `sealed` seals the data key to. Holds [`Config::TokenDeposit`] from the caller.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::mint())]
		pub fn mint(
			origin: OriginFor<T>,
			collection: CollectionId,
			owner: T::AccountId,
			data: DataOf<T>,
			sealed: SealedKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_mint(who, collection, owner, data, sealed)
		}

		/// Gives the caller's token to `to`, with the data key sealed to `to`'s key and
		/// the proof that it is the same key.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::transfer())]
		pub fn transfer(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			to: T::AccountId,
			sealed: SealedKey,
			proof: Box<ReencryptionProof>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_transfer(who, collection, token, to, sealed, *proof)
		}

		/// Mints a copy of the caller's token (same data, same data key) for `to`, with
		/// the data key sealed to `to`'s key and the proof. Holds a token deposit from
		/// the caller.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::clone())]
		pub fn clone(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			to: T::AccountId,
			sealed: SealedKey,
			proof: Box<ReencryptionProof>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_clone(who, collection, token, to, sealed, *proof)
		}

		/// Grants `executor` the data key of the token's current version (replacing an
		/// earlier grant to it), with the proof.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::authorize_usage())]
		pub fn authorize_usage(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			executor: T::AccountId,
			sealed: SealedKey,
			proof: Box<ReencryptionProof>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_authorize_usage(who, collection, token, executor, sealed, *proof)
		}

		/// Withdraws `executor`'s grant on the token.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::revoke_usage())]
		pub fn revoke_usage(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			executor: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_revoke_usage(who, collection, token, executor)
		}

		/// Replaces the token's data with a new version under a fresh data key sealed to
		/// the owner's key; usage grants are dropped.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::update())]
		pub fn update(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			data: DataOf<T>,
			sealed: SealedKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update(who, collection, token, data, sealed)
		}

		/// Burns the caller's token, releasing its deposit to whoever paid it.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::burn())]
		pub fn burn(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_burn(who, collection, token)
		}

		/// Lists the caller's token for sale at `price`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::list())]
		pub fn list(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			price: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_list(who, collection, token, price)
		}

		/// Withdraws a listing nobody has paid for yet.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::cancel_listing())]
		pub fn cancel_listing(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_listing(who, collection, token)
		}

		/// Pays for a listed token into escrow (at most `max_price`); the seller has
		/// [`Config::DeliveryPeriod`] blocks to deliver. The caller needs a registered key.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::buy())]
		pub fn buy(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			max_price: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_buy(who, collection, token, max_price)
		}

		/// The seller delivers a bought token: a verified transfer to the buyer, which
		/// pays the seller from escrow.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::deliver())]
		pub fn deliver(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
			sealed: SealedKey,
			proof: Box<ReencryptionProof>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deliver(who, collection, token, sealed, *proof)
		}

		/// Releases the buyer's payment once the delivery deadline has passed; the
		/// listing ends. Anyone may call it.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::refund())]
		pub fn refund(
			origin: OriginFor<T>,
			collection: CollectionId,
			token: TokenId,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_refund(collection, token)
		}
	}
}
