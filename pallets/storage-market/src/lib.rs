//! # Storage market pallet
//!
//! The on-chain half of ZeroG storage (0G's "log layer"):
//!
//! - **The flow.** Every file submission (size, Merkle root, tags) is appended to one
//!   global, append-only flow of 256-byte sectors. [`Pallet::submit`] records the entry
//!   with its sequence number and its position (first sector) in the flow.
//! - **File identity.** A file is named by its [`FileId`], a hash of root, size and tags
//!   together ([`Submission::id`]), never by its root alone: whoever submits a root
//!   first cannot change the size or layout that a download of another's file uses. A
//!   file id is submitted (and paid for) once; a second identical submission is refused
//!   with [`Error::AlreadySubmitted`], so a retried upload never pays twice.
//! - **Fees.** A submission pays `price per sector per month × sectors × months`; the
//!   price is set by governance ([`Config::PriceOrigin`]). Fees go to the pallet's
//!   account and are credited to reward pools kept per pricing chunk of the flow
//!   (8 GiB = 2^25 sectors), from which proof-of-random-access miners are paid.
//! - **Storage nodes.** Operators register an endpoint and a shard configuration with a
//!   bond (held, not transferred), may update them, and leave by deregistering and
//!   withdrawing the bond after an unbonding period.
//!
//! - **Mining.** Registered nodes earn by proof of random access ([`mining`]): each
//!   epoch draws a context from on-chain randomness, a node answers with a sealed unit of
//!   a recalled segment of its shard, and [`Pallet::submit_answer`] verifies it and pays
//!   the pricing chunk's released fees plus a base reward; the difficulty retargets each
//!   epoch toward `MiningConfig::target_answers`.
//! - **Lifetimes.** A submission's fee is released to miners linearly over its paid
//!   lifetime ([`lifetimes`]); when the lifetime ends the entry expires (nodes prune it
//!   and mining no longer recalls it); [`Pallet::renew`] extends it.
//!
//! Clients read all of it through the `StorageMarketApi` runtime API
//! (`zerog_storage_primitives::runtime_api`). Sizes and Merkle rules come from `zerog-storage-primitives`.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub use weights::WeightInfo;

pub mod audits;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod coverage;
mod flow;
mod invariants;
pub mod lifetimes;
pub mod migrations;
pub mod mining;
#[cfg(test)]
mod mock;
mod nodes;
#[cfg(test)]
mod tests;
pub mod weights;

extern crate alloc;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{frame_support, frame_system};
use scale_info::TypeInfo;
pub use zerog_storage_primitives::{
	pora::{Answer, AuditProof, MineContext, PoraError},
	CoverageView, EntrySeq, FileId, FileRoot, FlowEntry, NodeInfo, NodeStatus, ShardConfig,
	Submission, CHUNK_SIZE,
};

/// Sectors in a pricing chunk: 8 GiB of flow.
pub const SECTORS_PER_PRICING_CHUNK: u64 = (8u64 << 30) / CHUNK_SIZE as u64;

/// Most pricing chunks a file of the largest size can touch.
pub const MAX_POOLS_TOUCHED: u32 =
	(zerog_storage_primitives::MAX_FILE_SIZE / CHUNK_SIZE as u64 / SECTORS_PER_PRICING_CHUNK)
		as u32 + 1;

/// The most reward pools a submission of `size` bytes can credit, wherever in the flow
/// it lands: the pricing chunks it spans, plus one for straddling a boundary. Bounded by
/// [`MAX_POOLS_TOUCHED`] (oversized submissions are rejected before touching any).
pub fn max_pools_touched(size: u64) -> u32 {
	let sectors = zerog_storage_primitives::chunk_count(size);
	let spanned = sectors.div_ceil(SECTORS_PER_PRICING_CHUNK).saturating_add(1);
	spanned.min(MAX_POOLS_TOUCHED as u64) as u32
}

/// Index of a pricing chunk of the flow.
pub type PricingChunkIndex = u64;

/// A registered storage node.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxEndpointLen))]
pub struct StorageNode<Balance, BlockNumber, MaxEndpointLen: frame_support::traits::Get<u32>> {
	/// Bond held from the operator.
	pub bond: Balance,
	/// Where the node's JSON-RPC API is served (e.g. `http://10.0.0.5:5678`).
	pub endpoint: frame_support::BoundedVec<u8, MaxEndpointLen>,
	/// Which segments it holds.
	pub shard: ShardConfig,
	/// Serving or leaving.
	pub status: NodeStatus<BlockNumber>,
}

/// The mining rules governance sets ([`Pallet::set_mining_config`]).
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
	frame_support::Serialize,
	frame_support::Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct MiningConfig<Balance, BlockNumber> {
	/// Blocks in a mining epoch; zero turns mining off.
	pub epoch_blocks: BlockNumber,
	/// Valid answers per epoch the difficulty retargets toward.
	pub target_answers: u32,
	/// Most valid answers rewarded in one epoch.
	pub max_answers: u32,
	/// Minted for each valid answer, on top of the released fees (at most
	/// `Config::MaxBaseReward`).
	pub base_reward: Balance,
	/// Blocks in a paid month: a lifetime of `m` months lasts `m * month_blocks` blocks.
	pub month_blocks: BlockNumber,
}

/// How storage nodes are audited ([`Pallet::set_audit_config`]).
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
	frame_support::Serialize,
	frame_support::Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct AuditConfig<BlockNumber> {
	/// One audit is drawn every `period` blocks; zero turns audits off.
	pub period: BlockNumber,
	/// Blocks a node has to answer an audit.
	pub window: BlockNumber,
	/// The share of its bond a node loses per failed audit.
	pub slash: polkadot_sdk::sp_runtime::Perbill,
}

/// How shards are counted and how many nodes each needs ([`Pallet::set_coverage`]).
#[derive(
	Clone,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	frame_support::Serialize,
	frame_support::Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct CoverageConfig {
	/// The network's shard count: a power of two, at most [`MAX_SHARDS`].
	pub shards: u32,
	/// Active nodes each shard keeps at least; zero lets any node leave.
	pub min_replicas: u32,
}

impl Default for CoverageConfig {
	fn default() -> Self {
		Self { shards: 1, min_replicas: 0 }
	}
}

/// The most shards coverage counts.
pub const MAX_SHARDS: u32 = 1024;

/// An audit awaiting its node's answer.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct OpenAudit<AccountId, BlockNumber> {
	/// The audited node's operator.
	pub node: AccountId,
	/// The entry whose data it must prove.
	pub entry: EntrySeq,
	/// The segment of the entry, in the node's shard.
	pub segment: u64,
	/// The 4 KiB unit of the segment.
	pub unit: u32,
	/// The last block the answer counts in; after it the node is slashed.
	pub deadline: BlockNumber,
}

/// Why an audit failed.
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
pub enum AuditFailure {
	/// No answer by the deadline.
	Missed,
	/// An answer whose proof does not hold.
	BadProof,
}

/// The current mining epoch.
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
pub struct MiningEpoch<BlockNumber> {
	/// What answers are drawn from: index, seed and the flow's length at the start.
	pub context: MineContext,
	/// Its first block.
	pub start: BlockNumber,
	/// The quality target (higher is easier), before scaling by a miner's shard count.
	pub target: u128,
	/// Valid answers so far.
	pub answers: u32,
}

/// What a miner has earned.
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
pub struct MinerRecord<Balance> {
	/// Valid answers, in all epochs.
	pub answers: u32,
	/// Rewards received: released fees and base rewards.
	pub rewards: Balance,
	/// The last epoch it was rewarded in (one reward per epoch).
	pub last_epoch: Option<u64>,
}

/// A reward pool's release schedule: the fees of the entries in a pricing chunk flow
/// out at `rate` per block, each over its entry's paid lifetime.
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
pub struct PoolRelease<Balance, BlockNumber> {
	/// Released per block by the live entries' tranches.
	pub rate: Balance,
	/// Released up to `updated`.
	pub released: Balance,
	/// The block `released` was brought up to.
	pub updated: BlockNumber,
	/// Paid to miners so far (never more than `released`).
	pub paid: Balance,
}

/// An entry's live lifetime: `amount` of its fees (over all its pricing chunks) is
/// released linearly from `start` to `end`, when it expires.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Tranche<Balance, BlockNumber> {
	/// Fees still to release at `start`.
	pub amount: Balance,
	/// Where the release began (the submission, or the last renewal).
	pub start: BlockNumber,
	/// The block the entry expires at.
	pub end: BlockNumber,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			Randomness,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;

	/// The balance type of the currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A flow entry of this runtime.
	pub type FlowEntryOf<T> =
		FlowEntry<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	/// A storage node of this runtime.
	pub type StorageNodeOf<T> =
		StorageNode<BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxEndpointLen>;
	/// An endpoint, bounded.
	pub type EndpointOf<T> = BoundedVec<u8, <T as Config>::MaxEndpointLen>;
	/// The mining rules of this runtime.
	pub type MiningConfigOf<T> = MiningConfig<BalanceOf<T>, BlockNumberFor<T>>;
	/// A pool's release schedule in this runtime.
	pub type PoolReleaseOf<T> = PoolRelease<BalanceOf<T>, BlockNumberFor<T>>;
	/// An entry's lifetime in this runtime.
	pub type TrancheOf<T> = Tranche<BalanceOf<T>, BlockNumberFor<T>>;
	/// An open audit in this runtime.
	pub type OpenAuditOf<T> = OpenAudit<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	/// The layout of this pallet's storage; [`migrations`] moves older layouts to it.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency fees are paid and bonds held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// Who may set the storage price (governance).
		type PriceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The pallet's account id seed; fees and reward pools are kept there.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// The least bond a storage node must hold.
		#[pallet::constant]
		type MinNodeBond: Get<BalanceOf<Self>>;
		/// Blocks between deregistering and withdrawing the bond.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;
		/// Most storage nodes registered at once.
		#[pallet::constant]
		type MaxNodes: Get<u32>;
		/// Longest endpoint, in bytes.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;
		/// Longest lifetime a submission can pay for, in months.
		#[pallet::constant]
		type MaxLifetimeMonths: Get<u32>;
		/// Where each mining epoch's seed comes from (BABE's randomness in the runtime).
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// The largest base reward governance may set per answer.
		#[pallet::constant]
		type MaxBaseReward: Get<BalanceOf<Self>>;
		/// Most entries expiring at one block; more are moved to the blocks after.
		#[pallet::constant]
		type MaxExpiriesPerBlock: Get<u32>;
		/// The most the difficulty changes in one epoch, as a factor up or down.
		#[pallet::constant]
		type MaxRetargetStep: Get<u32>;
		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A storage node's bond.
		NodeBond,
	}

	/// Length of the flow, in sectors.
	#[pallet::storage]
	pub type FlowLength<T> = StorageValue<_, u64, ValueQuery>;

	/// Number of flow entries; the next entry's sequence number.
	#[pallet::storage]
	pub type EntryCount<T> = StorageValue<_, EntrySeq, ValueQuery>;

	/// Flow entries by sequence number.
	#[pallet::storage]
	pub type Entries<T: Config> = StorageMap<_, Twox64Concat, EntrySeq, FlowEntryOf<T>>;

	/// The entry of each file, by its id (root, size and tags together).
	#[pallet::storage]
	pub type EntryById<T> = StorageMap<_, Identity, FileId, EntrySeq>;

	/// Price of one sector (256 B) stored for one month.
	#[pallet::storage]
	pub type PricePerSectorMonth<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Fees credited to each pricing chunk of the flow, for its miners.
	#[pallet::storage]
	pub type RewardPools<T: Config> =
		StorageMap<_, Twox64Concat, PricingChunkIndex, BalanceOf<T>, ValueQuery>;

	/// The mining rules.
	#[pallet::storage]
	pub type Mining<T: Config> = StorageValue<_, MiningConfigOf<T>, ValueQuery>;

	/// The current mining epoch.
	#[pallet::storage]
	pub type CurrentEpoch<T: Config> = StorageValue<_, MiningEpoch<BlockNumberFor<T>>, ValueQuery>;

	/// What each miner has earned, and its last rewarded epoch.
	#[pallet::storage]
	pub type Miners<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, MinerRecord<BalanceOf<T>>, ValueQuery>;

	/// Each pricing chunk's release schedule: how much of its pool miners may take.
	#[pallet::storage]
	pub type PoolReleases<T: Config> =
		StorageMap<_, Twox64Concat, PricingChunkIndex, PoolReleaseOf<T>, ValueQuery>;

	/// The lifetime of every live entry; an entry without one has expired.
	#[pallet::storage]
	pub type Lifetimes<T: Config> = StorageMap<_, Twox64Concat, EntrySeq, TrancheOf<T>>;

	/// The entries expiring at each block.
	#[pallet::storage]
	pub type Expiries<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<EntrySeq, T::MaxExpiriesPerBlock>,
		ValueQuery,
	>;

	/// How nodes are audited.
	#[pallet::storage]
	pub type Audit<T: Config> = StorageValue<_, AuditConfig<BlockNumberFor<T>>, ValueQuery>;

	/// Open audits by id.
	#[pallet::storage]
	pub type Audits<T: Config> = StorageMap<_, Twox64Concat, u64, OpenAuditOf<T>>;

	/// The audit due at each block (one at most).
	#[pallet::storage]
	pub type AuditDeadlines<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, u64>;

	/// The next audit's id.
	#[pallet::storage]
	pub type NextAuditId<T> = StorageValue<_, u64, ValueQuery>;

	/// Each node's open audits.
	#[pallet::storage]
	pub type OpenAudits<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<u64, ConstU32<{ crate::audits::MAX_OPEN_AUDITS }>>,
		ValueQuery,
	>;

	/// Registered nodes by slot `0..count`, for drawing one at random.
	#[pallet::storage]
	pub type NodeSlots<T: Config> = CountedStorageMap<_, Twox64Concat, u32, T::AccountId>;

	/// Each registered node's slot.
	#[pallet::storage]
	pub type SlotOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32>;

	/// How shards are counted and their minimum replicas.
	#[pallet::storage]
	pub type Coverage<T: Config> = StorageValue<_, CoverageConfig, ValueQuery>;

	/// Bonds slashed by audits, released to the pools of the audited data.
	#[pallet::storage]
	pub type Slashed<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Registered storage nodes by operator account.
	#[pallet::storage]
	pub type Nodes<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, StorageNodeOf<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The initial price of a sector-month.
		pub price_per_sector_month: BalanceOf<T>,
		/// The mining rules (mining is off while `epoch_blocks` is zero).
		pub mining: MiningConfigOf<T>,
		/// The first epoch's quality target; `None` is the easiest, `u128::MAX`.
		pub initial_target: Option<u128>,
		/// How nodes are audited (off while `period` is zero).
		pub audit: AuditConfig<BlockNumberFor<T>>,
		/// Shard coverage rules.
		pub coverage: CoverageConfig,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			PricePerSectorMonth::<T>::put(self.price_per_sector_month);
			Mining::<T>::put(&self.mining);
			Audit::<T>::put(&self.audit);
			Coverage::<T>::put(&self.coverage);
			CurrentEpoch::<T>::put(MiningEpoch {
				target: self.initial_target.unwrap_or(u128::MAX),
				..Default::default()
			});
			// The market's account holds fees; it is endowed with the existential deposit
			// so that a fee below it (a small file) can still be paid into it.
			let account = Pallet::<T>::account_id();
			let min = T::Currency::minimum_balance();
			if T::Currency::balance(&account) < min {
				let _ = T::Currency::mint_into(&account, min);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A file was appended to the flow.
		Submitted {
			seq: EntrySeq,
			submitter: T::AccountId,
			id: FileId,
			root: FileRoot,
			size: u64,
			start_sector: u64,
			sectors: u64,
			fee: BalanceOf<T>,
		},
		/// Governance set the price of a sector-month.
		PriceSet { price: BalanceOf<T> },
		/// A storage node registered.
		NodeRegistered {
			node: T::AccountId,
			endpoint: EndpointOf<T>,
			shard: ShardConfig,
			bond: BalanceOf<T>,
		},
		/// A storage node changed its endpoint or shard.
		NodeUpdated { node: T::AccountId, endpoint: EndpointOf<T>, shard: ShardConfig },
		/// A storage node deregistered; its bond is withdrawable from `until`.
		NodeDeregistered { node: T::AccountId, until: BlockNumberFor<T> },
		/// A node's bond was released and the node removed.
		BondWithdrawn { node: T::AccountId, amount: BalanceOf<T> },
		/// A mining epoch began.
		EpochStarted { epoch: u64, target: u128, flow_sectors: u64 },
		/// A miner's answer was valid and rewarded.
		AnswerAccepted {
			miner: T::AccountId,
			epoch: u64,
			entry: EntrySeq,
			segment: u64,
			/// Released fees paid from the recalled pricing chunk's pool.
			fees: BalanceOf<T>,
			/// Minted base reward.
			base: BalanceOf<T>,
		},
		/// Governance set the mining rules.
		MiningConfigSet { config: MiningConfigOf<T> },
		/// An entry's lifetime was extended.
		Renewed { seq: EntrySeq, months: u32, fee: BalanceOf<T>, expires_at: BlockNumberFor<T> },
		/// An entry's paid lifetime ended: nodes may prune it.
		Expired { seq: EntrySeq },
		/// A node must prove it holds `unit` of `segment` of `entry` by `deadline`.
		AuditIssued {
			id: u64,
			node: T::AccountId,
			entry: EntrySeq,
			segment: u64,
			unit: u32,
			deadline: BlockNumberFor<T>,
		},
		/// A node proved what it was audited for.
		AuditPassed { id: u64, node: T::AccountId },
		/// A node failed an audit and was slashed.
		AuditFailed { id: u64, node: T::AccountId, slashed: BalanceOf<T>, why: AuditFailure },
		/// Governance set the coverage rules.
		CoverageSet { config: CoverageConfig },
		/// Governance set the audit rules.
		AuditConfigSet { config: AuditConfig<BlockNumberFor<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A file has at least one byte.
		EmptyFile,
		/// The file is larger than the spec allows (1 TiB).
		FileTooLarge,
		/// Lifetime must be between 1 and `MaxLifetimeMonths` months.
		InvalidLifetime,
		/// The fee or the flow length overflowed.
		Overflow,
		/// The account already runs a registered node.
		AlreadyRegistered,
		/// The account has no registered node.
		NotRegistered,
		/// The bond is below `MinNodeBond`.
		BondTooLow,
		/// `num_shard` must be a power of two and `shard_id` below it.
		InvalidShardConfig,
		/// The endpoint is empty.
		EmptyEndpoint,
		/// `MaxNodes` nodes are registered already.
		TooManyNodes,
		/// The node is unbonding and cannot be updated.
		NodeUnbonding,
		/// The node has not deregistered.
		NotUnbonding,
		/// The unbonding period has not passed yet.
		StillUnbonding,
		/// A file with this root, size and tags is in the flow already: nothing to pay.
		AlreadySubmitted,
		/// Mining is off (`epoch_blocks` is zero).
		MiningOff,
		/// The answer is for another epoch than the current one.
		WrongEpoch,
		/// The miner was rewarded in this epoch already.
		AlreadyAnswered,
		/// The epoch's cap of rewarded answers is reached.
		EpochFull,
		/// The recalled entry does not exist or its lifetime has ended.
		EntryNotLive,
		/// The epoch's flow was empty: nothing can be recalled.
		NoData,
		/// The nonce recalls another entry or segment (of the miner's shard) than named.
		WrongRecall,
		/// The unit is past the segment's data.
		UnitOutOfRange,
		/// The unit, unsealed with the miner's identity, does not prove against the
		/// entry's root: wrong data, a wrong Merkle path or another identity's seal.
		BadProof,
		/// The answer's quality is above the target.
		QualityTooLow,
		/// The base reward is above `MaxBaseReward`, or an epoch, month or answer count
		/// is zero where it must not be.
		InvalidMiningConfig,
		/// The expiry queue is full for every block near the entry's end.
		ExpiryQueueFull,
		/// No entry has this sequence number.
		UnknownEntry,
		/// No open audit has this id.
		UnknownAudit,
		/// The audit is of another node.
		NotYourAudit,
		/// The node has open audits: answer them (or let them lapse) before withdrawing.
		AuditOpen,
		/// The audit window is zero while audits are on.
		InvalidAuditConfig,
		/// Leaving would take a shard this node covers below the minimum replicas: wait
		/// until another node covers it.
		ShardUnderCovered,
		/// The shard count is not a power of two up to `MAX_SHARDS`.
		InvalidCoverage,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::expire_due(now)
				.saturating_add(Self::maybe_start_epoch(now))
				.saturating_add(Self::expire_audit(now))
				.saturating_add(Self::maybe_issue_audit(now))
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Appends a file to the flow, paying for `lifetime_months` of storage.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit(max_pools_touched(*size)))]
		pub fn submit(
			origin: OriginFor<T>,
			size: u64,
			root: FileRoot,
			tags: [u8; 32],
			lifetime_months: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit(who, Submission { size, root, tags }, lifetime_months)
		}

		/// Sets the price of one sector stored for one month.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_price())]
		pub fn set_price(origin: OriginFor<T>, price: BalanceOf<T>) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			PricePerSectorMonth::<T>::put(price);
			Self::deposit_event(Event::PriceSet { price });
			Ok(())
		}

		/// Registers the caller's storage node, holding `bond`, for `shard`, or (`None`)
		/// for the least-covered shard of the network's count. The coverage count is
		/// charged only when it runs (no shard given).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_node().saturating_add(T::WeightInfo::coverage_scan()))]
		pub fn register_node(
			origin: OriginFor<T>,
			endpoint: EndpointOf<T>,
			shard: Option<ShardConfig>,
			bond: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (shard, counted) = match shard {
				Some(shard) => (shard, false),
				None => (Self::assign_shard(), true),
			};
			Self::do_register_node(who, endpoint, shard, bond)?;
			Ok(Self::with_coverage_scan(T::WeightInfo::register_node(), counted))
		}

		/// Changes the caller's node endpoint and shard configuration.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::update_node().saturating_add(T::WeightInfo::coverage_scan()))]
		pub fn update_node(
			origin: OriginFor<T>,
			endpoint: EndpointOf<T>,
			shard: ShardConfig,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let counted = Self::do_update_node(who, endpoint, shard)?;
			Ok(Self::with_coverage_scan(T::WeightInfo::update_node(), counted))
		}

		/// Starts leaving: the node stops being listed as active and its bond becomes
		/// withdrawable after `UnbondingPeriod`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::deregister_node().saturating_add(T::WeightInfo::coverage_scan()))]
		pub fn deregister_node(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let counted = Self::do_deregister_node(who)?;
			Ok(Self::with_coverage_scan(T::WeightInfo::deregister_node(), counted))
		}

		/// Releases the bond of a node whose unbonding period has passed and removes it.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw_bond())]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_bond(who)
		}

		/// Submits a proof of random access for the current epoch. A valid answer is free
		/// and pays the miner the recalled pricing chunk's released fees and the base
		/// reward; an invalid one is refused with why, and pays its fee.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::submit_answer())]
		pub fn submit_answer(
			origin: OriginFor<T>,
			answer: Box<Answer>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_submit_answer(who, *answer)?;
			Ok(Pays::No.into())
		}

		/// Extends entry `seq`'s lifetime by `months`, paid by the caller at the current
		/// price; the entry's unreleased fees and the new fee release over the new
		/// remaining lifetime.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::renew(max_pools_touched(
			zerog_storage_primitives::MAX_FILE_SIZE
		)))]
		pub fn renew(
			origin: OriginFor<T>,
			seq: EntrySeq,
			months: u32,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_renew(who, seq, months)
		}

		/// Answers audit `id` of the caller's node. A valid proof closes it for free; a
		/// proof that does not hold closes it with a slash, as a missed one would.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::answer_audit().saturating_add(T::WeightInfo::slash_audit()))]
		pub fn answer_audit(
			origin: OriginFor<T>,
			id: u64,
			proof: Box<AuditProof>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let passed = Self::do_answer_audit(who, id, *proof)?;
			Ok(if passed { Pays::No } else { Pays::Yes }.into())
		}

		/// Sets the network's shard count and the minimum active nodes per shard.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::set_mining_config())]
		pub fn set_coverage(origin: OriginFor<T>, config: CoverageConfig) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			ensure!(
				config.shards.is_power_of_two() && config.shards <= MAX_SHARDS,
				Error::<T>::InvalidCoverage
			);
			Coverage::<T>::put(&config);
			Self::deposit_event(Event::CoverageSet { config });
			Ok(())
		}

		/// Sets the audit rules.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::set_mining_config())]
		pub fn set_audit_config(
			origin: OriginFor<T>,
			config: AuditConfig<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			ensure!(
				config.period.is_zero() || !config.window.is_zero(),
				Error::<T>::InvalidAuditConfig
			);
			Audit::<T>::put(&config);
			Self::deposit_event(Event::AuditConfigSet { config });
			Ok(())
		}

		/// Sets the mining rules; they apply from the next epoch (the epoch length at once).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_mining_config())]
		pub fn set_mining_config(
			origin: OriginFor<T>,
			config: MiningConfigOf<T>,
		) -> DispatchResult {
			T::PriceOrigin::ensure_origin(origin)?;
			Self::check_mining_config(&config)?;
			Mining::<T>::put(&config);
			Self::deposit_event(Event::MiningConfigSet { config });
			Ok(())
		}
	}
}
