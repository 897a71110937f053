//! # Storage market RPC
//!
//! The storage market's reads (`StorageMarketApi`) as JSON-RPC, typed on both ends: the
//! trait [`StorageMarketApi`] declares each method once; a node mounts
//! [`StorageMarket`] (feature `server`), and clients call the generated
//! `StorageMarketApiClient` on any jsonrpsee client, getting the types below back.
//!
//! Every method takes an optional block hash as its last parameter (default: the best
//! block). Amounts are decimal strings; file ids, roots and tags `0x` hex; accounts
//! SS58. A file is named by its id (`keccak256(domain ‖ root ‖ size ‖ tags)`), never
//! by its root alone.
//!
//! | method | params | result |
//! |---|---|---|
//! | `storageMarket_flow` | `[at]` | [`Flow`] (length in 256 B sectors) |
//! | `storageMarket_entry` | `seq, [at]` | [`Entry`] or `null` |
//! | `storageMarket_fileStatus` | `id, [at]` | the [`Entry`] of file `id`, or `null` |
//! | `storageMarket_nodes` | `[at]` | [`Node`]s |
//! | `storageMarket_quote` | `size, lifetimeMonths, [at]` | fee, or `null` if the submission would be refused |

#[cfg(feature = "server")]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use serde::{Deserialize, Serialize};
use zerog_rpc_primitives::amount;
pub use zerog_rpc_primitives::{Hex, OptionalAmount};

/// A 32-byte value as `0x` hex (file ids, roots, tags).
pub type Hash32 = Hex<32>;

/// The flow's extent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
	/// Length in 256-byte sectors.
	pub length: u64,
	/// Number of entries.
	pub entries: u64,
}

/// One entry of the flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry<AccountId> {
	/// Sequence number.
	pub seq: u64,
	/// The file's id.
	pub id: Hash32,
	/// Who submitted and paid.
	pub submitter: AccountId,
	/// Size in bytes.
	pub size: u64,
	/// Merkle root.
	pub root: Hash32,
	/// Tags.
	pub tags: Hash32,
	/// First sector in the flow.
	pub start_sector: u64,
	/// Sectors occupied.
	pub sectors: u64,
	/// Fee paid.
	#[serde(with = "amount")]
	pub fee: u128,
	/// Months paid for.
	pub lifetime_months: u32,
	/// Block of submission.
	pub submitted_at: u64,
}

/// Whether a node serves or is leaving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NodeStatus {
	/// Serving.
	Active,
	/// Deregistered; the bond is withdrawable from `unbondingUntil`.
	Unbonding,
}

/// A registered storage node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node<AccountId> {
	/// The operator's account.
	pub operator: AccountId,
	/// Bond held.
	#[serde(with = "amount")]
	pub bond: u128,
	/// Where its API is served.
	pub endpoint: String,
	/// Its shard.
	pub shard_id: u32,
	/// Shards in its configuration.
	pub num_shard: u32,
	/// Serving or leaving.
	pub status: NodeStatus,
	/// First block the bond is withdrawable, when unbonding.
	pub unbonding_until: Option<u64>,
}

/// The `storageMarket_*` methods.
#[cfg_attr(feature = "server", rpc(client, server))]
#[cfg_attr(not(feature = "server"), rpc(client))]
pub trait StorageMarketApi<BlockHash, AccountId> {
	/// The flow's length and entry count.
	#[method(name = "storageMarket_flow")]
	fn flow(&self, at: Option<BlockHash>) -> RpcResult<Flow>;

	/// The entry with sequence number `seq`.
	#[method(name = "storageMarket_entry")]
	fn entry(
		&self,
		#[argument(rename = "seq")] entry_seq: u64,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Entry<AccountId>>>;

	/// The entry of file `id`.
	#[method(name = "storageMarket_fileStatus")]
	fn file_status(&self, id: Hash32, at: Option<BlockHash>)
		-> RpcResult<Option<Entry<AccountId>>>;

	/// Every registered node.
	#[method(name = "storageMarket_nodes")]
	fn nodes(&self, at: Option<BlockHash>) -> RpcResult<Vec<Node<AccountId>>>;

	/// What a submission of `size` bytes for `lifetime_months` would pay now.
	#[method(name = "storageMarket_quote")]
	fn quote(
		&self,
		size: u64,
		lifetime_months: u32,
		at: Option<BlockHash>,
	) -> RpcResult<OptionalAmount>;
}

#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
pub use server::StorageMarket;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn replies_keep_their_documented_shape() {
		let e = Entry {
			seq: 3,
			id: Hex([1; 32]),
			submitter: "5Grw".to_string(),
			size: 1025,
			root: Hex([0xab; 32]),
			tags: Hex([0; 32]),
			start_sector: 8,
			sectors: 5,
			fee: u128::MAX,
			lifetime_months: 12,
			submitted_at: 7,
		};
		let v = serde_json::to_value(&e).unwrap();
		assert_eq!(v["id"], format!("0x{}", "01".repeat(32)));
		assert_eq!(v["startSector"], 8);
		assert_eq!(v["fee"], u128::MAX.to_string());
		assert_eq!(v["submittedAt"], 7);
		assert_eq!(serde_json::from_value::<Entry<String>>(v).unwrap(), e);
		let n = serde_json::to_value(NodeStatus::Unbonding).unwrap();
		assert_eq!(n, "unbonding");
		assert_eq!(serde_json::to_value(OptionalAmount(None)).unwrap(), serde_json::Value::Null);
		assert_eq!(serde_json::to_value(OptionalAmount(Some(5))).unwrap(), "5");
	}
}
