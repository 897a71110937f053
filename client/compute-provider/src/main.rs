//! `zg-provider`: serve an inference service on the ZeroG compute market.
//!
//! ```text
//! zg-provider run --chain http://127.0.0.1:9944 --suri //Bob --base-path /var/lib/zg-provider \
//!     --listen 127.0.0.1:8000 --name tiny-chat                 # CPU engine, registers if needed
//! zg-provider run ... --engine proxy --upstream http://127.0.0.1:8080 --upstream-model llama-3-8b
//! zg-provider train --out model.bin --steps 300000            # the CPU model, deterministic
//! ```

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use clap::{Parser, Subcommand, ValueEnum};
use polkadot_sdk::sp_core::{crypto::Ss58Codec, Pair};
use zerog_chain_client::{account, bounded, signer, zerog, Chain};
use zerog_compute_provider::{
	chain_view::{ChainView, RpcView, ServiceView},
	engine::{cpu::CpuEngine, proxy::ProxyEngine, tiny, Engine},
	protocol::AccountId,
	server::{self, Provider, ProviderConfig},
	settle,
	store::Store,
};
use zerog_daemon::amount::Amount;

mod corpus;

#[derive(Parser)]
#[command(name = "zg-provider", version, about = "Serve inference on the ZeroG compute market")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum EngineKind {
	/// zerog-tiny-lm on the CPU.
	Cpu,
	/// Any OpenAI-compatible server.
	Proxy,
	/// zerog-tiny-lm on an NVIDIA GPU (build with `--features cuda`).
	Cuda,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
	Chat,
	Embeddings,
}

#[derive(Subcommand)]
enum Command {
	/// Serve: register the service if it is not on chain yet, answer requests, settle.
	Run {
		/// The node's JSON-RPC.
		#[arg(long, default_value = "http://127.0.0.1:9944")]
		chain: String,
		/// The provider account (pays settlement, holds the bond, is paid): --suri or
		/// --key-file.
		#[command(flatten)]
		key: zerog_daemon::key::KeyArgs,
		/// The key that signs responses (default: the provider account's).
		#[arg(long)]
		signer_suri: Option<String>,
		/// Where receipts (RocksDB) and the CPU model live.
		#[arg(long)]
		base_path: PathBuf,
		/// Address to serve on.
		#[arg(long, default_value = "127.0.0.1:8000")]
		listen: SocketAddr,
		#[command(flatten)]
		prometheus: zerog_daemon::metrics::PrometheusArgs,
		/// Serve this registered service id; without it, the provider's service named
		/// `--name` is used, or registered.
		#[arg(long)]
		service: Option<u64>,
		/// Service name.
		#[arg(long, default_value = "tiny-chat")]
		name: String,
		/// Chat or embeddings.
		#[arg(long, value_enum, default_value = "chat")]
		kind: Kind,
		/// Public URL of this API (default: http://LISTEN).
		#[arg(long)]
		endpoint: Option<String>,
		/// Price per input token, smallest unit.
		#[arg(long, default_value_t = 1_000_000_000)]
		input_price: u128,
		/// Price per output token, smallest unit.
		#[arg(long, default_value_t = 2_000_000_000)]
		output_price: u128,
		/// Bond to register with, in ZG (`100`, `2.5`; `…wei` for the smallest unit).
		#[arg(long, default_value = "100")]
		bond: Amount,
		/// The engine.
		#[arg(long, value_enum, default_value = "cpu")]
		engine: EngineKind,
		/// CPU/GPU model file (trained there if absent; default BASE/zerog-tiny-lm.bin).
		#[arg(long)]
		model_path: Option<PathBuf>,
		/// Training steps when the model must be trained.
		#[arg(long, default_value_t = 300_000)]
		train_steps: u64,
		/// Proxy: the upstream OpenAI-compatible server.
		#[arg(long)]
		upstream: Option<String>,
		/// Proxy: the upstream's model name.
		#[arg(long)]
		upstream_model: Option<String>,
		/// Proxy: bearer key for the upstream (or the environment variable
		/// ZG_UPSTREAM_KEY, which keeps it out of the process list).
		#[arg(long)]
		upstream_key: Option<String>,
		/// Seconds between settlements.
		#[arg(long, default_value_t = 60)]
		settle_interval: u64,
		/// Pending receipts that trigger a settlement at once.
		#[arg(long, default_value_t = 50)]
		settle_threshold: u64,
		/// Output tokens when a request names none.
		#[arg(long, default_value_t = 128)]
		default_max_tokens: u32,
	},
	/// Train the CPU model and save it.
	Train {
		/// Output file.
		#[arg(long)]
		out: PathBuf,
		/// Training examples.
		#[arg(long, default_value_t = 300_000)]
		steps: u64,
	},
}

fn fail(msg: impl std::fmt::Display) -> ! {
	eprintln!("error: {msg}");
	std::process::exit(1)
}

#[tokio::main]
async fn main() {
	zerog_daemon::process::init_tracing("info");
	match Cli::parse().command {
		Command::Train { out, steps } => {
			let started = std::time::Instant::now();
			let corpus = corpus::corpus();
			let model = tiny::TinyLm::train(&corpus, steps, 0x2E60, |step, loss| {
				if step % 50_000 == 0 {
					eprintln!("step {step}: loss {loss:.3} nats/byte");
				}
			});
			model.save(&out).unwrap_or_else(|e| fail(e));
			println!(
				"{} ({} parameters) trained on {} bytes in {:.1} s -> {}",
				tiny::MODEL_NAME,
				model.parameters(),
				corpus.len(),
				started.elapsed().as_secs_f64(),
				out.display()
			);
		}
		Command::Run {
			chain,
			key,
			signer_suri,
			base_path,
			listen,
			prometheus,
			service,
			name,
			kind,
			endpoint,
			input_price,
			output_price,
			bond,
			engine,
			model_path,
			train_steps,
			upstream,
			upstream_model,
			upstream_key,
			settle_interval,
			settle_threshold,
			default_max_tokens,
		} => {
			let suri = key.secret_uri().unwrap_or_else(|e| fail(e));
			let account = signer(&suri).unwrap_or_else(|e| fail(e));
			let key = signer(signer_suri.as_deref().unwrap_or(&suri)).unwrap_or_else(|e| fail(e));
			std::fs::create_dir_all(&base_path)
				.unwrap_or_else(|e| fail(format!("{}: {e}", base_path.display())));
			let chain = Chain::new(&chain).unwrap_or_else(|e| fail(e));
			let genesis = chain.genesis_hash().await.unwrap_or_else(|e| fail(e));
			let view = RpcView::new(chain.clone());
			let provider_id = AccountId::from(account.public());
			// Before anything slow (training) or paid (registration).
			let services = view.services().await.unwrap_or_else(|e| fail(e));
			sole_instance(&services, &provider_id, &format!("{genesis:?}"))
				.await
				.unwrap_or_else(|e| fail(e));
			let model_path = model_path.unwrap_or_else(|| base_path.join("zerog-tiny-lm.bin"));
			let engine: Arc<dyn Engine> = match engine {
				EngineKind::Cpu => Arc::new(
					CpuEngine::load_or_train(&model_path, train_steps, corpus::corpus)
						.unwrap_or_else(|e| fail(e)),
				),
				EngineKind::Proxy => {
					let upstream =
						upstream.unwrap_or_else(|| fail("--engine proxy needs --upstream"));
					let model = upstream_model
						.unwrap_or_else(|| fail("--engine proxy needs --upstream-model"));
					let key = upstream_key.or_else(|| std::env::var("ZG_UPSTREAM_KEY").ok());
					Arc::new(ProxyEngine::new(&upstream, &model, key).unwrap_or_else(|e| fail(e)))
				}
				EngineKind::Cuda => cuda_engine(&model_path, train_steps),
			};

			let endpoint = endpoint.unwrap_or_else(|| format!("http://{listen}"));
			let service = find_or_register(
				&chain,
				&view,
				services,
				&account,
				&key,
				service,
				&name,
				kind,
				&engine.model(),
				&endpoint,
				input_price,
				output_price,
				bond.0,
			)
			.await
			.unwrap_or_else(|e| fail(e));
			if service.provider != provider_id {
				fail(format!(
					"service {} belongs to {}, not {}",
					service.id,
					service.provider.to_ss58check(),
					provider_id.to_ss58check()
				));
			}
			if service.signer != AccountId::from(key.public()) {
				fail(format!(
					"service {} signs with {}; pass that key as --signer-suri",
					service.id,
					service.signer.to_ss58check()
				));
			}
			let store = Arc::new(
				Store::open(&base_path.join("receipts"), true).unwrap_or_else(|e| fail(e)),
			);
			let config = ProviderConfig {
				service: service.clone(),
				genesis,
				signer: key,
				default_max_tokens,
				settle_threshold,
			};
			let provider = Provider::new(config, engine.clone(), Arc::new(view), store)
				.unwrap_or_else(|e| fail(e.to_string()));
			let listener = tokio::net::TcpListener::bind(listen)
				.await
				.unwrap_or_else(|e| fail(format!("{listen}: {e}")));
			tracing::info!(
				target: "provider",
				"serving service {} ({}, model {}) on http://{}; {} receipts pending",
				service.id, service.name, engine.model(), listener.local_addr().map(|a| a.to_string()).unwrap_or_default(),
				provider.store.pending_count()
			);
			println!(
				"service {} listening on {}",
				service.id,
				listener.local_addr().map(|a| a.to_string()).unwrap_or_default()
			);
			if let Some(addr) = prometheus.addr() {
				let provider = provider.clone();
				zerog_daemon::metrics::serve("zg-provider", addr, move || {
					Ok(provider.metrics_text())
				})
				.await
				.unwrap_or_else(|e| fail(format!("cannot serve metrics on {addr}: {e}")));
			}
			let settler = tokio::spawn(settle::run(
				provider.clone(),
				chain.clone(),
				account.clone(),
				Duration::from_secs(settle_interval),
			));
			let shutdown = async {
				zerog_daemon::process::shutdown_signal("zg-provider").await;
				tracing::info!(target: "provider", "finishing requests, then settling");
			};
			server::serve(provider.clone(), listener, shutdown, Duration::from_secs(30))
				.await
				.unwrap_or_else(|e| fail(e));
			settler.abort();
			match settle::settle_pending(&provider, &chain, &account).await {
				Ok((s, r)) => {
					tracing::info!(target: "provider", "final settlement: {s} settled, {r} rejected")
				}
				Err(e) => {
					tracing::warn!(target: "provider", "final settlement failed ({e}); receipts stay pending on disk")
				}
			}
		}
	}
}

/// Refuses to start while another zg-provider serves this account. Nonces and budgets
/// are kept per (user, provider account), on chain as in each process's store, so two
/// processes of one account could each sign a nonce the other signed (an equivocation
/// the chain slashes) or both spend one budget. Each registered endpoint of the
/// account's services is asked who it is (3 s each, at most `MaxServicesPerProvider`);
/// one that answers as this account on this chain is a live instance. Two processes
/// started within the same few seconds can both pass: the check is for the deployment
/// mistake, not a lock.
async fn sole_instance(
	services: &[ServiceView],
	me: &AccountId,
	genesis: &str,
) -> Result<(), String> {
	let me_ss58 = me.to_ss58check();
	for s in services.iter().filter(|s| &s.provider == me) {
		let Ok(client) = zerog_compute_provider::client::ProviderClient::new(&s.endpoint) else {
			continue;
		};
		let info = tokio::time::timeout(Duration::from_secs(3), client.get("/v1/zerog/service"));
		let Ok(Ok(info)) = info.await else { continue };
		let field = |k: &str| info.get(k).and_then(|v| v.as_str()).map(str::to_owned);
		if field("provider").as_deref() == Some(&me_ss58)
			&& field("genesis").as_deref() == Some(genesis)
		{
			return Err(format!(
				"another zg-provider already serves account {me_ss58} at {} (service {}): nonces and \
				 budgets are kept per provider account, so run one process per account",
				s.endpoint, s.id
			));
		}
	}
	Ok(())
}

#[cfg(feature = "cuda")]
fn cuda_engine(model_path: &std::path::Path, train_steps: u64) -> Arc<dyn Engine> {
	let cpu = CpuEngine::load_or_train(model_path, train_steps, corpus::corpus)
		.unwrap_or_else(|e| fail(e));
	Arc::new(
		zerog_compute_provider::engine::cuda::CudaEngine::new(cpu.tiny().clone())
			.unwrap_or_else(|e| fail(e)),
	)
}

#[cfg(not(feature = "cuda"))]
fn cuda_engine(_: &std::path::Path, _: u64) -> Arc<dyn Engine> {
	fail("this zg-provider was built without the `cuda` feature")
}

#[allow(clippy::too_many_arguments)]
async fn find_or_register(
	chain: &Chain,
	view: &RpcView,
	services: Vec<ServiceView>,
	account_pair: &zerog_chain_client::Sr25519Pair,
	key: &zerog_chain_client::Sr25519Pair,
	id: Option<u64>,
	name: &str,
	kind: Kind,
	model: &str,
	endpoint: &str,
	input_price: u128,
	output_price: u128,
	bond: u128,
) -> Result<ServiceView, String> {
	let me = AccountId::from(account_pair.public());
	if let Some(id) = id {
		return services
			.into_iter()
			.find(|s| s.id == id)
			.ok_or_else(|| format!("no service {id} on chain"));
	}
	if let Some(s) =
		services.into_iter().find(|s| s.provider == me && s.name == name && s.status == "active")
	{
		return Ok(s);
	}
	let most = chain
		.constant(zerog::constants().compute_market().max_string_len())
		.await
		.map_err(|e| e.to_string())?;
	let text = |s: &str| {
		if s.len() > most as usize {
			return Err(format!("{s:?} is longer than the chain's {most} bytes"));
		}
		Ok(bounded(s.as_bytes().to_vec()))
	};
	use zerog::runtime_types::zerog_compute_primitives::ServiceKind;
	let call = zerog::tx().compute_market().register_service(
		match kind {
			Kind::Chat => ServiceKind::Chat,
			Kind::Embeddings => ServiceKind::Embeddings,
		},
		text(name)?,
		text(model)?,
		text(endpoint)?,
		input_price,
		output_price,
		account(&AccountId::from(key.public())),
		bond,
	);
	let included = chain.submit(&call, account_pair, false).await.map_err(|e| e.to_string())?;
	let id = included
		.expect::<zerog::compute_market::events::ServiceRegistered>()
		.map_err(|e| format!("registered, but {e}"))?
		.id;
	tracing::info!(target: "provider", "registered service {id} ({name}) in block {}", included.number);
	view.services()
		.await?
		.into_iter()
		.find(|s| s.id == id)
		.ok_or_else(|| format!("service {id} not readable after registration"))
}
