//! `zerog-node benchmark …` (in builds with the `benchmark-cli` feature): the dispatch
//! of its sub-commands, and the extrinsic builders for `benchmark overhead` and
//! `benchmark extrinsic`.

use std::{sync::Arc, time::Duration};

use frame_benchmarking_cli::{BenchmarkCmd, ExtrinsicFactory, SUBSTRATE_REFERENCE_HARDWARE};
use polkadot_sdk::{
	frame_system,
	sc_cli::{Result, SubstrateCli},
	sc_client_api::BlockBackend,
	sc_service::PartialComponents,
	sp_core::{sr25519, Encode, Pair},
	sp_inherents::{InherentData, InherentDataProvider},
	sp_keyring::Sr25519Keyring,
	sp_runtime::{self, generic, OpaqueExtrinsic, SaturatedConversion},
};
use zerog_runtime::{self as runtime, opaque::Block, EXISTENTIAL_DEPOSIT};

use crate::{cli::Cli, pool::PoolSettings, service, service::FullClient};

/// Runs one `benchmark` sub-command; `database` keeps the backend of those that open one.
pub fn run(
	cli: &Cli,
	cmd: &BenchmarkCmd,
	pool: &PoolSettings,
	database: &service::Database,
) -> Result<()> {
	let runner = crate::command::runner_for(cli, cmd)?;

	runner.sync_run(|config| match cmd {
			BenchmarkCmd::Pallet(cmd) => {
				if !cfg!(feature = "runtime-benchmarks") {
					return Err("Runtime benchmarking is not in this build: rebuild zerog-node \
						with `--features runtime-benchmarks`."
						.into());
				}
				cmd.run_with_spec::<sp_runtime::traits::HashingFor<Block>, zerog_da_primitives::kzg::HostFunctions>(Some(
					config.chain_spec,
				))
			},
			BenchmarkCmd::Block(cmd) => {
				let PartialComponents { client, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				cmd.run(client)
			},
			#[cfg(feature = "runtime-benchmarks")]
			BenchmarkCmd::Storage(cmd) => {
				let PartialComponents { client, backend, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				let db = backend.expose_db();
				let storage = backend.expose_storage();
				let shared_cache = backend.expose_shared_trie_cache();
				cmd.run(config, client, db, storage, shared_cache)
			},
			#[cfg(not(feature = "runtime-benchmarks"))]
			BenchmarkCmd::Storage(_) => Err("Storage benchmarking needs the `runtime-benchmarks` \
				feature: cargo build --release -p zerog-node --features runtime-benchmarks"
				.into()),
			BenchmarkCmd::Overhead(cmd) => {
				let PartialComponents { client, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				let ext_builder = RemarkBuilder::new(client.clone());
				cmd.run(
					config.chain_spec.name().into(),
					client,
					inherent_benchmark_data()?,
					Vec::new(),
					&ext_builder,
					false,
				)
			},
			BenchmarkCmd::Extrinsic(cmd) => {
				let PartialComponents { client, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				let ext_factory = ExtrinsicFactory(vec![
					Box::new(RemarkBuilder::new(client.clone())),
					Box::new(TransferKeepAliveBuilder::new(
						client.clone(),
						Sr25519Keyring::Alice.to_account_id(),
						EXISTENTIAL_DEPOSIT,
					)),
				]);
				cmd.run(client, inherent_benchmark_data()?, Vec::new(), &ext_factory)
			},
			BenchmarkCmd::Machine(cmd) =>
				cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
		})
}

/// Builds `system.remark` extrinsics: the cheapest signed transaction.
pub struct RemarkBuilder {
	client: Arc<FullClient>,
	/// Bob's key, derived once: deriving it (PBKDF2 over the dev phrase) took about a
	/// millisecond, a sixth of a `benchmark overhead` run when done for every extrinsic.
	signer: sr25519::Pair,
}

impl RemarkBuilder {
	/// A builder over the given client.
	pub fn new(client: Arc<FullClient>) -> Self {
		Self { client, signer: Sr25519Keyring::Bob.pair() }
	}
}

impl frame_benchmarking_cli::ExtrinsicBuilder for RemarkBuilder {
	fn pallet(&self) -> &str {
		"system"
	}

	fn extrinsic(&self) -> &str {
		"remark"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let extrinsic: OpaqueExtrinsic = create_benchmark_extrinsic(
			self.client.as_ref(),
			self.signer.clone(),
			frame_system::Call::remark { remark: vec![] }.into(),
			nonce,
		)
		.into();
		Ok(extrinsic)
	}
}

/// Builds `balances.transfer_keep_alive` extrinsics.
pub struct TransferKeepAliveBuilder {
	client: Arc<FullClient>,
	dest: runtime::AccountId,
	value: runtime::Balance,
	/// Bob's key, derived once (see [`RemarkBuilder`]).
	signer: sr25519::Pair,
}

impl TransferKeepAliveBuilder {
	/// A builder sending `value` to `dest`.
	pub fn new(client: Arc<FullClient>, dest: runtime::AccountId, value: runtime::Balance) -> Self {
		Self { client, dest, value, signer: Sr25519Keyring::Bob.pair() }
	}
}

impl frame_benchmarking_cli::ExtrinsicBuilder for TransferKeepAliveBuilder {
	fn pallet(&self) -> &str {
		"balances"
	}

	fn extrinsic(&self) -> &str {
		"transfer_keep_alive"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let extrinsic: OpaqueExtrinsic = create_benchmark_extrinsic(
			self.client.as_ref(),
			self.signer.clone(),
			runtime::BalancesCall::transfer_keep_alive {
				dest: self.dest.clone().into(),
				value: self.value,
			}
			.into(),
			nonce,
		)
		.into();
		Ok(extrinsic)
	}
}

/// A signed extrinsic of `sender` with every transaction extension the runtime checks.
pub fn create_benchmark_extrinsic(
	client: &FullClient,
	sender: polkadot_sdk::sp_core::sr25519::Pair,
	call: runtime::RuntimeCall,
	nonce: u32,
) -> runtime::UncheckedExtrinsic {
	let genesis_hash = client.block_hash(0).ok().flatten().expect("Genesis block exists; qed");
	let best_hash = client.chain_info().best_hash;
	let best_block = client.chain_info().best_number;

	let period = runtime::configs::BlockHashCount::get()
		.checked_next_power_of_two()
		.map(|c| c / 2)
		.unwrap_or(2) as u64;
	let tx_ext =
		runtime::tx_extension(nonce, generic::Era::mortal(period, best_block.saturated_into()), 0);

	let raw_payload = runtime::SignedPayload::from_raw(
		call.clone(),
		tx_ext.clone(),
		crate::preverify::implicit(
			runtime::VERSION.spec_version,
			runtime::VERSION.transaction_version,
			genesis_hash,
			best_hash,
		),
	);
	let signature = raw_payload.using_encoded(|e| sender.sign(e));

	runtime::SubstrateExtrinsic::new_signed(
		call,
		polkadot_sdk::sp_runtime::AccountId32::from(sender.public()).into(),
		runtime::Signature::Sr25519(signature),
		tx_ext,
	)
	.into()
}

/// The inherent data a benchmark block needs: a timestamp.
pub fn inherent_benchmark_data() -> Result<InherentData> {
	let mut inherent_data = InherentData::new();
	let d = Duration::from_millis(0);
	let timestamp = polkadot_sdk::sp_timestamp::InherentDataProvider::new(d.into());

	futures::executor::block_on(timestamp.provide_inherent_data(&mut inherent_data))
		.map_err(|e| format!("creating inherent data: {e:?}"))?;
	Ok(inherent_data)
}
