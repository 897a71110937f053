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
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

extern crate alloc;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{frame_support, frame_system, sp_core::H256, sp_runtime};
use scale_info::TypeInfo;

/// Identifier of a service.
pub type ServiceId = u64;

/// A user's request counter towards one provider.
pub type RequestNonce = u64;

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

/// Domain tag of a user's signed request.
pub const REQUEST_TAG: &[u8; 24] = b"zerog/compute/request/v1";
/// Domain tag of a provider's signed response.
pub const RESPONSE_TAG: &[u8; 25] = b"zerog/compute/response/v1";

/// What a service serves.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ServiceKind {
	/// `/v1/chat/completions`.
	Chat,
	/// `/v1/embeddings`.
	Embeddings,
}

/// Whether a service takes requests.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub enum ServiceStatus<BlockNumber> {
	/// Serving.
	Active,
	/// Retired; the bond is withdrawable from block `until`.
	Retiring {
		/// First block at which the bond can be withdrawn.
		until: BlockNumber,
	},
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

/// A service as the runtime API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ServiceInfo<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: ServiceId,
	/// The provider.
	pub provider: AccountId,
	/// Chat or embeddings.
	pub kind: ServiceKind,
	/// Its name.
	pub name: alloc::vec::Vec<u8>,
	/// The model served.
	pub model: alloc::vec::Vec<u8>,
	/// The OpenAI-compatible endpoint.
	pub endpoint: alloc::vec::Vec<u8>,
	/// Price per input token.
	pub input_price: Balance,
	/// Price per output token.
	pub output_price: Balance,
	/// The key that signs responses.
	pub signer: AccountId,
	/// Bond held.
	pub bond: Balance,
	/// Serving or retiring.
	pub status: ServiceStatus<BlockNumber>,
}

/// A user's ledger as the runtime API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct LedgerInfo<AccountId, Balance, BlockNumber> {
	/// Funds not assigned to a provider.
	pub available: Balance,
	/// Sub-accounts by provider.
	pub sub_accounts: alloc::vec::Vec<(AccountId, SubAccount<Balance, BlockNumber>)>,
}

/// What a user signs before a provider serves a request.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Request<AccountId, Balance> {
	/// Who pays.
	pub user: AccountId,
	/// The service asked.
	pub service: ServiceId,
	/// Strictly increasing per user and provider.
	pub nonce: RequestNonce,
	/// Hash of the request body as sent.
	pub request_hash: H256,
	/// The most the user pays for this request.
	pub max_fee: Balance,
}

/// A receipt a provider settles: the user's signed request and what was served.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Receipt<AccountId, Balance, Signature> {
	/// The request as the user signed it.
	pub request: Request<AccountId, Balance>,
	/// The user's signature over [`Pallet::request_payload`].
	pub user_signature: Signature,
	/// Input tokens metered.
	pub input_tokens: u32,
	/// Output tokens metered.
	pub output_tokens: u32,
	/// Hash of the response body served.
	pub response_hash: H256,
}

/// What a provider's key signs with every response.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct ResponseStatement<AccountId> {
	/// Who asked.
	pub user: AccountId,
	/// The service that answered.
	pub service: ServiceId,
	/// The request's nonce.
	pub nonce: RequestNonce,
	/// Hash of the request body.
	pub request_hash: H256,
	/// Hash of the response body.
	pub response_hash: H256,
	/// Input tokens metered.
	pub input_tokens: u32,
	/// Output tokens metered.
	pub output_tokens: u32,
}

/// Evidence that a provider misbehaved.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum DisputeProof<AccountId, Signature> {
	/// A signed response that contradicts the receipt settled for its nonce.
	Contradiction {
		/// The statement.
		statement: ResponseStatement<AccountId>,
		/// The service signer's signature over it.
		signature: Signature,
	},
	/// Two different signed responses for the same request nonce.
	Equivocation {
		/// One statement.
		first: ResponseStatement<AccountId>,
		/// Its signature.
		first_signature: Signature,
		/// Another for the same user, service and nonce.
		second: ResponseStatement<AccountId>,
		/// Its signature.
		second_signature: Signature,
	},
}

/// What settlement did with one receipt.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ReceiptOutcome {
	/// The fee moved to the provider.
	Settled,
	/// The service does not exist.
	UnknownService,
	/// The service belongs to another provider.
	NotServiceProvider,
	/// The user's signature does not verify.
	BadSignature,
	/// The nonce is not above the last settled one (replayed or out of order).
	StaleNonce,
	/// The metered fee exceeds what the user signed for, or overflows.
	OverBudget,
	/// The user's sub-account cannot pay the fee.
	InsufficientFunds,
}

/// A user's funds with one provider.
#[derive(
	Clone,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SubAccount<Balance, BlockNumber> {
	/// Available for settlement.
	pub balance: Balance,
	/// Asked back; still pays settlement until it returns to the ledger.
	pub pending_refund: Balance,
	/// When the pending refund can be completed.
	pub refund_unlock: BlockNumber,
	/// The last settled request nonce; the next must be above it.
	pub last_nonce: RequestNonce,
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
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Restriction},
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{CheckedAdd, CheckedMul, IdentifyAccount, Saturating, Verify, Zero},
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
			ensure!(
				!name.is_empty() && !model.is_empty() && !endpoint.is_empty(),
				Error::<T>::EmptyField
			);
			ensure!(bond >= T::MinServiceBond::get(), Error::<T>::BondTooLow);
			let count = ServiceCount::<T>::get(&provider);
			ensure!(count < T::MaxServicesPerProvider::get(), Error::<T>::TooManyServices);
			let id = NextServiceId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			T::Currency::hold(&HoldReason::ServiceBond.into(), &provider, bond)?;
			Services::<T>::insert(
				id,
				Service {
					provider: provider.clone(),
					kind,
					name,
					model,
					endpoint,
					input_price,
					output_price,
					signer,
					bond,
					status: ServiceStatus::Active,
				},
			);
			ServiceCount::<T>::insert(&provider, count + 1);
			NextServiceId::<T>::put(next);
			Self::deposit_event(Event::ServiceRegistered { id, provider, kind, bond });
			Ok(())
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
			ensure!(!endpoint.is_empty(), Error::<T>::EmptyField);
			Services::<T>::try_mutate(id, |service| -> DispatchResult {
				let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
				ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
				ensure!(service.status == ServiceStatus::Active, Error::<T>::ServiceRetiring);
				service.endpoint = endpoint;
				service.input_price = input_price;
				service.output_price = output_price;
				if service.signer != signer {
					// The old key stays the service's: what it signed can still be disputed.
					PastSigners::<T>::try_mutate(id, |past| {
						if !past.contains(&service.signer) {
							past.try_push(service.signer.clone())
								.map_err(|_| Error::<T>::TooManyKeyRotations)?;
						}
						Ok::<_, Error<T>>(())
					})?;
					service.signer = signer;
				}
				Ok(())
			})?;
			Self::deposit_event(Event::ServiceUpdated { id });
			Ok(())
		}

		/// Retires a service: it settles what it served but takes no new funding; the
		/// bond is withdrawable after `RetirementPeriod`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::retire_service())]
		pub fn retire_service(origin: OriginFor<T>, id: ServiceId) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			let until = frame_system::Pallet::<T>::block_number()
				.saturating_add(T::RetirementPeriod::get().max(T::DisputeWindow::get()));
			Services::<T>::try_mutate(id, |service| -> DispatchResult {
				let service = service.as_mut().ok_or(Error::<T>::UnknownService)?;
				ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
				ensure!(service.status == ServiceStatus::Active, Error::<T>::ServiceRetiring);
				service.status = ServiceStatus::Retiring { until };
				Ok(())
			})?;
			Self::deposit_event(Event::ServiceRetired { id, until });
			Ok(())
		}

		/// Releases a retired service's remaining bond and removes the service.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_bond().saturating_add(T::DbWeight::get().reads_writes(1, 2)))]
		pub fn withdraw_bond(origin: OriginFor<T>, id: ServiceId) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			let service = Services::<T>::get(id).ok_or(Error::<T>::UnknownService)?;
			ensure!(service.provider == provider, Error::<T>::NotServiceProvider);
			let ServiceStatus::Retiring { until } = service.status else {
				return Err(Error::<T>::NotRetiring.into());
			};
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now >= until, Error::<T>::StillRetiring);
			ensure!(
				DisputableUntil::<T>::get(id).is_none_or(|last| now > last),
				Error::<T>::DisputesOpen
			);
			let amount = T::Currency::release(
				&HoldReason::ServiceBond.into(),
				&provider,
				service.bond,
				Precision::BestEffort,
			)?;
			Services::<T>::remove(id);
			PastSigners::<T>::remove(id);
			DisputableUntil::<T>::remove(id);
			ServiceCount::<T>::mutate(&provider, |c| *c = c.saturating_sub(1));
			Self::deposit_event(Event::BondWithdrawn { id, amount });
			Ok(())
		}

		/// Adds funds to the caller's ledger (held from their balance). The first
		/// deposit, which opens the ledger, must be at least `MinDeposit`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let user = ensure_signed(origin)?;
			let current = Ledgers::<T>::get(&user);
			let least = if current.is_some() { 1u32.into() } else { T::MinDeposit::get() };
			ensure!(!amount.is_zero() && amount >= least, Error::<T>::AmountTooSmall);
			let available =
				current.unwrap_or_default().checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			T::Currency::hold(&HoldReason::Ledger.into(), &user, amount)?;
			Ledgers::<T>::insert(&user, available);
			Self::deposit_event(Event::Deposited { user, amount });
			Ok(())
		}

		/// Takes available ledger funds back to the caller's free balance.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let user = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::AmountTooSmall);
			let available = Ledgers::<T>::get(&user).ok_or(Error::<T>::NoLedger)?;
			ensure!(available >= amount, Error::<T>::InsufficientLedger);
			T::Currency::release(&HoldReason::Ledger.into(), &user, amount, Precision::Exact)?;
			Ledgers::<T>::insert(&user, available - amount);
			Self::deposit_event(Event::Withdrawn { user, amount });
			Ok(())
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
			ensure!(!amount.is_zero(), Error::<T>::AmountTooSmall);
			ensure!(ServiceCount::<T>::get(&provider) > 0, Error::<T>::UnknownProvider);
			let available = Ledgers::<T>::get(&user).ok_or(Error::<T>::NoLedger)?;
			ensure!(available >= amount, Error::<T>::InsufficientLedger);
			let mut sub = SubAccounts::<T>::get(&user, &provider).unwrap_or_default();
			sub.balance = sub.balance.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			SubAccounts::<T>::insert(&user, &provider, sub);
			Ledgers::<T>::insert(&user, available - amount);
			Self::deposit_event(Event::Funded { user, provider, amount });
			Ok(())
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
			ensure!(!amount.is_zero(), Error::<T>::AmountTooSmall);
			let unlock =
				frame_system::Pallet::<T>::block_number().saturating_add(T::RefundLock::get());
			SubAccounts::<T>::try_mutate(&user, &provider, |sub| -> DispatchResult {
				let sub = sub.as_mut().ok_or(Error::<T>::NoSubAccount)?;
				ensure!(sub.balance >= amount, Error::<T>::InsufficientSubAccount);
				sub.balance -= amount;
				sub.pending_refund =
					sub.pending_refund.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
				sub.refund_unlock = unlock;
				Ok(())
			})?;
			Self::deposit_event(Event::RefundRequested { user, provider, amount, unlock });
			Ok(())
		}

		/// Returns an unlocked pending refund to the caller's ledger.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::complete_refund())]
		pub fn complete_refund(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
			let user = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let amount = SubAccounts::<T>::try_mutate(
				&user,
				&provider,
				|sub| -> Result<BalanceOf<T>, DispatchError> {
					let sub = sub.as_mut().ok_or(Error::<T>::NoSubAccount)?;
					ensure!(!sub.pending_refund.is_zero(), Error::<T>::NoPendingRefund);
					ensure!(now >= sub.refund_unlock, Error::<T>::RefundLocked);
					Ok(core::mem::take(&mut sub.pending_refund))
				},
			)?;
			let available = Ledgers::<T>::get(&user).unwrap_or_default();
			Ledgers::<T>::insert(
				&user,
				available.checked_add(&amount).ok_or(Error::<T>::Overflow)?,
			);
			Self::deposit_event(Event::Refunded { user, provider, amount });
			Ok(())
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
			ensure!(!receipts.is_empty(), Error::<T>::AmountTooSmall);
			let expires =
				frame_system::Pallet::<T>::block_number().saturating_add(T::DisputeWindow::get());
			let mut settled = 0u32;
			let mut total = BalanceOf::<T>::zero();
			for receipt in receipts.iter() {
				let (outcome, fee) = match Self::settle_one(&provider, receipt, expires) {
					Ok(fee) => (ReceiptOutcome::Settled, fee),
					Err(outcome) => (outcome, Zero::zero()),
				};
				if outcome == ReceiptOutcome::Settled {
					settled += 1;
					total = total.saturating_add(fee);
				}
				Self::deposit_event(Event::ReceiptProcessed {
					provider: provider.clone(),
					user: receipt.request.user.clone(),
					service: receipt.request.service,
					nonce: receipt.request.nonce,
					outcome,
					fee,
				});
			}
			let rejected = receipts.len() as u32 - settled;
			Self::deposit_event(Event::BatchSettled { provider, settled, rejected, total });
			Ok(())
		}

		/// Proves a provider misbehaved and slashes `DisputeSlash` of the service's bond
		/// to the user. Anyone may submit the proof.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::dispute().saturating_add(past_signers_weight::<T>()))]
		pub fn dispute(origin: OriginFor<T>, proof: DisputeProofOf<T>) -> DispatchResult {
			ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let statement = match &proof {
				DisputeProof::Contradiction { statement, signature } => {
					let service =
						Services::<T>::get(statement.service).ok_or(Error::<T>::UnknownService)?;
					Self::check_statement(statement.service, &service, statement, signature)?;
					let record =
						Settled::<T>::get((&service.provider, &statement.user, statement.nonce))
							.filter(|r| r.service == statement.service)
							.ok_or(Error::<T>::NothingToDispute)?;
					ensure!(now <= record.expires, Error::<T>::DisputeWindowPassed);
					let agrees = record.request_hash == statement.request_hash
						&& record.response_hash == statement.response_hash
						&& record.input_tokens == statement.input_tokens
						&& record.output_tokens == statement.output_tokens;
					ensure!(!agrees, Error::<T>::NoContradiction);
					statement
				}
				DisputeProof::Equivocation { first, first_signature, second, second_signature } => {
					ensure!(
						first.user == second.user
							&& first.service == second.service
							&& first.nonce == second.nonce,
						Error::<T>::NothingToDispute
					);
					ensure!(first != second, Error::<T>::NoContradiction);
					let service =
						Services::<T>::get(first.service).ok_or(Error::<T>::UnknownService)?;
					Self::check_statement(first.service, &service, first, first_signature)?;
					Self::check_statement(first.service, &service, second, second_signature)?;
					first
				}
			};
			let key = (statement.service, statement.user.clone(), statement.nonce);
			ensure!(!Slashed::<T>::contains_key(&key), Error::<T>::AlreadySlashed);
			let service =
				Services::<T>::get(statement.service).ok_or(Error::<T>::UnknownService)?;
			let amount = T::DisputeSlash::get() * service.bond;
			let moved = T::Currency::transfer_on_hold(
				&HoldReason::ServiceBond.into(),
				&service.provider,
				&statement.user,
				amount,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
			Services::<T>::mutate(statement.service, |s| {
				if let Some(s) = s {
					s.bond = s.bond.saturating_sub(moved);
				}
			});
			Slashed::<T>::insert(&key, now);
			Self::deposit_event(Event::ProviderSlashed {
				id: statement.service,
				provider: service.provider,
				user: statement.user.clone(),
				nonce: statement.nonce,
				amount: moved,
			});
			Ok(())
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
			let record =
				Settled::<T>::get((&provider, &user, nonce)).ok_or(Error::<T>::UnknownReceipt)?;
			ensure!(
				frame_system::Pallet::<T>::block_number() > record.expires,
				Error::<T>::NotExpired
			);
			Settled::<T>::remove((&provider, &user, nonce));
			Self::deposit_event(Event::ReceiptReaped { provider, user, nonce });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The bytes a user signs for a request: tag, genesis hash, request.
		pub fn request_payload(request: &RequestOf<T>) -> alloc::vec::Vec<u8> {
			(
				REQUEST_TAG,
				frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
				request,
			)
				.encode()
		}

		/// The bytes a provider's key signs for a response: tag, genesis hash, statement.
		pub fn response_payload(statement: &StatementOf<T>) -> alloc::vec::Vec<u8> {
			(
				RESPONSE_TAG,
				frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
				statement,
			)
				.encode()
		}

		/// The fee of a receipt at a service's prices, if it does not overflow.
		pub fn metered_fee(
			service: &ServiceOf<T>,
			input: u32,
			output: u32,
		) -> Option<BalanceOf<T>> {
			let input = service.input_price.checked_mul(&BalanceOf::<T>::from(input))?;
			let output = service.output_price.checked_mul(&BalanceOf::<T>::from(output))?;
			input.checked_add(&output)
		}

		/// The fee of `input` and `output` tokens at a service's current prices.
		pub fn fee_of(service: ServiceId, input: u32, output: u32) -> Option<BalanceOf<T>> {
			Self::metered_fee(&Services::<T>::get(service)?, input, output)
		}

		/// Whether `signature` over `statement` is by the service's key, or by one of its
		/// earlier keys (a rotation does not make what a key signed deniable).
		fn check_statement(
			id: ServiceId,
			service: &ServiceOf<T>,
			statement: &StatementOf<T>,
			signature: &T::Signature,
		) -> DispatchResult {
			let payload = Self::response_payload(statement);
			let by_current = signature.verify(&payload[..], &service.signer);
			ensure!(
				by_current
					|| PastSigners::<T>::get(id)
						.iter()
						.any(|key| signature.verify(&payload[..], key)),
				Error::<T>::BadSignature
			);
			Ok(())
		}

		/// Checks one receipt and, if it holds, pays its fee. Touches nothing when it
		/// does not.
		fn settle_one(
			provider: &T::AccountId,
			receipt: &ReceiptOf<T>,
			expires: BlockNumberFor<T>,
		) -> Result<BalanceOf<T>, ReceiptOutcome> {
			let request = &receipt.request;
			let service =
				Services::<T>::get(request.service).ok_or(ReceiptOutcome::UnknownService)?;
			if &service.provider != provider {
				return Err(ReceiptOutcome::NotServiceProvider);
			}
			let payload = Self::request_payload(request);
			if !receipt.user_signature.verify(&payload[..], &request.user) {
				return Err(ReceiptOutcome::BadSignature);
			}
			let mut sub = SubAccounts::<T>::get(&request.user, provider)
				.ok_or(ReceiptOutcome::InsufficientFunds)?;
			if request.nonce <= sub.last_nonce {
				return Err(ReceiptOutcome::StaleNonce);
			}
			let fee = Self::metered_fee(&service, receipt.input_tokens, receipt.output_tokens)
				.filter(|fee| *fee <= request.max_fee)
				.ok_or(ReceiptOutcome::OverBudget)?;
			let available = sub.balance.saturating_add(sub.pending_refund);
			if fee > available {
				return Err(ReceiptOutcome::InsufficientFunds);
			}
			if !fee.is_zero() {
				let on_hold =
					T::Currency::balance_on_hold(&HoldReason::Ledger.into(), &request.user);
				if on_hold < fee {
					return Err(ReceiptOutcome::InsufficientFunds);
				}
				T::Currency::transfer_on_hold(
					&HoldReason::Ledger.into(),
					&request.user,
					provider,
					fee,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)
				.map_err(|_| ReceiptOutcome::InsufficientFunds)?;
			}
			// Take from the balance first, then from what waits for refund.
			let from_balance = fee.min(sub.balance);
			sub.balance -= from_balance;
			sub.pending_refund -= fee - from_balance;
			sub.last_nonce = request.nonce;
			SubAccounts::<T>::insert(&request.user, provider, sub);
			DisputableUntil::<T>::mutate(request.service, |last| {
				*last = Some(last.map_or(expires, |l| l.max(expires)));
			});
			Settled::<T>::insert(
				(provider, &request.user, request.nonce),
				SettledReceipt {
					service: request.service,
					request_hash: request.request_hash,
					response_hash: receipt.response_hash,
					input_tokens: receipt.input_tokens,
					output_tokens: receipt.output_tokens,
					fee,
					expires,
				},
			);
			Ok(fee)
		}

		/// Every service, for the runtime API.
		pub fn services(
		) -> alloc::vec::Vec<ServiceInfo<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
			Services::<T>::iter()
				.map(|(id, s)| ServiceInfo {
					id,
					provider: s.provider,
					kind: s.kind,
					name: s.name.into_inner(),
					model: s.model.into_inner(),
					endpoint: s.endpoint.into_inner(),
					input_price: s.input_price,
					output_price: s.output_price,
					signer: s.signer,
					bond: s.bond,
					status: s.status,
				})
				.collect()
		}

		/// A user's ledger and sub-accounts, for the runtime API.
		pub fn ledger(
			user: &T::AccountId,
		) -> Option<LedgerInfo<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
			let available = Ledgers::<T>::get(user)?;
			Some(LedgerInfo {
				available,
				sub_accounts: SubAccounts::<T>::iter_prefix(user).collect(),
			})
		}
	}
}
