//! The prover: key generation, sealing, opening and proofs (feature `prover`; the
//! functions that draw the operating system's randomness need `std`). Used by `zg inft`,
//! by tests and by the pallet's benchmarks; the runtime only verifies.

use curve25519_dalek::{
	constants::RISTRETTO_BASEPOINT_POINT as G, ristretto::RistrettoPoint, scalar::Scalar,
};
#[cfg(feature = "std")]
use rand_core::OsRng;
pub use rand_core::{CryptoRng, Error as RandError, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{
	verify::{nonzero_point, point, possession_challenge, reencryption_challenge},
	CryptoError, EncryptionKey, Point, PossessionProof, ReencryptionProof, SealedKey,
	TransferContext,
};

/// An encryption key's secret `x`. Wiped from memory when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey(Scalar);

fn random_scalar<R: RngCore + CryptoRng>(rng: &mut R) -> Scalar {
	loop {
		let s = Scalar::random(rng);
		if s != Scalar::ZERO {
			return s;
		}
	}
}

impl SecretKey {
	#[cfg(feature = "std")]
	/// A fresh key from the operating system's randomness.
	pub fn generate() -> Self {
		Self::generate_with(&mut OsRng)
	}

	pub fn generate_with<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
		Self(random_scalar(rng))
	}

	/// Restores a key saved with [`SecretKey::to_bytes`].
	/// The key derived from a secret seed (e.g. an account's signing secret), so an
	/// account's encryption key needs no file of its own: SHA-512 of a domain tag and the
	/// seed, reduced mod ℓ.
	pub fn derive(seed: &[u8]) -> Result<Self, CryptoError> {
		use sha2::Digest;
		let mut wide = [0u8; 64];
		wide.copy_from_slice(
			&sha2::Sha512::new()
				.chain_update(b"zerog-inft/derive/v1")
				.chain_update(seed)
				.finalize(),
		);
		let s = Scalar::from_bytes_mod_order_wide(&wide);
		wide.zeroize();
		if s == Scalar::ZERO {
			return Err(CryptoError::InvalidScalar);
		}
		Ok(Self(s))
	}

	pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, CryptoError> {
		let s = crate::verify::scalar(bytes)?;
		if s == Scalar::ZERO {
			return Err(CryptoError::InvalidScalar);
		}
		Ok(Self(s))
	}

	pub fn to_bytes(&self) -> [u8; 32] {
		self.0.to_bytes()
	}

	pub fn public(&self) -> EncryptionKey {
		EncryptionKey((self.0 * G).compress().to_bytes())
	}

	#[cfg(feature = "std")]
	/// Proof that `account` holds this key, for registering it.
	pub fn prove_possession(&self, account: &[u8]) -> PossessionProof {
		self.prove_possession_with(account, &mut OsRng)
	}

	pub fn prove_possession_with<R: RngCore + CryptoRng>(
		&self,
		account: &[u8],
		rng: &mut R,
	) -> PossessionProof {
		let a = random_scalar(rng);
		let commitment = (a * G).compress().to_bytes();
		let c = possession_challenge(account, &self.public().0, &commitment);
		PossessionProof { commitment, response: (a + c * self.0).to_bytes() }
	}

	/// Opens a key sealed to this one: `M = C2 − x·C1`.
	pub fn open(&self, sealed: &SealedKey) -> Result<Point, CryptoError> {
		let c1 = nonzero_point(&sealed.c1)?;
		let c2 = point(&sealed.c2)?;
		Ok((c2 - self.0 * c1).compress().to_bytes())
	}

	#[cfg(feature = "std")]
	/// Seals the point this key opens from `sealed` to `to`, with the proof the runtime
	/// checks for the handover `ctx`.
	pub fn reseal(
		&self,
		ctx: &TransferContext,
		sealed: &SealedKey,
		to: &EncryptionKey,
	) -> Result<(SealedKey, ReencryptionProof), CryptoError> {
		self.reseal_with(ctx, sealed, to, &mut OsRng)
	}

	pub fn reseal_with<R: RngCore + CryptoRng>(
		&self,
		ctx: &TransferContext,
		sealed: &SealedKey,
		to: &EncryptionKey,
		rng: &mut R,
	) -> Result<(SealedKey, ReencryptionProof), CryptoError> {
		let m = point(&self.open(sealed)?)?;
		let y = nonzero_point(&to.0)?;
		let c1 = nonzero_point(&sealed.c1)?;
		let s = random_scalar(rng);
		let resealed =
			SealedKey { c1: (s * G).compress().to_bytes(), c2: (m + s * y).compress().to_bytes() };
		let (a, b) = (random_scalar(rng), random_scalar(rng));
		let t1 = (a * G).compress().to_bytes();
		let t2 = (b * G).compress().to_bytes();
		let t3 = (a * c1 - b * y).compress().to_bytes();
		let c = reencryption_challenge(ctx, &self.public(), to, sealed, &resealed, [&t1, &t2, &t3]);
		let proof = ReencryptionProof {
			t1,
			t2,
			t3,
			z1: (a + c * self.0).to_bytes(),
			z2: (b + c * s).to_bytes(),
		};
		Ok((resealed, proof))
	}
}

#[cfg(feature = "std")]
/// A fresh random point `M` for a token's data (its key is [`crate::data_key`]),
/// sealed to `to`.
pub fn new_sealed_key(to: &EncryptionKey) -> Result<(Point, SealedKey), CryptoError> {
	new_sealed_key_with(to, &mut OsRng)
}

pub fn new_sealed_key_with<R: RngCore + CryptoRng>(
	to: &EncryptionKey,
	rng: &mut R,
) -> Result<(Point, SealedKey), CryptoError> {
	let m = RistrettoPoint::random(rng).compress().to_bytes();
	let sealed = seal_with(&m, to, rng)?;
	Ok((m, sealed))
}

#[cfg(feature = "std")]
/// Seals a point to a key: `(r·G, M + r·X)` with fresh `r`.
pub fn seal(m: &Point, to: &EncryptionKey) -> Result<SealedKey, CryptoError> {
	seal_with(m, to, &mut OsRng)
}

pub fn seal_with<R: RngCore + CryptoRng>(
	m: &Point,
	to: &EncryptionKey,
	rng: &mut R,
) -> Result<SealedKey, CryptoError> {
	let m = point(m)?;
	let x = nonzero_point(&to.0)?;
	let r = random_scalar(rng);
	Ok(SealedKey { c1: (r * G).compress().to_bytes(), c2: (m + r * x).compress().to_bytes() })
}
