//! [`StakingPrecompile`] (`IZeroGStaking.sol`, at [`STAKING_ADDRESS`]): pallet-staking for
//! ethers and MetaMask.
//!
//! Writes dispatch pallet-staking's calls with the caller as origin, so every rule
//! (least bonds, commission, nomination quota, bonding duration) is the pallet's, and
//! each is charged the pallet's weight first. Accounts cross with pallet-revive's
//! address mapper: an Ethereum address is its fallback account, a Substrate account
//! (a validator's stash) is seen at its mapped address.

use super::*;
use polkadot_sdk::{
	pallet_revive::precompiles::alloy::{
		primitives::{Address, U256},
		sol_types::SolCall,
	},
	pallet_session,
	pallet_staking::{self, RewardDestination, ValidatorPrefs, WeightInfo as _},
	sp_runtime::Perbill,
};

use crate::RuntimeOrigin;

alloy::sol!("precompiles/IZeroGStaking.sol");

/// The `u16` that places [`StakingPrecompile`] at [`STAKING_ADDRESS`].
const STAKING_INDEX: u16 = 0x0A02;

/// Where `IZeroGStaking` lives: `0x000000000000000000000000000000000a020000`.
pub const STAKING_ADDRESS: [u8; 20] = {
	let mut address = [0u8; 20];
	let index = STAKING_INDEX.to_be_bytes();
	address[16] = index[0];
	address[17] = index[1];
	address
};

/// Parts per million in a whole commission.
pub const PPM: u32 = 1_000_000;

type Staking = pallet_staking::Pallet<Runtime>;
type Weights = <Runtime as pallet_staking::Config>::WeightInfo;

/// The revert reason of a pallet error the runtime carries no name for.
const MODULE_ERROR: &str = "staking module error";

/// `IZeroGStaking`: Proof of Stake for Ethereum tools.
pub struct StakingPrecompile;

fn amount(value: &U256) -> Result<u128, Error> {
	u128::try_from(*value).map_err(|_| revert("amount exceeds the total issuance"))
}

/// A commission in parts per million as pallet-staking's `Perbill`.
pub fn commission(ppm: u32) -> Result<Perbill, Error> {
	if ppm > PPM {
		return Err(revert("commission above 1,000,000 parts per million"));
	}
	Ok(Perbill::from_parts(ppm * 1_000))
}

fn dispatched_post(
	result: polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo,
) -> Result<(), Error> {
	dispatched(result.map(|_| ()).map_err(|e| e.error), MODULE_ERROR)
}

impl Precompile for StakingPrecompile {
	type T = Runtime;
	type Interface = IZeroGStaking::IZeroGStakingCalls;
	const MATCHER: AddressMatcher = super::fixed(STAKING_INDEX);
	const HAS_CONTRACT_INFO: bool = false;

	fn call(
		_address: &[u8; 20],
		input: &Self::Interface,
		env: &mut impl Ext<T = Self::T>,
	) -> Result<Vec<u8>, Error> {
		use IZeroGStaking::IZeroGStakingCalls as Call;
		let none = Weight::zero();
		match input {
			Call::bond(call) => {
				charge_call(env, Weights::bond().max(Weights::bond_extra()), 1)?;
				let who = caller_account(env, "root has no stake")?;
				let value = amount(&call.amount)?;
				let origin = RuntimeOrigin::signed(who.clone());
				if pallet_staking::Bonded::<Runtime>::contains_key(&who) {
					dispatched(Staking::bond_extra(origin, value), MODULE_ERROR)?;
				} else {
					dispatched(
						Staking::bond(origin, value, RewardDestination::Staked),
						MODULE_ERROR,
					)?;
				}
				Ok(Vec::new())
			}
			Call::validate(call) => {
				charge_call(env, Weights::validate(), 0)?;
				let who = caller_account(env, "root has no stake")?;
				let prefs =
					ValidatorPrefs { commission: commission(call.commissionPpm)?, blocked: false };
				dispatched(Staking::validate(RuntimeOrigin::signed(who), prefs), MODULE_ERROR)?;
				Ok(Vec::new())
			}
			Call::nominate(call) => {
				let n = call.targets.len() as u32;
				charge_call(env, Weights::nominate(n), n as u64)?;
				let who = caller_account(env, "root has no stake")?;
				let mut targets = Vec::with_capacity(call.targets.len());
				for t in &call.targets {
					let account = account_of(t);
					// pallet-staking would keep a nomination of a non-validator, inert;
					// a wallet user means a validator, so say so instead.
					if !pallet_staking::Validators::<Runtime>::contains_key(&account) {
						return Err(revert("BadTarget: a nominated address does not validate"));
					}
					targets.push(account.into());
				}
				dispatched(Staking::nominate(RuntimeOrigin::signed(who), targets), MODULE_ERROR)?;
				Ok(Vec::new())
			}
			Call::chill(_) => {
				charge_call(env, Weights::chill(), 0)?;
				let who = caller_account(env, "root has no stake")?;
				dispatched(Staking::chill(RuntimeOrigin::signed(who)), MODULE_ERROR)?;
				Ok(Vec::new())
			}
			Call::unbond(call) => {
				charge_call(env, Weights::unbond(), 0)?;
				let who = caller_account(env, "root has no stake")?;
				dispatched_post(Staking::unbond(
					RuntimeOrigin::signed(who),
					amount(&call.amount)?,
				))?;
				Ok(Vec::new())
			}
			Call::withdrawUnbonded(_) => {
				let who = caller_account(env, "root has no stake")?;
				let spans = pallet_staking::SlashingSpans::<Runtime>::get(&who)
					.map(|s| s.prior.len() as u32 + 1)
					.unwrap_or(0);
				charge_call(env, Weights::withdraw_unbonded_kill(spans), 1)?;
				dispatched_post(Staking::withdraw_unbonded(RuntimeOrigin::signed(who), spans))?;
				Ok(Vec::new())
			}
			Call::payoutStakers(call) => {
				let page = <Runtime as pallet_staking::Config>::MaxExposurePageSize::get();
				charge_call(env, Weights::payout_stakers_alive_staked(page), 0)?;
				let who = caller_account(env, "root has no stake")?;
				dispatched_post(Staking::payout_stakers(
					RuntimeOrigin::signed(who),
					account_of(&call.validator),
					call.era,
				))?;
				Ok(Vec::new())
			}
			Call::activeEra(_) => {
				charge_call(env, none, 1)?;
				let era = pallet_staking::ActiveEra::<Runtime>::get().map(|e| e.index).unwrap_or(0);
				Ok(IZeroGStaking::activeEraCall::abi_encode_returns(&era))
			}
			Call::validators(_) => {
				charge_call(env, none, 1)?;
				let set: Vec<Address> =
					pallet_session::Validators::<Runtime>::get().iter().map(address_of).collect();
				Ok(IZeroGStaking::validatorsCall::abi_encode_returns(&set))
			}
			Call::commissionRate(call) => {
				charge_call(env, none, 1)?;
				let who = account_of(&call.validator);
				if !pallet_staking::Validators::<Runtime>::contains_key(&who) {
					return Err(revert("not a validator"));
				}
				let prefs = pallet_staking::Validators::<Runtime>::get(&who);
				Ok(IZeroGStaking::commissionRateCall::abi_encode_returns(
					&(prefs.commission.deconstruct() / 1_000),
				))
			}
			Call::stakeOf(call) => {
				charge_call(env, none, 1)?;
				let ledger = pallet_staking::Ledger::<Runtime>::get(account_of(&call.account));
				let (total, active) = ledger.map(|l| (l.total, l.active)).unwrap_or_default();
				Ok(IZeroGStaking::stakeOfCall::abi_encode_returns_tuple(&(
					U256::from(total),
					U256::from(active),
				)))
			}
			Call::nominationsOf(call) => {
				charge_call(env, none, 1)?;
				let targets: Vec<Address> =
					pallet_staking::Nominators::<Runtime>::get(account_of(&call.account))
						.map(|n| n.targets.iter().map(address_of).collect())
						.unwrap_or_default();
				Ok(IZeroGStaking::nominationsOfCall::abi_encode_returns(&targets))
			}
			Call::pendingRewards(call) => {
				charge_call(env, none, 4)?;
				let pending = Staking::api_pending_rewards(call.era, account_of(&call.validator));
				Ok(IZeroGStaking::pendingRewardsCall::abi_encode_returns(&pending))
			}
			Call::minimumBonds(_) => {
				charge_call(env, none, 2)?;
				Ok(IZeroGStaking::minimumBondsCall::abi_encode_returns_tuple(&(
					U256::from(pallet_staking::MinValidatorBond::<Runtime>::get()),
					U256::from(pallet_staking::MinNominatorBond::<Runtime>::get()),
				)))
			}
		}
	}
}
