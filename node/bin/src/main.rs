//! # zerog-node
//!
//! The ZeroG validator node: BABE block production on 2 s slots, GRANDPA finality,
//! RocksDB storage, libp2p networking, Polkadot.js-compatible JSON-RPC (port 9944), an
//! Ethereum JSON-RPC for MetaMask, ethers and Hardhat (port 8545) and Prometheus metrics
//! (port 9615). It embeds the genesis runtime and runs whatever runtime the chain's state
//! holds, so governance upgrades it without a new binary.
//!
//! Everything it does is in `zerog-node-cli` (`node/`); this binary gives it the version
//! string, the package version and the commit it was built from (`build.rs`).

fn main() -> zerog_node_cli::Result<()> {
	zerog_node_cli::run(env!("SUBSTRATE_CLI_IMPL_VERSION"))
}
