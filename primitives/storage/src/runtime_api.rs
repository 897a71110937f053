//! # Storage market runtime API
//!
//! What storage nodes, the `zg` CLI and RPC clients read from the storage market
//! without decoding its storage layout: the flow's length, one entry by sequence
//! number, the status of a file by Merkle root, the registered storage nodes, and the
//! fee a submission would pay now. Polkadot.js exposes it as `api.call.storageMarketApi`.

use crate::{CoverageView, EntrySeq, FileId, FlowEntry, NodeInfo};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads of the storage market.
	pub trait StorageMarketApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Length of the flow in 256-byte sectors, and the number of entries in it.
		fn flow() -> (u64, EntrySeq);
		/// The entry with sequence number `seq`.
		fn entry(seq: EntrySeq) -> Option<FlowEntry<AccountId, Balance, BlockNumber>>;
		/// The entry of the file `id` (root, size and tags together, see
		/// `Submission::id`), with its sequence number.
		fn file_status(id: FileId) -> Option<(EntrySeq, FlowEntry<AccountId, Balance, BlockNumber>)>;
		/// Registered storage nodes (active and unbonding), by operator account.
		fn nodes() -> Vec<NodeInfo<AccountId, Balance, BlockNumber>>;
		/// The fee for storing `size` bytes for `lifetime_months` at the current price;
		/// `None` if the size or lifetime is invalid.
		fn quote(size: u64, lifetime_months: u32) -> Option<Balance>;
		/// The network's shard count, the minimum replicas per shard and how many active
		/// nodes cover each shard.
		fn coverage() -> CoverageView;
		/// One active node per shard (the largest bond among those covering it): a set
		/// of nodes that together hold every shard.
		fn select_nodes() -> Vec<NodeInfo<AccountId, Balance, BlockNumber>>;
	}
}
