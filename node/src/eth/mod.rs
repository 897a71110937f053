//! The node's Ethereum JSON-RPC: what MetaMask, ethers, viem, Hardhat and Foundry
//! speak, served from the node itself over pallet-revive's runtime API.
//!
//! It listens on its own port (default 8545, HTTP and WebSocket on the same port, CORS
//! open like `--rpc-cors all` on dev chains) and its methods are also merged into the
//! Substrate RPC (9944). Methods: `eth_chainId`, `net_version`, `net_listening`,
//! `web3_clientVersion`, `eth_syncing`, `eth_accounts`, `eth_blockNumber`,
//! `eth_getBalance`, `eth_getTransactionCount`, `eth_gasPrice`,
//! `eth_maxPriorityFeePerGas`, `eth_feeHistory`, `eth_estimateGas`, `eth_call`,
//! `eth_sendRawTransaction`, `eth_getTransactionReceipt`, `eth_getTransactionByHash`,
//! `eth_getBlockByNumber`, `eth_getBlockByHash`,
//! `eth_getBlockTransactionCountByNumber`, `eth_getBlockTransactionCountByHash`,
//! `eth_getCode`, `eth_getStorageAt`, `eth_getLogs`, `eth_getBlockReceipts`,
//! `eth_getTransactionByBlock{Hash,Number}AndIndex`, `eth_getRawTransactionByHash`,
//! the uncle methods, `eth_coinbase`, `eth_mining`, `eth_hashrate`,
//! `eth_protocolVersion`, `eth_blobBaseFee`, `eth_createAccessList`, `net_peerCount`;
//! polled filters (`eth_newFilter`, `eth_newBlockFilter`,
//! `eth_newPendingTransactionFilter`, `eth_getFilterChanges`, `eth_getFilterLogs`,
//! `eth_uninstallFilter`: [`filters`]) and, over WebSocket, `eth_subscribe` to
//! `newHeads`, `logs` and `newPendingTransactions` ([`pubsub`]). `eth_getProof` and
//! `eth_simulateV1` answer why they are not served.
//!
//! Blocks: every Substrate block is one Ethereum block of the same number, built by
//! pallet-revive in the runtime; [`index`] maps Ethereum transaction and block hashes
//! to Substrate blocks. Errors follow geth's wording (`nonce too low`, `insufficient
//! funds for gas * price + value`, `execution reverted: ...` with code 3 and the revert
//! data), so Ethereum libraries classify them as they do on Ethereum.
//!
//! Limits (each request's work and memory bounded by its size): bodies 5 MiB, batches
//! [`MAX_BATCH`] calls, `eth_feeHistory` 1024 blocks × 100 percentiles, `eth_getLogs`
//! 10,000 blocks, 10,000 logs, 1,000 addresses and 4 topic positions of 1,000 each;
//! [`filters::MAX_FILTERS`] filters per server; [`MAX_SUBSCRIPTIONS`] subscriptions per
//! WebSocket connection.

mod api;
pub mod filters;
mod index;
mod params;
pub mod pubsub;
pub mod runtime;

use std::{net::SocketAddr, sync::Arc};

use jsonrpsee::RpcModule;

/// Most calls in one JSON-RPC batch on the Ethereum port.
pub const MAX_BATCH: u32 = 100;
/// Most subscriptions one WebSocket connection to the Ethereum port holds.
pub const MAX_SUBSCRIPTIONS: u32 = 128;
use futures::StreamExt;
use polkadot_sdk::{
	sc_service::TaskManager,
	sc_transaction_pool_api::{InPoolTransaction, TransactionPool},
	sp_core::H256,
	sp_io::hashing::keccak_256,
};

pub use api::EthApi;
pub use index::EthIndex;

pub(crate) use crate::service::FullClient;

/// The transaction pool the Ethereum RPC submits to: the node's, with a journal.
pub type FullPool = crate::service::RpcPool;

/// Where and whether to serve the Ethereum JSON-RPC.
#[derive(Debug, Clone, clap::Args)]
pub struct EthRpcParams {
	/// Port of the Ethereum JSON-RPC server (HTTP and WebSocket); 0 picks a free one.
	#[arg(long, default_value_t = 8545)]
	pub eth_rpc_port: u16,

	/// Listen on all interfaces instead of localhost only (as `--rpc-external` does for
	/// the Substrate RPC).
	#[arg(long)]
	pub eth_rpc_external: bool,

	/// Do not start the Ethereum JSON-RPC server (its methods stay on the Substrate RPC).
	#[arg(long)]
	pub no_eth_rpc: bool,

	/// Most connections the Ethereum JSON-RPC server accepts at once.
	#[arg(long, default_value_t = 100)]
	pub eth_rpc_max_connections: u32,
}

/// What the Ethereum methods of one node share: installed filters, the feed of pending
/// transaction hashes, and the peer count. One per node, used by both servers (8545 and
/// the Substrate RPC), so a filter installed on one is polled on the other.
pub struct EthShared {
	/// Polled filters.
	pub filters: filters::Filters,
	/// Ethereum transactions entering the pool.
	pub pending: filters::PendingFeed,
	/// How many peers the node is connected to (`net_peerCount`).
	pub peers: Box<dyn Fn() -> usize + Send + Sync>,
}

impl EthShared {
	pub fn new(peers: impl Fn() -> usize + Send + Sync + 'static) -> Arc<Self> {
		Arc::new(Self {
			filters: Default::default(),
			pending: Default::default(),
			peers: Box::new(peers),
		})
	}
}

/// Subscription ids as geth writes them, `0x` and up to 32 hex digits: some clients
/// (viem) accept only string ids, and jsonrpsee's default is a number.
#[derive(Debug, Clone, Copy)]
struct HexIdProvider;

impl jsonrpsee::core::traits::IdProvider for HexIdProvider {
	fn next_id(&self) -> jsonrpsee::types::SubscriptionId<'static> {
		jsonrpsee::types::SubscriptionId::Str(format!("{:#x}", rand::random::<u128>()).into())
	}
}

/// The Ethereum methods, for merging into the Substrate RPC.
pub fn rpc_module(
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	shared: Arc<EthShared>,
) -> Result<RpcModule<EthApi>, jsonrpsee::core::RegisterMethodError> {
	EthApi::new(client, pool, shared).into_rpc()
}

/// The Ethereum hash of a pool transaction, if it is one (`Revive::eth_transact`).
fn eth_hash(xt: &polkadot_sdk::sp_runtime::OpaqueExtrinsic) -> Option<H256> {
	runtime::eth_payload(xt).map(|payload| H256(keccak_256(&payload)))
}

/// Feeds [`EthShared::pending`] with the Ethereum transactions that become ready in the
/// pool; runs for the node's lifetime.
async fn follow_pool(pool: Arc<FullPool>, shared: Arc<EthShared>) {
	let mut ready = pool.import_notification_stream();
	while let Some(hash) = ready.next().await {
		if let Some(eth) = pool.ready_transaction(&hash).and_then(|tx| eth_hash(tx.data())) {
			shared.pending.push(filters::PendingTx { eth, pool: hash });
		}
	}
}

/// Starts the index follower, the pending-transaction feed and, unless disabled, the
/// Ethereum JSON-RPC server.
pub fn spawn(
	params: &EthRpcParams,
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	shared: Arc<EthShared>,
	task_manager: &TaskManager,
) -> Result<(), String> {
	task_manager.spawn_handle().spawn(
		"eth-index",
		Some("eth-rpc"),
		EthIndex::new(client.clone()).run(),
	);
	task_manager.spawn_handle().spawn(
		"eth-pending",
		Some("eth-rpc"),
		follow_pool(pool.clone(), shared.clone()),
	);
	if params.no_eth_rpc {
		return Ok(());
	}
	let ip = if params.eth_rpc_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
	let addr = SocketAddr::from((ip, params.eth_rpc_port));
	let module = rpc_module(client, pool, shared).map_err(|e| e.to_string())?;
	let max_connections = params.eth_rpc_max_connections;

	// Bind now so that a taken port fails the start with a clear message.
	let listener = std::net::TcpListener::bind(addr).map_err(|e| {
		format!("Ethereum JSON-RPC: cannot listen on {addr}: {e} (use --eth-rpc-port)")
	})?;
	listener.set_nonblocking(true).map_err(|e| e.to_string())?;
	let local = listener.local_addr().map_err(|e| e.to_string())?;
	log::info!(target: "eth-rpc", "Ethereum JSON-RPC listening on http://{local} and ws://{local}");

	task_manager.spawn_essential_handle().spawn("eth-rpc-server", Some("eth-rpc"), async move {
		let cors = tower_http::cors::CorsLayer::new()
			.allow_methods([http::Method::POST, http::Method::GET, http::Method::OPTIONS])
			.allow_origin(tower_http::cors::Any)
			.allow_headers([http::header::CONTENT_TYPE]);
		let middleware = tower::ServiceBuilder::new().layer(cors);
		let server = jsonrpsee::server::Server::builder()
			.max_connections(max_connections)
			.max_subscriptions_per_connection(MAX_SUBSCRIPTIONS)
			.set_id_provider(HexIdProvider)
			// ethers and viem batch at most 100 calls; a larger batch is refused whole.
			.set_batch_request_config(jsonrpsee::server::BatchRequestConfig::Limit(MAX_BATCH))
			.max_request_body_size(5 * 1024 * 1024)
			.max_response_body_size(50 * 1024 * 1024)
			.set_http_middleware(middleware)
			.build_from_tcp(listener);
		let server = match server {
			Ok(server) => server,
			Err(e) => {
				log::error!(target: "eth-rpc", "Ethereum JSON-RPC server failed to start: {e}");
				return;
			}
		};
		let handle = server.start(module);
		handle.stopped().await;
	});
	Ok(())
}
