//! # Compute market pallet
//!
//! The on-chain half of ZeroG compute (0G Serving): an inference marketplace where users
//! pay providers per token and can hold them to what they signed.
//!
//! - **Services.** A provider registers a service (chat or embeddings, a model name, an
//!   endpoint, a price per input and per output token, the key that signs its
//!   responses) with a bond held from its account. It may update prices, endpoint and
//!   key, and retire the service; the bond is withdrawable once the retirement period,
//!   which outlasts the dispute window, has passed.
//! - **Ledgers.** A user deposits into a ledger (at least [`Config::MinDeposit`] to open
//!   it; funds are held, not transferred), moves funds to a sub-account per provider,
//!   and takes them back with a refund that unlocks after [`Config::RefundLock`] blocks,
//!   so a provider can settle what it served first. Funds waiting for refund still pay
//!   for settlement.
//! - **Settlement.** A user signs each request ([`Request`]: service, nonce, request
//!   hash, most it will pay). The provider settles batches of up to [`Config::MaxBatch`]
//!   receipts; each carries the user's signed request and the metered token counts. The
//!   chain checks each receipt on its own — signature, service owner, nonce strictly
//!   above the last settled one for that user and provider, fee (input × input price +
//!   output × output price) within the signed maximum and the sub-account — moves the
//!   fee from the user's held funds to the provider and reports a typed result per
//!   receipt ([`ReceiptOutcome`]). A bad receipt does not sink the batch.
//! - **Disputes.** A provider's key signs every response it serves
//!   ([`ResponseStatement`]: request, response hash, token counts) — ZeroG's
//!   proof of inference. Anyone holding such a statement can slash the service's bond
//!   by [`Config::DisputeSlash`] (paid to the user) if it contradicts what the provider
//!   settled for that nonce, or if the provider signed two different responses for the
//!   same request nonce. Each request can be slashed for once, ever (the marker outlives
//!   the receipt's record). A statement stays attributable to the key that signed it:
//!   a service's earlier keys ([`MAX_PAST_SIGNERS`] at most) still count in disputes
//!   after [`Pallet::update_service`] rotates the key, and a retiring service's bond
//!   cannot be withdrawn while a receipt it settled can still be disputed.
//!
//! Signatures are over `(domain tag, genesis hash, payload)` SCALE-encoded, so a
//! signature for one chain or one purpose is worthless on another.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dispute;
mod invariants;
mod ledger;
pub mod migrations;
#[cfg(test)]
mod mock;
mod services;
mod settlement;
#[cfg(test)]
mod tests;
mod views;
pub mod weights;

extern crate alloc;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{frame_support, frame_system, sp_core::H256, sp_runtime};
use scale_info::TypeInfo;
pub use zerog_compute_primitives::{
	DisputeProof, LedgerInfo, Receipt, ReceiptOutcome, Request, RequestNonce, ResponseStatement,
	ServiceId, ServiceInfo, ServiceKind, ServiceStatus, SubAccount, REQUEST_TAG, RESPONSE_TAG,
};

/// Most earlier response keys a service keeps attributable to it; rotating the key
/// past this many is refused (register a new service instead).
pub const MAX_PAST_SIGNERS: u32 = 8;

/// What a dispute may cost beyond its benchmarked weight (which checks each statement
/// against the current key): trying every earlier key of the service for both statements
/// of an equivocation, at the 80 µs an sr25519 verification costs in the benchmarked
/// dispute, and reading the keys. The benchmarks of this pallet measure settle, update,
/// withdraw and dispute before key history and dispute horizons existed; the extra
/// reads and writes of those are added where each call declares its weight.
pub fn past_signers_weight<T: frame_system::Config>() -> frame_support::weights::Weight {
	use frame_support::traits::Get;
	frame_support::weights::Weight::from_parts(2 * MAX_PAST_SIGNERS as u64 * 80_000_000, 0)
		.saturating_add(T::DbWeight::get().reads(1))
}

/// A registered inference service.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxLen))]
pub struct Service<AccountId, Balance, BlockNumber, MaxLen: frame_support::traits::Get<u32>> {
	/// The account that registered it, is paid, and holds the bond.
	pub provider: AccountId,
	/// Chat or embeddings.
	pub kind: ServiceKind,
	/// A name unique to the provider, e.g. `llama-chat`.
	pub name: frame_support::BoundedVec<u8, MaxLen>,
	/// The model served, e.g. `zerog-tiny-lm`.
	pub model: frame_support::BoundedVec<u8, MaxLen>,
	/// Where the OpenAI-compatible API is served, e.g. `http://10.0.0.7:8000`.
	pub endpoint: frame_support::BoundedVec<u8, MaxLen>,
	/// Price per input (prompt) token.
	pub input_price: Balance,
	/// Price per output (completion) token.
	pub output_price: Balance,
	/// The key that signs responses (an account id: its public key).
	pub signer: AccountId,
	/// Bond held from the provider.
	pub bond: Balance,
	/// Serving or retiring.
	pub status: ServiceStatus<BlockNumber>,
}

/// A settled receipt, kept for the dispute window.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct SettledReceipt<Balance, BlockNumber> {
	/// The service.
	pub service: ServiceId,
	/// Hash of the request body.
	pub request_hash: H256,
	/// Hash of the response the provider settled for.
	pub response_hash: H256,
	/// Input tokens settled.
	pub input_tokens: u32,
	/// Output tokens settled.
	pub output_tokens: u32,
	/// Fee paid.
	pub fee: Balance,
	/// After this block the record may be removed and no longer disputed.
	pub expires: BlockNumber,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{IdentifyAccount, Verify},
		Perbill,
	};

	/// The balance type of the currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A service of this runtime.
	pub type ServiceOf<T> = Service<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxStringLen,
	>;
	/// A bounded string of this runtime.
	pub type TextOf<T> = BoundedVec<u8, <T as Config>::MaxStringLen>;
	/// A request of this runtime.
	pub type RequestOf<T> = Request<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	/// A receipt of this runtime.
	pub type ReceiptOf<T> =
		Receipt<<T as frame_system::Config>::AccountId, BalanceOf<T>, <T as Config>::Signature>;
	/// A batch of receipts.
	pub type ReceiptsOf<T> = BoundedVec<ReceiptOf<T>, <T as Config>::MaxBatch>;
	/// A response statement of this runtime.
	pub type StatementOf<T> = ResponseStatement<<T as frame_system::Config>::AccountId>;
	/// A dispute proof of this runtime.
	pub type DisputeProofOf<T> =
		DisputeProof<<T as frame_system::Config>::AccountId, <T as Config>::Signature>;
	/// A sub-account of this runtime.
	pub type SubAccountOf<T> = SubAccount<BalanceOf<T>, BlockNumberFor<T>>;
	/// A settled receipt record of this runtime.
	pub type SettledOf<T> = SettledReceipt<BalanceOf<T>, BlockNumberFor<T>>;

	/// The layout of this pallet's storage; [`migrations`] moves older layouts to it.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency users pay in and bonds are held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// Signatures of requests and responses, verified against account ids.
		type Signature: Parameter + Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>>;
		/// Least first deposit that opens a ledger.
		#[pallet::constant]
		type MinDeposit: Get<BalanceOf<Self>>;
		/// Least bond of a service.
		#[pallet::constant]
		type MinServiceBond: Get<BalanceOf<Self>>;
		/// Blocks a refund waits so the provider can settle first.
		#[pallet::constant]
		type RefundLock: Get<BlockNumberFor<Self>>;
		/// Blocks a settled receipt can be disputed.
		#[pallet::constant]
		type DisputeWindow: Get<BlockNumberFor<Self>>;
		/// Blocks between retiring a service and withdrawing its bond; at least the
		/// dispute window.
		#[pallet::constant]
		type RetirementPeriod: Get<BlockNumberFor<Self>>;
		/// Share of a service's bond a proven dispute slashes (paid to the user).
		#[pallet::constant]
		type DisputeSlash: Get<Perbill>;
		/// Most receipts per settlement.
		#[pallet::constant]
		type MaxBatch: Get<u32>;
		/// Longest name, model or endpoint, in bytes.
		#[pallet::constant]
		type MaxStringLen: Get<u32>;
		/// Most services one provider runs at once.
		#[pallet::constant]
		type MaxServicesPerProvider: Get<u32>;
		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A user's ledger (available and sub-account funds).
		Ledger,
		/// A service's bond.
		ServiceBond,
	}

	/// The next service's id.
	#[pallet::storage]
	pub type NextServiceId<T> = StorageValue<_, ServiceId, ValueQuery>;

	/// Services by id.
	#[pallet::storage]
	pub type Services<T: Config> = StorageMap<_, Twox64Concat, ServiceId, ServiceOf<T>>;

	/// How many services each provider runs (retiring ones included).
	#[pallet::storage]
	pub type ServiceCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Each user's ledger balance not assigned to any provider.
	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>>;

	/// Sub-accounts by (user, provider).
	#[pallet::storage]
	pub type SubAccounts<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		SubAccountOf<T>,
	>;

	/// Settled receipts by (provider, user, nonce), kept for the dispute window.
	#[pallet::storage]
	pub type Settled<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Twox64Concat, RequestNonce>,
		),
		SettledOf<T>,
	>;

	/// Earlier response keys of each service, oldest first: statements they signed still
	/// prove against the service in disputes.
	#[pallet::storage]
	pub type PastSigners<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ServiceId,
		BoundedVec<T::AccountId, ConstU32<MAX_PAST_SIGNERS>>,
		ValueQuery,
	>;

	/// The last block at which a receipt settled by each service can still be disputed;
	/// its bond stays until then.
	#[pallet::storage]
	pub type DisputableUntil<T: Config> = StorageMap<_, Twox64Concat, ServiceId, BlockNumberFor<T>>;

	/// Requests already slashed for, by (service, user, nonce), with the block of the
	/// slash. Kept when the receipt's record is reaped, so a request is slashed once.
	#[pallet::storage]
	pub type Slashed<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, ServiceId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Twox64Concat, RequestNonce>,
		),
		BlockNumberFor<T>,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A provider registered a service.
		ServiceRegistered {
			id: ServiceId,
			provider: T::AccountId,
			kind: ServiceKind,
			bond: BalanceOf<T>,
		},
		/// A provider changed a service's endpoint, prices or key.
		ServiceUpdated { id: ServiceId },
		/// A service retired; its bond is withdrawable from `until`.
		ServiceRetired { id: ServiceId, until: BlockNumberFor<T> },
		/// A retired service's bond was released and the service removed.
		BondWithdrawn { id: ServiceId, amount: BalanceOf<T> },
		/// A user added funds to their ledger.
		Deposited { user: T::AccountId, amount: BalanceOf<T> },
		/// A user took funds out of their ledger.
		Withdrawn { user: T::AccountId, amount: BalanceOf<T> },
		/// A user moved ledger funds to a provider's sub-account.
		Funded { user: T::AccountId, provider: T::AccountId, amount: BalanceOf<T> },
		/// A user asked funds back from a sub-account; they unlock at `unlock`.
		RefundRequested {
			user: T::AccountId,
			provider: T::AccountId,
			amount: BalanceOf<T>,
			unlock: BlockNumberFor<T>,
		},
		/// A pending refund returned to the ledger.
		Refunded { user: T::AccountId, provider: T::AccountId, amount: BalanceOf<T> },
		/// One receipt of a settlement, and what became of it.
		ReceiptProcessed {
			provider: T::AccountId,
			user: T::AccountId,
			service: ServiceId,
			nonce: RequestNonce,
			outcome: ReceiptOutcome,
			fee: BalanceOf<T>,
		},
		/// A settlement finished: how many receipts settled and the total paid.
		BatchSettled { provider: T::AccountId, settled: u32, rejected: u32, total: BalanceOf<T> },
		/// A dispute was proven; part of the bond went to the user.
		ProviderSlashed {
			id: ServiceId,
			provider: T::AccountId,
			user: T::AccountId,
			nonce: RequestNonce,
			amount: BalanceOf<T>,
		},
		/// An expired settled-receipt record was removed.
		ReceiptReaped { provider: T::AccountId, user: T::AccountId, nonce: RequestNonce },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Name, model and endpoint must not be empty.
		EmptyField,
		/// The bond is below `MinServiceBond`.
		BondTooLow,
		/// The provider runs `MaxServicesPerProvider` services already.
		TooManyServices,
		/// No service has this id.
		UnknownService,
		/// Only the service's provider may do this.
		NotServiceProvider,
		/// The service is retiring.
		ServiceRetiring,
		/// The service is not retiring.
		NotRetiring,
		/// The retirement period has not passed.
		StillRetiring,
		/// A first deposit must be at least `MinDeposit`; amounts must not be zero.
		AmountTooSmall,
		/// The user has no ledger.
		NoLedger,
		/// The ledger's available funds are too low.
		InsufficientLedger,
		/// The provider runs no service.
		UnknownProvider,
		/// The user has no sub-account with this provider.
		NoSubAccount,
		/// The sub-account's balance is too low.
		InsufficientSubAccount,
		/// No refund is pending.
		NoPendingRefund,
		/// The refund is still locked.
		RefundLocked,
		/// A signature does not verify against the service's key.
		BadSignature,
		/// The statements do not concern one request, or nothing was settled for it.
		NothingToDispute,
		/// The statement agrees with what was settled, or the two statements agree.
		NoContradiction,
		/// This request was slashed for already.
		AlreadySlashed,
		/// The dispute window of the record has passed.
		DisputeWindowPassed,
		/// The record is still within its dispute window.
		NotExpired,
		/// No record.
		UnknownReceipt,
		/// An amount overflowed.
		Overflow,
		/// The service rotated its response key `MAX_PAST_SIGNERS` times already.
		TooManyKeyRotations,
		/// A receipt the service settled can still be disputed; the bond stays until then.
		DisputesOpen,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a service with a bond held from the caller, who becomes its provider.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_service())]
		pub fn register_service(
			origin: OriginFor<T>,
			kind: ServiceKind,
			name: TextOf<T>,
			model: TextOf<T>,
			endpoint: TextOf<T>,
			input_price: BalanceOf<T>,
			output_price: BalanceOf<T>,
			signer: T::AccountId,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_register_service(
				provider,
				kind,
				name,
				model,
				endpoint,
				input_price,
				output_price,
				signer,
				bond,
			)
		}

		/// Changes an active service's endpoint, prices and response key. New prices
		/// apply to receipts settled from now on, within what each user signed for.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_service().saturating_add(T::DbWeight::get().reads_writes(1, 1)))]
		pub fn update_service(
			origin: OriginFor<T>,
			id: ServiceId,
			endpoint: TextOf<T>,
			input_price: BalanceOf<T>,
			output_price: BalanceOf<T>,
			signer: T::AccountId,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_update_service(provider, id, endpoint, input_price, output_price, signer)
		}

		/// Retires a service: it settles what it served but takes no new funding; the
		/// bond is withdrawable after `RetirementPeriod`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::retire_service())]
		pub fn retire_service(origin: OriginFor<T>, id: ServiceId) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_retire_service(provider, id)
		}

		/// Releases a retired service's remaining bond and removes the service.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_bond().saturating_add(T::DbWeight::get().reads_writes(1, 2)))]
		pub fn withdraw_bond(origin: OriginFor<T>, id: ServiceId) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_withdraw_bond(provider, id)
		}

		/// Adds funds to the caller's ledger (held from their balance). The first
		/// deposit, which opens the ledger, must be at least `MinDeposit`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let user = ensure_signed(origin)?;
			Self::do_deposit(user, amount)
		}

		/// Takes available ledger funds back to the caller's free balance.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let user = ensure_signed(origin)?;
			Self::do_withdraw(user, amount)
		}

		/// Moves ledger funds to the caller's sub-account with `provider`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::fund())]
		pub fn fund(
			origin: OriginFor<T>,
			provider: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let user = ensure_signed(origin)?;
			Self::do_fund(user, provider, amount)
		}

		/// Asks `amount` back from the sub-account with `provider`; it returns to the
		/// ledger with [`Pallet::complete_refund`] after `RefundLock` blocks (the lock
		/// restarts for everything pending). Until then it still pays settlement.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::request_refund())]
		pub fn request_refund(
			origin: OriginFor<T>,
			provider: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let user = ensure_signed(origin)?;
			Self::do_request_refund(user, provider, amount)
		}

		/// Returns an unlocked pending refund to the caller's ledger.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::complete_refund())]
		pub fn complete_refund(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
			let user = ensure_signed(origin)?;
			Self::do_complete_refund(user, provider)
		}

		/// Settles a batch of receipts for services the caller provides. Each receipt is
		/// checked and settled on its own and reported in a `ReceiptProcessed` event;
		/// the call fails only on an empty batch.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::settle(receipts.len() as u32).saturating_add(
			T::DbWeight::get().reads_writes(receipts.len() as u64, receipts.len() as u64)
		))]
		pub fn settle(origin: OriginFor<T>, receipts: ReceiptsOf<T>) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_settle(provider, receipts)
		}

		/// Proves a provider misbehaved and slashes `DisputeSlash` of the service's bond
		/// to the user. Anyone may submit the proof.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::dispute().saturating_add(past_signers_weight::<T>()))]
		pub fn dispute(origin: OriginFor<T>, proof: Box<DisputeProofOf<T>>) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_dispute(*proof)
		}

		/// Removes a settled-receipt record whose dispute window has passed (anyone may;
		/// it keeps state bounded).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::reap_receipt())]
		pub fn reap_receipt(
			origin: OriginFor<T>,
			provider: T::AccountId,
			user: T::AccountId,
			nonce: RequestNonce,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_reap_receipt(provider, user, nonce)
		}
	}
}
