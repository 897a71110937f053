//! Follows the chain's finalized storage-market flow over its JSON-RPC
//! (`chain_getFinalizedHead`, `storageMarket_flow`, `storageMarket_entry`), recording
//! every new submission's id, root and size so that uploads for it are accepted. The id
//! is computed here from the entry's root, size and tags (`Submission::id`), the same
//! way the runtime and `zg` compute it.
//!
//! Only finalized blocks are read, so a submission the node accepts data for cannot be
//! reverted. Progress (the next sequence number) is stored with the entries in one batch:
//! a restarted node resumes where it stopped and never skips an entry.

use std::{sync::Arc, time::Duration};

use jsonrpsee::core::{client::ClientT, rpc_params};
use jsonrpsee_http_client::{HttpClient, HttpClientBuilder};
use pallet_storage_market_rpc::{Hex, StorageMarketApiClient};
use serde::Deserialize;
use zerog_storage_primitives::{check_size, Submission};

use crate::{node::StorageNode, store::NewFile};

/// Entries read per poll at most, so one poll stays short.
const MAX_ENTRIES_PER_POLL: u64 = 1024;

/// The storage market's typed client, with blocks named by hash (`0x` hex) and accounts
/// left as SS58 text (the follower needs no account type).
fn market(chain: &HttpClient) -> &(impl StorageMarketApiClient<Hex<32>, String> + Sync) {
	chain
}

#[derive(Deserialize)]
struct Header {
	number: String,
}

/// A chain JSON-RPC client for `url` (http).
pub fn chain_client(url: &str) -> Result<HttpClient, String> {
	HttpClientBuilder::default()
		.request_timeout(Duration::from_secs(30))
		.build(url)
		.map_err(|e| format!("chain RPC {url}: {e}"))
}

/// One poll: reads the entries finalized since the last one. Returns how many were new.
/// Refuses (and records nothing) when the chain has fewer entries than this node has
/// followed: it is another chain than the one the store was filled from.
pub async fn sync_once(chain: &HttpClient, node: &StorageNode) -> Result<u64, String> {
	let hash: Hex<32> =
		chain.request("chain_getFinalizedHead", rpc_params![]).await.map_err(|e| e.to_string())?;
	let header: Header =
		chain.request("chain_getHeader", rpc_params![hash]).await.map_err(|e| e.to_string())?;
	let number = u64::from_str_radix(header.number.trim_start_matches("0x"), 16)
		.map_err(|e| e.to_string())?;
	let market = market(chain);
	let flow = market.flow(Some(hash)).await.map_err(|e| e.to_string())?;
	let next = node.store.next_seq().map_err(|e| e.to_string())?;
	if flow.entries < next {
		// Another chain (or one reset under us): never skip or re-read entries blindly.
		return Err(format!(
			"the chain's flow has {} entries but this node has followed {next}: is --chain the chain \
			 this store was filled from? (use another --base-path for another chain)",
			flow.entries
		));
	}
	let until = flow.entries.min(next + MAX_ENTRIES_PER_POLL);
	let mut files = Vec::new();
	for seq in next..until {
		let entry = market.entry(seq, Some(hash)).await.map_err(|e| e.to_string())?;
		let entry = entry.ok_or_else(|| {
			format!("entry {seq} missing at finalized block 0x{}", hex::encode(hash.0))
		})?;
		if check_size(entry.size).is_err() {
			tracing::warn!(seq, size = entry.size, "skipping an entry with an invalid size");
			continue;
		}
		let id = Submission { size: entry.size, root: entry.root.0, tags: entry.tags.0 }.id();
		if id != entry.id.0 {
			return Err(format!("entry {seq}'s id does not hash from its root, size and tags"));
		}
		files.push(NewFile { seq, id, root: entry.root.0, size: entry.size });
	}
	if until > next {
		node.store.add_files(&files, until).map_err(|e| e.to_string())?;
		tracing::info!(from = next, to = until, block = number, "followed finalized submissions");
	}
	node.progress.finalized.store(number, std::sync::atomic::Ordering::Relaxed);
	Ok(until - next)
}

/// Polls the chain forever, every `interval` (at once again while behind).
pub async fn follow(chain: HttpClient, node: Arc<StorageNode>, interval: Duration) {
	use std::sync::atomic::Ordering;
	loop {
		match sync_once(&chain, &node).await {
			Ok(n) => {
				if !node.progress.connected.swap(true, Ordering::Relaxed) {
					tracing::info!("connected to the chain");
				}
				if n == MAX_ENTRIES_PER_POLL {
					continue;
				}
			}
			Err(e) => {
				if node.progress.connected.swap(false, Ordering::Relaxed) {
					tracing::warn!(error = %e, "lost the chain; retrying");
				} else {
					tracing::debug!(error = %e, "chain not reachable yet");
				}
			}
		}
		tokio::time::sleep(interval).await;
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::Store;
	use jsonrpsee::{server::Server, RpcModule};
	use zerog_storage_primitives::ShardConfig;

	/// A chain whose finalized flow has `entries` entries (none readable).
	async fn fake_chain(entries: u64) -> (String, jsonrpsee::server::ServerHandle) {
		let mut m = RpcModule::new(());
		m.register_method("chain_getFinalizedHead", |_, _, _| format!("0x{}", "11".repeat(32)))
			.unwrap();
		m.register_method("chain_getHeader", |_, _, _| serde_json::json!({ "number": "0x10" }))
			.unwrap();
		m.register_method(
			"storageMarket_flow",
			move |_, _, _| serde_json::json!({ "length": 0, "entries": entries }),
		)
		.unwrap();
		let server = Server::builder().build("127.0.0.1:0").await.unwrap();
		let url = format!("http://{}", server.local_addr().unwrap());
		(url, server.start(m))
	}

	#[tokio::test]
	async fn a_chain_with_fewer_entries_than_followed_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path(), false).unwrap();
		store.add_files(&[], 5).unwrap();
		let node = StorageNode::new(store, ShardConfig::FULL).unwrap();
		let (url, handle) = fake_chain(2).await;
		let err = sync_once(&chain_client(&url).unwrap(), &node).await.unwrap_err();
		assert!(err.contains("flow has 2 entries but this node has followed 5"), "{err}");
		// Nothing recorded: the node still waits at entry 5.
		assert_eq!(node.store.next_seq().unwrap(), 5);
		handle.stop().unwrap();
	}
}
