//! Rows the committer's and the prover's tests hold against c-kzg.

use zerog_da_primitives::{ELEMENTS_PER_ROW, ROW_DATA_BYTES};

/// The field's largest element, r - 1, big-endian.
pub const R_MINUS_ONE: [u8; 32] = [
	0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
	0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
];

/// A row (a c-kzg blob) whose element `i` is `element(i)`.
pub fn blob_of(element: impl FnMut(usize) -> [u8; 32]) -> Vec<u8> {
	(0..ELEMENTS_PER_ROW).flat_map(element).collect()
}

/// r itself, the first value that is not a field element.
pub fn r() -> [u8; 32] {
	let mut r = R_MINUS_ONE;
	r[31] += 1;
	r
}

/// Rows at the edges of the arithmetic.
pub fn edge_rows() -> Vec<Vec<u8>> {
	let one = |at: usize| {
		blob_of(move |i| {
			let mut e = [0u8; 32];
			e[31] = (i == at) as u8;
			e
		})
	};
	vec![
		// All zero: every scalar zero, the identity's encoding.
		blob_of(|_| [0; 32]),
		// One element set: a single Lagrange point, at both ends and inside.
		one(0),
		one(1),
		one(ELEMENTS_PER_ROW - 1),
		// Every element the field's largest: every digit in play.
		blob_of(|_| R_MINUS_ONE),
		// The same element everywhere (a constant polynomial: one coefficient).
		blob_of(|_| [7; 32].map(|b| b & 0x3f)),
		// Alternating largest and zero.
		blob_of(|i| if i % 2 == 0 { R_MINUS_ONE } else { [0; 32] }),
		// A row as the encoder lays out data.
		crate::row_blob(&(0..ROW_DATA_BYTES).map(|i| (i * 7 + 3) as u8).collect::<Vec<_>>())[..]
			.to_vec(),
	]
}

/// A row of random field elements from `seed` (xorshift); with `sparse`, about one
/// element in 16 set and the rest zero.
pub fn random_row(seed: u64, sparse: bool) -> Vec<u8> {
	let mut state = seed | 1;
	let mut next = move || {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		state
	};
	blob_of(|_| {
		let mut e = [0u8; 32];
		if !sparse || next() % 16 == 0 {
			for chunk in e.chunks_mut(8) {
				chunk.copy_from_slice(&next().to_le_bytes());
			}
			// Below 2^254 < r: a field element.
			e[0] &= 0x3f;
		}
		e
	})
}
