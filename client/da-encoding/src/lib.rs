//! # ZeroG DA encoding
//!
//! The one implementation of the data-availability encoding, used by the disperser
//! (`zg da submit`), the DA signers and the light-client sampler:
//!
//! - [`commit`]: a blob's row commitments (what a submitter puts on chain).
//! - [`encode_rows`] / [`encode`]: every row committed and extended to
//!   [`COLUMNS`] cells with a KZG proof each; rows stream out one at a time, so memory
//!   does not grow with the blob. [`extend_rows`]: the same when the commitments are
//!   known (dispersal after `submit`).
//! - [`verify_cells`]: cells against the on-chain commitments (one batched pairing check).
//! - [`recover`] / [`recover_row`]: the blob (or one row) from any
//!   [`COLUMNS_TO_RECOVER`] columns per row, checked against the commitments;
//!   [`rebuild_verified_row`]: one row from cells whose proofs were checked.
//!
//! KZG over BLS12-381 is c-kzg (the Ethereum Foundation's library behind EIP-4844 and
//! EIP-7594), with Ethereum's public trusted setup, which c-kzg carries as data. Row
//! commitments are [`RowCommitter`]'s and cells with their proofs [`CellProver`]'s:
//! c-kzg's bytes (their tests compare them), in about four fifths and three quarters of
//! its time. Verification and recovery are c-kzg's, with its setup without proving
//! tables.
//! The layout is [`zerog_da_primitives`]'s.

use std::{collections::BTreeMap, io::Read};

mod affine;
mod committer;
pub use committer::{row_committer, RowCommitter};
mod prover;
pub use prover::{cell_prover, CellProver};
#[cfg(test)]
mod test_rows;

use c_kzg::{Blob, Bytes48, Cell, KzgSettings, BYTES_PER_BLOB, CELLS_PER_EXT_BLOB};
pub use zerog_da_primitives as spec;
use zerog_da_primitives::{
	rows_for, CellProof, ColumnIndex, Commitment, CELL_BYTES, COLUMNS, COLUMNS_TO_RECOVER,
	DATA_BYTES_PER_ELEMENT, ELEMENTS_PER_ROW, MAX_BLOB_SIZE, ROW_DATA_BYTES,
};

/// Precomputation of the trusted setup's fixed-base tables: 8 is what Ethereum clients
/// use. The tables take about 96 MiB (each step up doubles them, for diminishing gains
/// in proving, c-kzg's authors measured); only the benches and tests load them.
pub const PRECOMPUTE: u64 = 8;

/// Why encoding, verification or recovery failed.
#[derive(Debug, thiserror::Error)]
pub enum DaError {
	/// The blob is empty.
	#[error("the blob is empty")]
	Empty,
	/// Over the size limit.
	#[error("the blob is {size} bytes; the limit is {max} bytes (32 MiB)")]
	TooLarge {
		/// Its size.
		size: u64,
		/// The limit.
		max: u64,
	},
	/// Reading the blob failed.
	#[error("reading the blob: {0}")]
	Io(#[from] std::io::Error),
	/// The KZG library refused its input.
	#[error("KZG: {0}")]
	Kzg(String),
	/// Not enough columns to rebuild a row.
	#[error("row {row}: {have} valid columns, {need} needed to rebuild it")]
	NotEnoughColumns {
		/// The row.
		row: u32,
		/// Columns available.
		have: usize,
		/// Columns needed.
		need: usize,
	},
	/// A rebuilt row does not match its commitment.
	#[error("row {0} rebuilt from the columns does not match its commitment")]
	CommitmentMismatch(u32),
	/// The commitments do not fit the size.
	#[error("{commitments} commitments for a {size}-byte blob; it has {rows} rows")]
	Shape {
		/// The size.
		size: u64,
		/// Commitments given.
		commitments: usize,
		/// Rows the size needs.
		rows: u32,
	},
	/// A cell or column index out of range.
	#[error("cell ({row}, {column}) is outside the blob")]
	OutOfRange {
		/// Row.
		row: u32,
		/// Column.
		column: ColumnIndex,
	},
}

fn kzg_err(e: c_kzg::Error) -> DaError {
	DaError::Kzg(format!("{e:?}"))
}

/// Ethereum's trusted setup with c-kzg's proving tables ([`PRECOMPUTE`]), loaded once, on
/// first use: the baseline the benches and tests hold [`CellProver`] against. Nothing
/// that encodes, verifies or recovers loads it: the encoder proves with [`CellProver`],
/// and recovery asks c-kzg for cells without proofs.
pub fn settings() -> &'static KzgSettings {
	c_kzg::ethereum_kzg_settings(PRECOMPUTE)
}

/// Ethereum's trusted setup without proving tables, loaded once, on first use: what
/// verification uses. Precomputed tables do not speed verification up; without them
/// the setup loads about 0.5 s sooner and takes about 100 MiB less memory, which is
/// what a signer or a light client that only verifies keeps.
pub fn verifier() -> &'static KzgSettings {
	c_kzg::ethereum_kzg_settings(0)
}

/// Row `data` (at most [`ROW_DATA_BYTES`]) as a KZG blob: 31 bytes per field element
/// behind a zero byte, zero-padded.
pub fn row_blob(data: &[u8]) -> Box<Blob> {
	debug_assert!(data.len() <= ROW_DATA_BYTES);
	let mut blob = Box::<Blob>::default();
	for (i, chunk) in data.chunks(DATA_BYTES_PER_ELEMENT).enumerate() {
		let at = i * 32 + 1;
		blob[at..at + chunk.len()].copy_from_slice(chunk);
	}
	blob
}

/// The data bytes of a row's field elements (the inverse of [`row_blob`]).
fn row_data(blob_bytes: &[u8], out: &mut Vec<u8>, take: usize) {
	let mut left = take;
	for element in blob_bytes.chunks_exact(32).take(ELEMENTS_PER_ROW) {
		let n = left.min(DATA_BYTES_PER_ELEMENT);
		out.extend_from_slice(&element[1..1 + n]);
		left -= n;
		if left == 0 {
			break;
		}
	}
}

fn check_size(size: u64) -> Result<(), DaError> {
	if size == 0 {
		return Err(DaError::Empty);
	}
	if size > MAX_BLOB_SIZE {
		return Err(DaError::TooLarge { size, max: MAX_BLOB_SIZE });
	}
	Ok(())
}

/// One extended row: [`COLUMNS`] cells and their proofs.
pub struct ExtendedRow {
	/// The row's commitment.
	pub commitment: Commitment,
	/// Cells, by column.
	pub cells: Vec<[u8; CELL_BYTES]>,
	/// Proofs, by column.
	pub proofs: Vec<CellProof>,
}

impl ExtendedRow {
	/// Column `c`'s cell bytes.
	pub fn cell(&self, c: ColumnIndex) -> [u8; CELL_BYTES] {
		self.cells[c as usize]
	}
	/// Column `c`'s proof.
	pub fn proof(&self, c: ColumnIndex) -> CellProof {
		self.proofs[c as usize]
	}
}

/// Runs `work(row, data)` for rows `0..rows` on `threads` worker threads and hands the
/// results to `sink` in row order, as a pipeline: the calling thread loads rows (`load`)
/// and sinks results while the workers compute, and a worker takes the next row as soon
/// as it is free, so no row waits for a slower one beside it. At most `2 × threads`
/// rows are loaded or finished and not yet sunk at once, whatever `rows` is.
///
/// The first error (from `load`, `work` or `sink`) stops it: no row is loaded after it,
/// the rows in flight finish and are dropped, and the error is returned. A `work` that
/// panics is an error too.
fn rows_in_order<T: Send>(
	rows: u32,
	threads: usize,
	mut load: impl FnMut(u32) -> Result<Vec<u8>, DaError>,
	work: impl Fn(u32, &[u8]) -> Result<T, DaError> + Sync,
	mut sink: impl FnMut(u32, T) -> Result<(), DaError>,
) -> Result<(), DaError> {
	use std::{
		panic::{catch_unwind, AssertUnwindSafe},
		sync::{mpsc, Mutex},
	};
	let threads = threads.max(1);
	let window = 2 * threads as u32;
	let stopped = || DaError::Kzg("the encoding workers stopped".into());
	let (job_tx, job_rx) = mpsc::sync_channel::<(u32, Vec<u8>)>(threads);
	let job_rx = Mutex::new(job_rx);
	std::thread::scope(|s| {
		let (done_tx, done_rx) = mpsc::channel::<(u32, Result<T, DaError>)>();
		for _ in 0..threads.min(rows as usize) {
			let (job_rx, done_tx, work) = (&job_rx, done_tx.clone(), &work);
			s.spawn(move || loop {
				// The lock is held while waiting for a row, never while working on one.
				let next = job_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
				let Ok((row, data)) = next else { return };
				let result = catch_unwind(AssertUnwindSafe(|| work(row, &data)))
					.unwrap_or_else(|_| Err(DaError::Kzg("worker panicked".into())));
				if done_tx.send((row, result)).is_err() {
					return;
				}
			});
		}
		drop(done_tx);
		let outcome = (|| {
			let mut finished: BTreeMap<u32, T> = BTreeMap::new();
			let (mut loaded, mut next_out) = (0u32, 0u32);
			while next_out < rows {
				// Keep the workers fed, within the window.
				while loaded < rows && loaded < next_out + window {
					job_tx.send((loaded, load(loaded)?)).map_err(|_| stopped())?;
					loaded += 1;
				}
				let (row, result) = done_rx.recv().map_err(|_| stopped())?;
				finished.insert(row, result?);
				while let Some(t) = finished.remove(&next_out) {
					sink(next_out, t)?;
					next_out += 1;
				}
			}
			Ok(())
		})();
		// No more rows: the workers finish what they hold and stop.
		drop(job_tx);
		outcome
	})
}

fn reader_rows<R: Read>(mut reader: R, size: u64) -> impl FnMut(u32) -> Result<Vec<u8>, DaError> {
	move |row| {
		let start = row as u64 * ROW_DATA_BYTES as u64;
		let len = (size - start).min(ROW_DATA_BYTES as u64) as usize;
		let mut buf = vec![0u8; len];
		reader.read_exact(&mut buf)?;
		Ok(buf)
	}
}

/// Commits to `size` bytes read from `reader`, row by row: the blob's row commitments.
pub fn commit<R: Read>(reader: R, size: u64, threads: usize) -> Result<Vec<Commitment>, DaError> {
	check_size(size)?;
	let committer = row_committer();
	let mut out = Vec::with_capacity(rows_for(size) as usize);
	rows_in_order(
		rows_for(size),
		threads,
		reader_rows(reader, size),
		|_, data| committer.commit(&row_blob(data)[..]),
		|_, c| {
			out.push(c);
			Ok(())
		},
	)?;
	Ok(out)
}

/// Encodes `size` bytes read from `reader`: each row committed and extended, handed to
/// `sink(row, extended)` in row order. Peak memory is about `2 × threads` extended rows
/// (~300 KiB each), whatever the blob's size.
pub fn encode_rows<R: Read>(
	reader: R,
	size: u64,
	threads: usize,
	sink: impl FnMut(u32, ExtendedRow) -> Result<(), DaError>,
) -> Result<(), DaError> {
	check_size(size)?;
	let committer = row_committer();
	let prover = cell_prover()?;
	rows_in_order(
		rows_for(size),
		threads,
		reader_rows(reader, size),
		|_, data| {
			let poly = committer::row_coefficients(&row_blob(data)[..])?;
			let commitment = committer.commit_coefficients(&poly)?;
			let (cells, proofs) = prover.extend_coefficients(poly)?;
			Ok(ExtendedRow { commitment, cells, proofs })
		},
		sink,
	)
}

/// [`encode_rows`] for a blob whose row `commitments` are already known (on chain, or
/// from [`commit`]): the commitments are not recomputed (about a fifth of a row's
/// encoding time). Each row is still tied to its commitment: the first cell's proof must
/// verify against it (a few ms), or the row is [`DaError::CommitmentMismatch`], so a
/// file that is not the committed one is caught before anything is sent.
pub fn extend_rows<R: Read>(
	reader: R,
	size: u64,
	threads: usize,
	commitments: &[Commitment],
	sink: impl FnMut(u32, ExtendedRow) -> Result<(), DaError>,
) -> Result<(), DaError> {
	check_size(size)?;
	let rows = rows_for(size);
	if commitments.len() != rows as usize {
		return Err(DaError::Shape { size, commitments: commitments.len(), rows });
	}
	let prover = cell_prover()?;
	rows_in_order(
		rows,
		threads,
		reader_rows(reader, size),
		|row, data| {
			let (cells, proofs) = prover.extend(&row_blob(data)[..])?;
			let ext = ExtendedRow { commitment: commitments[row as usize], cells, proofs };
			let (cell, proof) = (ext.cell(0), ext.proof(0));
			if !verify_cells_with(
				verifier(),
				commitments,
				&[CellRef { row, column: 0, cell: &cell, proof: &proof }],
			)? {
				return Err(DaError::CommitmentMismatch(row));
			}
			Ok(ext)
		},
		sink,
	)
}

/// A whole encoded blob in memory (tests, small blobs).
pub struct EncodedBlob {
	/// Its size in bytes.
	pub size: u64,
	/// Extended rows.
	pub rows: Vec<ExtendedRow>,
}

impl EncodedBlob {
	/// The row commitments.
	pub fn commitments(&self) -> Vec<Commitment> {
		self.rows.iter().map(|r| r.commitment).collect()
	}
}

/// Encodes a blob held in memory.
pub fn encode(data: &[u8], threads: usize) -> Result<EncodedBlob, DaError> {
	let mut rows = Vec::new();
	encode_rows(data, data.len() as u64, threads, |_, r| {
		rows.push(r);
		Ok(())
	})?;
	Ok(EncodedBlob { size: data.len() as u64, rows })
}

/// A cell with its position and proof, as served and sampled.
#[derive(Clone, Copy)]
pub struct CellRef<'a> {
	/// Its row.
	pub row: u32,
	/// Its column.
	pub column: ColumnIndex,
	/// The cell.
	pub cell: &'a [u8; CELL_BYTES],
	/// Its KZG proof.
	pub proof: &'a CellProof,
}

/// Whether every cell verifies against its row's commitment in `commitments` (one
/// batched check; `Ok(false)` when any proof is wrong). Positions outside the blob are
/// an error.
pub fn verify_cells(commitments: &[Commitment], cells: &[CellRef<'_>]) -> Result<bool, DaError> {
	verify_cells_with(verifier(), commitments, cells)
}

/// [`verify_cells`] with the setup `kzg` (either one: the proving tables do not change
/// the result), so code that already loaded the proving setup does not load another.
fn verify_cells_with(
	kzg: &KzgSettings,
	commitments: &[Commitment],
	cells: &[CellRef<'_>],
) -> Result<bool, DaError> {
	if cells.is_empty() {
		return Ok(true);
	}
	let mut cs = Vec::with_capacity(cells.len());
	let mut idx = Vec::with_capacity(cells.len());
	let mut data = Vec::with_capacity(cells.len());
	let mut proofs = Vec::with_capacity(cells.len());
	for c in cells {
		let commitment = commitments
			.get(c.row as usize)
			.ok_or(DaError::OutOfRange { row: c.row, column: c.column })?;
		if c.column >= COLUMNS {
			return Err(DaError::OutOfRange { row: c.row, column: c.column });
		}
		cs.push(Bytes48::new(*commitment));
		idx.push(c.column as u64);
		data.push(Cell::new(*c.cell));
		proofs.push(Bytes48::new(*c.proof));
	}
	match kzg.verify_cell_kzg_proof_batch(&cs, &idx, &data, &proofs) {
		Ok(ok) => Ok(ok),
		// Bytes that are not a curve point or not a field element: not a valid proof.
		Err(c_kzg::Error::CError(_)) => Ok(false),
		Err(e) => Err(kzg_err(e)),
	}
}

/// Rebuilds a `size`-byte blob from whatever cells are available:
/// `columns[c][row]` is column `c`'s cell of `row` (cells should be verified first).
/// Each row needs [`COLUMNS_TO_RECOVER`] of its cells; each rebuilt row must match its
/// commitment.
pub fn recover(
	size: u64,
	commitments: &[Commitment],
	columns: &BTreeMap<ColumnIndex, Vec<[u8; CELL_BYTES]>>,
) -> Result<Vec<u8>, DaError> {
	check_size(size)?;
	let rows = rows_for(size);
	if commitments.len() != rows as usize {
		return Err(DaError::Shape { size, commitments: commitments.len(), rows });
	}
	let mut out = Vec::with_capacity(size as usize);
	for row in 0..rows {
		let cells: Vec<(ColumnIndex, &[u8; CELL_BYTES])> = columns
			.range(..COLUMNS)
			.filter_map(|(&c, column)| column.get(row as usize).map(|cell| (c, cell)))
			.collect();
		out.extend_from_slice(&recover_row(size, row, &commitments[row as usize], &cells)?);
	}
	Ok(out)
}

/// The data bytes of row `row` of a `size`-byte blob, rebuilt from any
/// [`COLUMNS_TO_RECOVER`] of its `cells` (column, cell) and checked against the row's
/// `commitment`: for cells whose proofs were not checked. Memory stays at one row.
pub fn recover_row(
	size: u64,
	row: u32,
	commitment: &Commitment,
	cells: &[(ColumnIndex, &[u8; CELL_BYTES])],
) -> Result<Vec<u8>, DaError> {
	let blob = rebuild_blob(size, row, cells)?;
	if verifier().blob_to_kzg_commitment(&blob).map_err(kzg_err)?.to_bytes().into_inner()
		!= *commitment
	{
		return Err(DaError::CommitmentMismatch(row));
	}
	Ok(row_bytes(size, row, &blob))
}

/// The data bytes of row `row` of a `size`-byte blob, rebuilt from any
/// [`COLUMNS_TO_RECOVER`] of its `cells`, every one of which the caller has checked
/// against the row's commitment with its proof ([`verify_cells`]). No commitment is
/// recomputed: 64 verified cells are 4096 evaluations of the committed polynomial (of
/// degree below 4096) at distinct points, which determine it, so the rebuilt row *is*
/// the committed one. This is what retrieval uses; it saves a commitment (about 48 ms)
/// per row.
pub fn rebuild_verified_row(
	size: u64,
	row: u32,
	cells: &[(ColumnIndex, &[u8; CELL_BYTES])],
) -> Result<Vec<u8>, DaError> {
	let blob = rebuild_blob(size, row, cells)?;
	Ok(row_bytes(size, row, &blob))
}

/// Row `row` as a KZG blob from any [`COLUMNS_TO_RECOVER`] of its cells: copied when
/// they are the systematic half, erasure-decoded otherwise.
fn rebuild_blob(
	size: u64,
	row: u32,
	cells: &[(ColumnIndex, &[u8; CELL_BYTES])],
) -> Result<Box<Blob>, DaError> {
	check_size(size)?;
	if row >= rows_for(size) {
		return Err(DaError::OutOfRange { row, column: 0 });
	}
	let mut picked: Vec<(ColumnIndex, &[u8; CELL_BYTES])> =
		cells.iter().copied().filter(|(c, _)| *c < COLUMNS).collect();
	picked.sort_by_key(|(c, _)| *c);
	picked.dedup_by_key(|(c, _)| *c);
	picked.truncate(COLUMNS_TO_RECOVER as usize);
	if picked.len() < COLUMNS_TO_RECOVER as usize {
		return Err(DaError::NotEnoughColumns {
			row,
			have: picked.len(),
			need: COLUMNS_TO_RECOVER as usize,
		});
	}
	let mut blob = Box::<Blob>::default();
	// The first half of the extended row is the row itself.
	if picked.iter().enumerate().all(|(i, (c, _))| *c as usize == i) {
		for (i, (_, cell)) in picked.iter().enumerate() {
			blob[i * CELL_BYTES..(i + 1) * CELL_BYTES].copy_from_slice(&cell[..]);
		}
	} else {
		let idx: Vec<u64> = picked.iter().map(|(c, _)| u64::from(*c)).collect();
		let cells: Vec<Cell> = picked.iter().map(|(_, cell)| Cell::new(**cell)).collect();
		let all = recover_cells(&idx, &cells)?;
		for (i, cell) in all.iter().take(BYTES_PER_BLOB / CELL_BYTES).enumerate() {
			blob[i * CELL_BYTES..(i + 1) * CELL_BYTES].copy_from_slice(&cell.to_bytes());
		}
	}
	Ok(blob)
}

/// Every cell of a row from any half of them (`indices` ascending): c-kzg's recovery,
/// without the proofs its Rust binding always asks for. Those would be an FK20 over the
/// whole row (about 190 ms, most of a recovery) that rebuilding the data throws away;
/// c-kzg's C API leaves them out when given no place for them ("If recovered_proofs is
/// NULL, they will not be recomputed"). Recovery needs no proving tables, so the setup
/// is [`verifier`]'s.
fn recover_cells(indices: &[u64], cells: &[Cell]) -> Result<Vec<Cell>, DaError> {
	extern "C" {
		// c-kzg 2's `C_KZG_RET recover_cells_and_kzg_proofs(Cell *recovered_cells,
		// KZGProof *recovered_proofs, const uint64_t *cell_indices, const Cell *cells,
		// uint64_t num_cells, const KZGSettings *s)`, which the c-kzg crate links. Its
		// result, an enum of four values, is read as the integer it is.
		fn recover_cells_and_kzg_proofs(
			recovered_cells: *mut Cell,
			recovered_proofs: *mut c_kzg::KzgProof,
			cell_indices: *const u64,
			cells: *const Cell,
			num_cells: u64,
			s: *const KzgSettings,
		) -> u32;
	}
	if indices.len() != cells.len() {
		return Err(DaError::Kzg(format!(
			"{} cell indices for {} cells",
			indices.len(),
			cells.len()
		)));
	}
	let mut out = vec![Cell::default(); CELLS_PER_EXT_BLOB];
	// SAFETY: `out` holds the CELLS_PER_EXT_BLOB cells the function writes; `indices` and
	// `cells` hold the `cells.len()` entries it reads (it refuses more than
	// CELLS_PER_EXT_BLOB, fewer than half, and indices out of range or out of order before
	// reading a cell); with a null `recovered_proofs` it writes no proof; the settings are
	// c-kzg's own, loaded for the life of the program.
	let ret = unsafe {
		recover_cells_and_kzg_proofs(
			out.as_mut_ptr(),
			std::ptr::null_mut(),
			indices.as_ptr(),
			cells.as_ptr(),
			cells.len() as u64,
			verifier(),
		)
	};
	match ret {
		0 => Ok(out),
		code => Err(DaError::Kzg(format!("c-kzg refused the cells for recovery (error {code})"))),
	}
}

/// The data bytes of row `row` of a `size`-byte blob from its KZG blob.
fn row_bytes(size: u64, row: u32, blob: &Blob) -> Vec<u8> {
	let start = u64::from(row) * ROW_DATA_BYTES as u64;
	let take = (size - start).min(ROW_DATA_BYTES as u64) as usize;
	let mut out = Vec::with_capacity(take);
	row_data(&blob[..], &mut out, take);
	out
}

/// Confidence that a blob is available after `samples` random cells all verified:
/// withholding enough to prevent recovery hides at least half of a row's cells, so
/// each sample catches it with probability at least 1/2.
pub fn confidence(samples: u32) -> f64 {
	1.0 - 0.5f64.powi(samples as i32)
}

/// Samples needed for `target` confidence (e.g. 0.999 → 10).
pub fn samples_for(target: f64) -> u32 {
	let target = target.clamp(0.0, 1.0 - 1e-15);
	(-(1.0 - target).log2()).ceil().max(1.0) as u32
}

#[cfg(test)]
mod tests;
