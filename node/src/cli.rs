//! Command-line interface: the standard Substrate node CLI, with ZeroG's defaults for
//! the transaction pool.

use clap::{CommandFactory, FromArgMatches};
use polkadot_sdk::{sc_cli, sc_cli::SubstrateCli};

use crate::pool::{BAN_TIME, POOL_KBYTES, POOL_LIMIT};

/// Sub-commands beside running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Sub-commands concerned with benchmarking.
	#[cfg(feature = "benchmark-cli")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Benchmarking: not in this build (see `--features benchmark-cli`).
	#[cfg(not(feature = "benchmark-cli"))]
	Benchmark(NoBenchmarkCli),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// `zerog-node benchmark …` in a build without the `benchmark-cli` feature: takes any
/// arguments, so that the command answers with how to get a build that has it.
#[cfg(not(feature = "benchmark-cli"))]
#[derive(Debug, clap::Args)]
pub struct NoBenchmarkCli {
	/// What was asked of the benchmark command.
	#[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
	pub args: Vec<String>,
}

/// The answer of `zerog-node benchmark …` in a build without the `benchmark-cli` feature.
#[cfg(not(feature = "benchmark-cli"))]
pub const NO_BENCHMARK_CLI: &str = "the benchmark sub-commands are not in this build of \
	zerog-node: rebuild it with `cargo build --release -p zerog-node --features benchmark-cli` \
	(block, overhead, extrinsic, machine) or `--features runtime-benchmarks` (also pallet and \
	storage; scripts/benchmark-weights.sh does this)";

/// `import-blocks`: sc-cli's, and the signature cache that the import fills in batches
/// ahead of each block's execution ([`crate::preverify`]), as a syncing node does.
#[derive(Debug, clap::Args)]
pub struct ImportBlocksCmd {
	/// sc-cli's command.
	#[command(flatten)]
	pub import: sc_cli::ImportBlocksCmd,

	/// The signature cache's size.
	#[command(flatten)]
	pub signature_cache: crate::verify_cache::SignatureCacheParams,
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A sub-command, or none to run the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of the running node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// The transaction pool's future queue and journal ([`crate::pool`],
	/// [`crate::journal`]).
	#[clap(flatten)]
	pub pool: crate::pool::PoolParams,

	/// Options of the Ethereum JSON-RPC server.
	#[clap(flatten)]
	pub eth: crate::eth::EthRpcParams,

	/// Where the runtime's compiled code is kept ([`crate::wasm_cache`]).
	#[clap(flatten)]
	pub wasm_cache: crate::wasm_cache::WasmCacheParams,

	/// How many signature checks the node remembers ([`crate::verify_cache`]).
	#[clap(flatten)]
	pub signature_cache: crate::verify_cache::SignatureCacheParams,

	/// What the blocks this node authors may hold ([`crate::proposer`]).
	#[clap(flatten)]
	pub proposer: crate::proposer::ProposerParams,

	/// Skip the hardware benchmarks the node runs at start, which put this machine against
	/// the reference machine the chain's weights were measured on ([`crate::hardware`]).
	#[arg(long)]
	pub no_hardware_benchmarks: bool,
}

impl Cli {
	/// Parses the process's arguments like [`SubstrateCli::from_args`], with ZeroG's
	/// transaction-pool defaults ([`POOL_LIMIT`], [`POOL_KBYTES`], and the ban time of
	/// [`BAN_TIME`] in `--tx-ban-seconds`'s help); the flags still override them.
	pub fn parse_args() -> Self {
		Self::parse_from_iter(std::env::args_os())
	}

	/// [`Cli::parse_args`] over the given arguments.
	pub fn parse_from_iter<I>(args: I) -> Self
	where
		I: IntoIterator,
		I::Item: Into<std::ffi::OsString> + Clone,
	{
		let command = <Self as SubstrateCli>::setup_command(<Self as CommandFactory>::command())
			.mut_arg("pool_limit", |a| a.default_value(POOL_LIMIT))
			.mut_arg("pool_kbytes", |a| a.default_value(POOL_KBYTES))
			.mut_arg("tx_ban_seconds", |a| {
				let help = format!(
					"How long the pool bans a transaction it found invalid or dropped \
					 [default: {}, one slot; 0 on a --dev chain]",
					BAN_TIME.as_secs()
				);
				a.help(help.clone()).long_help(help)
			});
		let matches = command.try_get_matches_from(args).unwrap_or_else(|e| e.exit());
		Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_pool_holds_a_burst_by_default_and_flags_override() {
		let cli = Cli::parse_from_iter(["zerog-node", "--dev"]);
		assert_eq!(cli.run.pool_config.pool_limit, 65_536);
		assert_eq!(cli.run.pool_config.pool_kbytes, 131_072);
		let cli = Cli::parse_from_iter(["zerog-node", "--pool-limit", "100", "--pool-kbytes", "7"]);
		assert_eq!((cli.run.pool_config.pool_limit, cli.run.pool_config.pool_kbytes), (100, 7));
		// Sub-commands parse as before.
		let cli = Cli::parse_from_iter(["zerog-node", "purge-chain", "--dev", "-y"]);
		assert!(matches!(cli.subcommand, Some(Subcommand::PurgeChain(_))));
	}

	#[test]
	fn the_hardware_is_measured_unless_told_not_to() {
		assert!(!Cli::parse_from_iter(["zerog-node", "--dev"]).no_hardware_benchmarks);
		let cli = Cli::parse_from_iter(["zerog-node", "--dev", "--no-hardware-benchmarks"]);
		assert!(cli.no_hardware_benchmarks);
	}

	/// Without the `benchmark-cli` feature, `benchmark` still parses, whatever follows
	/// it, so the command can say how to get a build that has it.
	#[cfg(not(feature = "benchmark-cli"))]
	#[test]
	fn benchmark_without_the_feature_takes_any_arguments() {
		let cli = Cli::parse_from_iter(["zerog-node", "benchmark", "machine", "--dev", "-x"]);
		match cli.subcommand {
			Some(Subcommand::Benchmark(NoBenchmarkCli { args })) => {
				assert_eq!(args, ["machine", "--dev", "-x"])
			}
			other => panic!("parsed as {other:?}"),
		}
		assert!(NO_BENCHMARK_CLI.contains("--features benchmark-cli"));
	}

	#[cfg(feature = "benchmark-cli")]
	#[test]
	fn benchmark_machine_parses_with_the_feature() {
		let cli = Cli::parse_from_iter(["zerog-node", "benchmark", "machine", "--dev"]);
		assert!(matches!(
			cli.subcommand,
			Some(Subcommand::Benchmark(frame_benchmarking_cli::BenchmarkCmd::Machine(_)))
		));
	}
}
