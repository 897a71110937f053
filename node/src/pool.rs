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
//!
//! The fork-aware pool validates transactions on threads of lower CPU priority than the
//! rest of the node ([`BackgroundValidation`]): under a burst, validating what arrives and
//! re-validating what waits must not take the cores from authoring and importing blocks.
//! What queues up for those threads is validated in batches, one runtime call each
//! (`BatchTransactionValidation`).

use std::{
	sync::{mpsc, Arc, Mutex, Weak},
	time::Duration,
};

use futures::channel::oneshot;
use polkadot_sdk::{
	sc_cli,
	sc_client_api::UsageProvider,
	sc_service::Configuration,
	sc_transaction_pool,
	sp_api::{ApiExt, ProvideRuntimeApi},
	sp_blockchain,
	sp_blockchain::TreeRoute,
	sp_core::traits::SpawnEssentialNamed,
	sp_runtime::{
		generic::BlockId,
		traits::{Block as BlockT, NumberFor},
		transaction_validity::{TransactionSource, TransactionValidity},
	},
};
use prometheus_endpoint::{register, Counter, PrometheusError, Registry, U64};
use sc_transaction_pool::{
	BasicPool, ChainApi, ForkAwareTxPool, FullChainApi, Options, PoolLimit, TransactionPoolHandle,
	TransactionPoolWrapper, ValidateTransactionPriority,
};
use zerog_block_builder_primitives::BatchTransactionValidation;
use zerog_runtime::opaque::Block;

use crate::{journal::JournalLimit, service::FullClient};

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
/// How long the pool bans a transaction it found invalid or dropped, unless
/// `--tx-ban-seconds` says otherwise: one slot (none on a `--dev` chain).
///
/// `sc-cli` bans for 30 minutes, and that loses accepted transactions under load. When a
/// burst's backlog is larger than the 7,000 transactions the fork-aware pool moves from
/// its mempool into a new block's view, a transaction waiting for an earlier nonce can be
/// held by old views only; once the last of them is gone the pool drops it as if over
/// its limits, and bans it with every later nonce of its sender. The journal
/// ([`crate::journal`]) offers it again two finalized blocks later, and a 30-minute ban
/// keeps it and its sender out for that long (four validators at 1,000 transfers a
/// second, docs/performance.md). A ban of one slot still turns away a transaction that a
/// block included or that failed validation while peers re-send it, and is over when the
/// journal comes back.
pub const BAN_TIME: Duration = Duration::from_secs(2);

/// ZeroG's pool flags beside `sc-cli`'s `--pool-*`: the future queue's size and the
/// local transactions journal ([`crate::journal`]).
#[derive(Debug, Clone, clap::Args)]
pub struct PoolParams {
	/// Transactions the pool keeps while they wait for an earlier nonce of their sender.
	#[arg(long, value_name = "COUNT", default_value_t = POOL_FUTURE_LIMIT)]
	pub pool_future_limit: usize,

	/// Kilobytes of transactions the pool keeps while they wait for an earlier nonce.
	#[arg(long, value_name = "COUNT", default_value_t = POOL_FUTURE_KBYTES)]
	pub pool_future_kbytes: usize,

	/// Transactions this node's RPC accepted that it keeps offering to the pool until they
	/// are finalized or void, within `--pool-kbytes`; 0 turns the journal off.
	#[arg(long, value_name = "COUNT", default_value_t = crate::journal::JOURNAL_LIMIT)]
	pub pool_journal_limit: usize,
}

/// What the node builds its transaction pool with.
#[derive(Debug, Clone)]
pub struct PoolSettings {
	/// Queue limits and ban time.
	pub options: Options,
	/// Fork-aware (the default) or single-state.
	pub kind: sc_transaction_pool::TransactionPoolType,
	/// What the local transactions journal holds.
	pub journal: JournalLimit,
}

impl PoolSettings {
	/// The settings the command line asks for: `sc-cli`'s `--pool-limit`,
	/// `--pool-kbytes`, `--tx-ban-seconds` and `--pool-type`, with ZeroG's future queue
	/// and journal.
	pub fn new(params: &sc_cli::TransactionPoolParams, flags: &PoolParams, is_dev: bool) -> Self {
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
					count: flags.pool_future_limit,
					total_bytes: flags.pool_future_kbytes.saturating_mul(1024),
				},
				reject_future_transactions: false,
				ban_time,
			},
			kind: params.pool_type.into(),
			journal: JournalLimit {
				count: flags.pool_journal_limit,
				bytes: params.pool_kbytes.saturating_mul(1024),
			},
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
				// The wrapper counts validations under Substrate's metric names instead of
				// `FullChainApi`, whose counters no longer see them.
				let api = BackgroundValidation::new(
					FullChainApi::new(client.clone(), None, &spawner),
					client.clone(),
					VALIDATION_THREADS,
					prometheus,
				);
				let chain = client.usage_info().chain;
				TransactionPoolWrapper(Box::new(ForkAwareTxPool::new_with_background_worker(
					options,
					is_validator,
					Arc::new(api),
					prometheus,
					spawner,
					chain.best_hash,
					chain.finalized_hash,
				)))
			}
			// `BasicPool` submits local transactions only through `FullChainApi` itself,
			// so the single-state pool validates at the node's priority.
			sc_transaction_pool::TransactionPoolType::SingleState => TransactionPoolWrapper(
				Box::new(BasicPool::new_full(options, is_validator, prometheus, spawner, client)),
			),
		}
	}
}

/// Threads that validate transactions for the fork-aware pool (as many as `FullChainApi`
/// runs).
const VALIDATION_THREADS: usize = 2;

/// The most transactions one runtime call validates. Under a burst a thread takes
/// everything queued up to this, leaving the rest to the other thread.
const MAX_VALIDATION_BATCH: usize = 64;

/// The nice value of those threads. Linux's scheduler gives a thread at nice 10 about a
/// tenth of the CPU share of one at 0 when both want the same core, and all of an idle
/// core.
const VALIDATION_NICE: i32 = 10;

type FullApi = FullChainApi<FullClient, Block>;
type ApiError = <FullApi as ChainApi>::Error;
type Extrinsic = <Block as BlockT>::Extrinsic;
type Hash = <Block as BlockT>::Hash;
type Validated = Result<TransactionValidity, ApiError>;

/// A transaction waiting for a validation thread, and where its answer goes.
struct Request {
	at: Hash,
	source: TransactionSource,
	uxt: Arc<Extrinsic>,
	reply: oneshot::Sender<Validated>,
}

/// Substrate's chain API for the pool, with validation moved to threads of lower CPU
/// priority.
///
/// Validation is a runtime call per transaction: when a burst arrives, and when the
/// fork-aware pool re-validates every ready transaction of each new block's view, it can
/// keep both of a small machine's cores busy. The block author then runs out of its
/// proposing time with the block half full (`HitDeadline`), and imports run late. On
/// these threads validation still has every core that authoring and import leave idle.
///
/// A thread takes every request queued (up to [`MAX_VALIDATION_BATCH`]) and validates
/// those at the same block in one runtime call (`BatchTransactionValidation`), where
/// each call would instantiate the runtime and reset its memory afterwards. A lone
/// request, a runtime without that API, or a batch whose call fails as a whole (a
/// transaction that traps the runtime, a pruned block) is validated one call each, as
/// `FullChainApi` does, so every transaction gets the answer a call of its own gives.
pub struct BackgroundValidation {
	inner: Arc<FullApi>,
	requests: mpsc::Sender<Request>,
	metrics: Option<Arc<ValidationMetrics>>,
}

/// What a validation thread holds: the chain API and the client only weakly, so that an
/// idle thread never keeps the client, and with it the database, open past the node's
/// shutdown (RocksDB aborts the process if it is closed while the process exits).
struct Validator {
	inner: Weak<FullApi>,
	client: Weak<FullClient>,
	metrics: Option<Arc<ValidationMetrics>>,
}

/// The chain API and the client, for the time of one batch.
struct Chain {
	inner: Arc<FullApi>,
	client: Arc<FullClient>,
}

impl Validator {
	/// Answers every request of `batch`.
	fn validate(&self, batch: Vec<Request>) {
		let (Some(inner), Some(client)) = (self.inner.upgrade(), self.client.upgrade()) else {
			// The node is stopping.
			for request in batch {
				let _ = request.reply.send(Err(pool_down()));
			}
			return;
		};
		let chain = Chain { inner, client };
		for (at, requests) in by_block(batch, |r| r.at) {
			let results = self.validate_at(&chain, at, &requests);
			for (request, result) in requests.into_iter().zip(results) {
				let _ = request.reply.send(result);
				if let Some(m) = &self.metrics {
					m.finished.inc();
				}
			}
		}
	}

	fn count_calls(&self, calls: u64) {
		if let Some(m) = &self.metrics {
			m.calls.inc_by(calls);
		}
	}

	/// One result per request, all at `at`.
	fn validate_at(&self, chain: &Chain, at: Hash, requests: &[Request]) -> Vec<Validated> {
		if requests.len() > 1 {
			match self.validate_batch(chain, at, requests) {
				Ok(results) => return results.into_iter().map(Ok).collect(),
				Err(e) => log::debug!(
					target: "txpool",
					"Validating {} transactions one by one at {at:?}: {e}",
					requests.len()
				),
			}
		}
		self.count_calls(requests.len() as u64);
		requests
			.iter()
			.map(|r| chain.inner.validate_transaction_blocking(at, r.source, r.uxt.clone()))
			.collect()
	}

	fn validate_batch(
		&self,
		chain: &Chain,
		at: Hash,
		requests: &[Request],
	) -> Result<Vec<TransactionValidity>, String> {
		let api = chain.client.runtime_api();
		if !api.has_api::<dyn BatchTransactionValidation<Block>>(at).map_err(|e| e.to_string())? {
			return Err("the runtime has no batch validation".into());
		}
		let transactions = requests.iter().map(|r| (r.source, (*r.uxt).clone())).collect();
		self.count_calls(1);
		let results = api.validate_transactions(at, transactions, at).map_err(|e| e.to_string())?;
		if results.len() != requests.len() {
			return Err(format!("{} results for {} transactions", results.len(), requests.len()));
		}
		Ok(results)
	}
}

/// `items` grouped by `key`, in the order each key first appears, each group in order.
fn by_block<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<(K, Vec<T>)> {
	let mut groups: Vec<(K, Vec<T>)> = Vec::new();
	for item in items {
		let k = key(&item);
		match groups.iter_mut().find(|(g, _)| *g == k) {
			Some((_, group)) => group.push(item),
			None => groups.push((k, vec![item])),
		}
	}
	groups
}

/// Substrate's counters of the pool's validations, under its names, for the dashboards
/// that read them, and the runtime calls they took.
struct ValidationMetrics {
	scheduled: Counter<U64>,
	finished: Counter<U64>,
	calls: Counter<U64>,
}

impl ValidationMetrics {
	fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			scheduled: register(
				Counter::new(
					"substrate_sub_txpool_validations_scheduled",
					"Total number of transactions scheduled for validation",
				)?,
				registry,
			)?,
			finished: register(
				Counter::new(
					"substrate_sub_txpool_validations_finished",
					"Total number of transactions that finished validation",
				)?,
				registry,
			)?,
			calls: register(
				Counter::new(
					"zerog_txpool_validation_calls",
					"Runtime calls the pool's validation threads made: a batch is one",
				)?,
				registry,
			)?,
		})
	}
}

impl BackgroundValidation {
	/// Wraps `inner`, validating on `threads` threads at nice [`VALIDATION_NICE`] through
	/// `client`'s runtime, and counting validations in `prometheus`.
	pub fn new(
		inner: FullApi,
		client: Arc<FullClient>,
		threads: usize,
		prometheus: Option<&Registry>,
	) -> Self {
		let metrics = prometheus.and_then(|registry| match ValidationMetrics::register(registry) {
			Ok(metrics) => Some(Arc::new(metrics)),
			Err(e) => {
				log::warn!(target: "txpool", "Cannot register the validation metrics: {e}");
				None
			}
		});
		let inner = Arc::new(inner);
		let (requests, queue) = mpsc::channel::<Request>();
		let queue = Arc::new(Mutex::new(queue));
		for i in 0..threads.max(1) {
			let queue = queue.clone();
			let validator = Validator {
				inner: Arc::downgrade(&inner),
				client: Arc::downgrade(&client),
				metrics: metrics.clone(),
			};
			let spawned =
				std::thread::Builder::new().name(format!("tx-validate-{i}")).spawn(move || {
					lower_priority(VALIDATION_NICE);
					loop {
						// The lock is held only while waiting for requests and taking them.
						let batch = match queue.lock() {
							Ok(queue) => take_batch(&queue),
							Err(_) => return,
						};
						match batch {
							Some(batch) => validator.validate(batch),
							// The pool is gone.
							None => return,
						}
					}
				});
			if let Err(e) = spawned {
				log::error!(target: "txpool", "Cannot start a validation thread: {e}");
			}
		}
		Self { inner, requests, metrics }
	}
}

/// Waits for a request, then takes those queued behind it, [`MAX_VALIDATION_BATCH`] in
/// all at most; `None` once the pool is gone.
fn take_batch<T>(queue: &mpsc::Receiver<T>) -> Option<Vec<T>> {
	let first = queue.recv().ok()?;
	let mut batch = vec![first];
	while batch.len() < MAX_VALIDATION_BATCH {
		match queue.try_recv() {
			Ok(next) => batch.push(next),
			Err(_) => break,
		}
	}
	Some(batch)
}

/// Lowers the calling thread's CPU priority to `nice` (Linux: a thread is a task of its
/// own, so `setpriority` on its id leaves the rest of the process alone).
fn lower_priority(nice: i32) {
	#[cfg(target_os = "linux")]
	{
		// SAFETY: a plain system call on the calling thread's own id.
		let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, thread_id(), nice) };
		if rc != 0 {
			log::warn!(
				target: "txpool",
				"Cannot lower a validation thread's priority: {}",
				std::io::Error::last_os_error()
			);
		}
	}
	#[cfg(not(target_os = "linux"))]
	let _ = nice;
}

/// The calling thread's id, what `setpriority` and `getpriority` take on Linux.
#[cfg(target_os = "linux")]
fn thread_id() -> libc::id_t {
	// SAFETY: `gettid` takes no arguments and cannot fail.
	unsafe { libc::syscall(libc::SYS_gettid) as libc::id_t }
}

fn pool_down() -> ApiError {
	sp_blockchain::Error::Backend("the transaction pool's validation threads are gone".into())
		.into()
}

#[async_trait::async_trait]
impl ChainApi for BackgroundValidation {
	type Block = Block;
	type Error = ApiError;

	async fn validate_transaction(
		&self,
		at: <Block as BlockT>::Hash,
		source: TransactionSource,
		uxt: Arc<<Block as BlockT>::Extrinsic>,
		_priority: ValidateTransactionPriority,
	) -> Result<TransactionValidity, Self::Error> {
		let (reply, rx) = oneshot::channel();
		if let Some(m) = &self.metrics {
			m.scheduled.inc();
		}
		self.requests.send(Request { at, source, uxt, reply }).map_err(|_| pool_down())?;
		rx.await.map_err(|_| pool_down())?
	}

	fn validate_transaction_blocking(
		&self,
		at: <Block as BlockT>::Hash,
		source: TransactionSource,
		uxt: Arc<<Block as BlockT>::Extrinsic>,
	) -> Result<TransactionValidity, Self::Error> {
		self.inner.validate_transaction_blocking(at, source, uxt)
	}

	fn block_id_to_number(
		&self,
		at: &BlockId<Block>,
	) -> Result<Option<NumberFor<Block>>, Self::Error> {
		self.inner.block_id_to_number(at)
	}

	fn block_id_to_hash(
		&self,
		at: &BlockId<Block>,
	) -> Result<Option<<Block as BlockT>::Hash>, Self::Error> {
		self.inner.block_id_to_hash(at)
	}

	fn hash_and_length(
		&self,
		uxt: &<Block as BlockT>::Extrinsic,
	) -> (<Block as BlockT>::Hash, usize) {
		self.inner.hash_and_length(uxt)
	}

	async fn block_body(
		&self,
		at: <Block as BlockT>::Hash,
	) -> Result<Option<Vec<<Block as BlockT>::Extrinsic>>, Self::Error> {
		self.inner.block_body(at).await
	}

	fn block_header(
		&self,
		at: <Block as BlockT>::Hash,
	) -> Result<Option<<Block as BlockT>::Header>, Self::Error> {
		self.inner.block_header(at)
	}

	fn tree_route(
		&self,
		from: <Block as BlockT>::Hash,
		to: <Block as BlockT>::Hash,
	) -> Result<TreeRoute<Block>, Self::Error> {
		self.inner.tree_route(from, to)
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

	/// This thread's nice value.
	#[cfg(target_os = "linux")]
	fn nice() -> i32 {
		// SAFETY: a plain system call on the calling thread's own id.
		unsafe { libc::getpriority(libc::PRIO_PROCESS, thread_id()) }
	}

	#[cfg(target_os = "linux")]
	#[test]
	fn a_validation_thread_runs_below_the_rest_of_the_node() {
		let before = nice();
		let inside = std::thread::spawn(|| {
			lower_priority(VALIDATION_NICE);
			nice()
		})
		.join()
		.expect("the thread ran");
		if before <= VALIDATION_NICE {
			assert_eq!(inside, VALIDATION_NICE);
		}
		assert_eq!(nice(), before, "only the validation thread's priority changes");
	}

	#[test]
	fn a_thread_takes_what_is_queued_up_to_a_batch() {
		let (tx, rx) = mpsc::channel();
		for i in 0..MAX_VALIDATION_BATCH + 3 {
			tx.send(i).expect("open");
		}
		let first = take_batch(&rx).expect("requests");
		assert_eq!(first, (0..MAX_VALIDATION_BATCH).collect::<Vec<_>>());
		assert_eq!(
			take_batch(&rx),
			Some(vec![MAX_VALIDATION_BATCH, MAX_VALIDATION_BATCH + 1, MAX_VALIDATION_BATCH + 2])
		);
		drop(tx);
		assert_eq!(take_batch(&rx), None, "the pool is gone");
	}

	#[test]
	fn requests_at_different_blocks_go_in_separate_calls_in_order() {
		let groups = by_block(vec![(1, 'a'), (2, 'b'), (1, 'c'), (3, 'd'), (2, 'e')], |r| r.0);
		let groups: Vec<_> = groups
			.into_iter()
			.map(|(at, rs)| (at, rs.into_iter().map(|r| r.1).collect::<String>()))
			.collect();
		assert_eq!(groups, vec![(1, "ac".into()), (2, "be".into()), (3, "d".into())]);
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
		assert_eq!(s.journal, JournalLimit { count: 65_536, bytes: 128 << 20 });
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
			"--pool-journal-limit",
			"0",
		]);
		assert_eq!((s.options.ready.count, s.options.ready.total_bytes), (100, 7 * 1024));
		assert_eq!((s.options.future.count, s.options.future.total_bytes), (30, 3 * 1024));
		assert!(matches!(s.kind, sc_transaction_pool::TransactionPoolType::SingleState));
		assert_eq!(s.journal, JournalLimit { count: 0, bytes: 7 * 1024 });
		// Not a dev chain: banned for one slot, less than the journal waits to offer again.
		assert_eq!(s.options.ban_time, BAN_TIME);
		assert!(BAN_TIME < Duration::from_secs(2 * crate::journal::RETRY_BLOCKS));
		assert_eq!(settings(&["--dev"]).options.ban_time, Duration::ZERO);
		assert_eq!(
			settings(&["--dev", "--tx-ban-seconds", "9"]).options.ban_time,
			Duration::from_secs(9)
		);
	}
}
