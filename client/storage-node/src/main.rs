//! `zgs-node`: a ZeroG storage node. See the library docs.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Parser;
use zerog_storage_primitives::ShardConfig;

/// A ZeroG storage node: keeps one shard of the files submitted on chain.
#[derive(Parser, Debug)]
#[command(name = "zgs-node", version)]
struct Args {
	/// The chain's JSON-RPC endpoint (http). Formerly --chain-rpc.
	#[arg(long, alias = "chain-rpc", default_value = "http://127.0.0.1:9944")]
	chain: String,
	/// Where the node keeps its data (RocksDB). Formerly --db-path.
	#[arg(long, alias = "db-path", default_value = "zgs-db")]
	base_path: PathBuf,
	/// Address to serve the zgs_* JSON-RPC, /health and /metrics on. Formerly --rpc-addr.
	#[arg(long, alias = "rpc-addr", default_value = "127.0.0.1:5678")]
	listen: SocketAddr,
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
	#[command(flatten)]
	prometheus: zerog_daemon::metrics::PrometheusArgs,
	/// The registered operator's secret URI, which mining answers are signed with.
	#[arg(long, conflicts_with = "key_file")]
	suri: Option<String>,
	/// A file holding the operator's secret URI (mode 0600 or stricter).
	#[arg(long, value_name = "PATH")]
	key_file: Option<std::path::PathBuf>,
	/// Do not mine, even with a key (audits are still answered with it).
	#[arg(long)]
	no_mine: bool,
	/// The most of one core mining may use, in percent (1 to 100).
	#[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(1..=100))]
	mine_cpu_percent: u8,
}

/// Flags renamed to the daemons' common names; the old ones work for one more release.
const RENAMED: &[(&str, &str)] =
	&[("--chain-rpc", "--chain"), ("--db-path", "--base-path"), ("--rpc-addr", "--listen")];

#[tokio::main]
async fn main() {
	zerog_daemon::process::init_tracing("info,jsonrpsee=warn");
	zerog_daemon::process::warn_deprecated_flags(RENAMED);
	let a = Args::parse();
	let key = zerog_daemon::key::KeyArgs { suri: a.suri.clone(), key_file: a.key_file.clone() };
	let miner = match key.secret_uri() {
		Ok(suri) => match zerog_chain_client::signer(&suri) {
			Ok(pair) => Some(zerog_storage_node::OperatorKey(pair)),
			Err(e) => {
				eprintln!("error: {e}");
				std::process::exit(2);
			}
		},
		Err(zerog_daemon::key::KeyError::Missing) => {
			if !a.no_mine {
				tracing::warn!(
					"not mining nor answering audits: give the operator's --suri or --key-file"
				);
			}
			None
		}
		Err(e) => {
			eprintln!("error: {e}");
			std::process::exit(2);
		}
	};
	let cfg = zerog_storage_node::Config {
		chain_rpc: a.chain,
		db_path: a.base_path,
		rpc_addr: a.listen,
		shard: ShardConfig { shard_id: a.shard_id, num_shard: a.num_shard },
		poll: Duration::from_millis(a.poll_ms.max(50)),
		sync_writes: a.sync_writes,
		prometheus: a.prometheus.addr(),
		http_limits: zerog_storage_node::HTTP_LIMITS,
		miner,
		mine: (!a.no_mine).then_some(a.mine_cpu_percent),
	};
	// SIGINT or SIGTERM: stop serving and following; RocksDB closes cleanly.
	let shutdown = zerog_daemon::process::shutdown_signal("zgs-node");
	if let Err(e) = zerog_storage_node::run(cfg, shutdown).await {
		eprintln!("error: {e}");
		std::process::exit(1);
	}
}
