//! What the committer's and the prover's batched sums share: the sum of two affine
//! points given the inverse of its slope's denominator, and Montgomery's batched
//! inversion of those denominators. A sum is exact for any two points: different x is a
//! chord, the same point a tangent, opposite points or two identities the identity, and
//! an identity leaves the other point.

use blstrs::{Fp, G1Affine};
use ekzg_bls12_381::traits::*;

use crate::DaError;

/// How a sum `p + q` is made.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
	/// Different x: the chord's slope, `(y2 − y1) / (x2 − x1)`.
	Add,
	/// The same point: the tangent's slope, `3x² / 2y`.
	Double,
	/// Opposite points, or both the identity.
	Identity,
	/// `q` is the identity: `p`.
	P,
	/// `p` is the identity: `q`.
	Q,
}

impl Kind {
	/// Whether the sum needs its slope's denominator inverted.
	pub(crate) fn has_slope(self) -> bool {
		matches!(self, Kind::Add | Kind::Double)
	}
}

/// `p + q`'s kind (whether each is the identity given beside it), and the slope's
/// denominator where it has one.
#[inline]
pub(crate) fn kind(
	p: &G1Affine,
	p_identity: bool,
	q: &G1Affine,
	q_identity: bool,
) -> (Kind, Option<Fp>) {
	match (p_identity, q_identity) {
		(true, true) => (Kind::Identity, None),
		(false, true) => (Kind::P, None),
		(true, false) => (Kind::Q, None),
		(false, false) => {
			let (px, qx) = (p.x(), q.x());
			if px != qx {
				(Kind::Add, Some(qx - px))
			} else if p.y() == q.y() {
				(Kind::Double, Some(p.y().double()))
			} else {
				(Kind::Identity, None)
			}
		}
	}
}

/// `p + q` of the given kind, with the inverse of its denominator (for the kinds that
/// have one): the sum, and whether it is the identity (then `G1Affine::identity()`).
#[inline]
pub(crate) fn finish(
	p: &G1Affine,
	q: &G1Affine,
	kind: Kind,
	inverse: Option<&Fp>,
) -> (G1Affine, bool) {
	let slope = match (kind, inverse) {
		(Kind::Add, Some(inverse)) => (q.y() - p.y()) * inverse,
		(Kind::Double, Some(inverse)) => p.x().square().mul3() * inverse,
		(Kind::P, _) => return (*p, false),
		(Kind::Q, _) => return (*q, false),
		_ => return (G1Affine::identity(), true),
	};
	let (px, py) = (p.x(), p.y());
	let x = slope.square() - px - q.x();
	let y = slope * (px - x) - py;
	(G1Affine::from_raw_unchecked(x, y, false), false)
}

/// Inverts every element of `values` with one field inversion (`prefix` is scratch).
/// No denominator [`kind`] gives is zero (x differs, or y of a point of G1's prime order
/// is not zero); were one zero, the error says so rather than a wrong sum.
pub(crate) fn batch_invert(values: &mut [Fp], prefix: &mut Vec<Fp>) -> Result<(), DaError> {
	prefix.clear();
	let mut acc = Fp::ONE;
	for v in values.iter() {
		prefix.push(acc);
		acc *= v;
	}
	let mut inverse = Option::<Fp>::from(acc.invert())
		.ok_or_else(|| DaError::Kzg("a zero slope denominator in a batched sum".into()))?;
	for (v, before) in values.iter_mut().zip(prefix.iter()).rev() {
		let value = *v;
		*v = inverse * before;
		inverse *= value;
	}
	Ok(())
}
