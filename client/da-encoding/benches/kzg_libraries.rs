//! The two KZG libraries on crates.io that implement EIP-7594's cells, on the DA
//! encoding's hot operations, in one run on this machine:
//!
//! - c-kzg (the Ethereum Foundation's C library, with Rust bindings);
//! - rust_eth_kzg (crate-crypto's pure-Rust implementation).
//!
//! `cargo bench -p zerog-da-encoding --bench kzg_libraries [-- ROWS]` (default 64 rows,
//! 8 MiB of data)
//!
//! For each: loading Ethereum's trusted setup with proving tables (precompute 8), one
//! row's commitment and one row extended to 128 cells with a proof each on one thread,
//! then ROWS rows of each on every core (one row per thread, as the encoder runs them).
//! Both must give the same bytes: the commitments, cells and proofs of a row are
//! compared. The baseline is c-kzg's single-threaded row commitment; every figure is
//! also printed as a multiple of it.

use std::time::Instant;

use zerog_da_encoding::row_blob;
use zerog_da_primitives::ROW_DATA_BYTES;

mod common;

fn rss_kib() -> u64 {
	common::status_kib("VmRSS:")
}

/// Mean seconds of `f` over `reps` runs.
fn mean(reps: u32, mut f: impl FnMut()) -> f64 {
	let t = Instant::now();
	for _ in 0..reps {
		f();
	}
	t.elapsed().as_secs_f64() / reps as f64
}

/// Seconds to run `work` on each of `rows` rows, `threads` rows at a time.
fn parallel(rows: &[Box<c_kzg::Blob>], threads: usize, work: impl Fn(&c_kzg::Blob) + Sync) -> f64 {
	let t = Instant::now();
	for batch in rows.chunks(threads) {
		std::thread::scope(|s| {
			for row in batch {
				s.spawn(|| work(row));
			}
		});
	}
	t.elapsed().as_secs_f64()
}

/// A c-kzg blob as the byte array rust_eth_kzg takes.
fn bytes(b: &c_kzg::Blob) -> &[u8; c_kzg::BYTES_PER_BLOB] {
	(&b[..]).try_into().expect("a blob's size")
}

fn main() {
	let rows: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(64);
	let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
	let blobs: Vec<Box<c_kzg::Blob>> = (0..rows)
		.map(|r| {
			let data: Vec<u8> = (0..ROW_DATA_BYTES)
				.map(|i| ((r * ROW_DATA_BYTES + i) as u32).wrapping_mul(2_654_435_761) as u8)
				.collect();
			row_blob(&data)
		})
		.collect();
	let blob = &blobs[0];

	// c-kzg
	let rss = rss_kib();
	let t = Instant::now();
	// The encoder's own setup (loaded on first use): c-kzg with precompute 8.
	let ckzg = zerog_da_encoding::settings();
	let c_load = t.elapsed().as_secs_f64();
	let c_rss = rss_kib().saturating_sub(rss);
	let c_commit = mean(10, || {
		ckzg.blob_to_kzg_commitment(blob).unwrap();
	});
	let c_prove = mean(3, || {
		ckzg.compute_cells_and_kzg_proofs(blob).unwrap();
	});
	let c_commit_all = parallel(&blobs, threads, |b| {
		ckzg.blob_to_kzg_commitment(b).unwrap();
	});
	let c_prove_all = parallel(&blobs, threads, |b| {
		ckzg.compute_cells_and_kzg_proofs(b).unwrap();
	});

	// rust_eth_kzg
	let rss = rss_kib();
	let t = Instant::now();
	let ekzg = rust_eth_kzg::DASContext::new(
		&rust_eth_kzg::TrustedSetup::default(),
		rust_eth_kzg::UsePrecomp::Yes { width: 8 },
	);
	let e_load = t.elapsed().as_secs_f64();
	let e_rss = rss_kib().saturating_sub(rss);
	let e_commit = mean(10, || {
		ekzg.blob_to_kzg_commitment(bytes(blob)).unwrap();
	});
	let e_prove = mean(3, || {
		ekzg.compute_cells_and_kzg_proofs(bytes(blob)).unwrap();
	});
	let e_commit_all = parallel(&blobs, threads, |b| {
		ekzg.blob_to_kzg_commitment(bytes(b)).unwrap();
	});
	let e_prove_all = parallel(&blobs, threads, |b| {
		ekzg.compute_cells_and_kzg_proofs(bytes(b)).unwrap();
	});

	// The same bytes from both.
	for b in blobs.iter().take(2) {
		let c = ckzg.blob_to_kzg_commitment(b).unwrap().to_bytes().into_inner();
		assert_eq!(c, ekzg.blob_to_kzg_commitment(bytes(b)).unwrap(), "commitments differ");
		let (c_cells, c_proofs) = ckzg.compute_cells_and_kzg_proofs(b).unwrap();
		let (e_cells, e_proofs) = ekzg.compute_cells_and_kzg_proofs(bytes(b)).unwrap();
		for i in 0..c_kzg::CELLS_PER_EXT_BLOB {
			assert_eq!(c_cells[i].to_bytes()[..], e_cells[i][..], "cell {i} differs");
			assert_eq!(c_proofs[i].to_bytes().into_inner(), e_proofs[i], "proof {i} differs");
		}
	}

	let base = c_commit;
	println!("baseline: c-kzg, one row's commitment, 1 thread: {:.1} ms", base * 1e3);
	println!("{rows} rows, {threads} threads; same commitments, cells and proofs from both");
	println!("| | c-kzg | rust_eth_kzg | rust_eth_kzg / c-kzg |");
	println!("|---|---|---|---|");
	let line = |what: &str, c: f64, e: f64, unit: &str, scale: f64| {
		println!(
			"| {what} | {:.1} {unit} ({:.2}x base) | {:.1} {unit} ({:.2}x base) | {:.2} |",
			c * scale,
			c / base,
			e * scale,
			e / base,
			e / c
		)
	};
	line("load the setup with proving tables", c_load, e_load, "ms", 1e3);
	line("commit one row, 1 thread", c_commit, e_commit, "ms", 1e3);
	line("extend + prove one row (128 cells), 1 thread", c_prove, e_prove, "ms", 1e3);
	line(&format!("commit {rows} rows, {threads} threads"), c_commit_all, e_commit_all, "ms", 1e3);
	line(
		&format!("extend + prove {rows} rows, {threads} threads"),
		c_prove_all,
		e_prove_all,
		"ms",
		1e3,
	);
	println!(
		"| memory of the loaded setup | {} MiB | {} MiB | {:.2} |",
		c_rss / 1024,
		e_rss / 1024,
		e_rss as f64 / c_rss.max(1) as f64
	);
	// A 32 MiB blob is 265 rows: the commit pass and the encoding at these rates.
	let per32 = 265.0 / rows as f64;
	println!(
		"32 MiB (265 rows) at these rates: commit pass {:.2} s / {:.2} s, encoding (commit + extend + prove) {:.2} s / {:.2} s",
		c_commit_all * per32,
		e_commit_all * per32,
		(c_commit_all + c_prove_all) * per32,
		(e_commit_all + e_prove_all) * per32
	);
}
