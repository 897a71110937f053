//! A test runtime: system, balances and the iNFT pallet. Accounts are 32-byte ids made
//! from names; each name's encryption key comes from a seeded generator, so tests are
//! reproducible and proofs are real.

use crate as pallet_inft;
use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types},
	frame_system, pallet_balances,
	sp_io::TestExternalities,
	sp_runtime::{AccountId32, BuildStorage},
};
use rand::{rngs::StdRng, SeedableRng};
use zerog_inft_primitives::prove::SecretKey;

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
	pub type Inft = pallet_inft;
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
	pub const CollectionDeposit: Balance = 100;
	pub const TokenDeposit: Balance = 10;
	pub const MaxNameLen: u32 = 32;
	pub const MaxDescriptionLen: u32 = 64;
	pub const MaxGrants: u32 = 2;
	pub const DeliveryPeriod: u64 = 5;
}

impl pallet_inft::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CollectionDeposit = CollectionDeposit;
	type TokenDeposit = TokenDeposit;
	type MaxNameLen = MaxNameLen;
	type MaxDescriptionLen = MaxDescriptionLen;
	type MaxGrants = MaxGrants;
	type DeliveryPeriod = DeliveryPeriod;
	type WeightInfo = ();
}

/// The account of a name.
pub fn account(name: &str) -> AccountId {
	AccountId32::new(polkadot_sdk::sp_io::hashing::blake2_256(name.as_bytes()))
}

/// A name's encryption secret, the same every time.
pub fn secret(name: &str) -> SecretKey {
	let seed = polkadot_sdk::sp_io::hashing::blake2_256(format!("key:{name}").as_bytes());
	SecretKey::generate_with(&mut StdRng::from_seed(seed))
}

/// A seeded generator for sealing and proofs.
pub fn rng() -> StdRng {
	StdRng::seed_from_u64(7)
}

pub const ENDOWMENT: Balance = 1_000_000;
pub const NAMES: [&str; 5] = ["Alice", "Bob", "Charlie", "Dave", "Eve"];

/// Every name endowed, at block 1.
pub fn new_test_ext() -> TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig::<Test> {
			balances: NAMES.iter().map(|n| (account(n), ENDOWMENT)).collect(),
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
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
			Inft::do_try_state().expect("the pallet's invariants hold after the test");
		})
	}
}
