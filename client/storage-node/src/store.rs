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
//! - `proofs`: the same key → the segment's verified Merkle proof (JSON), served with it;
//! - `meta`: the next flow sequence number to read, the total of held segments.
//!
//! A segment and its file's counters change in one atomic write batch, written through
//! RocksDB's write-ahead log before the upload is acknowledged, so a node killed at any
//! point (SIGKILL) restarts with every acknowledged segment and consistent counters.
//! `--sync-writes` also fsyncs each batch, for power loss.

use std::{path::Path, sync::Mutex};

use rocksdb::{
	ColumnFamilyDescriptor, Direction, IteratorMode, Options, WriteBatch, WriteOptions, DB,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zerog_storage_primitives::{FileId, FileRoot, SegmentIndex};

use crate::api::ProofJson;

const CF_FILES: &str = "files";
const CF_SEGMENTS: &str = "segments";
const CF_PROOFS: &str = "proofs";
const CF_META: &str = "meta";
const KEY_NEXT_SEQ: &[u8] = b"next_seq";
const KEY_STORED: &[u8] = b"stored_segments";

/// Why the store failed.
#[derive(Debug, Error)]
pub enum StoreError {
	/// RocksDB reported an error.
	#[error("database error: {0}")]
	Db(#[from] rocksdb::Error),
	/// A record on disk does not decode.
	#[error("corrupt record: {0}")]
	Corrupt(String),
	/// A segment for a file the store does not know.
	#[error("unknown file")]
	UnknownFile,
}

/// What the node knows of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
	db: DB,
	sync: bool,
	/// Serialises read-modify-write of the counters.
	write: Mutex<()>,
}

fn segment_key(id: &FileId, index: SegmentIndex) -> [u8; 40] {
	let mut k = [0u8; 40];
	k[..32].copy_from_slice(id);
	k[32..].copy_from_slice(&index.to_be_bytes());
	k
}

fn u64_of(bytes: Option<Vec<u8>>) -> Result<u64, StoreError> {
	match bytes {
		None => Ok(0),
		Some(b) => b
			.try_into()
			.map(u64::from_le_bytes)
			.map_err(|b: Vec<u8>| StoreError::Corrupt(format!("counter of {} bytes", b.len()))),
	}
}

impl Store {
	/// Opens (creating if needed) the store at `path`. `sync` fsyncs every write.
	pub fn open(path: &Path, sync: bool) -> Result<Self, StoreError> {
		let mut opts = Options::default();
		opts.create_if_missing(true);
		opts.create_missing_column_families(true);
		// Segments are 256 KiB of mostly incompressible data; keep them out of the
		// memtable churn with a larger write buffer, no compression.
		opts.set_write_buffer_size(64 << 20);
		opts.set_compression_type(rocksdb::DBCompressionType::None);
		let cfs = [CF_FILES, CF_SEGMENTS, CF_PROOFS, CF_META]
			.into_iter()
			.map(|name| ColumnFamilyDescriptor::new(name, Options::default()));
		let db = DB::open_cf_descriptors(&opts, path, cfs)?;
		Ok(Self { db, sync, write: Mutex::new(()) })
	}

	fn cf(&self, name: &str) -> &rocksdb::ColumnFamily {
		self.db.cf_handle(name).expect("column families are created at open; qed")
	}

	fn write_opts(&self) -> WriteOptions {
		let mut w = WriteOptions::default();
		w.set_sync(self.sync);
		w
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
		// A panic while holding the lock cannot leave the database half-written (batches
		// are atomic), so a poisoned lock is safe to reuse.
		self.write.lock().unwrap_or_else(|e| e.into_inner())
	}

	/// The record of file `id`, if finalized.
	pub fn file(&self, id: &FileId) -> Result<Option<FileRecord>, StoreError> {
		self.db
			.get_cf(self.cf(CF_FILES), id)?
			.map(|b| serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string())))
			.transpose()
	}

	/// The next flow sequence number the follower has to read.
	pub fn next_seq(&self) -> Result<u64, StoreError> {
		u64_of(self.db.get_cf(self.cf(CF_META), KEY_NEXT_SEQ)?)
	}

	/// Segments held, over all files.
	pub fn stored_segments(&self) -> Result<u64, StoreError> {
		u64_of(self.db.get_cf(self.cf(CF_META), KEY_STORED)?)
	}

	/// Records newly finalized submissions and the next sequence number, atomically. A
	/// file already known keeps its record.
	pub fn add_files(&self, files: &[NewFile], next_seq: u64) -> Result<(), StoreError> {
		let _g = self.lock();
		let mut batch = WriteBatch::default();
		let mut seen = std::collections::HashSet::new();
		for f in files {
			if !seen.insert(f.id) || self.file(&f.id)?.is_some() {
				continue;
			}
			let rec = FileRecord { seq: f.seq, root: f.root, size: f.size, stored: 0 };
			batch.put_cf(
				self.cf(CF_FILES),
				f.id,
				serde_json::to_vec(&rec).expect("plain struct; qed"),
			);
		}
		batch.put_cf(self.cf(CF_META), KEY_NEXT_SEQ, next_seq.to_le_bytes());
		self.db.write_opt(batch, &self.write_opts())?;
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
		if self.db.get_pinned_cf(self.cf(CF_SEGMENTS), key)?.is_some() {
			return Ok(false);
		}
		let mut rec = self.file(id)?.ok_or(StoreError::UnknownFile)?;
		rec.stored += 1;
		let total = self.stored_segments()? + 1;
		let mut batch = WriteBatch::default();
		batch.put_cf(self.cf(CF_SEGMENTS), key, data);
		batch.put_cf(
			self.cf(CF_PROOFS),
			key,
			serde_json::to_vec(proof).expect("plain struct; qed"),
		);
		batch.put_cf(self.cf(CF_FILES), id, serde_json::to_vec(&rec).expect("plain struct; qed"));
		batch.put_cf(self.cf(CF_META), KEY_STORED, total.to_le_bytes());
		self.db.write_opt(batch, &self.write_opts())?;
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
		self.db.put_cf_opt(
			self.cf(CF_SEGMENTS),
			segment_key(id, index),
			data,
			&self.write_opts(),
		)?;
		Ok(())
	}

	/// A held segment's bytes.
	pub fn segment(&self, id: &FileId, index: SegmentIndex) -> Result<Option<Vec<u8>>, StoreError> {
		Ok(self.db.get_cf(self.cf(CF_SEGMENTS), segment_key(id, index))?)
	}

	/// The proof a held segment was uploaded with.
	pub fn proof(&self, id: &FileId, index: SegmentIndex) -> Result<Option<ProofJson>, StoreError> {
		self.db
			.get_cf(self.cf(CF_PROOFS), segment_key(id, index))?
			.map(|b| serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string())))
			.transpose()
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
		for item in self
			.db
			.iterator_cf(self.cf(CF_SEGMENTS), IteratorMode::From(&start, Direction::Forward))
		{
			if out.len() >= limit {
				break;
			}
			let (key, _) = item?;
			if key.len() != 40 || key[..32] != id[..] {
				break;
			}
			out.push(u64::from_be_bytes(key[32..].try_into().expect("8 bytes; qed")));
		}
		Ok(out)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn proof(i: u64) -> ProofJson {
		ProofJson { index: i, leaf_count: 4, siblings: vec![crate::api::HexHash([i as u8; 32])] }
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
}
