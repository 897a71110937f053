//! # Compute market RPC
//!
//! The compute market's reads (`ComputeMarketApi`) as JSON-RPC, typed on both ends: the
//! trait [`ComputeMarketApi`] declares each method once; a node mounts [`ComputeMarket`]
//! (feature `server`), and providers and `zg` call the generated `ComputeMarketApiClient`.
//!
//! Every method takes an optional block hash as its last parameter (default: the best
//! block). Amounts are decimal strings, accounts SS58.
//!
//! | method | params | result |
//! |---|---|---|
//! | `compute_services` | `[at]` | [`Service`]s |
//! | `compute_ledger` | `user, [at]` | [`Ledger`] or `null` |
//! | `compute_fee` | `service, inputTokens, outputTokens, [at]` | fee, or `null` if the service does not exist or it overflows |

#[cfg(feature = "server")]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use serde::{Deserialize, Serialize};
use zerog_rpc_primitives::amount;
pub use zerog_rpc_primitives::OptionalAmount;

/// What a service serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ServiceKind {
	/// `/v1/chat/completions`.
	Chat,
	/// `/v1/embeddings`.
	Embeddings,
}

/// Whether a service takes requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ServiceStatus {
	/// Serving.
	Active,
	/// Retired; the bond is withdrawable from `retiringUntil`.
	Retiring,
}

/// A registered service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service<AccountId> {
	/// Its id.
	pub id: u64,
	/// The provider, paid for it.
	pub provider: AccountId,
	/// Chat or embeddings.
	pub kind: ServiceKind,
	/// A name unique to the provider.
	pub name: String,
	/// The model served.
	pub model: String,
	/// The OpenAI-compatible endpoint.
	pub endpoint: String,
	/// Price per input token.
	#[serde(with = "amount")]
	pub input_price: u128,
	/// Price per output token.
	#[serde(with = "amount")]
	pub output_price: u128,
	/// The key that signs responses.
	pub signer: AccountId,
	/// Bond held.
	#[serde(with = "amount")]
	pub bond: u128,
	/// Serving or retiring.
	pub status: ServiceStatus,
	/// First block the bond is withdrawable, when retiring.
	pub retiring_until: Option<u64>,
}

/// A user's funds with one provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubAccount<AccountId> {
	/// The provider.
	pub provider: AccountId,
	/// Available for settlement.
	#[serde(with = "amount")]
	pub balance: u128,
	/// Asked back; still pays settlement until it returns to the ledger.
	#[serde(with = "amount")]
	pub pending_refund: u128,
	/// When the pending refund can be completed.
	pub refund_unlock: u64,
	/// The last settled request nonce.
	pub last_nonce: u64,
}

/// A user's ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ledger<AccountId> {
	/// Funds not assigned to a provider.
	#[serde(with = "amount")]
	pub available: u128,
	/// Sub-accounts by provider.
	pub sub_accounts: Vec<SubAccount<AccountId>>,
}

/// The `compute_*` methods.
#[cfg_attr(feature = "server", rpc(client, server))]
#[cfg_attr(not(feature = "server"), rpc(client))]
pub trait ComputeMarketApi<BlockHash, AccountId> {
	/// Every service, active or retiring.
	#[method(name = "compute_services")]
	fn services(&self, at: Option<BlockHash>) -> RpcResult<Vec<Service<AccountId>>>;

	/// `user`'s ledger, if they opened one.
	#[method(name = "compute_ledger")]
	fn ledger(
		&self,
		user: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Ledger<AccountId>>>;

	/// The fee of `input_tokens` and `output_tokens` at a service's current prices.
	#[method(name = "compute_fee")]
	fn fee(
		&self,
		service: u64,
		input_tokens: u32,
		output_tokens: u32,
		at: Option<BlockHash>,
	) -> RpcResult<OptionalAmount>;
}

#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
pub use server::ComputeMarket;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn replies_keep_their_documented_shape() {
		let s = Service {
			id: 0,
			provider: "pat".to_string(),
			kind: ServiceKind::Embeddings,
			name: "n".into(),
			model: "m".into(),
			endpoint: "http://e".into(),
			input_price: 2,
			output_price: u128::MAX,
			signer: "key".to_string(),
			bond: 10,
			status: ServiceStatus::Retiring,
			retiring_until: Some(9),
		};
		let v = serde_json::to_value(&s).unwrap();
		assert_eq!(v["kind"], "embeddings");
		assert_eq!(v["outputPrice"], u128::MAX.to_string());
		assert_eq!(
			(v["status"].as_str(), v["retiringUntil"].as_u64()),
			(Some("retiring"), Some(9))
		);
		assert_eq!(serde_json::from_value::<Service<String>>(v).unwrap(), s);
		let l = Ledger {
			available: 5,
			sub_accounts: vec![SubAccount {
				provider: "pat".to_string(),
				balance: 1,
				pending_refund: 2,
				refund_unlock: 3,
				last_nonce: 4,
			}],
		};
		let v = serde_json::to_value(&l).unwrap();
		assert_eq!(v["subAccounts"][0]["pendingRefund"], "2");
		assert_eq!(v["subAccounts"][0]["lastNonce"], 4);
	}
}
