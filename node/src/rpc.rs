//! The node's JSON-RPC extensions beside Substrate's built-in ones: account nonces
//! (`system_accountNextIndex`), fee queries (`payment_queryInfo`), the storage market
//! (`storageMarket_*`, see [`crate::storage_rpc`]), the compute market (`compute_*`, see
//! [`crate::compute_rpc`]), data availability (`da_*`, see [`crate::da_rpc`]) and the Ethereum methods (`eth_*`, see [`crate::eth`]), which
//! are also served on their own port.

use std::sync::Arc;

use zerog_runtime::opaque::Block;

use jsonrpsee::{types::ErrorObjectOwned, RpcModule};
use polkadot_sdk::{
	pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer},
	sp_blockchain::HeaderBackend,
	sp_core::H256,
	substrate_frame_rpc_system::{System, SystemApiServer},
};

/// JSON-RPC's "invalid params".
const INVALID_PARAMS: i32 = -32602;
/// A runtime API call failed (unknown block, runtime error).
const RUNTIME_ERROR: i32 = 9100;

/// An "invalid params" error for the ZeroG methods.
pub(crate) fn invalid(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(INVALID_PARAMS, format!("invalid params: {e}"), None::<()>)
}

/// A failed runtime API call of `api` (the storage market, ...).
pub(crate) fn runtime_error(api: &str, e: impl std::fmt::Debug) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(RUNTIME_ERROR, format!("{api} runtime API failed: {e:?}"), None::<()>)
}

/// The block to read at: the optional trailing hash, or the best block.
pub(crate) fn at<C: HeaderBackend<Block>>(client: &C, hash: Option<H256>) -> H256 {
	hash.unwrap_or_else(|| client.info().best_hash)
}

/// Bytes as `0x` hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
	format!("0x{}", ::hex::encode(bytes))
}

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// All RPC extensions of a full node.
pub fn create_full(
	deps: FullDeps<crate::service::FullClient, crate::eth::FullPool>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>> {
	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;
	let pool_for_eth = pool.clone();

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(crate::storage_rpc::rpc_module(client.clone())?)?;
	module.merge(crate::compute_rpc::rpc_module(client.clone())?)?;
	module.merge(crate::da_rpc::rpc_module(client.clone())?)?;
	module.merge(crate::eth::rpc_module(client, pool_for_eth)?)?;

	Ok(module)
}
