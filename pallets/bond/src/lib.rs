//! One bond lifecycle for every ZeroG pallet that takes a bond: the storage market's
//! nodes, the compute market's services and the DA registry's signers.
//!
//! ```text
//!  register ──hold_bond──▶ Active ──begin_unbonding──▶ Unbonding { until } ──release_bond──▶ gone
//!                            │                              │   (from `until` on)
//!                            └──────── slash_bond ──────────┘
//! ```
//!
//! - [`BondCurrency`] extends any `fungible::MutateHold` currency with the four currency
//!   steps: [`hold_bond`](BondCurrency::hold_bond) checks the minimum and holds,
//!   [`release_bond`](BondCurrency::release_bond) gives back what is still held,
//!   [`slash_bond`](BondCurrency::slash_bond) moves part of it to a beneficiary (the
//!   wronged user, or a reward pool), and [`bond_held`](BondCurrency::bond_held) reads it
//!   for the pallets' `try_state` checks (held balance = recorded bond).
//! - [`BondLifecycle`] holds the state transitions on [`BondState`]: a bond leaves once,
//!   is withdrawn only after its unbonding period, and a role that is leaving takes no
//!   new work.
//!
//! Each pallet keeps what is its own: the unit of its periods (blocks or DA epochs), what
//! else must be settled before a withdrawal (open disputes, open challenges) and the names
//! of its errors, to which it maps [`BondError`].

#![cfg_attr(not(feature = "std"), no_std)]

pub use zerog_bond_primitives::BondState;

use polkadot_sdk::{
	frame_support::traits::{
		fungible::{InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
	},
	sp_runtime::{traits::Saturating, DispatchError},
};

#[cfg(test)]
mod tests;

/// Why a step of the lifecycle was refused. Each pallet maps these to its own errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BondError {
	/// The bond offered is below the role's minimum.
	TooLow,
	/// The role is already leaving: it cannot leave again or take new work.
	Unbonding,
	/// A withdrawal was asked of a bond that is not unbonding.
	NotUnbonding,
	/// The unbonding period has not passed yet.
	StillBonded,
	/// The currency refused the operation (e.g. the free balance cannot cover the bond).
	Currency(DispatchError),
}

impl From<DispatchError> for BondError {
	fn from(e: DispatchError) -> Self {
		Self::Currency(e)
	}
}

/// The currency steps of a bond, for any currency that can hold balances.
pub trait BondCurrency<AccountId>: MutateHold<AccountId> {
	/// Holds `amount` from `who` under `reason`, refusing less than `min`.
	fn hold_bond(
		reason: &Self::Reason,
		who: &AccountId,
		amount: Self::Balance,
		min: Self::Balance,
	) -> Result<(), BondError> {
		if amount < min {
			return Err(BondError::TooLow);
		}
		Self::hold(reason, who, amount)?;
		Ok(())
	}

	/// Releases up to `amount` of `who`'s bond; returns what was released. Best effort:
	/// a bond that a slash lowered below its record releases what is left.
	fn release_bond(
		reason: &Self::Reason,
		who: &AccountId,
		amount: Self::Balance,
	) -> Result<Self::Balance, BondError> {
		Ok(Self::release(reason, who, amount, Precision::BestEffort)?)
	}

	/// Moves up to `amount` of `who`'s held bond to `to`'s free balance; returns what was
	/// moved. It is taken whatever other holds or freezes `who` has (`Fortitude::Force`).
	fn slash_bond(
		reason: &Self::Reason,
		who: &AccountId,
		to: &AccountId,
		amount: Self::Balance,
	) -> Result<Self::Balance, BondError> {
		Ok(Self::transfer_on_hold(
			reason,
			who,
			to,
			amount,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?)
	}

	/// What `who` holds under `reason`: equal to the recorded bond while every change to
	/// the bond went through this trait.
	fn bond_held(reason: &Self::Reason, who: &AccountId) -> Self::Balance {
		<Self as InspectHold<AccountId>>::balance_on_hold(reason, who)
	}
}

impl<AccountId, C: MutateHold<AccountId>> BondCurrency<AccountId> for C {}

/// The state transitions of a bond.
pub trait BondLifecycle<Moment> {
	/// Refuses a role that is leaving ([`BondError::Unbonding`]).
	fn ensure_active(&self) -> Result<(), BondError>;

	/// Starts unbonding at `now`: withdrawable from `now + period`, which it returns.
	fn begin_unbonding(&mut self, now: Moment, period: Moment) -> Result<Moment, BondError>;

	/// Refuses a withdrawal at `now` unless the bond is unbonding and `until` has come.
	fn ensure_withdrawable(&self, now: Moment) -> Result<(), BondError>;
}

impl<Moment: Copy + PartialOrd + Saturating> BondLifecycle<Moment> for BondState<Moment> {
	fn ensure_active(&self) -> Result<(), BondError> {
		match self {
			BondState::Active => Ok(()),
			BondState::Unbonding { .. } => Err(BondError::Unbonding),
		}
	}

	fn begin_unbonding(&mut self, now: Moment, period: Moment) -> Result<Moment, BondError> {
		self.ensure_active()?;
		let until = now.saturating_add(period);
		*self = BondState::Unbonding { until };
		Ok(until)
	}

	fn ensure_withdrawable(&self, now: Moment) -> Result<(), BondError> {
		match self {
			BondState::Active => Err(BondError::NotUnbonding),
			BondState::Unbonding { until } if now < *until => Err(BondError::StillBonded),
			BondState::Unbonding { .. } => Ok(()),
		}
	}
}
