//! The storage-node registry: register with a held bond, update, deregister, and
//! withdraw the bond once the unbonding period has passed.

use crate::{pallet::*, NodeInfo, NodeStatus, ShardConfig, StorageNode};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{ensure, traits::Get},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{DispatchError, DispatchResult},
};
use zerog_pallet_bond::{BondCurrency, BondError, BondLifecycle};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_node(
		who: T::AccountId,
		endpoint: EndpointOf<T>,
		shard: ShardConfig,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!Nodes::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		ensure!(Nodes::<T>::count() < T::MaxNodes::get(), Error::<T>::TooManyNodes);
		Self::check_node_params(&endpoint, &shard)?;
		T::Currency::hold_bond(&HoldReason::NodeBond.into(), &who, bond, T::MinNodeBond::get())
			.map_err(Self::bond_error)?;
		Nodes::<T>::insert(
			&who,
			StorageNode { bond, endpoint: endpoint.clone(), shard, status: NodeStatus::Active },
		);
		Self::add_slot(&who);
		Self::deposit_event(Event::NodeRegistered { node: who, endpoint, shard, bond });
		Ok(())
	}

	/// Returns whether it counted the shard coverage.
	pub(crate) fn do_update_node(
		who: T::AccountId,
		endpoint: EndpointOf<T>,
		shard: ShardConfig,
	) -> Result<bool, DispatchError> {
		Self::check_node_params(&endpoint, &shard)?;
		let mut counted = false;
		if let Some(node) = Nodes::<T>::get(&who) {
			if node.shard != shard {
				counted = Self::ensure_may_leave(&who, &node.shard, Some(&shard))?;
			}
		}
		Self::mutate_active_node(&who, |node| {
			node.endpoint = endpoint.clone();
			node.shard = shard;
		})?;
		Self::deposit_event(Event::NodeUpdated { node: who, endpoint, shard });
		Ok(counted)
	}

	/// Returns whether it counted the shard coverage.
	pub(crate) fn do_deregister_node(who: T::AccountId) -> Result<bool, DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut counted = false;
		if let Some(node) = Nodes::<T>::get(&who) {
			if node.status == NodeStatus::Active {
				counted = Self::ensure_may_leave(&who, &node.shard, None)?;
			}
		}
		let until = Nodes::<T>::try_mutate(&who, |node| {
			let node = node.as_mut().ok_or(Error::<T>::NotRegistered)?;
			node.status.begin_unbonding(now, T::UnbondingPeriod::get()).map_err(Self::bond_error)
		})?;
		Self::deposit_event(Event::NodeDeregistered { node: who, until });
		Ok(counted)
	}

	pub(crate) fn do_withdraw_bond(who: T::AccountId) -> DispatchResult {
		let node = Nodes::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		node.status
			.ensure_withdrawable(frame_system::Pallet::<T>::block_number())
			.map_err(Self::bond_error)?;
		Self::ensure_no_open_audits(&who)?;
		let released = T::Currency::release_bond(&HoldReason::NodeBond.into(), &who, node.bond)
			.map_err(Self::bond_error)?;
		Nodes::<T>::remove(&who);
		Self::remove_slot(&who);
		Self::deposit_event(Event::BondWithdrawn { node: who, amount: released });
		Ok(())
	}

	/// Applies `f` to the caller's node if it is registered and active.
	fn mutate_active_node(
		who: &T::AccountId,
		f: impl FnOnce(&mut StorageNodeOf<T>),
	) -> DispatchResult {
		Nodes::<T>::try_mutate(who, |node| -> DispatchResult {
			let node = node.as_mut().ok_or(Error::<T>::NotRegistered)?;
			node.status.ensure_active().map_err(Self::bond_error)?;
			f(node);
			Ok(())
		})
	}

	/// This pallet's names for the steps of the bond lifecycle it refuses.
	fn bond_error(e: BondError) -> DispatchError {
		match e {
			BondError::TooLow => Error::<T>::BondTooLow.into(),
			BondError::Unbonding => Error::<T>::NodeUnbonding.into(),
			BondError::NotUnbonding => Error::<T>::NotUnbonding.into(),
			BondError::StillBonded => Error::<T>::StillUnbonding.into(),
			BondError::Currency(e) => e,
		}
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
	T::Currency::bond_held(&HoldReason::NodeBond.into(), who)
}
