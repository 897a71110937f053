//! The server side: [`StorageMarket`] answers each method from the runtime API.

use codec::Codec;
use jsonrpsee::core::{async_trait, RpcResult};
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi, sp_blockchain::HeaderBackend, sp_runtime::traits::Block as BlockT,
};
use zerog_rpc_primitives::{runtime_error, Hex, OptionalAmount, RuntimeReader};
use zerog_storage_primitives::{FlowEntry, NodeInfo, NodeStatus as Status};

pub use zerog_storage_primitives::runtime_api::StorageMarketApi as RuntimeApi;

use crate::{Entry, Flow, Node, NodeStatus, StorageMarketApiServer};

/// Serves `storageMarket_*` from a client's runtime API. `Balance` and `BlockNumber` are
/// the runtime's (amounts are reported as `u128`, blocks as `u64`).
pub type StorageMarket<C, Block, Balance, BlockNumber> =
	RuntimeReader<C, Block, Balance, BlockNumber>;

fn runtime(e: impl std::fmt::Debug) -> jsonrpsee::types::ErrorObjectOwned {
	runtime_error("storage market", e)
}

fn entry<AccountId, Balance: Into<u128>, BlockNumber: Into<u64>>(
	seq: u64,
	e: FlowEntry<AccountId, Balance, BlockNumber>,
) -> Entry<AccountId> {
	Entry {
		seq,
		id: Hex(e.submission.id()),
		submitter: e.submitter,
		size: e.submission.size,
		root: Hex(e.submission.root),
		tags: Hex(e.submission.tags),
		start_sector: e.start_sector,
		sectors: e.sectors,
		fee: e.fee.into(),
		lifetime_months: e.lifetime_months,
		submitted_at: e.submitted_at.into(),
	}
}

fn node<AccountId, Balance: Into<u128>, BlockNumber: Into<u64>>(
	n: NodeInfo<AccountId, Balance, BlockNumber>,
) -> Node<AccountId> {
	let (status, unbonding_until) = match n.status {
		Status::Active => (NodeStatus::Active, None),
		Status::Unbonding { until } => (NodeStatus::Unbonding, Some(until.into())),
	};
	Node {
		operator: n.operator,
		bond: n.bond.into(),
		endpoint: String::from_utf8_lossy(&n.endpoint).into_owned(),
		shard_id: n.shard.shard_id,
		num_shard: n.shard.num_shard,
		status,
		unbonding_until,
	}
}

#[async_trait]
impl<C, Block, AccountId, Balance, BlockNumber>
	StorageMarketApiServer<<Block as BlockT>::Hash, AccountId>
	for RuntimeReader<C, Block, Balance, BlockNumber>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
	Balance: Codec + Into<u128> + Send + Sync + 'static,
	BlockNumber: Codec + Into<u64> + Send + Sync + 'static,
{
	fn flow(&self, hash: Option<Block::Hash>) -> RpcResult<Flow> {
		let (length, entries) = self.client.runtime_api().flow(self.at(hash)).map_err(runtime)?;
		Ok(Flow { length, entries })
	}

	fn entry(
		&self,
		entry_seq: u64,
		hash: Option<Block::Hash>,
	) -> RpcResult<Option<Entry<AccountId>>> {
		let e = self.client.runtime_api().entry(self.at(hash), entry_seq).map_err(runtime)?;
		Ok(e.map(|e| entry(entry_seq, e)))
	}

	fn file_status(
		&self,
		id: Hex<32>,
		hash: Option<Block::Hash>,
	) -> RpcResult<Option<Entry<AccountId>>> {
		let status = self.client.runtime_api().file_status(self.at(hash), id.0).map_err(runtime)?;
		Ok(status.map(|(seq, e)| entry(seq, e)))
	}

	fn nodes(&self, hash: Option<Block::Hash>) -> RpcResult<Vec<Node<AccountId>>> {
		let nodes = self.client.runtime_api().nodes(self.at(hash)).map_err(runtime)?;
		Ok(nodes.into_iter().map(node).collect())
	}

	fn quote(
		&self,
		size: u64,
		months: u32,
		hash: Option<Block::Hash>,
	) -> RpcResult<OptionalAmount> {
		let fee = self.client.runtime_api().quote(self.at(hash), size, months).map_err(runtime)?;
		Ok(OptionalAmount(fee.map(Into::into)))
	}
}
