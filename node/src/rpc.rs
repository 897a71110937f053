//! The node's JSON-RPC extensions beside Substrate's built-in ones: account nonces
//! (`system_accountNextIndex`), fee queries (`payment_queryInfo`), the pallets' typed
//! reads, each from its own crate (`storageMarket_*` from `pallet-storage-market-rpc`,
//! `compute_*` from `pallet-compute-market-rpc`, `da_*` from `pallet-da-commitments-rpc`),
//! and the Ethereum methods (`eth_*`, see [`crate::eth`]), which are also served on their
//! own port. This module only merges them.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use pallet_compute_market_rpc::{ComputeMarket, ComputeMarketApiServer};
use pallet_da_commitments_rpc::{DaApiServer, DaCommitments};
use pallet_inft_rpc::{Inft, InftApiServer};
use pallet_storage_market_rpc::{StorageMarket, StorageMarketApiServer};
use polkadot_sdk::{
	pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer},
	substrate_frame_rpc_system::{System, SystemApiServer},
};
use zerog_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Hash};

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// What the Ethereum methods share with the node's Ethereum port.
	pub eth: Arc<crate::eth::EthShared>,
}

/// All RPC extensions of a full node.
pub fn create_full(
	deps: FullDeps<crate::service::FullClient, crate::eth::FullPool>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>> {
	let mut module = RpcModule::new(());
	let FullDeps { client, pool, eth } = deps;
	let pool_for_eth = pool.clone();

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(StorageMarketApiServer::<Hash, AccountId>::into_rpc(StorageMarket::<
		_,
		Block,
		Balance,
		BlockNumber,
	>::new(client.clone())))?;
	module.merge(ComputeMarketApiServer::<Hash, AccountId>::into_rpc(ComputeMarket::<
		_,
		Block,
		Balance,
		BlockNumber,
	>::new(client.clone())))?;
	module.merge(DaApiServer::<Hash, AccountId>::into_rpc(DaCommitments::<
		_,
		Block,
		Balance,
		BlockNumber,
	>::new(client.clone())))?;
	module.merge(InftApiServer::<Hash, AccountId>::into_rpc(Inft::<
		_,
		Block,
		Balance,
		BlockNumber,
	>::new(client.clone())))?;
	module.merge(crate::eth::rpc_module(client, pool_for_eth, eth)?)?;

	Ok(module)
}
