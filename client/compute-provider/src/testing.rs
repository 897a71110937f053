//! A provider served on loopback with its chain state in memory, for the API tests and
//! the benchmark: the real HTTP server, checks, engine and receipt store, without a node.

use std::{path::Path, sync::Arc, time::Duration};

use polkadot_sdk::sp_core::{sr25519, Pair, H256};

use crate::{
	chain_view::{MemoryView, ServiceView, SubAccount},
	engine::Engine,
	protocol::{AccountId, Balance},
	server::{serve, Provider, ProviderConfig},
	store::Store,
};

/// What the in-memory chain holds.
pub struct Setup {
	/// Service id.
	pub id: u64,
	/// `chat` or `embeddings`.
	pub kind: &'static str,
	/// Price per input token.
	pub input_price: Balance,
	/// Price per output token.
	pub output_price: Balance,
	/// The user's sub-account balance with the provider.
	pub balance: Balance,
	/// Output tokens when a request names none.
	pub default_max_tokens: u32,
	/// Pending receipts that would trigger a settlement.
	pub settle_threshold: u64,
	/// The chain's genesis hash.
	pub genesis: H256,
}

/// A served provider: //Bob's service, funded by //Charlie.
pub struct Served {
	/// `http://127.0.0.1:PORT`.
	pub url: String,
	/// The user (//Charlie).
	pub user: sr25519::Pair,
	/// The service's signing key as an account (//Bob).
	pub key: AccountId,
	/// The receipt store.
	pub store: Arc<Store>,
}

/// Serves `engine` as `setup` describes, receipts in `store_dir`, until the runtime ends.
pub async fn serve_in_memory(
	engine: Arc<dyn Engine>,
	setup: &Setup,
	store_dir: &Path,
) -> Result<Served, String> {
	let user = sr25519::Pair::from_string("//Charlie", None).expect("dev seed");
	let signer = sr25519::Pair::from_string("//Bob", None).expect("dev seed");
	let provider = AccountId::from(signer.public());
	let service = ServiceView {
		id: setup.id,
		provider: provider.clone(),
		kind: setup.kind.into(),
		name: "in-memory".into(),
		model: engine.model(),
		endpoint: String::new(),
		input_price: setup.input_price,
		output_price: setup.output_price,
		signer: provider.clone(),
		status: "active".into(),
	};
	let view = Arc::new(MemoryView::default());
	view.subs.lock().insert(
		(AccountId::from(user.public()), provider.clone()),
		SubAccount { balance: setup.balance, pending_refund: 0, last_nonce: 0 },
	);
	view.services.lock().push(service.clone());
	let store = Arc::new(Store::open(store_dir, true).map_err(|e| e.to_string())?);
	let config = ProviderConfig {
		service,
		genesis: setup.genesis,
		signer,
		default_max_tokens: setup.default_max_tokens,
		settle_threshold: setup.settle_threshold,
	};
	let p =
		Provider::new(config, engine, Arc::new(view), store.clone()).map_err(|e| e.to_string())?;
	let listener =
		tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("bind: {e}"))?;
	let url = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
	tokio::spawn(serve(p, listener, std::future::pending(), Duration::from_secs(1)));
	Ok(Served { url, user, key: provider, store })
}
