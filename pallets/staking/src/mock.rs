//! A test runtime: system, balances and this pallet, built from a genesis timing. The
//! treasury, the block's author and a payer start funded; the author can be changed or
//! removed (`set_author`).

use crate as pallet_zerog_staking;
use crate::StakingTiming;
use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types, traits::ConstU64},
	frame_system, pallet_balances,
	sp_io::TestExternalities,
	sp_runtime::{BuildStorage, Perbill},
};

type Block = frame_system::mocking::MockBlock<Test>;

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
	pub type ZgStaking = pallet_zerog_staking;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

/// Below this an account does not exist.
pub const ED: u64 = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<ED>;
}

pub const TREASURY: u64 = 100;
pub const AUTHOR: u64 = 1;
pub const PAYER: u64 = 2;
/// Funded at genesis: the treasury, the author and the payer.
pub const FUNDED: u64 = 1_000_000;

parameter_types! {
	pub const Treasury: u64 = TREASURY;
	pub const TreasuryFeeShare: Perbill = Perbill::from_percent(20);
	pub storage Author: Option<u64> = Some(AUTHOR);
}

/// Makes `who` the block's author (`None`: a block without one, as in a dry run).
pub fn set_author(who: Option<u64>) {
	Author::set(&who);
}

impl pallet_zerog_staking::Config for Test {
	type Currency = Balances;
	type TreasuryAccount = Treasury;
	type TreasuryFeeShare = TreasuryFeeShare;
	type BlockAuthor = Author;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SetAuthor;
}

/// Sets [`Author`] for the benchmarks' test run.
#[cfg(feature = "runtime-benchmarks")]
pub struct SetAuthor;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for SetAuthor {
	fn set_author(who: &u64) {
		set_author(Some(*who));
	}
}

/// Builds a chain whose genesis holds `timing` (or the default, production's).
#[derive(Default)]
pub struct ExtBuilder {
	timing: Option<StakingTiming>,
}

impl ExtBuilder {
	pub fn timing(mut self, timing: StakingTiming) -> Self {
		self.timing = Some(timing);
		self
	}

	pub fn build(self) -> TestExternalities {
		let mut genesis = pallet_zerog_staking::GenesisConfig::<Test>::default();
		if let Some(t) = self.timing {
			genesis.epoch_duration = t.epoch_duration;
			genesis.sessions_per_era = t.sessions_per_era;
			genesis.bonding_duration = t.bonding_duration;
			genesis.slash_defer_duration = t.slash_defer_duration;
		}
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			balances: pallet_balances::GenesisConfig {
				balances: [TREASURY, AUTHOR, PAYER].map(|who| (who, FUNDED)).to_vec(),
				..Default::default()
			},
			zg_staking: genesis,
		}
		.build_storage()
		.expect("the test genesis builds");
		let mut ext = TestExternalities::new(storage);
		ext.execute_with(|| frame_system::Pallet::<Test>::set_block_number(1));
		ext
	}

	/// Runs `test` at block 1, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			ZgStaking::do_try_state().expect("the pallet's invariants hold after the test");
		})
	}
}
