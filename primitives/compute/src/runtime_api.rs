//! # Compute market runtime API
//!
//! What providers, the `zg` CLI and RPC clients read from the compute market: the
//! registered services, a user's ledger with its sub-accounts, the fee a receipt would
//! settle for, and the exact bytes a user signs for a request and a provider's key
//! signs for a response (so off-chain signers need no copy of the encoding rules).

use crate::{LedgerInfo, Request, ResponseStatement, ServiceId, ServiceInfo};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads of the compute market.
	pub trait ComputeMarketApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Every service, active or retiring.
		fn services() -> Vec<ServiceInfo<AccountId, Balance, BlockNumber>>;
		/// A user's ledger, if they opened one.
		fn ledger(user: AccountId) -> Option<LedgerInfo<AccountId, Balance, BlockNumber>>;
		/// The fee of `input` and `output` tokens at a service's current prices.
		fn fee(service: ServiceId, input: u32, output: u32) -> Option<Balance>;
		/// The bytes a user signs for `request`.
		fn request_payload(request: Request<AccountId, Balance>) -> Vec<u8>;
		/// The bytes a service's key signs for `statement`.
		fn response_payload(statement: ResponseStatement<AccountId>) -> Vec<u8>;
	}
}
