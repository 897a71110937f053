//! The cell records signers receive and serve: `column: u16 LE ‖ cell (2048 bytes) ‖
//! proof (48 bytes)`, repeated, as `application/octet-stream`.

use zerog_da_encoding::spec::{CellProof, ColumnIndex, CELL_BYTES, COLUMNS, COMMITMENT_BYTES};

/// Bytes of one record.
pub const RECORD_BYTES: usize = 2 + CELL_BYTES + COMMITMENT_BYTES;
/// The largest body: a whole extended row.
pub const MAX_BODY: usize = COLUMNS as usize * RECORD_BYTES;

/// One cell with its column and proof.
#[derive(Clone, PartialEq, Eq)]
pub struct CellRecord {
	/// Its column.
	pub column: ColumnIndex,
	/// The cell.
	pub cell: Box<[u8; CELL_BYTES]>,
	/// Its KZG proof.
	pub proof: CellProof,
}

impl std::fmt::Debug for CellRecord {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "CellRecord(column {})", self.column)
	}
}

impl CellRecord {
	/// Appends the record's bytes to `out`.
	pub fn write(&self, out: &mut Vec<u8>) {
		out.extend_from_slice(&self.column.to_le_bytes());
		out.extend_from_slice(&self.cell[..]);
		out.extend_from_slice(&self.proof);
	}

	/// One record from exactly [`RECORD_BYTES`] bytes.
	pub fn read(bytes: &[u8]) -> Option<Self> {
		if bytes.len() != RECORD_BYTES {
			return None;
		}
		let column = u16::from_le_bytes([bytes[0], bytes[1]]);
		let cell: Box<[u8; CELL_BYTES]> = Box::new(bytes[2..2 + CELL_BYTES].try_into().ok()?);
		let proof = bytes[2 + CELL_BYTES..].try_into().ok()?;
		Some(Self { column, cell, proof })
	}
}

/// Encodes records.
pub fn encode(records: &[CellRecord]) -> Vec<u8> {
	let mut out = Vec::with_capacity(records.len() * RECORD_BYTES);
	for r in records {
		r.write(&mut out);
	}
	out
}

/// Decodes a body of records; `None` if its length is not a whole number of records,
/// it is over [`MAX_BODY`], or a column is out of range.
pub fn decode(body: &[u8]) -> Option<Vec<CellRecord>> {
	if !body.len().is_multiple_of(RECORD_BYTES) || body.len() > MAX_BODY {
		return None;
	}
	let records: Vec<CellRecord> =
		body.chunks_exact(RECORD_BYTES).map(CellRecord::read).collect::<Option<_>>()?;
	records.iter().all(|r| r.column < COLUMNS).then_some(records)
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		/// Whatever a peer sends, decoding returns records or `None`, never panics, and
		/// what it accepts re-encodes to the same bytes.
		#[test]
		fn any_body_decodes_or_is_refused(body in proptest::collection::vec(any::<u8>(), 0..3 * RECORD_BYTES), cols in proptest::collection::vec(0u16..130, 0..3)) {
			let mut body = body;
			for (i, c) in cols.iter().enumerate() {
				if body.len() >= (i + 1) * RECORD_BYTES {
					body[i * RECORD_BYTES..i * RECORD_BYTES + 2].copy_from_slice(&c.to_le_bytes());
				}
			}
			if let Some(records) = decode(&body) {
				prop_assert_eq!(encode(&records), body);
				prop_assert!(records.iter().all(|r| r.column < COLUMNS));
			}
		}
	}

	#[test]
	fn records_round_trip_and_bad_bodies_are_refused() {
		let r = |c: u16| CellRecord {
			column: c,
			cell: Box::new([c as u8; CELL_BYTES]),
			proof: [c as u8 + 1; 48],
		};
		let records = vec![r(3), r(127)];
		assert_eq!(decode(&encode(&records)).unwrap(), records);
		assert!(decode(&encode(&records)[1..]).is_none());
		assert!(decode(&encode(&[r(128)])).is_none());
		assert!(decode(&vec![0u8; MAX_BODY + RECORD_BYTES]).is_none());
		assert_eq!(decode(&[]).unwrap(), vec![]);
	}
}
