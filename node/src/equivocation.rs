//! BABE equivocation reports that the runtime can verify.
//!
//! `sc-consensus-babe` 0.60 checks for equivocations inside its block import, after its
//! verifier has moved the seal out of the header into `post_digests`. The proofs it
//! builds therefore hold unsealed headers, and the runtime refuses every one of them
//! (`Babe::InvalidEquivocationProof`): an author could sign two blocks for one slot and
//! never be slashed.
//!
//! [`ReportEquivocations`] wraps the block import. After a block imports, it puts the seal
//! back on a copy of the header and runs the slot-equivocation check of
//! `sc-consensus-slots` on it, in its own namespace of the aux store (upstream's check
//! stores the unsealed headers under the plain keys; mixing them would make every
//! block look like its own equivocation). On an equivocation it sends the runtime an
//! unsigned report with a key-ownership proof, as upstream would. Upstream's own reports
//! are given a pool that refuses them ([`RefuseReports`]), so no block carries a report
//! that can only fail.

use std::sync::Arc;

use polkadot_sdk::{
	sc_client_api::AuxStore,
	sc_consensus::{BlockCheckParams, BlockImport, BlockImportParams, ImportResult},
	sc_consensus_babe, sc_consensus_slots,
	sc_transaction_pool_api::{
		error::Error as PoolError, LocalTransactionFor, LocalTransactionPool,
		OffchainTransactionPoolFactory,
	},
	sp_api::{ApiExt, ProvideRuntimeApi},
	sp_blockchain,
	sp_consensus::BlockOrigin,
	sp_consensus_babe::{digests::CompatibleDigestItem, AuthorityId, BabeApi, Slot, SlotDuration},
	sp_runtime::{
		traits::{Block as BlockT, Header as _},
		transaction_validity::InvalidTransaction,
	},
	sp_timestamp::Timestamp,
};
use zerog_runtime::opaque::Block;

use crate::service::FullClient;

const LOG_TARGET: &str = "babe";

/// The aux-store namespace of the sealed headers kept per slot.
const AUX_PREFIX: &[u8] = b"zerog_sealed_";

/// The client's aux store with every key under [`AUX_PREFIX`].
struct Namespaced<'a, C>(&'a C);

impl<C: AuxStore> AuxStore for Namespaced<'_, C> {
	fn insert_aux<
		'a,
		'b: 'a,
		'c: 'a,
		I: IntoIterator<Item = &'a (&'c [u8], &'c [u8])>,
		D: IntoIterator<Item = &'a &'b [u8]>,
	>(
		&self,
		insert: I,
		delete: D,
	) -> sp_blockchain::Result<()> {
		let key = |k: &[u8]| [AUX_PREFIX, k].concat();
		let insert: Vec<(Vec<u8>, &[u8])> = insert.into_iter().map(|(k, v)| (key(k), *v)).collect();
		let delete: Vec<Vec<u8>> = delete.into_iter().map(|k| key(k)).collect();
		let insert: Vec<(&[u8], &[u8])> = insert.iter().map(|(k, v)| (&k[..], *v)).collect();
		let delete: Vec<&[u8]> = delete.iter().map(|k| &k[..]).collect();
		self.0.insert_aux(insert.iter(), delete.iter())
	}

	fn get_aux(&self, key: &[u8]) -> sp_blockchain::Result<Option<Vec<u8>>> {
		self.0.get_aux(&[AUX_PREFIX, key].concat())
	}
}

/// A local pool that takes nothing: handed to `sc-consensus-babe`'s block import so its
/// unverifiable reports never reach a block.
pub struct RefuseReports;

impl LocalTransactionPool for RefuseReports {
	type Block = Block;
	type Hash = <Block as BlockT>::Hash;
	type Error = PoolError;

	fn submit_local(
		&self,
		_at: <Block as BlockT>::Hash,
		_xt: LocalTransactionFor<Self>,
	) -> Result<Self::Hash, Self::Error> {
		Err(PoolError::InvalidTransaction(InvalidTransaction::BadProof))
	}
}

/// The outermost block import: imports through `inner`, then reports a BABE
/// equivocation the block proves, with its sealed headers.
#[derive(Clone)]
pub struct ReportEquivocations<I> {
	inner: I,
	client: Arc<FullClient>,
	pool: OffchainTransactionPoolFactory<Block>,
	slot_duration: SlotDuration,
}

impl<I> ReportEquivocations<I> {
	pub fn new(
		inner: I,
		client: Arc<FullClient>,
		pool: OffchainTransactionPoolFactory<Block>,
		slot_duration: SlotDuration,
	) -> Self {
		Self { inner, client, pool, slot_duration }
	}

	/// The authority that signed `header` for `slot`, from the epoch its parent's
	/// state knows (the current one, or the next at an epoch boundary).
	fn author(
		&self,
		header: &<Block as BlockT>::Header,
		slot: Slot,
		index: u32,
	) -> Result<AuthorityId, String> {
		let api = self.client.runtime_api();
		let parent = *header.parent_hash();
		let mut epoch = api.current_epoch(parent).map_err(|e| e.to_string())?;
		if *slot >= *epoch.start_slot + epoch.duration {
			epoch = api.next_epoch(parent).map_err(|e| e.to_string())?;
		}
		epoch
			.authorities
			.get(index as usize)
			.map(|(id, _)| id.clone())
			.ok_or_else(|| format!("no authority {index} in epoch {}", epoch.epoch_index))
	}

	/// Checks the sealed `header` against the headers seen for its slot and reports
	/// an equivocation to the runtime at `best`.
	fn check(&self, header: <Block as BlockT>::Header) -> Result<(), String> {
		let pre =
			sc_consensus_babe::find_pre_digest::<Block>(&header).map_err(|e| e.to_string())?;
		let slot = pre.slot();
		let author = self.author(&header, slot, pre.authority_index())?;
		let now = Slot::from_timestamp(Timestamp::current(), self.slot_duration);
		let Some(proof) = sc_consensus_slots::check_equivocation(
			&Namespaced(&*self.client),
			now,
			slot,
			&header,
			&author,
		)
		.map_err(|e| e.to_string())?
		else {
			return Ok(());
		};
		log::warn!(
			target: LOG_TARGET,
			"🚨 authority {author:?} signed two blocks for slot {slot}: {:?} and {:?}",
			proof.first_header.hash(),
			proof.second_header.hash(),
		);
		let api = self.client.runtime_api();
		let best = self.client.chain_info().best_hash;
		// The key-ownership proof at the offending block's parent (its session), else at
		// the best block.
		let key_proof = match api
			.generate_key_ownership_proof(*header.parent_hash(), slot, author.clone())
			.map_err(|e| e.to_string())?
		{
			Some(p) => p,
			None => match api
				.generate_key_ownership_proof(best, slot, author.clone())
				.map_err(|e| e.to_string())?
			{
				Some(p) => p,
				None => {
					log::debug!(target: LOG_TARGET, "equivocating {author:?} is not in a known session");
					return Ok(());
				}
			},
		};
		let mut api = self.client.runtime_api();
		api.register_extension(self.pool.offchain_transaction_pool(best));
		match api
			.submit_report_equivocation_unsigned_extrinsic(best, proof, key_proof)
			.map_err(|e| e.to_string())?
		{
			Some(()) => {
				log::info!(target: LOG_TARGET, "reported the equivocation of {author:?} at slot {slot}")
			}
			None => {
				log::warn!(target: LOG_TARGET, "the pool refused the equivocation report of slot {slot}")
			}
		}
		Ok(())
	}
}

#[async_trait::async_trait]
impl<I> BlockImport<Block> for ReportEquivocations<I>
where
	I: BlockImport<Block> + Send + Sync,
{
	type Error = I::Error;

	async fn check_block(
		&self,
		block: BlockCheckParams<Block>,
	) -> Result<ImportResult, Self::Error> {
		self.inner.check_block(block).await
	}

	async fn import_block(
		&self,
		block: BlockImportParams<Block>,
	) -> Result<ImportResult, Self::Error> {
		// Blocks of the initial sync are most likely stale news: not checked. The verifier
		// moved the seal to `post_digests`: put it back.
		let sealed = match block.origin {
			BlockOrigin::NetworkInitialSync | BlockOrigin::Genesis => None,
			_ => block.post_digests.iter().find(|d| d.as_babe_seal().is_some()).map(|seal| {
				let mut header = block.header.clone();
				header.digest_mut().push(seal.clone());
				header
			}),
		};
		let imported = self.inner.import_block(block).await?;
		if let (ImportResult::Imported(_), Some(header)) = (&imported, sealed) {
			if let Err(e) = self.check(header) {
				log::warn!(target: LOG_TARGET, "checking a block for BABE equivocation: {e}");
			}
		}
		Ok(imported)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::{
		sp_core::{crypto::UncheckedFrom, H256},
		sp_runtime::{generic::Digest, traits::Header as HeaderT},
	};
	use std::{collections::BTreeMap, sync::Mutex};

	/// An aux store in memory.
	#[derive(Default)]
	struct Memory(Mutex<BTreeMap<Vec<u8>, Vec<u8>>>);

	impl AuxStore for Memory {
		fn insert_aux<
			'a,
			'b: 'a,
			'c: 'a,
			I: IntoIterator<Item = &'a (&'c [u8], &'c [u8])>,
			D: IntoIterator<Item = &'a &'b [u8]>,
		>(
			&self,
			insert: I,
			delete: D,
		) -> sp_blockchain::Result<()> {
			let mut map = self.0.lock().unwrap();
			for (k, v) in insert {
				map.insert(k.to_vec(), v.to_vec());
			}
			for k in delete {
				map.remove(*k);
			}
			Ok(())
		}

		fn get_aux(&self, key: &[u8]) -> sp_blockchain::Result<Option<Vec<u8>>> {
			Ok(self.0.lock().unwrap().get(key).cloned())
		}
	}

	fn header(n: u32, seal: u8) -> <Block as BlockT>::Header {
		let mut h = <<Block as BlockT>::Header as HeaderT>::new(
			n,
			H256::zero(),
			H256::zero(),
			H256::repeat_byte(n as u8),
			Digest::default(),
		);
		h.digest_mut().push(polkadot_sdk::sp_runtime::DigestItem::Seal(*b"BABE", vec![seal; 64]));
		h
	}

	#[test]
	fn sealed_headers_live_apart_from_upstreams_and_two_blocks_for_a_slot_are_caught() {
		let store = Memory::default();
		let author = AuthorityId::unchecked_from([7u8; 32]);
		let slot = Slot::from(100);
		let check = |h: &<Block as BlockT>::Header| {
			sc_consensus_slots::check_equivocation(&Namespaced(&store), slot, slot, h, &author)
				.unwrap()
		};
		// Upstream's unsealed copy of a block under the plain keys does not count.
		let mut unsealed = header(1, 1);
		unsealed.digest_mut().pop();
		sc_consensus_slots::check_equivocation(&store, slot, slot, &unsealed, &author).unwrap();
		assert!(check(&header(1, 1)).is_none(), "the first block of the slot");
		assert!(check(&header(1, 1)).is_none(), "the same block again");
		let proof = check(&header(1, 2)).expect("a second block for the slot");
		assert_eq!(proof.first_header, header(1, 1));
		assert_eq!(proof.second_header, header(1, 2));
		assert!(store.0.lock().unwrap().keys().any(|k| k.starts_with(AUX_PREFIX)));
	}
}
