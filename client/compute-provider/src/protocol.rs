//! The wire protocol between users and providers, shared by the provider and `zg`.
//!
//! A user signs every request. The signature travels in HTTP headers next to an
//! unchanged OpenAI-compatible JSON body:
//!
//! | header | value |
//! |---|---|
//! | `x-zg-user` | the paying account, SS58 |
//! | `x-zg-service` | the service id on chain |
//! | `x-zg-nonce` | strictly above every nonce this user used with this provider |
//! | `x-zg-max-fee` | the most the user pays for this request (decimal, smallest unit) |
//! | `x-zg-signature` | `0x` SCALE `MultiSignature` over the chain's request payload |
//!
//! The request hash is `blake2_256(body)`; the payload signed is
//! `(b"zerog/compute/request/v1", genesis hash, Request).encode()`, exactly what the
//! compute-market pallet verifies at settlement.
//!
//! Every response carries the provider's [`Proof`]: the [`ResponseStatement`] (request,
//! `blake2_256` of the response content, metered tokens) signed by the service's key.
//! The content is the answer's text for chat (the concatenated deltas of a stream) and
//! [`embeddings_bytes`] for embeddings.
//! In a JSON response it is the `zerog` field; in a stream, the last chunk's.

use codec::Encode;
use polkadot_sdk::{
	sp_core::{crypto::Ss58Codec, sr25519, Pair, H256},
	sp_runtime::{traits::Verify, AccountId32, MultiSignature},
};
use serde::{Deserialize, Serialize};
use sp_crypto_hashing::blake2_256;
use zerog_compute_primitives::{Request, ResponseStatement};

/// Account ids of the chain.
pub type AccountId = AccountId32;
/// Balances of the chain.
pub type Balance = u128;
/// A request of the chain.
pub type ChainRequest = Request<AccountId, Balance>;
/// A response statement of the chain.
pub type Statement = ResponseStatement<AccountId>;

/// Header names.
pub mod header {
	/// The paying account.
	pub const USER: &str = "x-zg-user";
	/// The service id.
	pub const SERVICE: &str = "x-zg-service";
	/// The request nonce.
	pub const NONCE: &str = "x-zg-nonce";
	/// The most the user pays.
	pub const MAX_FEE: &str = "x-zg-max-fee";
	/// The user's signature.
	pub const SIGNATURE: &str = "x-zg-signature";
}

/// Why a signed request could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
	/// A header is absent.
	#[error("missing header {0}")]
	Missing(&'static str),
	/// A header does not parse.
	#[error("header {0} is malformed: {1}")]
	Malformed(&'static str, String),
}

/// `blake2_256` of bytes, as the chain's `H256`.
pub fn hash(bytes: &[u8]) -> H256 {
	H256(blake2_256(bytes))
}

/// The response content an embeddings proof hashes: every vector's floats in order,
/// little-endian.
pub fn embeddings_bytes(vectors: &[Vec<f32>]) -> Vec<u8> {
	vectors.iter().flatten().flat_map(|x| x.to_le_bytes()).collect()
}

/// The bytes a user signs for `request` on the chain with `genesis`.
pub fn request_payload(genesis: H256, request: &ChainRequest) -> Vec<u8> {
	zerog_compute_primitives::request_payload(&genesis, request)
}

/// The bytes a service key signs for `statement` on the chain with `genesis`.
pub fn response_payload(genesis: H256, statement: &Statement) -> Vec<u8> {
	zerog_compute_primitives::response_payload(&genesis, statement)
}

/// A request and the user's signature over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
	/// What was signed.
	pub request: ChainRequest,
	/// The signature.
	pub signature: MultiSignature,
}

impl SignedRequest {
	/// Signs a request for `body` with the user's key.
	pub fn sign(
		user: &sr25519::Pair,
		genesis: H256,
		service: u64,
		nonce: u64,
		max_fee: Balance,
		body: &[u8],
	) -> Self {
		let request = ChainRequest {
			user: AccountId::from(user.public()),
			service,
			nonce,
			request_hash: hash(body),
			max_fee,
		};
		let signature = MultiSignature::Sr25519(user.sign(&request_payload(genesis, &request)));
		Self { request, signature }
	}

	/// Whether the signature is the user's, for this chain.
	pub fn verify(&self, genesis: H256) -> bool {
		self.signature.verify(&request_payload(genesis, &self.request)[..], &self.request.user)
	}

	/// The headers that carry it.
	pub fn headers(&self) -> Vec<(&'static str, String)> {
		vec![
			(header::USER, self.request.user.to_ss58check()),
			(header::SERVICE, self.request.service.to_string()),
			(header::NONCE, self.request.nonce.to_string()),
			(header::MAX_FEE, self.request.max_fee.to_string()),
			(header::SIGNATURE, format!("0x{}", hex::encode(self.signature.encode()))),
		]
	}

	/// Reads it from headers (`get` looks one up by lower-case name) for `body`.
	pub fn from_headers<'a>(
		get: impl Fn(&'static str) -> Option<&'a str>,
		body: &[u8],
	) -> Result<Self, HeaderError> {
		let need = |name: &'static str| get(name).ok_or(HeaderError::Missing(name));
		let bad = |name: &'static str| move |e: String| HeaderError::Malformed(name, e);
		let user = AccountId::from_ss58check(need(header::USER)?.trim())
			.map_err(|e| bad(header::USER)(format!("{e:?}")))?;
		let service = need(header::SERVICE)?
			.trim()
			.parse::<u64>()
			.map_err(|e| bad(header::SERVICE)(e.to_string()))?;
		let nonce = need(header::NONCE)?
			.trim()
			.parse::<u64>()
			.map_err(|e| bad(header::NONCE)(e.to_string()))?;
		let max_fee = need(header::MAX_FEE)?
			.trim()
			.parse::<u128>()
			.map_err(|e| bad(header::MAX_FEE)(e.to_string()))?;
		let raw = hex::decode(need(header::SIGNATURE)?.trim().trim_start_matches("0x"))
			.map_err(|e| bad(header::SIGNATURE)(e.to_string()))?;
		let signature = <MultiSignature as codec::Decode>::decode(&mut &raw[..])
			.map_err(|e| bad(header::SIGNATURE)(e.to_string()))?;
		Ok(Self {
			request: ChainRequest { user, service, nonce, request_hash: hash(body), max_fee },
			signature,
		})
	}
}

/// A provider's signed statement about one response, in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
	/// The paying user, SS58.
	pub user: String,
	/// The service.
	pub service: u64,
	/// The request nonce.
	pub nonce: u64,
	/// `0x` blake2-256 of the request body.
	pub request_hash: String,
	/// `0x` blake2-256 of the response content.
	pub response_hash: String,
	/// Input tokens metered.
	pub input_tokens: u32,
	/// Output tokens metered.
	pub output_tokens: u32,
	/// The fee these tokens cost at the service's prices (decimal).
	pub fee: String,
	/// The service key that signed, SS58.
	pub signer: String,
	/// `0x` SCALE `MultiSignature` over the chain's response payload.
	pub signature: String,
}

/// Why a proof is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
	/// A field does not parse.
	#[error("proof field {0} is malformed")]
	Malformed(&'static str),
	/// The signature does not verify against the signer.
	#[error("the signature does not verify against {0}")]
	BadSignature(String),
	/// It was signed by another key than expected.
	#[error("signed by {signed}, but the service's key is {expected}")]
	WrongSigner {
		/// Who signed.
		signed: String,
		/// The key on chain.
		expected: String,
	},
	/// The response content does not hash to the signed response hash.
	#[error("the response does not match the signed response hash")]
	ResponseMismatch,
	/// It is about another request.
	#[error("the proof is for another request ({0})")]
	OtherRequest(&'static str),
}

fn h256(s: &str, field: &'static str) -> Result<H256, ProofError> {
	let raw = hex::decode(s.trim_start_matches("0x")).map_err(|_| ProofError::Malformed(field))?;
	(raw.len() == 32).then(|| H256::from_slice(&raw)).ok_or(ProofError::Malformed(field))
}

impl Proof {
	/// Signs `statement` with the service key.
	pub fn sign(
		signer: &sr25519::Pair,
		genesis: H256,
		statement: &Statement,
		fee: Balance,
	) -> Self {
		let signature = MultiSignature::Sr25519(signer.sign(&response_payload(genesis, statement)));
		Self {
			user: statement.user.to_ss58check(),
			service: statement.service,
			nonce: statement.nonce,
			request_hash: format!("{:?}", statement.request_hash),
			response_hash: format!("{:?}", statement.response_hash),
			input_tokens: statement.input_tokens,
			output_tokens: statement.output_tokens,
			fee: fee.to_string(),
			signer: AccountId::from(signer.public()).to_ss58check(),
			signature: format!("0x{}", hex::encode(signature.encode())),
		}
	}

	/// The statement and signature, as the chain reads them (for disputes).
	pub fn statement(&self) -> Result<(Statement, MultiSignature), ProofError> {
		let statement = Statement {
			user: AccountId::from_ss58check(&self.user)
				.map_err(|_| ProofError::Malformed("user"))?,
			service: self.service,
			nonce: self.nonce,
			request_hash: h256(&self.request_hash, "requestHash")?,
			response_hash: h256(&self.response_hash, "responseHash")?,
			input_tokens: self.input_tokens,
			output_tokens: self.output_tokens,
		};
		let raw = hex::decode(self.signature.trim_start_matches("0x"))
			.map_err(|_| ProofError::Malformed("signature"))?;
		let signature = <MultiSignature as codec::Decode>::decode(&mut &raw[..])
			.map_err(|_| ProofError::Malformed("signature"))?;
		Ok((statement, signature))
	}

	/// Checks the signature against `expected_signer` (the service's key on chain) and,
	/// if given, the response content against the signed hash.
	pub fn verify(
		&self,
		genesis: H256,
		expected_signer: &AccountId,
		response: Option<&[u8]>,
	) -> Result<Statement, ProofError> {
		let (statement, signature) = self.statement()?;
		let expected = expected_signer.to_ss58check();
		if self.signer != expected {
			return Err(ProofError::WrongSigner { signed: self.signer.clone(), expected });
		}
		if !signature.verify(&response_payload(genesis, &statement)[..], expected_signer) {
			return Err(ProofError::BadSignature(expected));
		}
		if let Some(body) = response {
			if hash(body) != statement.response_hash {
				return Err(ProofError::ResponseMismatch);
			}
		}
		Ok(statement)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn pair(s: &str) -> sr25519::Pair {
		sr25519::Pair::from_string(s, None).unwrap()
	}

	#[test]
	fn signed_request_round_trips_through_headers_and_binds_body_and_chain() {
		let genesis = H256::repeat_byte(7);
		let body = br#"{"model":"m","messages":[]}"#;
		let signed = SignedRequest::sign(&pair("//Alice"), genesis, 3, 9, 1_000, body);
		assert!(signed.verify(genesis));
		let headers = signed.headers();
		let get =
			|name: &'static str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
		let read = SignedRequest::from_headers(get, body).unwrap();
		assert_eq!(read, signed);
		// Another body or another chain: the signature no longer holds.
		assert!(!SignedRequest::from_headers(get, b"{}").unwrap().verify(genesis));
		assert!(!read.verify(H256::repeat_byte(8)));
		// Missing and malformed headers are typed.
		let none = |_: &'static str| None;
		assert_eq!(
			SignedRequest::from_headers(none, body),
			Err(HeaderError::Missing(header::USER))
		);
		let bad_nonce =
			|name: &'static str| if name == header::NONCE { Some("-1") } else { get(name) };
		assert!(matches!(
			SignedRequest::from_headers(bad_nonce, body),
			Err(HeaderError::Malformed(header::NONCE, _))
		));
	}

	#[test]
	fn proof_verifies_against_the_service_key_and_the_response() {
		let genesis = H256::repeat_byte(1);
		let key = pair("//Bob");
		let statement = Statement {
			user: AccountId::from(pair("//Alice").public()),
			service: 0,
			nonce: 1,
			request_hash: hash(b"req"),
			response_hash: hash(b"answer"),
			input_tokens: 10,
			output_tokens: 5,
		};
		let proof = Proof::sign(&key, genesis, &statement, 42);
		let bob = AccountId::from(key.public());
		assert_eq!(proof.verify(genesis, &bob, Some(b"answer")), Ok(statement.clone()));
		assert_eq!(proof.verify(genesis, &bob, Some(b"other")), Err(ProofError::ResponseMismatch));
		let charlie = AccountId::from(pair("//Charlie").public());
		assert!(matches!(
			proof.verify(genesis, &charlie, None),
			Err(ProofError::WrongSigner { .. })
		));
		let mut forged = proof.clone();
		forged.output_tokens = 1;
		assert!(matches!(forged.verify(genesis, &bob, None), Err(ProofError::BadSignature(_))));
		assert!(matches!(proof.verify(H256::zero(), &bob, None), Err(ProofError::BadSignature(_))));
	}

	proptest::proptest! {
		/// Whatever a client puts in the request headers, reading them returns a typed
		/// error or a request, and never panics; a request read from garbage never
		/// verifies.
		#[test]
		fn arbitrary_headers_never_panic(
			values in proptest::collection::vec(".{0,200}", 5),
			raw_sig in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
			body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
		) {
			let sig = format!("0x{}", hex::encode(&raw_sig));
			let names = [header::USER, header::SERVICE, header::NONCE, header::MAX_FEE];
			let get = |name: &'static str| -> Option<&str> {
				if name == header::SIGNATURE {
					return Some(sig.as_str());
				}
				names.iter().position(|n| *n == name).map(|i| values[i].as_str())
			};
			if let Ok(request) = SignedRequest::from_headers(get, &body) {
				proptest::prop_assert!(!request.verify(H256::repeat_byte(1)));
			}
		}

		/// A proof file of any content is refused or read, never a panic.
		#[test]
		fn arbitrary_proofs_never_panic(json in ".{0,400}") {
			if let Ok(proof) = serde_json::from_str::<Proof>(&json) {
				let _ = proof.statement();
			}
		}
	}
}
