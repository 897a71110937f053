//! What must hold of the pallet's storage after every block. `try_state` checks it under
//! `try-runtime`, and the mock runs it after every unit test.
//!
//! - **Flow.** Entries are numbered `0..EntryCount` without gaps; each starts where the
//!   one before it ends, occupies as many sectors as its size needs, and the flow's
//!   length is where the last one ends.
//! - **File ids.** Every entry's id leads (through `EntryById`) to an entry with that id,
//!   at or before it; every `EntryById` value is an entry with that id. (Chains that ran
//!   the first layout may hold one file twice; the id leads to the first.)
//! - **Fees.** The reward pools together hold exactly the fees paid (submissions and
//!   renewals); miners were paid no more than the pools released, the pools released no
//!   more than they hold, and the market's account holds at least what is left unpaid.
//! - **Lifetimes.** Every live entry's tranche ends after it starts and is queued at its
//!   end; every queued entry is live with that end.
//! - **Nodes.** At most `MaxNodes` nodes; the counter matches the map; each node's held
//!   bond equals its recorded bond, and its endpoint and shard are valid.

#![cfg(any(test, feature = "try-runtime"))]

use crate::{pallet::*, FileId};
use polkadot_sdk::{
	frame_support::{ensure, traits::fungible::Inspect, traits::Get},
	sp_runtime::{
		traits::{Saturating, Zero},
		TryRuntimeError,
	},
};
use zerog_storage_primitives::chunk_count;

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the module docs; the first broken one is the error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_flow()?;
		Self::check_ids()?;
		Self::check_fees()?;
		Self::check_lifetimes()?;
		Self::check_nodes()
	}

	fn check_flow() -> Result<(), TryRuntimeError> {
		let count = EntryCount::<T>::get();
		let mut end = 0u64;
		for seq in 0..count {
			let entry = Entries::<T>::get(seq).ok_or("a flow entry below EntryCount is missing")?;
			ensure!(entry.start_sector == end, "a flow entry does not start where the last ended");
			ensure!(
				entry.sectors == chunk_count(entry.submission.size),
				"a flow entry's sectors do not match its size"
			);
			end = end.checked_add(entry.sectors).ok_or("the flow length overflows")?;
		}
		ensure!(Entries::<T>::iter_keys().count() as u64 == count, "entries beyond EntryCount");
		ensure!(FlowLength::<T>::get() == end, "FlowLength is not where the last entry ends");
		Ok(())
	}

	fn check_ids() -> Result<(), TryRuntimeError> {
		for (seq, entry) in Entries::<T>::iter() {
			let first = EntryById::<T>::get(entry.submission.id())
				.ok_or("a flow entry's id is not indexed")?;
			ensure!(first <= seq, "a file id leads past its first entry");
		}
		for (id, seq) in EntryById::<T>::iter() {
			let entry = Entries::<T>::get(seq).ok_or("a file id leads to no entry")?;
			let entry_id: FileId = entry.submission.id();
			ensure!(entry_id == id, "a file id leads to another file's entry");
		}
		Ok(())
	}

	fn check_fees() -> Result<(), TryRuntimeError> {
		let fees = Entries::<T>::iter_values()
			.fold(BalanceOf::<T>::zero(), |sum, e| sum.saturating_add(e.fee));
		let pools = RewardPools::<T>::iter_values()
			.fold(BalanceOf::<T>::zero(), |sum, pool| sum.saturating_add(pool));
		ensure!(
			pools == fees.saturating_add(Slashed::<T>::get()),
			"the reward pools do not hold exactly the fees paid and the bonds slashed"
		);
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let (mut released, mut paid) = (BalanceOf::<T>::zero(), BalanceOf::<T>::zero());
		for (_, mut pool) in PoolReleases::<T>::iter() {
			Self::bring_up_to(&mut pool, now);
			ensure!(pool.paid <= pool.released, "a pool paid miners more than it released");
			released = released.saturating_add(pool.released);
			paid = paid.saturating_add(pool.paid);
		}
		ensure!(released <= pools, "the pools released more than they were paid");
		ensure!(
			T::Currency::balance(&Self::account_id()) >= pools.saturating_sub(paid),
			"the market's account holds less than its pools owe"
		);
		Ok(())
	}

	fn check_lifetimes() -> Result<(), TryRuntimeError> {
		let count = EntryCount::<T>::get();
		for (seq, tranche) in Lifetimes::<T>::iter() {
			ensure!(seq < count, "a lifetime for an entry beyond the flow");
			ensure!(tranche.end > tranche.start, "a lifetime that ends before it starts");
			ensure!(
				Expiries::<T>::get(tranche.end).contains(&seq),
				"a live entry is not queued at its end"
			);
		}
		for (at, queue) in Expiries::<T>::iter() {
			for seq in queue {
				let t = Lifetimes::<T>::get(seq).ok_or("a queued entry is not live")?;
				ensure!(t.end == at, "an entry is queued at another block than its end");
			}
		}
		Ok(())
	}

	fn check_nodes() -> Result<(), TryRuntimeError> {
		let mut n = 0u32;
		for (operator, node) in Nodes::<T>::iter() {
			n += 1;
			ensure!(
				crate::nodes::held_bond::<T>(&operator) == node.bond,
				"a node's held bond differs from its recorded bond"
			);
			ensure!(!node.endpoint.is_empty(), "a node has an empty endpoint");
			ensure!(node.shard.is_valid(), "a node has an invalid shard");
		}
		ensure!(n == Nodes::<T>::count(), "the node counter does not match the nodes");
		ensure!(NodeSlots::<T>::count() == n, "the node slots do not number the nodes");
		for (slot, who) in NodeSlots::<T>::iter() {
			ensure!(slot < n, "a node slot beyond the count");
			ensure!(SlotOf::<T>::get(&who) == Some(slot), "a node's slot does not lead back");
			ensure!(Nodes::<T>::contains_key(&who), "a slot of an unregistered node");
		}
		for (who, open) in OpenAudits::<T>::iter() {
			for id in open {
				let audit = Audits::<T>::get(id).ok_or("an open audit is not recorded")?;
				ensure!(audit.node == who, "an audit is listed under another node");
				ensure!(
					AuditDeadlines::<T>::get(audit.deadline) == Some(id),
					"an open audit has no deadline"
				);
			}
		}
		for (id, audit) in Audits::<T>::iter() {
			ensure!(
				OpenAudits::<T>::get(&audit.node).contains(&id),
				"an audit is not listed under its node"
			);
		}
		ensure!(n <= T::MaxNodes::get(), "more nodes than MaxNodes");
		Ok(())
	}
}
