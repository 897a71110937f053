//! Chain specifications, built from the runtime's genesis presets.

use polkadot_sdk::{sc_service, sp_genesis_builder};
use zerog_runtime::{
	genesis_config_presets::{SOLO_TESTNET_PRESET, STAGING_PRESET},
	SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY,
};

/// A chain spec of the ZeroG runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_service::Properties {
	let mut p = sc_service::Properties::new();
	p.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	p.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	p.insert("ss58Format".into(), SS58_PREFIX.into());
	p
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's Wasm was not built into this binary; rebuild without SKIP_WASM_BUILD."
			.to_string()
	})
}

/// `--dev`: one validator (Alice), sudo Alice, the well-known accounts endowed, short
/// governance periods.
pub fn development_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ZeroG Development")
		.with_id("zerog_dev")
		.with_chain_type(sc_service::ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave), no sudo.
pub fn local_testnet_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ZeroG Local Testnet")
		.with_id("zerog_local_testnet")
		.with_chain_type(sc_service::ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain solo`: one validator (Alice), no sudo, short governance periods: a chain
/// governed like production that one machine runs.
pub fn solo_testnet_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ZeroG Solo Testnet")
		.with_id("zerog_solo_testnet")
		.with_chain_type(sc_service::ChainType::Local)
		.with_genesis_config_preset_name(SOLO_TESTNET_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain staging`: the production-style template: four validators, no sudo, real
/// governance periods.
pub fn staging_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("ZeroG Staging")
		.with_id("zerog_staging")
		.with_chain_type(sc_service::ChainType::Live)
		.with_genesis_config_preset_name(STAGING_PRESET)
		.with_properties(properties())
		.build())
}
