//! A test runtime: frame-system and this pallet. A `remark_with_event` stands for an
//! Ethereum transaction; every other call is not one. A block holds at most
//! [`MAX_ETH`] of them.

use crate as pallet_eth_block;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, Contains},
		weights::Weight,
	},
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
	pub type EthBlock = pallet_eth_block;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The most Ethereum transactions a test block holds.
pub const MAX_ETH: u32 = 4;

parameter_types! {
	/// `k`: 1 µs of execution and 10 bytes of proof per earlier Ethereum transaction.
	pub const PerEarlier: Weight = Weight::from_parts(1_000_000, 10);
}

/// `remark_with_event` is the test's Ethereum transaction.
pub struct IsEth;
impl Contains<RuntimeCall> for IsEth {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(call, RuntimeCall::System(frame_system::Call::remark_with_event { .. }))
	}
}

impl pallet_eth_block::Config for Test {
	type EthTransaction = IsEth;
	type MaxEthTransactions = ConstU32<MAX_ETH>;
	type BuilderWeightPerEarlier = PerEarlier;
	type WeightInfo = ();
}

/// A call that counts as an Ethereum transaction.
pub fn eth_call() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![1] })
}

/// A call that does not.
pub fn other_call() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: vec![1] })
}

/// Builds an empty chain at block 1.
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> TestExternalities {
		let storage =
			RuntimeGenesisConfig::default().build_storage().expect("the test genesis builds");
		let mut ext = TestExternalities::new(storage);
		ext.execute_with(|| frame_system::Pallet::<Test>::set_block_number(1));
		ext
	}

	/// Runs `test` inside block 1, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			EthBlock::do_try_state().expect("the pallet's invariants hold after the test");
		})
	}
}
