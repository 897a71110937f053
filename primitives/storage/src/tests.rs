//! Padding, Merkle and proof properties.

use super::*;
use proptest::prelude::*;

/// The root over all chunk leaves of `data`, computed the plain way.
fn reference_root(data: &[u8]) -> Hash {
	let mut level: Vec<Hash> = data.chunks(CHUNK_SIZE).map(leaf_hash).collect();
	while level.len() > 1 {
		level = level
			.chunks(2)
			.map(|p| if p.len() == 2 { hash_pair(&p[0], &p[1]) } else { p[0] })
			.collect();
	}
	level[0]
}

/// Pseudo-random bytes (xorshift), so that no two chunks repeat.
fn data(len: usize, seed: u8) -> Vec<u8> {
	let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ seed as u64;
	(0..len)
		.map(|_| {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x as u8
		})
		.collect()
}

#[test]
fn sizes_follow_the_spec() {
	assert_eq!(SEGMENT_SIZE, 256 * 1024);
	assert_eq!(chunk_count(1), 1);
	assert_eq!(chunk_count(256), 1);
	assert_eq!(chunk_count(257), 2);
	assert_eq!(padded_size(257), 512);
	assert_eq!(segment_count(SEGMENT_SIZE as u64), 1);
	assert_eq!(segment_count(SEGMENT_SIZE as u64 + 1), 2);
	assert_eq!(chunks_in_segment(SEGMENT_SIZE as u64 + 1, 1), 1);
	assert_eq!(chunks_in_segment(SEGMENT_SIZE as u64 + 1, 2), 0);
	assert_eq!(segment_len(SEGMENT_SIZE as u64 + 5, 1), 5);
	assert_eq!(check_size(0), Err(SizeError::Empty));
	assert_eq!(check_size(MAX_FILE_SIZE + 1), Err(SizeError::TooLarge));
	assert_eq!(check_size(1), Ok(()));
}

#[test]
fn shard_config_selects_segments_by_index() {
	let s = ShardConfig { shard_id: 1, num_shard: 4 };
	assert!(s.is_valid());
	assert!(s.holds(1) && s.holds(5) && !s.holds(2));
	assert!(!ShardConfig { shard_id: 4, num_shard: 4 }.is_valid());
	assert!(!ShardConfig { shard_id: 0, num_shard: 3 }.is_valid());
	assert!(!ShardConfig { shard_id: 0, num_shard: 0 }.is_valid());
	assert!(ShardConfig::FULL.holds(12345));
}

#[test]
fn short_chunk_is_zero_padded() {
	let mut full = [0u8; CHUNK_SIZE];
	full[..3].copy_from_slice(b"abc");
	assert_eq!(leaf_hash(b"abc"), keccak256(&full));
}

#[test]
fn the_host_keccak_is_the_runtime_keccak() {
	// Ethereum's keccak256 of the empty string.
	assert_eq!(
		hex_of(&keccak256(b"")),
		"c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
	);
	for len in [0, 1, 31, 32, 64, 135, 136, 137, 256, 1000, 4096] {
		let d = data(len, len as u8);
		assert_eq!(keccak256(&d), keccak256_portable(&d), "{len} bytes");
	}
}

fn hex_of(h: &Hash) -> String {
	h.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn known_answer_single_chunk() {
	// One zero chunk: the root is keccak256 of 256 zero bytes.
	let root = FileMerkleTree::from_data(&[0u8; CHUNK_SIZE]).root();
	assert_eq!(root, keccak256(&[0u8; CHUNK_SIZE]));
}

#[test]
fn file_id_binds_root_size_and_tags() {
	let sub = Submission { size: 1000, root: [7; 32], tags: [1; 32] };
	// A file of the same root that is shorter within its last chunk, or laid out with other
	// tags, is another file.
	assert_ne!(sub.id(), Submission { size: 900, ..sub.clone() }.id());
	assert_ne!(sub.id(), Submission { tags: [2; 32], ..sub.clone() }.id());
	assert_ne!(sub.id(), Submission { root: [8; 32], ..sub.clone() }.id());
	assert_eq!(sub.id(), sub.clone().id());
	// Known answer: the preimage is the domain, the root, the size in LE and the tags.
	let mut pre = FILE_ID_DOMAIN.to_vec();
	pre.extend_from_slice(&[7; 32]);
	pre.extend_from_slice(&1000u64.to_le_bytes());
	pre.extend_from_slice(&[1; 32]);
	assert_eq!(sub.id(), keccak256(&pre));
}

#[test]
fn tampered_proof_fails() {
	let d = data(5 * SEGMENT_SIZE + 100, 7);
	let tree = FileMerkleTree::from_data(&d);
	let root = tree.root();
	let proof = tree.segment_proof(2).unwrap();
	let leaf = segment_root(&d[2 * SEGMENT_SIZE..3 * SEGMENT_SIZE]);
	assert_eq!(proof.verify(&root, leaf), Ok(()));

	let mut bad = proof.clone();
	bad.siblings[0][0] ^= 1;
	assert_eq!(bad.verify(&root, leaf), Err(ProofError::RootMismatch));

	let mut short = proof.clone();
	short.siblings.pop();
	assert_eq!(short.verify(&root, leaf), Err(ProofError::WrongLength));

	let mut long = proof.clone();
	long.siblings.push([0u8; 32]);
	assert_eq!(long.verify(&root, leaf), Err(ProofError::WrongLength));

	let mut moved = proof.clone();
	moved.index = 3;
	assert!(moved.verify(&root, leaf).is_err());

	let mut out = proof;
	out.index = 6;
	assert_eq!(out.verify(&root, leaf), Err(ProofError::IndexOutOfRange));
	assert!(tree.segment_proof(6).is_none());
}

#[test]
fn proof_encoding_roundtrips() {
	let tree = FileMerkleTree::from_data(&data(3 * SEGMENT_SIZE, 1));
	let proof = tree.segment_proof(1).unwrap();
	let decoded = MerkleProof::decode(&mut &proof.encode()[..]).unwrap();
	assert_eq!(decoded, proof);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(48))]

	/// From one byte to several segments, the segment-wise root equals the root over all
	/// chunk leaves, and every segment proves against it.
	#[test]
	fn segment_roots_compose_to_file_root(len in 1usize..(4 * SEGMENT_SIZE + 3000), seed in any::<u8>()) {
		let d = data(len, seed);
		let tree = FileMerkleTree::from_data(&d);
		let root = tree.root();
		prop_assert_eq!(root, reference_root(&d));
		prop_assert_eq!(tree.segments(), segment_count(len as u64));
		for (i, seg) in d.chunks(SEGMENT_SIZE).enumerate() {
			let proof = tree.segment_proof(i as u64).unwrap();
			prop_assert_eq!(proof.verify(&root, segment_root(seg)), Ok(()));
		}
	}

	/// Proofs hold for any leaf count, including odd ones where nodes are promoted,
	/// and fail for any other leaf.
	#[test]
	fn proofs_hold_for_any_shape(count in 1usize..300, pick in any::<prop::sample::Index>(), flip in any::<u8>()) {
		let leaves: Vec<Hash> = (0..count).map(|i| keccak256(&(i as u64).to_le_bytes())).collect();
		let tree = FileMerkleTree::from_segment_roots(leaves.clone());
		let root = tree.root();
		let i = pick.index(count);
		let proof = tree.segment_proof(i as u64).unwrap();
		prop_assert_eq!(proof.verify(&root, leaves[i]), Ok(()));
		// The all-levels prover gives the same root and proofs.
		let levels = tree.levels();
		prop_assert_eq!(levels.root(), root);
		prop_assert_eq!(levels.proof(i as u64), Some(proof.clone()));
		prop_assert_eq!(levels.proof(count as u64), None);
		let mut other = leaves[i];
		other[(flip % 32) as usize] ^= 0x80;
		prop_assert_eq!(proof.verify(&root, other), Err(ProofError::RootMismatch));
	}

	/// Arbitrary bytes never make decoding or verification panic.
	#[test]
	fn garbage_proofs_are_rejected_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
		if let Ok(proof) = MerkleProof::decode(&mut &bytes[..]) {
			let _ = proof.verify(&[0u8; 32], [1u8; 32]);
		}
	}
}
