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
//! `eth_getCode`, `eth_getStorageAt`, `eth_getLogs`.
//!
//! Blocks: every Substrate block is one Ethereum block of the same number, built by
//! pallet-revive in the runtime; [`index`] maps Ethereum transaction and block hashes
//! to Substrate blocks. Errors follow geth's wording (`nonce too low`, `insufficient
//! funds for gas * price + value`, `execution reverted: ...` with code 3 and the revert
//! data), so Ethereum libraries classify them as they do on Ethereum.
//!
//! Limits (each request's work and memory bounded by its size): bodies 5 MiB, batches
//! [`MAX_BATCH`] calls, `eth_feeHistory` 1024 blocks × 100 percentiles, `eth_getLogs`
//! 10,000 blocks, 10,000 logs, 1,000 addresses and 4 topic positions of 1,000 each.

mod api;
mod index;
mod params;
pub mod runtime;

use std::{net::SocketAddr, sync::Arc};

use jsonrpsee::RpcModule;

/// Most calls in one JSON-RPC batch on the Ethereum port.
pub const MAX_BATCH: u32 = 100;
use polkadot_sdk::sc_service::TaskManager;

pub use api::EthApi;
pub use index::EthIndex;

pub(crate) use crate::service::FullClient;

/// The transaction pool the Ethereum RPC submits to.
pub type FullPool = polkadot_sdk::sc_transaction_pool::TransactionPoolHandle<
	zerog_runtime::opaque::Block,
	FullClient,
>;

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

/// The Ethereum methods, for merging into the Substrate RPC.
pub fn rpc_module(
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
) -> Result<RpcModule<EthApi>, jsonrpsee::core::RegisterMethodError> {
	EthApi::new(client, pool).into_rpc()
}

/// Starts the index follower and, unless disabled, the Ethereum JSON-RPC server.
pub fn spawn(
	params: &EthRpcParams,
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	task_manager: &TaskManager,
) -> Result<(), String> {
	task_manager.spawn_handle().spawn(
		"eth-index",
		Some("eth-rpc"),
		EthIndex::new(client.clone()).run(),
	);
	if params.no_eth_rpc {
		return Ok(());
	}
	let ip = if params.eth_rpc_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
	let addr = SocketAddr::from((ip, params.eth_rpc_port));
	let module = rpc_module(client, pool).map_err(|e| e.to_string())?;
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
