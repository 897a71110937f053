//! What the provider reads from the chain: its service and its users' sub-accounts.
//! [`RpcView`] reads them through the node's `compute_*` JSON-RPC with the typed client
//! of `pallet-compute-market-rpc`; [`MemoryView`] holds them in memory for tests and
//! benchmarks.

use std::{collections::HashMap, sync::Arc};

use futures::future::BoxFuture;
use pallet_compute_market_rpc::{ComputeMarketApiClient, Service, ServiceKind, ServiceStatus};
use zerog_chain_client::Chain;

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

impl From<Service<AccountId>> for ServiceView {
	fn from(s: Service<AccountId>) -> Self {
		Self {
			id: s.id,
			provider: s.provider,
			kind: match s.kind {
				ServiceKind::Chat => "chat",
				ServiceKind::Embeddings => "embeddings",
			}
			.to_string(),
			name: s.name,
			model: s.model,
			endpoint: s.endpoint,
			input_price: s.input_price,
			output_price: s.output_price,
			signer: s.signer,
			status: match s.status {
				ServiceStatus::Active => "active",
				ServiceStatus::Retiring => "retiring",
			}
			.to_string(),
		}
	}
}

/// Every service on chain, at the best block.
pub async fn services(chain: &Chain) -> Result<Vec<ServiceView>, String> {
	let all = chain.compute_market().services(None).await.map_err(|e| e.to_string())?;
	Ok(all.into_iter().map(ServiceView::from).collect())
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

impl ChainView for RpcView {
	fn sub_account(
		&self,
		user: &AccountId,
		provider: &AccountId,
	) -> BoxFuture<'_, Result<Option<SubAccount>, String>> {
		let (user, provider) = (user.clone(), provider.clone());
		Box::pin(async move {
			let ledger =
				self.chain.compute_market().ledger(user, None).await.map_err(|e| e.to_string())?;
			Ok(ledger.and_then(|l| {
				l.sub_accounts.into_iter().find(|s| s.provider == provider).map(|s| SubAccount {
					balance: s.balance,
					pending_refund: s.pending_refund,
					last_nonce: s.last_nonce,
				})
			}))
		})
	}

	fn services(&self) -> BoxFuture<'_, Result<Vec<ServiceView>, String>> {
		Box::pin(services(&self.chain))
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
