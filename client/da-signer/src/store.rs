//! The signer's RocksDB: cells with proofs by (blob, row, column), a marker per row
//! received whole, and a marker per blob attested.

use std::path::Path;

use rocksdb::{Direction, IteratorMode, Options, WriteBatch, DB};

use crate::wire::CellRecord;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[error("signer store: {0}")]
pub struct StoreError(String);

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

fn attested_marker(blob: u64) -> [u8; 9] {
	let mut k = [0u8; 9];
	k[0] = b'a';
	k[1..].copy_from_slice(&blob.to_be_bytes());
	k
}

impl Store {
	/// Opens (or creates) the store at `path`.
	pub fn open(path: &Path) -> Result<Self, StoreError> {
		let mut opts = Options::default();
		opts.create_if_missing(true);
		Ok(Self { db: DB::open(&opts, path)? })
	}

	/// Stores a whole row's cells (this signer's columns) and marks the row received.
	pub fn put_row(&self, blob: u64, row: u32, records: &[CellRecord]) -> Result<(), StoreError> {
		let mut batch = WriteBatch::default();
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
		let prefix = row_prefix(blob, row);
		let mut out = Vec::new();
		for item in self.db.iterator(IteratorMode::From(&prefix, Direction::Forward)) {
			let (k, v) = item?;
			if !k.starts_with(&prefix) {
				break;
			}
			if let Some(r) = CellRecord::read(&v) {
				out.push(r);
			}
		}
		Ok(out)
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
}

#[cfg(test)]
mod tests {
	use super::*;
	use zerog_da_encoding::spec::CELL_BYTES;

	#[test]
	fn rows_and_cells_survive_a_reopen_and_rows_do_not_mix() {
		let dir = tempfile::tempdir().unwrap();
		let r = |c: u16| CellRecord { column: c, cell: Box::new([c as u8; CELL_BYTES]), proof: [7; 48] };
		{
			let s = Store::open(dir.path()).unwrap();
			s.put_row(1, 0, &[r(5), r(6)]).unwrap();
			s.put_row(1, 1, &[r(5)]).unwrap();
			s.put_row(2, 0, &[r(9)]).unwrap();
			s.mark_attested(1).unwrap();
			s.sync().unwrap();
		}
		let s = Store::open(dir.path()).unwrap();
		assert_eq!(s.row(1, 0).unwrap(), vec![r(5), r(6)]);
		assert_eq!(s.row(1, 1).unwrap(), vec![r(5)]);
		assert_eq!(s.cell(2, 0, 9).unwrap(), Some(r(9)));
		assert_eq!(s.cell(2, 0, 5).unwrap(), None);
		assert!(s.has_row(1, 1).unwrap() && !s.has_row(1, 2).unwrap());
		assert!(s.attested(1).unwrap() && !s.attested(2).unwrap());
	}
}
