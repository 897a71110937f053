//! The tracks' origins reach exactly the ZeroG calls they are meant to, and the
//! governance day from genesis scales every period.

use super::{dynamic_params, origins::Origin, tracks};
use crate::{
	genesis_config_presets::{SOLO_TESTNET_PRESET, STAGING_PRESET, TEST_GOVERNANCE_DAY},
	tests::ext_from_preset,
	BalancesCall, Parameters, Runtime, RuntimeCall, RuntimeOrigin, RuntimeParameters,
	StorageMarket, Sudo, System, DAYS, UNIT,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{Get, OriginTrait},
	},
	pallet_conviction_voting,
	pallet_referenda::TracksInfo,
	pallet_sudo,
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{DispatchError, Perbill},
};

fn signed(k: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(k.to_account_id())
}

fn track(o: Origin) -> RuntimeOrigin {
	RuntimeOrigin::from(o)
}

fn da_price(price: u128) -> RuntimeParameters {
	RuntimeParameters::Da(dynamic_params::da::Parameters::PricePerByte(
		dynamic_params::da::PricePerByte,
		Some(price),
	))
}

fn day(blocks: u32) -> RuntimeParameters {
	RuntimeParameters::Governance(dynamic_params::governance::Parameters::Day(
		dynamic_params::governance::Day,
		Some(blocks),
	))
}

#[test]
fn storage_price_is_set_by_the_protocol_parameters_track_only() {
	ext_from_preset(SOLO_TESTNET_PRESET).execute_with(|| {
		let price = 7 * UNIT;
		for refused in [
			signed(Sr25519Keyring::Alice),
			track(Origin::StakingAdmin),
			track(Origin::Treasurer),
			track(Origin::WhitelistedCaller),
		] {
			assert_noop!(StorageMarket::set_price(refused, price), DispatchError::BadOrigin);
		}
		assert_ok!(StorageMarket::set_price(track(Origin::ProtocolParameters), price));
		assert_eq!(pallet_storage_market::PricePerSectorMonth::<Runtime>::get(), price);
		assert_ok!(StorageMarket::set_price(RuntimeOrigin::root(), price + 1));
	});
}

#[test]
fn protocol_parameters_are_set_by_their_track_and_read_by_the_pallets() {
	ext_from_preset(SOLO_TESTNET_PRESET).execute_with(|| {
		type DaPrice = <Runtime as pallet_da_commitments::Config>::PricePerByte;
		assert_eq!(DaPrice::get(), UNIT / (8 << 20), "the default until governance sets it");
		for refused in [signed(Sr25519Keyring::Alice), track(Origin::StakingAdmin)] {
			assert_noop!(Parameters::set_parameter(refused, da_price(1)), DispatchError::BadOrigin);
		}
		assert_ok!(Parameters::set_parameter(track(Origin::ProtocolParameters), da_price(42)));
		assert_eq!(DaPrice::get(), 42);
		let slash = RuntimeParameters::Compute(dynamic_params::compute::Parameters::DisputeSlash(
			dynamic_params::compute::DisputeSlash,
			Some(Perbill::from_percent(30)),
		));
		assert_ok!(Parameters::set_parameter(track(Origin::ProtocolParameters), slash));
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::DisputeSlash::get(),
			Perbill::from_percent(30)
		);
	});
}

#[test]
fn governance_timing_is_root_only_and_scales_every_track() {
	ext_from_preset(SOLO_TESTNET_PRESET).execute_with(|| {
		assert_eq!(dynamic_params::governance::Day::get(), TEST_GOVERNANCE_DAY);
		let root = tracks::Tracks::info(tracks::id::ROOT).unwrap();
		assert_eq!(root.decision_period, 14 * TEST_GOVERNANCE_DAY);
		assert_noop!(
			Parameters::set_parameter(track(Origin::ProtocolParameters), day(100)),
			DispatchError::BadOrigin
		);
		assert_ok!(Parameters::set_parameter(RuntimeOrigin::root(), day(100)));
		let root = tracks::Tracks::info(tracks::id::ROOT).unwrap();
		assert_eq!((root.decision_period, root.confirm_period), (1400, 100));
		assert_eq!(<Runtime as pallet_conviction_voting::Config>::VoteLockingPeriod::get(), 700);
	});
	ext_from_preset(STAGING_PRESET).execute_with(|| {
		let root = tracks::Tracks::info(tracks::id::ROOT).unwrap();
		assert_eq!(root.decision_period, 14 * DAYS, "real days in production");
		assert_eq!(root.prepare_period, 2 * DAYS / 24);
	});
}

#[test]
fn each_origin_is_decided_on_its_own_track() {
	use crate::OriginCaller;
	let caller = |o: RuntimeOrigin| -> OriginCaller { o.caller().clone() };
	assert_eq!(tracks::Tracks::track_for(&caller(RuntimeOrigin::root())), Ok(tracks::id::ROOT));
	for (origin, id) in [
		(Origin::WhitelistedCaller, tracks::id::WHITELISTED_CALLER),
		(Origin::StakingAdmin, tracks::id::STAKING_ADMIN),
		(Origin::Treasurer, tracks::id::TREASURER),
		(Origin::ProtocolParameters, tracks::id::PROTOCOL_PARAMETERS),
	] {
		assert_eq!(tracks::Tracks::track_for(&caller(track(origin))), Ok(id));
	}
	assert!(tracks::Tracks::track_for(&caller(signed(Sr25519Keyring::Alice))).is_err());
}

#[test]
fn without_sudo_root_calls_are_refused() {
	ext_from_preset(SOLO_TESTNET_PRESET).execute_with(|| {
		let set_code = RuntimeCall::System(polkadot_sdk::frame_system::Call::set_code {
			code: crate::WASM_BINARY.unwrap().to_vec(),
		});
		assert_noop!(
			Sudo::sudo(signed(Sr25519Keyring::Alice), Box::new(set_code)),
			pallet_sudo::Error::<Runtime>::RequireSudo
		);
		assert_noop!(
			System::authorize_upgrade(signed(Sr25519Keyring::Alice), Default::default()),
			DispatchError::BadOrigin
		);
	});
	// The development chain keeps sudo.
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let call = RuntimeCall::Balances(BalancesCall::force_set_balance {
			who: Sr25519Keyring::Ferdie.to_account_id().into(),
			new_free: UNIT,
		});
		assert_ok!(Sudo::sudo(signed(Sr25519Keyring::Alice), Box::new(call)));
	});
}

/// The scheduler's `on_initialize` (where referenda are nudged: pallet-referenda has no
/// hook of its own) with 100 live referenda, as a share of the block's weight, at its
/// worst over the blocks that take them from submission through decision. Printed for
/// docs/performance.md and bounded here.
#[test]
fn a_hundred_live_referenda_take_a_small_share_of_a_block() {
	use crate::{configs::RuntimeBlockWeights, Referenda, Scheduler};
	use polkadot_sdk::{
		frame_support::traits::{schedule::DispatchTime, Hooks, StorePreimage},
		pallet_referenda,
	};
	ext_from_preset(SOLO_TESTNET_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice;
		let params = track(Origin::ProtocolParameters).caller().clone();
		for i in 0..100u128 {
			let call =
				RuntimeCall::StorageMarket(pallet_storage_market::Call::set_price { price: i + 1 });
			let proposal = <crate::Preimage as StorePreimage>::bound(call).unwrap();
			assert_ok!(Referenda::submit(
				signed(alice),
				Box::new(params.clone()),
				proposal,
				DispatchTime::After(1)
			));
			assert_ok!(Referenda::place_decision_deposit(signed(alice), i as u32));
		}
		assert_eq!(pallet_referenda::ReferendumCount::<Runtime>::get(), 100);
		let max = RuntimeBlockWeights::get().max_block;
		let (mut worst, mut at) = (Default::default(), 0);
		let start = System::block_number();
		for n in start + 1..start + 40 {
			System::set_block_number(n);
			let w = Scheduler::on_initialize(n);
			if w.ref_time() > worst {
				(worst, at) = (w.ref_time(), n - start);
			}
		}
		let share = worst as f64 / max.ref_time() as f64;
		println!(
			"scheduler on_initialize with 100 live referenda: worst {:.2} ms ({:.2} % of the \
			 block) at block +{at}",
			worst as f64 / 1e9,
			share * 100.0
		);
		let deciding =
			pallet_referenda::DecidingCount::<Runtime>::get(tracks::id::PROTOCOL_PARAMETERS);
		assert_eq!(deciding, 10, "the track decides ten at once; the rest queue");
		assert!(share < 0.25, "{:.1} % of a block", share * 100.0);
	});
}

#[test]
fn the_treasurer_track_spends_up_to_its_limit_and_the_treasury_pays_out() {
	use crate::{configs::governance::TreasuryAccount, Balances, Treasury};
	use polkadot_sdk::{frame_support::traits::fungible::Mutate, pallet_treasury};
	ext_from_preset(SOLO_TESTNET_PRESET).execute_with(|| {
		let pot = TreasuryAccount::get();
		assert_ok!(Balances::mint_into(&pot, 200_000 * UNIT));
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		let spend = |origin, amount| {
			Treasury::spend(origin, Box::new(()), amount, Box::new(ferdie.clone()), None)
		};
		assert_noop!(spend(signed(Sr25519Keyring::Alice), UNIT), DispatchError::BadOrigin);
		assert_noop!(spend(track(Origin::ProtocolParameters), UNIT), DispatchError::BadOrigin);
		assert_noop!(
			spend(track(Origin::Treasurer), 100_001 * UNIT),
			pallet_treasury::Error::<Runtime>::InsufficientPermission
		);
		let before = Balances::free_balance(&ferdie);
		assert_ok!(spend(track(Origin::Treasurer), 100_000 * UNIT));
		// Anyone claims an approved spend for its beneficiary.
		assert_ok!(Treasury::payout(signed(Sr25519Keyring::Eve), 0));
		assert_eq!(Balances::free_balance(&ferdie), before + 100_000 * UNIT);
	});
}

fn da_period(p: dynamic_params::da::Parameters) -> RuntimeParameters {
	RuntimeParameters::Da(p)
}

#[test]
fn da_epoch_timing_is_governed_within_its_bounds() {
	use dynamic_params::da::{self, Parameters as P};
	use polkadot_sdk::frame_support::traits::Hooks;
	type Da = <Runtime as pallet_da_commitments::Config>::EpochLength;
	ext_from_preset(SOLO_TESTNET_PRESET).execute_with(|| {
		assert_eq!(Da::get(), 15);
		assert_eq!(pallet_da_commitments::NextEpochAt::<Runtime>::get(), 15);
		let set = |o: RuntimeOrigin, p| Parameters::set_parameter(o, da_period(p));
		assert_noop!(
			set(signed(Sr25519Keyring::Alice), P::EpochLength(da::EpochLength, Some(30))),
			DispatchError::BadOrigin
		);
		// Epoch 1 starts at 15 at the default length; the track doubles it meanwhile.
		System::set_block_number(15);
		crate::DaCommitments::on_initialize(15);
		assert_eq!(pallet_da_commitments::NextEpochAt::<Runtime>::get(), 30);
		assert_ok!(set(
			track(Origin::ProtocolParameters),
			P::EpochLength(da::EpochLength, Some(30))
		));
		// The running epoch keeps its length; the next one is read at 30 and lasts 30.
		System::set_block_number(30);
		crate::DaCommitments::on_initialize(30);
		assert_eq!(pallet_da_commitments::CurrentEpoch::<Runtime>::get(), 2);
		assert_eq!(pallet_da_commitments::NextEpochAt::<Runtime>::get(), 60);

		// Out-of-bounds values read as the nearest bound.
		for (value, read) in [(0, super::DA_EPOCH_LENGTH.0), (u32::MAX, super::DA_EPOCH_LENGTH.1)] {
			assert_ok!(set(RuntimeOrigin::root(), P::EpochLength(da::EpochLength, Some(value))));
			assert_eq!(Da::get(), read);
		}
		assert_ok!(set(
			track(Origin::ProtocolParameters),
			P::AttestationWindow(da::AttestationWindow, Some(1))
		));
		assert_eq!(<Runtime as pallet_da_commitments::Config>::AttestationWindow::get(), 10);
		assert_ok!(set(
			track(Origin::ProtocolParameters),
			P::ChallengeWindow(da::ChallengeWindow, Some(60))
		));
		assert_eq!(<Runtime as pallet_da_commitments::Config>::ChallengeWindow::get(), 60);
		assert_ok!(set(
			track(Origin::ProtocolParameters),
			P::ChallengePeriod(da::ChallengePeriod, Some(0))
		));
		assert_eq!(<Runtime as pallet_da_commitments::Config>::ChallengePeriod::get(), 2);
	});
}

#[test]
fn da_period_bounds_keep_the_pallets_invariants() {
	use crate::configs::{DaRetentionEpochs, DaUnbondingEpochs};
	// The shortest retention outlasts the longest attestation window, so a blob's quorum
	// is kept while it may be attested (the pallet's integrity check, at the bounds).
	let shortest_retention = super::DA_EPOCH_LENGTH.0 * DaRetentionEpochs::get();
	assert!(shortest_retention >= super::DA_ATTESTATION_WINDOW.1);
	assert!(DaUnbondingEpochs::get() >= DaRetentionEpochs::get());
	for (min, max) in [
		super::DA_EPOCH_LENGTH,
		super::DA_ATTESTATION_WINDOW,
		super::DA_CHALLENGE_PERIOD,
		super::DA_CHALLENGE_WINDOW,
	] {
		assert!(0 < min && min < max);
	}
}
