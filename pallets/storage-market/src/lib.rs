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
//! Clients read all of it through the `StorageMarketApi` runtime API
//! (`zerog_storage_primitives::runtime_api`). Sizes and Merkle rules come from `zerog-storage-primitives`.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod flow;
mod invariants;
pub mod migrations;
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
	EntrySeq, FileId, FileRoot, FlowEntry, NodeInfo, NodeStatus, ShardConfig, Submission,
	CHUNK_SIZE,
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

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
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

	/// The layout of this pallet's storage; [`migrations`] moves older layouts to it.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

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

	/// Registered storage nodes by operator account.
	#[pallet::storage]
	pub type Nodes<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, StorageNodeOf<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The initial price of a sector-month.
		pub price_per_sector_month: BalanceOf<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			PricePerSectorMonth::<T>::put(self.price_per_sector_month);
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

		/// Registers the caller's storage node, holding `bond`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_node())]
		pub fn register_node(
			origin: OriginFor<T>,
			endpoint: EndpointOf<T>,
			shard: ShardConfig,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_node(who, endpoint, shard, bond)
		}

		/// Changes the caller's node endpoint and shard configuration.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::update_node())]
		pub fn update_node(
			origin: OriginFor<T>,
			endpoint: EndpointOf<T>,
			shard: ShardConfig,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_node(who, endpoint, shard)
		}

		/// Starts leaving: the node stops being listed as active and its bond becomes
		/// withdrawable after `UnbondingPeriod`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::deregister_node())]
		pub fn deregister_node(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister_node(who)
		}

		/// Releases the bond of a node whose unbonding period has passed and removes it.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw_bond())]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_bond(who)
		}
	}
}
