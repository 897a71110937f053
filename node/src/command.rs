//! Dispatch of the command line: run the node or one of its sub-commands.

use std::sync::{Arc, OnceLock};

use polkadot_sdk::{
	sc_cli::{self, SubstrateCli},
	sc_consensus_babe, sc_consensus_grandpa, sc_network, sc_service,
	sc_service::PartialComponents,
	sp_runtime,
};
use zerog_runtime::opaque::Block;

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};

/// The version the binary passed to [`run`]: its package version and commit.
static IMPL_VERSION: OnceLock<&'static str> = OnceLock::new();

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"ZeroG Node".into()
	}

	fn impl_version() -> String {
		IMPL_VERSION.get().copied().unwrap_or(env!("CARGO_PKG_VERSION")).into()
	}

	fn description() -> String {
		"ZeroG validator node: BABE block production, GRANDPA finality, RocksDB, JSON-RPC.".into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"the project's issue tracker".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		// `build-spec` and `export-chain-spec` write the preset for tools to edit (zombienet
		// sets keys in it); `build-spec --raw` and every other command need only the
		// genesis storage.
		let genesis = match &self.subcommand {
			Some(Subcommand::BuildSpec(cmd)) if !cmd.raw => chain_spec::Genesis::Preset,
			Some(Subcommand::ExportChainSpec(cmd)) if !cmd.raw => chain_spec::Genesis::Preset,
			_ => chain_spec::Genesis::Storage,
		};
		Ok(match id {
			"dev" => Box::new(chain_spec::development_config(genesis)?),
			"" | "local" => Box::new(chain_spec::local_testnet_config(genesis)?),
			"solo" => Box::new(chain_spec::solo_testnet_config(genesis)?),
			"staging" => Box::new(chain_spec::staging_config(genesis)?),
			path => Box::new(
				chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))
					.map_err(|e| format!("cannot load chain spec {path}: {e}"))?,
			),
		})
	}
}

/// Browser origins allowed to call the node's RPC when `--rpc-cors` is not given. The
/// RPC server matches origins exactly (no port wildcards): a local page on another port
/// is allowed with `--rpc-cors http://localhost:PORT`.
pub const LOCAL_ORIGINS: [&str; 5] = [
	"http://localhost",
	"http://127.0.0.1",
	"https://localhost",
	"https://127.0.0.1",
	"https://polkadot.js.org",
];

/// Parses and runs the command line; `impl_version` is what `--version` prints and the
/// node reports.
pub fn run(impl_version: &'static str) -> sc_cli::Result<()> {
	// Set once per process; a second call keeps the first version.
	let _ = IMPL_VERSION.set(impl_version);
	let mut cli = Cli::parse_args();
	// Unless --rpc-cors says otherwise, only local pages (default ports) and
	// polkadot.js.org may call the node's RPC, with --dev too (Substrate's --dev default is every origin, which lets
	// any web page a developer visits drive the unsafe methods of a local node).
	if cli.run.rpc_params.rpc_cors.is_none() {
		cli.run.rpc_params.rpc_cors =
			Some(sc_cli::Cors::List(LOCAL_ORIGINS.iter().map(|o| o.to_string()).collect()));
	}

	// The transaction pool the command line asks for (sub-commands build one too).
	let pool = crate::pool::PoolSettings::new(
		&cli.run.pool_config,
		&cli.pool,
		cli.run.shared_params.is_dev(),
	);

	// The backend of whatever the command opens, so that the database closes here, on the
	// main thread, before the process exits.
	let database = service::Database::default();
	let result = dispatch(&cli, &pool, &database);
	database.close();
	result
}

/// A sub-command's work, then a note that the process is stopping: the import queue's
/// worker, an essential task, ends when the queue is dropped, and would otherwise report
/// a failure ([`crate::essential`]).
async fn to_the_end(
	work: impl std::future::Future<Output = sc_cli::Result<()>>,
) -> sc_cli::Result<()> {
	let result = work.await;
	crate::essential::note_stopping();
	result
}

/// [`to_the_end`] for a sub-command that does not take the import queue: the queue is held
/// until the work is done, so that its worker does not end before.
async fn holding_queue<Q>(
	queue: Q,
	work: impl std::future::Future<Output = sc_cli::Result<()>>,
) -> sc_cli::Result<()> {
	let result = to_the_end(work).await;
	drop(queue);
	result
}

/// sc-cli's runner for `cmd`. Creating it sets sc-cli's panic hook, so the exception of
/// [`crate::shutdown::let_refused_timers_unwind`] is installed over it here.
pub(crate) fn runner_for<T, DVC>(cli: &Cli, cmd: &T) -> sc_cli::Result<sc_cli::Runner<Cli>>
where
	T: sc_cli::CliConfiguration<DVC>,
	DVC: sc_cli::DefaultConfigurationValues,
{
	let runner = cli.create_runner(cmd)?;
	crate::shutdown::let_refused_timers_unwind();
	Ok(runner)
}

/// Runs the node, or the sub-command `cli` names.
fn dispatch(
	cli: &Cli,
	pool: &crate::pool::PoolSettings,
	database: &service::Database,
) -> sc_cli::Result<()> {
	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = runner_for(cli, cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = runner_for(cli, cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				Ok((to_the_end(cmd.run(client, import_queue)), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = runner_for(cli, cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				Ok((holding_queue(import_queue, cmd.run(client, config.database)), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = runner_for(cli, cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				Ok((holding_queue(import_queue, cmd.run(client, config.chain_spec)), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(crate::cli::ImportBlocksCmd {
			import: cmd,
			signature_cache,
		})) => {
			let runner = runner_for(cli, cmd)?;
			// Blocks from a file import as a syncing node's do: their signatures verified
			// in batches into the cache first (crate::preverify).
			crate::verify_cache::enable(signature_cache.signature_cache_entries);
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				Ok((to_the_end(cmd.run(client, import_queue)), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = runner_for(cli, cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = runner_for(cli, cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, import_queue, .. } =
					service::new_partial(&config, pool, &cli.wasm_cache, database)?;
				// BABE's epoch changes and GRANDPA's authority sets are kept beside the
				// blocks, and go back with them.
				let aux_revert = Box::new(|client: Arc<service::FullClient>, backend, blocks| {
					sc_consensus_babe::revert(client.clone(), backend, blocks)?;
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				let revert = cmd.run(client, backend, Some(aux_revert));
				Ok((holding_queue(import_queue, revert), task_manager))
			})
		}
		#[cfg(feature = "benchmark-cli")]
		Some(Subcommand::Benchmark(cmd)) => crate::benchmarking::run(cli, cmd, pool, database),
		#[cfg(not(feature = "benchmark-cli"))]
		Some(Subcommand::Benchmark(_)) => Err(crate::cli::NO_BENCHMARK_CLI.into()),
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = runner_for(cli, cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		None => {
			let runner = runner_for(cli, &cli.run)?;
			// This machine against the reference the weights were measured on, before the
			// node starts, so that nothing else runs beside the benchmarks; the disk's in
			// the database's directory.
			let hwbench = (!cli.no_hardware_benchmarks).then(|| {
				let scratch = runner.config().database.path();
				if let Some(path) = scratch {
					let _ = std::fs::create_dir_all(path);
				}
				let report = crate::hardware::measure(scratch);
				report.log();
				report.hwbench
			});
			let eth = cli.eth.clone();
			let proposer = cli.proposer.clone();
			let mut wasm_cache = cli.wasm_cache.clone();
			// sc-cli's rule: `--tmp`, or `--dev` without `--base-path`.
			wasm_cache.temporary_base_path = cli.run.tmp
				|| (cli.run.shared_params.is_dev() && cli.run.shared_params.base_path.is_none());
			let pool = pool.clone();
			let database = database.clone();
			// A running node remembers signature checks, and `import-blocks` (above): the
			// other sub-commands (the benchmarks above all) check every signature each time.
			crate::verify_cache::enable(cli.signature_cache.signature_cache_entries);
			runner.run_node_until_exit(|config| async move {
				crate::essential::watch_signals();
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => {
						service::new_full::<
							sc_network::NetworkWorker<
								Block,
								<Block as sp_runtime::traits::Block>::Hash,
							>,
						>(config, eth, pool, wasm_cache, proposer, hwbench, &database)
						.map_err(sc_cli::Error::Service)
					}
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(
							config, eth, pool, wasm_cache, proposer, hwbench, &database,
						)
						.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}
