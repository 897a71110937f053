//! # ZeroG data availability: the layout both sides agree on
//!
//! A blob of up to [`MAX_BLOB_SIZE`] bytes is cut into **rows** of [`ROW_DATA_BYTES`]
//! bytes. Each row is [`ELEMENTS_PER_ROW`] BLS12-381 field elements of
//! [`DATA_BYTES_PER_ELEMENT`] bytes each (a zero top byte keeps every element below the
//! field modulus), i.e. one EIP-4844 blob, committed with KZG ([`Commitment`], 48 bytes).
//! Each row is Reed-Solomon extended at rate 1/2 to [`COLUMNS`] **cells** (EIP-7594):
//! any [`COLUMNS_TO_RECOVER`] cells of a row rebuild it, and every cell has a KZG proof
//! against its row's commitment. The cells with the same index across all rows form a
//! **column**; columns are what DA signers hold and what light clients sample.
//!
//! The chain keeps a blob's size and the [`commitments_root`] of its row commitments;
//! the commitments themselves travel with the submission and with every cell served.
//!
//! It is `no_std` so the runtime uses the same numbers. The encoding, proving and
//! recovery are in `zerog-da-encoding` (std). What the runtime needs of KZG, checking
//! one cell's proof against its row's commitment (sampling challenges), is the host
//! function [`kzg::verify_cell`]: the node runs it natively with c-kzg and Ethereum's
//! trusted setup, the same library and setup the clients prove with. A node serving
//! this runtime must register [`kzg::HostFunctions`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod runtime_api;

use alloc::vec::Vec;

mod chain;
pub use chain::*;

/// Bytes of blob data carried by one field element.
pub const DATA_BYTES_PER_ELEMENT: usize = 31;
/// Field elements per row (one EIP-4844 blob).
pub const ELEMENTS_PER_ROW: usize = 4096;
/// Bytes of blob data per row: 126,976.
pub const ROW_DATA_BYTES: usize = DATA_BYTES_PER_ELEMENT * ELEMENTS_PER_ROW;
/// Cells per extended row: the number of columns.
pub const COLUMNS: u16 = 128;
/// Cells of a row that are enough to rebuild it (rate 1/2).
pub const COLUMNS_TO_RECOVER: u16 = COLUMNS / 2;
/// Bytes of one cell (64 field elements of 32 bytes).
pub const CELL_BYTES: usize = 2048;
/// Bytes of a KZG commitment or proof (a compressed G1 point).
pub const COMMITMENT_BYTES: usize = 48;
/// The largest blob: 32 MiB.
pub const MAX_BLOB_SIZE: u64 = 32 * 1024 * 1024;
/// Rows of the largest blob: 265.
pub const MAX_ROWS: u32 = rows_for(MAX_BLOB_SIZE);

/// A KZG commitment to one row (compressed BLS12-381 G1 point).
pub type Commitment = [u8; COMMITMENT_BYTES];
/// A KZG proof of one cell.
pub type CellProof = [u8; COMMITMENT_BYTES];
/// blake2-256 of a blob's row commitments, in row order.
pub type CommitmentsRoot = [u8; 32];
/// A column index, below [`COLUMNS`].
pub type ColumnIndex = u16;

/// Rows a blob of `size` bytes needs (at least one).
pub const fn rows_for(size: u64) -> u32 {
	let rows = size.div_ceil(ROW_DATA_BYTES as u64);
	if rows == 0 {
		1
	} else {
		rows as u32
	}
}

/// The root the chain records for a blob's row commitments.
pub fn commitments_root(commitments: &[Commitment]) -> CommitmentsRoot {
	let mut bytes = Vec::with_capacity(commitments.len() * COMMITMENT_BYTES);
	for c in commitments {
		bytes.extend_from_slice(c);
	}
	sp_crypto_hashing::blake2_256(&bytes)
}

/// Why a blob's shape is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeError {
	/// Empty blobs carry nothing to make available.
	Empty,
	/// Over [`MAX_BLOB_SIZE`].
	TooLarge,
	/// The number of commitments is not [`rows_for`] the size.
	WrongRowCount,
}

/// Checks that `size` bytes committed with `commitments` rows is a valid blob shape.
pub fn check_shape(size: u64, commitments: usize) -> Result<(), ShapeError> {
	if size == 0 {
		return Err(ShapeError::Empty);
	}
	if size > MAX_BLOB_SIZE {
		return Err(ShapeError::TooLarge);
	}
	if commitments != rows_for(size) as usize {
		return Err(ShapeError::WrongRowCount);
	}
	Ok(())
}

/// KZG for the runtime, as a host function.
#[sp_runtime_interface::runtime_interface]
pub trait Kzg {
	/// Whether `cell` (exactly [`CELL_BYTES`] bytes) at `column` of a row verifies with
	/// `proof` against the row's `commitment`. Anything malformed (a wrong length, bytes
	/// that are not a curve point or a field element, a column out of range) is `false`.
	fn verify_cell(
		commitment: sp_runtime_interface::pass_by::PassPointerAndRead<
			&[u8; COMMITMENT_BYTES],
			COMMITMENT_BYTES,
		>,
		column: u32,
		cell: sp_runtime_interface::pass_by::PassFatPointerAndRead<&[u8]>,
		proof: sp_runtime_interface::pass_by::PassPointerAndRead<
			&[u8; COMMITMENT_BYTES],
			COMMITMENT_BYTES,
		>,
	) -> bool {
		host::verify_cell(commitment, column, cell, proof)
	}
}

#[cfg(feature = "std")]
mod host {
	use super::*;

	/// Ethereum's trusted setup without precomputed tables (verification does not use them).
	fn settings() -> &'static c_kzg::KzgSettings {
		c_kzg::ethereum_kzg_settings(0)
	}

	pub fn verify_cell(
		commitment: &[u8; COMMITMENT_BYTES],
		column: u32,
		cell: &[u8],
		proof: &[u8; COMMITMENT_BYTES],
	) -> bool {
		if column >= u32::from(COLUMNS) || cell.len() != CELL_BYTES {
			return false;
		}
		let Ok(cell) = c_kzg::Cell::from_bytes(cell) else { return false };
		settings()
			.verify_cell_kzg_proof_batch(
				&[c_kzg::Bytes48::new(*commitment)],
				&[u64::from(column)],
				&[cell],
				&[c_kzg::Bytes48::new(*proof)],
			)
			.unwrap_or(false)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn sizes_match_the_reference_parameters() {
		assert_eq!(ROW_DATA_BYTES, 126_976);
		assert_eq!(MAX_ROWS, 265);
		assert!(MAX_ROWS as u64 * ROW_DATA_BYTES as u64 >= MAX_BLOB_SIZE);
		assert_eq!(rows_for(0), 1);
		assert_eq!(rows_for(1), 1);
		assert_eq!(rows_for(ROW_DATA_BYTES as u64), 1);
		assert_eq!(rows_for(ROW_DATA_BYTES as u64 + 1), 2);
		assert_eq!(check_shape(0, 1), Err(ShapeError::Empty));
		assert_eq!(check_shape(MAX_BLOB_SIZE + 1, MAX_ROWS as usize), Err(ShapeError::TooLarge));
		assert_eq!(check_shape(MAX_BLOB_SIZE, MAX_ROWS as usize), Ok(()));
		assert_eq!(check_shape(8 << 20, 66), Err(ShapeError::WrongRowCount));
		assert_eq!(check_shape(8 << 20, 67), Ok(()));
	}

	proptest! {
		#[test]
		fn rows_hold_the_blob_and_no_row_is_wasted(size in 1u64..=MAX_BLOB_SIZE) {
			let rows = rows_for(size) as u64;
			prop_assert!(rows * ROW_DATA_BYTES as u64 >= size);
			prop_assert!((rows - 1) * (ROW_DATA_BYTES as u64) < size);
		}

		#[test]
		fn the_root_binds_every_commitment_and_their_order(a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), i in 0usize..48) {
			let mut x = [0u8; 48];
			x[..32].copy_from_slice(&a);
			let mut y = [1u8; 48];
			y[16..].copy_from_slice(&b);
			let root = commitments_root(&[x, y]);
			prop_assume!(x != y);
			prop_assert_ne!(root, commitments_root(&[y, x]));
			let mut z = x;
			z[i] ^= 1;
			prop_assert_ne!(root, commitments_root(&[z, y]));
		}
	}
}
