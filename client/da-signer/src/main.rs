//! `zg-da-signer`: a ZeroG DA signer.
//!
//! ```text
//! zg-da-signer --chain http://127.0.0.1:9944 --suri //DaSigner1 --base-path /var/lib/zg-da-signer \
//!     --listen 127.0.0.1:7101 [--endpoint http://host:7101] [--bond 100]
//! ```
//!
//! Registers the account as a signer if it is not one yet (joining quorums from the next
//! epoch), serves the signer API, attests blobs whose cells all verify, answers sampling
//! challenges, and drops blobs the chain no longer asks it to keep. Serves Prometheus
//! metrics on `/metrics`. Stops on SIGINT/SIGTERM; cells are in RocksDB, and a blob
//! held whole but not attested when it stopped is attested after the restart.

use std::{collections::HashSet, net::SocketAddr, path::PathBuf, time::Duration};

use clap::Parser;
use polkadot_sdk::sp_core::{crypto::Ss58Codec, Pair as _};
use zerog_chain_client::{signer, Chain};
use zerog_da_signer::{chain::DaChain, server, store::Store};
use zerog_daemon::amount::{format_zg, Amount};

#[derive(Parser)]
#[command(
	name = "zg-da-signer",
	version,
	about = "A ZeroG DA signer: holds, attests and serves blob columns"
)]
struct Cli {
	/// The node's JSON-RPC.
	#[arg(long, default_value = "http://127.0.0.1:9944")]
	chain: String,
	/// The signer account (holds the bond and sends transactions): --suri or --key-file.
	#[command(flatten)]
	key: zerog_daemon::key::KeyArgs,
	/// The key that signs attestations, registered on chain as the signer's key
	/// (default: SURI//zerog-da-attestation, a hard derivation of the account). It signs
	/// nothing else, and only payloads this process builds itself.
	#[arg(long)]
	attestation_suri: Option<String>,
	/// Where cells are kept (RocksDB).
	#[arg(long)]
	base_path: PathBuf,
	/// Address to serve on.
	#[arg(long, default_value = "127.0.0.1:7101")]
	listen: SocketAddr,
	/// The URL registered on chain (default: http://LISTEN).
	#[arg(long)]
	endpoint: Option<String>,
	/// Bond to register with, in ZG (`100`, `2.5`; `…wei` for the smallest unit).
	#[arg(long, default_value = "100")]
	bond: Amount,
	/// Seconds between looks for open challenges.
	#[arg(long, default_value_t = 3)]
	challenge_interval: u64,
	/// Seconds between maintenance passes over the store: attesting blobs held whole
	/// but not attested yet (after a restart), dropping failed blobs and blobs out of
	/// retention. One pass also runs at start.
	#[arg(long, default_value_t = 30)]
	maintenance_interval: u64,
	#[command(flatten)]
	prometheus: zerog_daemon::metrics::PrometheusArgs,
}

async fn register(
	da: &DaChain,
	pair: &polkadot_sdk::sp_core::sr25519::Pair,
	key: &polkadot_sdk::sp_core::sr25519::Pair,
	endpoint: &str,
	bond: u128,
) -> Result<(), String> {
	// The node may still be starting: retry for a minute.
	let me = polkadot_sdk::sp_runtime::AccountId32::from(pair.public());
	let mut last = String::new();
	for _ in 0..30 {
		match da.registered(&me).await {
			Ok(true) => {
				tracing::info!(target: "da-signer", "already registered");
				return Ok(());
			}
			Ok(false) => {}
			Err(e) => {
				last = e.to_string();
				tokio::time::sleep(Duration::from_secs(2)).await;
				continue;
			}
		}
		match da.register(pair, key, endpoint, bond).await {
			Ok(included) => {
				tracing::info!(target: "da-signer", "registered in block {} with a bond of {}; joins the next epoch's quorum", included.number, format_zg(bond));
				return Ok(());
			}
			Err(e) if e.to_string().contains("AlreadyRegistered") => {
				tracing::info!(target: "da-signer", "already registered");
				return Ok(());
			}
			Err(e @ zerog_chain_client::ChainError::Failed { .. }) => return Err(e.to_string()),
			Err(e) => {
				last = e.to_string();
				tokio::time::sleep(Duration::from_secs(2)).await;
			}
		}
	}
	Err(last)
}

/// The key to sign attestations with, checked against the key this signer's account
/// has in the current quorum. A signer registered by an older zg-da-signer (its account
/// as its key) keeps signing with the account, with a warning, unless a key was given.
async fn registered_key(
	da: &DaChain,
	account_pair: &polkadot_sdk::sp_core::sr25519::Pair,
	attestation_key: polkadot_sdk::sp_core::sr25519::Pair,
	explicit: bool,
) -> Result<polkadot_sdk::sp_core::sr25519::Pair, String> {
	use polkadot_sdk::sp_runtime::AccountId32 as AccountId;
	let account = AccountId::from(account_pair.public());
	let ours = AccountId::from(attestation_key.public());
	let quorum = da.quorum(None).await.map_err(|e| format!("reading the quorum: {e}"))?;
	let Some(member) = quorum.and_then(|q| q.members.into_iter().find(|m| m.signer == account))
	else {
		return Ok(attestation_key); // joins from the next epoch, with the key it registered
	};
	if member.key == ours {
		Ok(attestation_key)
	} else if member.key == account && !explicit {
		tracing::warn!(
			target: "da-signer",
			"registered by an older zg-da-signer with the account as its attestation key: signing with the account \
			 (leave and register again for a separate key)"
		);
		Ok(account_pair.clone())
	} else {
		Err(format!(
			"this signer is registered with attestation key {} but signs with {}: pass --attestation-suri for the registered key",
			member.key.to_ss58check(),
			ours.to_ss58check()
		))
	}
}

#[tokio::main]
async fn main() {
	zerog_daemon::process::init_tracing("info");
	if let Err(e) = run(Cli::parse()).await {
		eprintln!("zg-da-signer: {e}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> Result<(), String> {
	let suri = cli.key.secret_uri().map_err(|e| e.to_string())?;
	let pair = signer(&suri)?;
	let attestation_key = signer(
		&cli.attestation_suri.clone().unwrap_or_else(|| format!("{suri}//zerog-da-attestation")),
	)?;
	let chain = Chain::new(&cli.chain).map_err(|e| e.to_string())?;
	let da = DaChain::new(chain);
	std::fs::create_dir_all(&cli.base_path)
		.map_err(|e| format!("{}: {e}", cli.base_path.display()))?;
	let store = Store::open(&cli.base_path.join("cells")).map_err(|e| e.to_string())?;
	// Load the KZG verification setup (about a second) before serving, not while the
	// first row a disperser sends waits for it.
	tokio::task::spawn_blocking(|| {
		zerog_da_encoding::verifier();
	})
	.await
	.map_err(|e| format!("loading the KZG setup: {e}"))?;
	let listener = tokio::net::TcpListener::bind(cli.listen)
		.await
		.map_err(|e| format!("listen on {}: {e}", cli.listen))?;
	let endpoint = cli.endpoint.clone().unwrap_or_else(|| format!("http://{}", cli.listen));
	let bond = cli.bond.0;
	register(&da, &pair, &attestation_key, &endpoint, bond)
		.await
		.map_err(|e| format!("registering: {e}"))?;
	let attestation_key =
		registered_key(&da, &pair, attestation_key, cli.attestation_suri.is_some()).await?;
	let genesis = da.genesis().await.map_err(|e| format!("reading the genesis hash: {e}"))?;
	tracing::info!(target: "da-signer", "attestations are signed for genesis {genesis:?} only");
	let signer =
		server::Signer::new(pair, attestation_key, da, store).map_err(|e| e.to_string())?;
	tracing::info!(target: "da-signer", "signer {} serving on {endpoint}", signer.account().to_ss58check());

	let challenges = {
		let signer = signer.clone();
		let every = Duration::from_secs(cli.challenge_interval.max(1));
		tokio::spawn(async move {
			let mut answered = HashSet::new();
			loop {
				tokio::time::sleep(every).await;
				if let Err(e) = signer.answer_challenges(&mut answered).await {
					tracing::warn!(target: "da-signer", "challenges: {e}");
				}
			}
		})
	};
	let maintenance = {
		let signer = signer.clone();
		let every = Duration::from_secs(cli.maintenance_interval.max(1));
		tokio::spawn(async move {
			loop {
				match signer.maintain().await {
					Ok(m) if m != Default::default() => {
						tracing::info!(target: "da-signer", "maintenance: {} attestations resumed, {} blobs dropped", m.attesting, m.pruned)
					}
					Ok(_) => {}
					Err(e) => tracing::warn!(target: "da-signer", "maintenance: {e}"),
				}
				tokio::time::sleep(every).await;
			}
		})
	};
	if let Some(addr) = cli.prometheus.addr() {
		let signer = signer.clone();
		zerog_daemon::metrics::serve("zg-da-signer", addr, move || signer.metrics_text())
			.await
			.map_err(|e| format!("cannot serve metrics on {addr}: {e}"))?;
	}
	let shutdown = zerog_daemon::process::shutdown_signal("zg-da-signer");
	server::serve(signer, listener, shutdown).await.map_err(|e| e.to_string())?;
	challenges.abort();
	maintenance.abort();
	Ok(())
}
