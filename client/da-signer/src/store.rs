//! The signer's RocksDB: cells with proofs by (blob, row, column), a marker per row
//! received whole, a record per blob held (its epoch), and markers per blob attested
//! and per blob seen confirmed on chain.
//!
//! Column family `cells`: `c ‖ blob ‖ row ‖ column` (a cell with its proof, in the
//! signer's wire format) and `r ‖ blob ‖ row` (row received whole). Column family
//! `blobs`: `b ‖ blob` (the blob's epoch and commitments root, SCALE), `a ‖ blob`
//! (attested), `k ‖ blob` (confirmed). Integers are big-endian, so one blob's keys of a
//! kind are one contiguous range and [`Store::prune`] drops them with range deletes.
//!
//! The layout is versioned through [`zerog_daemon::store`] ([`SCHEMA`]); version 0, the
//! layout before versions, kept every key in the default column family and the blob
//! record as raw bytes, and is moved on first open.

use std::path::Path;

use codec::Encode;

use rocksdb::Options;
use zerog_daemon::store::{Database, DbError, Schema};

use crate::wire::CellRecord;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[error("signer store: {0}")]
pub struct StoreError(String);

impl From<DbError> for StoreError {
	fn from(e: DbError) -> Self {
		Self(e.to_string())
	}
}

const CELLS: &str = "cells";
const BLOBS: &str = "blobs";

/// The signer's database layout.
pub const SCHEMA: Schema = Schema { daemon: "zg-da-signer", version: 1, columns: &[CELLS, BLOBS] };

/// A blob record: the epoch it was dispersed in and its commitments root (`None` for
/// blobs received before roots were recorded).
type BlobRecord = (u32, Option<[u8; 32]>);

/// Schema version 0 → 1: keys from the default column family into `cells` and `blobs`,
/// blob records from raw bytes (`epoch ‖ root?`) to SCALE.
fn migrate(db: &Database, from: u32) -> Result<(), DbError> {
	debug_assert_eq!(from, 0, "version 1 is the first versioned layout");
	db.move_legacy_keys(|k, v| {
		Ok(match k.first() {
			Some(b'c' | b'r') => Some((CELLS, k.to_vec(), v.to_vec())),
			Some(b'a' | b'k') => Some((BLOBS, k.to_vec(), v.to_vec())),
			Some(b'b') => {
				let epoch = v.get(..4).and_then(|e| <[u8; 4]>::try_from(e).ok());
				let root = match v.len() {
					4 => Some(None::<[u8; 32]>),
					36 => v[4..].try_into().ok().map(Some),
					_ => None,
				};
				let (Some(epoch), Some(root)) = (epoch, root) else {
					return Err(DbError::Corrupt {
						column: BLOBS,
						why: format!("blob record 0x{}", hex::encode(k)),
					});
				};
				let record: BlobRecord = (u32::from_be_bytes(epoch), root);
				Some((BLOBS, k.to_vec(), record.encode()))
			}
			_ => None,
		})
	})?;
	Ok(())
}

/// Cells on disk.
pub struct Store {
	db: Database,
}

fn cell_key(blob: u64, row: u32, column: u16) -> [u8; 15] {
	let mut k = [0u8; 15];
	k[0] = b'c';
	k[1..9].copy_from_slice(&blob.to_be_bytes());
	k[9..13].copy_from_slice(&row.to_be_bytes());
	k[13..15].copy_from_slice(&column.to_be_bytes());
	k
}

fn row_prefix(blob: u64, row: u32) -> [u8; 13] {
	let mut k = [0u8; 13];
	k.copy_from_slice(&cell_key(blob, row, 0)[..13]);
	k
}

fn row_marker(blob: u64, row: u32) -> [u8; 13] {
	let mut k = row_prefix(blob, row);
	k[0] = b'r';
	k
}

/// `kind ‖ blob`: a per-blob record (`a`, `b`, `k`), or the start of a blob's cells or rows.
fn blob_key(kind: u8, blob: u64) -> [u8; 9] {
	let mut k = [kind; 9];
	k[1..].copy_from_slice(&blob.to_be_bytes());
	k
}

fn attested_marker(blob: u64) -> [u8; 9] {
	blob_key(b'a', blob)
}

fn blob_marker(blob: u64) -> [u8; 9] {
	blob_key(b'b', blob)
}

fn confirmed_marker(blob: u64) -> [u8; 9] {
	blob_key(b'k', blob)
}

/// The range `[kind ‖ blob, kind ‖ blob + 1)` of one blob's keys of a kind.
fn blob_range(kind: u8, blob: u64) -> ([u8; 9], [u8; 9]) {
	let to = match blob.checked_add(1) {
		Some(next) => blob_key(kind, next),
		None => blob_key(kind + 1, 0),
	};
	(blob_key(kind, blob), to)
}

/// A blob the store holds cells of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldBlob {
	/// The blob.
	pub blob: u64,
	/// The epoch whose quorum it was dispersed to.
	pub epoch: u32,
	/// The commitments root of the blob the cells are of (`None` in a store written
	/// before roots were recorded). Blob ids are only unique on one fork: a blob whose
	/// root on chain is another is not the one these cells belong to.
	pub root: Option<[u8; 32]>,
	/// Whether this signer attested it.
	pub attested: bool,
	/// Whether the chain was seen to confirm it.
	pub confirmed: bool,
}

impl Store {
	/// Opens (or creates) the store at `path`.
	pub fn open(path: &Path) -> Result<Self, StoreError> {
		Ok(Self { db: Database::open(path, SCHEMA, false, Options::default(), migrate)? })
	}

	/// Stores a whole row's cells (this signer's columns) of `blob` (dispersed in `epoch`,
	/// commitments root `root`) and marks the row received.
	pub fn put_row(
		&self,
		blob: u64,
		epoch: u32,
		root: &[u8; 32],
		row: u32,
		records: &[CellRecord],
	) -> Result<(), StoreError> {
		let mut batch = self.db.batch();
		batch.put(BLOBS, blob_marker(blob), &(epoch, Some(*root)))?;
		for r in records {
			let mut v = Vec::with_capacity(crate::wire::RECORD_BYTES);
			r.write(&mut v);
			batch.put_raw(CELLS, cell_key(blob, row, r.column), v)?;
		}
		batch.put_raw(CELLS, row_marker(blob, row), [])?;
		self.db.write(batch)?;
		Ok(())
	}

	/// Whether a row was received whole.
	pub fn has_row(&self, blob: u64, row: u32) -> Result<bool, StoreError> {
		Ok(self.db.contains(CELLS, row_marker(blob, row))?)
	}

	/// Makes everything written so far durable (before attesting to it).
	pub fn sync(&self) -> Result<(), StoreError> {
		self.db.flush_wal()?;
		Ok(())
	}

	/// One cell with its proof.
	pub fn cell(&self, blob: u64, row: u32, column: u16) -> Result<Option<CellRecord>, StoreError> {
		Ok(self.db.get_raw(CELLS, cell_key(blob, row, column))?.and_then(|v| CellRecord::read(&v)))
	}

	/// Every cell held of a row, by column.
	pub fn row(&self, blob: u64, row: u32) -> Result<Vec<CellRecord>, StoreError> {
		let prefix = row_prefix(blob, row);
		let mut out = Vec::new();
		self.db.for_each(CELLS, &prefix, |k, v| {
			if !k.starts_with(&prefix) {
				return Ok(false);
			}
			out.extend(CellRecord::read(v));
			Ok(true)
		})?;
		Ok(out)
	}

	/// Records that this signer attested `blob`.
	pub fn mark_attested(&self, blob: u64) -> Result<(), StoreError> {
		let mut batch = self.db.batch();
		batch.put_raw(BLOBS, attested_marker(blob), [])?;
		self.db.write(batch)?;
		Ok(())
	}

	/// Whether this signer attested `blob`.
	pub fn attested(&self, blob: u64) -> Result<bool, StoreError> {
		Ok(self.db.contains(BLOBS, attested_marker(blob))?)
	}

	/// Records that the chain confirmed `blob` (from then on only its retention matters).
	pub fn mark_confirmed(&self, blob: u64) -> Result<(), StoreError> {
		let mut batch = self.db.batch();
		batch.put_raw(BLOBS, confirmed_marker(blob), [])?;
		self.db.write(batch)?;
		Ok(())
	}

	/// Every blob the store holds cells of, in id order.
	pub fn blobs(&self) -> Result<Vec<HeldBlob>, StoreError> {
		let mut records = Vec::new();
		self.db.for_each(BLOBS, b"b", |k, v| {
			if k.first() != Some(&b'b') {
				return Ok(false);
			}
			let Ok(id) = <[u8; 8]>::try_from(&k[1..]) else {
				return Err(DbError::Corrupt {
					column: BLOBS,
					why: format!("key 0x{}", hex::encode(k)),
				});
			};
			let (epoch, root): BlobRecord = zerog_daemon::store::decode(BLOBS, v)?;
			records.push((u64::from_be_bytes(id), epoch, root));
			Ok(true)
		})?;
		let mut out = Vec::with_capacity(records.len());
		for (blob, epoch, root) in records {
			out.push(HeldBlob {
				blob,
				epoch,
				root,
				attested: self.attested(blob)?,
				confirmed: self.db.contains(BLOBS, confirmed_marker(blob))?,
			});
		}
		Ok(out)
	}

	/// The commitments root the cells held for `blob` are of, if recorded.
	pub fn blob_root(&self, blob: u64) -> Result<Option<[u8; 32]>, StoreError> {
		Ok(self.db.get::<BlobRecord>(BLOBS, blob_marker(blob))?.and_then(|(_, root)| root))
	}

	/// How many blobs the store holds cells of.
	pub fn blob_count(&self) -> Result<u64, StoreError> {
		let mut n = 0;
		self.db.for_each(BLOBS, b"b", |k, _| {
			if k.first() != Some(&b'b') {
				return Ok(false);
			}
			n += 1;
			Ok(true)
		})?;
		Ok(n)
	}

	/// Drops everything held of `blob` (its cells, row markers and records) in one batch.
	pub fn prune(&self, blob: u64) -> Result<(), StoreError> {
		let mut batch = self.db.batch();
		for kind in [b'c', b'r'] {
			let (from, to) = blob_range(kind, blob);
			batch.delete_range(CELLS, from, to)?;
		}
		batch.delete(BLOBS, blob_marker(blob))?;
		batch.delete(BLOBS, attested_marker(blob))?;
		batch.delete(BLOBS, confirmed_marker(blob))?;
		self.db.write(batch)?;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use zerog_da_encoding::spec::CELL_BYTES;

	#[test]
	fn rows_and_cells_survive_a_reopen_and_rows_do_not_mix() {
		let dir = tempfile::tempdir().unwrap();
		let r = |c: u16| CellRecord {
			column: c,
			cell: Box::new([c as u8; CELL_BYTES]),
			proof: [7; 48],
		};
		{
			let s = Store::open(dir.path()).unwrap();
			s.put_row(1, 3, &[1; 32], 0, &[r(5), r(6)]).unwrap();
			s.put_row(1, 3, &[1; 32], 1, &[r(5)]).unwrap();
			s.put_row(2, 4, &[2; 32], 0, &[r(9)]).unwrap();
			s.mark_attested(1).unwrap();
			s.mark_confirmed(1).unwrap();
			s.sync().unwrap();
		}
		let s = Store::open(dir.path()).unwrap();
		assert_eq!(s.row(1, 0).unwrap(), vec![r(5), r(6)]);
		assert_eq!(s.row(1, 1).unwrap(), vec![r(5)]);
		assert_eq!(s.cell(2, 0, 9).unwrap(), Some(r(9)));
		assert_eq!(s.cell(2, 0, 5).unwrap(), None);
		assert!(s.has_row(1, 1).unwrap() && !s.has_row(1, 2).unwrap());
		assert!(s.attested(1).unwrap() && !s.attested(2).unwrap());
		// The root the cells are of is kept with them.
		assert_eq!(s.blob_root(1).unwrap(), Some([1; 32]));
		assert_eq!(s.blob_root(3).unwrap(), None);
		assert_eq!(
			s.blobs().unwrap(),
			vec![
				HeldBlob {
					blob: 1,
					epoch: 3,
					root: Some([1; 32]),
					attested: true,
					confirmed: true
				},
				HeldBlob {
					blob: 2,
					epoch: 4,
					root: Some([2; 32]),
					attested: false,
					confirmed: false
				}
			]
		);
	}

	#[test]
	fn pruning_a_blob_drops_all_of_it_and_nothing_of_its_neighbours() {
		let dir = tempfile::tempdir().unwrap();
		let r = |c: u16| CellRecord {
			column: c,
			cell: Box::new([c as u8; CELL_BYTES]),
			proof: [1; 48],
		};
		let s = Store::open(dir.path()).unwrap();
		for blob in [0, 1, 2, u64::MAX] {
			s.put_row(blob, 7, &[3; 32], 0, &[r(0), r(127)]).unwrap();
			s.put_row(blob, 7, &[3; 32], 1, &[r(0)]).unwrap();
			s.mark_attested(blob).unwrap();
			s.mark_confirmed(blob).unwrap();
		}
		s.prune(1).unwrap();
		s.prune(u64::MAX).unwrap();
		assert!(s.row(1, 0).unwrap().is_empty() && s.cell(1, 1, 0).unwrap().is_none());
		assert!(!s.has_row(1, 0).unwrap() && !s.attested(1).unwrap());
		assert!(s.blobs().unwrap().iter().all(|b| b.confirmed));
		assert!(s.row(u64::MAX, 0).unwrap().is_empty());
		for blob in [0, 2] {
			assert_eq!(s.row(blob, 0).unwrap(), vec![r(0), r(127)]);
			assert!(s.has_row(blob, 1).unwrap() && s.attested(blob).unwrap());
		}
		let held: Vec<u64> = s.blobs().unwrap().iter().map(|b| b.blob).collect();
		assert_eq!(held, vec![0, 2]);
		assert_eq!(s.blob_count().unwrap(), 2);
	}

	#[test]
	fn a_store_from_before_schema_versions_is_moved_into_its_columns() {
		let dir = tempfile::tempdir().unwrap();
		let r = CellRecord { column: 5, cell: Box::new([5; CELL_BYTES]), proof: [7; 48] };
		{
			// The previous release's layout: every key in the default column family, the
			// blob record as `epoch ‖ root` (or `epoch` alone, before roots were kept).
			let mut o = rocksdb::Options::default();
			o.create_if_missing(true);
			let db = rocksdb::DB::open(&o, dir.path()).unwrap();
			let mut v = Vec::new();
			r.write(&mut v);
			db.put(cell_key(1, 0, 5), v).unwrap();
			db.put(row_marker(1, 0), []).unwrap();
			db.put(blob_marker(1), [&3u32.to_be_bytes()[..], &[1; 32]].concat()).unwrap();
			db.put(blob_marker(2), 4u32.to_be_bytes()).unwrap();
			db.put(attested_marker(1), []).unwrap();
		}
		for _ in 0..2 {
			let s = Store::open(dir.path()).unwrap();
			assert_eq!(s.row(1, 0).unwrap(), vec![r.clone()]);
			assert!(s.has_row(1, 0).unwrap());
			assert_eq!(s.blob_count().unwrap(), 2);
			assert_eq!(
				s.blobs().unwrap(),
				vec![
					HeldBlob {
						blob: 1,
						epoch: 3,
						root: Some([1; 32]),
						attested: true,
						confirmed: false
					},
					HeldBlob { blob: 2, epoch: 4, root: None, attested: false, confirmed: false },
				]
			);
		}
	}
}
