//! The configuration of every pallet in the runtime; [`evm`] holds pallet-revive's,
//! [`governance`] OpenGov's, [`staking`] consensus and Proof of Stake. Knobs governance tunes come from
//! [`crate::governance::dynamic_params`].

pub mod evm;
pub mod governance;
pub mod staking;

use polkadot_sdk::{
	frame_support::{
		derive_impl,
		dispatch::DispatchClass,
		parameter_types,
		traits::{ConstU128, ConstU32, ConstU64, ConstU8, Get, VariantCountOf},
		weights::{constants::WEIGHT_REF_TIME_PER_SECOND, ConstantMultiplier, Weight},
		PalletId,
	},
	frame_system::{
		self,
		limits::{BlockLength, BlockWeights},
	},
	pallet_balances, pallet_sudo, pallet_timestamp,
	pallet_transaction_payment::{self, ConstFeeMultiplier, FungibleAdapter, Multiplier},
	sp_runtime::{FixedPointNumber, Perbill},
	sp_version::RuntimeVersion,
};

use alloc::boxed::Box;
use once_cell::race::OnceBox;

use crate::weights::{
	block_weights::BlockExecutionWeight, extrinsic_weights::ExtrinsicBaseWeight,
	rocksdb_weights::constants::RocksDbWeight,
};

use crate::governance::{
	da_periods, dynamic_params as params,
	origins::{ProtocolParameters, RootOr},
};

use super::{
	AccountId, Babe, Balance, Balances, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	System, DAYS, EXISTENTIAL_DEPOSIT, SLOT_DURATION, SS58_PREFIX, UNIT, VERSION,
};

/// Share of a block's weight and length that ordinary transactions may use; the rest is
/// kept for operational ones and the block's own work (inherents, hooks). A tenth of a
/// block, 100 ms, is room for about 400 operational transactions; no pallet of this
/// runtime declares any. What bounds a block's import time is its whole weight
/// ([`MAXIMUM_BLOCK_WEIGHT`], half the slot), not this share: 90 % lets a block carry
/// 1.2 times the transfers that polkadot-sdk's customary 75 % does, with the same
/// worst-case import (docs/performance.md, "EVM throughput").
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(90);

/// The weight a block may have: one second of execution, half the 2 s slot.
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX);

/// Largest block, in bytes, of all dispatch classes together.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// pallet-revive's Ethereum block builder, as (pallet, storage item): values that every
/// Ethereum transaction of a block reads and writes and `on_finalize` clears. After the
/// block's first Ethereum transaction they are in the block's overlay, so the runtime's
/// benchmarks whitelist them (`benchmarks::block_shared_keys`) and the block's base
/// weight pays their database access once ([`BlockSharedAccess`]). A unit test checks
/// that Revive still declares each as a storage value.
pub const ETH_BLOCK_BUILDER_ITEMS: [(&str, &str); 2] =
	[("Revive", "EthBlockBuilderIR"), ("Revive", "EthBlockBuilderFirstValues")];

/// The count of the block's Ethereum transactions that [`pallet_eth_block`] keeps, as
/// (pallet, storage item): read and written by every Ethereum transaction, cleared in
/// `on_finalize`, so priced like [`ETH_BLOCK_BUILDER_ITEMS`].
pub const ETH_BLOCK_COUNT_ITEMS: [(&str, &str); 1] = [("EthBlock", "EthTransactions")];

/// The number of [`ETH_BLOCK_BUILDER_ITEMS`] and [`ETH_BLOCK_COUNT_ITEMS`].
const BLOCK_SHARED_VALUES: u64 =
	(ETH_BLOCK_BUILDER_ITEMS.len() + ETH_BLOCK_COUNT_ITEMS.len()) as u64;

parameter_types! {
	/// The database accesses a block makes once for keys its transactions share, which the
	/// runtime's benchmarks whitelist (`benchmarks::block_shared_keys`): a read and a
	/// write of each of [`ETH_BLOCK_BUILDER_ITEMS`] and [`ETH_BLOCK_COUNT_ITEMS`], however
	/// many Ethereum transactions use them. (`Timestamp::Now`, also whitelisted, is priced by the timestamp inherent
	/// that writes it first in every block.)
	pub BlockSharedAccess: Weight =
		RocksDbWeight::get().reads_writes(BLOCK_SHARED_VALUES, BLOCK_SHARED_VALUES);
	pub const BlockHashCount: BlockNumber = 4096;
	pub const Version: RuntimeVersion = VERSION;

	pub const SS58Prefix: u16 = SS58_PREFIX;
}

/// `build()`'s value, built the first time a runtime call asks for it and copied after.
fn built_once<T: Clone>(cell: &'static OnceBox<T>, build: impl FnOnce() -> T) -> T {
	cell.get_or_init(|| Box::new(build())).clone()
}

/// Half of the 2 s block time may be spent executing the block; the base weights of a
/// block and of an extrinsic are this machine's (`crate::weights`). The block's base
/// also pays, once, for the keys that benchmarks do not price per transaction because
/// a block's transactions share them ([`BlockSharedAccess`]).
///
/// Built once per runtime call and then copied: FRAME asks for the block's weights
/// several times per transaction (the weight check, the fee, the dispatch), and building
/// them each time (three classes, `Perbill` arithmetic, their validation) was a tenth of
/// the runtime's own Wasm execution in a profile of `benchmark overhead`
/// (docs/performance.md, "Calls moved, not copied").
pub struct RuntimeBlockWeights;

impl RuntimeBlockWeights {
	/// The value (an inherent function, as `parameter_types!` gives one).
	pub fn get() -> BlockWeights {
		static WEIGHTS: OnceBox<BlockWeights> = OnceBox::new();
		built_once(&WEIGHTS, || {
			BlockWeights::builder()
				.base_block(BlockExecutionWeight::get().saturating_add(BlockSharedAccess::get()))
				.for_class(DispatchClass::all(), |weights| {
					weights.base_extrinsic = ExtrinsicBaseWeight::get();
				})
				.for_class(DispatchClass::Normal, |weights| {
					weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
				})
				.for_class(DispatchClass::Operational, |weights| {
					weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
					// Operational transactions may fill what normal ones leave.
					weights.reserved =
						Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
				})
				.avg_block_initialization(Perbill::from_percent(10))
				.build_or_panic()
		})
	}
}

impl Get<BlockWeights> for RuntimeBlockWeights {
	fn get() -> BlockWeights {
		Self::get()
	}
}

/// The block's length limits; built once per runtime call, as [`RuntimeBlockWeights`].
pub struct RuntimeBlockLength;

impl RuntimeBlockLength {
	/// The value (an inherent function, as `parameter_types!` gives one).
	pub fn get() -> BlockLength {
		static LENGTH: OnceBox<BlockLength> = OnceBox::new();
		built_once(&LENGTH, || {
			BlockLength::builder()
				.max_length(MAX_BLOCK_LENGTH)
				.modify_max_length_for_class(DispatchClass::Normal, |max| {
					*max = NORMAL_DISPATCH_RATIO * MAX_BLOCK_LENGTH
				})
				.build()
		})
	}
}

impl Get<BlockLength> for RuntimeBlockLength {
	fn get() -> BlockLength {
		Self::get()
	}
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// Reads and writes priced as measured on the reference machine's RocksDB.
	type DbWeight = RocksDbWeight;
	/// frame-system's transaction checks: executed inside the extrinsic base weight; the
	/// signer's account is charged on top (`weights::transaction_extensions`).
	type ExtensionsWeightInfo = crate::weights::transaction_extensions::SystemExtensions<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Babe;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

/// The fee multiplier, constant. It scales weight fees only (`WEIGHT_FEE` is divided by
/// it, so a weight costs what it did at one), and pallet-revive's gas price is the
/// multiplier times its `GasScale`: a `u32`, which alone cannot lift the price to where
/// gas units read like Ethereum's ([`evm::GAS_PRICE_WEI`]).
pub const FEE_MULTIPLIER: u128 = 25;

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::saturating_from_integer(FEE_MULTIPLIER);
	/// Fee per byte of an extrinsic: 0.000001 ZG.
	pub const TransactionByteFee: Balance = 1_000_000_000_000;
}

/// Fee per picosecond of ref-time weight before the multiplier: with it, 10^6 wei per
/// picosecond (a balance transfer costs about 0.0002 ZG in weight). Proof size is priced
/// at the same share of the block as ref time.
pub const WEIGHT_FEE: Balance = 1_000_000 / FEE_MULTIPLIER;

/// Weight to fee, in the form pallet-revive needs to convert between fees and Ethereum
/// gas: `max(ref_time * WEIGHT_FEE, proof_size * WEIGHT_FEE * max_ref_time / max_proof)`,
/// then times [`FEE_MULTIPLIER`].
pub type WeightToFee =
	polkadot_sdk::pallet_revive::evm::fees::BlockRatioFee<WEIGHT_FEE, 1, Runtime, Balance>;

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees are withdrawn from the sender and held for the block; at its end a share
	/// feeds the treasury and the rest pays the block's author
	/// ([`pallet_zerog_staking::fees`]).
	type OnChargeTransaction =
		FungibleAdapter<Balances, pallet_zerog_staking::CollectFees<Runtime>>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = WeightToFee;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	/// The fee charge (withdraw, refund, the treasury's and the author's shares): executed
	/// inside the extrinsic base weight (`weights::transaction_extensions`).
	type WeightInfo = crate::weights::transaction_extensions::FeeCharge<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const StorageMarketPalletId: PalletId = PalletId(*b"zg/store");
	/// A storage node bonds at least 100 ZG.
	pub const MinStorageNodeBond: Balance = 100 * UNIT;
	/// A leaving storage node's bond stays held for a day.
	pub const StorageNodeUnbonding: BlockNumber = DAYS;
	/// Governance may mint at most 100 ZG per valid mining answer.
	pub const MaxMiningBaseReward: Balance = 100 * UNIT;
	/// A production chain's mining rules: see [`PRODUCTION_MINING`].
	pub ProductionMining: pallet_storage_market::MiningConfig<Balance, BlockNumber> =
		PRODUCTION_MINING;
}

/// Audits on a production chain: one every 10 minutes, an hour to answer, 1 % of the
/// bond per failure.
pub const PRODUCTION_AUDIT: pallet_storage_market::AuditConfig<BlockNumber> =
	pallet_storage_market::AuditConfig {
		period: 10 * crate::MINUTES,
		window: crate::HOURS,
		slash: polkadot_sdk::sp_runtime::Perbill::from_percent(1),
	};

/// Mining on a production chain: 10-minute epochs retargeted toward 16 answers (at most
/// 64), 1 ZG minted per answer, months of 30 days.
pub const PRODUCTION_MINING: pallet_storage_market::MiningConfig<Balance, BlockNumber> =
	pallet_storage_market::MiningConfig {
		epoch_blocks: 10 * crate::MINUTES,
		target_answers: 16,
		max_answers: 64,
		base_reward: UNIT,
		month_blocks: 30 * DAYS,
	};

impl pallet_storage_market::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Storage prices change by a `protocol_parameters` referendum (or root).
	type PriceOrigin = RootOr<ProtocolParameters>;
	type PalletId = StorageMarketPalletId;
	type MinNodeBond = MinStorageNodeBond;
	type UnbondingPeriod = StorageNodeUnbonding;
	type MaxNodes = ConstU32<1024>;
	type MaxEndpointLen = ConstU32<128>;
	type MaxLifetimeMonths = ConstU32<120>;
	/// Each epoch's seed: BABE's randomness, mixed with the parent hash by the pallet.
	type Randomness = polkadot_sdk::pallet_babe::RandomnessFromOneEpochAgo<Runtime>;
	type MaxBaseReward = MaxMiningBaseReward;
	type MaxExpiriesPerBlock = ConstU32<1024>;
	type MaxRetargetStep = ConstU32<4>;
	type WeightInfo = pallet_storage_market::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Settled receipts can be disputed for 7 days.
	pub const ComputeDisputeWindow: BlockNumber = 7 * DAYS;
	/// A retired service's bond stays slashable a day past the dispute window.
	pub const ComputeRetirementPeriod: BlockNumber = 8 * DAYS;
	/// Receipts per settlement, as 0G Serving.
	pub const ComputeMaxBatch: u32 = 50;
	/// Longest service name, model or endpoint URL.
	pub const ComputeMaxStringLen: u32 = 256;
	/// Services one provider may run at once.
	pub const ComputeMaxServicesPerProvider: u32 = 16;
}

parameter_types! {
	/// Seed of the DA pallet's account (fees in flight, the challenge pool).
	pub const DaPalletId: PalletId = PalletId(*b"zg/dacom");
	/// Least bond of a DA signer: 100 ZG.
	pub const DaMinSignerBond: Balance = 100 * UNIT;
	/// Signers keep cells, and blobs stay challengeable, for 2,880 epochs: a day at the
	/// default epoch length (`da.EpochLength`, 15 blocks).
	pub const DaRetentionEpochs: u32 = DAYS / 15;
	/// A bond stays slashable for as long as its cells must be served.
	pub const DaUnbondingEpochs: u32 = DAYS / 15;
	/// A tenth of each confirmed blob's fee funds challenge rewards.
	pub const DaChallengeShare: Perbill = Perbill::from_percent(10);
	/// Signers in a quorum.
	pub const DaMaxSigners: u32 = 64;
	pub const DaMaxRows: u32 = zerog_da_primitives::MAX_ROWS;
	pub const DaMaxBlobsPerBlock: u32 = 64;
	pub const DaMaxEndpointLen: u32 = 128;
	/// Commitments of blobs out of retention dropped per block: as many as can be
	/// submitted in one block, so pruning keeps pace (at most 6.4 ms of writes).
	pub const DaMaxPrunedPerBlock: u32 = 64;
	/// A challenge draw tries up to 8 blob ids (8 blob reads) for one it can challenge.
	pub const DaChallengeProbes: u32 = 8;
}

impl pallet_da_commitments::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PalletId = DaPalletId;
	type Signature = super::Signature;
	type MinSignerBond = DaMinSignerBond;
	type EpochLength = da_periods::EpochLength;
	type AttestationWindow = da_periods::AttestationWindow;
	type UnbondingEpochs = DaUnbondingEpochs;
	type PricePerByte = params::da::PricePerByte;
	type ChallengePeriod = da_periods::ChallengePeriod;
	type ChallengeWindow = da_periods::ChallengeWindow;
	type ChallengeReward = params::da::ChallengeReward;
	type ChallengeSlash = params::da::ChallengeSlash;
	type ChallengeShare = DaChallengeShare;
	type RetentionEpochs = DaRetentionEpochs;
	type MaxSigners = DaMaxSigners;
	type MaxRows = DaMaxRows;
	type MaxBlobsPerBlock = DaMaxBlobsPerBlock;
	type MaxEndpointLen = DaMaxEndpointLen;
	type MaxPrunedPerBlock = DaMaxPrunedPerBlock;
	type ChallengeProbes = DaChallengeProbes;
	/// Challenges draw from the parent block's BABE VRF output, which its author could
	/// not choose, only withhold (losing the block).
	type Randomness = polkadot_sdk::pallet_babe::ParentBlockRandomness<Runtime>;
	type WeightInfo = pallet_da_commitments::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held while a collection exists, against state bloat (its record is under 150
	/// bytes); released when the empty collection is destroyed.
	pub const InftCollectionDeposit: Balance = UNIT;
	/// Held while a token exists (its record, owner index and grants: under 2 KiB with
	/// every grant); released when it is burned.
	pub const InftTokenDeposit: Balance = UNIT / 10;
	pub const InftMaxNameLen: u32 = 64;
	pub const InftMaxDescriptionLen: u32 = 256;
	/// Executors (compute providers) one token can be granted to at once.
	pub const InftMaxGrants: u32 = 16;
}

impl pallet_inft::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CollectionDeposit = InftCollectionDeposit;
	type TokenDeposit = InftTokenDeposit;
	type MaxNameLen = InftMaxNameLen;
	type MaxDescriptionLen = InftMaxDescriptionLen;
	type MaxGrants = InftMaxGrants;
	type DeliveryPeriod = crate::governance::InftDeliveryPeriod;
	type WeightInfo = pallet_inft::weights::SubstrateWeight<Runtime>;
}

impl pallet_compute_market::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Signature = super::Signature;
	type MinDeposit = params::compute::MinDeposit;
	type MinServiceBond = params::compute::MinServiceBond;
	type RefundLock = params::compute::RefundLock;
	type DisputeWindow = ComputeDisputeWindow;
	type RetirementPeriod = ComputeRetirementPeriod;
	type DisputeSlash = params::compute::DisputeSlash;
	type MaxBatch = ComputeMaxBatch;
	type MaxStringLen = ComputeMaxStringLen;
	type MaxServicesPerProvider = ComputeMaxServicesPerProvider;
	type WeightInfo = pallet_compute_market::weights::SubstrateWeight<Runtime>;
}
