//! Shard coverage: how many active nodes hold each shard of the network's shard count,
//! against a governance minimum.
//!
//! - The network is split into `CoverageConfig::shards` shards (a power of two). A node
//!   registered for shard `id` of `n` covers shard `j` when `n <= shards` and
//!   `j % n == id` (a node of 1 shard covers them all); nodes of finer shards than the
//!   network's count are not counted. Only active nodes count.
//! - A node that registers without a shard is assigned the least-covered one (the lowest
//!   index among ties).
//! - A node whose leaving (deregistering, or moving to another shard) would take a shard
//!   it covers below `min_replicas` must wait, refused with `ShardUnderCovered`, until
//!   another node covers it.
//! - `select_nodes` (runtime API) gives clients one active node per shard, the one with
//!   the largest bond, so a download can reach every shard.
//!
//! Coverage is counted from the registry when asked (at most `MaxNodes` reads), so it
//! never drifts from the nodes it counts.

use crate::{pallet::*, CoverageView, NodeInfo, NodeStatus, ShardConfig, WeightInfo};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	frame_support::{dispatch::PostDispatchInfo, ensure, weights::Weight},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::DispatchError,
};

/// Whether a node of `shard` covers shard `j` of `shards`.
pub fn covers(shard: &ShardConfig, j: u32, shards: u32) -> bool {
	shard.is_valid() && shard.num_shard <= shards && j % shard.num_shard == shard.shard_id
}

impl<T: Config> Pallet<T> {
	/// A registry call's actual weight: `base`, plus the coverage count if it ran.
	pub(crate) fn with_coverage_scan(base: Weight, counted: bool) -> PostDispatchInfo {
		let weight =
			if counted { base.saturating_add(T::WeightInfo::coverage_scan()) } else { base };
		Some(weight).into()
	}

	/// Active nodes covering each shard of the configured count, leaving out `except`.
	pub fn replicas(except: Option<&T::AccountId>) -> Vec<u32> {
		let shards = Coverage::<T>::get().shards.max(1);
		let mut counts = vec![0u32; shards as usize];
		for (who, node) in Nodes::<T>::iter() {
			if Some(&who) == except || node.status != NodeStatus::Active {
				continue;
			}
			let n = node.shard.num_shard;
			if !node.shard.is_valid() || n > shards {
				continue;
			}
			let mut j = node.shard.shard_id;
			while j < shards {
				counts[j as usize] = counts[j as usize].saturating_add(1);
				j = j.saturating_add(n);
			}
		}
		counts
	}

	/// The least-covered shard, as a node's shard configuration.
	pub(crate) fn assign_shard() -> ShardConfig {
		let shards = Coverage::<T>::get().shards.max(1);
		let counts = Self::replicas(None);
		let j = counts
			.iter()
			.enumerate()
			.min_by_key(|(j, c)| (**c, *j))
			.map(|(j, _)| j as u32)
			.unwrap_or(0);
		ShardConfig { shard_id: j, num_shard: shards }
	}

	/// Refuses `who` leaving `from` (for `to`, if it stays) when a shard it covers would
	/// fall below the minimum. Returns whether it counted the registry (no minimum, no
	/// count).
	pub(crate) fn ensure_may_leave(
		who: &T::AccountId,
		from: &ShardConfig,
		to: Option<&ShardConfig>,
	) -> Result<bool, DispatchError> {
		let config = Coverage::<T>::get();
		if config.min_replicas == 0 {
			return Ok(false);
		}
		let shards = config.shards.max(1);
		let without = Self::replicas(Some(who));
		for j in 0..shards {
			let lost = covers(from, j, shards) && !to.is_some_and(|t| covers(t, j, shards));
			let below = without.get(j as usize).copied().unwrap_or(0) < config.min_replicas;
			ensure!(!(lost && below), Error::<T>::ShardUnderCovered);
		}
		Ok(true)
	}

	/// The coverage rules and each shard's replicas.
	pub fn coverage() -> CoverageView {
		let config = Coverage::<T>::get();
		CoverageView {
			shards: config.shards.max(1),
			min_replicas: config.min_replicas,
			replicas: Self::replicas(None),
		}
	}

	/// One active node per shard (the largest bond among those covering it), each node
	/// listed once, in shard order.
	pub fn select_nodes() -> Vec<NodeInfo<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let shards = Coverage::<T>::get().shards.max(1);
		let nodes: Vec<_> = Self::nodes()
			.into_iter()
			.filter(|n| n.status == NodeStatus::Active && n.shard.is_valid())
			.collect();
		let mut chosen: Vec<usize> = Vec::new();
		for j in 0..shards {
			if chosen.iter().any(|&i| covers(&nodes[i].shard, j, shards)) {
				continue;
			}
			let best = (0..nodes.len())
				.filter(|&i| covers(&nodes[i].shard, j, shards))
				.max_by(|&a, &b| nodes[a].bond.cmp(&nodes[b].bond).then(b.cmp(&a)));
			if let Some(i) = best {
				chosen.push(i);
			}
		}
		chosen.sort_unstable();
		chosen.dedup();
		chosen.into_iter().map(|i| nodes[i].clone()).collect()
	}
}
