//! # ZeroG storage node
//!
//! Keeps one shard of the log layer's files and proves every byte of it:
//!
//! - [`follower`] reads finalized submissions from the chain (ids, roots and sizes);
//! - [`node::StorageNode::upload`] accepts a segment only if its file was submitted, it
//!   is in this node's shard (`index % num_shard == shard_id`), has the right length
//!   and proves against the file's root; nothing else is written;
//! - [`store`] keeps segments and their proofs in RocksDB, crash-safe;
//! - [`miner`] mines proofs of random access over the node's shard with the operator's
//!   key (`--suri` or `--key-file`; `--no-mine` opts out), rewarded by the chain;
//! - `GET /health` and `GET /metrics` (Prometheus: segments accepted, refused, served
//!   and held, entries followed, the finalized block) are served beside the JSON-RPC;
//! - [`node::rpc_module`] serves the `zgs_*` JSON-RPC API ([`api`]) over HTTP, on the
//!   daemons' shared server ([`zerog_daemon::serve_http`]): connections capped,
//!   headers timed out, and each request answered (or refused with 408) within
//!   [`zerog_daemon::HttpLimits::body_read_timeout`], so slow or idle clients cannot
//!   stall the node; bodies are bounded in size by jsonrpsee;
//! - [`wire`] is the binary segment path beside it on the same port,
//!   `/v1/files/{id}/segments/{index}`: raw bytes and a SCALE-encoded proof, no base64
//!   and no JSON, under the same bounds; `zg` uploads and downloads through it
//!   ([`client::SegmentClient`]).
//!
//! Several nodes run side by side on one machine with different `--base-path`,
//! `--listen` and shards.

pub mod api;
pub mod client;
pub mod follower;
mod http;
pub mod miner;
pub mod node;
pub mod store;
pub mod wire;

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use zerog_storage_primitives::ShardConfig;

/// The bounds of the node's HTTP server: see [`zerog_daemon::HttpLimits`]. A segment
/// upload is at most [`api::MAX_REQUEST_BYTES`].
pub const HTTP_LIMITS: zerog_daemon::HttpLimits = zerog_daemon::HttpLimits::DAEMON;

/// How to run a node.
#[derive(Clone, Debug)]
pub struct Config {
	/// The chain's JSON-RPC (http).
	pub chain_rpc: String,
	/// RocksDB directory.
	pub db_path: PathBuf,
	/// Where `zgs_*` is served.
	pub rpc_addr: SocketAddr,
	/// The node's shard.
	pub shard: ShardConfig,
	/// Chain poll interval.
	pub poll: Duration,
	/// fsync every write.
	pub sync_writes: bool,
	/// Where to serve the metrics on a port of their own (`--prometheus-port`), if at all.
	pub prometheus: Option<SocketAddr>,
	/// The HTTP server's bounds ([`HTTP_LIMITS`] in production).
	pub http_limits: zerog_daemon::HttpLimits,
	/// The registered operator's key: audits are answered and, with `mine`, mining
	/// answers submitted with it. `None` does neither.
	pub miner: Option<OperatorKey>,
	/// Mine (with `miner`'s key) using at most this percentage of one core; `None`
	/// does not mine.
	pub mine: Option<u8>,
}

/// The operator's signing key; shown as its address, never its secret.
#[derive(Clone)]
pub struct OperatorKey(pub polkadot_sdk::sp_core::sr25519::Pair);

impl std::fmt::Debug for OperatorKey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "OperatorKey({})", zerog_chain_client::address(&self.0))
	}
}

/// Opens the store, starts the RPC server and follows the chain until `shutdown` resolves.
pub async fn run(
	cfg: Config,
	shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
	if !cfg.shard.is_valid() {
		return Err(format!(
			"invalid shard {}/{}: the shard count is a power of two and the id below it",
			cfg.shard.shard_id, cfg.shard.num_shard
		));
	}
	std::fs::create_dir_all(&cfg.db_path).map_err(|e| format!("{}: {e}", cfg.db_path.display()))?;
	let store = store::Store::open(&cfg.db_path, cfg.sync_writes)
		.map_err(|e| format!("{}: {e}", cfg.db_path.display()))?;
	let node = Arc::new(node::StorageNode::new(store, cfg.shard).map_err(|e| e.to_string())?);
	let http_node = node.clone();
	if let Some(addr) = cfg.prometheus {
		let node = node.clone();
		zerog_daemon::metrics::serve("zgs-node", addr, move || {
			node.metrics_text().map_err(|e| e.to_string())
		})
		.await
		.map_err(|e| format!("cannot serve metrics on {addr}: {e}"))?;
	}
	let listener = tokio::net::TcpListener::bind(cfg.rpc_addr)
		.await
		.map_err(|e| format!("cannot serve on {}: {e}", cfg.rpc_addr))?;
	let addr = listener.local_addr().map_err(|e| e.to_string())?;
	let methods: jsonrpsee::Methods =
		node::rpc_module(node.clone()).map_err(|e| e.to_string())?.into();
	let rpc = jsonrpsee::server::Server::builder()
		.max_request_body_size(api::MAX_REQUEST_BYTES)
		.max_response_body_size(api::MAX_REQUEST_BYTES)
		.max_connections(HTTP_LIMITS.max_connections as u32)
		.to_service_builder();
	let (stop_handle, rpc_handle) = jsonrpsee::server::stop_channel();
	let limits = cfg.http_limits;
	let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
	let server = tokio::spawn(zerog_daemon::serve_http(
		"zgs-node",
		listener,
		cfg.http_limits,
		move |_peer| {
			let rpc = hyper_util::service::TowerToHyperService::new(
				rpc.clone().build(methods.clone(), stop_handle.clone()),
			);
			let node = http_node.clone();
			hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
				let (rpc, node, limits) = (rpc.clone(), node.clone(), limits);
				async move {
					if req.method() == hyper::Method::GET {
						if let Some(reply) = http::plain_get(&node, req.uri().path()) {
							return Ok(reply);
						}
					}
					if req.uri().path().starts_with(wire::PREFIX) {
						return Ok(http::segment(node, req, &limits).await);
					}
					// The whole request, body included, within the body timeout: a client
					// that sends a header and then trickles (or withholds) its body gets a
					// 408 instead of holding a connection and a JSON-RPC slot.
					match tokio::time::timeout(
						limits.body_read_timeout,
						hyper::service::Service::call(&rpc, req),
					)
					.await
					{
						Ok(reply) => reply,
						Err(_) => Ok(http::request_timeout(&limits)),
					}
				}
			})
		},
		async move {
			let _ = stopped.await;
		},
		Duration::from_secs(5),
	));
	tracing::info!(%addr, shard = cfg.shard.shard_id, num_shard = cfg.shard.num_shard, db = %cfg.db_path.display(), "zgs JSON-RPC serving");
	let chain = follower::chain_client(&cfg.chain_rpc)?;
	let follow = tokio::spawn(follower::follow(chain, node.clone(), cfg.poll));
	// One connection (subxt over WebSocket) for the miner and the pruner.
	let client = zerog_chain_client::Chain::new(&cfg.chain_rpc).map_err(|e| e.to_string())?;
	let mine = cfg.miner.map(|OperatorKey(pair)| {
		let period = cfg.poll.max(Duration::from_millis(500));
		tokio::spawn(miner::operate(client.clone(), node.clone(), pair, cfg.mine, period))
	});
	let prune = tokio::spawn(miner::prune(client, node, cfg.poll.max(Duration::from_secs(2))));
	shutdown.await;
	prune.abort();
	follow.abort();
	if let Some(m) = mine {
		m.abort();
	}
	let _ = rpc_handle.stop();
	let _ = stop.send(());
	let _ = server.await;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use tokio::io::{AsyncReadExt, AsyncWriteExt};

	/// A header, then two bytes of a promised hundred, then silence: the node answers 408
	/// at the body timeout, and keeps serving `/health` meanwhile.
	#[tokio::test]
	async fn a_request_whose_body_never_arrives_is_answered_408_in_time() {
		let dir = tempfile::tempdir().unwrap();
		let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let addr = free.local_addr().unwrap();
		drop(free);
		let cfg = Config {
			// Nothing listens there: the follower retries; the server is what is tested.
			chain_rpc: "http://127.0.0.1:9".into(),
			db_path: dir.path().join("db"),
			rpc_addr: addr,
			shard: ShardConfig { shard_id: 0, num_shard: 1 },
			poll: Duration::from_secs(60),
			sync_writes: false,
			prometheus: None,
			miner: None,
			mine: None,
			http_limits: zerog_daemon::HttpLimits {
				body_read_timeout: Duration::from_millis(400),
				..HTTP_LIMITS
			},
		};
		let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
		let node = tokio::spawn(run(cfg, async move {
			let _ = stopped.await;
		}));
		let mut slow = loop {
			match tokio::net::TcpStream::connect(addr).await {
				Ok(s) => break s,
				Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
			}
		};
		let started = std::time::Instant::now();
		slow.write_all(
			b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"",
		)
		.await
		.unwrap();
		// /health answers while the slow request is pending.
		let mut probe = tokio::net::TcpStream::connect(addr).await.unwrap();
		probe
			.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			.await
			.unwrap();
		let mut health = String::new();
		probe.read_to_string(&mut health).await.unwrap();
		assert!(health.starts_with("HTTP/1.1 200"), "{health}");
		let mut reply = vec![0u8; 512];
		let n = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut reply))
			.await
			.expect("answered before the test's own timeout")
			.unwrap();
		let reply = String::from_utf8_lossy(&reply[..n]);
		assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
		assert!(started.elapsed() >= Duration::from_millis(400));
		let _ = stop.send(());
		node.await.unwrap().unwrap();
	}
}
