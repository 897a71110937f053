//! The block author's proposer: fills a block from the transaction pool, many
//! transactions per runtime call.
//!
//! Substrate's basic authorship pushes each transaction through its own runtime call.
//! Each call instantiates the runtime and resets its linear memory afterwards, and on
//! the reference machine that cost as much again as a transfer's execution: blocks
//! built under the proposer's deadline held fewer transfers than their weight limit
//! allows, although importing the same block, one call for all of it, took half the
//! time. This proposer hands the runtime batches
//! (`zerog_block_builder_primitives::BatchBlockBuilder`), each extrinsic in its own
//! storage transaction there, and reads one result per extrinsic. Everything else is
//! basic authorship's, decision for decision:
//! - the deadline (the slot's proposing time less a tenth, for sealing and import);
//! - the block size limit, the skipped transactions past a full block
//!   ([`MAX_SKIPPED_TRANSACTIONS`], then none after the soft deadline, half the time);
//! - the transactions reported invalid to the pool, the log line, the metrics and the
//!   telemetry message.
//!
//! One rule is this proposer's own: a block holds at most
//! [`ProposerParams::max_ethereum_transactions`] Ethereum transactions; the rest wait in
//! the pool for the next block. The runtime bounds them too (`pallet_eth_block`: past its
//! limit it refuses an Ethereum transaction as `ExhaustsResources`) and charges each its
//! share of pallet-revive's Ethereum block builder, whose work per Ethereum transaction
//! grows with those before it in the block. The default is the runtime's bound
//! ([`MAX_ETHEREUM_TRANSACTIONS`]), so the proposer does not offer what the runtime would
//! refuse. Should the runtime refuse one anyway (a lower bound after an upgrade, or a
//! heavy one past the block's weight), the block's other Ethereum transactions wait for
//! the next block and the others go on: the refusal does not count towards closing the
//! block.
//!
//! A batch is sized from the time the last one took a transaction, so that it ends
//! within half the time left; batches shrink as the deadline nears, and after the
//! block first refuses a transaction for its weight or size they are as small as the
//! skipping rule. A transaction refused as `Future` in a batch was behind one of its
//! sender's that the same batch did not include: the pool keeps it, as basic
//! authorship's iterator would have skipped it. If the runtime call fails as a whole,
//! or the runtime has no batch API (before an upgrade), transactions go one call each.

use std::{pin::Pin, sync::Arc, time};

use codec::{Compact, Encode};
use futures::{channel::oneshot, future, Future, FutureExt};
use log::{debug, error, info, warn};
use polkadot_sdk::{
	sc_proposer_metrics::{EndProposingReason, MetricsLink},
	sc_telemetry::{telemetry, TelemetryHandle, CONSENSUS_INFO},
	sc_transaction_pool_api::{InPoolTransaction, TransactionPool, TxInvalidityReportMap},
	sp_api::{ApiExt, ApiRef, CallApiAt, Core, ProvideRuntimeApi, TransactionOutcome},
	sp_block_builder::BlockBuilder as BlockBuilderApi,
	sp_blockchain::{ApplyExtrinsicFailed, Error, HeaderBackend},
	sp_consensus::{self, Proposal, ProposeArgs},
	sp_core::traits::{CallContext, SpawnNamed},
	sp_inherents::InherentData,
	sp_runtime::{
		traits::{Block as BlockT, Header as HeaderT, One},
		transaction_validity::{InvalidTransaction, TransactionValidityError},
		ApplyExtrinsicResult, Digest, ExtrinsicInclusionMode, Percent, SaturatedConversion,
	},
};
use prometheus_endpoint::Registry;
use zerog_block_builder_primitives::BatchBlockBuilder;

/// Basic authorship's default block size limit: 4 MiB and some headroom for the header.
pub const DEFAULT_BLOCK_SIZE_LIMIT: usize = 4 * 1024 * 1024 + 512;

/// Once the block refuses a transaction as too heavy or too large, this many more are
/// tried before the block is closed (unless the soft deadline is still ahead).
pub const MAX_SKIPPED_TRANSACTIONS: usize = 8;

/// The soft deadline: after this share of the proposing time, a full block is closed
/// after [`MAX_SKIPPED_TRANSACTIONS`] refusals.
const SOFT_DEADLINE_PERCENT: Percent = Percent::from_percent(50);

/// The first batch of a block, before any transaction was timed.
const FIRST_BATCH: usize = 32;

/// The largest batch: about 100 ms of transfers on the reference machine, so a batch
/// never holds much more than the deadline can take.
const MAX_BATCH: usize = 512;

/// The default bound on a block's Ethereum transactions: the runtime's
/// ([module docs](self)).
pub const MAX_ETHEREUM_TRANSACTIONS: usize =
	zerog_runtime::configs::evm::MaxEthTransactions::get() as usize;

/// The proposer's command-line option.
#[derive(Debug, Clone, clap::Args)]
pub struct ProposerParams {
	/// At most this many Ethereum transactions (`eth_sendRawTransaction`) in a block this
	/// node authors; the rest wait for the next block. The default is the runtime's own
	/// bound, past which it refuses them; a lower one leaves room for other transactions.
	#[arg(long, value_name = "COUNT", default_value_t = MAX_ETHEREUM_TRANSACTIONS)]
	pub max_ethereum_transactions: usize,
}

/// Which transactions count as Ethereum transactions, and how many a block may hold.
#[derive(Clone)]
pub struct EthereumLimit {
	/// At most this many a block.
	pub max: usize,
	/// Whether an encoded extrinsic is an Ethereum transaction.
	pub is_ethereum: fn(&[u8]) -> bool,
}

impl EthereumLimit {
	/// What the limit says of `xt`, offered to a block that holds or has been offered
	/// `ethereum` Ethereum transactions.
	fn check(&self, xt: &impl Encode, ethereum: usize) -> EthereumCheck {
		if !xt.using_encoded(|bytes| (self.is_ethereum)(bytes)) {
			EthereumCheck::NotEthereum
		} else if ethereum < self.max {
			EthereumCheck::Room
		} else {
			EthereumCheck::Full
		}
	}
}

/// What an [`EthereumLimit`] says of one transaction offered to a block.
#[derive(Debug, PartialEq, Eq)]
enum EthereumCheck {
	/// Not an Ethereum transaction: not counted.
	NotEthereum,
	/// An Ethereum transaction the block has room for.
	Room,
	/// An Ethereum transaction past the block's bound: it waits for the next block.
	Full,
}

/// Builds a [`Proposer`] on each new parent; what BABE is given as its environment.
pub struct ProposerFactory<A, C> {
	shared: Shared<A, C>,
}

/// What the factory hands each proposer it builds.
struct Shared<A, C> {
	spawn_handle: Box<dyn SpawnNamed>,
	client: Arc<C>,
	transaction_pool: Arc<A>,
	metrics: MetricsLink,
	telemetry: Option<TelemetryHandle>,
	block_size_limit: usize,
	ethereum: Option<EthereumLimit>,
}

// Not derived: `A` and `C` are behind `Arc`s and need not be `Clone` themselves.
impl<A, C> Clone for Shared<A, C> {
	fn clone(&self) -> Self {
		Self {
			spawn_handle: self.spawn_handle.clone(),
			client: self.client.clone(),
			transaction_pool: self.transaction_pool.clone(),
			metrics: self.metrics.clone(),
			telemetry: self.telemetry.clone(),
			block_size_limit: self.block_size_limit,
			ethereum: self.ethereum.clone(),
		}
	}
}

impl<A, C> ProposerFactory<A, C> {
	/// A factory whose proposers take from `transaction_pool` and report to `prometheus`
	/// and `telemetry`.
	pub fn new(
		spawn_handle: impl SpawnNamed + 'static,
		client: Arc<C>,
		transaction_pool: Arc<A>,
		prometheus: Option<&Registry>,
		telemetry: Option<TelemetryHandle>,
	) -> Self {
		let shared = Shared {
			spawn_handle: Box::new(spawn_handle),
			client,
			transaction_pool,
			metrics: MetricsLink::new(prometheus),
			telemetry,
			block_size_limit: DEFAULT_BLOCK_SIZE_LIMIT,
			ethereum: None,
		};
		Self { shared }
	}

	/// Blocks hold at most `limit.max` Ethereum transactions ([module docs](self)).
	pub fn with_ethereum_limit(mut self, limit: EthereumLimit) -> Self {
		self.shared.ethereum = Some(limit);
		self
	}
}

impl<A, B, C> sp_consensus::Environment<B> for ProposerFactory<A, C>
where
	A: TransactionPool<Block = B> + 'static,
	B: BlockT,
	C: HeaderBackend<B> + ProvideRuntimeApi<B> + CallApiAt<B> + Send + Sync + 'static,
	C::Api: ApiExt<B> + BlockBuilderApi<B> + BatchBlockBuilder<B>,
{
	type CreateProposer = future::Ready<Result<Self::Proposer, Self::Error>>;
	type Proposer = Proposer<A, B, C>;
	type Error = Error;

	fn init(&mut self, parent_header: &B::Header) -> Self::CreateProposer {
		let parent_hash = parent_header.hash();
		info!(
			"🙌 Starting consensus session on top of parent {:?} (#{})",
			parent_hash,
			parent_header.number()
		);
		future::ready(Ok(Proposer {
			shared: self.shared.clone(),
			parent_hash,
			parent_number: *parent_header.number(),
		}))
	}
}

/// Proposes one block on one parent.
pub struct Proposer<A, B: BlockT, C> {
	shared: Shared<A, C>,
	parent_hash: B::Hash,
	parent_number: <B::Header as HeaderT>::Number,
}

impl<A, B, C> sp_consensus::Proposer<B> for Proposer<A, B, C>
where
	A: TransactionPool<Block = B> + 'static,
	B: BlockT,
	C: HeaderBackend<B> + ProvideRuntimeApi<B> + CallApiAt<B> + Send + Sync + 'static,
	C::Api: ApiExt<B> + BlockBuilderApi<B> + BatchBlockBuilder<B>,
{
	type Proposal = Pin<Box<dyn Future<Output = Result<Proposal<B>, Error>> + Send>>;
	type Error = Error;

	fn propose(self, args: ProposeArgs<B>) -> Self::Proposal {
		let (tx, rx) = oneshot::channel();
		let spawn_handle = self.shared.spawn_handle.clone();
		// Building a block blocks its thread: not on the async executor's.
		spawn_handle.spawn_blocking(
			"block-proposer",
			None,
			async move {
				let _ = tx.send(self.propose_with(args).await);
			}
			.boxed(),
		);
		async move { rx.await.map_err(|_| Error::Application("the proposer stopped".into()))? }
			.boxed()
	}
}

/// What became of one transaction offered to the block.
enum Outcome {
	/// In the block (its dispatch may still have failed: that is in its events).
	Included,
	/// Refused by the runtime; the block holds no trace of it.
	Refused(TransactionValidityError),
	/// The runtime call failed (a trap, a host error): treated as invalid.
	Failed(String),
}

/// A block under construction on one runtime API instance.
struct Builder<'a, B: BlockT, C: ProvideRuntimeApi<B>> {
	api: ApiRef<'a, C::Api>,
	client: &'a C,
	parent_hash: B::Hash,
	extrinsics: Vec<B::Extrinsic>,
	/// The encoded size of `extrinsics`' elements, without the vector's length prefix.
	extrinsics_bytes: usize,
	header_size: usize,
	mode: ExtrinsicInclusionMode,
	/// The runtime implements `BatchBlockBuilder`.
	batches: bool,
}

impl<'a, B, C> Builder<'a, B, C>
where
	B: BlockT,
	C: HeaderBackend<B> + ProvideRuntimeApi<B> + CallApiAt<B>,
	C::Api: ApiExt<B> + BlockBuilderApi<B> + BatchBlockBuilder<B>,
{
	fn new(
		client: &'a C,
		parent_hash: B::Hash,
		parent_number: <B::Header as HeaderT>::Number,
		inherent_digests: Digest,
		args: &mut ProposeArgs<B>,
	) -> Result<Self, Error> {
		let header = B::Header::new(
			parent_number + One::one(),
			Default::default(),
			Default::default(),
			parent_hash,
			inherent_digests,
		);
		let mut api = client.runtime_api();
		if let Some(recorder) = args.storage_proof_recorder.take() {
			api.record_proof_with_recorder(recorder);
		}
		std::mem::take(&mut args.extra_extensions)
			.into_extensions()
			.for_each(|e| api.register_extension(e));
		api.set_call_context(CallContext::Onchain { import: false });
		let core = api
			.api_version::<dyn Core<B>>(parent_hash)?
			.ok_or_else(|| Error::VersionInvalid("Core".into()))?;
		if core < 5 {
			return Err(Error::VersionInvalid(format!("Core version {core}, 5 or later needed")));
		}
		let mode = api.initialize_block(parent_hash, &header)?;
		let batches = api.has_api::<dyn BatchBlockBuilder<B>>(parent_hash)?;
		Ok(Self {
			api,
			client,
			parent_hash,
			extrinsics: Vec::new(),
			extrinsics_bytes: 0,
			header_size: header.encoded_size(),
			mode,
			batches,
		})
	}

	/// The block's encoded size with `extra` more extrinsics of `extra_bytes`.
	fn size_with(&self, extra: usize, extra_bytes: usize) -> usize {
		let count = self.extrinsics.len() + extra;
		let proof = self.api.proof_recorder().map_or(0, |r| r.estimate_encoded_size());
		self.header_size
			+ Compact(count as u32).encoded_size()
			+ self.extrinsics_bytes
			+ extra_bytes
			+ proof
	}

	fn create_inherents(&mut self, data: InherentData) -> Result<Vec<B::Extrinsic>, Error> {
		let parent_hash = self.parent_hash;
		// Creating inherents changes no state: always rolled back.
		self.api
			.execute_in_transaction(move |api| {
				TransactionOutcome::Rollback(api.inherent_extrinsics(parent_hash, data))
			})
			.map_err(|e| Error::Application(Box::new(e)))
	}

	/// Offers `batch` to the block, in order: one outcome per extrinsic. The runtime
	/// call takes its own copy of the batch; the block copies those it includes.
	fn apply(&mut self, batch: &[&B::Extrinsic]) -> Vec<Outcome> {
		if self.batches && batch.len() > 1 {
			let parent_hash = self.parent_hash;
			let offered = batch.len();
			let owned = batch.iter().map(|xt| (*xt).clone()).collect();
			let results = self.api.execute_in_transaction(move |api| {
				match api.apply_extrinsics(parent_hash, owned) {
					Ok(results) if results.len() == offered => {
						TransactionOutcome::Commit(Ok(results))
					}
					Ok(results) => TransactionOutcome::Rollback(Err(format!(
						"{} results for {offered} extrinsics",
						results.len()
					))),
					Err(e) => TransactionOutcome::Rollback(Err(e.to_string())),
				}
			});
			match results {
				Ok(results) => {
					return batch.iter().zip(results).map(|(xt, r)| self.record(xt, r)).collect()
				}
				Err(e) => {
					warn!(target: "proposer", "A batch of {offered} failed as a whole ({e}); applying them one by one");
				}
			}
		}
		batch.iter().map(|xt| self.apply_one(xt)).collect()
	}

	fn apply_one(&mut self, xt: &B::Extrinsic) -> Outcome {
		let parent_hash = self.parent_hash;
		let owned = xt.clone();
		let result = self.api.execute_in_transaction(move |api| {
			match api.apply_extrinsic(parent_hash, owned) {
				Ok(Ok(applied)) => TransactionOutcome::Commit(Ok(Ok(applied))),
				Ok(Err(refused)) => TransactionOutcome::Rollback(Ok(Err(refused))),
				Err(e) => TransactionOutcome::Rollback(Err(e.to_string())),
			}
		});
		match result {
			Ok(r) => self.record(xt, r),
			Err(e) => Outcome::Failed(e),
		}
	}

	fn record(&mut self, xt: &B::Extrinsic, result: ApplyExtrinsicResult) -> Outcome {
		match result {
			Ok(_) => {
				self.extrinsics_bytes += xt.encoded_size();
				self.extrinsics.push(xt.clone());
				Outcome::Included
			}
			Err(refused) => Outcome::Refused(refused),
		}
	}

	fn build(self) -> Result<Proposal<B>, Error> {
		let header = self.api.finalize_block(self.parent_hash)?;
		let state = self.client.state_at(self.parent_hash)?;
		let storage_changes = self
			.api
			.into_storage_changes(&state, self.parent_hash)
			.map_err(Error::StorageChanges)?;
		Ok(Proposal { block: B::new(header, self.extrinsics), storage_changes })
	}
}

impl<A, B, C> Proposer<A, B, C>
where
	A: TransactionPool<Block = B> + 'static,
	B: BlockT,
	C: HeaderBackend<B> + ProvideRuntimeApi<B> + CallApiAt<B> + Send + Sync + 'static,
	C::Api: ApiExt<B> + BlockBuilderApi<B> + BatchBlockBuilder<B>,
{
	async fn propose_with(self, mut args: ProposeArgs<B>) -> Result<Proposal<B>, Error> {
		let started = time::Instant::now();
		// A tenth of the time is left for sealing and importing the block.
		let deadline = started + args.max_duration - args.max_duration / 10;
		let digests = std::mem::take(&mut args.inherent_digests);
		let mut builder = Builder::new(
			&*self.shared.client,
			self.parent_hash,
			self.parent_number,
			digests,
			&mut args,
		)?;

		self.apply_inherents(&mut builder, std::mem::take(&mut args.inherent_data))?;
		let end = match builder.mode {
			ExtrinsicInclusionMode::AllExtrinsics => {
				let limit = args.block_size_limit.unwrap_or(self.shared.block_size_limit);
				self.apply_transactions(&mut builder, deadline, limit).await
			}
			ExtrinsicInclusionMode::OnlyInherents => EndProposingReason::TransactionForbidden,
		};
		let proposal = builder.build()?;
		self.summarise(&proposal.block, end, started.elapsed());
		Ok(proposal)
	}

	fn apply_inherents(
		&self,
		builder: &mut Builder<'_, B, C>,
		data: InherentData,
	) -> Result<(), Error> {
		let started = time::Instant::now();
		let inherents = builder.create_inherents(data)?;
		self.shared
			.metrics
			.report(|m| m.create_inherents_time.observe(started.elapsed().as_secs_f64()));
		for inherent in inherents {
			match builder.apply_one(&inherent) {
				Outcome::Included => {}
				Outcome::Refused(e) if e.exhausted_resources() => {
					warn!("⚠️  Dropping non-mandatory inherent from overweight block.")
				}
				Outcome::Refused(e) if e.was_mandatory() => {
					error!(
						"❌️ Mandatory inherent extrinsic returned error. Block cannot be produced."
					);
					return Err(Error::ApplyExtrinsicFailed(ApplyExtrinsicFailed::Validity(e)));
				}
				Outcome::Refused(e) => {
					warn!("❗️ Inherent extrinsic returned unexpected error: {e:?}. Dropping.")
				}
				Outcome::Failed(e) => {
					warn!("❗️ Inherent extrinsic returned unexpected error: {e}. Dropping.")
				}
			}
		}
		Ok(())
	}

	/// Fills the block from the pool until it is full, the pool is empty or time is up.
	async fn apply_transactions(
		&self,
		builder: &mut Builder<'_, B, C>,
		deadline: time::Instant,
		block_size_limit: usize,
	) -> EndProposingReason {
		let now = time::Instant::now();
		let left = deadline.saturating_duration_since(now);
		let soft_deadline = now
			+ time::Duration::from_micros(
				SOFT_DEADLINE_PERCENT.mul_floor(left.as_micros().saturated_into::<u64>()),
			);
		let mut pending =
			self.shared.transaction_pool.ready_at_with_timeout(self.parent_hash, left / 8).await;

		let mut skipped = 0;
		let mut invalid = TxInvalidityReportMap::new();
		// Why the block would end now, if the pool ran dry: the last limit it met.
		let mut limit_hit: Option<EndProposingReason> = None;
		let mut per_transaction: Option<time::Duration> = None;
		let mut pushed = false;
		// Ethereum transactions in the block, and those left for the next one.
		let mut ethereum = 0;
		let mut ethereum_deferred = 0;
		// Whether the runtime refused an Ethereum transaction as the block's last.
		let mut ethereum_closed = false;

		let end = loop {
			let now = time::Instant::now();
			if now > deadline {
				break limit_hit.unwrap_or(EndProposingReason::HitDeadline);
			}
			let size = if limit_hit.is_some() {
				MAX_SKIPPED_TRANSACTIONS
			} else {
				match per_transaction {
					None => FIRST_BATCH,
					Some(t) => batch_size(deadline - now, t),
				}
			};

			// Take the batch from the pool, checking the block's size as basic authorship does.
			let mut batch = Vec::with_capacity(size);
			let mut batch_ethereum = Vec::with_capacity(size);
			let mut offered = 0;
			let mut batch_bytes = 0;
			let mut pool_dry = false;
			let mut stop = None;
			while batch.len() < size {
				let Some(tx) = pending.next() else {
					pool_dry = true;
					break;
				};
				let bytes = tx.data().encoded_size();
				if builder.size_with(batch.len() + 1, batch_bytes + bytes) > block_size_limit {
					pending.report_invalid(&tx);
					limit_hit = Some(EndProposingReason::HitBlockSizeLimit);
					if skipped < MAX_SKIPPED_TRANSACTIONS {
						skipped += 1;
					} else if time::Instant::now() >= soft_deadline {
						stop = Some(EndProposingReason::HitBlockSizeLimit);
						break;
					}
					continue;
				}
				let is_ethereum = match self
					.shared
					.ethereum
					.as_ref()
					.map(|limit| limit.check(&**tx.data(), ethereum + offered))
				{
					None | Some(EthereumCheck::NotEthereum) => false,
					Some(EthereumCheck::Room) if !ethereum_closed => true,
					Some(EthereumCheck::Room | EthereumCheck::Full) => {
						// Skipped with its sender's later transactions; the pool keeps them.
						pending.report_invalid(&tx);
						ethereum_deferred += 1;
						continue;
					}
				};
				batch_bytes += bytes;
				batch.push(tx);
				batch_ethereum.push(is_ethereum);
				offered += usize::from(is_ethereum);
			}

			if !batch.is_empty() {
				let extrinsics = batch.iter().map(|tx| &**tx.data()).collect::<Vec<_>>();
				let started = time::Instant::now();
				let outcomes = builder.apply(&extrinsics);
				per_transaction = Some(started.elapsed() / batch.len() as u32);
				for ((tx, is_ethereum), outcome) in batch.iter().zip(batch_ethereum).zip(outcomes) {
					match outcome {
						Outcome::Included => {
							pushed = true;
							limit_hit = None;
							ethereum += usize::from(is_ethereum);
						}
						// The runtime's bound on Ethereum transactions, or the block's weight
						// for a heavy one: the block's other Ethereum transactions wait, the
						// rest go on, and the block is not closed for it.
						Outcome::Refused(e) if e.exhausted_resources() && is_ethereum => {
							pending.report_invalid(tx);
							ethereum_closed = true;
							ethereum_deferred += 1;
						}
						Outcome::Refused(e) if e.exhausted_resources() => {
							pending.report_invalid(tx);
							limit_hit = Some(EndProposingReason::HitBlockWeightLimit);
							if skipped < MAX_SKIPPED_TRANSACTIONS {
								skipped += 1;
							} else if time::Instant::now() >= soft_deadline {
								stop = Some(EndProposingReason::HitBlockWeightLimit);
							}
						}
						// Behind a transaction of its sender that this batch did not include:
						// the pool keeps it for a later block.
						Outcome::Refused(TransactionValidityError::Invalid(
							InvalidTransaction::Future,
						)) => {
							pending.report_invalid(tx);
						}
						Outcome::Refused(e) => {
							pending.report_invalid(tx);
							debug!(target: "proposer", "[{:?}] Invalid transaction: {e:?} at: {}", tx.hash(), self.parent_hash);
							invalid.insert(tx.hash().clone(), Some(e));
						}
						Outcome::Failed(e) => {
							pending.report_invalid(tx);
							debug!(target: "proposer", "[{:?}] Transaction failed: {e} at: {}", tx.hash(), self.parent_hash);
							invalid.insert(tx.hash().clone(), None);
						}
					}
				}
			}
			if let Some(reason) = stop {
				break reason;
			}
			if pool_dry {
				// A block whose Ethereum transactions the runtime closed ended on its
				// resources, though not on the limit that shrinks batches.
				let exhausted = ethereum_closed.then_some(EndProposingReason::HitBlockWeightLimit);
				break limit_hit.or(exhausted).unwrap_or(EndProposingReason::NoMoreTransactions);
			}
		};

		if ethereum_deferred > 0 {
			debug!(
				target: "proposer",
				"{ethereum} Ethereum transactions in the block, the most it holds; {ethereum_deferred} \
				 left for the next block",
			);
		}
		if matches!(end, EndProposingReason::HitBlockSizeLimit) && !pushed {
			warn!(
				"Hit block size limit of `{block_size_limit}` without including any transaction!"
			);
		}
		self.shared.transaction_pool.report_invalid(Some(self.parent_hash), invalid).await;
		end
	}

	fn summarise(&self, block: &B, end: EndProposingReason, took: time::Duration) {
		let count = block.extrinsics().len();
		self.shared.metrics.report(|m| {
			m.number_of_transactions.set(count as u64);
			m.block_constructed.observe(took.as_secs_f64());
			m.report_end_proposing_reason(end);
			m.create_block_proposal_time.observe(took.as_secs_f64());
		});
		info!(
			"🎁 Prepared block for proposing at {} ({} ms) hash: {:?}; parent_hash: {}; end: {:?}; extrinsics_count: {}",
			block.header().number(),
			took.as_millis(),
			block.header().hash(),
			block.header().parent_hash(),
			end,
			count,
		);
		telemetry!(
			self.shared.telemetry;
			CONSENSUS_INFO;
			"prepared_block_for_proposing";
			"number" => ?block.header().number(),
			"hash" => ?block.header().hash(),
		);
	}
}

/// How many transactions to offer in one call with `left` until the deadline and `per`
/// the time the last batch took a transaction: half the time left, within
/// `1..=MAX_BATCH`.
fn batch_size(left: time::Duration, per: time::Duration) -> usize {
	let fits = left.as_nanos() / 2 / per.as_nanos().max(1);
	(fits as usize).clamp(1, MAX_BATCH)
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	#[test]
	fn ethereum_transactions_are_counted_up_to_the_bound() {
		// Extrinsics here are byte vectors: 0xee first (after the length) marks an Ethereum one.
		let limit = EthereumLimit { max: 2, is_ethereum: |bytes| bytes.get(1) == Some(&0xee) };
		let (eth, other) = (vec![0xeeu8, 1], vec![0x01u8, 1]);
		assert_eq!(limit.check(&other, 0), EthereumCheck::NotEthereum);
		assert_eq!(limit.check(&eth, 0), EthereumCheck::Room);
		assert_eq!(limit.check(&eth, 1), EthereumCheck::Room);
		assert_eq!(limit.check(&eth, 2), EthereumCheck::Full);
		// Others are never held back by it.
		assert_eq!(limit.check(&other, 2), EthereumCheck::NotEthereum);
		// The node's own test: an Ethereum transaction is `Revive::eth_transact`, bare.
		let none = EthereumLimit { max: 0, is_ethereum: crate::eth::runtime::is_eth_transact };
		assert_eq!(none.check(&other, 0), EthereumCheck::NotEthereum);
	}

	#[test]
	fn batches_end_within_half_the_time_left() {
		let per = Duration::from_micros(200);
		// 100 ms left: 250 transactions take 50 ms.
		assert_eq!(batch_size(Duration::from_millis(100), per), 250);
		// Never more than the cap, never fewer than one.
		assert_eq!(batch_size(Duration::from_secs(10), per), MAX_BATCH);
		assert_eq!(batch_size(Duration::from_micros(10), per), 1);
		assert_eq!(batch_size(Duration::from_millis(1), Duration::ZERO), MAX_BATCH);
	}
}
