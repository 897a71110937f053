//! DA encoding figures, in one run on this machine.
//!
//! `cargo bench -p zerog-da-encoding --bench encode [-- MiB]` (default 32)
//!
//! Baseline: one 4096-element KZG commitment from c-kzg on one thread (the
//! unit every figure below is a multiple of). Then: commit + extend + prove a whole blob
//! on every core (throughput, and as a multiple of the baseline per row), proof
//! generation per cell, verification of one cell and of a batch, recovery from the
//! parity half, and peak RSS.

use std::{collections::BTreeMap, time::Instant};

use zerog_da_encoding::{
	cell_prover, commit, encode_rows, recover, row_blob, row_committer, settings, verify_cells,
	CellRef,
};
use zerog_da_primitives::{rows_for, CellProof, ColumnIndex, CELL_BYTES, COLUMNS, ROW_DATA_BYTES};

mod common;

fn peak_rss_kib() -> u64 {
	common::status_kib("VmHWM:")
}

fn main() {
	let mib: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(32);
	let size = (mib << 20).min(zerog_da_primitives::MAX_BLOB_SIZE);
	let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
	let kzg = settings();
	let data: Vec<u8> =
		(0..size as usize).map(|i| (i as u32).wrapping_mul(2_654_435_761) as u8).collect();

	// Baseline: one commitment to one row, one thread.
	let row = row_blob(&data[..ROW_DATA_BYTES.min(data.len())]);
	let t = Instant::now();
	let reps = 10;
	for _ in 0..reps {
		kzg.blob_to_kzg_commitment(&row).unwrap();
	}
	let base = t.elapsed().as_secs_f64() / reps as f64;
	println!("baseline      one 4096-element KZG commitment, 1 thread: {:.1} ms", base * 1e3);

	// The encoder's own committer (built once, before the passes below are timed).
	let t = Instant::now();
	let committer = row_committer();
	let build = t.elapsed().as_secs_f64();
	let t = Instant::now();
	for _ in 0..reps {
		committer.commit(&row[..]).unwrap();
	}
	let ours = t.elapsed().as_secs_f64() / reps as f64;
	println!(
		"committer     built in {build:.2} s; one row, 1 thread: {:.1} ms ({:.2}x baseline)",
		ours * 1e3,
		ours / base
	);

	let t = Instant::now();
	kzg.compute_cells_and_kzg_proofs(&row).unwrap();
	let prove_row = t.elapsed().as_secs_f64();
	println!("prove row     c-kzg: 128 cells + proofs of one row, 1 thread: {:.1} ms = {:.2} ms per cell ({:.1}x baseline per row)", prove_row * 1e3, prove_row * 1e3 / 128.0, prove_row / base);
	let t = Instant::now();
	let prover = cell_prover().unwrap();
	let build = t.elapsed().as_secs_f64();
	let t = Instant::now();
	prover.extend(&row[..]).unwrap();
	let ours = t.elapsed().as_secs_f64();
	println!(
		"prover        built in {build:.2} s; the same, 1 thread: {:.1} ms ({:.2}x c-kzg)",
		ours * 1e3,
		ours / prove_row
	);

	let rows = rows_for(size);
	let t = Instant::now();
	let commitments_only = commit(&data[..], size, threads).unwrap();
	let commit_secs = t.elapsed().as_secs_f64();
	println!(
		"commit        {mib} MiB ({rows} rows), {threads} threads: {:.2} s, {:.1} MiB/s",
		commit_secs,
		mib as f64 / commit_secs
	);

	// Encode, keeping one column pair for the checks below and the parity half of row 0.
	let mut commitments = Vec::new();
	let mut sample: Vec<([u8; CELL_BYTES], CellProof, u32, ColumnIndex)> = Vec::new();
	let mut parity: BTreeMap<ColumnIndex, Vec<[u8; CELL_BYTES]>> = BTreeMap::new();
	let t = Instant::now();
	encode_rows(&data[..], size, threads, |r, ext| {
		commitments.push(ext.commitment);
		let c = (r % COLUMNS as u32) as ColumnIndex;
		sample.push((ext.cell(c), ext.proof(c), r, c));
		if r < 2 {
			for c in 64..COLUMNS {
				parity.entry(c).or_default().push(ext.cell(c));
			}
		}
		Ok(())
	})
	.unwrap();
	let enc_secs = t.elapsed().as_secs_f64();
	assert_eq!(commitments, commitments_only);
	println!(
		"encode        {mib} MiB: commit + extend + prove every cell, {threads} threads: {:.2} s, {:.2} MiB/s; {:.1}x baseline per row",
		enc_secs,
		mib as f64 / enc_secs,
		enc_secs / rows as f64 / base
	);

	let one = &sample[0];
	let t = Instant::now();
	let n = 20;
	for _ in 0..n {
		assert!(verify_cells(
			&commitments,
			&[CellRef { row: one.2, column: one.3, cell: &one.0, proof: &one.1 }]
		)
		.unwrap());
	}
	let verify_one = t.elapsed().as_secs_f64() / n as f64;
	let batch: Vec<CellRef> = sample
		.iter()
		.map(|(cell, proof, r, c)| CellRef { row: *r, column: *c, cell, proof })
		.collect();
	let t = Instant::now();
	assert!(verify_cells(&commitments, &batch).unwrap());
	let verify_batch = t.elapsed().as_secs_f64();
	println!("verify        one cell: {:.2} ms ({:.2}x baseline); batch of {}: {:.2} ms, {:.2} ms per cell", verify_one * 1e3, verify_one / base, batch.len(), verify_batch * 1e3, verify_batch * 1e3 / batch.len() as f64);

	let two_rows = (2 * ROW_DATA_BYTES as u64).min(size);
	let t = Instant::now();
	let got = recover(two_rows, &commitments[..rows_for(two_rows) as usize], &parity).unwrap();
	let rec = t.elapsed().as_secs_f64();
	assert_eq!(&got[..], &data[..two_rows as usize]);
	println!(
		"recover       {} rows from the parity half only: {:.1} ms per row",
		rows_for(two_rows),
		rec * 1e3 / rows_for(two_rows) as f64
	);
	println!("peak RSS      {} KiB (the blob itself is {} KiB)", peak_rss_kib(), size / 1024);
}
