//! The `zgs_*` JSON-RPC API: wire types and error codes, shared by the node and its
//! clients (the `zg` CLI).
//!
//! | method | params | result |
//! |---|---|---|
//! | `zgs_getStatus` | — | [`NodeStatus`] |
//! | `zgs_getShardConfig` | — | [`ShardJson`] |
//! | `zgs_uploadSegment` | [`SegmentWithProof`] | `true` if stored now, `false` if already held |
//! | `zgs_downloadSegmentWithProof` | `id, index` | [`SegmentWithProof`] |
//! | `zgs_getFileInfo` | `id` | [`FileInfo`] or `null` if no finalized submission is file `id` |
//! | `zgs_storedSegments` | `id, from, limit` | up to `limit` (≤ [`MAX_LIST`]) held indices `≥ from`, ascending |
//!
//! Files are named by their id (`Submission::id`: root, size and tags together), never by
//! their root alone. Hashes are `0x`-hex, segment bytes base64 (standard alphabet, padded).

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
pub use zerog_rpc_primitives::Hex;
use zerog_storage_primitives::{Hash, MerkleProof, ShardConfig};

/// The file id is not in any finalized submission this node has seen.
pub const ERR_UNKNOWN_FILE: i32 = 1001;
/// The segment does not prove against the root.
pub const ERR_INVALID_PROOF: i32 = 1002;
/// The segment belongs to another shard.
pub const ERR_NOT_IN_SHARD: i32 = 1003;
/// The index is past the file's last segment.
pub const ERR_INDEX_OUT_OF_RANGE: i32 = 1004;
/// This node does not hold the segment.
pub const ERR_SEGMENT_NOT_FOUND: i32 = 1005;
/// The segment's length is not the one its index has in the file.
pub const ERR_WRONG_SEGMENT_SIZE: i32 = 1006;
/// The node's database failed.
pub const ERR_STORAGE: i32 = 1007;
/// The file's paid lifetime has ended: the node pruned it and takes no more of it.
pub const ERR_EXPIRED: i32 = 1008;

/// Largest list `zgs_storedSegments` returns.
pub const MAX_LIST: u32 = 65_536;
/// Largest request body the node accepts: one segment in base64 with its proof, with room.
pub const MAX_REQUEST_BYTES: u32 = 1 << 20;

/// A 32-byte hash as `0x`-hex: the RPC crates' [`Hex`], so every ZeroG API writes and
/// reads hashes alike.
pub type HexHash = Hex<32>;

/// Parses a 32-byte `0x`-hex hash.
pub fn parse_hash(s: &str) -> Result<Hash, String> {
	let h = s.strip_prefix("0x").unwrap_or(s);
	let bytes = hex::decode(h).map_err(|e| format!("not hex: {e}"))?;
	bytes.try_into().map_err(|b: Vec<u8>| format!("expected 32 bytes, got {}", b.len()))
}

/// `0x`-hex of any bytes.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Bytes as base64.
#[derive(Clone, PartialEq, Eq)]
pub struct Base64(pub Vec<u8>);

impl std::fmt::Debug for Base64 {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "Base64({} bytes)", self.0.len())
	}
}

impl Serialize for Base64 {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
	}
}

impl<'de> Deserialize<'de> for Base64 {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
		base64::engine::general_purpose::STANDARD
			.decode(s.as_bytes())
			.map(Base64)
			.map_err(|e| serde::de::Error::custom(format!("segment data is not base64: {e}")))
	}
}

/// A Merkle proof on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProofJson {
	/// Position of the segment.
	pub index: u64,
	/// Segments in the file.
	pub leaf_count: u64,
	/// Sibling hashes, leaf level first.
	pub siblings: Vec<HexHash>,
}

impl From<MerkleProof> for ProofJson {
	fn from(p: MerkleProof) -> Self {
		Self {
			index: p.index,
			leaf_count: p.leaf_count,
			siblings: p.siblings.into_iter().map(Hex).collect(),
		}
	}
}

impl From<ProofJson> for MerkleProof {
	fn from(p: ProofJson) -> Self {
		MerkleProof {
			index: p.index,
			leaf_count: p.leaf_count,
			siblings: p.siblings.into_iter().map(|h| h.0).collect(),
		}
	}
}

/// One segment of a file with the proof that it belongs to the file's root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentWithProof {
	/// The file's id (as on chain).
	pub id: HexHash,
	/// The segment's index in the file.
	pub index: u64,
	/// The segment's bytes (the last segment of a file may be short).
	pub data: Base64,
	/// The segment root's path to the file's root.
	pub proof: ProofJson,
}

/// A shard configuration on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardJson {
	/// This node's shard.
	pub shard_id: u32,
	/// Number of shards.
	pub num_shard: u32,
}

impl From<ShardConfig> for ShardJson {
	fn from(s: ShardConfig) -> Self {
		Self { shard_id: s.shard_id, num_shard: s.num_shard }
	}
}

impl From<ShardJson> for ShardConfig {
	fn from(s: ShardJson) -> Self {
		ShardConfig { shard_id: s.shard_id, num_shard: s.num_shard }
	}
}

/// `zgs_getStatus`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
	/// The node's software version.
	pub version: String,
	/// Whether the last poll of the chain succeeded.
	pub chain_connected: bool,
	/// The finalized block the node has followed up to.
	pub finalized_block: u64,
	/// Flow entries seen (the next sequence number to read).
	pub flow_entries: u64,
	/// The node's shard.
	pub shard: ShardJson,
	/// Segments held.
	pub stored_segments: u64,
}

/// `zgs_getFileInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
	/// The file's id.
	pub id: HexHash,
	/// Its Merkle root.
	pub root: HexHash,
	/// Flow sequence number of its submission.
	pub seq: u64,
	/// Size in bytes as submitted.
	pub size: u64,
	/// Segments in the file.
	pub segments: u64,
	/// Segments of the file in this node's shard.
	pub shard_segments: u64,
	/// Of those, held.
	pub stored_segments: u64,
	/// Whether every segment of this shard is held.
	pub complete: bool,
	/// Whether the file's paid lifetime ended and this node pruned it.
	#[serde(default)]
	pub expired: bool,
}

/// Segments of a file of `segments` segments that `shard` holds.
pub fn shard_segments(shard: ShardConfig, segments: u64) -> u64 {
	if !shard.is_valid() {
		return 0;
	}
	let (id, n) = (shard.shard_id as u64, shard.num_shard as u64);
	segments.saturating_sub(id).div_ceil(n)
}
