//! A test runtime: system, balances and the storage market.

use crate::{self as pallet_storage_market, MiningConfig};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types, traits::Randomness, PalletId},
	frame_system::{self, EnsureRoot},
	pallet_balances,
	sp_core::H256,
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
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
	pub type StorageMarket = pallet_storage_market;
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
	pub const StoragePalletId: PalletId = PalletId(*b"zg/store");
	pub const MinNodeBond: Balance = 100;
	pub const UnbondingPeriod: u64 = 10;
	pub const MaxNodes: u32 = 3;
	pub const MaxEndpointLen: u32 = 64;
	pub const MaxLifetimeMonths: u32 = 120;
	pub const MaxBaseReward: Balance = 1_000;
	pub const MaxExpiriesPerBlock: u32 = 4;
	pub const MaxRetargetStep: u32 = 4;
}

/// Epochs of 10 blocks, 4 answers wanted, at most 8, a base reward of 7 and months of
/// 100 blocks.
pub const MINING: MiningConfig<Balance, u64> = MiningConfig {
	epoch_blocks: 10,
	target_answers: 4,
	max_answers: 8,
	base_reward: 7,
	month_blocks: 100,
};

/// Randomness for tests: a hash of the subject and the block number, known to all.
pub struct TestRandomness;

impl Randomness<H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let now = System::block_number();
		(H256(polkadot_sdk::sp_io::hashing::blake2_256(&(subject, now).encode())), now)
	}
}

impl pallet_storage_market::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PriceOrigin = EnsureRoot<AccountId>;
	type PalletId = StoragePalletId;
	type MinNodeBond = MinNodeBond;
	type UnbondingPeriod = UnbondingPeriod;
	type MaxNodes = MaxNodes;
	type MaxEndpointLen = MaxEndpointLen;
	type MaxLifetimeMonths = MaxLifetimeMonths;
	type Randomness = TestRandomness;
	type MaxBaseReward = MaxBaseReward;
	type MaxExpiriesPerBlock = MaxExpiriesPerBlock;
	type MaxRetargetStep = MaxRetargetStep;
	type WeightInfo = ();
}

/// Price used in tests: 1 unit per sector-month.
pub const PRICE: Balance = 1;
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const POOR: AccountId = 3;
pub const INITIAL: Balance = 1_000_000_000_000;

pub fn new_test_ext() -> TestExternalities {
	// The whole runtime's genesis, as a chain builds it: each pallet's genesis and its
	// storage version.
	let t = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig::<Test> {
			balances: vec![
				(ALICE, INITIAL),
				(BOB, INITIAL),
				(POOR, 10),
				(4, INITIAL),
				(5, INITIAL),
			],
			..Default::default()
		},
		storage_market: pallet_storage_market::GenesisConfig::<Test> {
			price_per_sector_month: PRICE,
			mining: MINING,
			initial_target: None,
			audit: Default::default(),
			coverage: Default::default(),
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs blocks up to `n`, each through the pallet's `on_initialize`.
pub fn run_to_block(n: u64) {
	use polkadot_sdk::frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		StorageMarket::on_initialize(next);
	}
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
			StorageMarket::do_try_state().expect("the pallet's invariants hold after the test");
		})
	}
}
