//! The node's RocksDB store.
//!
//! Column families:
//! - `files`: file id → [`FileRecord`] (the finalized submission of the file: its root,
//!   size and sequence number, and how many of its segments are held), written by the
//!   chain follower. Files are keyed by id (root, size and tags together), so a second
//!   submission of a root with another size cannot change what the node accepts for the
//!   first;
//! - `segments`: file id ‖ index (u64 big-endian, so a file's segments iterate in order) →
//!   the segment's bytes;
//! - `proofs`: the same key → the segment's verified Merkle proof, served with it;
//! - `meta`: the next flow sequence number to read, the total of held segments.
//!
//! Records are SCALE-encoded and the layout is versioned through
//! [`zerog_daemon::store`] ([`SCHEMA`]): a database of another daemon or of a newer
//! release is refused. Version 0, the layout before versions, kept file records and
//! proofs as JSON; opening one re-encodes them once.
//!
//! A segment and its file's counters change in one atomic write batch, written through
//! RocksDB's write-ahead log before the upload is acknowledged, so a node killed at any
//! point (SIGKILL) restarts with every acknowledged segment and consistent counters.
//! `--sync-writes` also fsyncs each batch, for power loss.

use std::{path::Path, sync::Mutex};

use codec::{Decode, Encode};
use rocksdb::Options;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zerog_daemon::store::{Database, DbError, Schema};
use zerog_storage_primitives::{FileId, FileRoot, SegmentIndex};

use crate::api::{Hex, ProofJson};

const CF_FILES: &str = "files";
const CF_SEGMENTS: &str = "segments";
const CF_PROOFS: &str = "proofs";
const CF_META: &str = "meta";
const KEY_NEXT_SEQ: &[u8] = b"next_seq";
const KEY_STORED: &[u8] = b"stored_segments";
/// `meta` keys `expired/` ‖ file id mark files pruned at the end of their lifetime.
const EXPIRED_PREFIX: &[u8] = b"expired/";

fn expired_key(id: &FileId) -> Vec<u8> {
	[EXPIRED_PREFIX, &id[..]].concat()
}

/// The node's database layout.
pub const SCHEMA: Schema = Schema {
	daemon: "zgs-node",
	version: 1,
	columns: &[CF_FILES, CF_SEGMENTS, CF_PROOFS, CF_META],
};

/// Why the store failed.
#[derive(Debug, Error)]
pub enum StoreError {
	/// The database failed, refused to open, or holds a record that does not decode.
	#[error(transparent)]
	Db(#[from] DbError),
	/// A segment for a file the store does not know.
	#[error("unknown file")]
	UnknownFile,
}

/// What the node knows of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct FileRecord {
	/// Flow sequence number of the file's submission.
	pub seq: u64,
	/// The file's Merkle root, which its segments prove against.
	pub root: FileRoot,
	/// Submitted size in bytes.
	pub size: u64,
	/// Segments of it held here.
	pub stored: u64,
}

/// A segment's proof as stored: index, leaf count, siblings.
type StoredProof = (u64, u64, Vec<[u8; 32]>);

fn stored_proof(p: &ProofJson) -> StoredProof {
	(p.index, p.leaf_count, p.siblings.iter().map(|h| h.0).collect())
}

/// One newly finalized submission, for [`Store::add_files`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
	/// Its sequence number.
	pub seq: u64,
	/// Its id (root, size and tags together).
	pub id: FileId,
	/// Its root.
	pub root: FileRoot,
	/// Its size.
	pub size: u64,
}

/// The store.
pub struct Store {
	db: Database,
	/// Serialises read-modify-write of the counters.
	write: Mutex<()>,
}

fn segment_key(id: &FileId, index: SegmentIndex) -> [u8; 40] {
	let mut k = [0u8; 40];
	k[..32].copy_from_slice(id);
	k[32..].copy_from_slice(&index.to_be_bytes());
	k
}

/// Schema version 0 → 1: file records and proofs from JSON to SCALE.
fn migrate(db: &Database, from: u32) -> Result<(), DbError> {
	debug_assert_eq!(from, 0, "version 1 is the first versioned layout");
	let corrupt = |column, e: serde_json::Error| DbError::Corrupt { column, why: e.to_string() };
	db.rewrite(Some(CF_FILES), |k, v, batch| {
		let rec: FileRecord = serde_json::from_slice(v).map_err(|e| corrupt(CF_FILES, e))?;
		batch.put(CF_FILES, k, &rec)
	})?;
	db.rewrite(Some(CF_PROOFS), |k, v, batch| {
		let p: ProofJson = serde_json::from_slice(v).map_err(|e| corrupt(CF_PROOFS, e))?;
		batch.put(CF_PROOFS, k, &stored_proof(&p))
	})
}

impl Store {
	/// Opens (creating if needed) the store at `path`. `sync` fsyncs every write.
	pub fn open(path: &Path, sync: bool) -> Result<Self, StoreError> {
		let mut opts = Options::default();
		// Segments are 256 KiB of mostly incompressible data; keep them out of the
		// memtable churn with a larger write buffer, no compression.
		opts.set_write_buffer_size(64 << 20);
		opts.set_compression_type(rocksdb::DBCompressionType::None);
		let db = Database::open(path, SCHEMA, sync, opts, migrate)?;
		Ok(Self { db, write: Mutex::new(()) })
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
		// A panic while holding the lock cannot leave the database half-written (batches
		// are atomic), so a poisoned lock is safe to reuse.
		self.write.lock().unwrap_or_else(|e| e.into_inner())
	}

	/// The record of file `id`, if finalized.
	pub fn file(&self, id: &FileId) -> Result<Option<FileRecord>, StoreError> {
		Ok(self.db.get(CF_FILES, id)?)
	}

	/// The next flow sequence number the follower has to read.
	pub fn next_seq(&self) -> Result<u64, StoreError> {
		Ok(self.db.get::<u64>(CF_META, KEY_NEXT_SEQ)?.unwrap_or(0))
	}

	/// Segments held, over all files.
	pub fn stored_segments(&self) -> Result<u64, StoreError> {
		Ok(self.db.get::<u64>(CF_META, KEY_STORED)?.unwrap_or(0))
	}

	/// Records newly finalized submissions and the next sequence number, atomically. A
	/// file already known keeps its record.
	pub fn add_files(&self, files: &[NewFile], next_seq: u64) -> Result<(), StoreError> {
		let _g = self.lock();
		let mut batch = self.db.batch();
		let mut seen = std::collections::HashSet::new();
		for f in files {
			if !seen.insert(f.id) || self.file(&f.id)?.is_some() {
				continue;
			}
			let rec = FileRecord { seq: f.seq, root: f.root, size: f.size, stored: 0 };
			batch.put(CF_FILES, f.id, &rec)?;
		}
		batch.put(CF_META, KEY_NEXT_SEQ, &next_seq)?;
		self.db.write(batch)?;
		Ok(())
	}

	/// Stores a segment and its proof, which the caller has verified. Returns `false` if
	/// it was already held (nothing changes).
	pub fn put_segment(
		&self,
		id: &FileId,
		index: SegmentIndex,
		data: &[u8],
		proof: &ProofJson,
	) -> Result<bool, StoreError> {
		let _g = self.lock();
		let key = segment_key(id, index);
		if self.db.contains(CF_SEGMENTS, key)? {
			return Ok(false);
		}
		let mut rec = self.file(id)?.ok_or(StoreError::UnknownFile)?;
		rec.stored += 1;
		let total = self.stored_segments()? + 1;
		let mut batch = self.db.batch();
		batch.put_raw(CF_SEGMENTS, key, data)?;
		batch.put(CF_PROOFS, key, &stored_proof(proof))?;
		batch.put(CF_FILES, id, &rec)?;
		batch.put(CF_META, KEY_STORED, &total)?;
		self.db.write(batch)?;
		Ok(true)
	}

	/// Overwrites a held segment's bytes without any check. For repair tools and
	/// fault-injection tests only: the node itself never calls it.
	#[doc(hidden)]
	pub fn overwrite_segment_unchecked(
		&self,
		id: &FileId,
		index: SegmentIndex,
		data: &[u8],
	) -> Result<(), StoreError> {
		let _g = self.lock();
		let mut batch = self.db.batch();
		batch.put_raw(CF_SEGMENTS, segment_key(id, index), data)?;
		self.db.write(batch)?;
		Ok(())
	}

	/// A held segment's bytes.
	pub fn segment(&self, id: &FileId, index: SegmentIndex) -> Result<Option<Vec<u8>>, StoreError> {
		Ok(self.db.get_raw(CF_SEGMENTS, segment_key(id, index))?)
	}

	/// The proof a held segment was uploaded with.
	pub fn proof(&self, id: &FileId, index: SegmentIndex) -> Result<Option<ProofJson>, StoreError> {
		Ok(self.db.get::<StoredProof>(CF_PROOFS, segment_key(id, index))?.map(
			|(index, leaf_count, siblings)| ProofJson {
				index,
				leaf_count,
				siblings: siblings.into_iter().map(Hex).collect(),
			},
		))
	}

	/// Whether file `id` was pruned at the end of its paid lifetime.
	pub fn is_expired(&self, id: &FileId) -> Result<bool, StoreError> {
		Ok(self.db.contains(CF_META, expired_key(id))?)
	}

	/// Prunes file `id` whose paid lifetime ended: its segments and proofs are deleted
	/// and it is marked expired, in one batch. Its record stays (the flow index needs
	/// its size). Returns the segments removed.
	pub fn prune(&self, id: &FileId) -> Result<u64, StoreError> {
		let _g = self.lock();
		let mut rec = self.file(id)?.ok_or(StoreError::UnknownFile)?;
		let removed = rec.stored;
		let total = self.stored_segments()?.saturating_sub(removed);
		rec.stored = 0;
		let mut batch = self.db.batch();
		let (from, to) = (segment_key(id, 0), segment_key(id, u64::MAX));
		batch.delete_range(CF_SEGMENTS, from, to)?;
		batch.delete_range(CF_PROOFS, from, to)?;
		batch.put(CF_FILES, id, &rec)?;
		batch.put(CF_META, KEY_STORED, &total)?;
		batch.put_raw(CF_META, expired_key(id), [])?;
		self.db.write(batch)?;
		Ok(removed)
	}

	/// Every file record, with its id.
	pub fn files(&self) -> Result<Vec<(FileId, FileRecord)>, StoreError> {
		let mut out = Vec::new();
		self.db.for_each(CF_FILES, &[], |key, value| {
			let id: FileId = key.try_into().map_err(|_| DbError::Corrupt {
				column: CF_FILES,
				why: format!("a {}-byte file id", key.len()),
			})?;
			out.push((id, zerog_daemon::store::decode(CF_FILES, value)?));
			Ok(true)
		})?;
		Ok(out)
	}

	/// Up to `limit` held segment indices of file `id` from `from` on, ascending.
	pub fn stored_indices(
		&self,
		id: &FileId,
		from: SegmentIndex,
		limit: usize,
	) -> Result<Vec<u64>, StoreError> {
		let start = segment_key(id, from);
		let mut out = Vec::new();
		self.db.for_each(CF_SEGMENTS, &start, |key, _| {
			if out.len() >= limit || key.len() != 40 || key[..32] != id[..] {
				return Ok(false);
			}
			out.push(u64::from_be_bytes(key[32..].try_into().expect("8 bytes; qed")));
			Ok(true)
		})?;
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn proof(i: u64) -> ProofJson {
		ProofJson { index: i, leaf_count: 4, siblings: vec![crate::api::Hex([i as u8; 32])] }
	}

	#[test]
	fn segments_persist_across_reopen_and_counters_agree() {
		let dir = tempfile::tempdir().unwrap();
		let (root, other_root) = ([7u8; 32], [6u8; 32]);
		{
			let s = Store::open(dir.path(), false).unwrap();
			assert!(matches!(
				s.put_segment(&root, 0, b"x", &proof(0)),
				Err(StoreError::UnknownFile)
			));
			s.add_files(
				&[
					NewFile { seq: 0, id: root, root, size: 10 },
					NewFile { seq: 1, id: root, root: other_root, size: 99 },
				],
				2,
			)
			.unwrap();
			assert!(s.put_segment(&root, 3, b"three", &proof(3)).unwrap());
			assert!(s.put_segment(&root, 1, b"one", &proof(1)).unwrap());
			assert!(!s.put_segment(&root, 1, b"again", &proof(1)).unwrap());
		}
		let s = Store::open(dir.path(), false).unwrap();
		assert_eq!(s.next_seq().unwrap(), 2);
		// A file id's record is written once.
		assert_eq!(s.file(&root).unwrap(), Some(FileRecord { seq: 0, root, size: 10, stored: 2 }));
		assert_eq!(s.stored_segments().unwrap(), 2);
		assert_eq!(s.segment(&root, 1).unwrap().as_deref(), Some(&b"one"[..]));
		assert_eq!(s.segment(&root, 2).unwrap(), None);
		assert_eq!(s.proof(&root, 3).unwrap(), Some(proof(3)));
		assert_eq!(s.stored_indices(&root, 0, 10).unwrap(), vec![1, 3]);
		assert_eq!(s.stored_indices(&root, 2, 10).unwrap(), vec![3]);
		assert_eq!(s.stored_indices(&root, 0, 1).unwrap(), vec![1]);
		assert_eq!(s.stored_indices(&[8u8; 32], 0, 10).unwrap(), Vec::<u64>::new());
	}

	#[test]
	fn a_store_from_before_schema_versions_is_migrated_once() {
		let dir = tempfile::tempdir().unwrap();
		let id = [7u8; 32];
		let key = segment_key(&id, 2);
		{
			// The layout the previous release wrote: JSON records, no schema record.
			let mut o = rocksdb::Options::default();
			o.create_if_missing(true);
			o.create_missing_column_families(true);
			let db =
				rocksdb::DB::open_cf(&o, dir.path(), [CF_FILES, CF_SEGMENTS, CF_PROOFS, CF_META])
					.unwrap();
			let rec = FileRecord { seq: 4, root: id, size: 10, stored: 1 };
			db.put_cf(db.cf_handle(CF_FILES).unwrap(), id, serde_json::to_vec(&rec).unwrap())
				.unwrap();
			db.put_cf(db.cf_handle(CF_SEGMENTS).unwrap(), key, b"two").unwrap();
			db.put_cf(
				db.cf_handle(CF_PROOFS).unwrap(),
				key,
				serde_json::to_vec(&proof(2)).unwrap(),
			)
			.unwrap();
			db.put_cf(db.cf_handle(CF_META).unwrap(), KEY_STORED, 1u64.to_le_bytes()).unwrap();
			db.put_cf(db.cf_handle(CF_META).unwrap(), KEY_NEXT_SEQ, 5u64.to_le_bytes()).unwrap();
		}
		for _ in 0..2 {
			let s = Store::open(dir.path(), false).unwrap();
			assert_eq!(
				s.file(&id).unwrap(),
				Some(FileRecord { seq: 4, root: id, size: 10, stored: 1 })
			);
			assert_eq!(s.proof(&id, 2).unwrap(), Some(proof(2)));
			assert_eq!(s.segment(&id, 2).unwrap().as_deref(), Some(&b"two"[..]));
			assert_eq!((s.next_seq().unwrap(), s.stored_segments().unwrap()), (5, 1));
		}
	}

	#[test]
	fn another_daemons_database_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let other = Schema { daemon: "zg-provider", version: 1, columns: &["pending"] };
		drop(Database::open(dir.path(), other, false, Options::default(), |_, _| Ok(())).unwrap());
		let e = Store::open(dir.path(), false).err().expect("refused");
		assert!(e.to_string().contains("belongs to zg-provider"), "{e}");
	}
}
