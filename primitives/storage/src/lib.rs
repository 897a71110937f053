//! # ZeroG storage primitives
//!
//! The storage spec, declared once for the runtime (`no_std`) and every client:
//!
//! - sizes: a **chunk** (sector) is 256 bytes, a **segment** 1024 chunks (256 KiB);
//! - padding: a file is zero-padded to a whole number of chunks;
//! - the **file Merkle tree**: leaves are `keccak256(chunk)`, a parent is
//!   `keccak256(left ‖ right)`, and a level with an odd number of nodes promotes its last
//!   node unchanged to the level above. Because segments are aligned powers of two, the
//!   root over segment roots equals the root over all chunk leaves, so a segment proves
//!   against a file root with one [`MerkleProof`] of its segment root;
//! - [`Submission`]: what a user puts on chain for a file.
//!
//! Every function here is total on untrusted input: sizes are checked, and proofs that
//! do not fit the tree's shape fail verification instead of panicking.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod pora;
pub mod runtime_api;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

mod chain;
mod merkle;
pub use chain::*;
pub use merkle::{segment_root, FileMerkleTree, MerkleProof, ProofError, TreeLevels};

/// Bytes in a chunk (sector): the unit of Merkle leaves and of pricing.
pub const CHUNK_SIZE: usize = 256;
/// Chunks in a segment: the unit of upload, download, sharding and erasure coding.
pub const CHUNKS_PER_SEGMENT: usize = 1024;
/// Bytes in a segment (256 KiB).
pub const SEGMENT_SIZE: usize = CHUNK_SIZE * CHUNKS_PER_SEGMENT;
/// Levels of the Merkle tree inside one segment (2^10 = 1024 leaves).
pub const SEGMENT_TREE_DEPTH: u32 = 10;
/// The largest file a single submission may describe: 1 TiB.
pub const MAX_FILE_SIZE: u64 = 1 << 40;

/// A 32-byte hash: a Merkle node or root.
pub type Hash = [u8; 32];

/// The Merkle root of a file's (padded) bytes: every segment is checked against it.
pub type FileRoot = Hash;

/// What names a file everywhere (on chain, at storage nodes, in `zg`): a hash of its
/// Merkle root, size and tags together, see [`Submission::id`].
///
/// The root alone does not say how long the file is within its last chunk, nor how it
/// is laid out: two submissions of one root with other sizes or tags are two different
/// files, so nobody can change what a download of someone else's file reconstructs by
/// submitting its root first.
pub type FileId = Hash;

/// Domain separator of [`Submission::id`].
pub const FILE_ID_DOMAIN: &[u8] = b"zerog/storage/file-id/v1";

/// The index of a segment within a file.
pub type SegmentIndex = u64;

/// keccak256, the hash of leaves and nodes.
///
/// On a host (`std`, x86-64 or AArch64) this is CRYPTOGAMS' assembly through `keccak-asm`,
/// which hashes the tree's 256-byte leaves faster than the portable `sha3` here
/// (`cargo bench -p zerog-storage-primitives --bench merkle`); in the runtime it is
/// [`keccak256_portable`]. Both give the same hash (tested).
pub fn keccak256(data: &[u8]) -> Hash {
	#[cfg(all(feature = "std", any(target_arch = "x86_64", target_arch = "aarch64")))]
	{
		<keccak_asm::Keccak256 as keccak_asm::Digest>::digest(data).into()
	}
	#[cfg(not(all(feature = "std", any(target_arch = "x86_64", target_arch = "aarch64"))))]
	{
		keccak256_portable(data)
	}
}

/// keccak256 from `sha3` (through sp-crypto-hashing): what the runtime hashes with, and
/// the baseline [`keccak256`] is measured against.
pub fn keccak256_portable(data: &[u8]) -> Hash {
	sp_crypto_hashing::keccak_256(data)
}

/// The hash of two child nodes.
pub fn hash_pair(left: &Hash, right: &Hash) -> Hash {
	let mut buf = [0u8; 64];
	buf[..32].copy_from_slice(left);
	buf[32..].copy_from_slice(right);
	keccak256(&buf)
}

/// The leaf hash of one chunk; a short (final) chunk is zero-padded to [`CHUNK_SIZE`].
pub fn leaf_hash(chunk: &[u8]) -> Hash {
	debug_assert!(chunk.len() <= CHUNK_SIZE);
	if chunk.len() == CHUNK_SIZE {
		keccak256(chunk)
	} else {
		let mut padded = [0u8; CHUNK_SIZE];
		let n = chunk.len().min(CHUNK_SIZE);
		padded[..n].copy_from_slice(&chunk[..n]);
		keccak256(&padded)
	}
}

/// Number of chunks of a file of `size` bytes (a file has at least one byte).
pub const fn chunk_count(size: u64) -> u64 {
	size.div_ceil(CHUNK_SIZE as u64)
}

/// Number of segments of a file of `size` bytes.
pub const fn segment_count(size: u64) -> u64 {
	size.div_ceil(SEGMENT_SIZE as u64)
}

/// The size a file occupies once padded to whole chunks.
pub const fn padded_size(size: u64) -> u64 {
	chunk_count(size) * CHUNK_SIZE as u64
}

/// Number of chunks in segment `index` of a file of `size` bytes (0 past the end).
pub fn chunks_in_segment(size: u64, index: SegmentIndex) -> u64 {
	let chunks = chunk_count(size);
	let start = index.saturating_mul(CHUNKS_PER_SEGMENT as u64);
	chunks.saturating_sub(start).min(CHUNKS_PER_SEGMENT as u64)
}

/// Byte length of segment `index` of a file of `size` bytes, before chunk padding
/// (0 past the end).
pub fn segment_len(size: u64, index: SegmentIndex) -> u64 {
	let start = index.saturating_mul(SEGMENT_SIZE as u64);
	size.saturating_sub(start).min(SEGMENT_SIZE as u64)
}

/// Why a file size is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum SizeError {
	/// A file has at least one byte.
	Empty,
	/// Larger than [`MAX_FILE_SIZE`].
	TooLarge,
}

/// Checks a file size against the spec's bounds.
pub fn check_size(size: u64) -> Result<(), SizeError> {
	match size {
		0 => Err(SizeError::Empty),
		s if s > MAX_FILE_SIZE => Err(SizeError::TooLarge),
		_ => Ok(()),
	}
}

/// A file submission: what a user puts on chain so that storage nodes accept the file.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Submission {
	/// The file's length in bytes, before padding.
	pub size: u64,
	/// The file's Merkle root.
	pub root: FileRoot,
	/// Application tags (e.g. KV stream ids), opaque to the log layer.
	pub tags: [u8; 32],
}

impl Submission {
	/// The file's identity: `keccak256(FILE_ID_DOMAIN ‖ root ‖ size (u64 LE) ‖ tags)`.
	/// Equal only for submissions equal in all three fields.
	pub fn id(&self) -> FileId {
		let mut buf = [0u8; FILE_ID_DOMAIN.len() + 32 + 8 + 32];
		let (domain, rest) = buf.split_at_mut(FILE_ID_DOMAIN.len());
		domain.copy_from_slice(FILE_ID_DOMAIN);
		rest[..32].copy_from_slice(&self.root);
		rest[32..40].copy_from_slice(&self.size.to_le_bytes());
		rest[40..].copy_from_slice(&self.tags);
		keccak256(&buf)
	}
}

/// Which segments a storage node holds: those with `index % num_shard == shard_id`.
/// `num_shard` is a power of two, so shards split evenly as the network grows.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct ShardConfig {
	/// This node's shard, below `num_shard`.
	pub shard_id: u32,
	/// Number of shards, a power of two.
	pub num_shard: u32,
}

impl ShardConfig {
	/// A node holding every segment.
	pub const FULL: Self = Self { shard_id: 0, num_shard: 1 };

	/// `num_shard` is a non-zero power of two and `shard_id` below it.
	pub fn is_valid(&self) -> bool {
		self.num_shard.is_power_of_two() && self.shard_id < self.num_shard
	}

	/// Whether this shard holds segment `index`.
	pub fn holds(&self, index: SegmentIndex) -> bool {
		self.is_valid() && index % self.num_shard as u64 == self.shard_id as u64
	}
}

/// Segment roots of a whole file held in memory; clients that stream use
/// [`FileMerkleTree::push_segment_root`] instead.
pub fn segment_roots(data: &[u8]) -> Vec<Hash> {
	data.chunks(SEGMENT_SIZE).map(segment_root).collect()
}

#[cfg(test)]
mod tests;
