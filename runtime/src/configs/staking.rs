//! Proof of Stake and consensus: BABE block production (a BABE epoch is a session),
//! GRANDPA finality, `pallet-session` with its historical module (key-ownership proofs
//! for equivocation reports), `pallet-staking` with a bounded on-chain election,
//! `pallet-authorship` reward points, `pallet-offences`, and where fees go.
//!
//! The timing (epoch length, sessions per era, bonding and slash deferral) is the
//! chain's own, written at genesis ([`pallet_zerog_staking::timing`]): production runs
//! hour-long sessions and 6-hour eras, dev and test presets tens of blocks.

use pallet_zerog_staking::timing;
use polkadot_sdk::{
	frame_election_provider_support::{
		bounds::{ElectionBounds, ElectionBoundsBuilder},
		onchain, SequentialPhragmen,
	},
	frame_support::{
		parameter_types,
		traits::{tokens::imbalance::ResolveTo, ConstBool, ConstU32, Nothing},
	},
	pallet_authorship, pallet_babe, pallet_grandpa, pallet_offences, pallet_session,
	pallet_staking,
	sp_runtime::{
		traits::{ConvertInto, OpaqueKeys},
		Perbill,
	},
	sp_session::MembershipProof,
	sp_staking::currency_to_vote::U128CurrencyToVote,
};

use super::governance::{TreasuryAccount, TreasuryFeeShare};
use crate::{
	governance::origins::{RootOr, StakingAdmin},
	AccountId, Babe, Balance, Balances, Historical, Offences, Runtime, RuntimeEvent,
	RuntimeHoldReason, Session, SessionKeys, Staking, Timestamp, MILLI_SECS_PER_BLOCK, UNIT,
};

parameter_types! {
	/// Validators in the active set, at most; also BABE's and GRANDPA's authority bound.
	pub const MaxValidatorSet: u32 = 100;
	/// Nominators paid per page of a validator's exposure; BABE and GRANDPA size the
	/// weight of an equivocation report by it.
	pub const MaxExposurePageSize: u32 = 64;
	/// Held from an account that registers session keys, returned when it purges them.
	pub const SessionKeyDeposit: Balance = UNIT;
	/// The on-chain election reads at most 5,000 voters and 1,000 candidates, whatever
	/// is bonded: the era transition's work is bounded (docs/staking.md).
	pub ElectionBoundsOnChain: ElectionBounds = ElectionBoundsBuilder::default()
		.voters_count(MAX_VOTERS.into())
		.targets_count(MAX_CANDIDATES.into())
		.build();
	/// A year's inflation: 4 % of the total issuance, minted era by era.
	pub const InflationRate: Perbill = Perbill::from_percent(4);
	/// The treasury's share of each era's inflation (0G's community tax).
	pub const InflationTreasuryShare: Perbill = Perbill::from_percent(10);
}

/// Voters the election reads: every validator votes for itself, and at most
/// [`MAX_NOMINATORS`] nominators. Genesis caps the counts at these so the snapshot
/// never leaves anyone out.
pub const MAX_VOTERS: u32 = MAX_NOMINATORS + MAX_CANDIDATES;
/// Nominators the chain admits (`staking.maxNominatorsCount` at genesis).
pub const MAX_NOMINATORS: u32 = 4_000;
/// Validator candidates the chain admits (`staking.maxValidatorsCount` at genesis).
pub const MAX_CANDIDATES: u32 = 1_000;
/// Least self-bond of a validator: 32 ZG, as 0G.
pub const MIN_VALIDATOR_BOND: Balance = 32 * UNIT;
/// Least bond of a nominator: 1 ZG.
pub const MIN_NOMINATOR_BOND: Balance = UNIT;

impl pallet_babe::Config for Runtime {
	type EpochDuration = timing::EpochDuration<Runtime>;
	type ExpectedBlockTime = polkadot_sdk::frame_support::traits::ConstU64<MILLI_SECS_PER_BLOCK>;
	/// Sessions decide when an epoch ends (`ShouldEndSession = Babe` below).
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = Session;
	type WeightInfo = ();
	type MaxAuthorities = MaxValidatorSet;
	type MaxNominators = MaxExposurePageSize;
	type KeyOwnerProof = MembershipProof;
	type EquivocationReportSystem = pallet_babe::EquivocationReportSystem<
		Self,
		Offences,
		Historical,
		timing::ReportLongevity<Runtime>,
	>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxValidatorSet;
	type MaxNominators = MaxExposurePageSize;
	type MaxSetIdSessionEntries = timing::SetIdSessionEntries<Runtime>;
	type KeyOwnerProof = MembershipProof;
	type EquivocationReportSystem = pallet_grandpa::EquivocationReportSystem<
		Self,
		Offences,
		Historical,
		timing::ReportLongevity<Runtime>,
	>;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	/// A validator is its stash account.
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	/// Staking elects each era's set; the historical module keeps each session's set
	/// root, so a key-ownership proof can be checked for the bonding duration.
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, Staking>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// An offender stops authoring and voting for the rest of the era; at most a third
	/// of the set is disabled at once, and a worse offender displaces a lesser one.
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = pallet_staking::UnitIdentificationOf<Self>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	/// 20 reward points to the author of each block.
	type EventHandler = Staking;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Staking;
}

/// The block's author as pallet-authorship finds it in the BABE pre-digest.
pub struct BlockAuthor;
impl polkadot_sdk::frame_support::traits::Get<Option<AccountId>> for BlockAuthor {
	fn get() -> Option<AccountId> {
		pallet_authorship::Pallet::<Runtime>::author()
	}
}

/// Transaction fees: held for the block and paid out in its `on_finalize`,
/// [`TreasuryFeeShare`] of each fee to the treasury, the rest and every tip to the
/// block's author ([`pallet_zerog_staking::fees`]).
impl pallet_zerog_staking::Config for Runtime {
	type Currency = Balances;
	type TreasuryAccount = TreasuryAccount;
	type TreasuryFeeShare = TreasuryFeeShare;
	type BlockAuthor = BlockAuthor;
	type WeightInfo = pallet_zerog_staking::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::SetAuthor;
}

/// The on-chain election: sequential Phragmén over the bounded snapshot.
pub struct OnChainSeqPhragmen;
impl onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo =
		polkadot_sdk::frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxWinnersPerPage = MaxValidatorSet;
	type MaxBackersPerWinner = ConstU32<MAX_VOTERS>;
	type Sort = ConstBool<true>;
	type Bounds = ElectionBoundsOnChain;
}

/// How many validators and nominators `benchmark pallet` sets up for staking.
pub struct StakingBenchmarkingConfig;
impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxValidators = ConstU32<1_000>;
	type MaxNominators = ConstU32<1_000>;
}

impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	type Currency = Balances;
	type CurrencyBalance = Balance;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = Timestamp;
	type CurrencyToVote = U128CurrencyToVote;
	type ElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type GenesisElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	/// Eras whose rewards stay claimable.
	type HistoryDepth = ConstU32<84>;
	/// The treasury's share of each era's inflation.
	type RewardRemainder = ResolveTo<TreasuryAccount, Balances>;
	type RuntimeEvent = RuntimeEvent;
	/// Slashed stake that does not reward reporters goes to the treasury.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	type Reward = ();
	type SessionsPerEra = timing::SessionsPerEra<Runtime>;
	type BondingDuration = timing::BondingDuration<Runtime>;
	type SlashDeferDuration = timing::SlashDeferDuration<Runtime>;
	/// The `staking_admin` track (or root): cancels deferred slashes, sets the
	/// validator count and the least commission.
	type AdminOrigin = RootOr<StakingAdmin>;
	type SessionInterface = Self;
	type EraPayout = pallet_zerog_staking::FixedInflation<InflationRate, InflationTreasuryShare>;
	type NextNewSession = Session;
	type MaxExposurePageSize = MaxExposurePageSize;
	type MaxValidatorSet = MaxValidatorSet;
	/// With the counts capped at genesis, every voter fits the snapshot, so a map in
	/// storage order serves; a sorted bags list is needed only past the caps.
	type VoterList = pallet_staking::UseNominatorsAndValidatorsMap<Self>;
	type TargetList = pallet_staking::UseValidatorsMap<Self>;
	type MaxUnlockingChunks = ConstU32<32>;
	type MaxControllersInDeprecationBatch = ConstU32<100>;
	type EventListeners = ();
	type Filter = Nothing;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = pallet_staking::weights::SubstrateWeight<Runtime>;
}

/// BABE's configuration as the node reads it: the epoch length from the chain's
/// timing, the epoch configuration in force (the genesis one until changed).
pub fn babe_configuration() -> polkadot_sdk::sp_consensus_babe::BabeConfiguration {
	let epoch =
		pallet_babe::EpochConfig::<Runtime>::get().unwrap_or(crate::BABE_GENESIS_EPOCH_CONFIG);
	polkadot_sdk::sp_consensus_babe::BabeConfiguration {
		slot_duration: Babe::slot_duration(),
		epoch_length:
			<timing::EpochDuration<Runtime> as polkadot_sdk::frame_support::traits::Get<u64>>::get(),
		c: epoch.c,
		authorities: pallet_babe::Authorities::<Runtime>::get().into_inner(),
		randomness: pallet_babe::Randomness::<Runtime>::get(),
		allowed_slots: epoch.allowed_slots,
	}
}

/// A proof, from the historical session module, that `key` belonged to a validator of
/// the current session: what an equivocation report carries.
pub fn key_ownership_proof(
	key: (polkadot_sdk::sp_core::crypto::KeyTypeId, impl AsRef<[u8]>),
) -> Option<alloc::vec::Vec<u8>> {
	use codec::Encode;
	use polkadot_sdk::frame_support::traits::KeyOwnerProofSystem;
	Historical::prove(key).map(|proof| proof.encode())
}

/// Equivocation reports are bare (unsigned) extrinsics the node submits from its
/// offchain context; the pallets validate them by their proofs.
impl<C> polkadot_sdk::frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	crate::RuntimeCall: From<C>,
{
	type Extrinsic = crate::UncheckedExtrinsic;
	type RuntimeCall = crate::RuntimeCall;
}

impl<C> polkadot_sdk::frame_system::offchain::CreateBare<C> for Runtime
where
	crate::RuntimeCall: From<C>,
{
	fn create_bare(call: crate::RuntimeCall) -> crate::UncheckedExtrinsic {
		crate::SubstrateExtrinsic::new_bare(call).into()
	}
}
