//! # DA commitments pallet
//!
//! The on-chain half of ZeroG data availability (0G DA). A blob is laid out and
//! committed as `zerog-da-primitives` describes: rows of 4096 field elements, one KZG
//! commitment per row, each row extended to [`COLUMNS`] cells.
//!
//! - **Signers.** A DA signer registers with a bond (held) and the key it signs
//!   attestations with. Leaving takes effect at the next epoch; the bond is released
//!   once the signer is in no quorum that still has blobs in flight
//!   ([`Config::UnbondingEpochs`] later).
//! - **Epochs and quorums.** An epoch lasts [`Config::EpochLength`] blocks, read when it
//!   starts ([`NextEpochAt`] holds the block the next one starts at), so a runtime that
//!   reads the length from a governed parameter changes it from the next epoch on and
//!   never cuts the running one short. When an epoch starts its quorum is drawn: the [`COLUMNS`] columns are shared out among the registered
//!   signers in proportion to their bonds (largest remainders, ties by account order);
//!   signer `i` of the quorum holds the next `columns` columns after signer `i - 1`.
//! - **Blobs.** `submit(size, commitments)` checks the shape (size within the limit, one
//!   commitment per row), takes a fee of [`Config::PricePerByte`] per byte into the
//!   pallet's account and records the blob as *processing* under the current epoch's
//!   quorum, with a deadline [`Config::AttestationWindow`] blocks away.
//! - **Attestations.** A quorum member that checked its columns' cells against the
//!   commitments signs `(tag, genesis, blob id, commitments root, size, epoch)` with its
//!   key and submits it. The chain verifies the signature, that the epoch is the blob's,
//!   that the signer is in that quorum and has not attested yet. Once signers holding
//!   at least two thirds of the columns have attested, the blob is *confirmed* and its
//!   fee is paid to those signers in proportion to their columns. A blob still
//!   processing at its deadline *fails* (insufficient signatures) and its fee goes back
//!   to the submitter.
//!
//!   A part of the fee ([`Config::ChallengeShare`]) goes to the challenge reward pool.
//! - **Sampling challenges.** Every [`Config::ChallengePeriod`] blocks the chain draws a
//!   confirmed blob still in retention ([`Config::RetentionEpochs`]), one of its
//!   attesters and a cell of a column that attester holds. The attester (or anyone on
//!   its behalf) answers with the cell and its KZG proof, which the chain checks against
//!   the row's commitment with the [`zerog_da_primitives::kzg`] host function, within
//!   [`Config::ChallengeWindow`] blocks: an answer earns [`Config::ChallengeReward`]
//!   from the pool, silence costs [`Config::ChallengeSlash`] of the bond, which goes to
//!   the pool. A draw that lands on a blob that cannot be challenged (failed, still
//!   processing) tries again with a fresh id, up to [`Config::ChallengeProbes`] times,
//!   so failed blobs do not thin out the sampling. The draw uses the parent block hash:
//!   a block author could bias which blob is drawn, never make a missing cell verify.
//! - **Retention.** Once a blob's quorum is out of retention nobody is challenged on it
//!   and signers drop its cells; the chain drops its row commitments too, at most
//!   [`Config::MaxPrunedPerBlock`] blobs a block, and keeps the blob's record (status,
//!   root, size, attesters). A blob with an open challenge keeps its commitments until
//!   the challenge closes, so every challenge stays answerable, and a signer with an
//!   open challenge cannot withdraw its bond.
//! - **Registry.** At most [`Config::MaxSigners`] signers are active. When it is full, a
//!   new signer must bond more than the lowest active bond, and displaces it: the
//!   displaced signer leaves from the next epoch and unbonds as if it had left. Leaving
//!   signers still count against a hard cap of twice `MaxSigners` registrations, so the
//!   registry, and the quorum draw that reads it, stay bounded.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod blobs;
mod challenge;
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
mod payout;
mod quorum;
mod registry;
#[cfg(test)]
mod tests;
pub mod weights;

extern crate alloc;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{frame_support, frame_system, sp_runtime};
use scale_info::TypeInfo;
pub use zerog_da_primitives::{
	signing_payload, Attestation, BlobId, BlobInfo, BlobStatus, CellProof, Challenge, ChallengeId,
	Commitment, CommitmentsRoot, EpochIndex, QuorumSigner, QuorumView, ATTESTATION_TAG, CELL_BYTES,
	COLUMNS,
};
pub use zerog_pallet_bond::BondState;

/// A registered DA signer.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct SignerInfo<AccountId, Balance, Endpoint> {
	/// The key attestations are signed with.
	pub key: AccountId,
	/// Held bond.
	pub bond: Balance,
	/// Where it serves cells.
	pub endpoint: Endpoint,
	/// Serving, or leaving: an unbonding signer joins no quorum drawn after it asked to
	/// leave, and its bond is withdrawable from epoch `until` (the epoch it left plus
	/// [`Config::UnbondingEpochs`]).
	pub status: BondState<EpochIndex>,
}

/// One quorum member: a signer and how many columns it holds.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct QuorumMember<AccountId> {
	/// The signer account.
	pub signer: AccountId,
	/// Its signing key for this epoch.
	pub key: AccountId,
	/// Columns it holds: the `columns` after those of the members before it.
	pub columns: u16,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;

	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{IdentifyAccount, Saturating, Verify, Zero},
		Perbill,
	};

	/// The balance type of the currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// An endpoint URL.
	pub type EndpointOf<T> = BoundedVec<u8, <T as Config>::MaxEndpointLen>;
	/// A signer of this runtime.
	pub type SignerOf<T> =
		SignerInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, EndpointOf<T>>;
	/// A quorum of this runtime.
	pub type QuorumOf<T> =
		BoundedVec<QuorumMember<<T as frame_system::Config>::AccountId>, <T as Config>::MaxSigners>;
	/// A blob of this runtime.
	pub type BlobOf<T> = BlobInfo<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxSigners>,
	>;
	/// The row commitments of a submission.
	pub type CommitmentsOf<T> = BoundedVec<Commitment, <T as Config>::MaxRows>;
	/// A challenge of this runtime.
	pub type ChallengeOf<T> = Challenge<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	/// The pallet's account, which holds fees until they are paid or refunded.
	/// The layout of this pallet's storage; [`migrations`] moves older layouts to it.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency of fees and bonds.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// The pallet's account id seed; fees in flight and the challenge pool are kept there.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// Attestation signatures, verified against signing keys.
		type Signature: Parameter + Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>>;
		/// Least bond of a signer.
		#[pallet::constant]
		type MinSignerBond: Get<BalanceOf<Self>>;
		/// Blocks per epoch, read as each epoch starts (zero counts as one).
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;
		/// Blocks a blob waits for attestations.
		#[pallet::constant]
		type AttestationWindow: Get<BlockNumberFor<Self>>;
		/// Epochs after leaving before a signer's bond is released.
		#[pallet::constant]
		type UnbondingEpochs: Get<EpochIndex>;
		/// Fee per blob byte.
		#[pallet::constant]
		type PricePerByte: Get<BalanceOf<Self>>;
		/// Blocks between sampling challenges.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;
		/// Blocks a challenged signer has to answer.
		#[pallet::constant]
		type ChallengeWindow: Get<BlockNumberFor<Self>>;
		/// Paid from the pool for an answered challenge.
		#[pallet::constant]
		type ChallengeReward: Get<BalanceOf<Self>>;
		/// Taken from the bond for an unanswered challenge.
		#[pallet::constant]
		type ChallengeSlash: Get<BalanceOf<Self>>;
		/// Part of each confirmed blob's fee that goes to the challenge reward pool.
		#[pallet::constant]
		type ChallengeShare: Get<Perbill>;
		/// Epochs a quorum's blobs stay challengeable (signers keep their cells as long).
		#[pallet::constant]
		type RetentionEpochs: Get<EpochIndex>;
		/// Most signers registered (and in a quorum).
		#[pallet::constant]
		type MaxSigners: Get<u32>;
		/// Most rows of a blob (`zerog_da_primitives::MAX_ROWS`).
		#[pallet::constant]
		type MaxRows: Get<u32>;
		/// Most blobs whose windows end in one block.
		#[pallet::constant]
		type MaxBlobsPerBlock: Get<u32>;
		/// Longest endpoint URL.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;
		/// Most blobs out of retention whose commitments are dropped in one block.
		#[pallet::constant]
		type MaxPrunedPerBlock: Get<u32>;
		/// Blob ids a challenge draw tries before giving up for the period: a draw that
		/// lands on a failed, pending or unattested blob tries again with a fresh id.
		#[pallet::constant]
		type ChallengeProbes: Get<u32>;
		/// Where challenge draws come from: fresh each block and not choosable by its
		/// author (BABE's parent-block VRF output in the runtime). `None` (no
		/// randomness yet, at the chain's start) issues no challenge.
		type Randomness: frame_support::traits::Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;
		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A DA signer's bond.
		SignerBond,
	}

	/// Registered signers.
	#[pallet::storage]
	pub type Signers<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, SignerOf<T>>;

	/// The current epoch.
	#[pallet::storage]
	pub type CurrentEpoch<T> = StorageValue<_, EpochIndex, ValueQuery>;

	/// The block the next epoch starts at: the current epoch's first block plus the
	/// [`Config::EpochLength`] read then.
	#[pallet::storage]
	pub type NextEpochAt<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Quorums by epoch (kept while their blobs may still be attested).
	#[pallet::storage]
	pub type Quorums<T: Config> = StorageMap<_, Twox64Concat, EpochIndex, QuorumOf<T>>;

	/// The next blob's id.
	#[pallet::storage]
	pub type NextBlobId<T> = StorageValue<_, BlobId, ValueQuery>;

	/// Blobs by id.
	#[pallet::storage]
	pub type Blobs<T: Config> = StorageMap<_, Twox64Concat, BlobId, BlobOf<T>>;

	/// Blobs whose attestation window ends at a block.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<BlobId, T::MaxBlobsPerBlock>,
		ValueQuery,
	>;

	/// Each blob's row commitments, for samplers and challenges.
	#[pallet::storage]
	pub type BlobCommitments<T: Config> = StorageMap<_, Twox64Concat, BlobId, CommitmentsOf<T>>;

	/// The first blob id of each retained epoch.
	#[pallet::storage]
	pub type EpochFirstBlob<T> = StorageMap<_, Twox64Concat, EpochIndex, BlobId>;

	/// Blobs below this id are out of retention and no longer challenged.
	#[pallet::storage]
	pub type ChallengeFloor<T> = StorageValue<_, BlobId, ValueQuery>;

	/// Blobs below this id have had their commitments dropped (it trails
	/// [`ChallengeFloor`] by at most a few blocks of pruning).
	#[pallet::storage]
	pub type PrunedBelow<T> = StorageValue<_, BlobId, ValueQuery>;

	/// The next challenge's id.
	#[pallet::storage]
	pub type NextChallengeId<T> = StorageValue<_, ChallengeId, ValueQuery>;

	/// Open challenges.
	#[pallet::storage]
	pub type Challenges<T: Config> = StorageMap<_, Twox64Concat, ChallengeId, ChallengeOf<T>>;

	/// The challenge whose window ends at a block (at most one is drawn per block).
	#[pallet::storage]
	pub type ChallengeDeadlines<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, ChallengeId>;

	/// Open challenges per signer (absent: none): its bond cannot be withdrawn meanwhile.
	#[pallet::storage]
	pub type OpenChallenges<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Open challenges per blob (absent: none): its commitments are not pruned meanwhile.
	#[pallet::storage]
	pub type ChallengedBlobs<T: Config> = StorageMap<_, Twox64Concat, BlobId, u32, ValueQuery>;

	/// Funds in the pallet account set aside for challenge rewards (fee shares and slashes).
	#[pallet::storage]
	pub type RewardPool<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Endows the pallet account with the existential deposit, so fees of any size can
	/// be paid into it.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let account = Pallet::<T>::account_id();
			if T::Currency::balance(&account).is_zero() {
				let _ = T::Currency::mint_into(&account, T::Currency::minimum_balance());
			}
			NextEpochAt::<T>::put(Pallet::<T>::epoch_length());
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A signer registered.
		SignerRegistered { signer: T::AccountId, key: T::AccountId, bond: BalanceOf<T> },
		/// A signer will leave quorums from `epoch` on.
		SignerLeaving { signer: T::AccountId, epoch: EpochIndex },
		/// A signer's bond was released and it is gone.
		SignerRemoved { signer: T::AccountId, bond: BalanceOf<T> },
		/// A new epoch with its quorum.
		EpochStarted { epoch: EpochIndex, signers: u32 },
		/// A blob was submitted.
		BlobSubmitted {
			id: BlobId,
			submitter: T::AccountId,
			size: u64,
			root: CommitmentsRoot,
			epoch: EpochIndex,
			fee: BalanceOf<T>,
		},
		/// A signer attested a blob.
		Attested { id: BlobId, signer: T::AccountId, columns: u16, signed_columns: u16 },
		/// Two thirds of the columns attested.
		BlobConfirmed { id: BlobId },
		/// The window passed without enough attestations; the fee was refunded.
		BlobFailed { id: BlobId, signed_columns: u16 },
		/// A sampling challenge was drawn.
		ChallengeIssued {
			id: ChallengeId,
			blob: BlobId,
			row: u32,
			column: u16,
			signer: T::AccountId,
			deadline: BlockNumberFor<T>,
		},
		/// A challenge was answered with a valid cell proof.
		ChallengeAnswered { id: ChallengeId, signer: T::AccountId, reward: BalanceOf<T> },
		/// A challenge went unanswered; the signer's bond was slashed.
		SignerSlashed { id: ChallengeId, signer: T::AccountId, amount: BalanceOf<T> },
		/// A full registry took a higher bond: `signer`, the lowest bonded, leaves from
		/// `epoch`.
		SignerDisplaced { signer: T::AccountId, by: T::AccountId, epoch: EpochIndex },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Already a registered signer.
		AlreadyRegistered,
		/// Bond under `MinSignerBond`.
		BondTooLow,
		/// `MaxSigners` signers are active and none has a lower bond than offered, or
		/// twice `MaxSigners` are registered (leaving ones included).
		TooManySigners,
		/// Not a registered signer.
		NotSigner,
		/// Already leaving.
		AlreadyLeaving,
		/// The signer's bond is still answerable for a quorum.
		StillBonded,
		/// The blob is empty.
		EmptyBlob,
		/// The blob is over the size limit.
		BlobTooLarge,
		/// The number of commitments is not the number of rows of the size.
		WrongRowCount,
		/// There is no quorum to attest blobs this epoch.
		NoQuorum,
		/// Too many blobs already end their window in the same block.
		TooManyBlobsInBlock,
		/// No such blob.
		UnknownBlob,
		/// The blob is not processing any more.
		NotProcessing,
		/// The attestation is for another epoch than the blob's.
		WrongEpoch,
		/// The attestation's root or size is not the blob's.
		WrongBlob,
		/// The signer is not in the blob's quorum.
		NotInQuorum,
		/// The signer already attested this blob.
		AlreadyAttested,
		/// The signature does not verify against the signer's key.
		BadSignature,
		/// An amount overflowed.
		Overflow,
		/// No such open challenge (answered, expired or never drawn).
		UnknownChallenge,
		/// The cell does not verify with the proof against the row's commitment.
		BadCellProof,
		/// The signer has an open sampling challenge; its bond answers for it.
		ChallengeOpen,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let mut weight = T::DbWeight::get().reads(1);
			if now >= NextEpochAt::<T>::get() {
				weight.saturating_accrue(Self::start_epoch());
				NextEpochAt::<T>::put(now.saturating_add(Self::epoch_length()));
				// The length may be a stored parameter: one read, and the write.
				weight.saturating_accrue(T::DbWeight::get().reads_writes(1, 1));
			}
			weight.saturating_accrue(Self::expire(now));
			weight.saturating_accrue(Self::expire_challenge(now));
			let period = T::ChallengePeriod::get();
			if !period.is_zero() && (now % period).is_zero() {
				weight.saturating_accrue(Self::issue_challenge(now));
			}
			weight.saturating_accrue(Self::prune_commitments());
			weight
		}

		fn integrity_test() {
			let length = Self::epoch_length();
			let retained = length.saturating_mul(T::RetentionEpochs::get().into());
			assert!(
				retained >= T::AttestationWindow::get(),
				"quorums must outlive the attestation window"
			);
			assert!(
				T::UnbondingEpochs::get() >= T::RetentionEpochs::get(),
				"bonds must stay answerable while cells are retained"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a DA signer, holding `bond`; it joins quorums from the
		/// next epoch.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_signer().saturating_add(
			// Finding whom a full registry displaces reads every registration (at most
			// twice MaxSigners) and writes the displaced one.
			T::DbWeight::get().reads_writes(2 * u64::from(T::MaxSigners::get()), 1)
		))]
		pub fn register_signer(
			origin: OriginFor<T>,
			key: T::AccountId,
			endpoint: EndpointOf<T>,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			Self::do_register_signer(signer, key, endpoint, bond)
		}

		/// Stops joining quorums from the next epoch.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::leave())]
		pub fn leave(origin: OriginFor<T>) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			Self::do_leave(signer)
		}

		/// Releases a departed signer's bond, `UnbondingEpochs` after it left.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_bond().saturating_add(T::DbWeight::get().reads(1)))]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			Self::do_withdraw_bond(signer)
		}

		/// Submits a blob of `size` bytes by its row commitments, paying its fee.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::submit(commitments.len() as u32))]
		pub fn submit(
			origin: OriginFor<T>,
			size: u64,
			commitments: CommitmentsOf<T>,
		) -> DispatchResult {
			let submitter = ensure_signed(origin)?;
			Self::do_submit(submitter, size, commitments)
		}

		/// A quorum member's signed attestation that it holds and checked its columns of
		/// a blob. Anyone may relay it; the signature is what counts. Charged as the
		/// attestation that confirms the blob and pays every attester; one that does not
		/// confirm is refunded down to its own (measured) weight.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::attest_confirming())]
		pub fn attest(
			origin: OriginFor<T>,
			signer: T::AccountId,
			attestation: Attestation,
			signature: T::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_attest(signer, attestation, signature)
		}

		/// Answers a sampling challenge with the cell and its KZG proof. Anyone may send
		/// it; the challenged signer is rewarded.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::respond().saturating_add(T::DbWeight::get().reads_writes(2, 2)))]
		pub fn respond(
			origin: OriginFor<T>,
			challenge: ChallengeId,
			cell: Box<[u8; CELL_BYTES]>,
			proof: CellProof,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_respond(challenge, &cell, proof)
		}
	}
}
