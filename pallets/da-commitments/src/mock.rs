//! A test runtime: system, balances and the DA commitments, with sr25519 accounts so
//! attestations carry real signatures.

use crate as pallet_da_commitments;
use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types, traits::Hooks, PalletId},
	frame_system, pallet_balances,
	sp_core::{sr25519, Pair},
	sp_io::TestExternalities,
	sp_runtime::{AccountId32, BuildStorage, MultiSignature},
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;
pub type Balance = u128;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type DaCommitments = pallet_da_commitments;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = polkadot_sdk::sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const DaPalletId: PalletId = PalletId(*b"zg/dacom");
	pub const MinSignerBond: Balance = 1_000;
	pub storage EpochLength: u64 = 10;
	pub const AttestationWindow: u64 = 5;
	pub const UnbondingEpochs: u32 = 2;
	pub storage PricePerByte: Balance = 1;
	pub const MaxSigners: u32 = 8;
	pub const MaxRows: u32 = zerog_da_primitives::MAX_ROWS;
	pub const MaxBlobsPerBlock: u32 = 3;
	pub const MaxEndpointLen: u32 = 64;
	pub const ChallengePeriod: u64 = 4;
	pub const ChallengeWindow: u64 = 3;
	pub const ChallengeReward: Balance = 50;
	pub const ChallengeSlash: Balance = 300;
	pub const ChallengeShare: polkadot_sdk::sp_runtime::Perbill = polkadot_sdk::sp_runtime::Perbill::from_percent(10);
	pub const RetentionEpochs: u32 = 2;
	pub const MaxPrunedPerBlock: u32 = 2;
	pub storage ChallengeProbes: u32 = 4;
}

impl pallet_da_commitments::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PalletId = DaPalletId;
	type Signature = MultiSignature;
	type MinSignerBond = MinSignerBond;
	type EpochLength = EpochLength;
	type AttestationWindow = AttestationWindow;
	type UnbondingEpochs = UnbondingEpochs;
	type PricePerByte = PricePerByte;
	type MaxSigners = MaxSigners;
	type MaxRows = MaxRows;
	type MaxBlobsPerBlock = MaxBlobsPerBlock;
	type MaxEndpointLen = MaxEndpointLen;
	type ChallengePeriod = ChallengePeriod;
	type ChallengeWindow = ChallengeWindow;
	type ChallengeReward = ChallengeReward;
	type ChallengeSlash = ChallengeSlash;
	type ChallengeShare = ChallengeShare;
	type RetentionEpochs = RetentionEpochs;
	type MaxPrunedPerBlock = MaxPrunedPerBlock;
	type ChallengeProbes = ChallengeProbes;
	type Randomness = ParentHashRandomness;
	type WeightInfo = ();
}

/// Test randomness: a hash of the subject and the parent block's hash, so draws are
/// reproducible. `NoRandomness::set(true)` makes it answer `None`, as at a chain's start.
pub struct ParentHashRandomness;
parameter_types! {
	pub storage NoRandomness: bool = false;
}
impl frame_support::traits::Randomness<Option<polkadot_sdk::sp_core::H256>, u64>
	for ParentHashRandomness
{
	fn random(subject: &[u8]) -> (Option<polkadot_sdk::sp_core::H256>, u64) {
		use codec::Encode;
		let now = frame_system::Pallet::<Test>::block_number();
		if NoRandomness::get() {
			return (None, now);
		}
		let parent = frame_system::Pallet::<Test>::parent_hash();
		let bytes = [b"zg/da/challenge".encode(), parent.encode(), subject.to_vec()].concat();
		(Some(polkadot_sdk::sp_io::hashing::blake2_256(&bytes).into()), now)
	}
}

/// A test key from a seed phrase.
pub fn key(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("valid seed")
}

/// The account of a test key.
pub fn account(name: &str) -> AccountId {
	key(name).public().into()
}

pub const ENDOWMENT: Balance = 100_000_000;

/// Signers S1..S9 (each signing with key `S<i>key`), submitter Sam, and Eve.
pub fn new_test_ext() -> TestExternalities {
	// The whole runtime's genesis, as a chain builds it: each pallet's genesis and its
	// storage version.
	let names = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "Sam", "Eve"];
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig::<Test> {
			balances: names.iter().map(|n| (account(n), ENDOWMENT)).collect(),
			..Default::default()
		},
		da_commitments: Default::default(),
	}
	.build_storage()
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Moves to block `n`, running `on_initialize` of every block on the way.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		DaCommitments::on_initialize(next);
	}
}

/// [`new_test_ext`] with a keystore, for benchmarks that sign with host functions.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> TestExternalities {
	use polkadot_sdk::sp_keystore::{testing::MemoryKeystore, KeystoreExt};
	let mut ext = new_test_ext();
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext
}

/// Builds the test externalities and runs a test in them, then checks every invariant
/// of the pallet ([`crate::Pallet::do_try_state`]): a test passes only if it leaves the
/// storage consistent.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// Runs `test` at block 1 of a fresh chain, then checks the invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		new_test_ext().execute_with(|| {
			test();
			DaCommitments::do_try_state().expect("the pallet's invariants hold after the test");
		})
	}
}
