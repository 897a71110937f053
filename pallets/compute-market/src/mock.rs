//! A test runtime: system, balances and the compute market, with sr25519 accounts so
//! that requests and responses carry real signatures.

use crate as pallet_compute_market;
use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types},
	frame_system, pallet_balances,
	sp_core::{sr25519, Pair},
	sp_io::TestExternalities,
	sp_runtime::{AccountId32, BuildStorage, MultiSignature, Perbill},
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
	pub type ComputeMarket = pallet_compute_market;
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
	pub const MinDeposit: Balance = 100;
	pub const MinServiceBond: Balance = 1_000;
	pub const RefundLock: u64 = 10;
	pub const DisputeWindow: u64 = 20;
	pub const RetirementPeriod: u64 = 30;
	pub const DisputeSlash: Perbill = Perbill::from_percent(50);
	pub const MaxBatch: u32 = 50;
	pub const MaxStringLen: u32 = 32;
	pub const MaxServicesPerProvider: u32 = 2;
}

impl pallet_compute_market::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Signature = MultiSignature;
	type MinDeposit = MinDeposit;
	type MinServiceBond = MinServiceBond;
	type RefundLock = RefundLock;
	type DisputeWindow = DisputeWindow;
	type RetirementPeriod = RetirementPeriod;
	type DisputeSlash = DisputeSlash;
	type MaxBatch = MaxBatch;
	type MaxStringLen = MaxStringLen;
	type MaxServicesPerProvider = MaxServicesPerProvider;
	type WeightInfo = ();
}

/// A test key from a seed phrase.
pub fn key(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("valid seed")
}

/// The account of a test key.
pub fn account(name: &str) -> AccountId {
	key(name).public().into()
}

pub const ENDOWMENT: Balance = 1_000_000;

/// Users Alice and Bob, provider Pat (who signs responses with key PatSigner), and Eve.
pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: ["Alice", "Bob", "Pat", "Eve"].iter().map(|n| (account(n), ENDOWMENT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
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
			ComputeMarket::do_try_state().expect("the pallet's invariants hold after the test");
		})
	}
}
