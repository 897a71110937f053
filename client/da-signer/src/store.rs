//! The signer's RocksDB: cells with proofs by (blob, row, column), a marker per row
//! received whole, a record per blob held (its epoch), and markers per blob attested
//! and per blob seen confirmed on chain.
//!
//! Keys: `c ‖ blob ‖ row ‖ column` (cells), `r ‖ blob ‖ row` (rows), `b ‖ blob` (blobs,
//! value: epoch), `a ‖ blob` (attested), `k ‖ blob` (confirmed); integers big-endian, so one blob's keys of a
//! kind are one contiguous range and [`Store::prune`] drops them with range deletes.

use std::path::Path;

use rocksdb::{Direction, IteratorMode, Options, WriteBatch, DB};

use crate::wire::CellRecord;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[error("signer store: {0}")]
pub struct StoreError(String);

/// A key and its value, as RocksDB returns them.
type KeyValue = (Box<[u8]>, Box<[u8]>);

impl From<rocksdb::Error> for StoreError {
	fn from(e: rocksdb::Error) -> Self {
		Self(e.to_string())
	}
}

/// Cells on disk.
pub struct Store {
	db: DB,
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
		let mut opts = Options::default();
		opts.create_if_missing(true);
		Ok(Self { db: DB::open(&opts, path)? })
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
		let mut batch = WriteBatch::default();
		let mut marker = [0u8; 36];
		marker[..4].copy_from_slice(&epoch.to_be_bytes());
		marker[4..].copy_from_slice(root);
		batch.put(blob_marker(blob), marker);
		for r in records {
			let mut v = Vec::with_capacity(crate::wire::RECORD_BYTES);
			r.write(&mut v);
			batch.put(cell_key(blob, row, r.column), v);
		}
		batch.put(row_marker(blob, row), []);
		self.db.write(batch)?;
		Ok(())
	}

	/// Whether a row was received whole.
	pub fn has_row(&self, blob: u64, row: u32) -> Result<bool, StoreError> {
		Ok(self.db.get_pinned(row_marker(blob, row))?.is_some())
	}

	/// Makes everything written so far durable (before attesting to it).
	pub fn sync(&self) -> Result<(), StoreError> {
		self.db.flush_wal(true)?;
		Ok(())
	}

	/// One cell with its proof.
	pub fn cell(&self, blob: u64, row: u32, column: u16) -> Result<Option<CellRecord>, StoreError> {
		Ok(self.db.get_pinned(cell_key(blob, row, column))?.and_then(|v| CellRecord::read(&v)))
	}

	/// Every cell held of a row, by column.
	pub fn row(&self, blob: u64, row: u32) -> Result<Vec<CellRecord>, StoreError> {
		let mut out = Vec::new();
		for item in self.prefixed(&row_prefix(blob, row)) {
			if let Some(r) = CellRecord::read(&item?.1) {
				out.push(r);
			}
		}
		Ok(out)
	}

	/// The entries whose keys start with `prefix`, in key order.
	fn prefixed<'a>(
		&'a self,
		prefix: &'a [u8],
	) -> impl Iterator<Item = Result<KeyValue, StoreError>> + 'a {
		self.db
			.iterator(IteratorMode::From(prefix, Direction::Forward))
			.take_while(move |item| item.as_ref().map_or(true, |(k, _)| k.starts_with(prefix)))
			.map(|item| item.map_err(StoreError::from))
	}

	/// Records that this signer attested `blob`.
	pub fn mark_attested(&self, blob: u64) -> Result<(), StoreError> {
		self.db.put(attested_marker(blob), [])?;
		Ok(())
	}

	/// Whether this signer attested `blob`.
	pub fn attested(&self, blob: u64) -> Result<bool, StoreError> {
		Ok(self.db.get_pinned(attested_marker(blob))?.is_some())
	}

	/// Records that the chain confirmed `blob` (from then on only its retention matters).
	pub fn mark_confirmed(&self, blob: u64) -> Result<(), StoreError> {
		self.db.put(confirmed_marker(blob), [])?;
		Ok(())
	}

	/// Every blob the store holds cells of, in id order.
	pub fn blobs(&self) -> Result<Vec<HeldBlob>, StoreError> {
		let mut out = Vec::new();
		for item in self.prefixed(b"b") {
			let (k, v) = item?;
			let (Ok(id), Some(epoch)) = (
				<[u8; 8]>::try_from(&k[1..]),
				v.get(..4).and_then(|e| <[u8; 4]>::try_from(e).ok()),
			) else {
				return Err(StoreError(format!("malformed blob record 0x{}", hex::encode(&k))));
			};
			let root = match v.len() {
				4 => None,
				36 => v[4..].try_into().ok(),
				_ => {
					return Err(StoreError(format!("malformed blob record 0x{}", hex::encode(&k))))
				}
			};
			let blob = u64::from_be_bytes(id);
			out.push(HeldBlob {
				blob,
				epoch: u32::from_be_bytes(epoch),
				root,
				attested: self.attested(blob)?,
				confirmed: self.db.get_pinned(confirmed_marker(blob))?.is_some(),
			});
		}
		Ok(out)
	}

	/// The commitments root the cells held for `blob` are of, if recorded.
	pub fn blob_root(&self, blob: u64) -> Result<Option<[u8; 32]>, StoreError> {
		Ok(self
			.db
			.get_pinned(blob_marker(blob))?
			.and_then(|v| v.get(4..36).and_then(|r| r.try_into().ok())))
	}

	/// How many blobs the store holds cells of.
	pub fn blob_count(&self) -> Result<u64, StoreError> {
		self.prefixed(b"b").try_fold(0, |n, item| item.map(|_| n + 1))
	}

	/// Drops everything held of `blob` (its cells, row markers and records) in one batch.
	pub fn prune(&self, blob: u64) -> Result<(), StoreError> {
		let mut batch = WriteBatch::default();
		for kind in [b'c', b'r'] {
			let (from, to) = blob_range(kind, blob);
			batch.delete_range(from, to);
		}
		batch.delete(blob_marker(blob));
		batch.delete(attested_marker(blob));
		batch.delete(confirmed_marker(blob));
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
}
