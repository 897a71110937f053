use super::*;
use proptest::prelude::*;

fn data(len: usize, seed: u8) -> Vec<u8> {
	(0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8).collect()
}

fn columns_of(
	enc: &EncodedBlob,
	keep: impl Fn(ColumnIndex) -> bool,
) -> BTreeMap<ColumnIndex, Vec<[u8; CELL_BYTES]>> {
	(0..COLUMNS)
		.filter(|&c| keep(c))
		.map(|c| (c, enc.rows.iter().map(|r| r.cell(c)).collect()))
		.collect()
}

#[test]
fn the_first_half_of_a_row_is_the_row_and_commitments_match_commit() {
	let blob = data(ROW_DATA_BYTES + 1000, 1);
	let enc = encode(&blob, 2).unwrap();
	assert_eq!(enc.rows.len(), 2);
	assert_eq!(commit(&blob[..], blob.len() as u64, 1).unwrap(), enc.commitments());
	let packed = row_blob(&blob[..ROW_DATA_BYTES]);
	for c in 0..COLUMNS_TO_RECOVER {
		assert_eq!(
			&enc.rows[0].cell(c)[..],
			&packed[c as usize * CELL_BYTES..(c as usize + 1) * CELL_BYTES]
		);
	}
}

#[test]
fn every_cell_verifies_and_a_tampered_cell_or_proof_does_not() {
	let blob = data(50_000, 2);
	let enc = encode(&blob, 2).unwrap();
	let commitments = enc.commitments();
	let cells: Vec<[u8; CELL_BYTES]> = (0..COLUMNS).map(|c| enc.rows[0].cell(c)).collect();
	let proofs: Vec<CellProof> = (0..COLUMNS).map(|c| enc.rows[0].proof(c)).collect();
	let all: Vec<CellRef> = (0..COLUMNS)
		.map(|c| CellRef {
			row: 0,
			column: c,
			cell: &cells[c as usize],
			proof: &proofs[c as usize],
		})
		.collect();
	assert!(verify_cells(&commitments, &all).unwrap());

	let mut bad = cells[5];
	bad[100] ^= 1;
	let tampered = CellRef { row: 0, column: 5, cell: &bad, proof: &proofs[5] };
	assert!(!verify_cells(&commitments, &[tampered]).unwrap());
	// A correct cell presented at another column, or with another cell's proof.
	assert!(!verify_cells(&commitments, &[CellRef { column: 6, ..all[5] }]).unwrap());
	assert!(!verify_cells(&commitments, &[CellRef { proof: &proofs[6], ..all[5] }]).unwrap());
	// Garbage proof bytes are a failed proof, not an error.
	assert!(!verify_cells(&commitments, &[CellRef { proof: &[0xFF; 48], ..all[5] }]).unwrap());
	assert!(matches!(
		verify_cells(&commitments, &[CellRef { row: 1, ..all[5] }]),
		Err(DaError::OutOfRange { row: 1, .. })
	));
	assert!(matches!(
		verify_cells(&commitments, &[CellRef { column: COLUMNS, ..all[5] }]),
		Err(DaError::OutOfRange { .. })
	));
}

#[test]
fn extending_with_known_commitments_gives_the_encoding_and_catches_another_file() {
	let blob = data(ROW_DATA_BYTES + 999, 4);
	let enc = encode(&blob, 2).unwrap();
	let commitments = enc.commitments();
	let mut rows = Vec::new();
	extend_rows(&blob[..], blob.len() as u64, 2, &commitments, |_, r| {
		rows.push(r);
		Ok(())
	})
	.unwrap();
	assert_eq!(rows.len(), 2);
	for (got, want) in rows.iter().zip(&enc.rows) {
		assert_eq!(got.commitment, want.commitment);
		assert!((0..COLUMNS).all(|c| got.cell(c) == want.cell(c) && got.proof(c) == want.proof(c)));
	}
	// One byte changed in the second row: that row no longer matches its commitment.
	let mut other = blob.clone();
	other[ROW_DATA_BYTES + 500] ^= 1;
	let sink = |_, _| Ok(());
	assert!(matches!(
		extend_rows(&other[..], other.len() as u64, 2, &commitments, sink),
		Err(DaError::CommitmentMismatch(1))
	));
	assert!(matches!(
		extend_rows(&blob[..], blob.len() as u64, 2, &commitments[..1], sink),
		Err(DaError::Shape { .. })
	));
}

#[test]
fn size_limits_are_typed_errors() {
	assert!(matches!(encode(&[], 1), Err(DaError::Empty)));
	assert!(matches!(
		commit(std::io::empty(), MAX_BLOB_SIZE + 1, 1),
		Err(DaError::TooLarge { .. })
	));
	// A reader shorter than the size it claims.
	assert!(matches!(commit(&[1u8; 10][..], 20, 1), Err(DaError::Io(_))));
}

#[test]
fn recovery_needs_half_the_columns_and_checks_the_commitments() {
	let blob = data(ROW_DATA_BYTES + 7, 3);
	let enc = encode(&blob, 2).unwrap();
	let commitments = enc.commitments();
	// The parity half alone.
	assert_eq!(
		recover(blob.len() as u64, &commitments, &columns_of(&enc, |c| c >= 64)).unwrap(),
		blob
	);
	// One column short.
	let short = columns_of(&enc, |c| c % 2 == 0 && c != 0);
	assert!(matches!(
		recover(blob.len() as u64, &commitments, &short),
		Err(DaError::NotEnoughColumns { row: 0, have: 63, need: 64 })
	));
	// Wrong commitments: the rebuilt row does not match.
	let mut wrong = commitments.clone();
	wrong.swap(0, 1);
	assert!(matches!(
		recover(blob.len() as u64, &wrong, &columns_of(&enc, |_| true)),
		Err(DaError::CommitmentMismatch(0))
	));
	assert!(matches!(
		recover(blob.len() as u64, &commitments[..1], &columns_of(&enc, |_| true)),
		Err(DaError::Shape { .. })
	));
}

#[test]
fn recovered_cells_are_c_kzgs_and_bad_picks_are_refused() {
	let enc = encode(&data(ROW_DATA_BYTES, 9), 1).unwrap();
	let row = &enc.rows[0];
	// Every other column of one half and the whole other half, scattered.
	let idx: Vec<u64> =
		(0..128u64).filter(|c| c % 4 != 1 && (*c < 64 || c % 2 == 0)).take(64).collect();
	let cells: Vec<Cell> = idx.iter().map(|&c| Cell::new(row.cell(c as ColumnIndex))).collect();
	let ours = recover_cells(&idx, &cells).unwrap();
	let (theirs, _) = settings().recover_cells_and_kzg_proofs(&idx, &cells).unwrap();
	assert!(ours.iter().zip(theirs.iter()).all(|(a, b)| a.to_bytes() == b.to_bytes()));
	assert!((0..COLUMNS).all(|c| ours[c as usize].to_bytes() == row.cell(c)));
	// Too few cells, an index out of range, indices out of order, lengths that differ:
	// errors, with nothing read past what was given.
	assert!(recover_cells(&idx[..63], &cells[..63]).is_err());
	let mut out_of_range = idx.clone();
	out_of_range[63] = 128;
	assert!(recover_cells(&out_of_range, &cells).is_err());
	let mut unordered = idx.clone();
	unordered.swap(0, 1);
	assert!(recover_cells(&unordered, &cells).is_err());
	assert!(recover_cells(&idx, &cells[..63]).is_err());
	assert!(recover_cells(&[], &[]).is_err());
}

#[test]
fn confidence_follows_the_sample_count() {
	assert_eq!(samples_for(0.999), 10);
	assert!(confidence(10) >= 0.999);
	assert!(confidence(9) < 0.999);
	assert_eq!(samples_for(0.5), 1);
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

	/// Any half of the columns rebuilds the blob byte-identical.
	#[test]
	fn any_half_of_the_columns_rebuilds_the_blob(len in 1usize..(ROW_DATA_BYTES + 5000), seed in any::<u8>(), pick in any::<u64>()) {
		let blob = data(len, seed);
		let enc = encode(&blob, 2).unwrap();
		// A pseudo-random half of the columns, from `pick`.
		let mut order: Vec<ColumnIndex> = (0..COLUMNS).collect();
		let mut x = pick | 1;
		for i in (1..order.len()).rev() {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			order.swap(i, (x % (i as u64 + 1)) as usize);
		}
		let keep: std::collections::BTreeSet<_> = order[..COLUMNS_TO_RECOVER as usize].iter().copied().collect();
		let got = recover(len as u64, &enc.commitments(), &columns_of(&enc, |c| keep.contains(&c))).unwrap();
		prop_assert_eq!(&got, &blob);
		// Row by row from the same (verified) cells, without recomputing commitments.
		let mut rebuilt = Vec::new();
		for (row, ext) in enc.rows.iter().enumerate() {
			let cells: Vec<[u8; CELL_BYTES]> = keep.iter().map(|&c| ext.cell(c)).collect();
			let proofs: Vec<CellProof> = keep.iter().map(|&c| ext.proof(c)).collect();
			let refs: Vec<CellRef<'_>> = keep.iter().zip(cells.iter().zip(&proofs))
				.map(|(&column, (cell, proof))| CellRef { row: row as u32, column, cell, proof }).collect();
			prop_assert!(verify_cells(&enc.commitments(), &refs).unwrap());
			let pairs: Vec<(ColumnIndex, &[u8; CELL_BYTES])> = keep.iter().copied().zip(cells.iter()).collect();
			rebuilt.extend(rebuild_verified_row(len as u64, row as u32, &pairs).unwrap());
		}
		prop_assert_eq!(rebuilt, blob);
	}
}

/// The cell the DA pallet's tests and benchmarks answer challenges with
/// (`pallets/da-commitments/src/cell-fixture.bin`: commitment, column 5's cell, proof).
/// It must be what this encoder makes; `ZG_WRITE_FIXTURE=1` rewrites it.
#[test]
fn the_pallet_cell_fixture_is_this_encoders_output_and_verifies_on_the_host() {
	let enc = encode(&data(1000, 9), 1).unwrap();
	let row = &enc.rows[0];
	let mut fixture = row.commitment.to_vec();
	fixture.extend_from_slice(&row.cell(5));
	fixture.extend_from_slice(&row.proof(5));
	let path =
		concat!(env!("CARGO_MANIFEST_DIR"), "/../../pallets/da-commitments/src/cell-fixture.bin");
	if std::env::var_os("ZG_WRITE_FIXTURE").is_some() {
		std::fs::write(path, &fixture).unwrap();
	}
	// Compiled in, so the check does not depend on where the binary runs from.
	assert_eq!(
		&include_bytes!("../../../pallets/da-commitments/src/cell-fixture.bin")[..],
		&fixture[..]
	);
	// The runtime's host function agrees with the encoder, and refuses a tampered cell.
	let (commitment, cell, proof) = (row.commitment, row.cell(5), row.proof(5));
	assert!(spec::kzg::verify_cell(&commitment, 5, &cell, &proof));
	assert!(!spec::kzg::verify_cell(&commitment, 6, &cell, &proof));
	let mut bad = cell;
	bad[100] ^= 1;
	assert!(!spec::kzg::verify_cell(&commitment, 5, &bad, &proof));
	assert!(!spec::kzg::verify_cell(&commitment, 5, &cell[..2047], &proof));
	assert!(!spec::kzg::verify_cell(&commitment, 500, &cell, &proof));
	assert!(!spec::kzg::verify_cell(&[0xff; 48], 5, &cell, &proof));
}

/// The row pipeline under the encoder: results reach the sink in row order whatever
/// order the workers finish in, and no more than twice the workers' rows are ever loaded
/// and not yet sunk.
#[test]
fn rows_reach_the_sink_in_order_within_the_window() {
	use std::cell::Cell as Counter;
	for threads in [1usize, 2, 3, 8] {
		let (loaded, sunk, most) = (Counter::new(0u32), Counter::new(0u32), Counter::new(0u32));
		let mut order = Vec::new();
		rows_in_order(
			40,
			threads,
			|row| {
				assert_eq!(row, loaded.get(), "rows are loaded once each, in order");
				loaded.set(row + 1);
				most.set(most.get().max(loaded.get() - sunk.get()));
				Ok(vec![row as u8; 3])
			},
			|row, data| {
				// Later rows of a batch finish first.
				std::thread::sleep(std::time::Duration::from_micros(((row % 4) * 300) as u64));
				Ok((row, data.to_vec()))
			},
			|row, (worked, data)| {
				assert_eq!((row, data), (worked, vec![row as u8; 3]));
				order.push(row);
				sunk.set(row + 1);
				Ok(())
			},
		)
		.unwrap();
		assert_eq!(order, (0..40).collect::<Vec<_>>(), "{threads} threads");
		assert!(
			most.get() <= 2 * threads as u32,
			"{} rows in flight, {threads} threads",
			most.get()
		);
	}
}

/// An error from loading, working or sinking ends the run with that error; the sink
/// never sees the failed row or any after it, and a worker's panic is an error, not a
/// panic of the caller.
#[test]
fn the_first_error_stops_the_rows() {
	let fail = |what: &str| DaError::Kzg(what.into());
	let run = |load_fails: Option<u32>, work_fails: Option<u32>, sink_fails: Option<u32>| {
		let mut sunk = Vec::new();
		let result = rows_in_order(
			50,
			2,
			|row| if Some(row) == load_fails { Err(fail("load")) } else { Ok(vec![0; 1]) },
			|row, _| {
				if Some(row) == work_fails {
					if row % 2 == 0 {
						return Err(fail("work"));
					}
					panic!("row {row}");
				}
				Ok(row)
			},
			|row, _| {
				if Some(row) == sink_fails {
					return Err(fail("sink"));
				}
				sunk.push(row);
				Ok(())
			},
		);
		(result.map_err(|e| e.to_string()), sunk)
	};
	let prefix = |sunk: &[u32], below: u32| {
		sunk.iter().enumerate().all(|(i, &r)| r == i as u32) && sunk.len() as u32 <= below
	};
	let (result, sunk) = run(Some(17), None, None);
	assert!(result.unwrap_err().contains("load") && prefix(&sunk, 17));
	let (result, sunk) = run(None, Some(20), None);
	assert!(result.unwrap_err().contains("work") && prefix(&sunk, 20));
	let (result, sunk) = run(None, Some(21), None);
	assert!(result.unwrap_err().contains("worker panicked") && prefix(&sunk, 21));
	let (result, sunk) = run(None, None, Some(5));
	assert!(result.unwrap_err().contains("sink") && sunk == vec![0, 1, 2, 3, 4]);
	assert_eq!(run(None, None, None), (Ok(()), (0..50).collect()));
}
