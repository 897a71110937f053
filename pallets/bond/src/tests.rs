//! The lifecycle against a real `pallet-balances`: holds, releases and slashes move the
//! balances they say, and the state machine refuses every out-of-order step.

use crate::{BondCurrency, BondError, BondLifecycle, BondState};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{
		self, assert_ok, derive_impl,
		traits::{fungible::Inspect, VariantCount},
	},
	frame_system, pallet_balances,
	sp_io::TestExternalities,
	sp_runtime::{BuildStorage, DispatchError, TokenError},
};
use scale_info::TypeInfo;

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
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
}

/// Two roles' bonds, as two pallets' hold reasons would be.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Reason {
	Node,
	Signer,
}

impl VariantCount for Reason {
	const VARIANT_COUNT: u32 = 2;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type AccountStore = System;
	type RuntimeHoldReason = Reason;
}

const ALICE: u64 = 1;
const BOB: u64 = 2;

fn ext() -> TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, 1_000), (BOB, 10)],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	t.into()
}

#[test]
fn hold_checks_the_minimum_and_the_balance() {
	ext().execute_with(|| {
		assert_eq!(Balances::hold_bond(&Reason::Node, &ALICE, 99, 100), Err(BondError::TooLow));
		assert_eq!(
			Balances::hold_bond(&Reason::Node, &ALICE, 5_000, 100),
			Err(BondError::Currency(DispatchError::Token(TokenError::FundsUnavailable)))
		);
		assert_ok!(Balances::hold_bond(&Reason::Node, &ALICE, 400, 100));
		assert_eq!(Balances::bond_held(&Reason::Node, &ALICE), 400);
		assert_eq!(Balances::bond_held(&Reason::Signer, &ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), 600);
	});
}

#[test]
fn slash_moves_held_funds_and_release_returns_the_rest() {
	ext().execute_with(|| {
		assert_ok!(Balances::hold_bond(&Reason::Signer, &ALICE, 400, 100));
		assert_eq!(Balances::slash_bond(&Reason::Signer, &ALICE, &BOB, 150), Ok(150));
		assert_eq!(Balances::balance(&BOB), 160);
		assert_eq!(Balances::bond_held(&Reason::Signer, &ALICE), 250);
		// More than is held: what is left goes, and no more.
		assert_eq!(Balances::slash_bond(&Reason::Signer, &ALICE, &BOB, 1_000), Ok(250));
		assert_eq!(Balances::bond_held(&Reason::Signer, &ALICE), 0);
		assert_ok!(Balances::hold_bond(&Reason::Signer, &ALICE, 300, 100));
		// Releasing the recorded 400 of a bond holding 300 releases 300.
		assert_eq!(Balances::release_bond(&Reason::Signer, &ALICE, 400), Ok(300));
		assert_eq!(Balances::balance(&ALICE), 1_000 - 400);
		assert_eq!(Balances::total_issuance(), 1_010);
	});
}

#[test]
fn a_bond_leaves_once_and_is_withdrawn_only_after_its_period() {
	let mut s = BondState::<u32>::Active;
	assert_ok!(s.ensure_active());
	assert_eq!(s.ensure_withdrawable(1_000), Err(BondError::NotUnbonding));
	assert_eq!(s.begin_unbonding(5, 10), Ok(15));
	assert_eq!(s, BondState::Unbonding { until: 15 });
	assert_eq!(s.ensure_active(), Err(BondError::Unbonding));
	assert_eq!(s.begin_unbonding(6, 10), Err(BondError::Unbonding));
	assert_eq!(s, BondState::Unbonding { until: 15 }, "a second leave moves nothing");
	assert_eq!(s.ensure_withdrawable(14), Err(BondError::StillBonded));
	assert_ok!(s.ensure_withdrawable(15));
	let mut late = BondState::<u32>::Active;
	assert_eq!(late.begin_unbonding(u32::MAX - 1, 10), Ok(u32::MAX), "saturates");
}
