//! The node's work for the chain with its operator's key: answering audits and mining
//! proofs of random access (`zerog_storage_primitives::pora`), and pruning expired files.
//!
//! **Audits** are answered first in every round: for each audit the chain lists as open
//! against the node, the audited unit of the held segment with its two Merkle proofs
//! ([`pora::audit_proof`]). A node that no longer holds the data cannot answer and is
//! slashed by the chain at the deadline.
//!
//! **Pruning** ([`prune`]) runs with or without a key: every period it asks the chain, at
//! the finalized block, whether each held file whose lifetime end has come is still live
//! (a renewal moves the end), and deletes the files whose paid lifetime ended.
//!
//! **Mining** takes at most `--mine-cpu-percent` of one core (50 by default): after
//! each batch of loads the miner rests in proportion to the time it hashed.
//!
//! The mining round:
//! Each round reads, at the best block, the current mining epoch, the node's registration
//! (its shard, whether it is active) and its miner record. If the node has not been
//! rewarded in the epoch yet, it tries nonces on a blocking thread: each nonce recalls a
//! segment of this node's shard from the store (a 256 KiB load), seals its 64 units and
//! scores them. An answer is submitted with the shared chain client; a valid one costs
//! no fee. The miner is stateless between rounds, so a node restarted mid-epoch resumes
//! from the chain's record of what it has earned.
//!
//! The flow index (which entry holds which sectors) is rebuilt from the store's file
//! records whenever the follower has added entries: the flow is contiguous, so an entry
//! starts where the one before it ends.

use std::{sync::Arc, time::Duration};

use polkadot_sdk::sp_core::{sr25519, Pair};
use zerog_chain_client::{account, to_chain, zerog, Chain, ChainError};
use zerog_storage_primitives::{
	chunk_count,
	pora::{self, EntryView, Load, MineContext},
	EntrySeq, FileId, MerkleProof, SegmentIndex, ShardConfig,
};

use crate::node::StorageNode;

/// An account as the chain client's generated types name it.
type ChainAccount = subxt::utils::AccountId32;

/// A thousandth of a ZG, the unit of the rewards metric.
const MILLI_ZG: u128 = 1_000_000_000_000_000;

/// Loads tried between looks at the chain (a new epoch, a reward already won).
const LOADS_PER_BATCH: u64 = 256;

/// The flow as this node knows it: entries in order with their first sector.
#[derive(Default)]
pub struct FlowIndex {
	/// Entries followed when it was built.
	pub entries: u64,
	rows: Vec<(EntryView, FileId)>,
}

impl FlowIndex {
	/// Built from the store's records of every followed entry.
	pub fn build(node: &StorageNode) -> Result<Self, String> {
		let entries = node.store.next_seq().map_err(|e| e.to_string())?;
		let mut files = node.store.files().map_err(|e| e.to_string())?;
		files.sort_by_key(|(_, r)| r.seq);
		let mut rows = Vec::with_capacity(files.len());
		let mut start = 0u64;
		for (expected, (id, rec)) in (0u64..).zip(files) {
			if rec.seq != expected {
				// A gap (an entry the follower skipped): sectors past it are unknown.
				break;
			}
			let view =
				EntryView { seq: rec.seq, root: rec.root, start_sector: start, size: rec.size };
			start += chunk_count(rec.size);
			rows.push((view, id));
		}
		Ok(Self { entries, rows })
	}

	fn find(&self, sector: u64) -> Option<&(EntryView, FileId)> {
		let i = self.rows.partition_point(|(e, _)| e.start_sector <= sector);
		let row = self.rows.get(i.checked_sub(1)?)?;
		row.0.contains(sector).then_some(row)
	}
}

/// The node's shard as the reference miner reads it.
struct StoreShard<'a> {
	node: &'a StorageNode,
	index: &'a FlowIndex,
}

impl pora::Shard for StoreShard<'_> {
	fn entry_at(&self, sector: u64) -> Option<EntryView> {
		self.index.find(sector).map(|(e, _)| *e)
	}

	fn segment(&self, seq: EntrySeq, index: SegmentIndex) -> Option<(Vec<u8>, MerkleProof)> {
		let (_, id) = self.index.rows.get(seq as usize)?;
		let data = self.node.store.segment(id, index).ok()??;
		let proof = self.node.store.proof(id, index).ok()??;
		Some((data, proof.into()))
	}
}

/// What one round of mining found out.
enum Round {
	/// Nothing to do until the chain changes (mining off, not registered, rewarded).
	Idle,
	/// Loads tried for this long, no answer yet.
	Searched(Duration),
	/// An answer was accepted on chain.
	Rewarded,
}

/// Answers audits and (with `mine`) mines forever with `signer`, the node's registered
/// operator account.
pub async fn operate(
	chain: Chain,
	node: Arc<StorageNode>,
	signer: sr25519::Pair,
	mine: Option<u8>,
	poll: Duration,
) {
	let who = account(&signer.public().into());
	tracing::info!(
		operator = %zerog_chain_client::address(&signer),
		mine_cpu_percent = mine.unwrap_or(0),
		"answering audits"
	);
	let mut index = Arc::new(FlowIndex::default());
	let mut next_nonce = (u64::MAX, 0u64);
	loop {
		if let Err(e) = answer_audits(&chain, &node, &signer, &who, &mut index).await {
			tracing::warn!(error = %e, "answering audits failed; retrying");
		}
		if let Some(percent) = mine {
			match round(&chain, &node, &signer, &who, &mut index, &mut next_nonce).await {
				Ok(Round::Searched(busy)) => {
					// At most `percent` of one core: rest in proportion to the work done.
					let percent = u32::from(percent.clamp(1, 100));
					tokio::time::sleep(busy * (100 - percent) / percent).await;
					continue;
				}
				Ok(Round::Rewarded) | Ok(Round::Idle) => {}
				Err(e) => tracing::warn!(error = %e, "mining round failed; retrying"),
			}
		}
		tokio::time::sleep(poll).await;
	}
}

fn refresh_index(node: &StorageNode, index: &mut Arc<FlowIndex>) -> Result<(), String> {
	if node.store.next_seq().map_err(|e| e.to_string())? != index.entries {
		*index = Arc::new(FlowIndex::build(node)?);
	}
	Ok(())
}

/// Answers every audit open against this node.
async fn answer_audits(
	chain: &Chain,
	node: &StorageNode,
	signer: &sr25519::Pair,
	who: &ChainAccount,
	index: &mut Arc<FlowIndex>,
) -> Result<(), String> {
	let err = |e: ChainError| e.to_string();
	let at = chain.at_best_block().await.map_err(err)?;
	let market = zerog::storage().storage_market();
	let open = at.storage(market.open_audits(), (*who,)).await.map_err(err)?;
	let open: Vec<u64> = open.map(|v| v.0).unwrap_or_default();
	if open.is_empty() {
		return Ok(());
	}
	refresh_index(node, index)?;
	for id in open {
		let Some(audit) = at.storage(market.audits(), (id,)).await.map_err(err)? else { continue };
		let Some((_, file)) = index.rows.get(audit.entry as usize) else {
			tracing::warn!(id, entry = audit.entry, "audited entry not followed yet");
			continue;
		};
		let held = node.store.segment(file, audit.segment).map_err(|e| e.to_string())?;
		let proof = node.store.proof(file, audit.segment).map_err(|e| e.to_string())?;
		let (Some(data), Some(proof)) = (held, proof) else {
			node.metrics.audits_unanswerable.inc();
			tracing::error!(
				id,
				entry = audit.entry,
				segment = audit.segment,
				"audited segment is not held: the bond will be slashed"
			);
			continue;
		};
		let Some(answer) = pora::audit_proof(&data, audit.unit, proof.into()) else { continue };
		let call = zerog::tx().storage_market().answer_audit(id, to_chain(&answer).map_err(err)?);
		let included = chain.submit(&call, signer, false).await.map_err(err)?;
		if included
			.find_first::<zerog::storage_market::events::AuditPassed>()
			.map_err(err)?
			.is_some()
		{
			node.metrics.audits_passed.inc();
			tracing::info!(id, entry = audit.entry, segment = audit.segment, "audit passed");
		} else {
			tracing::error!(id, "audit answer did not pass");
		}
	}
	Ok(())
}

/// Prunes held files whose paid lifetime has ended, every `period`.
pub async fn prune(chain: Chain, node: Arc<StorageNode>, period: Duration) {
	let mut ends = LifetimeEnds::default();
	loop {
		if let Err(e) = prune_once(&chain, &node, &mut ends).await {
			tracing::debug!(error = %e, "pruning round failed; retrying");
		}
		tokio::time::sleep(period).await;
	}
}

/// The end block of each held entry's lifetime, as last read from the chain. A lifetime
/// only ends at its end block, and a renewal only moves it later, so an entry is read
/// again only once the finalized block reaches the end it was last seen with: a round
/// costs one chain read per entry due, not one per file held.
#[derive(Default)]
pub struct LifetimeEnds(std::collections::HashMap<u64, u32>);

/// One pruning round; returns the files pruned.
pub async fn prune_once(
	chain: &Chain,
	node: &StorageNode,
	ends: &mut LifetimeEnds,
) -> Result<u64, String> {
	let err = |e: ChainError| e.to_string();
	let at = chain.at_finalized_block().await.map_err(err)?;
	let finalized = at.number();
	let market = zerog::storage().storage_market();
	let mut pruned = 0;
	for (id, rec) in node.store.files().map_err(|e| e.to_string())? {
		if ends.0.get(&rec.seq).is_some_and(|end| *end > finalized) {
			continue;
		}
		if rec.stored == 0 || node.store.is_expired(&id).map_err(|e| e.to_string())? {
			continue;
		}
		match at.storage(market.lifetimes(), (rec.seq,)).await.map_err(err)? {
			Some(tranche) => {
				ends.0.insert(rec.seq, tranche.end);
			}
			None => {
				let removed = node.store.prune(&id).map_err(|e| e.to_string())?;
				ends.0.remove(&rec.seq);
				node.metrics.pruned.inc();
				pruned += 1;
				tracing::info!(
					seq = rec.seq,
					segments = removed,
					"pruned a file whose lifetime ended"
				);
			}
		}
	}
	Ok(pruned)
}

async fn round(
	chain: &Chain,
	node: &Arc<StorageNode>,
	signer: &sr25519::Pair,
	who: &ChainAccount,
	index: &mut Arc<FlowIndex>,
	next_nonce: &mut (u64, u64),
) -> Result<Round, String> {
	let err = |e: ChainError| e.to_string();
	let at = chain.at_best_block().await.map_err(err)?;
	let market = zerog::storage().storage_market();
	let config = at.storage(market.mining(), ()).await.map_err(err)?;
	let Some(config) = config.filter(|c| c.epoch_blocks > 0) else { return Ok(Round::Idle) };
	let Some(registered) = at.storage(market.nodes(), (*who,)).await.map_err(err)? else {
		return Ok(Round::Idle);
	};
	if !matches!(registered.status, zerog::runtime_types::zerog_bond_primitives::BondState::Active)
	{
		return Ok(Round::Idle);
	}
	let shard =
		ShardConfig { shard_id: registered.shard.shard_id, num_shard: registered.shard.num_shard };
	if shard != node.shard {
		return Err(format!(
			"registered for shard {}/{} but this node keeps {}/{}: mining nothing",
			shard.shard_id, shard.num_shard, node.shard.shard_id, node.shard.num_shard
		));
	}
	let Some(epoch) = at.storage(market.current_epoch(), ()).await.map_err(err)? else {
		return Ok(Round::Idle);
	};
	let context: MineContext = to_chain(&epoch.context).map_err(err)?;
	if context.seed == [0; 32] || context.flow_sectors == 0 || epoch.answers >= config.max_answers {
		return Ok(Round::Idle);
	}
	let record = at.storage(market.miners(), (*who,)).await.map_err(err)?;
	if record.as_ref().and_then(|r| r.last_epoch) == Some(context.epoch) {
		return Ok(Round::Idle);
	}
	refresh_index(node, index)?;
	if next_nonce.0 != context.epoch {
		*next_nonce = (context.epoch, 0);
	}
	let from = next_nonce.1;
	next_nonce.1 += LOADS_PER_BATCH;
	let (node2, index2) = (node.clone(), index.clone());
	let miner = pora::miner_id(&zerog_chain_client::account_from(who));
	let target = epoch.target;
	let started = std::time::Instant::now();
	let found = tokio::task::spawn_blocking(move || {
		let shard_data = StoreShard { node: &node2, index: &index2 };
		for i in from..from + LOADS_PER_BATCH {
			let nonce = pora::nonce(&miner, context.epoch, i);
			match pora::try_nonce(&context, &miner, shard, target, &shard_data, nonce) {
				Load::Skipped => {}
				Load::Tried { units } => {
					node2.metrics.mining_loads.inc();
					node2.metrics.mining_units.inc_by(units as u64);
				}
				Load::Found(answer) => {
					node2.metrics.mining_loads.inc();
					node2.metrics.mining_units.inc_by(u64::from(answer.unit) + 1);
					return Some(answer);
				}
			}
		}
		None
	})
	.await
	.map_err(|e| e.to_string())?;
	let busy = started.elapsed();
	let Some(answer) = found else { return Ok(Round::Searched(busy)) };
	// The recall may land on an entry whose lifetime just ended: not worth a fee.
	if at.storage(market.lifetimes(), (answer.entry,)).await.map_err(err)?.is_none() {
		return Ok(Round::Searched(busy));
	}
	let call = zerog::tx().storage_market().submit_answer(to_chain(&*answer).map_err(err)?);
	match chain.submit(&call, signer, false).await {
		Ok(included) => {
			let accepted = included
				.find_first::<zerog::storage_market::events::AnswerAccepted>()
				.map_err(err)?;
			if let Some(ev) = accepted {
				node.metrics.mining_answers.inc();
				node.metrics
					.mining_rewards
					.inc_by(u64::try_from((ev.fees + ev.base) / MILLI_ZG).unwrap_or(u64::MAX));
				tracing::info!(
					epoch = ev.epoch,
					entry = ev.entry,
					segment = ev.segment,
					fees = %ev.fees,
					base = %ev.base,
					"answer accepted"
				);
			}
			Ok(Round::Rewarded)
		}
		Err(e) => {
			node.metrics.mining_refused.inc();
			Err(format!("answer refused: {e}"))
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::{NewFile, Store};

	#[test]
	fn the_flow_index_places_entries_where_the_last_ended() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path(), false).unwrap();
		let files: Vec<NewFile> = [1000u64, 256, 300_000]
			.iter()
			.enumerate()
			.map(|(i, &size)| NewFile { seq: i as u64, id: [i as u8; 32], root: [9; 32], size })
			.collect();
		store.add_files(&files, 3).unwrap();
		let node = StorageNode::new(store, ShardConfig::FULL).unwrap();
		let index = FlowIndex::build(&node).unwrap();
		assert_eq!(index.entries, 3);
		let starts: Vec<u64> = index.rows.iter().map(|(e, _)| e.start_sector).collect();
		assert_eq!(starts, vec![0, 4, 5]);
		assert_eq!(index.find(3).unwrap().0.seq, 0);
		assert_eq!(index.find(4).unwrap().0.seq, 1);
		assert_eq!(index.find(5 + 1171).unwrap().0.seq, 2);
		assert!(index.find(5 + 1172).is_none(), "past the flow");
	}
}
