//! The transaction pool: Substrate's pools (fork-aware by default), built with a future
//! queue sized apart from the ready one.
//!
//! `sc-cli` sizes the future queue (transactions waiting for an earlier nonce) at a
//! tenth of `--pool-limit`. That loses transactions the pool accepted: when the
//! fork-aware pool builds the view of a new block, it re-submits its backlog in random
//! batches, so a sender's later nonces wait in the future queue until the earlier ones
//! arrive. A burst whose backlog is larger than the future queue (20,000 transfers from
//! 64 senders while an epoch-change block fills a slot) overflows it, and the evicted
//! transactions strand every later nonce of their senders. ZeroG's future queue is as
//! large as its ready queue by default (`--pool-future-limit`, `--pool-future-kbytes`).

use std::{sync::Arc, time::Duration};

use polkadot_sdk::{
	sc_cli, sc_service::Configuration, sc_transaction_pool, sp_core::traits::SpawnEssentialNamed,
};
use sc_transaction_pool::{
	BasicPool, ForkAwareTxPool, Options, PoolLimit, TransactionPoolHandle, TransactionPoolWrapper,
};
use zerog_runtime::opaque::Block;

use crate::service::FullClient;

/// Default `--pool-limit`: transactions the ready queue keeps. Substrate's 8,192 is
/// smaller than one burst a wallet or an exchange sends.
pub const POOL_LIMIT: &str = "65536";
/// Default `--pool-kbytes`: the ready queue's size in KiB (128 MiB; Substrate's is 20 MiB).
pub const POOL_KBYTES: &str = "131072";
/// Default `--pool-future-limit`: transactions the future queue keeps, as many as the
/// ready queue (`sc-cli` keeps a tenth).
pub const POOL_FUTURE_LIMIT: usize = 65_536;
/// Default `--pool-future-kbytes`: the future queue's size in KiB (32 MiB, room for
/// 200,000 transfers; the count binds first).
pub const POOL_FUTURE_KBYTES: usize = 32_768;
/// How long a transaction found invalid stays banned, unless `--tx-ban-seconds` says
/// otherwise (as `sc-cli`: none on a `--dev` chain, 30 minutes on any other).
const BAN_TIME: Duration = Duration::from_secs(30 * 60);

/// The future queue's size, beside `sc-cli`'s `--pool-*` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct FutureQueueParams {
	/// Transactions the pool keeps while they wait for an earlier nonce of their sender.
	#[arg(long, value_name = "COUNT", default_value_t = POOL_FUTURE_LIMIT)]
	pub pool_future_limit: usize,

	/// Kilobytes of transactions the pool keeps while they wait for an earlier nonce.
	#[arg(long, value_name = "COUNT", default_value_t = POOL_FUTURE_KBYTES)]
	pub pool_future_kbytes: usize,
}

/// What the node builds its transaction pool with.
#[derive(Debug, Clone)]
pub struct PoolSettings {
	/// Queue limits and ban time.
	pub options: Options,
	/// Fork-aware (the default) or single-state.
	pub kind: sc_transaction_pool::TransactionPoolType,
}

impl PoolSettings {
	/// The settings the command line asks for: `sc-cli`'s `--pool-limit`,
	/// `--pool-kbytes`, `--tx-ban-seconds` and `--pool-type`, with ZeroG's future queue.
	pub fn new(
		params: &sc_cli::TransactionPoolParams,
		future: &FutureQueueParams,
		is_dev: bool,
	) -> Self {
		let ban_time = match params.tx_ban_seconds {
			Some(seconds) => Duration::from_secs(seconds),
			None if is_dev => Duration::ZERO,
			None => BAN_TIME,
		};
		Self {
			options: Options {
				ready: PoolLimit {
					count: params.pool_limit,
					total_bytes: params.pool_kbytes.saturating_mul(1024),
				},
				future: PoolLimit {
					count: future.pool_future_limit,
					total_bytes: future.pool_future_kbytes.saturating_mul(1024),
				},
				reject_future_transactions: false,
				ban_time,
			},
			kind: params.pool_type.into(),
		}
	}

	/// Builds the pool for a node with this configuration.
	pub fn build(
		&self,
		config: &Configuration,
		spawner: impl SpawnEssentialNamed + 'static,
		client: Arc<FullClient>,
	) -> TransactionPoolHandle<Block, FullClient> {
		let options = self.options.clone();
		log::info!(
			target: "txpool",
			"Creating the {:?} transaction pool: ready {:?}, future {:?}",
			self.kind,
			options.ready,
			options.future,
		);
		let is_validator = config.role.is_authority().into();
		let prometheus = config.prometheus_registry();
		match self.kind {
			sc_transaction_pool::TransactionPoolType::ForkAware => {
				TransactionPoolWrapper(Box::new(ForkAwareTxPool::new_full(
					options,
					is_validator,
					prometheus,
					spawner,
					client,
				)))
			}
			sc_transaction_pool::TransactionPoolType::SingleState => TransactionPoolWrapper(
				Box::new(BasicPool::new_full(options, is_validator, prometheus, spawner, client)),
			),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::cli::Cli;

	fn settings(args: &[&str]) -> PoolSettings {
		let cli = Cli::parse_from_iter(std::iter::once("zerog-node").chain(args.iter().copied()));
		PoolSettings::new(&cli.run.pool_config, &cli.pool, cli.run.shared_params.is_dev())
	}

	#[test]
	fn the_future_queue_is_as_large_as_the_ready_queue_by_default() {
		let s = settings(&["--dev"]);
		assert_eq!(s.options.ready.count, 65_536);
		assert_eq!(s.options.ready.total_bytes, 128 << 20);
		assert_eq!(s.options.future.count, 65_536);
		assert_eq!(s.options.future.total_bytes, 32 << 20);
		assert!(!s.options.reject_future_transactions);
		assert!(matches!(s.kind, sc_transaction_pool::TransactionPoolType::ForkAware));
	}

	#[test]
	fn flags_override_every_limit_and_the_ban_time() {
		let s = settings(&[
			"--pool-limit",
			"100",
			"--pool-kbytes",
			"7",
			"--pool-future-limit",
			"30",
			"--pool-future-kbytes",
			"3",
			"--pool-type",
			"single-state",
		]);
		assert_eq!((s.options.ready.count, s.options.ready.total_bytes), (100, 7 * 1024));
		assert_eq!((s.options.future.count, s.options.future.total_bytes), (30, 3 * 1024));
		assert!(matches!(s.kind, sc_transaction_pool::TransactionPoolType::SingleState));
		// Not a dev chain: invalid transactions stay banned for 30 minutes.
		assert_eq!(s.options.ban_time, BAN_TIME);
		assert_eq!(settings(&["--dev"]).options.ban_time, Duration::ZERO);
		assert_eq!(
			settings(&["--dev", "--tx-ban-seconds", "9"]).options.ban_time,
			Duration::from_secs(9)
		);
	}
}
