//! # zerog-node-cli
//!
//! The ZeroG validator node, as a library that the `zerog-node` binary (`node/bin`)
//! runs: BABE block production on 2 s slots, GRANDPA finality, RocksDB storage, libp2p
//! networking, Polkadot.js-compatible JSON-RPC (port 9944), an Ethereum JSON-RPC for
//! MetaMask, ethers and Hardhat (port 8545, `eth`) and Prometheus metrics (port 9615).
//! It embeds the genesis runtime and runs whatever runtime the chain's state holds, so
//! governance upgrades it without a new binary.
//!
//! The binary is a separate package only so that its version string, which carries the
//! commit, is compiled into a few lines: a new commit rebuilds those and relinks, not
//! this crate and its tests.

#![warn(missing_docs)]

#[cfg(feature = "benchmark-cli")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod equivocation;
mod essential;
mod eth;
mod hardware;
mod journal;
mod pool;
mod preverify;
mod proposer;
mod rpc;
mod service;
mod shutdown;
mod verify_cache;
mod wasm_cache;

pub use polkadot_sdk::sc_cli::Result;

/// Parses the process's command line and runs the node or the sub-command it names.
/// `impl_version` is what `--version` prints and the node reports over RPC and telemetry
/// (the binary's package version and commit).
pub fn run(impl_version: &'static str) -> Result<()> {
	command::run(impl_version)
}
