//! The state of a bond, shared by every bonded role on ZeroG: storage nodes, compute
//! services and DA signers.
//!
//! A bond is taken when a role registers and is held (never transferred) from its
//! owner. The role serves while the bond is [`BondState::Active`]; leaving moves it to
//! [`BondState::Unbonding`], where it still answers for what the role did (disputes and
//! challenges can still slash it) but takes no new work, and from `until` on the owner
//! may withdraw what is left. `until` is in the unit its pallet counts in: blocks for
//! storage nodes and compute services, DA epochs for signers.
//!
//! The transitions and the currency operations live in `zerog-pallet-bond`; this crate
//! holds only the type, so the clients and runtime APIs that report a bond link no FRAME
//! crate.

#![cfg_attr(not(feature = "std"), no_std)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Where a bond is in its lifecycle.
///
/// Encoded as a one-byte variant index followed, for `Unbonding`, by `until`: the same
/// bytes as the storage market's and the compute market's earlier status types and as
/// the DA registry's `Option<epoch>`, which is why no migration re-encodes them.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum BondState<Moment> {
	/// Serving: the role takes new work.
	#[default]
	Active,
	/// Leaving: no new work; the bond can still be slashed, and can be withdrawn from
	/// `until` on.
	Unbonding {
		/// First block (or epoch) at which the bond can be withdrawn.
		until: Moment,
	},
}

impl<Moment: Copy + PartialOrd> BondState<Moment> {
	/// Whether the role still takes new work.
	pub fn is_active(&self) -> bool {
		matches!(self, Self::Active)
	}

	/// When the bond becomes withdrawable, if it is unbonding.
	pub fn unbonding_until(&self) -> Option<Moment> {
		match self {
			Self::Active => None,
			Self::Unbonding { until } => Some(*until),
		}
	}

	/// Whether the bond can be withdrawn at `now`.
	pub fn is_withdrawable(&self, now: Moment) -> bool {
		self.unbonding_until().is_some_and(|until| now >= until)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn encoding_matches_the_layouts_it_replaced() {
		// An enum `{ Active, Unbonding { until: u32 } }` of the storage market and an
		// `Option<u64>` of the DA registry both encoded like this.
		assert_eq!(BondState::<u32>::Active.encode(), vec![0]);
		assert_eq!(BondState::Unbonding { until: 7u32 }.encode(), vec![1, 7, 0, 0, 0]);
		assert_eq!(BondState::Unbonding { until: 7u64 }.encode(), Some(7u64).encode());
		assert_eq!(BondState::<u64>::Active.encode(), None::<u64>.encode());
		assert_eq!(BondState::<u32>::max_encoded_len(), 5);
	}

	#[test]
	fn withdrawable_from_until_on() {
		let s = BondState::Unbonding { until: 10u32 };
		assert!(!s.is_active());
		assert!(!s.is_withdrawable(9));
		assert!(s.is_withdrawable(10));
		assert!(s.is_withdrawable(11));
		assert!(!BondState::<u32>::Active.is_withdrawable(u32::MAX));
		assert_eq!(BondState::<u32>::default(), BondState::Active);
	}
}
