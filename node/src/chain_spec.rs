//! Chain specifications, built from the runtime's genesis presets.
//!
//! A built-in chain spec comes in two forms ([`Genesis`]). `build-spec` writes the
//! preset's name and the Wasm, as Substrate's tools expect, and the Wasm's genesis
//! builder turns it into storage when asked. A starting node only needs the storage:
//! it takes it from the same preset through the runtime linked into this binary
//! ([`native_genesis`]). That saves compiling the Wasm twice on every start (once to
//! resolve the preset, once to build the state from it: seconds of both cores each)
//! before the node's own executor compiles it to run it. A unit test holds the two
//! forms to the same state root for every preset.

use polkadot_sdk::{
	sc_service::{self, ChainSpec as _},
	sp_core::storage::{well_known_keys, Storage},
	sp_genesis_builder,
	sp_runtime::BuildStorage,
};
use zerog_runtime::{
	genesis_config_presets::{self as presets, SOLO_TESTNET_PRESET, STAGING_PRESET},
	RuntimeGenesisConfig, SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY,
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

/// How a built-in chain spec holds its genesis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Genesis {
	/// The preset's name and the Wasm, for the Wasm's genesis builder: what `build-spec`
	/// and `export-chain-spec` write.
	Preset,
	/// The storage the preset builds, built by the native runtime: what a node starts from.
	Storage,
}

/// The genesis storage of one of the runtime's presets, built as the Wasm's
/// `GenesisBuilder` API builds it for a chain spec (sc-chain-spec's
/// `get_storage_for_named_preset`: the default config, the preset merged into it as a
/// JSON merge patch, then `build_state`), by the runtime linked into this binary, with
/// this binary's Wasm as the chain's code.
pub fn native_genesis(preset: &str) -> Result<Storage, String> {
	// frame-support's `genesis_builder_helper`, which the runtime's API calls, natively.
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default())
		.map_err(|e| format!("the default genesis config does not serialize: {e}"))?;
	let patch = presets::get_preset(&preset.into())
		.ok_or_else(|| format!("the runtime has no genesis preset {preset:?}"))?;
	let patch = serde_json::from_slice(&patch)
		.map_err(|e| format!("genesis preset {preset:?} is not JSON: {e}"))?;
	merge(&mut config, patch);
	let config: RuntimeGenesisConfig = serde_json::from_value(config)
		.map_err(|e| format!("genesis preset {preset:?} does not fit the runtime's config: {e}"))?;
	let mut storage = config.build_storage()?;
	storage.top.insert(well_known_keys::CODE.to_vec(), wasm()?.to_vec());
	Ok(storage)
}

/// A JSON merge patch (RFC 7386), as sc-chain-spec applies a preset to the default config.
fn merge(target: &mut serde_json::Value, patch: serde_json::Value) {
	match (target, patch) {
		(serde_json::Value::Object(target), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				if value.is_null() {
					target.remove(&key);
				} else {
					merge(target.entry(key).or_insert(serde_json::Value::Null), value);
				}
			}
		}
		(target, patch) => *target = patch,
	}
}

/// The chain spec of one of the runtime's genesis presets.
fn from_preset(
	name: &str,
	id: &str,
	chain_type: sc_service::ChainType,
	preset: &str,
	genesis: Genesis,
) -> Result<ChainSpec, String> {
	let mut spec = ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build();
	if genesis == Genesis::Storage {
		spec.set_storage(native_genesis(preset)?);
	}
	Ok(spec)
}

/// `--dev`: one validator (Alice), sudo Alice, the well-known accounts endowed, short
/// governance periods.
pub fn development_config(genesis: Genesis) -> Result<ChainSpec, String> {
	from_preset(
		"ZeroG Development",
		"zerog_dev",
		sc_service::ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
		genesis,
	)
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave), no sudo.
pub fn local_testnet_config(genesis: Genesis) -> Result<ChainSpec, String> {
	from_preset(
		"ZeroG Local Testnet",
		"zerog_local_testnet",
		sc_service::ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
		genesis,
	)
}

/// `--chain solo`: one validator (Alice), no sudo, short governance periods: a chain
/// governed like production that one machine runs.
pub fn solo_testnet_config(genesis: Genesis) -> Result<ChainSpec, String> {
	from_preset(
		"ZeroG Solo Testnet",
		"zerog_solo_testnet",
		sc_service::ChainType::Local,
		SOLO_TESTNET_PRESET,
		genesis,
	)
}

/// `--chain staging`: the production-style template: four validators, no sudo, real
/// governance periods.
pub fn staging_config(genesis: Genesis) -> Result<ChainSpec, String> {
	from_preset(
		"ZeroG Staging",
		"zerog_staging",
		sc_service::ChainType::Live,
		STAGING_PRESET,
		genesis,
	)
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::{Decode, Encode};
	use polkadot_sdk::{
		sc_executor::WasmExecutor,
		sp_core::{
			storage::StateVersion,
			traits::{CallContext, CodeExecutor, Externalities, RuntimeCode, WrappedRuntimeCode},
		},
		sp_io::{hashing::blake2_256, TestExternalities},
	};

	/// Calls the Wasm's `GenesisBuilder` API in `ext`, as sc-chain-spec does.
	fn call<R: Decode>(
		executor: &WasmExecutor<crate::service::HostFunctions>,
		ext: &mut TestExternalities,
		method: &str,
		data: &[u8],
	) -> R {
		let code = WrappedRuntimeCode(wasm().unwrap().into());
		let runtime_code = RuntimeCode {
			code_fetcher: &code,
			heap_pages: None,
			hash: blake2_256(&code.0).to_vec(),
		};
		let out = executor
			.call(&mut ext.ext(), &runtime_code, method, data, CallContext::Offchain)
			.0
			.unwrap_or_else(|e| panic!("{method}: {e}"));
		R::decode(&mut &out[..]).unwrap()
	}

	/// For every preset, the storage a node starts from ([`native_genesis`]) is the storage
	/// the Wasm's genesis builder builds from the preset (what `build-spec --raw` writes
	/// and what a node built before it started from): the same state root.
	#[test]
	fn the_native_genesis_is_the_wasm_genesis_for_every_preset() {
		// One executor: the Wasm is compiled once, not once per call.
		let executor = WasmExecutor::<crate::service::HostFunctions>::builder().build();
		let names = presets::preset_names();
		assert!(names.len() >= 4, "{names:?}");
		for preset in names {
			let mut ext = TestExternalities::new_empty();
			let get = |ext: &mut TestExternalities, id: Option<sp_genesis_builder::PresetId>| {
				let json = call::<Option<Vec<u8>>>(
					&executor,
					ext,
					"GenesisBuilder_get_preset",
					&id.encode(),
				);
				serde_json::from_slice::<serde_json::Value>(&json.unwrap()).unwrap()
			};
			let mut config = get(&mut ext, None);
			merge(&mut config, get(&mut ext, Some(preset.clone())));
			let built = call::<sp_genesis_builder::Result>(
				&executor,
				&mut ext,
				"GenesisBuilder_build_state",
				&serde_json::to_vec(&config).unwrap().encode(),
			);
			assert_eq!(built, Ok(()), "{preset:?}");
			ext.insert(well_known_keys::CODE.to_vec(), wasm().unwrap().to_vec());
			let wasm_root = ext.ext().storage_root(StateVersion::V1);

			let native = native_genesis(&preset).unwrap();
			let keys = native.top.len();
			let code = &native.top[well_known_keys::CODE];
			assert_eq!(code[..], wasm().unwrap()[..], "{preset:?}: the chain's code");
			// (`TestExternalities::new` would set `:code` to nothing.)
			let mut native = TestExternalities::new_with_code(&code.clone(), native);
			assert_eq!(native.ext().storage_root(StateVersion::V1), wasm_root, "{preset:?}");
			assert!(keys > 100, "{preset:?}: {keys} keys");
		}
	}

	#[test]
	fn the_merge_patch_replaces_merges_and_removes() {
		let mut target = serde_json::json!({"a": {"b": 1, "c": 2}, "d": [1, 2], "e": 3});
		merge(&mut target, serde_json::json!({"a": {"b": 9, "x": null}, "d": [3], "e": null}));
		assert_eq!(target, serde_json::json!({"a": {"b": 9, "c": 2}, "d": [3]}));
	}
}
