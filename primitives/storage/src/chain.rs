//! What the chain records about the flow and storage nodes, as the storage market, its
//! runtime API and the off-chain nodes and clients all read it.

use crate::{ShardConfig, Submission};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Sequence number of a flow entry.
pub type EntrySeq = u64;

/// One entry of the flow.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct FlowEntry<AccountId, Balance, BlockNumber> {
	/// Who submitted and paid.
	pub submitter: AccountId,
	/// Size, root and tags of the file.
	pub submission: Submission,
	/// First sector of the file in the flow.
	pub start_sector: u64,
	/// Sectors the file occupies (its size padded to whole sectors).
	pub sectors: u64,
	/// Fee paid.
	pub fee: Balance,
	/// Months of storage paid for.
	pub lifetime_months: u32,
	/// Block of submission.
	pub submitted_at: BlockNumber,
}

impl<AccountId, Balance, BlockNumber> FlowEntry<AccountId, Balance, BlockNumber> {
	/// What mining and audits need of entry `seq`: its root, first sector and size.
	pub fn pora_view(&self, seq: EntrySeq) -> crate::pora::EntryView {
		crate::pora::EntryView {
			seq,
			root: self.submission.root,
			start_sector: self.start_sector,
			size: self.submission.size,
		}
	}
}

/// Whether a node serves or is leaving: the bond lifecycle every bonded role shares
/// (`Unbonding { until }`: deregistered, the bond withdrawable from block `until`).
pub type NodeStatus<BlockNumber> = zerog_bond_primitives::BondState<BlockNumber>;

/// Shard coverage as the runtime API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct CoverageView {
	/// The network's shard count.
	pub shards: u32,
	/// Active nodes each shard should have at least.
	pub min_replicas: u32,
	/// Active nodes covering each shard, by shard index.
	pub replicas: alloc::vec::Vec<u32>,
}

/// A storage node as the runtime API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct NodeInfo<AccountId, Balance, BlockNumber> {
	/// The operator's account.
	pub operator: AccountId,
	/// Bond held.
	pub bond: Balance,
	/// Where the node's JSON-RPC API is served.
	pub endpoint: alloc::vec::Vec<u8>,
	/// Which segments it holds.
	pub shard: ShardConfig,
	/// Serving or leaving.
	pub status: NodeStatus<BlockNumber>,
}
