//! Proof of random access (PoRA): the storage market's mining rules, shared by the
//! runtime (which verifies answers) and the miners (which search for them).
//!
//! Each mining epoch has a **context**: its index, a seed from on-chain randomness and the
//! flow's length at its start, hashed into [`MineContext::digest`]. A miner tries nonces:
//!
//! 1. **Recall.** `keccak(RECALL ‖ context ‖ miner ‖ nonce)` picks a sector of the flow
//!    below the context's length ([`recall_sector`]). The entry holding that sector and
//!    the segment of the entry it falls in are recalled; the segment is moved to the
//!    nearest segment of the miner's own shard ([`shard_segment`]), so every nonce is
//!    usable by every shard.
//! 2. **Load.** The miner reads that 256 KiB segment (a *load*) and **seals** each of its
//!    64 units of 4 KiB with its own identity ([`seal`]): word `i` is XORed with
//!    `keccak(sealed word i-1)`, the first with `keccak(SEAL ‖ miner ‖ root ‖ position)`.
//!    Sealing is a chain of 128 hashes per unit that cannot be parallelised within it;
//!    unsealing needs no chain ([`unseal`]).
//! 3. **Quality.** Each sealed unit gives a quality,
//!    `keccak(QUALITY ‖ context ‖ miner ‖ nonce ‖ position ‖ sealed unit)` read as a
//!    big-endian `u128` ([`quality`]); a unit at or under the epoch's target, divided by the
//!    miner's shard count ([`scaled_target`]), is an answer. A node holding a quarter of
//!    the data finds answers a quarter as often for the same work as a full node.
//!
//! An [`Answer`] carries the nonce, the recalled entry and segment, the unit's sealed
//! bytes and two Merkle proofs: unit root → segment root, and segment root → the
//! entry's file root. [`verify`] checks all of it with 128 + 17 + about 30 hashes,
//! never reading more than the answer itself.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	chunks_in_segment, keccak256, segment_count, segment_root, EntrySeq, FileRoot, Hash,
	MerkleProof, SegmentIndex, ShardConfig, CHUNKS_PER_SEGMENT, CHUNK_SIZE, SEGMENT_SIZE,
};

/// Bytes in a sealing unit: 4 KiB.
pub const UNIT_SIZE: usize = 4096;
/// 32-byte words in a unit: the length of the sealing chain.
pub const WORDS_PER_UNIT: usize = UNIT_SIZE / 32;
/// Chunks (Merkle leaves) in a unit.
pub const CHUNKS_PER_UNIT: usize = UNIT_SIZE / CHUNK_SIZE;
/// Units in a segment (a load): 64.
pub const UNITS_PER_SEGMENT: usize = SEGMENT_SIZE / UNIT_SIZE;

const RECALL_DOMAIN: &[u8] = b"zerog/pora/recall/v1";
const SEAL_DOMAIN: &[u8] = b"zerog/pora/seal/v1";
const QUALITY_DOMAIN: &[u8] = b"zerog/pora/quality/v1";
const CONTEXT_DOMAIN: &[u8] = b"zerog/pora/context/v1";

/// A miner's identity as the seal and the recall use it (a hash of its account).
pub type MinerId = Hash;

/// One unit's bytes, sealed.
pub type SealedUnit = [u8; UNIT_SIZE];

/// What an epoch's mining is drawn from.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct MineContext {
	/// The epoch's index.
	pub epoch: u64,
	/// Randomness fixed at the epoch's first block.
	pub seed: Hash,
	/// The flow's length in sectors at the epoch's first block: only data submitted
	/// before it can be recalled.
	pub flow_sectors: u64,
}

impl MineContext {
	/// The hash every recall and quality of the epoch is bound to.
	pub fn digest(&self) -> Hash {
		let mut buf = Vec::with_capacity(CONTEXT_DOMAIN.len() + 48);
		buf.extend_from_slice(CONTEXT_DOMAIN);
		buf.extend_from_slice(&self.epoch.to_le_bytes());
		buf.extend_from_slice(&self.seed);
		buf.extend_from_slice(&self.flow_sectors.to_le_bytes());
		keccak256(&buf)
	}
}

/// A proof of random access, as a miner submits it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Answer {
	/// The epoch it was mined in.
	pub epoch: u64,
	/// The nonce whose recall it answers.
	pub nonce: Hash,
	/// The recalled entry.
	pub entry: EntrySeq,
	/// The recalled segment of the entry (in the miner's shard).
	pub segment: SegmentIndex,
	/// The unit of the segment whose quality met the target.
	pub unit: u32,
	/// That unit's bytes sealed with the miner's identity (zero past the file's end):
	/// [`UNIT_SIZE`] bytes. A vector, not an array: Polkadot.js decodes arrays of at most
	/// 2,048 elements.
	pub sealed: Vec<u8>,
	/// The unit's root to the segment root, over the segment's units.
	pub unit_proof: MerkleProof,
	/// The segment root to the file root, over the file's segments.
	pub segment_proof: MerkleProof,
}

/// The answer to a storage audit: one unit of a segment, unsealed, with the same two
/// Merkle proofs a mining answer carries.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct AuditProof {
	/// The unit's bytes (zero past the file's end): [`UNIT_SIZE`] bytes.
	pub unit: Vec<u8>,
	/// The unit's root to the segment root.
	pub unit_proof: MerkleProof,
	/// The segment root to the file root.
	pub segment_proof: MerkleProof,
}

/// Builds the audit answer for unit `unit` of a held segment (`data`, unpadded) with its
/// proof against the file root.
pub fn audit_proof(data: &[u8], unit: u32, segment_proof: MerkleProof) -> Option<AuditProof> {
	let roots = unit_roots(&pad_to_chunks(data));
	let unit_proof = self::unit_proof(&roots, unit)?;
	let lo = (unit as usize * UNIT_SIZE).min(data.len());
	let hi = (lo + UNIT_SIZE).min(data.len());
	let mut bytes = alloc::vec![0u8; UNIT_SIZE];
	bytes[..hi - lo].copy_from_slice(&data[lo..hi]);
	Some(AuditProof { unit: bytes, unit_proof, segment_proof })
}

/// The entry an answer recalls, as the verifier knows it from the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryView {
	/// The entry's sequence number.
	pub seq: EntrySeq,
	/// Its file's Merkle root.
	pub root: FileRoot,
	/// Its first sector in the flow.
	pub start_sector: u64,
	/// Its size in bytes.
	pub size: u64,
}

impl EntryView {
	/// Sectors it occupies.
	pub fn sectors(&self) -> u64 {
		crate::chunk_count(self.size)
	}

	/// Whether `sector` of the flow falls in it.
	pub fn contains(&self, sector: u64) -> bool {
		sector >= self.start_sector && sector - self.start_sector < self.sectors()
	}
}

/// Why an answer is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum PoraError {
	/// The epoch's flow was empty: there is nothing to recall.
	NoData,
	/// The nonce recalls another entry or segment than the answer names.
	WrongRecall,
	/// The unit is past the segment's data.
	UnitOutOfRange,
	/// The unit, unsealed with the miner's identity, does not prove through its segment
	/// to the entry's root: wrong data, a wrong path, another miner's seal, or not
	/// [`UNIT_SIZE`] bytes.
	BadProof,
	/// The quality is above the target.
	QualityTooLow,
}

/// The flow sector a nonce recalls; `None` when the flow is empty.
pub fn recall_sector(
	context: &Hash,
	miner: &MinerId,
	nonce: &Hash,
	flow_sectors: u64,
) -> Option<u64> {
	if flow_sectors == 0 {
		return None;
	}
	let mut buf = [0u8; RECALL_DOMAIN.len() + 96];
	buf[..RECALL_DOMAIN.len()].copy_from_slice(RECALL_DOMAIN);
	let rest = &mut buf[RECALL_DOMAIN.len()..];
	rest[..32].copy_from_slice(context);
	rest[32..64].copy_from_slice(miner);
	rest[64..].copy_from_slice(nonce);
	let h = keccak256(&buf);
	Some(
		(u128::from_be_bytes(h[..16].try_into().unwrap_or_default()) % flow_sectors as u128) as u64,
	)
}

/// The segment of `entry` a recall of `sector` lands on, moved into `shard`: the segment
/// of `shard` in the same group of `num_shard` segments. `None` when that segment is past
/// the file's end (the nonce is of no use to this shard) or the sector is not in `entry`.
pub fn shard_segment(entry: &EntryView, sector: u64, shard: ShardConfig) -> Option<SegmentIndex> {
	if !entry.contains(sector) || !shard.is_valid() {
		return None;
	}
	let s = (sector - entry.start_sector) / CHUNKS_PER_SEGMENT as u64;
	let n = shard.num_shard as u64;
	let s = s - s % n + shard.shard_id as u64;
	(s < segment_count(entry.size)).then_some(s)
}

/// Units holding data in segment `segment` of a file of `size` bytes.
pub fn units_in_segment(size: u64, segment: SegmentIndex) -> u32 {
	chunks_in_segment(size, segment).div_ceil(CHUNKS_PER_UNIT as u64) as u32
}

/// The flow sector at which unit `unit` of `segment` of `entry` starts: the unit's
/// position, bound into its seal and quality.
pub fn unit_position(entry: &EntryView, segment: SegmentIndex, unit: u32) -> u64 {
	entry
		.start_sector
		.saturating_add(segment.saturating_mul(CHUNKS_PER_SEGMENT as u64))
		.saturating_add(unit as u64 * CHUNKS_PER_UNIT as u64)
}

fn seal_seed(miner: &MinerId, root: &FileRoot, position: u64) -> Hash {
	let mut buf = [0u8; SEAL_DOMAIN.len() + 72];
	buf[..SEAL_DOMAIN.len()].copy_from_slice(SEAL_DOMAIN);
	let rest = &mut buf[SEAL_DOMAIN.len()..];
	rest[..32].copy_from_slice(miner);
	rest[32..64].copy_from_slice(root);
	rest[64..].copy_from_slice(&position.to_le_bytes());
	keccak256(&buf)
}

/// Seals `unit` in place for `miner`: a chain of 128 hashes.
pub fn seal(unit: &mut SealedUnit, miner: &MinerId, root: &FileRoot, position: u64) {
	let mut mask = keccak256(&seal_seed(miner, root, position));
	for word in unit.chunks_exact_mut(32) {
		for (b, m) in word.iter_mut().zip(mask.iter()) {
			*b ^= m;
		}
		mask = keccak256(word);
	}
}

/// Undoes [`seal`] in place.
pub fn unseal(unit: &mut SealedUnit, miner: &MinerId, root: &FileRoot, position: u64) {
	let mut mask = keccak256(&seal_seed(miner, root, position));
	for word in unit.chunks_exact_mut(32) {
		let next = keccak256(word);
		for (b, m) in word.iter_mut().zip(mask.iter()) {
			*b ^= m;
		}
		mask = next;
	}
}

/// The quality of a sealed unit for a nonce: lower is better.
pub fn quality(
	context: &Hash,
	miner: &MinerId,
	nonce: &Hash,
	position: u64,
	sealed: &SealedUnit,
) -> u128 {
	let mut buf = [0u8; QUALITY_DOMAIN.len() + 104 + UNIT_SIZE];
	let d = QUALITY_DOMAIN.len();
	buf[..d].copy_from_slice(QUALITY_DOMAIN);
	buf[d..d + 32].copy_from_slice(context);
	buf[d + 32..d + 64].copy_from_slice(miner);
	buf[d + 64..d + 96].copy_from_slice(nonce);
	buf[d + 96..d + 104].copy_from_slice(&position.to_le_bytes());
	buf[d + 104..].copy_from_slice(sealed);
	let h = keccak256(&buf);
	u128::from_be_bytes(h[..16].try_into().unwrap_or_default())
}

/// The target a miner of `shard` must meet: the epoch's target divided by its shard count.
pub fn scaled_target(target: u128, shard: ShardConfig) -> u128 {
	target / shard.num_shard.max(1) as u128
}

/// The root of a unit's (unsealed) bytes: over the chunks of it that hold data.
fn unit_root(unit: &SealedUnit, chunks: usize) -> Hash {
	segment_root(&unit[..chunks.min(CHUNKS_PER_UNIT) * CHUNK_SIZE])
}

/// Checks `answer` of `miner` (of `shard`) against the epoch `context` and the recalled
/// `entry`, and returns its quality. The caller checks the epoch, the miner's
/// registration and the reward rules; this checks the recall, the seal, both proofs and
/// the quality against `target` (before scaling by the shard).
pub fn verify(
	context: &MineContext,
	miner: &MinerId,
	shard: ShardConfig,
	target: u128,
	entry: &EntryView,
	answer: &Answer,
) -> Result<u128, PoraError> {
	let digest = context.digest();
	let sector = recall_sector(&digest, miner, &answer.nonce, context.flow_sectors)
		.ok_or(PoraError::NoData)?;
	if entry.seq != answer.entry || shard_segment(entry, sector, shard) != Some(answer.segment) {
		return Err(PoraError::WrongRecall);
	}
	let units = units_in_segment(entry.size, answer.segment);
	if answer.unit >= units {
		return Err(PoraError::UnitOutOfRange);
	}
	let Ok(sealed) = SealedUnit::try_from(answer.sealed.as_slice()) else {
		return Err(PoraError::BadProof);
	};
	let position = unit_position(entry, answer.segment, answer.unit);
	let q = quality(&digest, miner, &answer.nonce, position, &sealed);
	if q > scaled_target(target, shard) {
		return Err(PoraError::QualityTooLow);
	}
	let mut unit = sealed;
	unseal(&mut unit, miner, &entry.root, position);
	prove_unit(
		entry,
		answer.segment,
		answer.unit,
		&unit,
		&answer.unit_proof,
		&answer.segment_proof,
	)?;
	Ok(q)
}

/// Checks that `plain` (unsealed) is unit `unit` of segment `segment` of `entry`:
/// its root through `unit_proof` to the segment's root, and that through
/// `segment_proof` to the entry's file root, each proof of the shape its position needs.
/// Mining answers (after unsealing) and audit answers are both checked here.
pub fn prove_unit(
	entry: &EntryView,
	segment: SegmentIndex,
	unit: u32,
	plain: &SealedUnit,
	unit_proof: &MerkleProof,
	segment_proof: &MerkleProof,
) -> Result<(), PoraError> {
	let units = units_in_segment(entry.size, segment);
	if unit_proof.index != unit as u64
		|| unit_proof.leaf_count != units as u64
		|| segment_proof.index != segment
		|| segment_proof.leaf_count != segment_count(entry.size)
	{
		return Err(PoraError::BadProof);
	}
	let chunks = chunks_in_segment(entry.size, segment) as usize;
	let present = chunks.saturating_sub(unit as usize * CHUNKS_PER_UNIT);
	let seg_root =
		unit_proof.compute_root(unit_root(plain, present)).map_err(|_| PoraError::BadProof)?;
	segment_proof.verify(&entry.root, seg_root).map_err(|_| PoraError::BadProof)
}

/// The unit roots of a segment's (unsealed) bytes.
pub fn unit_roots(segment: &[u8]) -> Vec<Hash> {
	segment.chunks(UNIT_SIZE).map(segment_root).collect()
}

/// The proof of unit `unit` of a segment, over its unit roots.
pub fn unit_proof(roots: &[Hash], unit: u32) -> Option<MerkleProof> {
	crate::FileMerkleTree::from_segment_roots(roots.to_vec()).segment_proof(unit as u64)
}

/// Where a miner finds the data of its shard.
pub trait Shard {
	/// The entry holding `sector` of the flow, if this miner knows it and it is live.
	fn entry_at(&self, sector: u64) -> Option<EntryView>;
	/// Segment `index` of entry `seq` (its bytes, the last one unpadded) and its proof
	/// against the file root, if held.
	fn segment(&self, seq: EntrySeq, index: SegmentIndex) -> Option<(Vec<u8>, MerkleProof)>;
}

/// What one nonce's load came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load {
	/// The recall fell outside this miner's shard or data: no work was done.
	Skipped,
	/// The segment was loaded and its units tried, none under the target.
	Tried {
		/// Units tried (one quality hash each).
		units: u32,
	},
	/// An answer.
	Found(alloc::boxed::Box<Answer>),
}

/// The reference miner's step: tries one nonce, loading its recalled segment from
/// `shard` and sealing and scoring each of its units.
pub fn try_nonce(
	context: &MineContext,
	miner: &MinerId,
	config: ShardConfig,
	target: u128,
	shard: &impl Shard,
	nonce: Hash,
) -> Load {
	let digest = context.digest();
	let Some(sector) = recall_sector(&digest, miner, &nonce, context.flow_sectors) else {
		return Load::Skipped;
	};
	let Some(entry) = shard.entry_at(sector) else { return Load::Skipped };
	let Some(segment) = shard_segment(&entry, sector, config) else { return Load::Skipped };
	let Some((data, segment_proof)) = shard.segment(entry.seq, segment) else {
		return Load::Skipped;
	};
	let target = scaled_target(target, config);
	let units = units_in_segment(entry.size, segment);
	for u in 0..units {
		let position = unit_position(&entry, segment, u);
		let mut sealed = [0u8; UNIT_SIZE];
		let lo = (u as usize * UNIT_SIZE).min(data.len());
		let hi = (lo + UNIT_SIZE).min(data.len());
		sealed[..hi - lo].copy_from_slice(&data[lo..hi]);
		seal(&mut sealed, miner, &entry.root, position);
		if quality(&digest, miner, &nonce, position, &sealed) <= target {
			let roots = unit_roots(&pad_to_chunks(&data));
			let Some(unit_proof) = unit_proof(&roots, u) else { return Load::Tried { units } };
			return Load::Found(alloc::boxed::Box::new(Answer {
				epoch: context.epoch,
				nonce,
				entry: entry.seq,
				segment,
				unit: u,
				sealed: sealed.to_vec(),
				unit_proof,
				segment_proof,
			}));
		}
	}
	Load::Tried { units }
}

/// A segment's bytes zero-padded to whole chunks, as its Merkle leaves see them.
fn pad_to_chunks(data: &[u8]) -> Vec<u8> {
	let mut v = data.to_vec();
	v.resize(data.len().div_ceil(CHUNK_SIZE) * CHUNK_SIZE, 0);
	v
}

/// The `i`-th nonce of a miner's search in an epoch: distinct per miner, epoch and `i`.
pub fn nonce(miner: &MinerId, epoch: u64, i: u64) -> Hash {
	let mut buf = [0u8; 48];
	buf[..32].copy_from_slice(miner);
	buf[32..40].copy_from_slice(&epoch.to_le_bytes());
	buf[40..].copy_from_slice(&i.to_le_bytes());
	keccak256(&buf)
}

/// The miner identity of an account: `keccak256` of its encoding.
pub fn miner_id(account: &impl Encode) -> MinerId {
	account.using_encoded(keccak256)
}

/// Retargets the difficulty after an epoch with `answers` valid answers, toward
/// `wanted` answers per epoch: the target (higher is easier) is scaled by
/// `wanted / answers`, at most `max_step` times up or down per epoch; an epoch with no
/// answers eases by the full step.
pub fn retarget(target: u128, answers: u32, wanted: u32, max_step: u32) -> u128 {
	let step = max_step.max(1) as u128;
	let wanted = wanted.max(1) as u128;
	let (num, den) = if answers == 0 { (step, 1) } else { (wanted, answers as u128) };
	let (num, den) = if num > den.saturating_mul(step) {
		(step, 1)
	} else if den > num.saturating_mul(step) {
		(1, step)
	} else {
		(num, den)
	};
	let scaled = mul_div(target, num, den);
	scaled.max(1)
}

/// `a * num / den` rounded down, saturating at `u128::MAX`; `num`, `den` are small.
fn mul_div(a: u128, num: u128, den: u128) -> u128 {
	let den = den.max(1);
	let (q, r) = (a / den, a % den);
	q.saturating_mul(num).saturating_add(r.saturating_mul(num) / den)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::FileMerkleTree;

	struct MemShard {
		entries: Vec<(EntryView, Vec<u8>)>,
	}

	impl Shard for MemShard {
		fn entry_at(&self, sector: u64) -> Option<EntryView> {
			self.entries.iter().map(|(e, _)| *e).find(|e| e.contains(sector))
		}
		fn segment(&self, seq: EntrySeq, index: SegmentIndex) -> Option<(Vec<u8>, MerkleProof)> {
			let (e, data) = self.entries.iter().find(|(e, _)| e.seq == seq)?;
			let tree = FileMerkleTree::from_data(data);
			let lo = index as usize * SEGMENT_SIZE;
			let hi = (lo + SEGMENT_SIZE).min(e.size as usize);
			Some((data.get(lo..hi)?.to_vec(), tree.segment_proof(index)?))
		}
	}

	fn file(len: usize, salt: u8) -> Vec<u8> {
		(0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(salt)).collect()
	}

	fn shard_of(sizes: &[usize]) -> MemShard {
		let mut start = 0;
		let entries = sizes
			.iter()
			.enumerate()
			.map(|(i, &len)| {
				let data = file(len, i as u8);
				let view = EntryView {
					seq: i as u64,
					root: FileMerkleTree::from_data(&data).root(),
					start_sector: start,
					size: len as u64,
				};
				start += view.sectors();
				(view, data)
			})
			.collect();
		MemShard { entries }
	}

	fn mine(
		ctx: &MineContext,
		miner: &MinerId,
		cfg: ShardConfig,
		target: u128,
		s: &MemShard,
	) -> Answer {
		for i in 0..10_000 {
			if let Load::Found(a) =
				try_nonce(ctx, miner, cfg, target, s, nonce(miner, ctx.epoch, i))
			{
				return *a;
			}
		}
		panic!("no answer in 10,000 nonces");
	}

	#[test]
	fn seal_round_trips_and_depends_on_the_miner() {
		let mut unit = [7u8; UNIT_SIZE];
		let plain = unit;
		seal(&mut unit, &[1; 32], &[2; 32], 5);
		assert_ne!(unit, plain);
		let mut other = plain;
		seal(&mut other, &[3; 32], &[2; 32], 5);
		assert_ne!(unit, other, "two miners' seals of one unit differ");
		unseal(&mut unit, &[1; 32], &[2; 32], 5);
		assert_eq!(unit, plain);
	}

	#[test]
	fn answers_found_by_the_reference_miner_verify() {
		let s = shard_of(&[3 * SEGMENT_SIZE + 1000, 777, 2 * SEGMENT_SIZE]);
		let flow = s.entries.iter().map(|(e, _)| e.sectors()).sum();
		let ctx = MineContext { epoch: 3, seed: [9; 32], flow_sectors: flow };
		for cfg in [ShardConfig::FULL, ShardConfig { shard_id: 1, num_shard: 2 }] {
			let miner = miner_id(&42u64);
			// One answer in about 16 units: found in a few loads.
			let target = u128::MAX / 16;
			let a = mine(&ctx, &miner, cfg, target, &s);
			let entry = s.entries[a.entry as usize].0;
			assert!(cfg.holds(a.segment));
			assert_eq!(
				verify(&ctx, &miner, cfg, target, &entry, &a),
				Ok(quality_of(&ctx, &miner, &entry, &a))
			);
			// Another miner cannot claim it: its recall and seal differ.
			assert!(verify(&ctx, &miner_id(&43u64), cfg, target, &entry, &a).is_err());
		}
	}

	fn quality_of(ctx: &MineContext, miner: &MinerId, e: &EntryView, a: &Answer) -> u128 {
		let sealed = SealedUnit::try_from(a.sealed.as_slice()).unwrap();
		quality(&ctx.digest(), miner, &a.nonce, unit_position(e, a.segment, a.unit), &sealed)
	}

	#[test]
	fn forged_answers_are_refused() {
		let s = shard_of(&[4 * SEGMENT_SIZE]);
		let ctx = MineContext { epoch: 1, seed: [1; 32], flow_sectors: s.entries[0].0.sectors() };
		let miner = miner_id(&7u64);
		let cfg = ShardConfig::FULL;
		let a = mine(&ctx, &miner, cfg, u128::MAX, &s);
		let e = s.entries[0].0;
		let check = |a: &Answer| verify(&ctx, &miner, cfg, u128::MAX, &e, a);
		assert!(check(&a).is_ok());
		let mut b = a.clone();
		b.sealed[100] ^= 1;
		assert_eq!(check(&b), Err(PoraError::BadProof), "a flipped byte");
		let mut b = a.clone();
		b.segment = (a.segment + 1) % 4;
		assert_eq!(check(&b), Err(PoraError::WrongRecall), "another segment");
		let mut b = a.clone();
		b.sealed.push(0);
		assert_eq!(check(&b), Err(PoraError::BadProof), "a unit of 4,097 bytes");
		let mut b = a.clone();
		b.unit = 64;
		assert_eq!(check(&b), Err(PoraError::UnitOutOfRange));
		let mut b = a.clone();
		b.unit_proof.siblings[0][0] ^= 1;
		assert_eq!(check(&b), Err(PoraError::BadProof), "a wrong unit path");
		let mut b = a.clone();
		b.segment_proof.siblings[0][0] ^= 1;
		assert_eq!(check(&b), Err(PoraError::BadProof), "a wrong segment path");
		// Sealed with another identity, then unsealed with this one: not the data.
		let mut b = a.clone();
		let pos = unit_position(&e, a.segment, a.unit);
		let mut unit = SealedUnit::try_from(a.sealed.as_slice()).unwrap();
		unseal(&mut unit, &miner, &e.root, pos);
		seal(&mut unit, &[0xee; 32], &e.root, pos);
		b.sealed = unit.to_vec();
		assert!(check(&b).is_err(), "a unit sealed with another key");
		assert_eq!(
			verify(&ctx, &miner, cfg, 0, &e, &a),
			Err(PoraError::QualityTooLow),
			"a target nobody meets"
		);
		let empty = MineContext { flow_sectors: 0, ..ctx };
		assert_eq!(verify(&empty, &miner, cfg, u128::MAX, &e, &a), Err(PoraError::NoData));
	}

	#[test]
	fn a_short_last_segment_and_unit_verify() {
		// 1 segment + 5,000 bytes: the last segment has 20 chunks, two units, the second
		// of 4 chunks.
		let s = shard_of(&[SEGMENT_SIZE + 5000]);
		let ctx = MineContext { epoch: 0, seed: [4; 32], flow_sectors: s.entries[0].0.sectors() };
		let e = s.entries[0].0;
		assert_eq!(units_in_segment(e.size, 1), 2);
		let miner = miner_id(&1u64);
		let cfg = ShardConfig { shard_id: 1, num_shard: 2 };
		let a = mine(&ctx, &miner, cfg, u128::MAX, &s);
		assert_eq!(a.segment, 1);
		assert_eq!(verify(&ctx, &miner, cfg, u128::MAX, &e, &a).map(|_| ()), Ok(()));
	}

	#[test]
	fn retargeting_is_clamped_and_moves_toward_the_wanted_count() {
		assert_eq!(retarget(1000, 0, 4, 4), 4000);
		assert_eq!(retarget(1000, 8, 4, 4), 500);
		assert_eq!(retarget(1000, 100, 4, 4), 250);
		assert_eq!(retarget(1000, 4, 4, 4), 1000);
		assert_eq!(retarget(u128::MAX, 0, 4, 4), u128::MAX);
		assert_eq!(retarget(1, 100, 1, 4), 1);
	}
}
