//! A persistent index from Ethereum hashes to Substrate blocks, kept in the client's
//! auxiliary store (the node's RocksDB), so lookups survive restarts.
//!
//! - `zgeth/tx/<tx hash>` → (Substrate block hash, index of the transaction in the
//!   Ethereum block);
//! - `zgeth/block/<Ethereum block hash>` → Substrate block hash;
//! - `zgeth/head` → the number of the highest block indexed so far.
//!
//! Every imported block is indexed, fork or not; lookups return a block only while it
//! is on the canonical chain, and a transaction re-included on the winning fork
//! overwrites its entry when that block is imported.

use std::sync::Arc;

use codec::{Decode, Encode};
use futures::StreamExt;
use polkadot_sdk::{
	sc_client_api::{AuxStore, BlockchainEvents},
	sp_blockchain::HeaderBackend,
	sp_core::H256,
};

use super::{runtime::EthRuntime, FullClient};

const TX_PREFIX: &[u8] = b"zgeth/tx/";
const BLOCK_PREFIX: &[u8] = b"zgeth/block/";
const HEAD_KEY: &[u8] = b"zgeth/head";

fn key(prefix: &[u8], hash: &H256) -> Vec<u8> {
	[prefix, hash.as_bytes()].concat()
}

/// Where an Ethereum transaction was included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TxLocation {
	/// The Substrate block.
	pub block: H256,
	/// Its index among the block's Ethereum transactions.
	pub index: u32,
}

/// Reads and writes the index.
#[derive(Clone)]
pub struct EthIndex {
	client: Arc<FullClient>,
}

impl EthIndex {
	pub fn new(client: Arc<FullClient>) -> Self {
		Self { client }
	}

	fn canonical(&self, block: H256) -> bool {
		match self.client.number(block) {
			Ok(Some(number)) => self.client.hash(number).ok().flatten() == Some(block),
			_ => false,
		}
	}

	/// The canonical location of an Ethereum transaction.
	pub fn transaction(&self, hash: &H256) -> Option<TxLocation> {
		let raw = self.client.get_aux(&key(TX_PREFIX, hash)).ok()??;
		let location = TxLocation::decode(&mut &raw[..]).ok()?;
		self.canonical(location.block).then_some(location)
	}

	/// The canonical Substrate block of an Ethereum block hash.
	pub fn block(&self, eth_hash: &H256) -> Option<H256> {
		let raw = self.client.get_aux(&key(BLOCK_PREFIX, eth_hash)).ok()??;
		let block = H256::decode(&mut &raw[..]).ok()?;
		self.canonical(block).then_some(block)
	}

	/// Indexes one Substrate block.
	pub fn index_block(&self, block: H256) -> Result<(), String> {
		let number = self.client.number(block).map_err(|e| e.to_string())?.unwrap_or_default();
		let eth = EthRuntime::new(&self.client).eth_block(block)?;
		let mut entries: Vec<(Vec<u8>, Vec<u8>)> =
			vec![(key(BLOCK_PREFIX, &eth.hash), block.encode())];
		for (index, tx) in super::runtime::tx_hashes(&eth).iter().enumerate() {
			entries.push((key(TX_PREFIX, tx), TxLocation { block, index: index as u32 }.encode()));
		}
		let head = self.head().unwrap_or(0).max(number);
		entries.push((HEAD_KEY.to_vec(), head.encode()));
		let insert: Vec<(&[u8], &[u8])> =
			entries.iter().map(|(k, v)| (k.as_slice(), v.as_slice())).collect();
		self.client.insert_aux(&insert, &[]).map_err(|e| e.to_string())
	}

	fn head(&self) -> Option<u32> {
		let raw = self.client.get_aux(HEAD_KEY).ok()??;
		u32::decode(&mut &raw[..]).ok()
	}

	/// Indexes the canonical blocks the index has not seen yet (after a restart, or on
	/// first start of a node whose chain already has blocks).
	pub fn catch_up(&self) {
		let best = self.client.info().best_number;
		let from = self.head().map(|h| h + 1).unwrap_or(0);
		self.index_range(from, best);
		if best >= from {
			log::info!(target: "eth-rpc", "Ethereum index caught up to #{best}");
		}
	}

	fn index_range(&self, from: u32, to: u32) {
		for number in from..=to {
			let Ok(Some(hash)) = self.client.hash(number) else { break };
			if let Err(e) = self.index_block(hash) {
				log::warn!(target: "eth-rpc", "indexing block #{number} failed: {e}");
			}
		}
	}

	/// Indexes the canonical blocks up to the best one if the follower is a few blocks
	/// behind (it follows imports a moment after the client); whether it did. A longer
	/// lag is the start-up catch-up's to fill, not a request's.
	pub fn catch_up_if_behind(&self) -> bool {
		const MAX_LAG: u32 = 8;
		let best = self.client.info().best_number;
		match self.head() {
			Some(head) if head < best && best - head <= MAX_LAG => {
				self.index_range(head + 1, best);
				true
			}
			_ => false,
		}
	}

	/// Indexes every block as it is imported; runs for the node's lifetime.
	pub async fn run(self) {
		let mut imports = self.client.import_notification_stream();
		let indexer = self.clone();
		// Catch up off the async executor: a long chain takes a while.
		let _ = tokio::task::spawn_blocking(move || indexer.catch_up()).await;
		while let Some(notification) = imports.next().await {
			if let Err(e) = self.index_block(notification.hash) {
				log::warn!(target: "eth-rpc", "indexing block {} failed: {e}", notification.hash);
			}
		}
	}
}
