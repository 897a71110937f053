//! # ZeroG compute primitives
//!
//! The compute market's wire types, shared by `pallet-compute-market` (which checks
//! them), its runtime API, and the off-chain clients that build and sign them (`zg`,
//! `zg-provider`): a user's signed [`Request`], the [`Receipt`] a provider settles, the
//! [`ResponseStatement`] a provider's key signs with every response, and the views the
//! runtime API returns. The signed bytes are built here once, [`request_payload`] and
//! [`response_payload`], so a client and the chain cannot disagree on them.
//!
//! Signatures are over `(domain tag, genesis hash, payload)` SCALE-encoded, so a
//! signature for one chain or one purpose is worthless on another.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod runtime_api;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use primitive_types::H256;
use scale_info::TypeInfo;

/// Identifier of a service.
pub type ServiceId = u64;

/// A user's request counter towards one provider.
pub type RequestNonce = u64;

/// Domain tag of a user's signed request.
pub const REQUEST_TAG: &[u8; 24] = b"zerog/compute/request/v1";
/// Domain tag of a provider's signed response.
pub const RESPONSE_TAG: &[u8; 25] = b"zerog/compute/response/v1";

/// What a service serves.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ServiceKind {
	/// `/v1/chat/completions`.
	Chat,
	/// `/v1/embeddings`.
	Embeddings,
}

/// Whether a service takes requests: the bond lifecycle every bonded role shares
/// (`Unbonding { until }`: retired, the bond withdrawable from block `until`).
pub type ServiceStatus<BlockNumber> = zerog_bond_primitives::BondState<BlockNumber>;

/// A service as the runtime API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ServiceInfo<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: ServiceId,
	/// The provider.
	pub provider: AccountId,
	/// Chat or embeddings.
	pub kind: ServiceKind,
	/// Its name.
	pub name: alloc::vec::Vec<u8>,
	/// The model served.
	pub model: alloc::vec::Vec<u8>,
	/// The OpenAI-compatible endpoint.
	pub endpoint: alloc::vec::Vec<u8>,
	/// Price per input token.
	pub input_price: Balance,
	/// Price per output token.
	pub output_price: Balance,
	/// The key that signs responses.
	pub signer: AccountId,
	/// Bond held.
	pub bond: Balance,
	/// Serving or retiring.
	pub status: ServiceStatus<BlockNumber>,
}

/// A user's ledger as the runtime API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct LedgerInfo<AccountId, Balance, BlockNumber> {
	/// Funds not assigned to a provider.
	pub available: Balance,
	/// Sub-accounts by provider.
	pub sub_accounts: alloc::vec::Vec<(AccountId, SubAccount<Balance, BlockNumber>)>,
}

/// What a user signs before a provider serves a request.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Request<AccountId, Balance> {
	/// Who pays.
	pub user: AccountId,
	/// The service asked.
	pub service: ServiceId,
	/// Strictly increasing per user and provider.
	pub nonce: RequestNonce,
	/// Hash of the request body as sent.
	pub request_hash: H256,
	/// The most the user pays for this request.
	pub max_fee: Balance,
}

/// A receipt a provider settles: the user's signed request and what was served.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Receipt<AccountId, Balance, Signature> {
	/// The request as the user signed it.
	pub request: Request<AccountId, Balance>,
	/// The user's signature over [`request_payload`].
	pub user_signature: Signature,
	/// Input tokens metered.
	pub input_tokens: u32,
	/// Output tokens metered.
	pub output_tokens: u32,
	/// Hash of the response body served.
	pub response_hash: H256,
}

/// What a provider's key signs with every response.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct ResponseStatement<AccountId> {
	/// Who asked.
	pub user: AccountId,
	/// The service that answered.
	pub service: ServiceId,
	/// The request's nonce.
	pub nonce: RequestNonce,
	/// Hash of the request body.
	pub request_hash: H256,
	/// Hash of the response body.
	pub response_hash: H256,
	/// Input tokens metered.
	pub input_tokens: u32,
	/// Output tokens metered.
	pub output_tokens: u32,
}

/// Evidence that a provider misbehaved.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum DisputeProof<AccountId, Signature> {
	/// A signed response that contradicts the receipt settled for its nonce.
	Contradiction {
		/// The statement.
		statement: ResponseStatement<AccountId>,
		/// The service signer's signature over it.
		signature: Signature,
	},
	/// Two different signed responses for the same request nonce.
	Equivocation {
		/// One statement.
		first: ResponseStatement<AccountId>,
		/// Its signature.
		first_signature: Signature,
		/// Another for the same user, service and nonce.
		second: ResponseStatement<AccountId>,
		/// Its signature.
		second_signature: Signature,
	},
}

/// What settlement did with one receipt.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ReceiptOutcome {
	/// The fee moved to the provider.
	Settled,
	/// The service does not exist.
	UnknownService,
	/// The service belongs to another provider.
	NotServiceProvider,
	/// The user's signature does not verify.
	BadSignature,
	/// The nonce is not above the last settled one (replayed or out of order).
	StaleNonce,
	/// The metered fee exceeds what the user signed for, or overflows.
	OverBudget,
	/// The user's sub-account cannot pay the fee.
	InsufficientFunds,
}

/// A user's funds with one provider.
#[derive(
	Clone,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SubAccount<Balance, BlockNumber> {
	/// Available for settlement.
	pub balance: Balance,
	/// Asked back; still pays settlement until it returns to the ledger.
	pub pending_refund: Balance,
	/// When the pending refund can be completed.
	pub refund_unlock: BlockNumber,
	/// The last settled request nonce; the next must be above it.
	pub last_nonce: RequestNonce,
}

/// The bytes a user signs for `request` on the chain whose genesis hash is `genesis`:
/// `(REQUEST_TAG, genesis, request)`.
pub fn request_payload<G: Encode, AccountId: Encode, Balance: Encode>(
	genesis: &G,
	request: &Request<AccountId, Balance>,
) -> alloc::vec::Vec<u8> {
	(REQUEST_TAG, genesis, request).encode()
}

/// The bytes a provider's key signs for `statement` on the chain whose genesis hash is
/// `genesis`: `(RESPONSE_TAG, genesis, statement)`.
pub fn response_payload<G: Encode, AccountId: Encode>(
	genesis: &G,
	statement: &ResponseStatement<AccountId>,
) -> alloc::vec::Vec<u8> {
	(RESPONSE_TAG, genesis, statement).encode()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn request() -> Request<[u8; 32], u128> {
		Request {
			user: [7; 32],
			service: 3,
			nonce: 9,
			request_hash: H256::repeat_byte(1),
			max_fee: 1_000,
		}
	}

	#[test]
	fn payloads_are_tagged_and_bound_to_the_chain() {
		let r = request();
		let a = request_payload(&[1u8; 32], &r);
		let b = request_payload(&[2u8; 32], &r);
		assert!(a.starts_with(REQUEST_TAG));
		assert_ne!(a, b, "the genesis hash is part of what is signed");
		assert_eq!(&a[REQUEST_TAG.len() + 32..], &r.encode()[..]);
		let s = ResponseStatement {
			user: [7u8; 32],
			service: 3,
			nonce: 9,
			request_hash: H256::repeat_byte(1),
			response_hash: H256::repeat_byte(2),
			input_tokens: 5,
			output_tokens: 6,
		};
		let p = response_payload(&[1u8; 32], &s);
		assert!(p.starts_with(RESPONSE_TAG));
		assert_ne!(
			p[..REQUEST_TAG.len()],
			a[..REQUEST_TAG.len()],
			"request and response never collide"
		);
	}
}
