//! The local transactions journal: what this node's RPC accepted stays with the node
//! until it is finalized or known to be void.
//!
//! A transaction submitted without a watch (`author_submitExtrinsic`,
//! `eth_sendRawTransaction`) has no one to hear that the pool dropped it, and Substrate's
//! pools drop accepted transactions: the fork-aware pool drops a transaction waiting for
//! an earlier nonce once every view that held it is gone, and a queue over its limit
//! drops its oldest. The submitter saw the hash and waits for a block that never comes.
//! Ethereum clients keep "local" transactions for the same reason (geth's journal).
//!
//! [`Journaled`] wraps the pool that the RPC servers use and journals each transaction
//! that they submit without a watch and the pool accepts. One the pool refuses for a
//! passing reason (a view at a block whose state was discarded in a reorganization, not a
//! verdict on the transaction) is offered again after [`TRANSIENT_RETRY`], up to
//! [`TRANSIENT_TRIES`] times, and journaled unless the pool then finds it invalid. After
//! each finalized block, [`run`] forgets what the finalized blocks included, and offers
//! the pool again what has waited [`RETRY_BLOCKS`] finalized blocks since it was last
//! offered:
//! - one still in the pool answers "already imported" at the cost of a hash look-up;
//! - one the pool dropped goes back in (counted in `zerog_txpool_journal_returned`);
//! - one the pool banned (it evicted it over its limits, or found it invalid) waits for
//!   the ban to end (`--tx-ban-seconds`: one slot, none on a `--dev` chain, so it is
//!   over by the next offer);
//! - one that became invalid (its nonce used, its era over, its sender unable to pay)
//!   is forgotten.
//!
//! The journal holds at most `--pool-journal-limit` transactions and `--pool-kbytes` of
//! them (the oldest go first), each for at most [`LIFETIME_BLOCKS`] finalized blocks;
//! `--pool-journal-limit 0` turns it off. Watched submissions are not journaled: their
//! watchers are told `dropped`, and they decide. Transactions from peers are not either:
//! the peer that took them from a user journals them.

use std::{
	collections::{BTreeMap, HashMap},
	hash::Hash,
	pin::Pin,
	sync::{Arc, Mutex, MutexGuard},
};

use async_trait::async_trait;
use codec::Encode;
use futures::StreamExt;
use polkadot_sdk::{
	sc_client_api::{BlockBackend, BlockchainEvents, HeaderBackend},
	sc_transaction_pool_api::{
		error::{Error as PoolError, IntoPoolError},
		ChainEvent, ImportNotificationStream, MaintainedTransactionPool, PoolStatus,
		ReadyTransactions, TransactionFor, TransactionPool, TransactionSource,
		TransactionStatusStreamFor, TxHash, TxInvalidityReportMap,
	},
	sp_runtime::traits::{Block as BlockT, Header as _, UniqueSaturatedInto},
};
use prometheus_endpoint::{register, Counter, Gauge, PrometheusError, Registry, U64};

/// Default `--pool-journal-limit`: as many transactions as the ready queue holds.
pub const JOURNAL_LIMIT: usize = 65_536;

/// Finalized blocks a journaled transaction waits before it is offered to the pool again.
/// Two: one brought dropped transactions back a block sooner, and a wallet-style burst on
/// one dev node sustained 1.20x the rate, but the four validators sharing two cores
/// failed two load runs of seven with it and none of six without (docs/performance.md,
/// "EVM throughput", 2026-12-05).
pub const RETRY_BLOCKS: u64 = 2;

/// Finalized blocks after which a journaled transaction is given up: 40 minutes of 2 s
/// blocks, past any mortal transaction's era and past `sc-cli`'s 30-minute ban for
/// a node that sets `--tx-ban-seconds 1800`.
pub const LIFETIME_BLOCKS: u64 = 1_200;

/// The most transactions offered again after one finalized block; the rest wait a block.
pub const MAX_PER_ROUND: usize = 8_192;

/// How long a submission waits before it is offered again when the pool refused it for a
/// passing reason rather than as its verdict on the transaction. After a reorganization,
/// the pool can validate against a view whose block's state was just discarded and answer
/// "State already discarded", while a view it is building at that moment keeps the
/// transaction and its mempool drops it: nothing would then offer that transaction again,
/// and its sender's later transactions wait for it forever (docs/performance.md, "Under
/// load"). The view is gone by the next maintenance.
pub const TRANSIENT_RETRY: std::time::Duration = std::time::Duration::from_millis(250);

/// How many times a submission refused in passing is offered again before its caller
/// hears the refusal: after [`TRANSIENT_RETRY`], then twice and four times as long (1.75 s
/// in all, within one slot). A view whose state was discarded is usually gone by the next
/// maintenance, but under load that can take more than one try (docs/performance.md).
pub const TRANSIENT_TRIES: u32 = 3;

/// Whether a refusal that is not the pool's verdict came from the moment rather than from
/// the transaction: validation at a block whose state is gone. Anything else (bytes the
/// runtime cannot decode, say) is answered as it is, and never journaled: otherwise bad
/// input would fill the journal and be validated again every few blocks.
fn passing(e: &impl std::fmt::Display) -> bool {
	let message = e.to_string().to_ascii_lowercase();
	["state already discarded", "unknown block", "unknownblock"].iter().any(|m| message.contains(m))
}

/// `Ok(e)` when `e` is a refusal in passing ([`passing`], not a pool verdict); `Err(e)`,
/// the same error, otherwise.
fn in_passing<E>(e: E) -> Result<E, E>
where
	E: IntoPoolError + From<PoolError> + std::fmt::Display,
{
	match e.into_pool_error() {
		Ok(verdict) => Err(verdict.into()),
		Err(e) if passing(&e) => Ok(e),
		Err(e) => Err(e),
	}
}

/// How much the journal holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalLimit {
	/// Transactions; 0 turns the journal off.
	pub count: usize,
	/// Bytes of encoded transactions.
	pub bytes: usize,
}

/// What the pool answered a transaction offered again, for the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
	/// It went back into the pool: the pool had dropped it.
	Returned,
	/// The pool still holds it ("already imported") or could not take it now (banned a
	/// while, full, or behind its node): kept, to be offered again.
	Kept,
	/// It can no longer be included (invalid, banned, replaced): forgotten.
	Void,
}

impl Outcome {
	/// The journal's reading of a pool's answer.
	pub fn of<H, E: IntoPoolError>(answer: Result<H, E>) -> Self {
		match answer {
			Ok(_) => Outcome::Returned,
			Err(e) => match e.into_pool_error() {
				Ok(e) => Self::of_pool_error(&e),
				// Not the pool's verdict on the transaction (a runtime API error, a pruned
				// block): try again later.
				Err(_) => Outcome::Kept,
			},
		}
	}

	fn of_pool_error(e: &PoolError) -> Self {
		match e {
			// Banned: found invalid (it may become valid, or its nonce used: then the
			// pool says so once the ban is over), or evicted over the pool's limits.
			PoolError::AlreadyImported(_)
			| PoolError::TemporarilyBanned
			| PoolError::ImmediatelyDropped
			| PoolError::InvalidBlockId(_)
			| PoolError::UnknownTransaction(_) => Outcome::Kept,
			PoolError::InvalidTransaction(_)
			| PoolError::TooLowPriority { .. }
			| PoolError::CycleDetected
			| PoolError::NoTagsProvided
			| PoolError::Unactionable
			| PoolError::RejectedFutureTransaction => Outcome::Void,
		}
	}
}

struct Entry<X> {
	seq: u64,
	xt: X,
	bytes: usize,
	/// Finalized block number when it was journaled.
	since: u64,
	/// Finalized block number when it was last offered to the pool.
	offered: u64,
}

/// What happened to the journal in one call, for the metrics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
	/// Entries given up: over the limits or past their lifetime.
	pub evicted: u64,
	/// Entries forgotten: included, or void.
	pub forgotten: u64,
	/// Entries the pool took back.
	pub returned: u64,
}

/// Transactions by hash, oldest first, within a [`JournalLimit`].
pub struct Journal<H, X> {
	limit: JournalLimit,
	entries: HashMap<H, Entry<X>>,
	order: BTreeMap<u64, H>,
	next_seq: u64,
	bytes: usize,
	/// The last finalized block number seen.
	now: u64,
}

impl<H: Hash + Eq + Clone, X: Clone> Journal<H, X> {
	/// An empty journal.
	pub fn new(limit: JournalLimit) -> Self {
		Self {
			limit,
			entries: HashMap::new(),
			order: BTreeMap::new(),
			next_seq: 0,
			bytes: 0,
			now: 0,
		}
	}

	/// Transactions held.
	pub fn len(&self) -> usize {
		self.entries.len()
	}

	/// Whether it holds nothing.
	pub fn is_empty(&self) -> bool {
		self.entries.is_empty()
	}

	/// Bytes held.
	#[cfg(test)]
	pub fn bytes(&self) -> usize {
		self.bytes
	}

	/// Journals a transaction the pool accepted, evicting the oldest over the limits.
	/// One larger than the byte limit by itself is not journaled.
	pub fn insert(&mut self, hash: H, xt: X, bytes: usize) -> Changes {
		let mut changes = Changes::default();
		if self.limit.count == 0 || bytes > self.limit.bytes || self.entries.contains_key(&hash) {
			return changes;
		}
		while self.entries.len() >= self.limit.count || self.bytes + bytes > self.limit.bytes {
			let Some((_, oldest)) = self.order.pop_first() else { break };
			if let Some(e) = self.entries.remove(&oldest) {
				self.bytes -= e.bytes;
				changes.evicted += 1;
			}
		}
		let seq = self.next_seq;
		self.next_seq += 1;
		self.order.insert(seq, hash.clone());
		self.bytes += bytes;
		self.entries.insert(hash, Entry { seq, xt, bytes, since: self.now, offered: self.now });
		changes
	}

	fn remove(&mut self, hash: &H) -> bool {
		match self.entries.remove(hash) {
			Some(e) => {
				self.order.remove(&e.seq);
				self.bytes -= e.bytes;
				true
			}
			None => false,
		}
	}

	/// Forgets transactions a finalized block included.
	pub fn forget<'a>(&mut self, included: impl IntoIterator<Item = &'a H>) -> Changes
	where
		H: 'a,
	{
		let mut changes = Changes::default();
		for hash in included {
			if self.remove(hash) {
				changes.forgotten += 1;
			}
		}
		changes
	}

	/// Moves to finalized block `number`: gives up what outlived [`LIFETIME_BLOCKS`], and
	/// returns up to [`MAX_PER_ROUND`] transactions last offered at least [`RETRY_BLOCKS`]
	/// ago, marked as offered now: those offered longest ago, in the order they were
	/// journaled, so that a journal larger than a round offers each in turn.
	pub fn due(&mut self, number: u64) -> (Vec<(H, X)>, Changes) {
		self.now = self.now.max(number);
		let now = self.now;
		let mut changes = Changes::default();
		// Entries are journaled in order of `since`, so the expired ones lead `order`.
		while let Some((_, oldest)) = self.order.first_key_value() {
			if self.entries.get(oldest).is_some_and(|e| now < e.since + LIFETIME_BLOCKS) {
				break;
			}
			let oldest = oldest.clone();
			if self.remove(&oldest) {
				changes.evicted += 1;
			} else {
				// An order entry without its journal entry; drop it so the loop moves on.
				self.order.pop_first();
			}
		}
		// (last offered, journaled as) of every entry due; the round takes the smallest.
		let mut waiting: Vec<(u64, u64)> = self
			.entries
			.values()
			.filter(|e| now >= e.offered + RETRY_BLOCKS)
			.map(|e| (e.offered, e.seq))
			.collect();
		if waiting.len() > MAX_PER_ROUND {
			waiting.select_nth_unstable(MAX_PER_ROUND);
			waiting.truncate(MAX_PER_ROUND);
		}
		waiting.sort_unstable_by_key(|&(_, seq)| seq);
		let mut due = Vec::with_capacity(waiting.len());
		for (_, seq) in waiting {
			let Some(hash) = self.order.get(&seq) else { continue };
			if let Some(e) = self.entries.get_mut(hash) {
				e.offered = now;
				due.push((hash.clone(), e.xt.clone()));
			}
		}
		(due, changes)
	}

	/// Records the pool's answer to a transaction offered again.
	pub fn settle(&mut self, hash: &H, outcome: Outcome) -> Changes {
		let mut changes = Changes::default();
		match outcome {
			Outcome::Returned if self.entries.contains_key(hash) => changes.returned += 1,
			Outcome::Void if self.remove(hash) => changes.forgotten += 1,
			_ => {}
		}
		changes
	}
}

/// The journal's counters in the node's Prometheus registry.
struct Metrics {
	held: Gauge<U64>,
	returned: Counter<U64>,
	evicted: Counter<U64>,
}

impl Metrics {
	fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			held: register(
				Gauge::new(
					"zerog_txpool_journal_transactions",
					"Transactions this node's RPC accepted that are not finalized yet",
				)?,
				registry,
			)?,
			returned: register(
				Counter::new(
					"zerog_txpool_journal_returned",
					"Journaled transactions the pool had dropped and took back",
				)?,
				registry,
			)?,
			evicted: register(
				Counter::new(
					"zerog_txpool_journal_evicted",
					"Journaled transactions given up: over the journal's limits or lifetime",
				)?,
				registry,
			)?,
		})
	}

	fn record(&self, changes: Changes, held: usize) {
		self.returned.inc_by(changes.returned);
		self.evicted.inc_by(changes.evicted);
		self.held.set(held as u64);
	}
}

type JournalOf<P> = Journal<TxHash<P>, TransactionFor<P>>;

/// Transactions due to be offered again, by hash.
type Due<P> = Vec<(TxHash<P>, TransactionFor<P>)>;

/// The pool's answer to one submission.
type PoolAnswer<P> = Result<TxHash<P>, <P as TransactionPool>::Error>;

/// A transaction refused in passing, with its first refusal, to be offered again.
type Retry<P> = (TransactionFor<P>, <P as TransactionPool>::Error);

/// The pool's first answer to a submission, as [`Journaled`] reads it.
enum First<P: TransactionPool> {
	/// The caller's answer.
	Answer(PoolAnswer<P>),
	/// Refused in passing: offered again after [`TRANSIENT_RETRY`].
	Again(P::Error),
}

/// A transaction pool whose unwatched submissions are journaled (see the module docs).
pub struct Journaled<P: TransactionPool> {
	inner: Arc<P>,
	journal: Option<Mutex<JournalOf<P>>>,
	metrics: Option<Metrics>,
}

impl<P: TransactionPool> Journaled<P> {
	/// Wraps `inner`; `limit.count == 0` only delegates.
	pub fn new(inner: Arc<P>, limit: JournalLimit, registry: Option<&Registry>) -> Self {
		let journal = (limit.count > 0).then(|| Mutex::new(Journal::new(limit)));
		let metrics = journal.as_ref().and(registry).and_then(|r| {
			Metrics::register(r)
				.map_err(|e| log::warn!(target: "txpool", "journal metrics not registered: {e}"))
				.ok()
		});
		Self { inner, journal, metrics }
	}

	fn journal(&self) -> Option<MutexGuard<'_, JournalOf<P>>> {
		self.journal.as_ref().map(|j| j.lock().unwrap_or_else(|e| e.into_inner()))
	}

	fn record(&self, changes: Changes, held: usize) {
		if let Some(m) = &self.metrics {
			m.record(changes, held);
		}
	}

	fn note_accepted(&self, hash: &TxHash<P>, xt: &TransactionFor<P>) {
		if let Some(mut j) = self.journal() {
			let changes = j.insert(hash.clone(), xt.clone(), xt.encoded_size());
			let held = j.len();
			drop(j);
			self.record(changes, held);
		}
	}

	/// Reads the pool's first answer to a submission: journals what it took, and tells
	/// a refusal in passing (to be offered again) from an answer for the caller.
	fn first(&self, xt: &TransactionFor<P>, answer: PoolAnswer<P>) -> First<P> {
		match answer {
			Ok(hash) => {
				self.note_accepted(&hash, xt);
				First::Answer(Ok(hash))
			}
			Err(e) => match in_passing(e) {
				Ok(e) => First::Again(e),
				Err(e) => First::Answer(Err(e)),
			},
		}
	}

	/// Offers `pending` (each with its slot in the caller's answers and the pool's first
	/// refusal) again, up to [`TRANSIENT_TRIES`] times while the pool keeps refusing them
	/// in passing, and answers each slot ([`Self::after_transient`]).
	async fn offer_again(
		&self,
		at: <P::Block as BlockT>::Hash,
		source: TransactionSource,
		mut pending: Vec<(usize, TransactionFor<P>, P::Error)>,
	) -> Vec<(usize, PoolAnswer<P>)> {
		let mut answered = Vec::with_capacity(pending.len());
		let mut wait = TRANSIENT_RETRY;
		for round in 1..=TRANSIENT_TRIES {
			if pending.is_empty() {
				break;
			}
			log::debug!(
				target: "txpool",
				"journal: {} transactions refused for a passing reason, offered again in {wait:?}",
				pending.len(),
			);
			tokio::time::sleep(wait).await;
			wait *= 2;
			let xts = pending.iter().map(|(_, xt, _)| xt.clone()).collect();
			// A refusal of the whole batch counts as each transaction's refusal in passing.
			let mut answers =
				self.inner.submit_at(at, source, xts).await.unwrap_or_default().into_iter();
			let last = round == TRANSIENT_TRIES;
			let mut refused = Vec::new();
			for (slot, xt, first) in pending {
				match self.after_transient(xt, first, answers.next(), last) {
					Ok(answer) => answered.push((slot, answer)),
					Err((xt, first)) => refused.push((slot, xt, first)),
				}
			}
			pending = refused;
		}
		answered
	}

	/// The answer to a transaction offered again after the pool refused it for a passing
	/// reason (`first`; [`Self::offer_again`]); `answer` is `None` when the pool refused
	/// the whole batch. Refused in passing again, it comes back with `first` for another
	/// try, unless this was the `last`. It is journaled when the pool took it, holds it,
	/// banned it for that refusal, or refused it in passing to the last; the caller hears
	/// the pool's verdict when there is one, and `first` otherwise.
	fn after_transient(
		&self,
		xt: TransactionFor<P>,
		first: P::Error,
		answer: Option<PoolAnswer<P>>,
		last: bool,
	) -> Result<PoolAnswer<P>, Retry<P>> {
		let answer = answer.map(|a| a.map_err(IntoPoolError::into_pool_error));
		let again = match &answer {
			None => true,
			Some(Err(Err(e))) => passing(e),
			Some(_) => false,
		};
		if again && !last {
			return Err((xt, first));
		}
		let hash = self.inner.hash_of(&xt);
		let (journal, answer) = match answer {
			// Taken now, or the first offer's insertion stayed in the pool.
			Some(Ok(_)) | Some(Err(Ok(PoolError::AlreadyImported(_)))) => (true, Ok(hash.clone())),
			// The journal offers it again once the ban (one slot) or the moment is over.
			Some(Err(Ok(PoolError::TemporarilyBanned))) => (true, Err(first)),
			Some(Err(Ok(verdict))) => (false, Err(verdict.into())),
			Some(Err(Err(e))) if !again => (false, Err(e)),
			// Refused in passing to the last try.
			_ => (true, Err(first)),
		};
		if journal {
			self.note_accepted(&hash, &xt);
		}
		Ok(answer)
	}

	/// Forgets `included` and takes what is due after finalized block `number`.
	fn take_due(&self, number: u64, included: &[TxHash<P>]) -> Option<(Due<P>, Changes)> {
		let mut j = self.journal()?;
		let mut changes = j.forget(included);
		let (due, expired) = j.due(number);
		changes.evicted += expired.evicted;
		Some((due, changes))
	}

	/// Records the pool's answers to what [`Self::take_due`] offered.
	fn settle_all(&self, hashes: &[TxHash<P>], answers: Vec<PoolAnswer<P>>, changes: &mut Changes) {
		if let Some(mut j) = self.journal() {
			for (hash, answer) in hashes.iter().zip(answers) {
				// Formatted only when it can be logged: most answers are "already imported",
				// and this runs under the journal's lock.
				let error = log::log_enabled!(target: "txpool", log::Level::Debug)
					.then(|| answer.as_ref().err().map(|e| e.to_string()))
					.flatten();
				let outcome = Outcome::of(answer);
				if let Some(e) = error {
					if outcome == Outcome::Void {
						log::debug!(target: "txpool", "journal: {hash:?} forgotten, the pool answered: {e}");
					} else {
						log::trace!(target: "txpool", "journal: {hash:?} offered again: {e}");
					}
				}
				let c = j.settle(hash, outcome);
				changes.returned += c.returned;
				changes.forgotten += c.forgotten;
			}
		}
	}

	/// One round after finalized block `number`, whose newly finalized blocks included
	/// `included`: forgets those, and offers the pool again what is due.
	pub async fn after_finalized(
		&self,
		number: u64,
		best: <P::Block as BlockT>::Hash,
		included: &[TxHash<P>],
	) {
		let Some((due, mut changes)) = self.take_due(number, included) else { return };
		if !due.is_empty() {
			let (hashes, xts): (Vec<_>, Vec<_>) = due.into_iter().unzip();
			match self.inner.submit_at(best, TransactionSource::External, xts).await {
				Ok(answers) => self.settle_all(&hashes, answers, &mut changes),
				Err(e) => log::debug!(target: "txpool", "journal: the pool refused a batch: {e}"),
			}
			if changes.returned > 0 {
				log::debug!(
					target: "txpool",
					"journal: {} dropped transactions back in the pool",
					changes.returned,
				);
			}
		}
		let held = self.journal().map_or(0, |j| j.len());
		self.record(changes, held);
	}
}

/// Follows finality for `pool`'s journal until the node stops (see the module docs).
pub async fn run<B, C, P>(client: Arc<C>, pool: Arc<Journaled<P>>)
where
	B: BlockT,
	C: BlockchainEvents<B> + BlockBackend<B> + HeaderBackend<B> + 'static,
	P: TransactionPool<Block = B> + 'static,
{
	if pool.journal.is_none() {
		return;
	}
	let mut finality = client.finality_notification_stream();
	while let Some(n) = finality.next().await {
		let number: u64 = (*n.header.number()).unique_saturated_into();
		let empty = pool.journal().is_none_or(|j| j.is_empty());
		let mut included = Vec::new();
		if !empty {
			for hash in n.tree_route.iter().chain(std::iter::once(&n.hash)) {
				if let Ok(Some(body)) = client.block_body(*hash) {
					included.extend(body.iter().map(|xt| pool.inner.hash_of(xt)));
				}
			}
		}
		pool.after_finalized(number, client.info().best_hash, &included).await;
	}
}

#[async_trait]
impl<P: TransactionPool + 'static> TransactionPool for Journaled<P> {
	type Block = P::Block;
	type Hash = P::Hash;
	type InPoolTransaction = P::InPoolTransaction;
	type Error = P::Error;

	async fn submit_at(
		&self,
		at: <Self::Block as BlockT>::Hash,
		source: TransactionSource,
		xts: Vec<TransactionFor<Self>>,
	) -> Result<Vec<Result<TxHash<Self>, Self::Error>>, Self::Error> {
		if self.journal.is_none() {
			return self.inner.submit_at(at, source, xts).await;
		}
		let copies = xts.clone();
		let answers = self.inner.submit_at(at, source, xts).await?;
		// Each transaction's answer in its place; those refused in passing are answered
		// after they are offered again.
		let mut out = Vec::with_capacity(answers.len());
		let mut again = Vec::new();
		for (xt, answer) in copies.into_iter().zip(answers) {
			match self.first(&xt, answer) {
				First::Answer(answer) => out.push(Some(answer)),
				First::Again(e) => {
					again.push((out.len(), xt, e));
					out.push(None);
				}
			}
		}
		for (slot, answer) in self.offer_again(at, source, again).await {
			out[slot] = Some(answer);
		}
		Ok(out.into_iter().flatten().collect())
	}

	async fn submit_one(
		&self,
		at: <Self::Block as BlockT>::Hash,
		source: TransactionSource,
		xt: TransactionFor<Self>,
	) -> Result<TxHash<Self>, Self::Error> {
		if self.journal.is_none() {
			return self.inner.submit_one(at, source, xt).await;
		}
		let answer = self.inner.submit_one(at, source, xt.clone()).await;
		match self.first(&xt, answer) {
			First::Answer(answer) => answer,
			First::Again(e) => {
				let mut answers = self.offer_again(at, source, vec![(0, xt, e)]).await;
				answers.pop().expect("one answer for each transaction offered again").1
			}
		}
	}

	async fn submit_and_watch(
		&self,
		at: <Self::Block as BlockT>::Hash,
		source: TransactionSource,
		xt: TransactionFor<Self>,
	) -> Result<Pin<Box<TransactionStatusStreamFor<Self>>>, Self::Error> {
		self.inner.submit_and_watch(at, source, xt).await
	}

	async fn ready_at(
		&self,
		at: <Self::Block as BlockT>::Hash,
	) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
		self.inner.ready_at(at).await
	}

	fn ready(&self) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
		self.inner.ready()
	}

	async fn report_invalid(
		&self,
		at: Option<<Self::Block as BlockT>::Hash>,
		invalid_tx_errors: TxInvalidityReportMap<TxHash<Self>>,
	) -> Vec<Arc<Self::InPoolTransaction>> {
		self.inner.report_invalid(at, invalid_tx_errors).await
	}

	fn futures(&self) -> Vec<Self::InPoolTransaction> {
		self.inner.futures()
	}

	fn status(&self) -> PoolStatus {
		self.inner.status()
	}

	fn import_notification_stream(&self) -> ImportNotificationStream<TxHash<Self>> {
		self.inner.import_notification_stream()
	}

	fn on_broadcasted(&self, propagations: HashMap<TxHash<Self>, Vec<String>>) {
		self.inner.on_broadcasted(propagations)
	}

	fn hash_of(&self, xt: &TransactionFor<Self>) -> TxHash<Self> {
		self.inner.hash_of(xt)
	}

	fn ready_transaction(&self, hash: &TxHash<Self>) -> Option<Arc<Self::InPoolTransaction>> {
		self.inner.ready_transaction(hash)
	}

	async fn ready_at_with_timeout(
		&self,
		at: <Self::Block as BlockT>::Hash,
		timeout: std::time::Duration,
	) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
		self.inner.ready_at_with_timeout(at, timeout).await
	}
}

#[async_trait]
impl<P: MaintainedTransactionPool + 'static> MaintainedTransactionPool for Journaled<P> {
	async fn maintain(&self, event: ChainEvent<Self::Block>) {
		self.inner.maintain(event).await
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_runtime::transaction_validity::{InvalidTransaction, UnknownTransaction};

	const ROOMY: JournalLimit = JournalLimit { count: 100, bytes: 10_000 };

	fn journal(limit: JournalLimit) -> Journal<u32, &'static str> {
		Journal::new(limit)
	}

	fn hashes(due: &[(u32, &'static str)]) -> Vec<u32> {
		due.iter().map(|(h, _)| *h).collect()
	}

	#[test]
	fn a_transaction_is_offered_again_every_few_finalized_blocks_oldest_first() {
		let mut j = journal(ROOMY);
		j.insert(2, "b", 10);
		j.insert(1, "a", 10);
		j.insert(2, "b again", 10); // the same hash twice is one entry
		assert_eq!((j.len(), j.bytes()), (2, 20));
		assert!(j.due(RETRY_BLOCKS - 1).0.is_empty(), "too early");
		let (due, _) = j.due(RETRY_BLOCKS);
		assert_eq!(due, vec![(2, "b"), (1, "a")], "in the order the RPC accepted them");
		assert!(j.due(2 * RETRY_BLOCKS - 1).0.is_empty(), "just offered");
		assert_eq!(hashes(&j.due(2 * RETRY_BLOCKS).0), vec![2, 1]);
	}

	#[test]
	fn finalized_inclusions_and_void_answers_are_forgotten_the_rest_kept() {
		let mut j = journal(ROOMY);
		for h in 1..=5 {
			j.insert(h, "x", 10);
		}
		assert_eq!(j.forget(&[1, 9]).forgotten, 1, "9 was never journaled");
		let due = hashes(&j.due(RETRY_BLOCKS).0);
		assert_eq!(due, vec![2, 3, 4, 5]);
		assert_eq!(j.settle(&2, Outcome::Returned).returned, 1);
		assert_eq!(j.settle(&3, Outcome::Kept), Changes::default());
		assert_eq!(j.settle(&4, Outcome::Void).forgotten, 1);
		assert_eq!(j.settle(&4, Outcome::Void).forgotten, 0, "already gone");
		assert_eq!(hashes(&j.due(2 * RETRY_BLOCKS).0), vec![2, 3, 5]);
		assert_eq!((j.len(), j.bytes()), (3, 30));
	}

	#[test]
	fn the_oldest_go_first_over_the_count_and_byte_limits() {
		let mut j = journal(JournalLimit { count: 3, bytes: 100 });
		for h in 1..=3 {
			assert_eq!(j.insert(h, "x", 10).evicted, 0);
		}
		assert_eq!(j.insert(4, "x", 10).evicted, 1, "1 goes: 3 is the count");
		assert_eq!(j.insert(5, "x", 85).evicted, 2, "2 for the count, 3 for the bytes");
		assert_eq!((j.len(), j.bytes()), (2, 95));
		assert_eq!(j.insert(6, "x", 101).evicted, 0, "larger than the limit: not journaled");
		assert_eq!(hashes(&j.due(RETRY_BLOCKS).0), vec![4, 5]);
	}

	#[test]
	fn a_limit_of_zero_journals_nothing() {
		let mut j = journal(JournalLimit { count: 0, bytes: 100 });
		j.insert(1, "x", 10);
		assert!(j.is_empty());
	}

	#[test]
	fn entries_are_given_up_after_their_lifetime() {
		let mut j = journal(ROOMY);
		j.insert(1, "x", 10);
		j.due(LIFETIME_BLOCKS / 2);
		j.insert(2, "x", 10);
		let (due, changes) = j.due(LIFETIME_BLOCKS);
		assert_eq!((hashes(&due), changes.evicted), (vec![2], 1));
		assert_eq!((j.len(), j.bytes()), (1, 10));
	}

	#[test]
	fn a_round_offers_at_most_its_share() {
		let mut j =
			Journal::<u32, ()>::new(JournalLimit { count: 2 * MAX_PER_ROUND, bytes: usize::MAX });
		for h in 0..(MAX_PER_ROUND as u32 + 5) {
			j.insert(h, (), 1);
		}
		let round = |j: &mut Journal<u32, ()>, number| -> Vec<u32> {
			j.due(number).0.into_iter().map(|(h, _)| h).collect()
		};
		let first = round(&mut j, RETRY_BLOCKS);
		assert_eq!(first, (0..MAX_PER_ROUND as u32).collect::<Vec<_>>(), "the oldest first");
		// The rest go first in the next round, then the oldest of the first round again.
		let next = round(&mut j, 2 * RETRY_BLOCKS);
		assert_eq!(next.len(), MAX_PER_ROUND);
		assert_eq!(next[..5], [0, 1, 2, 3, 4], "in the order journaled");
		assert!((MAX_PER_ROUND as u32..MAX_PER_ROUND as u32 + 5).all(|h| next.contains(&h)));
		assert!(!next.contains(&(MAX_PER_ROUND as u32 - 1)), "offered in the last round");
	}

	#[test]
	fn the_pools_answers_are_read_as_a_wallet_would() {
		let pool = |e: PoolError| Outcome::of::<(), _>(Err(e));
		assert_eq!(Outcome::of::<u8, PoolError>(Ok(1)), Outcome::Returned);
		assert_eq!(pool(PoolError::AlreadyImported(Box::new(()))), Outcome::Kept);
		assert_eq!(pool(PoolError::ImmediatelyDropped), Outcome::Kept, "full: later");
		assert_eq!(
			pool(PoolError::UnknownTransaction(UnknownTransaction::CannotLookup)),
			Outcome::Kept
		);
		assert_eq!(pool(PoolError::InvalidTransaction(InvalidTransaction::Stale)), Outcome::Void);
		assert_eq!(pool(PoolError::InvalidTransaction(InvalidTransaction::Payment)), Outcome::Void);
		assert_eq!(pool(PoolError::TemporarilyBanned), Outcome::Kept, "evicted: banned a while");
		assert_eq!(pool(PoolError::TooLowPriority { old: 2, new: 1 }), Outcome::Void);
	}
}

/// [`Journaled`] over a pool whose answers a test scripts.
#[cfg(test)]
mod transient {
	use super::*;
	use polkadot_sdk::{
		sc_transaction_pool_api::InPoolTransaction,
		sp_core::H256,
		sp_runtime::{
			transaction_validity::{InvalidTransaction, TransactionTag},
			OpaqueExtrinsic,
		},
	};
	use std::collections::VecDeque;
	use zerog_runtime::opaque::Block;

	/// What the scripted pool answers one transaction.
	#[derive(Clone, Copy, Debug)]
	enum Answer {
		Accepted,
		AlreadyImported,
		/// "State already discarded": not the pool's verdict on the transaction.
		Discarded,
		/// Bytes the runtime cannot decode: not a verdict either, and not passing.
		Undecodable,
		Banned,
		Stale,
	}

	#[derive(Debug)]
	enum MockError {
		Pool(PoolError),
		Api(String),
	}

	impl std::fmt::Display for MockError {
		fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
			match self {
				MockError::Pool(e) => write!(f, "{e}"),
				MockError::Api(e) => write!(f, "{e}"),
			}
		}
	}

	impl std::error::Error for MockError {}

	impl From<PoolError> for MockError {
		fn from(e: PoolError) -> Self {
			MockError::Pool(e)
		}
	}

	impl IntoPoolError for MockError {
		fn into_pool_error(self) -> Result<PoolError, Self> {
			match self {
				MockError::Pool(e) => Ok(e),
				e => Err(e),
			}
		}
	}

	struct Tx(H256, Arc<OpaqueExtrinsic>);

	impl InPoolTransaction for Tx {
		type Transaction = Arc<OpaqueExtrinsic>;
		type Hash = H256;
		fn data(&self) -> &Self::Transaction {
			&self.1
		}
		fn hash(&self) -> &H256 {
			&self.0
		}
		fn priority(&self) -> &u64 {
			&0
		}
		fn longevity(&self) -> &u64 {
			&0
		}
		fn requires(&self) -> &[TransactionTag] {
			&[]
		}
		fn provides(&self) -> &[TransactionTag] {
			&[]
		}
		fn is_propagable(&self) -> bool {
			true
		}
	}

	/// Answers each offer of a transaction with the next answer scripted for it, and
	/// counts the offers.
	#[derive(Default)]
	struct Scripted {
		answers: Mutex<HashMap<H256, VecDeque<Answer>>>,
		offers: Mutex<u32>,
	}

	impl Scripted {
		fn answer(&self, xt: &OpaqueExtrinsic) -> Result<H256, MockError> {
			*self.offers.lock().unwrap() += 1;
			let hash = self.hash_of(xt);
			let answer = self.answers.lock().unwrap().get_mut(&hash).and_then(|a| a.pop_front());
			match answer.expect("an answer scripted for every offer") {
				Answer::Accepted => Ok(hash),
				Answer::AlreadyImported => Err(PoolError::AlreadyImported(Box::new(hash)).into()),
				Answer::Discarded => Err(MockError::Api(
					"Api called for an unknown Block: State already discarded for 0x01".into(),
				)),
				Answer::Undecodable => Err(MockError::Api(
					"Bad input data provided to validate_transaction: Codec error".into(),
				)),
				Answer::Banned => Err(PoolError::TemporarilyBanned.into()),
				Answer::Stale => {
					Err(PoolError::InvalidTransaction(InvalidTransaction::Stale).into())
				}
			}
		}
	}

	#[async_trait]
	impl TransactionPool for Scripted {
		type Block = Block;
		type Hash = H256;
		type InPoolTransaction = Tx;
		type Error = MockError;

		async fn submit_at(
			&self,
			_: H256,
			_: TransactionSource,
			xts: Vec<OpaqueExtrinsic>,
		) -> Result<Vec<Result<H256, MockError>>, MockError> {
			Ok(xts.iter().map(|xt| self.answer(xt)).collect())
		}
		async fn submit_one(
			&self,
			_: H256,
			_: TransactionSource,
			xt: OpaqueExtrinsic,
		) -> Result<H256, MockError> {
			self.answer(&xt)
		}
		async fn submit_and_watch(
			&self,
			_: H256,
			_: TransactionSource,
			_: OpaqueExtrinsic,
		) -> Result<Pin<Box<TransactionStatusStreamFor<Self>>>, MockError> {
			unimplemented!("not journaled")
		}
		async fn ready_at(&self, _: H256) -> Box<dyn ReadyTransactions<Item = Arc<Tx>> + Send> {
			unimplemented!("not journaled")
		}
		fn ready(&self) -> Box<dyn ReadyTransactions<Item = Arc<Tx>> + Send> {
			unimplemented!("not journaled")
		}
		async fn report_invalid(
			&self,
			_: Option<H256>,
			_: TxInvalidityReportMap<H256>,
		) -> Vec<Arc<Tx>> {
			Vec::new()
		}
		fn futures(&self) -> Vec<Tx> {
			Vec::new()
		}
		fn status(&self) -> PoolStatus {
			PoolStatus { ready: 0, ready_bytes: 0, future: 0, future_bytes: 0 }
		}
		fn import_notification_stream(&self) -> ImportNotificationStream<H256> {
			unimplemented!("not journaled")
		}
		fn on_broadcasted(&self, _: HashMap<H256, Vec<String>>) {}
		fn hash_of(&self, xt: &OpaqueExtrinsic) -> H256 {
			H256(polkadot_sdk::sp_io::hashing::blake2_256(&xt.encode()))
		}
		fn ready_transaction(&self, _: &H256) -> Option<Arc<Tx>> {
			None
		}
		async fn ready_at_with_timeout(
			&self,
			_: H256,
			_: std::time::Duration,
		) -> Box<dyn ReadyTransactions<Item = Arc<Tx>> + Send> {
			unimplemented!("not journaled")
		}
	}

	fn xt(n: u8) -> OpaqueExtrinsic {
		OpaqueExtrinsic::from_blob(vec![n; 4])
	}

	/// The journal over `script`, one list of answers per transaction `xt(i)`.
	fn pool(script: &[&[Answer]]) -> Journaled<Scripted> {
		let inner = Scripted::default();
		for (i, answers) in script.iter().enumerate() {
			let hash = inner.hash_of(&xt(i as u8));
			inner.answers.lock().unwrap().insert(hash, answers.iter().copied().collect());
		}
		Journaled::new(Arc::new(inner), JournalLimit { count: 16, bytes: 1 << 20 }, None)
	}

	fn journaled(pool: &Journaled<Scripted>) -> usize {
		pool.journal().map_or(0, |j| j.len())
	}

	fn run<T>(f: impl std::future::Future<Output = T>) -> T {
		tokio::runtime::Builder::new_current_thread()
			.enable_time()
			.build()
			.expect("a runtime")
			.block_on(f)
	}

	#[test]
	fn a_transient_refusal_is_offered_again_and_journaled() {
		use Answer::*;
		run(async {
			// Taken on the second offer.
			let p = pool(&[&[Discarded, Accepted]]);
			let hash = p.submit_one(H256::zero(), TransactionSource::External, xt(0)).await;
			assert_eq!(hash.ok(), Some(p.hash_of(&xt(0))));
			assert_eq!((*p.inner.offers.lock().unwrap(), journaled(&p)), (2, 1));

			// The first offer's insertion stayed in the pool: "already imported" the second
			// time is the pool holding it, so the caller hears its hash.
			let p = pool(&[&[Discarded, AlreadyImported]]);
			let hash = p.submit_one(H256::zero(), TransactionSource::External, xt(0)).await;
			assert_eq!(hash.ok(), Some(p.hash_of(&xt(0))));
			assert_eq!(journaled(&p), 1);

			// Refused as invalid the second time: the caller hears it, nothing is journaled.
			let p = pool(&[&[Discarded, Stale]]);
			let answer = p.submit_one(H256::zero(), TransactionSource::External, xt(0)).await;
			assert!(matches!(answer, Err(MockError::Pool(PoolError::InvalidTransaction(_)))));
			assert_eq!(journaled(&p), 0);

			// Refused in passing on every try, or banned for the first refusal: the caller
			// hears the first refusal, and the journal offers it again after the next
			// finalized blocks.
			let every_try = [Discarded; 1 + TRANSIENT_TRIES as usize];
			for (script, offers) in
				[(&every_try[..], 1 + TRANSIENT_TRIES), (&[Discarded, Banned], 2)]
			{
				let p = pool(&[script]);
				let answer = p.submit_one(H256::zero(), TransactionSource::External, xt(0)).await;
				assert!(matches!(answer, Err(MockError::Api(m)) if m.contains("discarded")));
				assert_eq!((*p.inner.offers.lock().unwrap(), journaled(&p)), (offers, 1));
			}

			// Refused in passing more than once, then taken: the caller hears the hash.
			let p = pool(&[&[Discarded, Discarded, Discarded, Accepted]]);
			let hash = p.submit_one(H256::zero(), TransactionSource::External, xt(0)).await;
			assert_eq!(hash.ok(), Some(p.hash_of(&xt(0))));
			assert_eq!((*p.inner.offers.lock().unwrap(), journaled(&p)), (4, 1));

			// What the runtime cannot decode is answered as it is, once, and not journaled.
			let p = pool(&[&[Undecodable]]);
			let answer = p.submit_one(H256::zero(), TransactionSource::External, xt(0)).await;
			assert!(matches!(answer, Err(MockError::Api(m)) if m.contains("Codec error")));
			assert_eq!((*p.inner.offers.lock().unwrap(), journaled(&p)), (1, 0));

			// A verdict the first time is not offered again.
			let p = pool(&[&[AlreadyImported]]);
			let answer = p.submit_one(H256::zero(), TransactionSource::External, xt(0)).await;
			assert!(matches!(answer, Err(MockError::Pool(PoolError::AlreadyImported(_)))));
			assert_eq!((*p.inner.offers.lock().unwrap(), journaled(&p)), (1, 0));
		});
	}

	#[test]
	fn a_batch_offers_again_only_its_transient_refusals() {
		use Answer::*;
		run(async {
			let p = pool(&[
				&[Accepted],
				&[Discarded, Accepted],
				&[Stale],
				&[Discarded, Stale],
				&[Undecodable],
				&[Discarded, Discarded, Accepted],
			]);
			let xts = (0..6).map(xt).collect();
			let answers = p.submit_at(H256::zero(), TransactionSource::External, xts).await;
			let answers = answers.expect("the batch is answered");
			let taken: Vec<bool> = answers.iter().map(Result::is_ok).collect();
			assert_eq!(taken, [true, true, false, false, false, true]);
			// Each answer stays in its transaction's place.
			assert_eq!(answers[1].as_ref().ok(), Some(&p.hash_of(&xt(1))));
			assert!(matches!(&answers[3], Err(MockError::Pool(PoolError::InvalidTransaction(_)))));
			assert!(matches!(&answers[4], Err(MockError::Api(m)) if m.contains("Codec error")));
			assert_eq!(answers[5].as_ref().ok(), Some(&p.hash_of(&xt(5))));
			// Only the refusals in passing were offered again, and only while refused so.
			assert_eq!((*p.inner.offers.lock().unwrap(), journaled(&p)), (10, 3));
		});
	}
}
