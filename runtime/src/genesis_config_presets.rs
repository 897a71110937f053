//! Genesis presets. The node's chain specs are built from these, and
//! `zerog-node build-spec --chain local` prints them.
//!
//! | preset | validators | sudo | governance day | staking timing |
//! |---|---|---|---|---|
//! | `development` (`--dev`) | Alice | Alice | [`TEST_GOVERNANCE_DAY`] blocks | test |
//! | `local_testnet` (`--chain local`) | Alice..Dave | none | [`TEST_GOVERNANCE_DAY`] blocks | test |
//! | `solo_testnet` (`--chain solo`) | Alice | none | [`TEST_GOVERNANCE_DAY`] blocks | test |
//! | `staging` (`--chain staging`) | Alice..Dave | none | a real day | production |
//!
//! Staking timing ([`StakingTiming`]): test chains run 10-block sessions, 3-session
//! eras and a 2-era bonding duration; production hour-long sessions, 6-hour eras and 28
//! eras (7 days). Every genesis validator bonds [`VALIDATOR_BOND`] from its endowment.
//!
//! Without sudo, only a referendum changes the runtime or a parameter. The technical
//! committee (Alice, Bob, Charlie) can whitelist calls for the fast track. Test chains
//! shorten every governance period by setting the governance day to a few blocks.
//!
//! Both endow the Substrate dev accounts (Alice..Ferdie, mapped for contract use) and
//! the Ethereum dev accounts of [`ETH_DEV_ACCOUNTS`], so wallets and tools work on a
//! fresh dev chain.

use crate::{
	configs::staking::{MAX_CANDIDATES, MAX_NOMINATORS, MIN_NOMINATOR_BOND, MIN_VALIDATOR_BOND},
	AccountId, BabeConfig, BalancesConfig, GovernanceConfig, ReviveConfig, Runtime,
	RuntimeGenesisConfig, SessionConfig, SessionKeys, StakingConfig, StorageMarketConfig,
	SudoConfig, TechnicalCommitteeConfig, TransactionPaymentConfig, ZgStakingConfig,
	BABE_GENESIS_EPOCH_CONFIG, UNIT,
};
use alloc::{vec, vec::Vec};
use pallet_zerog_staking::StakingTiming;
use polkadot_sdk::{
	frame_support::build_struct_json_patch,
	pallet_staking::StakerStatus,
	sp_consensus_babe::AuthorityId as BabeId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
	sp_runtime::Perbill,
};
use polkadot_sdk::{
	pallet_revive::{AddressMapper, H160},
	sp_core::hex2array,
};
use serde_json::Value;

/// What each endowed development account holds at genesis: one million ZG.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// What each genesis validator bonds from its endowment: 100,000 ZG.
pub const VALIDATOR_BOND: crate::Balance = 100_000 * UNIT;

/// Storage price at genesis, per 256-byte sector per month: 2.5e10 wei, so a GiB
/// (4,194,304 sectors) costs about 0.105 ZG a month. Governance changes it with
/// `storageMarket.setPrice`.
pub const STORAGE_PRICE_PER_SECTOR_MONTH: crate::Balance = 25_000_000_000;

/// Ethereum development accounts endowed at genesis: the first four accounts of the
/// mnemonic "test test test test test test test test test test test junk" that
/// Hardhat, Anvil and Foundry use. Their private keys are public (see docs/evm.md):
/// development and local chains only.
pub const ETH_DEV_ACCOUNTS: [[u8; 20]; 4] = [
	hex2array!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
	hex2array!("70997970C51812dc3A010C7d01b50e0d17dc79C8"),
	hex2array!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
	hex2array!("90F79bf6EB2c4f870365E785982E1f101E93b906"),
];

/// DA signer development accounts, endowed at genesis: the sr25519 keys of the dev
/// seeds `//DaSigner1` .. `//DaSigner6` (`zerog-node key inspect //DaSigner1`), which
/// `scripts/run.sh` and the tests start `zg-da-signer` with. Development and local
/// chains only.
pub const DA_DEV_SIGNERS: [[u8; 32]; 6] = [
	hex2array!("c882da5eb1e55bd16bb7f5606728c94a1cbd5b0971ea47873fa27dfec1e7764a"),
	hex2array!("7e5e5cb60314cdb70879b35701903000b9f1ec6623741ac5a49425b0276aa033"),
	hex2array!("4a1e5532ebb80b8dfa627b93a600a3e4ed9b40409c2bcb9d1ec65c93407d627c"),
	hex2array!("d2d06490c1daea63400f72bf8312929f48ec18749cca77db05bfb4374f2add4a"),
	hex2array!("881612c60bf2f632c4c37898b736e6e704680adf752c18523deb113d1028a839"),
	hex2array!("fca112c37f27de212a81a9b57306445f29ecc2e11c76de073d304bd88f00666f"),
];

/// The native account that holds an Ethereum dev account's funds: `H160 ++ 0xEE * 12`.
pub fn eth_dev_account(address: [u8; 20]) -> AccountId {
	<Runtime as polkadot_sdk::pallet_revive::Config>::AddressMapper::to_fallback_account_id(&H160(
		address,
	))
}

/// Blocks in a governance day on development and test chains: 4 s, so a root
/// referendum decides within 28 blocks (56 s) and enacts 2 blocks after it confirms.
pub const TEST_GOVERNANCE_DAY: u32 = 2;

/// Preset id of one validator (Alice) without sudo: governed like production, with
/// test-chain periods.
pub const SOLO_TESTNET_PRESET: &str = "solo_testnet";
/// Preset id of a production-style chain: no sudo, real governance periods.
pub const STAGING_PRESET: &str = "staging";

/// Who governs a chain at genesis.
pub struct GenesisGovernance {
	/// The sudo key; `None` on every chain but the development one.
	pub sudo: Option<AccountId>,
	/// Blocks in a governance day; `None` keeps a real day.
	pub day: Option<u32>,
	/// The technical committee, which whitelists calls for the fast track.
	pub committee: Vec<AccountId>,
	/// Epochs, sessions, eras and bonding.
	pub timing: StakingTiming,
	/// Storage mining: epochs, answers, base reward, months.
	pub mining: pallet_storage_market::MiningConfig<crate::Balance, crate::BlockNumber>,
	/// Storage audits: how often, how long to answer, the slash.
	pub audit: pallet_storage_market::AuditConfig<crate::BlockNumber>,
}

/// Storage audits on a test chain: one every 5 blocks, 10 blocks to answer, 10 % of the
/// bond per failure.
pub const TEST_AUDIT: pallet_storage_market::AuditConfig<crate::BlockNumber> =
	pallet_storage_market::AuditConfig { period: 5, window: 10, slash: Perbill::from_percent(10) };

/// Storage mining on a test chain: 10-block epochs (20 s) retargeted toward 4 answers
/// (at most 8), 1 ZG minted per answer, real 30-day months (a test shortens them with
/// `set_mining_config`).
pub const TEST_MINING: pallet_storage_market::MiningConfig<crate::Balance, crate::BlockNumber> =
	pallet_storage_market::MiningConfig {
		epoch_blocks: 10,
		target_answers: 4,
		max_answers: 8,
		base_reward: UNIT,
		month_blocks: 30 * crate::DAYS,
	};

impl GenesisGovernance {
	/// A test chain's: short periods, Alice, Bob and Charlie on the committee.
	pub fn test(sudo: Option<AccountId>) -> Self {
		Self {
			sudo,
			day: Some(TEST_GOVERNANCE_DAY),
			committee: [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
				.iter()
				.map(|k| k.to_account_id())
				.collect(),
			timing: StakingTiming::TEST,
			mining: TEST_MINING,
			audit: TEST_AUDIT,
		}
	}
}

/// One validator at genesis: its (stash) account and its session keys.
pub struct GenesisValidator {
	pub account: AccountId,
	pub babe: BabeId,
	pub grandpa: GrandpaId,
}

impl GenesisValidator {
	/// The well-known development validator of a keyring name (Alice, Bob, ...): sr25519
	/// for the account and BABE, ed25519 for GRANDPA, all from the same dev seed.
	pub fn dev(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Self {
		Self { account: sr.to_account_id(), babe: sr.public().into(), grandpa: ed.public().into() }
	}
}

/// The genesis of a chain with the given validators, endowed accounts and governance.
pub fn testnet_genesis(
	validators: Vec<GenesisValidator>,
	endowed_accounts: Vec<AccountId>,
	governance: GenesisGovernance,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.chain(ETH_DEV_ACCOUNTS.into_iter().map(eth_dev_account))
				.chain(DA_DEV_SIGNERS.into_iter().map(AccountId::from))
				.map(|account| (account, ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		// Substrate accounts must be mapped to an H160 before they use contracts.
		revive: ReviveConfig { mapped_accounts: endowed_accounts.clone() },
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG, ..Default::default() },
		zg_staking: ZgStakingConfig {
			epoch_duration: governance.timing.epoch_duration,
			sessions_per_era: governance.timing.sessions_per_era,
			bonding_duration: governance.timing.bonding_duration,
			slash_defer_duration: governance.timing.slash_defer_duration,
			..Default::default()
		},
		staking: StakingConfig {
			// Seats for every candidate up to the set's bound: whoever bonds, validates
			// and sets keys is elected at the next era (the staking admin may lower it).
			validator_count: crate::configs::staking::MaxValidatorSet::get(),
			minimum_validator_count: 1,
			slash_reward_fraction: Perbill::from_percent(10),
			stakers: validators
				.iter()
				.map(|v| {
					(v.account.clone(), v.account.clone(), VALIDATOR_BOND, StakerStatus::Validator)
				})
				.collect::<Vec<_>>(),
			min_validator_bond: MIN_VALIDATOR_BOND,
			min_nominator_bond: MIN_NOMINATOR_BOND,
			max_validator_count: Some(MAX_CANDIDATES),
			max_nominator_count: Some(MAX_NOMINATORS),
			..Default::default()
		},
		session: SessionConfig {
			keys: validators
				.into_iter()
				.map(|v| {
					(v.account.clone(), v.account, SessionKeys { babe: v.babe, grandpa: v.grandpa })
				})
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: governance.sudo },
		governance: GovernanceConfig {
			day: governance.day.unwrap_or_default(),
			..Default::default()
		},
		technical_committee: TechnicalCommitteeConfig {
			members: governance.committee,
			..Default::default()
		},
		storage_market: StorageMarketConfig {
			price_per_sector_month: STORAGE_PRICE_PER_SECTOR_MONTH,
			mining: governance.mining,
			initial_target: None,
			audit: governance.audit,
			// Four shards, as `scripts/run.sh` starts four nodes; nodes may leave freely
			// until governance sets a minimum.
			coverage: pallet_storage_market::CoverageConfig { shards: 4, min_replicas: 0 },
		},
		// The constant multiplier from the first block on (pallet-transaction-payment
		// starts at one and applies `FeeMultiplierUpdate` only when a block finalizes),
		// so block 1 already has the documented gas price.
		transaction_payment: TransactionPaymentConfig {
			multiplier: crate::configs::FeeMultiplier::get(),
			..Default::default()
		},
	})
}

fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

fn alice() -> Vec<GenesisValidator> {
	vec![GenesisValidator::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice)]
}

fn four_validators() -> Vec<GenesisValidator> {
	vec![
		GenesisValidator::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		GenesisValidator::dev(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		GenesisValidator::dev(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		GenesisValidator::dev(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	]
}

/// The `development` preset: Alice validates alone and holds sudo.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		alice(),
		dev_accounts(),
		GenesisGovernance::test(Some(Sr25519Keyring::Alice.to_account_id())),
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and Dave validate; no sudo.
pub fn local_testnet_genesis() -> Value {
	testnet_genesis(four_validators(), dev_accounts(), GenesisGovernance::test(None))
}

/// The `solo_testnet` preset: Alice validates alone; no sudo, test-chain periods.
pub fn solo_testnet_genesis() -> Value {
	testnet_genesis(alice(), dev_accounts(), GenesisGovernance::test(None))
}

/// The `staging` preset: four validators, no sudo, real governance periods.
pub fn staging_genesis() -> Value {
	testnet_genesis(
		four_validators(),
		dev_accounts(),
		GenesisGovernance {
			day: None,
			timing: StakingTiming::PRODUCTION,
			mining: crate::configs::PRODUCTION_MINING,
			audit: crate::configs::PRODUCTION_AUDIT,
			..GenesisGovernance::test(None)
		},
	)
}

/// The preset of the given id, serialized as JSON.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		SOLO_TESTNET_PRESET => solo_testnet_genesis(),
		STAGING_PRESET => staging_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The ids of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(SOLO_TESTNET_PRESET),
		PresetId::from(STAGING_PRESET),
	]
}
