//! OpenGov: preimages, the scheduler, referenda with conviction voting on the tracks of
//! [`crate::governance::tracks`], the technical committee and its whitelist, the
//! treasury, and `pallet-parameters` for ZeroG's protocol parameters.

use crate::{
	configs::RuntimeBlockWeights,
	governance::{
		self,
		origins::{self, RootOr},
	},
	AccountId, Balance, Balances, OriginCaller, Preimage, Referenda, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, RuntimeParameters, System, Treasury, UNIT,
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{
			fungible::HoldConsideration,
			tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
			ConstU32, EitherOf, EitherOfDiverse, EqualPrivilegeOnly, LinearStoragePrice,
		},
		weights::Weight,
		PalletId,
	},
	frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureSigned, EnsureWithSuccess},
	pallet_collective, pallet_conviction_voting, pallet_parameters, pallet_preimage,
	pallet_referenda, pallet_scheduler, pallet_treasury, pallet_whitelist,
	sp_runtime::{
		traits::{AccountIdConversion, IdentityLookup},
		Perbill,
	},
};

parameter_types! {
	/// A preimage holds 1 ZG plus 0.001 ZG a byte until it is no longer needed.
	pub const PreimageBaseDeposit: Balance = UNIT;
	pub const PreimageByteDeposit: Balance = UNIT / 1_000;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Scheduled calls (enacted referenda) may use 80 % of a block.
	pub MaximumSchedulerWeight: Weight = Perbill::from_percent(80) *
		RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// Submitting a referendum reserves 1 ZG, returned when it ends.
	pub const SubmissionDeposit: Balance = UNIT;
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type Scheduler = polkadot_sdk::pallet_scheduler::Pallet<Runtime>;
	type Currency = Balances;
	type SubmitOrigin = EnsureSigned<AccountId>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	/// Slashed deposits go to the treasury.
	type Slash = Treasury;
	type Votes = Balance;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = governance::UndecidingTimeout;
	type AlarmInterval = ConstU32<1>;
	type Tracks = governance::tracks::Tracks;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	/// Support is measured against the active issuance.
	type MaxTurnout = polkadot_sdk::frame_support::traits::tokens::currency::ActiveIssuanceOf<
		Balances,
		AccountId,
	>;
	type MaxVotes = ConstU32<512>;
	type VoteLockingPeriod = governance::VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

/// The technical committee's instance of `pallet-collective`.
pub type TechnicalCollective = pallet_collective::Instance1;

parameter_types! {
	pub MaxCommitteeProposalWeight: Weight = Perbill::from_percent(50) *
		RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<TechnicalCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = governance::MotionDuration;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<32>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// The committee's membership changes by root referendum.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCommitteeProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

/// Two thirds of the technical committee.
pub type TwoThirdsOfCommittee =
	pallet_collective::EnsureProportionAtLeast<AccountId, TechnicalCollective, 2, 3>;

impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	/// Two thirds of the technical committee whitelist a call's hash...
	type WhitelistOrigin = EitherOfDiverse<EnsureRoot<AccountId>, TwoThirdsOfCommittee>;
	/// ...and a referendum on the `whitelisted_caller` track dispatches it as root.
	type DispatchWhitelistedOrigin = RootOr<origins::WhitelistedCaller>;
	type Preimages = Preimage;
	type DeferredDispatchExpiration = governance::MotionDuration;
	type BlockNumberProvider = System;
	type WeightInfo = pallet_whitelist::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const TreasuryPalletId: PalletId = PalletId(*b"py/trsry");
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
	/// Most one `treasurer` referendum spends: 100,000 ZG.
	pub const TreasurerSpendLimit: Balance = 100_000 * UNIT;
	pub const MaxBalance: Balance = Balance::MAX;
}

/// Root spends anything; a `treasurer` referendum up to [`TreasurerSpendLimit`].
pub type TreasurySpender = EitherOf<
	EnsureRootWithSuccess<AccountId, MaxBalance>,
	EnsureWithSuccess<origins::Treasurer, AccountId, TreasurerSpendLimit>,
>;

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = RootOr<origins::Treasurer>;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = governance::SpendPeriod;
	/// Nothing unspent is burned: the treasury is fed by fees and keeps them.
	type Burn = ();
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = TreasurySpender;
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = governance::PayoutPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TreasuryArguments;
	type BlockNumberProvider = System;
}

/// Treasury benchmark arguments: the native asset and a beneficiary from a seed.
#[cfg(feature = "runtime-benchmarks")]
pub struct TreasuryArguments;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_treasury::ArgumentsFactory<(), AccountId> for TreasuryArguments {
	fn create_asset_kind(_seed: u32) {}
	fn create_beneficiary(seed: [u8; 32]) -> AccountId {
		AccountId::from(seed)
	}
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = governance::ParameterOrigin;
	type WeightInfo = ();
}

impl origins::Config for Runtime {}

parameter_types! {
	/// Share of each transaction fee the treasury receives; the rest, and every tip, goes
	/// to the block's author, paid once a block ([`pallet_zerog_staking::fees`]).
	pub const TreasuryFeeShare: Perbill = Perbill::from_percent(20);
}
