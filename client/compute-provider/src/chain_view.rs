//! What the provider reads from the chain: its service and its users' sub-accounts.
//! [`RpcView`] reads them through the node's `compute_*` JSON-RPC; [`MemoryView`]
//! holds them in memory for tests and benchmarks.

use std::{collections::HashMap, sync::Arc};

use futures::future::BoxFuture;
use jsonrpsee::core::rpc_params;
use polkadot_sdk::sp_core::crypto::Ss58Codec;
use serde_json::Value;
use zerog_chain_client::{Chain, ChainError};

use crate::protocol::{AccountId, Balance};

/// A user's sub-account with this provider, as the chain has it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubAccount {
	/// Available for settlement.
	pub balance: Balance,
	/// Waiting for refund; still pays settlement.
	pub pending_refund: Balance,
	/// The last nonce settled.
	pub last_nonce: u64,
}

/// A service as the provider needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceView {
	/// Its id.
	pub id: u64,
	/// The provider account.
	pub provider: AccountId,
	/// `chat` or `embeddings`.
	pub kind: String,
	/// Its name.
	pub name: String,
	/// The model.
	pub model: String,
	/// Where it serves.
	pub endpoint: String,
	/// Price per input token.
	pub input_price: Balance,
	/// Price per output token.
	pub output_price: Balance,
	/// The key that signs responses.
	pub signer: AccountId,
	/// `active` or `retiring`.
	pub status: String,
}

/// Chain reads of the provider.
pub trait ChainView: Send + Sync + 'static {
	/// `user`'s sub-account with `provider`, if any.
	fn sub_account(
		&self,
		user: &AccountId,
		provider: &AccountId,
	) -> BoxFuture<'_, Result<Option<SubAccount>, String>>;
	/// Every service.
	fn services(&self) -> BoxFuture<'_, Result<Vec<ServiceView>, String>>;
}

fn balance(v: &Value, field: &str) -> Result<Balance, String> {
	v.get(field)
		.and_then(Value::as_str)
		.ok_or_else(|| format!("{field} missing"))?
		.parse()
		.map_err(|e| format!("{field}: {e}"))
}

/// Parses `compute_services` output.
pub fn parse_services(v: &Value) -> Result<Vec<ServiceView>, String> {
	let text = |s: &Value, f: &str| {
		s.get(f).and_then(Value::as_str).map(str::to_string).ok_or_else(|| format!("{f} missing"))
	};
	let account = |s: &Value, f: &str| -> Result<AccountId, String> {
		AccountId::from_ss58check(&text(s, f)?).map_err(|e| format!("{f}: {e:?}"))
	};
	v.as_array()
		.ok_or("services: not a list")?
		.iter()
		.map(|s| {
			Ok(ServiceView {
				id: s.get("id").and_then(Value::as_u64).ok_or("id missing")?,
				provider: account(s, "provider")?,
				kind: text(s, "kind")?,
				name: text(s, "name")?,
				model: text(s, "model")?,
				endpoint: text(s, "endpoint")?,
				input_price: balance(s, "inputPrice")?,
				output_price: balance(s, "outputPrice")?,
				signer: account(s, "signer")?,
				status: text(s, "status")?,
			})
		})
		.collect()
}

/// Reads through a node's JSON-RPC.
pub struct RpcView {
	chain: Chain,
}

impl RpcView {
	/// A view over `chain`.
	pub fn new(chain: Chain) -> Self {
		Self { chain }
	}
}

fn rpc_err(e: ChainError) -> String {
	e.to_string()
}

impl ChainView for RpcView {
	fn sub_account(
		&self,
		user: &AccountId,
		provider: &AccountId,
	) -> BoxFuture<'_, Result<Option<SubAccount>, String>> {
		let (user, provider) = (user.to_ss58check(), provider.to_ss58check());
		Box::pin(async move {
			let ledger =
				self.chain.json("compute_ledger", rpc_params![user]).await.map_err(rpc_err)?;
			let Some(subs) = ledger.get("subAccounts").and_then(Value::as_array) else {
				return Ok(None);
			};
			let Some(sub) =
				subs.iter().find(|s| s.get("provider").and_then(Value::as_str) == Some(&provider))
			else {
				return Ok(None);
			};
			Ok(Some(SubAccount {
				balance: balance(sub, "balance")?,
				pending_refund: balance(sub, "pendingRefund")?,
				last_nonce: sub.get("lastNonce").and_then(Value::as_u64).unwrap_or(0),
			}))
		})
	}

	fn services(&self) -> BoxFuture<'_, Result<Vec<ServiceView>, String>> {
		Box::pin(async move {
			parse_services(
				&self.chain.json("compute_services", rpc_params![]).await.map_err(rpc_err)?,
			)
		})
	}
}

/// Chain state in memory (tests, benchmarks).
#[derive(Default)]
pub struct MemoryView {
	/// Sub-accounts by (user, provider).
	pub subs: parking_lot::Mutex<HashMap<(AccountId, AccountId), SubAccount>>,
	/// Services.
	pub services: parking_lot::Mutex<Vec<ServiceView>>,
}

impl ChainView for Arc<MemoryView> {
	fn sub_account(
		&self,
		user: &AccountId,
		provider: &AccountId,
	) -> BoxFuture<'_, Result<Option<SubAccount>, String>> {
		let found = self.subs.lock().get(&(user.clone(), provider.clone())).copied();
		Box::pin(async move { Ok(found) })
	}

	fn services(&self) -> BoxFuture<'_, Result<Vec<ServiceView>, String>> {
		let services = self.services.lock().clone();
		Box::pin(async move { Ok(services) })
	}
}
