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
//! - **Epochs and quorums.** Every [`Config::EpochLength`] blocks a new epoch starts and
//!   its quorum is drawn: the [`COLUMNS`] columns are shared out among the registered
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
//!   the pool. The draw uses the parent block hash: a block author could bias which
//!   blob is drawn, never make a missing cell verify.
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
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{frame_support, frame_system, sp_io, sp_runtime};
use scale_info::TypeInfo;
pub use zerog_da_primitives::{CellProof, Commitment, CommitmentsRoot, CELL_BYTES, COLUMNS};

/// Identifier of a blob.
pub type BlobId = u64;
/// An epoch number.
pub type EpochIndex = u32;

/// Identifier of a sampling challenge.
pub type ChallengeId = u64;

/// Domain tag of an attestation signature.
pub const ATTESTATION_TAG: &[u8; 24] = b"zerog/da/attestation/v1\0";

/// What a DA signer signs for a blob.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Attestation {
	/// The blob.
	pub blob: BlobId,
	/// Its commitments root.
	pub root: CommitmentsRoot,
	/// Its size.
	pub size: u64,
	/// The epoch whose quorum the signer attests in.
	pub epoch: EpochIndex,
}

/// The bytes signer `signer`'s key signs for `attestation` on the chain whose genesis
/// hash is `genesis`: `(tag, genesis, signer, attestation)`, the same bytes as
/// [`Pallet::attestation_payload`] builds on chain, for signers that build them
/// themselves instead of trusting an RPC node with what they sign. Naming the signer
/// binds the signature to it: another account that registered the same key (keys carry
/// no proof of possession) cannot present it as its own attestation.
pub fn signing_payload<AccountId: Encode>(
	genesis: [u8; 32],
	signer: &AccountId,
	attestation: &Attestation,
) -> Vec<u8> {
	(ATTESTATION_TAG, genesis, signer, attestation).encode()
}

/// A registered DA signer.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct SignerInfo<AccountId, Balance, Endpoint> {
	/// The key attestations are signed with.
	pub key: AccountId,
	/// Held bond.
	pub bond: Balance,
	/// Where it serves cells.
	pub endpoint: Endpoint,
	/// The epoch from which it no longer joins quorums, once it asked to leave.
	pub leaving: Option<EpochIndex>,
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

/// Where a blob is.
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
pub enum BlobStatus<BlockNumber> {
	/// Waiting for attestations until `deadline`.
	Processing {
		/// Last block in which attestations count.
		deadline: BlockNumber,
	},
	/// Signers holding two thirds of the columns attested.
	Confirmed {
		/// When.
		at: BlockNumber,
	},
	/// The deadline passed first.
	InsufficientSignatures,
}

/// An open sampling challenge: `signer` must show cell (`row`, `column`) of `blob`.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Challenge<AccountId, BlockNumber> {
	/// The blob.
	pub blob: BlobId,
	/// Row of the cell.
	pub row: u32,
	/// Column of the cell, one the signer holds.
	pub column: u16,
	/// The challenged attester.
	pub signer: AccountId,
	/// Last block in which an answer counts.
	pub deadline: BlockNumber,
}

/// One member of a quorum as clients need it: where its columns are and where it serves.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct QuorumSigner<AccountId> {
	/// The signer account.
	pub signer: AccountId,
	/// Its attestation key.
	pub key: AccountId,
	/// Its first column.
	pub first_column: u16,
	/// How many columns it holds from `first_column` on.
	pub columns: u16,
	/// Its endpoint URL (empty once it deregistered).
	pub endpoint: Vec<u8>,
}

/// An epoch's quorum as clients need it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct QuorumView<AccountId> {
	/// The epoch.
	pub epoch: EpochIndex,
	/// Members in column order.
	pub members: Vec<QuorumSigner<AccountId>>,
}

/// A blob as the chain keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct BlobInfo<AccountId, Balance, BlockNumber, Attesters> {
	/// Who submitted and paid.
	pub submitter: AccountId,
	/// Size in bytes.
	pub size: u64,
	/// blake2-256 of its row commitments.
	pub root: CommitmentsRoot,
	/// The epoch whose quorum attests it.
	pub epoch: EpochIndex,
	/// The fee paid.
	pub fee: Balance,
	/// Status.
	pub status: BlobStatus<BlockNumber>,
	/// Columns attested so far.
	pub signed_columns: u16,
	/// Who attested.
	pub attesters: Attesters,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::traits::tokens::{Fortitude, Restriction};
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::{Precision, Preservation},
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{AccountIdConversion, IdentifyAccount, Saturating, Verify, Zero},
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
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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
		/// Blocks per epoch.
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
			let length = T::EpochLength::get();
			if !length.is_zero() && (now % length).is_zero() {
				weight.saturating_accrue(Self::start_epoch());
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
			let length = T::EpochLength::get().max(1u32.into());
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
			ensure!(!Signers::<T>::contains_key(&signer), Error::<T>::AlreadyRegistered);
			ensure!(bond >= T::MinSignerBond::get(), Error::<T>::BondTooLow);
			ensure!(
				Signers::<T>::count() < T::MaxSigners::get().saturating_mul(2),
				Error::<T>::TooManySigners
			);
			let displaced = Self::displaced_by(bond)?;
			T::Currency::hold(&HoldReason::SignerBond.into(), &signer, bond)?;
			if let Some(lowest) = displaced {
				let epoch = CurrentEpoch::<T>::get().saturating_add(1);
				Signers::<T>::mutate(&lowest, |s| {
					if let Some(s) = s {
						s.leaving = Some(epoch);
					}
				});
				Self::deposit_event(Event::SignerDisplaced {
					signer: lowest,
					by: signer.clone(),
					epoch,
				});
			}
			Signers::<T>::insert(
				&signer,
				SignerInfo { key: key.clone(), bond, endpoint, leaving: None },
			);
			Self::deposit_event(Event::SignerRegistered { signer, key, bond });
			Ok(())
		}

		/// Stops joining quorums from the next epoch.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::leave())]
		pub fn leave(origin: OriginFor<T>) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			let epoch = CurrentEpoch::<T>::get().saturating_add(1);
			Signers::<T>::try_mutate(&signer, |s| -> DispatchResult {
				let s = s.as_mut().ok_or(Error::<T>::NotSigner)?;
				ensure!(s.leaving.is_none(), Error::<T>::AlreadyLeaving);
				s.leaving = Some(epoch);
				Ok(())
			})?;
			Self::deposit_event(Event::SignerLeaving { signer, epoch });
			Ok(())
		}

		/// Releases a departed signer's bond, `UnbondingEpochs` after it left.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_bond().saturating_add(T::DbWeight::get().reads(1)))]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			let info = Signers::<T>::get(&signer).ok_or(Error::<T>::NotSigner)?;
			let free_from = info.leaving.map(|e| e.saturating_add(T::UnbondingEpochs::get()));
			ensure!(
				free_from.is_some_and(|e| CurrentEpoch::<T>::get() >= e),
				Error::<T>::StillBonded
			);
			ensure!(OpenChallenges::<T>::get(&signer) == 0, Error::<T>::ChallengeOpen);
			let bond = T::Currency::release(
				&HoldReason::SignerBond.into(),
				&signer,
				info.bond,
				Precision::BestEffort,
			)?;
			Signers::<T>::remove(&signer);
			Self::deposit_event(Event::SignerRemoved { signer, bond });
			Ok(())
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
			zerog_da_primitives::check_shape(size, commitments.len()).map_err(|e| match e {
				zerog_da_primitives::ShapeError::Empty => Error::<T>::EmptyBlob,
				zerog_da_primitives::ShapeError::TooLarge => Error::<T>::BlobTooLarge,
				zerog_da_primitives::ShapeError::WrongRowCount => Error::<T>::WrongRowCount,
			})?;
			let epoch = CurrentEpoch::<T>::get();
			ensure!(Quorums::<T>::get(epoch).is_some_and(|q| !q.is_empty()), Error::<T>::NoQuorum);
			let fee = T::PricePerByte::get()
				.checked_mul(&size.try_into().map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
			let deadline = frame_system::Pallet::<T>::block_number()
				.saturating_add(T::AttestationWindow::get());
			let id = NextBlobId::<T>::get();
			Deadlines::<T>::try_mutate(deadline, |ids| ids.try_push(id))
				.map_err(|_| Error::<T>::TooManyBlobsInBlock)?;
			T::Currency::transfer(&submitter, &Self::account_id(), fee, Preservation::Preserve)?;
			let root = zerog_da_primitives::commitments_root(&commitments);
			BlobCommitments::<T>::insert(id, commitments);
			Blobs::<T>::insert(
				id,
				BlobInfo {
					submitter: submitter.clone(),
					size,
					root,
					epoch,
					fee,
					status: BlobStatus::Processing { deadline },
					signed_columns: 0,
					attesters: Default::default(),
				},
			);
			NextBlobId::<T>::put(id.saturating_add(1));
			Self::deposit_event(Event::BlobSubmitted { id, submitter, size, root, epoch, fee });
			Ok(())
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
			let id = attestation.blob;
			let mut blob = Blobs::<T>::get(id).ok_or(Error::<T>::UnknownBlob)?;
			ensure!(
				matches!(blob.status, BlobStatus::Processing { .. }),
				Error::<T>::NotProcessing
			);
			ensure!(attestation.epoch == blob.epoch, Error::<T>::WrongEpoch);
			ensure!(
				attestation.root == blob.root && attestation.size == blob.size,
				Error::<T>::WrongBlob
			);
			let quorum = Quorums::<T>::get(blob.epoch).unwrap_or_default();
			let member =
				quorum.iter().find(|m| m.signer == signer).ok_or(Error::<T>::NotInQuorum)?;
			ensure!(!blob.attesters.contains(&signer), Error::<T>::AlreadyAttested);
			ensure!(
				signature
					.verify(&Self::attestation_payload(&signer, &attestation)[..], &member.key),
				Error::<T>::BadSignature
			);
			blob.attesters.try_push(signer.clone()).map_err(|_| Error::<T>::AlreadyAttested)?;
			blob.signed_columns = blob.signed_columns.saturating_add(member.columns);
			let signed_columns = blob.signed_columns;
			Self::deposit_event(Event::Attested {
				id,
				signer,
				columns: member.columns,
				signed_columns,
			});
			let confirmed = Self::is_confirmed(signed_columns);
			if confirmed {
				blob.status =
					BlobStatus::Confirmed { at: frame_system::Pallet::<T>::block_number() };
				Self::pay_attesters(&blob, &quorum);
				Self::deposit_event(Event::BlobConfirmed { id });
			}
			Blobs::<T>::insert(id, blob);
			Ok(if confirmed { None } else { Some(T::WeightInfo::attest()) }.into())
		}

		/// Answers a sampling challenge with the cell and its KZG proof. Anyone may send
		/// it; the challenged signer is rewarded.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::respond().saturating_add(T::DbWeight::get().reads_writes(2, 2)))]
		pub fn respond(
			origin: OriginFor<T>,
			challenge: ChallengeId,
			cell: [u8; CELL_BYTES],
			proof: CellProof,
		) -> DispatchResult {
			ensure_signed(origin)?;
			let c = Challenges::<T>::get(challenge).ok_or(Error::<T>::UnknownChallenge)?;
			let commitment = BlobCommitments::<T>::get(c.blob)
				.and_then(|cs| cs.get(c.row as usize).copied())
				.ok_or(Error::<T>::UnknownBlob)?;
			ensure!(
				zerog_da_primitives::kzg::verify_cell(
					&commitment,
					u32::from(c.column),
					&cell[..],
					&proof
				),
				Error::<T>::BadCellProof
			);
			Challenges::<T>::remove(challenge);
			ChallengeDeadlines::<T>::remove(c.deadline);
			Self::close_challenge(&c);
			let reward = T::ChallengeReward::get().min(RewardPool::<T>::get());
			let paid = match T::Currency::transfer(
				&Self::account_id(),
				&c.signer,
				reward,
				Preservation::Preserve,
			) {
				Ok(_) => reward,
				Err(_) => Zero::zero(),
			};
			RewardPool::<T>::mutate(|p| *p = p.saturating_sub(paid));
			Self::deposit_event(Event::ChallengeAnswered {
				id: challenge,
				signer: c.signer,
				reward: paid,
			});
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The account holding fees in flight.
		pub fn account_id() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The bytes `signer`'s key signs: tag, genesis hash, signer, attestation.
		pub fn attestation_payload(signer: &T::AccountId, attestation: &Attestation) -> Vec<u8> {
			(
				ATTESTATION_TAG,
				frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
				signer,
				attestation,
			)
				.encode()
		}

		/// An epoch's quorum with column ranges and endpoints.
		pub fn quorum_view(epoch: EpochIndex) -> Option<QuorumView<T::AccountId>> {
			let quorum = Quorums::<T>::get(epoch)?;
			let mut first_column = 0u16;
			let members = quorum
				.into_iter()
				.map(|m| {
					let endpoint = Signers::<T>::get(&m.signer)
						.map(|s| s.endpoint.into_inner())
						.unwrap_or_default();
					let view = QuorumSigner {
						signer: m.signer,
						key: m.key,
						first_column,
						columns: m.columns,
						endpoint,
					};
					first_column = first_column.saturating_add(m.columns);
					view
				})
				.collect();
			Some(QuorumView { epoch, members })
		}

		/// Whether `signed` columns are at least two thirds of [`COLUMNS`].
		pub fn is_confirmed(signed: u16) -> bool {
			3 * u32::from(signed) >= 2 * u32::from(COLUMNS)
		}

		/// Shares [`COLUMNS`] among `bonds` in proportion (largest remainders; ties to
		/// the earlier entry). Entries that get no column are left out.
		pub fn assign_columns(
			bonds: &[(T::AccountId, T::AccountId, BalanceOf<T>)],
		) -> Vec<QuorumMember<T::AccountId>> {
			let total: u128 = bonds
				.iter()
				.map(|(_, _, b)| (*b).try_into().unwrap_or(u128::MAX / 2))
				.fold(0u128, |a, b| a.saturating_add(b));
			if total == 0 {
				return Vec::new();
			}
			let columns = u128::from(COLUMNS);
			let mut shares: Vec<(usize, u128, u128)> = bonds
				.iter()
				.enumerate()
				.map(|(i, (_, _, b))| {
					let b: u128 = (*b).try_into().unwrap_or(u128::MAX / 2);
					// b * 128 cannot overflow: bonds are below u128::MAX / 2^8 in any real chain;
					// saturate rather than panic if one is not.
					let scaled = b.saturating_mul(columns);
					(i, scaled / total, scaled % total)
				})
				.collect();
			let given: u128 = shares.iter().map(|s| s.1).sum();
			let mut left = columns.saturating_sub(given);
			let mut order: Vec<usize> = (0..shares.len()).collect();
			order.sort_by(|&a, &b| shares[b].2.cmp(&shares[a].2).then(a.cmp(&b)));
			for i in order {
				if left == 0 {
					break;
				}
				shares[i].1 += 1;
				left -= 1;
			}
			shares
				.into_iter()
				.filter(|s| s.1 > 0)
				.map(|(i, n, _)| QuorumMember {
					signer: bonds[i].0.clone(),
					key: bonds[i].1.clone(),
					columns: n as u16,
				})
				.collect()
		}

		/// Starts the next epoch: draws its quorum from the signers not leaving.
		pub(crate) fn start_epoch() -> Weight {
			let epoch = CurrentEpoch::<T>::get().saturating_add(1);
			let mut bonds: Vec<_> = Signers::<T>::iter()
				.filter(|(_, s)| s.leaving.is_none_or(|e| epoch < e))
				.map(|(a, s)| (a, s.key, s.bond))
				.collect();
			bonds.sort_by(|a, b| a.0.cmp(&b.0));
			let members = Self::assign_columns(&bonds);
			let count = members.len() as u32;
			// At most MaxSigners signers exist, so the quorum always fits.
			let quorum: QuorumOf<T> = BoundedVec::truncate_from(members);
			Quorums::<T>::insert(epoch, quorum);
			EpochFirstBlob::<T>::insert(epoch, NextBlobId::<T>::get());
			// A quorum out of retention has no blob left to attest or be challenged on.
			if let Some(old) = epoch.checked_sub(T::RetentionEpochs::get().max(1)) {
				Quorums::<T>::remove(old);
				EpochFirstBlob::<T>::remove(old);
				if let Some(first) = EpochFirstBlob::<T>::get(old.saturating_add(1)) {
					ChallengeFloor::<T>::put(first);
				}
			}
			CurrentEpoch::<T>::put(epoch);
			Self::deposit_event(Event::EpochStarted { epoch, signers: count });
			T::DbWeight::get().reads_writes(u64::from(Signers::<T>::count()) + 3, 6)
		}

		/// Draws a sampling challenge: a confirmed blob in retention, one of its
		/// attesters, a cell in one of that attester's columns.
		pub(crate) fn issue_challenge(now: BlockNumberFor<T>) -> Weight {
			let db = T::DbWeight::get();
			let (floor, next) = (ChallengeFloor::<T>::get(), NextBlobId::<T>::get());
			if next <= floor {
				return db.reads(2);
			}
			let seed = sp_io::hashing::blake2_256(
				&(b"zg/da/challenge", frame_system::Pallet::<T>::parent_hash(), now).encode(),
			);
			let draw = |i: usize| {
				u64::from_le_bytes(seed[i * 8..i * 8 + 8].try_into().unwrap_or_default())
			};
			let id = floor + draw(0) % (next - floor);
			let Some(blob) = Blobs::<T>::get(id) else { return db.reads(3) };
			if !matches!(blob.status, BlobStatus::Confirmed { .. }) {
				return db.reads(3);
			}
			let Some(quorum) = Quorums::<T>::get(blob.epoch) else { return db.reads(4) };
			let mut first = 0u16;
			let mut holders = Vec::new();
			for m in quorum.iter() {
				if blob.attesters.contains(&m.signer) && m.columns > 0 {
					holders.push((m.signer.clone(), first, m.columns));
				}
				first = first.saturating_add(m.columns);
			}
			if holders.is_empty() {
				return db.reads(4);
			}
			let (signer, first, columns) =
				holders.swap_remove((draw(1) % holders.len() as u64) as usize);
			let column = first + (draw(2) % u64::from(columns)) as u16;
			let row = (draw(3) % u64::from(zerog_da_primitives::rows_for(blob.size))) as u32;
			let deadline = now.saturating_add(T::ChallengeWindow::get());
			if ChallengeDeadlines::<T>::contains_key(deadline) {
				return db.reads(5);
			}
			let cid = NextChallengeId::<T>::get();
			NextChallengeId::<T>::put(cid.saturating_add(1));
			Challenges::<T>::insert(
				cid,
				Challenge { blob: id, row, column, signer: signer.clone(), deadline },
			);
			ChallengeDeadlines::<T>::insert(deadline, cid);
			OpenChallenges::<T>::mutate(&signer, |n| *n = n.saturating_add(1));
			ChallengedBlobs::<T>::mutate(id, |n| *n = n.saturating_add(1));
			Self::deposit_event(Event::ChallengeIssued {
				id: cid,
				blob: id,
				row,
				column,
				signer,
				deadline,
			});
			db.reads_writes(8, 5)
		}

		/// Forgets an answered or expired challenge in the per-signer and per-blob counts.
		fn close_challenge(c: &ChallengeOf<T>) {
			OpenChallenges::<T>::mutate_exists(&c.signer, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
			});
			ChallengedBlobs::<T>::mutate_exists(c.blob, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
			});
		}

		/// Whom a registration with `bond` displaces: nobody while fewer than `MaxSigners`
		/// signers are active; else the active signer with the lowest bond (the highest
		/// account id among equals), if `bond` is higher.
		fn displaced_by(bond: BalanceOf<T>) -> Result<Option<T::AccountId>, Error<T>> {
			let mut active = 0u32;
			let mut lowest: Option<(T::AccountId, BalanceOf<T>)> = None;
			for (who, s) in Signers::<T>::iter().filter(|(_, s)| s.leaving.is_none()) {
				active += 1;
				let lower = match &lowest {
					None => true,
					Some((w, b)) => s.bond < *b || (s.bond == *b && who > *w),
				};
				if lower {
					lowest = Some((who, s.bond));
				}
			}
			if active < T::MaxSigners::get() {
				return Ok(None);
			}
			match lowest {
				Some((who, b)) if bond > b => Ok(Some(who)),
				_ => Err(Error::<T>::TooManySigners),
			}
		}

		/// Slashes the signer of the challenge whose window ends at `now`, if unanswered.
		fn expire_challenge(now: BlockNumberFor<T>) -> Weight {
			let db = T::DbWeight::get();
			let Some(cid) = ChallengeDeadlines::<T>::take(now) else { return db.reads(1) };
			let Some(c) = Challenges::<T>::take(cid) else { return db.reads_writes(2, 1) };
			Self::close_challenge(&c);
			let mut amount = Zero::zero();
			if let Some(mut info) = Signers::<T>::get(&c.signer) {
				let want = T::ChallengeSlash::get().min(info.bond);
				amount = T::Currency::transfer_on_hold(
					&HoldReason::SignerBond.into(),
					&c.signer,
					&Self::account_id(),
					want,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				)
				.unwrap_or_default();
				info.bond = info.bond.saturating_sub(amount);
				Signers::<T>::insert(&c.signer, info);
				RewardPool::<T>::mutate(|p| *p = p.saturating_add(amount));
			}
			Self::deposit_event(Event::SignerSlashed { id: cid, signer: c.signer, amount });
			db.reads_writes(5, 6)
		}

		/// Drops the commitments of up to `MaxPrunedPerBlock` blobs out of retention.
		fn prune_commitments() -> Weight {
			let (from, floor) = (PrunedBelow::<T>::get(), ChallengeFloor::<T>::get());
			if from >= floor {
				return T::DbWeight::get().reads(2);
			}
			let mut to =
				floor.min(from.saturating_add(u64::from(T::MaxPrunedPerBlock::get().max(1))));
			for id in from..to {
				// A blob with an open challenge keeps its commitments (and holds back the
				// ones after it) until the challenge is answered or expires.
				if ChallengedBlobs::<T>::contains_key(id) {
					to = id;
					break;
				}
				BlobCommitments::<T>::remove(id);
			}
			PrunedBelow::<T>::put(to);
			T::DbWeight::get().reads_writes(2 + (to - from) + 1, 1 + (to - from))
		}

		/// Fails the blobs whose window ends at `now` and are still processing.
		fn expire(now: BlockNumberFor<T>) -> Weight {
			let ids = Deadlines::<T>::take(now);
			let n = ids.len() as u64;
			for id in ids {
				let Some(mut blob) = Blobs::<T>::get(id) else { continue };
				if !matches!(blob.status, BlobStatus::Processing { .. }) {
					continue;
				}
				blob.status = BlobStatus::InsufficientSignatures;
				BlobCommitments::<T>::remove(id);
				// The fee came in from the submitter; the pallet account holds it.
				let _ = T::Currency::transfer(
					&Self::account_id(),
					&blob.submitter,
					blob.fee,
					Preservation::Expendable,
				);
				Self::deposit_event(Event::BlobFailed { id, signed_columns: blob.signed_columns });
				Blobs::<T>::insert(id, blob);
			}
			T::DbWeight::get().reads_writes(1 + 2 * n, 1 + 3 * n)
		}

		/// Pays a confirmed blob's fee, less the challenge pool's share, to its attesters in proportion to their columns
		/// (rounded down; the rounding remainder goes to the attester with the most
		/// columns, so the whole fee is paid whatever the quorum's order).
		fn pay_attesters(blob: &BlobOf<T>, quorum: &QuorumOf<T>) {
			let signed = u128::from(blob.signed_columns.max(1));
			let pooled = T::ChallengeShare::get() * blob.fee;
			RewardPool::<T>::mutate(|p| *p = p.saturating_add(pooled));
			let fee: u128 = blob.fee.saturating_sub(pooled).try_into().unwrap_or(0);
			let members: Vec<_> =
				quorum.iter().filter(|m| blob.attesters.contains(&m.signer)).collect();
			let mut shares: Vec<u128> = members
				.iter()
				.map(|m| fee.saturating_mul(u128::from(m.columns)) / signed)
				.collect();
			let paid: u128 = shares.iter().sum();
			if let Some(top) = (0..members.len())
				.max_by(|&a, &b| members[a].columns.cmp(&members[b].columns).then(b.cmp(&a)))
			{
				shares[top] = shares[top].saturating_add(fee.saturating_sub(paid));
			}
			for (m, share) in members.iter().zip(shares) {
				if let Ok(amount) = BalanceOf::<T>::try_from(share) {
					let _ = T::Currency::transfer(
						&Self::account_id(),
						&m.signer,
						amount,
						Preservation::Expendable,
					);
				}
			}
		}
	}
}
