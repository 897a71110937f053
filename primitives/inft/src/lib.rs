//! ZeroG intelligent NFTs (ERC-7857): how a token's data key is sealed to its owner and
//! handed to the next one with a proof the runtime checks.
//!
//! A token's data (an agent's model, memory, prompts) is encrypted under a key derived
//! from a random ristretto255 point `M` ([`data_key`]). `M` is ElGamal-encrypted to the
//! owner's registered encryption key `X = x·G`: `(C1, C2) = (r·G, M + r·X)`.
//!
//! A transfer (or a clone, or a usage grant to an executor) posts `M` encrypted to the
//! receiver's key `Y`, `(D1, D2) = (s·G, M + s·Y)`, and a [`ReencryptionProof`] that both
//! ciphertexts hold the same `M`: knowledge of `(x, s)` with
//!
//! ```text
//!     X = x·G,    D1 = s·G,    C2 − D2 = x·C1 − s·Y
//! ```
//!
//! (three commitments, two responses: a Chaum–Pedersen-style proof made
//! non-interactive with a Merlin transcript). From the third equation,
//! `D2 − y·D1 = D2 − s·Y = C2 − x·C1 = M`: whoever holds `y` opens the same `M`, and
//! the chain learns nothing about it. The transcript binds the chain's genesis, the
//! collection, token and transfer nonce, both accounts and every point
//! ([`TransferContext`]), so a proof cannot be replayed elsewhere.
//!
//! Encryption keys are registered with a [`PossessionProof`] (a Schnorr proof of `x`
//! bound to the account), so nobody can register a key they cannot open, or someone
//! else's key.
//!
//! Every point is checked on decoding: a non-canonical encoding or the identity (which
//! would publish `M`: `r = 0` gives `C2 = M`) is refused with a typed [`CryptoError`].
//! The verifier is `no_std` (it needs `alloc`) and draws no randomness; the prover
//! ([`prove`], with `std`) draws its randomness from the operating system.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

pub mod runtime_api;
mod token;
pub use token::*;
mod verify;
pub use verify::{check_sealed, verify_possession, verify_reencryption};

#[cfg(feature = "prover")]
pub mod prove;

/// A compressed ristretto255 point, as it travels and is stored.
pub type Point = [u8; 32];
/// A canonical scalar mod ℓ, little-endian.
pub type Scalar = [u8; 32];

/// An owner's or executor's registered encryption key `X = x·G`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct EncryptionKey(pub Point);

/// `M` sealed to one key: `(r·G, M + r·X)`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SealedKey {
	pub c1: Point,
	pub c2: Point,
}

/// Proof that an account knows the secret of the key it registers.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct PossessionProof {
	pub commitment: Point,
	pub response: Scalar,
}

/// Proof that two sealed keys hold the same `M` (see the crate docs).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct ReencryptionProof {
	pub t1: Point,
	pub t2: Point,
	pub t3: Point,
	pub z1: Scalar,
	pub z2: Scalar,
}

/// What a re-encryption proof is bound to: the same proof verifies for nothing else.
#[derive(Clone, Copy, Debug)]
pub struct TransferContext<'a> {
	/// The chain's genesis hash.
	pub genesis: &'a [u8],
	pub collection: u64,
	pub token: u64,
	/// The token's transfer counter, so a proof is good for one handover only.
	pub nonce: u64,
	/// What the handover is: a transfer, a clone or a usage grant.
	pub purpose: Purpose,
	/// The encoded accounts giving and receiving the key.
	pub sender: &'a [u8],
	pub receiver: &'a [u8],
}

/// Why a key is re-encrypted; part of the transcript.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Purpose {
	Transfer,
	Clone,
	Usage,
}

impl Purpose {
	fn label(self) -> &'static [u8] {
		match self {
			Purpose::Transfer => b"transfer",
			Purpose::Clone => b"clone",
			Purpose::Usage => b"usage",
		}
	}
}

/// Why a key, sealed key or proof is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CryptoError {
	/// Bytes that are not a canonical ristretto255 point.
	InvalidPoint,
	/// The identity point, where a key or a ciphertext's randomness must not be.
	IdentityPoint,
	/// Bytes that are not a canonical scalar.
	InvalidScalar,
	/// The proof does not verify.
	BadProof,
}

/// The 32-byte symmetric key for a token's data, derived from the sealed point `M`
/// (HKDF-SHA256 over its encoding, with the token's purpose as info).
pub fn data_key(m: &Point) -> [u8; 32] {
	let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"zerog-inft/v1"), m);
	let mut key = [0u8; 32];
	// 32 bytes is far below HKDF-SHA256's 8,160-byte limit.
	let _ = hk.expand(b"data-key", &mut key);
	key
}

#[cfg(test)]
mod tests;
