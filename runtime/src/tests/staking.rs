//! Proof of Stake through the runtime's own hooks: blocks carry BABE pre-digests, so
//! sessions follow BABE epochs, eras follow sessions, the author earns reward points
//! and fees, payouts follow commission then stake, and an equivocation report with a
//! key-ownership proof becomes a deferred slash the staking admin may cancel.

use super::ext_from_preset;
use crate::*;
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		dispatch::GetDispatchInfo,
		traits::{fungible::Inspect, KeyOwnerProofSystem, OnFinalize, OnInitialize},
	},
	pallet_babe, pallet_session, pallet_staking,
	pallet_staking::{RewardDestination, ValidatorPrefs},
	pallet_transaction_payment::ChargeTransactionPayment,
	sp_consensus_babe::{
		digests::{PreDigest, SecondaryPlainPreDigest},
		EquivocationProof, BABE_ENGINE_ID,
	},
	sp_core::{proof_of_possession::ProofOfPossessionGenerator, Pair},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		traits::{DispatchTransaction, Dispatchable, Header as _},
		Digest, DigestItem, DispatchError, Perbill,
	},
	sp_staking::{EraIndex, EraPayout},
};

/// A wall-clock-like first slot.
const GENESIS_SLOT: u64 = 880_000_000;

fn pre_digest(slot: u64, author: u32) -> Digest {
	let pre = PreDigest::SecondaryPlain(SecondaryPlainPreDigest {
		authority_index: author,
		slot: slot.into(),
	});
	Digest { logs: vec![DigestItem::PreRuntime(BABE_ENGINE_ID, pre.encode())] }
}

fn begin_block(number: BlockNumber, parent: Hash, slot: u64, author: u32) {
	System::initialize(&number, &parent, &pre_digest(slot, author));
	AllPalletsWithSystem::on_initialize(number);
	assert_ok!(Timestamp::set(RuntimeOrigin::none(), slot * SLOT_DURATION));
}

/// Block 1, authored by `author`, a validator of the genesis set.
pub(super) fn start(author: Sr25519Keyring) {
	System::set_block_number(0);
	let index = index_of(&author.to_account_id());
	begin_block(1, System::parent_hash(), GENESIS_SLOT, index);
}

/// Ends the current block and begins the next, in the next slot, by `author` (at its
/// index in the current set: BABE refuses a disabled author).
fn next_block(author: Sr25519Keyring) {
	let number = System::block_number();
	AllPalletsWithSystem::on_finalize(number);
	let header = System::finalize();
	let slot = u64::from(pallet_babe::CurrentSlot::<Runtime>::get()) + 1;
	let index = index_of(&author.to_account_id());
	begin_block(number + 1, header.hash(), slot, index);
}

/// Authors blocks (all by `author`) until `done` holds, at most `limit` of them.
fn run_until(author: Sr25519Keyring, limit: u32, mut done: impl FnMut() -> bool) {
	for _ in 0..limit {
		if done() {
			return;
		}
		next_block(author);
	}
	assert!(done(), "not reached within {limit} blocks");
}

fn active_era() -> pallet_staking::ActiveEraInfo {
	pallet_staking::ActiveEra::<Runtime>::get().expect("staking has an active era from genesis")
}

fn signed(k: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(k.to_account_id())
}

fn index_of(who: &AccountId) -> u32 {
	pallet_session::Validators::<Runtime>::get()
		.iter()
		.position(|v| v == who)
		.expect("a validator of the session") as u32
}

#[test]
fn sessions_follow_babe_epochs_and_eras_follow_sessions() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let timing = pallet_zerog_staking::Timing::<Runtime>::get();
		assert_eq!(timing, pallet_zerog_staking::StakingTiming::TEST);
		assert_eq!(configs::staking::babe_configuration().epoch_length, 10);
		start(Sr25519Keyring::Alice);
		assert_eq!(active_era().index, 0);
		// Three 10-block sessions make an era.
		run_until(Sr25519Keyring::Alice, 100, || Session::current_index() == 3);
		assert_eq!(System::block_number(), 31, "an epoch of 10 slots, one block each");
		assert_eq!(pallet_babe::EpochIndex::<Runtime>::get(), 3);
		assert_eq!(active_era().index, 1);
		assert_eq!(pallet_staking::ErasStartSessionIndex::<Runtime>::get(1), Some(3));
		run_until(Sr25519Keyring::Alice, 100, || active_era().index == 2);
		assert_eq!(Session::current_index(), 6);
		// The author of every block earned its 20 points.
		let points = pallet_staking::ErasRewardPoints::<Runtime>::get(1);
		assert_eq!(points.total, 20 * 30);
		assert_eq!(
			points.individual.get(&Sr25519Keyring::Alice.to_account_id()).copied(),
			Some(600)
		);
	});
}

#[test]
fn an_era_pays_fixed_inflation_commission_first_then_stake_pro_rata() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob) =
			(Sr25519Keyring::Alice.to_account_id(), Sr25519Keyring::Bob.to_account_id());
		start(Sr25519Keyring::Alice);
		let commission = Perbill::from_percent(10);
		assert_ok!(Staking::validate(
			signed(Sr25519Keyring::Alice),
			ValidatorPrefs { commission, blocked: false }
		));
		let bob_stake = 300_000 * UNIT;
		assert_ok!(Staking::bond(signed(Sr25519Keyring::Bob), bob_stake, RewardDestination::Stash));
		assert_ok!(Staking::nominate(signed(Sr25519Keyring::Bob), vec![alice.clone().into()]));

		run_until(Sr25519Keyring::Alice, 100, || active_era().index == 1);
		let era_start = active_era().start;
		next_block(Sr25519Keyring::Alice);
		let era_start = era_start.or(active_era().start).expect("set in the era's first block");
		let treasury = configs::governance::TreasuryAccount::get();
		let (mut treasury_before, mut issuance_before) = (0, 0);
		run_until(Sr25519Keyring::Alice, 100, || {
			if active_era().index == 1 {
				treasury_before = Balances::balance(&treasury);
				issuance_before = Balances::total_issuance();
			}
			active_era().index == 2
		});
		next_block(Sr25519Keyring::Alice);
		let era_ms = active_era().start.expect("set") - era_start;
		assert_eq!(era_ms, 30 * SLOT_DURATION, "30 slots of 2 s");
		// Staking closes an era in its last block's successor's `on_initialize`, before
		// that block's timestamp is set: the era it pays lasted one slot less.
		let paid_ms = era_ms - SLOT_DURATION;

		// The era minted 4 % a year of the issuance, pro rata; a tenth to the treasury.
		let paid = pallet_staking::ErasValidatorReward::<Runtime>::get(1).expect("era 1 paid");
		let (stakers, to_treasury) =
			<Runtime as pallet_staking::Config>::EraPayout::era_payout(0, issuance_before, paid_ms);
		assert_eq!(paid, stakers);
		assert!(paid > 0);
		assert_eq!(Balances::balance(&treasury) - treasury_before, to_treasury);

		// Era 1's exposure: Alice's 100,000 ZG and Bob's nomination (kept as vote weights,
		// exact to a billionth).
		let bond = genesis_config_presets::VALIDATOR_BOND;
		let overview = pallet_staking::ErasStakersOverview::<Runtime>::get(1, &alice).unwrap();
		let close = |a: Balance, b: Balance| a.abs_diff(b) <= b / 1_000_000_000;
		assert!(
			close(overview.own, bond) && close(overview.total, bond + bob_stake),
			"{overview:?}"
		);
		let page = pallet_staking::ErasStakersPaged::<Runtime>::get((1, &alice, 0)).unwrap();
		let bob_exposed = page.others.iter().find(|o| o.who == bob).unwrap().value;
		let (own, total) = (overview.own, overview.total);

		let alice_before = pallet_staking::Ledger::<Runtime>::get(&alice).unwrap().active;
		let bob_before = Balances::balance(&bob);
		assert_ok!(Staking::payout_stakers(signed(Sr25519Keyring::Charlie), alice.clone(), 1));
		let to_commission = commission * paid;
		let leftover = paid - to_commission;
		let alice_share = Perbill::from_rational(own, total) * leftover;
		let bob_share = Perbill::from_rational(bob_exposed, total) * leftover;
		// Alice's reward is restaked (genesis bonds with `Staked`); Bob's goes to his stash.
		assert_eq!(
			pallet_staking::Ledger::<Runtime>::get(&alice).unwrap().active - alice_before,
			to_commission + alice_share
		);
		assert_eq!(Balances::balance(&bob) - bob_before, bob_share);
		// Paid once.
		assert!(Staking::payout_stakers(signed(Sr25519Keyring::Charlie), alice, 1).is_err());
	});
}

#[test]
fn a_validator_that_bonds_sets_keys_and_validates_is_elected_at_the_next_era() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		start(Sr25519Keyring::Alice);
		let bob = Sr25519Keyring::Bob;
		assert_ok!(Staking::bond(signed(bob), 50 * UNIT, RewardDestination::Staked));
		let grandpa = polkadot_sdk::sp_keyring::Ed25519Keyring::Bob;
		let keys = SessionKeys { babe: bob.public().into(), grandpa: grandpa.public().into() };
		// The keys prove possession: each signs the owner's statement.
		let owner = bob.to_account_id().encode();
		let proof = (
			bob.pair().generate_proof_of_possession(&owner),
			grandpa.pair().generate_proof_of_possession(&owner),
		)
			.encode();
		assert_noop!(
			Session::set_keys(signed(bob), keys.clone(), vec![]),
			pallet_session::Error::<Runtime>::InvalidProof
		);
		assert_ok!(Session::set_keys(signed(bob), keys, proof));
		assert_ok!(Staking::validate(
			signed(bob),
			ValidatorPrefs { commission: Perbill::from_percent(5), blocked: false }
		));
		run_until(Sr25519Keyring::Alice, 100, || active_era().index == 1);
		// GRANDPA enacts its new set when the era's first block finalizes.
		next_block(Sr25519Keyring::Alice);
		let validators = pallet_session::Validators::<Runtime>::get();
		assert!(validators.contains(&bob.to_account_id()), "{validators:?}");
		assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 2);
		assert_eq!(Grandpa::grandpa_authorities().len(), 2);
	});
}

#[test]
fn fees_pay_the_author_and_the_treasury_at_the_blocks_end_nothing_is_burned() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		start(Sr25519Keyring::Alice);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let treasury = configs::governance::TreasuryAccount::get();
		let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: Sr25519Keyring::Charlie.to_account_id().into(),
			value: UNIT,
		});
		let info = call.get_dispatch_info();
		let (author_before, treasury_before, issuance_before) =
			(Balances::balance(&alice), Balances::balance(&treasury), Balances::total_issuance());
		let tip = 1_000_000_000;
		let bob = Sr25519Keyring::Bob.to_account_id();
		let mut paid = 0;
		for _ in 0..3 {
			let bob_before = Balances::balance(&bob);
			assert_ok!(ChargeTransactionPayment::<Runtime>::from(tip)
				.test_run(signed(Sr25519Keyring::Bob), &call, &info, 150, 0, |origin| call
					.clone()
					.dispatch(origin))
				.expect("valid transaction"));
			paid += bob_before - Balances::balance(&bob) - UNIT;
		}
		// Held for the block: neither account is credited yet, nothing is burned.
		let (to_treasury, to_author) = ZgStaking::held_fees();
		assert_eq!(to_treasury + to_author, paid);
		assert_eq!(Balances::balance(&treasury), treasury_before);
		assert_eq!(Balances::balance(&alice), author_before);
		assert_eq!(Balances::total_issuance(), issuance_before);

		AllPalletsWithSystem::on_finalize(System::block_number());
		let fee = Balances::balance(&treasury) - treasury_before;
		let to_alice = Balances::balance(&alice) - author_before;
		assert_eq!((fee, to_alice), (to_treasury, to_author));
		assert_eq!(Balances::total_issuance(), issuance_before, "nothing burned");
		// 20 % of each fee to the treasury, 80 % and the whole tip to the author.
		let each = (to_alice - 3 * tip + fee) / 3;
		assert_eq!(fee, 3 * (configs::governance::TreasuryFeeShare::get() * each));
		// One payout each for the block's three transactions.
		let deposits_to = |who: &AccountId| {
			System::events()
				.iter()
				.filter(|r| matches!(&r.event, RuntimeEvent::Balances(polkadot_sdk::pallet_balances::Event::Deposit { who: w, .. }) if w == who))
				.count()
		};
		assert_eq!((deposits_to(&treasury), deposits_to(&alice)), (1, 1));
	});
}

/// Two headers for the same slot, both sealed by `offender`'s BABE key.
fn equivocation(
	offender: Sr25519Keyring,
	signer: Sr25519Keyring,
	slot: u64,
) -> EquivocationProof<Header> {
	let index = index_of(&offender.to_account_id());
	let header = |extra: u8| {
		let mut h = Header::new(
			System::block_number() + 1,
			Default::default(),
			Default::default(),
			System::parent_hash(),
			pre_digest(slot, index),
		);
		h.digest_mut().push(DigestItem::Other(vec![extra]));
		let seal = signer.pair().sign(h.hash().as_ref());
		h.digest_mut().push(DigestItem::Seal(BABE_ENGINE_ID, seal.encode()));
		h
	};
	EquivocationProof {
		offender: offender.public().into(),
		slot: slot.into(),
		first_header: header(1),
		second_header: header(2),
	}
}

fn key_owner_proof(who: Sr25519Keyring) -> polkadot_sdk::sp_session::MembershipProof {
	let key: polkadot_sdk::sp_consensus_babe::AuthorityId = who.public().into();
	Historical::prove((polkadot_sdk::sp_consensus_babe::KEY_TYPE, key)).expect("in the set")
}

/// Dave equivocates in era 1 of the four-validator chain; returns the era his slash
/// applies in, his stake before it, the slash and the reporter's reward in it.
fn dave_equivocates() -> (EraIndex, Balance, Balance, Balance) {
	start(Sr25519Keyring::Alice);
	run_until(Sr25519Keyring::Alice, 100, || active_era().index == 1);
	next_block(Sr25519Keyring::Alice);
	let dave = Sr25519Keyring::Dave;
	let stake = pallet_staking::Ledger::<Runtime>::get(dave.to_account_id()).unwrap().total;
	let slot = u64::from(pallet_babe::CurrentSlot::<Runtime>::get());

	// A forged proof (sealed by another key) and a proof of another slot are refused.
	assert_noop!(
		Babe::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(equivocation(dave, Sr25519Keyring::Eve, slot)),
			key_owner_proof(dave),
		),
		pallet_babe::Error::<Runtime>::InvalidEquivocationProof
	);
	assert_noop!(
		Babe::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(equivocation(dave, dave, slot + 100)),
			key_owner_proof(dave),
		),
		pallet_babe::Error::<Runtime>::InvalidKeyOwnershipProof
	);
	assert_noop!(
		Babe::report_equivocation_unsigned(
			signed(Sr25519Keyring::Alice),
			Box::new(equivocation(dave, dave, slot)),
			key_owner_proof(dave),
		),
		DispatchError::BadOrigin
	);

	assert_ok!(Babe::report_equivocation_unsigned(
		RuntimeOrigin::none(),
		Box::new(equivocation(dave, dave, slot)),
		key_owner_proof(dave),
	));
	// Replayed: refused.
	assert_noop!(
		Babe::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(equivocation(dave, dave, slot)),
			key_owner_proof(dave),
		),
		pallet_babe::Error::<Runtime>::DuplicateOffenceReport
	);
	// Dave stops authoring at once.
	let index = index_of(&dave.to_account_id());
	assert!(pallet_session::DisabledValidators::<Runtime>::get().iter().any(|(i, _)| *i == index));
	// The slash waits: nothing is taken yet.
	let (apply_era, slashes) =
		pallet_staking::UnappliedSlashes::<Runtime>::iter().next().expect("a deferred slash");
	assert_eq!(slashes.len(), 1);
	assert_eq!(slashes[0].validator, dave.to_account_id());
	// One offender of four: min(1, (3 × 1 / 4)²) = 56.25 % of his exposure (which
	// staking keeps as a vote weight: exact to a billionth).
	let expected = Perbill::from_parts(562_500_000) * stake;
	assert!(slashes[0].own.abs_diff(expected) <= expected / 1_000_000_000, "{:?}", slashes[0]);
	// Test chains defer one era: the slash lands as the era after that one starts.
	assert_eq!(apply_era, active_era().index + 2);
	assert_eq!(pallet_staking::Ledger::<Runtime>::get(dave.to_account_id()).unwrap().total, stake);
	// An unsigned report names the block's author as reporter: half of the slash reward
	// fraction (10 %) is its reward.
	assert_eq!(slashes[0].reporters, vec![Sr25519Keyring::Alice.to_account_id()]);
	assert_eq!(slashes[0].payout, Perbill::from_percent(5) * slashes[0].own);
	(apply_era, stake, slashes[0].own, slashes[0].payout)
}

#[test]
fn an_equivocation_is_slashed_after_the_deferral() {
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let (apply_era, stake, slashed, reward) = dave_equivocates();
		let dave = Sr25519Keyring::Dave.to_account_id();
		let treasury = configs::governance::TreasuryAccount::get();
		let treasury_before = Balances::balance(&treasury);
		let era_before = active_era().index;
		let remainder = || {
			(era_before..=active_era().index)
				.filter_map(pallet_staking::ErasValidatorReward::<Runtime>::get)
				.map(|paid| paid / 9)
				.sum::<Balance>()
		};
		run_until(Sr25519Keyring::Alice, 200, || {
			pallet_staking::UnappliedSlashes::<Runtime>::get(apply_era).is_empty()
		});
		assert_eq!(pallet_staking::Ledger::<Runtime>::get(&dave).unwrap().total, stake - slashed);
		// The reporter's reward to the author, the rest to the treasury (besides its tenth
		// of the era's inflation, paid at the same era boundary).
		let gained = Balances::balance(&treasury) - treasury_before;
		let to_treasury = slashed - reward;
		assert!(
			gained >= to_treasury && gained - to_treasury <= remainder() + 10,
			"{gained} vs {to_treasury}"
		);
		assert_eq!(active_era().index, apply_era);
	});
}

#[test]
fn the_staking_admin_cancels_a_deferred_slash() {
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let (apply_era, stake, _, _) = dave_equivocates();
		assert_noop!(
			Staking::cancel_deferred_slash(signed(Sr25519Keyring::Alice), apply_era, vec![0]),
			DispatchError::BadOrigin
		);
		let staking_admin = RuntimeOrigin::from(governance::origins::Origin::StakingAdmin);
		assert_ok!(Staking::cancel_deferred_slash(staking_admin, apply_era, vec![0]));
		run_until(Sr25519Keyring::Alice, 200, || active_era().index == apply_era + 1);
		let dave = Sr25519Keyring::Dave.to_account_id();
		assert_eq!(pallet_staking::Ledger::<Runtime>::get(&dave).unwrap().total, stake);
	});
}

#[test]
fn bad_staking_input_is_refused_and_moves_nothing() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		start(Sr25519Keyring::Alice);
		let eve = Sr25519Keyring::Eve;
		let free = Balances::balance(&eve.to_account_id());
		// A validator needs 32 ZG bonded.
		assert_ok!(Staking::bond(signed(eve), 31 * UNIT, RewardDestination::Stash));
		assert_noop!(
			Staking::validate(signed(eve), ValidatorPrefs::default()),
			pallet_staking::Error::<Runtime>::InsufficientBond
		);
		// Nominating a validator that blocks nominations.
		assert_ok!(Staking::bond(
			signed(Sr25519Keyring::Ferdie),
			100 * UNIT,
			RewardDestination::Stash
		));
		assert_ok!(Staking::validate(
			signed(Sr25519Keyring::Ferdie),
			ValidatorPrefs { commission: Perbill::from_percent(0), blocked: true }
		));
		assert_noop!(
			Staking::nominate(signed(eve), vec![Sr25519Keyring::Ferdie.to_account_id().into()]),
			pallet_staking::Error::<Runtime>::BadTarget
		);
		// Withdrawing before the bonding duration ends leaves the stake bonded.
		assert_ok!(Staking::unbond(signed(eve), 31 * UNIT));
		assert_ok!(Staking::withdraw_unbonded(signed(eve), 0));
		let ledger = pallet_staking::Ledger::<Runtime>::get(eve.to_account_id()).unwrap();
		assert_eq!(ledger.total, 31 * UNIT);
		assert_eq!(Balances::balance(&eve.to_account_id()), free - 31 * UNIT);
		// Two eras later it comes back.
		run_until(Sr25519Keyring::Alice, 200, || active_era().index == 2);
		assert_ok!(Staking::withdraw_unbonded(signed(eve), 0));
		assert_eq!(Balances::balance(&eve.to_account_id()), free);
		assert!(pallet_staking::Ledger::<Runtime>::get(eve.to_account_id()).is_none());
	});
}

mod precompile {
	use super::*;
	use crate::precompiles::{IZeroGStaking as I, STAKING_ADDRESS};
	use polkadot_sdk::{
		pallet_revive::{
			precompiles::alloy::{
				primitives::{Address, U256},
				sol_types::SolCall,
			},
			AddressMapper,
		},
		sp_io::hashing::keccak_256,
	};

	fn call(who: Sr25519Keyring, input: Vec<u8>) -> (bool, Vec<u8>) {
		super::super::evm::call_precompile_at(STAKING_ADDRESS, who, input).expect("executed")
	}

	fn address(who: &AccountId) -> Address {
		Address::from(
			<Runtime as polkadot_sdk::pallet_revive::Config>::AddressMapper::to_address(who).0,
		)
	}

	#[test]
	fn selectors_match_the_solidity_interface() {
		let sol = include_str!("../../precompiles/IZeroGStaking.sol");
		assert!(sol.contains("0x000000000000000000000000000000000a020000"));
		assert_eq!(STAKING_ADDRESS[16..18], [0x0a, 0x02]);
		for (ours, signature) in [
			(I::bondCall::SELECTOR, "bond(uint256)"),
			(I::validateCall::SELECTOR, "validate(uint32)"),
			(I::nominateCall::SELECTOR, "nominate(address[])"),
			(I::chillCall::SELECTOR, "chill()"),
			(I::unbondCall::SELECTOR, "unbond(uint256)"),
			(I::withdrawUnbondedCall::SELECTOR, "withdrawUnbonded()"),
			(I::payoutStakersCall::SELECTOR, "payoutStakers(address,uint32)"),
			(I::activeEraCall::SELECTOR, "activeEra()"),
			(I::validatorsCall::SELECTOR, "validators()"),
			(I::commissionRateCall::SELECTOR, "commissionRate(address)"),
			(I::stakeOfCall::SELECTOR, "stakeOf(address)"),
			(I::nominationsOfCall::SELECTOR, "nominationsOf(address)"),
			(I::pendingRewardsCall::SELECTOR, "pendingRewards(address,uint32)"),
			(I::minimumBondsCall::SELECTOR, "minimumBonds()"),
		] {
			assert_eq!(ours, keccak_256(signature.as_bytes())[..4], "{signature}");
			let name = signature.split('(').next().unwrap();
			assert!(sol.contains(&format!("function {name}(")), "{name} is in the interface");
		}
	}

	#[test]
	fn a_contract_caller_bonds_nominates_and_reads_the_same_ledger() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			start(Sr25519Keyring::Alice);
			let alice = Sr25519Keyring::Alice.to_account_id();
			let bob = Sr25519Keyring::Bob;
			let stake = 1_000 * UNIT;
			let (reverted, _) = call(bob, I::bondCall { amount: U256::from(stake) }.abi_encode());
			assert!(!reverted);
			let (reverted, _) =
				call(bob, I::nominateCall { targets: vec![address(&alice)] }.abi_encode());
			assert!(!reverted);
			// The pallet holds the same ledger and nominations.
			let ledger = pallet_staking::Ledger::<Runtime>::get(bob.to_account_id()).unwrap();
			assert_eq!((ledger.total, ledger.active), (stake, stake));
			let nominations =
				pallet_staking::Nominators::<Runtime>::get(bob.to_account_id()).unwrap();
			assert_eq!(nominations.targets.into_inner(), vec![alice.clone()]);
			// And the views say so.
			let who = address(&bob.to_account_id());
			let (_, out) = call(bob, I::stakeOfCall { account: who }.abi_encode());
			let r = I::stakeOfCall::abi_decode_returns(&out).unwrap();
			assert_eq!((r.total, r.active), (U256::from(stake), U256::from(stake)));
			let (_, out) = call(bob, I::nominationsOfCall { account: who }.abi_encode());
			assert_eq!(
				I::nominationsOfCall::abi_decode_returns(&out).unwrap(),
				vec![address(&alice)]
			);
			let (_, out) = call(bob, I::validatorsCall {}.abi_encode());
			assert_eq!(I::validatorsCall::abi_decode_returns(&out).unwrap(), vec![address(&alice)]);
			let (_, out) =
				call(bob, I::commissionRateCall { validator: address(&alice) }.abi_encode());
			assert_eq!(I::commissionRateCall::abi_decode_returns(&out).unwrap(), 0);
			let (_, out) = call(bob, I::minimumBondsCall {}.abi_encode());
			let m = I::minimumBondsCall::abi_decode_returns(&out).unwrap();
			assert_eq!(m.validator, U256::from(32 * UNIT));
			// Unbond through the precompile: the pallet's chunk appears.
			let (reverted, _) =
				call(bob, I::unbondCall { amount: U256::from(stake / 2) }.abi_encode());
			assert!(!reverted);
			let ledger = pallet_staking::Ledger::<Runtime>::get(bob.to_account_id()).unwrap();
			assert_eq!(ledger.active, stake / 2);
		});
	}

	#[test]
	fn bad_input_reverts_with_the_reason_and_moves_nothing() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			start(Sr25519Keyring::Alice);
			let eve = Sr25519Keyring::Eve;
			let free = Balances::balance(&eve.to_account_id());
			// Below the least validator bond.
			assert!(!call(eve, I::bondCall { amount: U256::from(UNIT) }.abi_encode()).0);
			let (reverted, out) = call(eve, I::validateCall { commissionPpm: 50_000 }.abi_encode());
			assert!(reverted);
			assert!(String::from_utf8_lossy(&out).contains("InsufficientBond"));
			// Commission above a whole.
			let (reverted, out) =
				call(eve, I::validateCall { commissionPpm: 1_000_001 }.abi_encode());
			assert!(reverted);
			assert!(String::from_utf8_lossy(&out).contains("commission above"));
			// Nominating an account that does not validate.
			let ferdie = address(&Sr25519Keyring::Ferdie.to_account_id());
			let (reverted, out) = call(eve, I::nominateCall { targets: vec![ferdie] }.abi_encode());
			assert!(reverted);
			assert!(String::from_utf8_lossy(&out).contains("BadTarget"));
			// An amount past u128.
			let (reverted, _) = call(eve, I::bondCall { amount: U256::MAX }.abi_encode());
			assert!(reverted);
			assert_eq!(Balances::balance(&eve.to_account_id()), free - UNIT);
			assert!(!pallet_staking::Validators::<Runtime>::contains_key(eve.to_account_id()));
		});
	}
}

/// The era transition's and an equivocation report's weights against a block, from the
/// pallets' weight functions: what `docs/performance.md` records.
#[test]
fn an_era_transition_of_100_validators_from_1000_nominators_fits_a_block() {
	use polkadot_sdk::{
		frame_election_provider_support::weights::WeightInfo as _, frame_support::weights::Weight,
		pallet_babe::WeightInfo as _, pallet_staking::WeightInfo as _,
	};
	type Staking = <Runtime as pallet_staking::Config>::WeightInfo;
	type Election =
		polkadot_sdk::frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type BabeWeights = <Runtime as pallet_babe::Config>::WeightInfo;
	let block = configs::RuntimeBlockWeights::get().max_block;
	let (validators, nominators, votes) = (100u32, 1_000u32, 16u32);
	// The snapshot, sequential Phragmén over it, and the new era's bookkeeping.
	let transition: Weight = Staking::get_npos_voters(validators, nominators)
		.saturating_add(Staking::get_npos_targets(validators))
		.saturating_add(Election::phragmen(validators + nominators, validators, votes))
		.saturating_add(Staking::new_era(validators, nominators));
	let share = |w: Weight| w.ref_time() as f64 / block.ref_time() as f64;
	let report =
		BabeWeights::report_equivocation(validators, configs::staking::MaxExposurePageSize::get());
	println!(
		"era transition (100 validators, 1,000 nominators): {:.3} ms, {:.1} % of a block; \
		 equivocation report: {:.3} ms, {:.2} % of a block",
		transition.ref_time() as f64 / 1e9,
		100.0 * share(transition),
		report.ref_time() as f64 / 1e9,
		100.0 * share(report)
	);
	// Mandatory work: it must fit one block (on reference hardware it takes about half).
	assert!(share(transition) < 1.0, "the era transition fits in a block");
	assert!(share(report) < 0.05);
}

#[test]
fn the_genesis_era_is_elected_so_its_offences_can_be_slashed() {
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let validators = pallet_session::Validators::<Runtime>::get();
		assert_eq!(validators.len(), 4);
		for v in &validators {
			let exposure = pallet_staking::ErasStakersOverview::<Runtime>::get(0, v)
				.expect("era 0 exposure of a genesis validator");
			// The election weighs stake as u64 votes: the exposure is the bond, less a
			// rounding loss below a millionth.
			let bond = genesis_config_presets::VALIDATOR_BOND;
			assert!(exposure.own <= bond && exposure.own > bond - bond / 1_000_000, "{v:?}");
			assert_eq!(exposure.total, exposure.own);
		}
		assert!(pallet_staking::ErasTotalStake::<Runtime>::get(0) > 0);
		assert_eq!(pallet_staking::ErasStartSessionIndex::<Runtime>::get(0), Some(0));
	});
}
