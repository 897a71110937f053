//! Command-line interface: the standard Substrate node CLI.

use polkadot_sdk::{frame_benchmarking_cli, sc_cli};

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
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Sub-commands concerned with benchmarking.
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
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

	/// Options of the Ethereum JSON-RPC server.
	#[clap(flatten)]
	pub eth: crate::eth::EthRpcParams,
}
