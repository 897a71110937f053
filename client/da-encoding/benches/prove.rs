//! Cell proofs: the encoder's prover ([`zerog_da_encoding::CellProver`]) against c-kzg's
//! `compute_cells_and_kzg_proofs`, in one run on this machine.
//!
//! `cargo bench -p zerog-da-encoding --bench prove [-- ROWS [ROUNDS]]` (default 8 rows,
//! 5 rounds)
//!
//! Baseline: c-kzg extending and proving one row on one thread (its cells and proofs).
//! Each round times the same rows with each, one after the other, so that the VM's drift
//! falls on both. Both give a whole extended row (cells and proofs), and must give the
//! same bytes. Also: each setup's
//! load time and the memory it holds.

use std::time::Instant;

use zerog_da_encoding::{cell_prover, row_blob, settings};
use zerog_da_primitives::ROW_DATA_BYTES;

mod common;

fn rss_kib() -> u64 {
	common::status_kib("VmRSS:")
}

fn main() {
	let mut args = std::env::args().skip(1).filter_map(|a| a.parse::<usize>().ok());
	let rows = args.next().unwrap_or(8);
	let rounds = args.next().unwrap_or(5);
	let data: Vec<u8> =
		(0..rows * ROW_DATA_BYTES).map(|i| (i as u32).wrapping_mul(2_654_435_761) as u8).collect();
	let blobs: Vec<_> = data.chunks(ROW_DATA_BYTES).map(row_blob).collect();

	let rss = rss_kib();
	let t = Instant::now();
	let prover = cell_prover().unwrap();
	println!(
		"prover setup   {:.2} s, {:.1} MiB held",
		t.elapsed().as_secs_f64(),
		(rss_kib() - rss) as f64 / 1024.0
	);
	let rss = rss_kib();
	let t = Instant::now();
	let kzg = settings();
	println!(
		"c-kzg setup    {:.2} s, {:.1} MiB held",
		t.elapsed().as_secs_f64(),
		(rss_kib() - rss) as f64 / 1024.0
	);

	let (mut base_total, mut new_total) = (0.0, 0.0);
	for round in 1..=rounds {
		let t = Instant::now();
		let expected: Vec<_> =
			blobs.iter().map(|b| kzg.compute_cells_and_kzg_proofs(b).unwrap()).collect();
		let base = t.elapsed().as_secs_f64() / rows as f64;
		let t = Instant::now();
		let got: Vec<_> = blobs.iter().map(|b| prover.extend(&b[..]).unwrap()).collect();
		let new = t.elapsed().as_secs_f64() / rows as f64;
		for ((cells, proofs), (c, p)) in expected.iter().zip(&got) {
			assert!(cells.iter().zip(c).all(|(a, b)| a.to_bytes() == *b));
			assert!(proofs.iter().zip(p).all(|(a, b)| a.to_bytes().into_inner() == *b));
		}
		println!(
			"round {round}: extend + prove one row, 1 thread: c-kzg {:.1} ms, prover {:.1} ms ({:.3})",
			base * 1e3,
			new * 1e3,
			new / base
		);
		base_total += base;
		new_total += new;
	}
	println!(
		"mean: c-kzg {:.1} ms, prover {:.1} ms: prover / c-kzg {:.3}",
		base_total / rounds as f64 * 1e3,
		new_total / rounds as f64 * 1e3,
		new_total / base_total
	);
}
