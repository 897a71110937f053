//! Verification: what the runtime runs. No randomness; multiscalar multiplication uses `alloc`.

use curve25519_dalek::{
	constants::RISTRETTO_BASEPOINT_POINT as G,
	ristretto::{CompressedRistretto, RistrettoPoint},
	scalar::Scalar,
	traits::{Identity, VartimeMultiscalarMul},
};
use merlin::Transcript;

use crate::{
	CryptoError, EncryptionKey, Point, PossessionProof, ReencryptionProof, SealedKey,
	TransferContext,
};

/// Decodes a point that must be canonical.
pub(crate) fn point(bytes: &Point) -> Result<RistrettoPoint, CryptoError> {
	CompressedRistretto(*bytes).decompress().ok_or(CryptoError::InvalidPoint)
}

/// Decodes a point that must be canonical and not the identity.
pub(crate) fn nonzero_point(bytes: &Point) -> Result<RistrettoPoint, CryptoError> {
	let p = point(bytes)?;
	if p == RistrettoPoint::identity() {
		return Err(CryptoError::IdentityPoint);
	}
	Ok(p)
}

pub(crate) fn scalar(bytes: &crate::Scalar) -> Result<Scalar, CryptoError> {
	Option::from(Scalar::from_canonical_bytes(*bytes)).ok_or(CryptoError::InvalidScalar)
}

/// The Fiat–Shamir challenge of a possession proof.
pub(crate) fn possession_challenge(account: &[u8], key: &Point, commitment: &Point) -> Scalar {
	let mut t = Transcript::new(b"zerog-inft/possession/v1");
	t.append_message(b"account", account);
	t.append_message(b"key", key);
	t.append_message(b"commitment", commitment);
	challenge(&mut t)
}

/// The Fiat–Shamir challenge of a re-encryption proof.
pub(crate) fn reencryption_challenge(
	ctx: &TransferContext,
	from: &EncryptionKey,
	to: &EncryptionKey,
	sealed: &SealedKey,
	resealed: &SealedKey,
	t: [&Point; 3],
) -> Scalar {
	let mut tr = Transcript::new(b"zerog-inft/reencryption/v1");
	tr.append_message(b"genesis", ctx.genesis);
	tr.append_u64(b"collection", ctx.collection);
	tr.append_u64(b"token", ctx.token);
	tr.append_u64(b"nonce", ctx.nonce);
	tr.append_message(b"purpose", ctx.purpose.label());
	tr.append_message(b"sender", ctx.sender);
	tr.append_message(b"receiver", ctx.receiver);
	tr.append_message(b"from-key", &from.0);
	tr.append_message(b"to-key", &to.0);
	tr.append_message(b"c1", &sealed.c1);
	tr.append_message(b"c2", &sealed.c2);
	tr.append_message(b"d1", &resealed.c1);
	tr.append_message(b"d2", &resealed.c2);
	tr.append_message(b"t1", t[0]);
	tr.append_message(b"t2", t[1]);
	tr.append_message(b"t3", t[2]);
	challenge(&mut tr)
}

fn challenge(t: &mut Transcript) -> Scalar {
	let mut wide = [0u8; 64];
	t.challenge_bytes(b"challenge", &mut wide);
	Scalar::from_bytes_mod_order_wide(&wide)
}

/// Checks that a sealed key's points are canonical and its randomness `r·G` is not the
/// identity (which would publish `M`).
pub fn check_sealed(sealed: &SealedKey) -> Result<(), CryptoError> {
	nonzero_point(&sealed.c1)?;
	point(&sealed.c2)?;
	Ok(())
}

/// Checks that `account` knows the secret of `key`: `z·G = T + c·X`.
pub fn verify_possession(
	account: &[u8],
	key: &EncryptionKey,
	proof: &PossessionProof,
) -> Result<(), CryptoError> {
	let x = nonzero_point(&key.0)?;
	let t = point(&proof.commitment)?;
	let z = scalar(&proof.response)?;
	let c = possession_challenge(account, &key.0, &proof.commitment);
	// z·G − c·X − T = 0
	let check = RistrettoPoint::vartime_multiscalar_mul([z, -c, -Scalar::ONE], [G, x, t]);
	if check == RistrettoPoint::identity() {
		Ok(())
	} else {
		Err(CryptoError::BadProof)
	}
}

/// Checks that `resealed` (to `to`) holds the same point as `sealed` (to `from`), and
/// that the prover holds `from`'s secret:
/// `z1·G = T1 + c·X`, `z2·G = T2 + c·D1`, `z1·C1 − z2·Y = T3 + c·(C2 − D2)`.
pub fn verify_reencryption(
	ctx: &TransferContext,
	from: &EncryptionKey,
	to: &EncryptionKey,
	sealed: &SealedKey,
	resealed: &SealedKey,
	proof: &ReencryptionProof,
) -> Result<(), CryptoError> {
	let x = nonzero_point(&from.0)?;
	let y = nonzero_point(&to.0)?;
	let c1 = nonzero_point(&sealed.c1)?;
	let c2 = point(&sealed.c2)?;
	let d1 = nonzero_point(&resealed.c1)?;
	let d2 = point(&resealed.c2)?;
	let t1 = point(&proof.t1)?;
	let t2 = point(&proof.t2)?;
	let t3 = point(&proof.t3)?;
	let z1 = scalar(&proof.z1)?;
	let z2 = scalar(&proof.z2)?;
	let c =
		reencryption_challenge(ctx, from, to, sealed, resealed, [&proof.t1, &proof.t2, &proof.t3]);
	let one = Scalar::ONE;
	let ok1 = RistrettoPoint::vartime_multiscalar_mul([z1, -c, -one], [G, x, t1]);
	let ok2 = RistrettoPoint::vartime_multiscalar_mul([z2, -c, -one], [G, d1, t2]);
	let ok3 = RistrettoPoint::vartime_multiscalar_mul([z1, -z2, -one, -c, c], [c1, y, t3, c2, d2]);
	let zero = RistrettoPoint::identity();
	if ok1 == zero && ok2 == zero && ok3 == zero {
		Ok(())
	} else {
		Err(CryptoError::BadProof)
	}
}
