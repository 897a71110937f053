//! Audits: a node must prove, within a window, that it holds a random piece of its
//! shard, or lose part of its bond.
//!
//! - **Issue.** Every `AuditConfig::period` blocks `on_initialize` draws, from the
//!   runtime's randomness, a registered node and a sector of the flow; the entry holding
//!   it is found by binary search over the flow (a logarithmic number of reads), and the
//!   sector is moved into the node's shard as mining moves a recall
//!   (`pora::shard_segment`). A draw that lands on an expired entry or past the end of a
//!   file for that shard is drawn again, up to [`AUDIT_PROBES`] times. A 4 KiB unit of the
//!   segment is drawn too.
//! - **Answer.** The node answers with the unit's bytes and its two Merkle proofs, the
//!   same proofs a mining answer carries, unsealed ([`Pallet::answer_audit`]). A valid
//!   answer closes the audit for free.
//! - **Slash.** A wrong answer, or none by the deadline (`window` blocks), slashes
//!   `slash` of the node's bond. The slashed funds go to the market's account and are
//!   released at once to the pool of the audited sector's pricing chunk: the nodes that
//!   do hold the data earn them by mining.
//! - A node with open audits cannot withdraw its bond; at most [`MAX_OPEN_AUDITS`] are
//!   open per node.

use crate::{
	pallet::*, AuditFailure, AuditProof, EntrySeq, OpenAudit, WeightInfo, SECTORS_PER_PRICING_CHUNK,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{Get, Randomness},
		weights::Weight,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchError, DispatchResult,
	},
};
use zerog_pallet_bond::BondCurrency;
use zerog_storage_primitives::{
	keccak256,
	pora::{self, EntryView},
};

/// Draws per audit before giving up for the period.
pub const AUDIT_PROBES: u32 = 4;
/// Most audits open against one node at once.
pub const MAX_OPEN_AUDITS: u32 = 8;

impl<T: Config> Pallet<T> {
	/// The entry holding `sector` of the flow: a binary search over the entries.
	pub fn entry_holding(sector: u64) -> Option<(EntrySeq, crate::FlowEntryOf<T>)> {
		let (mut lo, mut hi) = (0u64, EntryCount::<T>::get());
		while lo < hi {
			let mid = lo + (hi - lo) / 2;
			let e = Entries::<T>::get(mid)?;
			if sector < e.start_sector {
				hi = mid;
			} else if sector >= e.start_sector.saturating_add(e.sectors) {
				lo = mid + 1;
			} else {
				return Some((mid, e));
			}
		}
		None
	}

	/// Issues an audit at `now` if one is due.
	pub(crate) fn maybe_issue_audit(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		let config = Audit::<T>::get();
		if config.period.is_zero() || !(now % config.period).is_zero() {
			return db.reads(1);
		}
		let (nodes, flow) = (NodeSlots::<T>::count(), FlowLength::<T>::get());
		if nodes == 0 || flow == 0 {
			return db.reads(3);
		}
		let deadline = now.saturating_add(config.window);
		if AuditDeadlines::<T>::contains_key(deadline) {
			return db.reads(4);
		}
		let mut reads = 4u64;
		for probe in 0..AUDIT_PROBES {
			let (random, _) = T::Randomness::random(&(b"zerog/audit", now, probe).encode());
			let seed = (random, frame_system::Pallet::<T>::parent_hash()).using_encoded(keccak256);
			let draw = |i: usize| {
				u64::from_le_bytes(seed[i * 8..i * 8 + 8].try_into().unwrap_or_default())
			};
			let Some(node) = NodeSlots::<T>::get((draw(0) % nodes as u64) as u32) else { continue };
			let Some(info) = Nodes::<T>::get(&node) else { continue };
			reads += 3;
			if OpenAudits::<T>::get(&node).len() as u32 >= MAX_OPEN_AUDITS {
				continue;
			}
			let sector = draw(1) % flow;
			let Some((seq, entry)) = Self::entry_holding(sector) else { continue };
			reads += 2 + u64::from(64 - EntryCount::<T>::get().leading_zeros());
			if !Lifetimes::<T>::contains_key(seq) {
				continue;
			}
			let view = entry.pora_view(seq);
			let Some(segment) = pora::shard_segment(&view, sector, info.shard) else { continue };
			let unit = (draw(2) % pora::units_in_segment(view.size, segment).max(1) as u64) as u32;
			let id = NextAuditId::<T>::get();
			NextAuditId::<T>::put(id.saturating_add(1));
			if OpenAudits::<T>::try_mutate(&node, |open| open.try_push(id)).is_err() {
				continue;
			}
			Audits::<T>::insert(
				id,
				OpenAudit { node: node.clone(), entry: seq, segment, unit, deadline },
			);
			AuditDeadlines::<T>::insert(deadline, id);
			Self::deposit_event(Event::AuditIssued {
				id,
				node,
				entry: seq,
				segment,
				unit,
				deadline,
			});
			return T::WeightInfo::issue_audit().saturating_add(db.reads(reads));
		}
		db.reads(reads)
	}

	/// Slashes the audit due at `now` if it is still open.
	pub(crate) fn expire_audit(now: BlockNumberFor<T>) -> Weight {
		let Some(id) = AuditDeadlines::<T>::take(now) else {
			return T::DbWeight::get().reads(1);
		};
		if let Some(audit) = Audits::<T>::take(id) {
			Self::close_audit(&audit.node, id);
			Self::slash_for(id, &audit, AuditFailure::Missed);
		}
		T::WeightInfo::slash_audit()
	}

	fn close_audit(node: &T::AccountId, id: u64) {
		OpenAudits::<T>::mutate(node, |open| open.retain(|a| *a != id));
	}

	/// Slashes the node of `audit` and releases the slash to the audited chunk's pool.
	fn slash_for(id: u64, audit: &crate::OpenAuditOf<T>, why: AuditFailure) {
		let Some(mut info) = Nodes::<T>::get(&audit.node) else { return };
		let amount = Audit::<T>::get().slash * info.bond;
		let moved = T::Currency::slash_bond(
			&HoldReason::NodeBond.into(),
			&audit.node,
			&Self::account_id(),
			amount,
		)
		.unwrap_or_else(|_| Zero::zero());
		info.bond = info.bond.saturating_sub(moved);
		Nodes::<T>::insert(&audit.node, info);
		let sector = Entries::<T>::get(audit.entry)
			.map(|e| e.start_sector)
			.unwrap_or_default()
			.saturating_add(
				audit.segment.saturating_mul(zerog_storage_primitives::CHUNKS_PER_SEGMENT as u64),
			);
		let chunk = sector / SECTORS_PER_PRICING_CHUNK;
		RewardPools::<T>::mutate(chunk, |p| *p = p.saturating_add(moved));
		PoolReleases::<T>::mutate(chunk, |p| p.released = p.released.saturating_add(moved));
		Slashed::<T>::mutate(|s| *s = s.saturating_add(moved));
		Self::deposit_event(Event::AuditFailed {
			id,
			node: audit.node.clone(),
			slashed: moved,
			why,
		});
	}

	pub(crate) fn do_answer_audit(
		who: T::AccountId,
		id: u64,
		proof: AuditProof,
	) -> Result<bool, DispatchError> {
		let audit = Audits::<T>::get(id).ok_or(Error::<T>::UnknownAudit)?;
		ensure!(audit.node == who, Error::<T>::NotYourAudit);
		let entry = Entries::<T>::get(audit.entry).ok_or(Error::<T>::UnknownEntry)?;
		let view = entry.pora_view(audit.entry);
		Audits::<T>::remove(id);
		AuditDeadlines::<T>::remove(audit.deadline);
		Self::close_audit(&who, id);
		if Self::audit_proof_holds(&view, &audit, &proof) {
			Self::deposit_event(Event::AuditPassed { id, node: who });
			Ok(true)
		} else {
			Self::slash_for(id, &audit, AuditFailure::BadProof);
			Ok(false)
		}
	}

	fn audit_proof_holds(
		view: &EntryView,
		audit: &crate::OpenAuditOf<T>,
		proof: &AuditProof,
	) -> bool {
		let Ok(unit) = pora::SealedUnit::try_from(proof.unit.as_slice()) else { return false };
		pora::prove_unit(
			view,
			audit.segment,
			audit.unit,
			&unit,
			&proof.unit_proof,
			&proof.segment_proof,
		)
		.is_ok()
	}

	/// Adds `who` to the node slots audits draw from.
	pub(crate) fn add_slot(who: &T::AccountId) {
		let n = NodeSlots::<T>::count();
		NodeSlots::<T>::insert(n, who.clone());
		SlotOf::<T>::insert(who, n);
	}

	/// Removes `who` from the node slots, moving the last slot into its place.
	pub(crate) fn remove_slot(who: &T::AccountId) {
		let Some(slot) = SlotOf::<T>::take(who) else { return };
		let last = NodeSlots::<T>::count().saturating_sub(1);
		if slot != last {
			if let Some(moved) = NodeSlots::<T>::get(last) {
				NodeSlots::<T>::insert(slot, moved.clone());
				SlotOf::<T>::insert(&moved, slot);
			}
		}
		NodeSlots::<T>::remove(last);
	}

	pub(crate) fn ensure_no_open_audits(who: &T::AccountId) -> DispatchResult {
		ensure!(OpenAudits::<T>::get(who).is_empty(), Error::<T>::AuditOpen);
		Ok(())
	}
}
