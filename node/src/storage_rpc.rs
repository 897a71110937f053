//! `storageMarket_*` JSON-RPC: the storage market's runtime API (`StorageMarketApi`)
//! as plain JSON for storage nodes, the `zg` CLI and scripts that do not decode SCALE.
//!
//! Every method takes an optional block hash as its last parameter (default: the best
//! block). Balances are decimal strings (they exceed JavaScript's safe integers),
//! file ids, roots and tags 0x-hex, accounts SS58. A file is named by its id
//! (`keccak256(domain ‖ root ‖ size ‖ tags)`, see `Submission::id`), never by its root alone.
//!
//! | method | params | result |
//! |---|---|---|
//! | `storageMarket_flow` | `[at]` | `{ length, entries }` (length in 256 B sectors) |
//! | `storageMarket_entry` | `seq, [at]` | entry or `null` |
//! | `storageMarket_fileStatus` | `id, [at]` | the entry of file `id`, or `null` |
//! | `storageMarket_nodes` | `[at]` | `[{ operator, bond, endpoint, shardId, numShard, status, unbondingUntil }]` |
//! | `storageMarket_quote` | `size, lifetimeMonths, [at]` | fee or `null` if the submission would be refused |

use std::sync::Arc;

use jsonrpsee::{
	types::{ErrorObjectOwned, Params},
	RpcModule,
};
use pallet_storage_market::NodeStatus;
use pallet_storage_market_runtime_api::{FlowEntry, NodeInfo, StorageMarketApi};
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_core::{crypto::Ss58Codec, H256},
};
use serde_json::{json, Value};
use zerog_runtime::{opaque::Block, AccountId, Balance, BlockNumber};

use crate::rpc::{at, hex, invalid};

type Entry = FlowEntry<AccountId, Balance, BlockNumber>;

fn runtime(e: impl std::fmt::Debug) -> ErrorObjectOwned {
	crate::rpc::runtime_error("storage market", e)
}

fn entry_json(seq: u64, e: &Entry) -> Value {
	json!({
		"seq": seq,
		"id": hex(&e.submission.id()),
		"submitter": e.submitter.to_ss58check(),
		"size": e.submission.size,
		"root": hex(&e.submission.root),
		"tags": hex(&e.submission.tags),
		"startSector": e.start_sector,
		"sectors": e.sectors,
		"fee": e.fee.to_string(),
		"lifetimeMonths": e.lifetime_months,
		"submittedAt": e.submitted_at,
	})
}

fn node_json(n: &NodeInfo<AccountId, Balance, BlockNumber>) -> Value {
	let (status, until) = match n.status {
		NodeStatus::Active => ("active", None),
		NodeStatus::Unbonding { until } => ("unbonding", Some(until)),
	};
	json!({
		"operator": n.operator.to_ss58check(),
		"bond": n.bond.to_string(),
		"endpoint": String::from_utf8_lossy(&n.endpoint),
		"shardId": n.shard.shard_id,
		"numShard": n.shard.num_shard,
		"status": status,
		"unbondingUntil": until,
	})
}

/// The `storageMarket_*` methods over `client`.
pub fn rpc_module<C>(
	client: Arc<C>,
) -> Result<RpcModule<Arc<C>>, jsonrpsee::core::RegisterMethodError>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: StorageMarketApi<Block, AccountId, Balance, BlockNumber>,
{
	let mut module = RpcModule::new(client);

	module.register_method("storageMarket_flow", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let (length, entries) = client.runtime_api().flow(at(&**client, hash)).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(json!({ "length": length, "entries": entries }))
	})?;

	module.register_method("storageMarket_entry", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let index: u64 = seq.next().map_err(invalid)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let entry = client.runtime_api().entry(at(&**client, hash), index).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(entry.map(|e| entry_json(index, &e)).unwrap_or(Value::Null))
	})?;

	module.register_method("storageMarket_fileStatus", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let id: H256 = seq.next().map_err(invalid)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let status =
			client.runtime_api().file_status(at(&**client, hash), id.0).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(status.map(|(s, e)| entry_json(s, &e)).unwrap_or(Value::Null))
	})?;

	module.register_method("storageMarket_nodes", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let nodes = client.runtime_api().nodes(at(&**client, hash)).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(Value::Array(nodes.iter().map(node_json).collect()))
	})?;

	module.register_method("storageMarket_quote", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let size: u64 = seq.next().map_err(invalid)?;
		let months: u32 = seq.next().map_err(invalid)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let fee = client.runtime_api().quote(at(&**client, hash), size, months).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(fee.map(|f| Value::String(f.to_string())).unwrap_or(Value::Null))
	})?;

	Ok(module)
}
