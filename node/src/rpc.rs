//! The node's JSON-RPC extensions beside Substrate's built-in ones: account nonces
//! (`system_accountNextIndex`), fee queries (`payment_queryInfo`), the storage market
//! (`storageMarket_*`, see [`crate::storage_rpc`]), the compute market (`compute_*`, see
//! [`crate::compute_rpc`]) and the Ethereum methods (`eth_*`, see [`crate::eth`]), which
//! are also served on their own port.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use polkadot_sdk::{
	pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer},
	substrate_frame_rpc_system::{System, SystemApiServer},
};

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
	module.merge(crate::eth::rpc_module(client, pool_for_eth)?)?;

	Ok(module)
}
