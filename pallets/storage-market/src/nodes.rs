//! The storage-node registry: register with a held bond, update, deregister, and
//! withdraw the bond once the unbonding period has passed.

use crate::{pallet::*, NodeInfo, NodeStatus, ShardConfig, StorageNode};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, tokens::Precision, Get},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{traits::Saturating, DispatchResult},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_node(
		who: T::AccountId,
		endpoint: EndpointOf<T>,
		shard: ShardConfig,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!Nodes::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		ensure!(Nodes::<T>::count() < T::MaxNodes::get(), Error::<T>::TooManyNodes);
		ensure!(bond >= T::MinNodeBond::get(), Error::<T>::BondTooLow);
		Self::check_node_params(&endpoint, &shard)?;
		T::Currency::hold(&HoldReason::NodeBond.into(), &who, bond)?;
		Nodes::<T>::insert(
			&who,
			StorageNode { bond, endpoint: endpoint.clone(), shard, status: NodeStatus::Active },
		);
		Self::deposit_event(Event::NodeRegistered { node: who, endpoint, shard, bond });
		Ok(())
	}

	pub(crate) fn do_update_node(
		who: T::AccountId,
		endpoint: EndpointOf<T>,
		shard: ShardConfig,
	) -> DispatchResult {
		Self::check_node_params(&endpoint, &shard)?;
		Self::mutate_active_node(&who, |node| {
			node.endpoint = endpoint.clone();
			node.shard = shard;
		})?;
		Self::deposit_event(Event::NodeUpdated { node: who, endpoint, shard });
		Ok(())
	}

	pub(crate) fn do_deregister_node(who: T::AccountId) -> DispatchResult {
		let until =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Self::mutate_active_node(&who, |node| node.status = NodeStatus::Unbonding { until })?;
		Self::deposit_event(Event::NodeDeregistered { node: who, until });
		Ok(())
	}

	pub(crate) fn do_withdraw_bond(who: T::AccountId) -> DispatchResult {
		let node = Nodes::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		let NodeStatus::Unbonding { until } = node.status else {
			return Err(Error::<T>::NotUnbonding.into());
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= until, Error::<T>::StillUnbonding);
		let released = T::Currency::release(
			&HoldReason::NodeBond.into(),
			&who,
			node.bond,
			Precision::BestEffort,
		)?;
		Nodes::<T>::remove(&who);
		Self::deposit_event(Event::BondWithdrawn { node: who, amount: released });
		Ok(())
	}

	/// Applies `f` to the caller's node if it is registered and active.
	fn mutate_active_node(
		who: &T::AccountId,
		f: impl FnOnce(&mut StorageNodeOf<T>),
	) -> DispatchResult {
		Nodes::<T>::try_mutate(who, |node| {
			let node = node.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(node.status == NodeStatus::Active, Error::<T>::NodeUnbonding);
			f(node);
			Ok(())
		})
	}

	pub(crate) fn check_node_params(
		endpoint: &EndpointOf<T>,
		shard: &ShardConfig,
	) -> DispatchResult {
		ensure!(!endpoint.is_empty(), Error::<T>::EmptyEndpoint);
		ensure!(shard.is_valid(), Error::<T>::InvalidShardConfig);
		Ok(())
	}

	/// All registered nodes.
	pub fn nodes() -> Vec<NodeInfo<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		Nodes::<T>::iter()
			.map(|(operator, node)| NodeInfo {
				operator,
				bond: node.bond,
				endpoint: node.endpoint.into_inner(),
				shard: node.shard,
				status: node.status,
			})
			.collect()
	}
}

/// The balance a node's bond holds, as the currency reports it.
#[cfg(any(test, feature = "try-runtime"))]
pub(crate) fn held_bond<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	use polkadot_sdk::frame_support::traits::fungible::InspectHold;
	T::Currency::balance_on_hold(&HoldReason::NodeBond.into(), who)
}
