//! # zerog-node
//!
//! The ZeroG validator node: BABE block production on 2 s slots, GRANDPA finality,
//! RocksDB storage, libp2p networking, Polkadot.js-compatible JSON-RPC (port 9944), an
//! Ethereum JSON-RPC for MetaMask, ethers and Hardhat (port 8545, [`eth`]) and
//! Prometheus metrics (port 9615). It embeds the genesis runtime and runs whatever
//! runtime the chain's state holds, so governance upgrades it without a new binary.

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

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	command::run()
}
