//! Row commitments: the encoder's committer ([`zerog_da_encoding::RowCommitter`])
//! against c-kzg's `blob_to_kzg_commitment`, in one run on this machine.
//!
//! `cargo bench -p zerog-da-encoding --bench commit [-- MiB [ROUNDS]]` (default 32 MiB,
//! 5 rounds)
//!
//! Baseline: c-kzg's commitment to one row on one thread. Each round times 10 rows with
//! each, one after the other, so that the VM's drift falls on both; then the commit pass
//! of a whole blob on every core with each (rows handed to the workers one at a time,
//! as the encoder's pipeline does). Both must give the same commitments. Also: the
//! committer's one-off build and the memory it holds.

use std::{
	sync::{
		atomic::{AtomicUsize, Ordering},
		Mutex,
	},
	time::Instant,
};

use zerog_da_encoding::{commit, row_blob, row_committer, settings};
use zerog_da_primitives::{rows_for, Commitment, ROW_DATA_BYTES};

mod common;

fn rss_kib() -> u64 {
	common::status_kib("VmRSS:")
}

/// The commit pass with c-kzg: `threads` workers take the next row as each is free.
fn c_kzg_pass(data: &[u8], threads: usize) -> Vec<Commitment> {
	let rows: Vec<&[u8]> = data.chunks(ROW_DATA_BYTES).collect();
	let next = AtomicUsize::new(0);
	let out = Mutex::new(vec![[0u8; 48]; rows.len()]);
	std::thread::scope(|s| {
		for _ in 0..threads {
			s.spawn(|| loop {
				let r = next.fetch_add(1, Ordering::Relaxed);
				let Some(row) = rows.get(r) else { return };
				let c = settings().blob_to_kzg_commitment(&row_blob(row)).unwrap();
				out.lock().unwrap()[r] = c.to_bytes().into_inner();
			});
		}
	});
	out.into_inner().unwrap()
}

fn main() {
	let mut args = std::env::args().skip(1).filter_map(|a| a.parse::<u64>().ok());
	let mib = args.next().unwrap_or(32);
	let rounds = args.next().unwrap_or(5);
	let size = (mib << 20).min(zerog_da_primitives::MAX_BLOB_SIZE);
	let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
	let data: Vec<u8> =
		(0..size as usize).map(|i| (i as u32).wrapping_mul(2_654_435_761) as u8).collect();
	let kzg = settings();

	let rss = rss_kib();
	let t = Instant::now();
	let committer = row_committer();
	println!(
		"committer build: {:.2} s, {} MiB held",
		t.elapsed().as_secs_f64(),
		rss_kib().saturating_sub(rss) / 1024
	);

	let rows: Vec<Box<c_kzg::Blob>> = data.chunks(ROW_DATA_BYTES).take(10).map(row_blob).collect();
	let (mut base_sum, mut ours_sum) = (0.0, 0.0);
	for round in 1..=rounds {
		let t = Instant::now();
		let want: Vec<_> = rows
			.iter()
			.map(|r| kzg.blob_to_kzg_commitment(r).unwrap().to_bytes().into_inner())
			.collect();
		let base = t.elapsed().as_secs_f64() / rows.len() as f64;
		let t = Instant::now();
		let got: Vec<_> = rows.iter().map(|r| committer.commit(&r[..]).unwrap()).collect();
		let ours = t.elapsed().as_secs_f64() / rows.len() as f64;
		assert_eq!(got, want, "the committer's commitments are c-kzg's");
		println!(
			"round {round}: one row, 1 thread: c-kzg {:.1} ms (baseline), committer {:.1} ms: {:.3}",
			base * 1e3,
			ours * 1e3,
			ours / base
		);
		base_sum += base;
		ours_sum += ours;
	}
	println!(
		"one row, 1 thread, mean of {rounds} rounds: c-kzg {:.1} ms, committer {:.1} ms: {:.3}",
		base_sum / rounds as f64 * 1e3,
		ours_sum / rounds as f64 * 1e3,
		ours_sum / base_sum
	);

	let t = Instant::now();
	let want = c_kzg_pass(&data, threads);
	let base = t.elapsed().as_secs_f64();
	let t = Instant::now();
	let got = commit(&data[..], size, threads).unwrap();
	let ours = t.elapsed().as_secs_f64();
	assert_eq!(got, want);
	println!(
		"commit pass, {mib} MiB ({} rows), {threads} threads: c-kzg {base:.2} s, committer {ours:.2} s: {:.3}",
		rows_for(size),
		ours / base
	);
}
