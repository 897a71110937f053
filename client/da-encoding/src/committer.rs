//! Row commitments by a fixed-base multi-scalar multiplication with every window
//! precomputed: the same commitments as c-kzg's `blob_to_kzg_commitment`, in about four
//! fifths of its time (`cargo bench -p zerog-da-encoding --bench commit`).
//!
//! A row's commitment is `Σ c_i · [τ^i]G`, where `c` are the coefficients of the
//! polynomial that takes the row's field elements on the domain of 4096 roots of unity
//! in bit-reversed order (EIP-4844's layout; an inverse FFT) and `[τ^i]G` the trusted
//! setup's monomial points. c-kzg computes the same sum over the Lagrange points with a
//! general-purpose Pippenger MSM, which pays, for each of about 26 windows of each
//! scalar, one bucket addition per point, one pass over the buckets and the window's
//! doublings. The points never change, so this module precomputes, once, each point
//! times `2^(13·j)` for every window `j` (4096 × 20 points, 7.5 MiB), which turns the
//! whole MSM into one bucket pass:
//!
//! 1. each coefficient is cut into 20 signed 13-bit digits `d_j ∈ [-4096, 4096]`, so
//!    `c_i · P_i = Σ_j d_j · (2^(13·j) P_i)`;
//! 2. each non-zero digit sends its precomputed point (negated if `d_j < 0`) to bucket
//!    `|d_j|`: about 81,900 points into 4096 buckets;
//! 3. every bucket's points are summed at once, in rounds of pairwise additions in
//!    affine coordinates whose slope denominators are inverted together (Montgomery's
//!    trick): an addition then costs about six field multiplications, where a
//!    Pippenger bucket addition costs ten;
//! 4. `Σ_b b · B_b` by running sums over groups of buckets, advanced in lockstep so that
//!    their additions too share inversions ([`weighted_sum`]).
//!
//! The affine addition formula needs two points with different x. Pairs with the same x
//! are either equal (doubled, with the tangent's slope) or opposite (both dropped: their
//! sum is the identity), so any input, however chosen, gets the exact sum. The module's
//! tests compare its commitments with c-kzg's.

use std::sync::OnceLock;

use blstrs::{Fp, G1Affine, G1Projective, Scalar};
use ekzg_bls12_381::traits::*;
use ekzg_polynomial::domain::Domain;
use zerog_da_primitives::{Commitment, ELEMENTS_PER_ROW};

use crate::{
	affine::{batch_invert, finish, kind, Kind},
	DaError,
};

/// Bits per signed digit.
const WINDOW_BITS: usize = 13;
/// Digits per scalar: 20 × 13 = 260 bits hold any scalar below 2^255 and its last carry.
const WINDOWS: usize = 20;
/// Buckets: digit magnitudes 1..=2^12.
const BUCKETS: usize = 1 << (WINDOW_BITS - 1);

/// The precomputed points.
pub struct RowCommitter {
	/// `table[i * WINDOWS + j] = 2^(13·j) · [τ^i]G`.
	table: Vec<G1Affine>,
}

/// The committer for Ethereum's trusted setup, built on first use (about half a second:
/// reading the setup's 4096 monomial points and doubling each 247 times).
pub fn row_committer() -> &'static RowCommitter {
	static COMMITTER: OnceLock<RowCommitter> = OnceLock::new();
	COMMITTER.get_or_init(|| RowCommitter::new(&ethereum_setup().g1_monomial[..ELEMENTS_PER_ROW]))
}

/// Ethereum's trusted setup as the pure-Rust KZG crates hold it, parsed once (the
/// committer and the prover both build on it).
pub(crate) fn ethereum_setup() -> &'static ekzg_trusted_setup::TrustedSetup {
	static SETUP: OnceLock<ekzg_trusted_setup::TrustedSetup> = OnceLock::new();
	SETUP.get_or_init(ekzg_trusted_setup::TrustedSetup::default)
}

impl RowCommitter {
	/// Precomputes every window of `points`, the setup's `[τ^i]G` for `i` in `0..4096`
	/// ([`row_committer`] is the one caller).
	fn new(points: &[G1Affine]) -> Self {
		assert_eq!(points.len(), ELEMENTS_PER_ROW, "the setup has a point per element");
		let mut table = vec![G1Affine::identity(); points.len() * WINDOWS];
		// 256 points' windows at a time, so that the projective points do not all wait at
		// once (they are half again the table's size).
		let mut projective = Vec::with_capacity(256 * WINDOWS);
		for (points, table) in points.chunks(256).zip(table.chunks_mut(256 * WINDOWS)) {
			projective.clear();
			for point in points {
				let mut p = G1Projective::from(point);
				for j in 0..WINDOWS {
					if j > 0 {
						for _ in 0..WINDOW_BITS {
							p = p.double();
						}
					}
					projective.push(p);
				}
			}
			G1Projective::batch_normalize(&projective, table);
		}
		Self { table }
	}

	/// The commitment to a row given as a c-kzg blob: 4096 big-endian field elements of
	/// 32 bytes. The same bytes as `c_kzg::KzgSettings::blob_to_kzg_commitment`.
	pub fn commit(&self, blob: &[u8]) -> Result<Commitment, DaError> {
		self.commit_coefficients(&row_coefficients(blob)?)
	}

	/// The commitment to the polynomial with these 4096 coefficients ([`row_coefficients`]
	/// of a row).
	pub(crate) fn commit_coefficients(
		&self,
		coefficients: &[Scalar],
	) -> Result<Commitment, DaError> {
		Ok(self.msm(coefficients)?.to_compressed())
	}

	/// `Σ coefficients[i] · points[i]`.
	fn msm(&self, coefficients: &[Scalar]) -> Result<G1Affine, DaError> {
		// Digits, and how many points each bucket gets.
		let mut digits = vec![0i16; coefficients.len() * WINDOWS];
		let mut counts = vec![0u32; BUCKETS + 1];
		for (scalar, digits) in coefficients.iter().zip(digits.chunks_exact_mut(WINDOWS)) {
			signed_digits(&scalar.to_bytes_le(), digits);
			for d in digits.iter() {
				counts[d.unsigned_abs() as usize] += 1;
			}
		}
		// Bucket b's points go to starts[b]..starts[b + 1] (bucket 0, the zero digits, to
		// nowhere).
		let mut starts = vec![0u32; BUCKETS + 1];
		for b in 1..BUCKETS {
			starts[b + 1] = starts[b] + counts[b];
		}
		let total = (starts[BUCKETS] + counts[BUCKETS]) as usize;
		let mut next = starts.clone();
		// Each bucket's points, negated for a negative digit. The table is read in its
		// order (the digits'), which is what makes this copy cheap.
		let mut points = vec![G1Affine::identity(); total];
		for (index, d) in digits.iter().enumerate() {
			if *d == 0 {
				continue;
			}
			let at = &mut next[d.unsigned_abs() as usize];
			let p = &self.table[index];
			points[*at as usize] = if *d < 0 { -p } else { *p };
			*at += 1;
		}
		drop(digits);
		// starts[b]..starts[b + 1] for b in 1..=BUCKETS, as segment (b - 1).
		let mut bounds: Vec<u32> = starts[1..].to_vec();
		bounds.push(total as u32);
		let sums = sum_segments(&mut points, bounds)?;
		Ok(weighted_sum(&sums)?.to_affine())
	}
}

/// The coefficients of the polynomial that takes a row's field elements (a c-kzg blob:
/// 4096 big-endian elements of 32 bytes) on the domain of 4096 roots of unity in
/// bit-reversed order, EIP-4844's layout: an inverse FFT. The committer and the prover
/// both start from it, so the encoder computes it once a row.
pub(crate) fn row_coefficients(blob: &[u8]) -> Result<Vec<Scalar>, DaError> {
	if blob.len() != ELEMENTS_PER_ROW * 32 {
		return Err(DaError::Kzg(format!(
			"a row is {} bytes, not {}",
			ELEMENTS_PER_ROW * 32,
			blob.len()
		)));
	}
	let mut elements = Vec::with_capacity(ELEMENTS_PER_ROW);
	for (i, chunk) in blob.chunks_exact(32).enumerate() {
		let bytes: &[u8; 32] = chunk.try_into().expect("chunks of 32");
		let element = Option::<Scalar>::from(Scalar::from_bytes_be(bytes)).ok_or_else(|| {
			DaError::Kzg(format!("element {i} of the row is not a field element"))
		})?;
		elements.push(element);
	}
	bit_reverse(&mut elements);
	Ok(row_domain().ifft_scalars(elements).0)
}

/// The domain of a row's 4096 roots of unity, built once.
pub(crate) fn row_domain() -> &'static Domain {
	static DOMAIN: OnceLock<Domain> = OnceLock::new();
	DOMAIN.get_or_init(|| Domain::new(ELEMENTS_PER_ROW))
}

/// Puts `a` (a power-of-two length) in bit-reversed order.
pub(crate) fn bit_reverse<T>(a: &mut [T]) {
	let bits = a.len().trailing_zeros();
	if bits == 0 {
		return;
	}
	for i in 0..a.len() {
		let j = i.reverse_bits() >> (usize::BITS - bits);
		if i < j {
			a.swap(i, j);
		}
	}
}

/// A scalar below 2^255 (little-endian bytes) as [`WINDOWS`] signed digits of
/// [`WINDOW_BITS`] bits, each in `[-2^12, 2^12]`: `scalar = Σ_j d_j · 2^(13·j)`.
fn signed_digits(scalar: &[u8; 32], out: &mut [i16]) {
	let limbs: [u64; 4] = core::array::from_fn(|k| {
		u64::from_le_bytes(scalar[8 * k..8 * k + 8].try_into().expect("8 bytes"))
	});
	let bits = |offset: usize| -> u64 {
		let (limb, shift) = (offset / 64, offset % 64);
		let low = limbs.get(limb).copied().unwrap_or(0) >> shift;
		let high = match shift {
			0 => 0,
			_ => limbs.get(limb + 1).copied().unwrap_or(0) << (64 - shift),
		};
		(low | high) & ((1 << WINDOW_BITS) - 1)
	};
	let mut carry = 0i32;
	for (j, out) in out.iter_mut().enumerate().take(WINDOWS) {
		let v = bits(j * WINDOW_BITS) as i32 + carry;
		if v > BUCKETS as i32 {
			*out = (v - (1 << WINDOW_BITS)) as i16;
			carry = 1;
		} else {
			*out = v as i16;
			carry = 0;
		}
	}
	debug_assert_eq!(carry, 0, "a scalar below 2^255 leaves no carry");
}

/// Pairs summed with one batched inversion: enough to make the inversion's share small,
/// few enough that the round's working set stays in the cache.
const CHUNK: usize = 2048;

/// One chunk of a round's pairs: each summed into its slot of the round's output.
#[derive(Default)]
struct Chunk {
	pairs: Vec<(G1Affine, G1Affine)>,
	slots: Vec<u32>,
	kinds: Vec<Kind>,
	denominators: Vec<Fp>,
	scratch: Vec<Fp>,
}

impl Chunk {
	/// Queues `p + q` (`q`: `None` for a segment's odd last point) for `slot`. Points can
	/// be the identity only after a pair cancelled (`identities`), so only then are they
	/// checked for it.
	fn push(&mut self, p: G1Affine, q: Option<G1Affine>, slot: u32, identities: bool) {
		let is_identity = |p: &G1Affine| identities && bool::from(p.is_identity());
		let q_identity = q.as_ref().is_none_or(is_identity);
		let q = q.unwrap_or(G1Affine::identity());
		let (kind, denominator) = kind(&p, is_identity(&p), &q, q_identity);
		self.kinds.push(kind);
		self.denominators.extend(denominator);
		self.pairs.push((p, q));
		self.slots.push(slot);
	}

	/// Sums the queued pairs into `out` at their slots (the identity where they cancel);
	/// whether any cancelled.
	fn flush(&mut self, out: &mut [G1Affine]) -> Result<bool, DaError> {
		batch_invert(&mut self.denominators, &mut self.scratch)?;
		let mut inverses = self.denominators.iter();
		let mut cancelled = false;
		for (((p, q), kind), slot) in self.pairs.iter().zip(&self.kinds).zip(&self.slots) {
			let inverse = kind.has_slope().then(|| inverses.next()).flatten();
			let (sum, identity) = finish(p, q, *kind, inverse);
			cancelled |= identity;
			out[*slot as usize] = sum;
		}
		self.pairs.clear();
		self.slots.clear();
		self.kinds.clear();
		self.denominators.clear();
		Ok(cancelled)
	}
}

/// The sum of each segment `bounds[k]..bounds[k + 1]` of `points` (`None`: the
/// identity), for every segment at once. Each round sums every segment's points in
/// pairs, [`CHUNK`] pairs to a batched inversion, until each holds at most one. It works
/// in place: a pair's sum goes to a slot no later than the pair itself, and a chunk's
/// pairs are all read before any of its sums is written, so no point is overwritten
/// before it is read. Beyond the points, the working memory is one chunk.
///
/// No denominator is zero (x differs, or y of a point of G1's prime order is not zero),
/// so the inversion cannot fail; were it to, the error says so rather than a wrong sum.
pub(crate) fn sum_segments(
	points: &mut Vec<G1Affine>,
	mut bounds: Vec<u32>,
) -> Result<Vec<Option<G1Affine>>, DaError> {
	let mut chunk = Chunk::default();
	let mut next_bounds = Vec::with_capacity(bounds.len());
	let mut identities = false;
	while bounds.windows(2).any(|w| w[1] - w[0] > 1) {
		next_bounds.clear();
		next_bounds.push(0u32);
		let mut slot = 0u32;
		let mut cancelled = false;
		for w in bounds.windows(2) {
			let (start, end) = (w[0], w[1]);
			let mut r = start;
			while r < end {
				let (p, q) = (points[r as usize], (r + 1 < end).then(|| points[r as usize + 1]));
				chunk.push(p, q, slot, identities);
				slot += 1;
				r += 2;
				if chunk.pairs.len() == CHUNK {
					cancelled |= chunk.flush(points)?;
				}
			}
			next_bounds.push(slot);
		}
		cancelled |= chunk.flush(points)?;
		identities |= cancelled;
		points.truncate(slot as usize);
		std::mem::swap(&mut bounds, &mut next_bounds);
	}
	Ok(bounds
		.windows(2)
		.map(|w| {
			(w[1] > w[0]).then(|| points[w[0] as usize]).filter(|p| !bool::from(p.is_identity()))
		})
		.collect())
}

/// Buckets summed in lockstep by [`weighted_sum`]: 256 groups of 16.
const GROUP: usize = 16;

/// `Σ_b (b + 1) · sums[b]` (`None`: the identity). The usual running sum (from the top
/// bucket down, add the bucket to a running total and the running total to the result)
/// is sequential, so each of its 8192 additions would pay a projective addition. Split
/// into groups of [`GROUP`] buckets, the groups' running sums advance in lockstep, and
/// each step's additions across all groups share one inversion (a [`Chunk`], as the
/// buckets' own sums do). Group `g` (buckets
/// `16g..16g + 16`) ends with `S_g`, its buckets' sum, and `T_g = Σ_t (t + 1) · B_{16g+t}`;
/// the whole is `Σ_g T_g + 16 · Σ_g g · S_g`.
fn weighted_sum(sums: &[Option<G1Affine>]) -> Result<G1Projective, DaError> {
	debug_assert_eq!(sums.len() % GROUP, 0);
	let groups = sums.len() / GROUP;
	// The identity stands for an empty sum; the chunk's pairs check for it.
	let mut running = vec![G1Affine::identity(); groups];
	let mut total = vec![G1Affine::identity(); groups];
	let mut chunk = Chunk::default();
	for t in (0..GROUP).rev() {
		for (g, running) in running.iter().enumerate() {
			let bucket = sums[g * GROUP + t].unwrap_or(G1Affine::identity());
			chunk.push(*running, Some(bucket), g as u32, true);
		}
		chunk.flush(&mut running)?;
		for (g, (total, running)) in total.iter().zip(&running).enumerate() {
			chunk.push(*total, Some(*running), g as u32, true);
		}
		chunk.flush(&mut total)?;
	}
	let present = |p: &&G1Affine| !bool::from(p.is_identity());
	// Σ_g g · S_g, by the running sum over the groups.
	let mut acc = G1Projective::identity();
	let mut weighted = G1Projective::identity();
	for s in running.iter().skip(1).rev() {
		if present(&s) {
			acc += s;
		}
		weighted += acc;
	}
	let mut result = weighted;
	for _ in 0..GROUP.trailing_zeros() {
		result = result.double();
	}
	for t in total.iter().filter(present) {
		result += t;
	}
	Ok(result)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_rows::{blob_of, edge_rows, r, random_row};
	use proptest::prelude::*;

	fn c_kzg_commitment(blob: &[u8]) -> Result<Commitment, c_kzg::Error> {
		let blob = c_kzg::Blob::from_bytes(blob)?;
		Ok(crate::verifier().blob_to_kzg_commitment(&blob)?.to_bytes().into_inner())
	}

	#[test]
	fn commitments_are_c_kzgs_on_edge_rows() {
		let committer = row_committer();
		let rows = edge_rows();
		for (n, row) in rows.iter().enumerate() {
			assert_eq!(committer.commit(row).unwrap(), c_kzg_commitment(row).unwrap(), "row {n}");
		}
	}

	#[test]
	fn a_row_that_is_not_field_elements_is_an_error_as_in_c_kzg() {
		let committer = row_committer();
		// r itself at element 100.
		let row = blob_of(|i| if i == 100 { r() } else { [0; 32] });
		assert!(c_kzg_commitment(&row).is_err());
		let err = committer.commit(&row).unwrap_err().to_string();
		assert!(err.contains("element 100"), "{err}");
		// A blob of the wrong length.
		assert!(committer.commit(&row[..row.len() - 1]).is_err());
	}

	#[test]
	fn equal_and_opposite_points_in_a_bucket_sum_exactly() {
		let g = G1Affine::generator();
		let p = |k: u64| G1Affine::from(G1Projective::generator() * Scalar::from(k));
		// Segments: [P, P] (a doubling), [P, -P] (the identity), [P, -P, Q], [],
		// [P, P, 2P, 4P, -8P] (a doubling, then sums that cancel), and a long one.
		let segments: Vec<Vec<G1Affine>> = vec![
			vec![g, g],
			vec![g, -g],
			vec![p(5), -p(5), p(9)],
			vec![],
			vec![g, g, p(2), p(4), -p(8)],
			(1..=37).map(p).collect(),
		];
		let mut points = Vec::new();
		let mut bounds = vec![0u32];
		for s in &segments {
			points.extend_from_slice(s);
			bounds.push(points.len() as u32);
		}
		let sums = sum_segments(&mut points, bounds).unwrap();
		let expected: Vec<Option<G1Affine>> = segments
			.iter()
			.map(|s| {
				let sum: G1Projective = s.iter().fold(G1Projective::identity(), |acc, p| acc + p);
				(!bool::from(sum.is_identity())).then(|| sum.to_affine())
			})
			.collect();
		assert_eq!(sums, expected);
		assert_eq!(expected[0], Some(p(2)));
		assert_eq!(expected[1], None);
		assert_eq!(expected[4], None);
	}

	#[test]
	fn the_weighted_bucket_sum_is_exact_with_empty_equal_and_opposite_running_sums() {
		let p = |k: u64| G1Affine::from(G1Projective::generator() * Scalar::from(k));
		let mut sums: Vec<Option<G1Affine>> =
			(0..BUCKETS as u64).map(|b| (b % 7 != 3).then(|| p(b * b + 1))).collect();
		// Group 0: the running sum cancels to the identity (P, then -P).
		sums[15] = Some(p(1000));
		sums[14] = Some(-p(1000));
		// Group 1: its top bucket alone, then an empty one: the running sum is added to an
		// equal total (a doubling).
		sums[31] = Some(p(77));
		sums[30] = None;
		// Group 2 all empty.
		sums[32..48].fill(None);
		let expected =
			sums.iter().enumerate().fold(G1Projective::identity(), |acc, (b, s)| match s {
				Some(s) => acc + G1Projective::from(s) * Scalar::from(b as u64 + 1),
				None => acc,
			});
		assert_eq!(weighted_sum(&sums).unwrap(), expected);
		assert_eq!(weighted_sum(&vec![None; BUCKETS]).unwrap(), G1Projective::identity());
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(6))]

		#[test]
		fn commitments_are_c_kzgs(seed in any::<u64>(), sparse in any::<bool>()) {
			let row = random_row(seed, sparse);
			prop_assert_eq!(row_committer().commit(&row).unwrap(), c_kzg_commitment(&row).unwrap());
		}

		#[test]
		fn signed_digits_recompose_the_scalar(limbs in any::<[u64; 4]>()) {
			let mut bytes = [0u8; 32];
			for (k, limb) in limbs.iter().enumerate() {
				bytes[8 * k..8 * k + 8].copy_from_slice(&limb.to_le_bytes());
			}
			bytes[31] &= 0x3f;
			let scalar = Option::<Scalar>::from(Scalar::from_bytes_le(&bytes)).unwrap();
			let mut digits = [0i16; WINDOWS];
			signed_digits(&bytes, &mut digits);
			let mut sum = Scalar::ZERO;
			let mut weight = Scalar::ONE;
			for d in digits {
				prop_assert!(d.unsigned_abs() as usize <= BUCKETS);
				let magnitude = Scalar::from(d.unsigned_abs() as u64);
				sum += if d < 0 { -magnitude } else { magnitude } * weight;
				weight *= Scalar::from(1u64 << WINDOW_BITS);
			}
			prop_assert_eq!(sum, scalar);
		}
	}
}
