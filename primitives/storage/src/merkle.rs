//! The file Merkle tree: keccak256 leaves, odd last nodes promoted unchanged.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

use crate::{hash_pair, leaf_hash, Hash, CHUNK_SIZE};

/// Reduces one level of nodes to its parent level in place; an odd last node is promoted.
fn reduce_level(level: &mut Vec<Hash>) {
	let n = level.len();
	let parents = n.div_ceil(2);
	for i in 0..parents {
		let l = 2 * i;
		level[i] = if l + 1 < n { hash_pair(&level[l], &level[l + 1]) } else { level[l] };
	}
	level.truncate(parents);
}

/// The root over a non-empty level of nodes.
fn root_of(mut level: Vec<Hash>) -> Hash {
	if level.is_empty() {
		return [0u8; 32];
	}
	while level.len() > 1 {
		reduce_level(&mut level);
	}
	level[0]
}

/// The root of one segment's bytes (at most a segment; the last chunk is zero-padded).
/// An empty slice has the all-zero root.
pub fn segment_root(segment: &[u8]) -> Hash {
	root_of(segment.chunks(CHUNK_SIZE).map(leaf_hash).collect())
}

/// The Merkle tree of a file over its segment roots, kept level by level so that it can
/// prove any segment. Built incrementally, so a client streaming a file holds one
/// segment and 32 bytes per segment, never the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileMerkleTree {
	segment_roots: Vec<Hash>,
}

impl FileMerkleTree {
	/// An empty tree.
	pub fn new() -> Self {
		Self::default()
	}

	/// A tree over the given segment roots.
	pub fn from_segment_roots(segment_roots: Vec<Hash>) -> Self {
		Self { segment_roots }
	}

	/// The tree of a whole file held in memory.
	pub fn from_data(data: &[u8]) -> Self {
		Self::from_segment_roots(crate::segment_roots(data))
	}

	/// Appends the root of the next segment.
	pub fn push_segment_root(&mut self, root: Hash) {
		self.segment_roots.push(root);
	}

	/// Number of segments.
	pub fn segments(&self) -> u64 {
		self.segment_roots.len() as u64
	}

	/// The segment roots, in order.
	pub fn segment_roots(&self) -> &[Hash] {
		&self.segment_roots
	}

	/// The file root. Equal to the root over all chunk leaves of the file.
	pub fn root(&self) -> Hash {
		root_of(self.segment_roots.clone())
	}

	/// Every level of the tree, for proving many segments at O(log n) each; holds about
	/// twice the segment roots.
	pub fn levels(&self) -> TreeLevels {
		let mut levels = alloc::vec![self.segment_roots.clone()];
		while levels.last().map_or(0, Vec::len) > 1 {
			let mut next = levels.last().cloned().unwrap_or_default();
			reduce_level(&mut next);
			levels.push(next);
		}
		TreeLevels { levels }
	}

	/// The proof that segment `index`'s root is part of this file's root. Rebuilds the
	/// tree: to prove many segments use [`FileMerkleTree::levels`].
	pub fn segment_proof(&self, index: u64) -> Option<MerkleProof> {
		let count = self.segment_roots.len() as u64;
		if index >= count {
			return None;
		}
		let mut siblings = Vec::new();
		let mut level = self.segment_roots.clone();
		let mut i = index as usize;
		while level.len() > 1 {
			let n = level.len();
			if !(i == n - 1 && n % 2 == 1) {
				siblings.push(level[i ^ 1]);
			}
			reduce_level(&mut level);
			i /= 2;
		}
		Some(MerkleProof { index, leaf_count: count, siblings })
	}
}

/// All levels of a [`FileMerkleTree`], leaves first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeLevels {
	levels: Vec<Vec<Hash>>,
}

impl TreeLevels {
	/// The root (all zeros for an empty tree).
	pub fn root(&self) -> Hash {
		self.levels.last().and_then(|l| l.first().copied()).unwrap_or([0u8; 32])
	}

	/// The proof for segment `index`, equal to [`FileMerkleTree::segment_proof`]'s.
	pub fn proof(&self, index: u64) -> Option<MerkleProof> {
		let count = self.levels.first().map_or(0, Vec::len) as u64;
		if index >= count {
			return None;
		}
		let mut siblings = Vec::new();
		let mut i = index as usize;
		for level in &self.levels[..self.levels.len() - 1] {
			let n = level.len();
			if !(i == n - 1 && n % 2 == 1) {
				siblings.push(level[i ^ 1]);
			}
			i /= 2;
		}
		Some(MerkleProof { index, leaf_count: count, siblings })
	}
}

/// Why a proof does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum ProofError {
	/// The index is not below the leaf count, or the leaf count is zero or too large.
	IndexOutOfRange,
	/// The number of siblings does not match the tree's shape.
	WrongLength,
	/// The path leads to a different root.
	RootMismatch,
}

/// A Merkle path from a leaf (a segment root, or a chunk leaf in a chunk tree) to a root.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct MerkleProof {
	/// Position of the leaf.
	pub index: u64,
	/// Number of leaves in the tree: it fixes which levels promote instead of pairing.
	pub leaf_count: u64,
	/// Sibling hashes from the leaf level upwards, promoted levels skipped.
	pub siblings: Vec<Hash>,
}

/// Deepest tree a proof may describe: 2^64 leaves.
const MAX_DEPTH: usize = 64;

impl MerkleProof {
	/// The root this proof yields for `leaf`, checking the path's shape.
	pub fn compute_root(&self, leaf: Hash) -> Result<Hash, ProofError> {
		if self.leaf_count == 0 || self.index >= self.leaf_count {
			return Err(ProofError::IndexOutOfRange);
		}
		if self.siblings.len() > MAX_DEPTH {
			return Err(ProofError::WrongLength);
		}
		let (mut i, mut n, mut node) = (self.index, self.leaf_count, leaf);
		let mut siblings = self.siblings.iter();
		while n > 1 {
			let promoted = i == n - 1 && n % 2 == 1;
			if !promoted {
				let sibling = siblings.next().ok_or(ProofError::WrongLength)?;
				node =
					if i % 2 == 0 { hash_pair(&node, sibling) } else { hash_pair(sibling, &node) };
			}
			i /= 2;
			n = n.div_ceil(2);
		}
		if siblings.next().is_some() {
			return Err(ProofError::WrongLength);
		}
		Ok(node)
	}

	/// Checks that `leaf` sits at `self.index` under `root`.
	pub fn verify(&self, root: &Hash, leaf: Hash) -> Result<(), ProofError> {
		if &self.compute_root(leaf)? == root {
			Ok(())
		} else {
			Err(ProofError::RootMismatch)
		}
	}
}
