//! `zgs-node`: a ZeroG storage node. See the library docs.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Parser;
use zerog_storage_primitives::ShardConfig;

/// A ZeroG storage node: keeps one shard of the files submitted on chain.
#[derive(Parser, Debug)]
#[command(name = "zgs-node", version)]
struct Args {
	/// The chain's JSON-RPC endpoint (http).
	#[arg(long, default_value = "http://127.0.0.1:9944")]
	chain_rpc: String,
	/// RocksDB directory.
	#[arg(long, default_value = "zgs-db")]
	db_path: PathBuf,
	/// Address for the zgs_* JSON-RPC (HTTP).
	#[arg(long, default_value = "127.0.0.1:5678")]
	rpc_addr: SocketAddr,
	/// This node's shard, below --num-shard.
	#[arg(long, default_value_t = 0)]
	shard_id: u32,
	/// Number of shards (a power of two).
	#[arg(long, default_value_t = 1)]
	num_shard: u32,
	/// Chain poll interval in milliseconds.
	#[arg(long, default_value_t = 1000)]
	poll_ms: u64,
	/// fsync every write (survives power loss, not only process kills).
	#[arg(long)]
	sync_writes: bool,
}

#[tokio::main]
async fn main() {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,jsonrpsee=warn".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	let a = Args::parse();
	let cfg = zerog_storage_node::Config {
		chain_rpc: a.chain_rpc,
		db_path: a.db_path,
		rpc_addr: a.rpc_addr,
		shard: ShardConfig { shard_id: a.shard_id, num_shard: a.num_shard },
		poll: Duration::from_millis(a.poll_ms.max(50)),
		sync_writes: a.sync_writes,
	};
	// Ctrl-C or SIGTERM: stop serving and following; RocksDB closes cleanly.
	let shutdown = async {
		match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
			Ok(mut term) => tokio::select! {
				_ = tokio::signal::ctrl_c() => {},
				_ = term.recv() => {},
			},
			Err(_) => {
				let _ = tokio::signal::ctrl_c().await;
			}
		}
		tracing::info!("shutting down");
	};
	if let Err(e) = zerog_storage_node::run(cfg, shutdown).await {
		eprintln!("error: {e}");
		std::process::exit(1);
	}
}
