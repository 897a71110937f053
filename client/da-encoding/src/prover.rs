//! Cells and their proofs by FK20 with a signed comb over the setup's fixed points: the
//! same bytes as c-kzg's `compute_cells_and_kzg_proofs`, in about three quarters of its
//! time and two thirds of its tables' memory (`cargo bench -p zerog-da-encoding --bench
//! prove`).
//!
//! FK20 (Feist and Khovratovich, as c-kzg does it) proves all 128 cells of a row at once:
//!
//! 1. the row's 4096 coefficients give, for each of the 64 offsets `i` within a cell, a
//!    circulant vector whose FFT over 128 points is `w_i` (field work, cheap);
//! 2. for each of the 128 frequencies `j`, `u_j = Σ_i (w_i[j] / 128) · Q_ij`, where the
//!    points `Q_ij` (the FFTs of slices of the setup) never change: 128 multi-scalar
//!    multiplications of 64 fixed points, three quarters of c-kzg's time;
//! 3. an inverse G1 FFT of `u`, its upper half dropped, and a G1 FFT give the proofs.
//!
//! c-kzg does step 2 with blst's windowed tables: each point times every 8-bit digit, so
//! each of 32 windows adds one table point per point (64) and doubles 8 times. Here step
//! 2 is a comb. Each scalar `k` is taken as `2k + 1 = Σ_c s_c · 2^c` over 256 columns
//! `c` with every digit `s_c ∈ {-1, +1}` (the bits of `m = k + 2^255`:
//! `s_c = 2·bit_c(m) − 1`). The 64 points of a frequency are cut into six groups of 10
//! or 11 ([`GROUP_BITS`]), and each group's table holds the sums `P_0 ± P_1 ± … ± P_{g−1}`
//! for every choice of signs (those with `−P_0` are the others' negatives, so half are
//! stored). A column then costs one table point per group, and six additions and a
//! doubling in all, where blst's windows cost 64 additions and 8 doublings per 8 columns
//! (eight and one a column). `Σ_i (2k_i + 1)·Q_i = Σ_c 2^c · S_c` is a Horner sum over the
//! columns' sums `S_c`; `Σ_i Q_i` is taken back off at the end (and the scalars are
//! divided by 256 beforehand, which also folds in the inverse FFT's 1/128).
//!
//! All of it is in affine coordinates with batched inversions: a column batch's sums
//! ([`sum_runs`]), then each Horner step across the 128 frequencies at once
//! ([`add_into`]). The table points are read at random (63 MiB), so they are fetched
//! ahead of their use. Step 3 and the field work are the crates behind rust_eth_kzg's
//! (blst's arithmetic); the cells are the same coefficients evaluated on twice the
//! domain.
use std::sync::OnceLock;

use blstrs::{Fp, G1Affine, G1Projective, Scalar};
use ekzg_bls12_381::traits::*;
use ekzg_polynomial::{domain::Domain, poly_coeff::PolyCoeff};
use zerog_da_primitives::{CellProof, CELL_BYTES, COLUMNS, ELEMENTS_PER_ROW};

use crate::{
	affine::{batch_invert, finish, kind, Kind},
	committer::{bit_reverse, row_coefficients, sum_segments},
	DaError,
};

/// Field elements per cell (FK20's `l`).
const CELL: usize = ELEMENTS_PER_ROW * 2 / COLUMNS as usize;
/// Cells of the row before extension (FK20's `r`).
const BLOCKS: usize = ELEMENTS_PER_ROW / CELL;
/// The circulant matrices' size, and so the number of frequencies.
const FREQUENCIES: usize = 2 * BLOCKS;
/// The comb's columns below its top one (`m`'s bit 255 is always set: that column's sum
/// is known ahead and precomputed).
const COLUMNS_BELOW_TOP: usize = 255;
/// Largest group of points behind one table: 11 gives tables of 5,120 points a frequency
/// (63 MiB); 13 would give 18,432 (219 MiB) for about 7 % less time a row.
const GROUP_BITS: usize = 11;
/// The flag of a table place whose entry is taken negated (places are below 2^20).
const NEGATE: u32 = 1 << 31;
/// Columns summed in one batch: enough pairs that the inversions' share is small, few
/// enough that a batch's points (about 2.4 MiB) stay in the cache.
const COLUMNS_PER_BATCH: usize = 32;

/// The comb's tables and the domains of a row and of the frequencies.
pub struct CellProver {
	/// For frequency `j`: `table[j * per_frequency + offsets[t] + s]` is group `t`'s
	/// `P_0 + Σ_b (±P_b)`, with `+P_b` where bit `b − 1` of `s` is set.
	table: Vec<G1Affine>,
	per_frequency: usize,
	/// Group `t` is points `starts[t]..starts[t + 1]`; its entries start at `offsets[t]`.
	starts: Vec<usize>,
	offsets: Vec<usize>,
	/// `(2^255 − 1) · Σ_i Q_ij` for each frequency: the top column's sum, less the `+1` of
	/// every `2k + 1`.
	top: Vec<G1Projective>,
	/// 1/256.
	scale: Scalar,
	extended_domain: Domain,
	domain: Domain,
}

/// The prover for Ethereum's trusted setup, built on first use (about 1.2 s on two
/// cores: 64 G1 FFTs and the tables).
pub fn cell_prover() -> Result<&'static CellProver, DaError> {
	static PROVER: OnceLock<Result<CellProver, String>> = OnceLock::new();
	PROVER
		.get_or_init(|| {
			CellProver::new(&crate::committer::ethereum_setup().g1_monomial[..ELEMENTS_PER_ROW])
		})
		.as_ref()
		.map_err(|e| DaError::Kzg(e.clone()))
}

impl CellProver {
	fn new(monomial: &[G1Affine]) -> Result<Self, String> {
		assert_eq!(monomial.len(), ELEMENTS_PER_ROW, "the setup has a point per element");
		let domain = Domain::new(FREQUENCIES);
		// The FFT of the setup's slice for each offset, the offsets shared between this
		// thread (even) and one more (odd).
		let ffts_of = |first: usize| -> Vec<(usize, Vec<G1Projective>)> {
			(first..CELL)
				.step_by(2)
				.map(|offset| {
					let start = ELEMENTS_PER_ROW - CELL - 1 - offset;
					let mut x: Vec<G1Projective> = (0..BLOCKS - 1)
						.map(|i| G1Projective::from(&monomial[start - i * CELL]))
						.collect();
					x.push(G1Projective::identity());
					(offset, domain.fft_g1(x))
				})
				.collect()
		};
		let ffts = std::thread::scope(|s| {
			let odd = s.spawn(|| ffts_of(1));
			let mut ffts = ffts_of(0);
			ffts.extend(odd.join().map_err(|_| "the setup's FFT thread panicked".to_string())?);
			Ok::<_, String>(ffts)
		})?;
		// Q_ij: the FFT of the setup's slice for offset i, at frequency j (c-kzg's
		// `x_ext_fft_columns`).
		let mut q = vec![G1Projective::identity(); FREQUENCIES * CELL];
		for (offset, fft) in ffts {
			for (j, p) in fft.into_iter().enumerate() {
				q[j * CELL + offset] = p;
			}
		}
		let mut points = vec![G1Affine::identity(); q.len()];
		G1Projective::batch_normalize(&q, &mut points);

		let mut starts = vec![0];
		let groups = CELL.div_ceil(GROUP_BITS);
		for t in 0..groups {
			starts.push(starts[t] + (CELL - starts[t]) / (groups - t));
		}
		let mut offsets = vec![0];
		for t in 0..groups {
			offsets.push(offsets[t] + (1 << (starts[t + 1] - starts[t] - 1)));
		}
		let per_frequency = offsets[groups];
		let mut table = Vec::with_capacity(FREQUENCIES * per_frequency);
		for j in 0..FREQUENCIES {
			table.extend(Self::tables(&points[j * CELL..(j + 1) * CELL], &starts)?);
		}
		let top_scalar = Scalar::from(2u64).pow_vartime([255]) - Scalar::ONE;
		let top = (0..FREQUENCIES)
			.map(|j| {
				let sum: G1Projective = q[j * CELL..(j + 1) * CELL].iter().sum();
				sum * top_scalar
			})
			.collect();
		let scale = Scalar::from(256u64).invert().expect("256 is not zero");
		Ok(Self {
			table,
			per_frequency,
			starts,
			offsets,
			top,
			scale,
			extended_domain: Domain::new(2 * ELEMENTS_PER_ROW),
			domain,
		})
	}

	/// One frequency's group tables, each entry from an earlier one and a doubled point,
	/// a level of entries at a time.
	fn tables(points: &[G1Affine], starts: &[usize]) -> Result<Vec<G1Affine>, String> {
		let groups = starts.len() - 1;
		let missing = || "a sum of the setup's FK20 points is the identity".to_string();
		// Each group's first entry, P_0 − P_1 − … , and its doubled points 2P_b.
		let mut seed = Vec::new();
		let mut bounds = vec![0u32];
		for t in 0..groups {
			let group = &points[starts[t]..starts[t + 1]];
			seed.push(group[0]);
			seed.extend(group[1..].iter().map(|p| -p));
			bounds.push(seed.len() as u32);
			for p in &group[1..] {
				seed.extend([*p, *p]);
				bounds.push(seed.len() as u32);
			}
		}
		let sums = sum_segments(&mut seed, bounds).map_err(|e| e.to_string())?;
		let mut sums = sums.into_iter();
		let mut tables: Vec<Vec<G1Affine>> = Vec::with_capacity(groups);
		let mut doubled: Vec<Vec<G1Affine>> = Vec::with_capacity(groups);
		for t in 0..groups {
			let size = starts[t + 1] - starts[t];
			let mut table = Vec::with_capacity(1 << (size - 1));
			table.push(sums.next().flatten().ok_or_else(missing)?);
			tables.push(table);
			doubled.push(
				(1..size)
					.map(|_| sums.next().flatten().ok_or_else(missing))
					.collect::<Result<_, _>>()?,
			);
		}
		// Level `l` doubles each group's entries, if it has points left: entry `s + 2^l`
		// is entry `s` plus `2P_{l+1}`.
		let widest = (0..groups).map(|t| starts[t + 1] - starts[t]).max().unwrap_or(1);
		for level in 0..widest - 1 {
			let mut pairs = Vec::new();
			let mut bounds = vec![0u32];
			for (table, doubled) in tables.iter().zip(&doubled) {
				if let Some(point) = doubled.get(level) {
					for entry in table {
						pairs.extend([*entry, *point]);
						bounds.push(pairs.len() as u32);
					}
				}
			}
			let mut sums = sum_segments(&mut pairs, bounds).map_err(|e| e.to_string())?.into_iter();
			for (table, doubled) in tables.iter_mut().zip(&doubled) {
				if level < doubled.len() {
					for _ in 0..table.len() {
						table.push(sums.next().flatten().ok_or_else(missing)?);
					}
				}
			}
		}
		Ok(tables.concat())
	}

	/// A row given as a c-kzg blob (4096 big-endian field elements of 32 bytes) extended
	/// to its 128 cells, and their proofs, by column: c-kzg's
	/// `compute_cells_and_kzg_proofs`, byte for byte.
	pub fn extend(&self, blob: &[u8]) -> Result<(Vec<[u8; CELL_BYTES]>, Vec<CellProof>), DaError> {
		self.extend_coefficients(row_coefficients(blob)?)
	}

	/// [`CellProver::extend`] of the row whose polynomial has these 4096 coefficients
	/// ([`row_coefficients`]).
	pub(crate) fn extend_coefficients(
		&self,
		poly: Vec<Scalar>,
	) -> Result<(Vec<[u8; CELL_BYTES]>, Vec<CellProof>), DaError> {
		// The cells: the polynomial on twice the domain, in bit-reversed order.
		let proofs = self.proofs(&poly)?;
		let mut values = self.extended_domain.fft_scalars(PolyCoeff(poly));
		bit_reverse(&mut values);
		let cells = values
			.chunks_exact(CELL)
			.map(|cell| {
				let mut bytes = [0u8; CELL_BYTES];
				for (out, value) in bytes.chunks_exact_mut(32).zip(cell) {
					out.copy_from_slice(&value.to_bytes_be());
				}
				bytes
			})
			.collect();
		Ok((cells, proofs))
	}

	/// The 128 cell proofs of the polynomial with coefficients `poly`, by column.
	fn proofs(&self, poly: &[Scalar]) -> Result<Vec<CellProof>, DaError> {
		// The comb's digits: m = k + 2^255 for k = w_i[j] / 256 (so 2k = w_i[j] / 128), as
		// little-endian limbs.
		let mut m = vec![[0u64; 4]; FREQUENCIES * CELL];
		let last = ELEMENTS_PER_ROW - 1;
		for i in 0..CELL {
			let mut c = vec![Scalar::ZERO; FREQUENCIES];
			c[0] = poly[last - i];
			for b in 1..BLOCKS - 1 {
				c[FREQUENCIES - b] = poly[last - i - b * CELL];
			}
			let w = self.domain.fft_scalars(PolyCoeff(c));
			for (j, w) in w.iter().enumerate() {
				let bytes = (w * self.scale).to_bytes_le();
				let mut limbs: [u64; 4] = core::array::from_fn(|k| {
					u64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().expect("8 bytes"))
				});
				limbs[3] |= 1 << 63;
				m[j * CELL + i] = limbs;
			}
		}
		let u = self.comb(&m)?;
		// v = the inverse FFT of u, unscaled (the scalars carried 1/128): v_t = U_{−t},
		// where U is u's forward FFT; its upper half is dropped.
		let spectrum = self.domain.fft_g1(u);
		let mut v = vec![G1Projective::identity(); FREQUENCIES];
		v[0] = spectrum[0];
		for t in 1..BLOCKS {
			v[t] = spectrum[FREQUENCIES - t];
		}
		let mut proofs = self.domain.fft_g1(v);
		bit_reverse(&mut proofs);
		let mut affine = vec![G1Affine::identity(); proofs.len()];
		G1Projective::batch_normalize(&proofs, &mut affine);
		Ok(affine.iter().map(|p| p.to_compressed()).collect())
	}

	/// `u_j = Σ_i 2k_ij · Q_ij` for every frequency `j`, given each scalar `k_ij` as
	/// `m = k + 2^255` (little-endian limbs, `m[j * 64 + i]`): the comb's
	/// `Σ_i (2k_ij + 1) · Q_ij`, less `Σ_i Q_ij`.
	fn comb(&self, m: &[[u64; 4]]) -> Result<Vec<G1Projective>, DaError> {
		let groups = self.starts.len() - 1;
		// Each frequency's, group's and column's table entry: bit 0 the sign point's
		// digit, the rest the other points' (bit-sliced out of the scalars in one pass).
		let mut entries = vec![0u16; FREQUENCIES * groups * 256];
		for j in 0..FREQUENCIES {
			for t in 0..groups {
				let column = &mut entries[(j * groups + t) * 256..][..256];
				for (b, d) in
					m[j * CELL + self.starts[t]..j * CELL + self.starts[t + 1]].iter().enumerate()
				{
					for (limb, word) in d.iter().enumerate() {
						for (shift, e) in column[limb * 64..limb * 64 + 64].iter_mut().enumerate() {
							*e |= (((word >> shift) & 1) as u16) << b;
						}
					}
				}
			}
		}
		let mut acc = vec![G1Affine::identity(); FREQUENCIES];
		let mut acc_identity = vec![true; FREQUENCIES];
		let mut doubled = Vec::with_capacity(FREQUENCIES);
		let mut identity = Vec::new();
		let mut work = Work::default();
		let mut high = COLUMNS_BELOW_TOP;
		let mut points = Vec::with_capacity(FREQUENCIES * COLUMNS_PER_BATCH * groups);
		let mut places: Vec<u32> = Vec::with_capacity(points.capacity());
		while high > 0 {
			let low = high.saturating_sub(COLUMNS_PER_BATCH);
			let width = high - low;
			points.clear();
			// The entries' places first (an index into the table, and whether to negate the
			// entry), then the points, each fetched ahead of its use: the table (63 MiB) is
			// read at random, and its reads are what this pass waits on.
			places.clear();
			for j in 0..FREQUENCIES {
				let columns = &entries[j * groups * 256..(j + 1) * groups * 256];
				for c in (low..high).rev() {
					for t in 0..groups {
						let e = columns[t * 256 + c] as usize;
						let base = j * self.per_frequency + self.offsets[t];
						let size = self.offsets[t + 1] - self.offsets[t];
						let index = e >> 1;
						places.push(if e & 1 == 1 {
							(base + index) as u32
						} else {
							(base + (!index & (size - 1))) as u32 | NEGATE
						});
					}
				}
			}
			const AHEAD: usize = 16;
			for (k, place) in places.iter().enumerate() {
				if let Some(next) = places.get(k + AHEAD) {
					prefetch(&self.table[(next & !NEGATE) as usize]);
				}
				let p = &self.table[(place & !NEGATE) as usize];
				points.push(if place & NEGATE == 0 {
					*p
				} else {
					G1Affine::from_raw_unchecked(p.x(), -p.y(), false)
				});
			}
			identity.clear();
			identity.resize(points.len(), false);
			sum_runs(&mut points, &mut identity, groups, &mut work)?;
			// Horner: acc = 2·acc + S_c, from the batch's highest column down, each step
			// across every frequency at once.
			for k in 0..width {
				doubled.clear();
				doubled.extend(acc.iter().copied().zip(acc_identity.iter().copied()));
				add_into(&mut acc, &mut acc_identity, |j| doubled[j], &mut work)?;
				add_into(
					&mut acc,
					&mut acc_identity,
					|j| (points[j * width + k], identity[j * width + k]),
					&mut work,
				)?;
			}
			high = low;
		}
		Ok(acc
			.iter()
			.zip(&acc_identity)
			.zip(&self.top)
			.map(|((acc, identity), top)| if *identity { *top } else { top + acc })
			.collect())
	}
}

/// Scratch for the batched additions: the pairs' kinds and their slopes' denominators.
#[derive(Default)]
struct Work {
	kinds: Vec<Kind>,
	denominators: Vec<Fp>,
	prefix: Vec<Fp>,
}

/// `acc[k] += other(k)` for every `k`, with one inversion; identities are flagged beside
/// the points (`identity`), and any pair sums exactly.
fn add_into(
	acc: &mut [G1Affine],
	identity: &mut [bool],
	other: impl Fn(usize) -> (G1Affine, bool),
	work: &mut Work,
) -> Result<(), DaError> {
	work.kinds.clear();
	work.denominators.clear();
	for (k, (p, p_identity)) in acc.iter().zip(identity.iter()).enumerate() {
		let (q, q_identity) = other(k);
		let (kind, denominator) = kind(p, *p_identity, &q, q_identity);
		work.kinds.push(kind);
		work.denominators.extend(denominator);
	}
	batch_invert(&mut work.denominators, &mut work.prefix)?;
	let mut inverses = work.denominators.iter();
	for (k, (p, p_identity)) in acc.iter_mut().zip(identity.iter_mut()).enumerate() {
		let kind = work.kinds[k];
		let inverse = kind.has_slope().then(|| inverses.next()).flatten();
		let (q, _) = other(k);
		(*p, *p_identity) = finish(p, &q, kind, inverse);
	}
	Ok(())
}

/// Sums each run of `size` consecutive points of `points` (identities flagged in
/// `identity`) in place: run `k`'s sum ends at `points[k]`. Each round sums every run's
/// points in pairs, all with one inversion; a pair's sum goes to a slot no later than the
/// pair, and is written after the pair is read, so no point is overwritten unread.
fn sum_runs(
	points: &mut Vec<G1Affine>,
	identity: &mut Vec<bool>,
	size: usize,
	work: &mut Work,
) -> Result<(), DaError> {
	let runs = points.len() / size;
	let mut len = size;
	while len > 1 {
		let (half, next) = (len / 2, len.div_ceil(2));
		work.kinds.clear();
		work.denominators.clear();
		for run in 0..runs {
			for i in 0..half {
				let (a, b) = (run * len + 2 * i, run * len + 2 * i + 1);
				let (kind, denominator) = kind(&points[a], identity[a], &points[b], identity[b]);
				work.kinds.push(kind);
				work.denominators.extend(denominator);
			}
		}
		batch_invert(&mut work.denominators, &mut work.prefix)?;
		let mut inverses = work.denominators.iter();
		let mut kinds = work.kinds.iter();
		for run in 0..runs {
			for i in 0..half {
				let (a, b) = (run * len + 2 * i, run * len + 2 * i + 1);
				let kind = *kinds.next().expect("a kind per pair");
				let inverse = kind.has_slope().then(|| inverses.next()).flatten();
				let slot = run * next + i;
				(points[slot], identity[slot]) = finish(&points[a], &points[b], kind, inverse);
			}
			if len % 2 == 1 {
				let (from, slot) = (run * len + len - 1, run * next + half);
				points[slot] = points[from];
				identity[slot] = identity[from];
			}
		}
		len = next;
	}
	points.truncate(runs);
	identity.truncate(runs);
	Ok(())
}

/// Asks the CPU to start loading `p`'s cache lines (a hint, no effect on the result).
#[inline(always)]
fn prefetch(p: &G1Affine) {
	#[cfg(target_arch = "x86_64")]
	// SAFETY: a prefetch reads nothing the program sees and cannot fault; `p` is a valid
	// reference, and the point's second line is within it.
	unsafe {
		use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
		let at = p as *const G1Affine as *const i8;
		_mm_prefetch(at, _MM_HINT_T0);
		_mm_prefetch(at.add(64), _MM_HINT_T0);
	}
	#[cfg(not(target_arch = "x86_64"))]
	let _ = p;
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_rows::{blob_of, edge_rows, r, random_row};
	use proptest::prelude::*;

	fn c_kzg_extend(blob: &[u8]) -> (Vec<[u8; CELL_BYTES]>, Vec<CellProof>) {
		let blob = c_kzg::Blob::from_bytes(blob).unwrap();
		let (cells, proofs) = crate::settings().compute_cells_and_kzg_proofs(&blob).unwrap();
		(
			cells.iter().map(|c| c.to_bytes()).collect(),
			proofs.iter().map(|p| p.to_bytes().into_inner()).collect(),
		)
	}

	#[test]
	fn extended_rows_are_c_kzgs_on_edge_rows() {
		let prover = cell_prover().unwrap();
		let rows = edge_rows();
		for (n, row) in rows.iter().enumerate() {
			assert!(prover.extend(row).unwrap() == c_kzg_extend(row), "row {n}");
		}
	}

	#[test]
	fn a_row_that_is_not_field_elements_is_an_error() {
		let row = blob_of(|i| if i == 7 { r() } else { [0; 32] });
		let err = cell_prover().unwrap().extend(&row).unwrap_err().to_string();
		assert!(err.contains("element 7"), "{err}");
		assert!(cell_prover().unwrap().extend(&row[1..]).is_err());
	}

	fn p(k: u64) -> G1Affine {
		G1Affine::from(G1Projective::generator() * Scalar::from(k))
	}

	fn sum(points: &[(G1Affine, bool)]) -> (G1Affine, bool) {
		let s: G1Projective = points
			.iter()
			.filter(|(_, identity)| !identity)
			.fold(G1Projective::identity(), |acc, (p, _)| acc + p);
		if bool::from(s.is_identity()) {
			(G1Affine::identity(), true)
		} else {
			(s.to_affine(), false)
		}
	}

	#[test]
	fn runs_sum_exactly_with_equal_opposite_and_identity_points() {
		let none = (G1Affine::identity(), true);
		let some = |k: u64| (p(k), false);
		let neg = |k: u64| (-p(k), false);
		// Runs of three: a doubling, a cancelling pair then a point, a pair whose sum then
		// doubles the third, identities in every place, all identities, a sum to the
		// identity at the last step.
		let runs = [
			[some(5), some(5), some(1)],
			[some(9), neg(9), some(4)],
			[some(1), some(2), some(3)],
			[none, some(3), some(3)],
			[some(3), none, some(3)],
			[some(3), some(3), none],
			[none, none, none],
			[some(2), some(5), neg(7)],
		];
		let (mut points, mut identity): (Vec<_>, Vec<_>) = runs.iter().flatten().copied().unzip();
		sum_runs(&mut points, &mut identity, 3, &mut Work::default()).unwrap();
		let got: Vec<_> = points.into_iter().zip(identity).collect();
		let expected: Vec<_> = runs.iter().map(|r| sum(r)).collect();
		assert!(got == expected);
		assert!(expected[0] == some(11) && expected[6] == none && expected[7] == none);
	}

	#[test]
	fn add_into_is_exact_with_equal_opposite_and_identity_points() {
		let none = (G1Affine::identity(), true);
		let some = |k: u64| (p(k), false);
		let pairs = [
			(none, none),
			(none, some(4)),
			(some(4), none),
			(some(6), some(6)),
			(some(6), (-p(6), false)),
			(some(2), some(3)),
		];
		let (mut acc, mut identity): (Vec<_>, Vec<_>) = pairs.iter().map(|(a, _)| *a).unzip();
		add_into(&mut acc, &mut identity, |k| pairs[k].1, &mut Work::default()).unwrap();
		let got: Vec<_> = acc.into_iter().zip(identity).collect();
		let expected: Vec<_> = pairs.iter().map(|(a, b)| sum(&[*a, *b])).collect();
		assert!(got == expected);
		assert!(expected[3] == some(12) && expected[4] == none);
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(4))]

		#[test]
		fn extended_rows_are_c_kzgs(seed in any::<u64>(), sparse in any::<bool>()) {
			let row = random_row(seed, sparse);
			prop_assert!(cell_prover().unwrap().extend(&row).unwrap() == c_kzg_extend(&row));
		}
	}
}
