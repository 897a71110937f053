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

/// The chain spec of one of the runtime's genesis presets.
fn from_preset(
	name: &str,
	id: &str,
	chain_type: sc_service::ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// `--dev`: one validator (Alice), sudo Alice, the well-known accounts endowed, short
/// governance periods.
pub fn development_config() -> Result<ChainSpec, String> {
	from_preset(
		"ZeroG Development",
		"zerog_dev",
		sc_service::ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave), no sudo.
pub fn local_testnet_config() -> Result<ChainSpec, String> {
	from_preset(
		"ZeroG Local Testnet",
		"zerog_local_testnet",
		sc_service::ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// `--chain solo`: one validator (Alice), no sudo, short governance periods: a chain
/// governed like production that one machine runs.
pub fn solo_testnet_config() -> Result<ChainSpec, String> {
	from_preset(
		"ZeroG Solo Testnet",
		"zerog_solo_testnet",
		sc_service::ChainType::Local,
		SOLO_TESTNET_PRESET,
	)
}

/// `--chain staging`: the production-style template: four validators, no sudo, real
/// governance periods.
pub fn staging_config() -> Result<ChainSpec, String> {
	from_preset("ZeroG Staging", "zerog_staging", sc_service::ChainType::Live, STAGING_PRESET)
}
