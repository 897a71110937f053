//! A test runtime: system and this pallet, built from a genesis timing.

use crate as pallet_zerog_staking;
use crate::StakingTiming;
use polkadot_sdk::{
	frame_support::{self, derive_impl},
	frame_system,
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
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
	pub type ZgStaking = pallet_zerog_staking;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_zerog_staking::Config for Test {}

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
		let storage = RuntimeGenesisConfig { system: Default::default(), zg_staking: genesis }
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
