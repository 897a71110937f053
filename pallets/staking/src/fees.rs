//! The block's fees, held for the block and paid out once at its end.
//!
//! Every fee-paying transaction hands its fee and tip to [`CollectFees`], which splits
//! them as they will be paid ([`Config::TreasuryFeeShare`] of the fee to the treasury,
//! the rest and the whole tip to the block's author) and adds both shares to
//! [`BlockFees`]: one storage value that the block's overlay holds after its first
//! transaction. `on_finalize` pays the two sums, so the treasury's and the author's
//! accounts are written, and their `Deposit` events emitted, once a block instead of
//! once a transaction.
//!
//! The held shares are credits (`fungible::Credit`, stored like pallet-transaction-
//! payment's own `TxPaymentCredit`): the total issuance does not move while they wait,
//! and what is paid at the end is exactly what the transactions paid, each split with
//! the same rounding as before. A share that cannot be paid (no author, as in a dry run,
//! or a payment too small to open an account) goes to the treasury; only what the
//! treasury cannot take either is burned.

use crate::{BlockFees, Config, Pallet};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::traits::{
		fungible::{Balanced, Credit},
		tokens::imbalance::{Imbalance, OnUnbalanced},
		Get, NoDrop, SuppressedDrop,
	},
	sp_runtime::traits::Zero,
};

/// A credit in the chain's currency.
pub type CreditOf<T> =
	Credit<<T as polkadot_sdk::frame_system::Config>::AccountId, <T as Config>::Currency>;

/// A block's fees as they will be paid out: the treasury's share and the author's.
#[derive(
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	Default,
)]
pub struct FeeShares<C> {
	/// [`Config::TreasuryFeeShare`] of every fee.
	pub treasury: C,
	/// The rest of every fee, and every tip.
	pub author: C,
}

/// The shares as [`BlockFees`] holds them: credits whose drop does not touch the
/// issuance while they are stored.
pub type HeldFees<T> = FeeShares<NoDrop<CreditOf<T>>>;

/// Fee handler for `pallet_transaction_payment::FungibleAdapter`: takes a transaction's
/// fee (and its tip, the second credit) into [`BlockFees`].
pub struct CollectFees<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<CreditOf<T>> for CollectFees<T> {
	fn on_unbalanceds(mut amounts: impl Iterator<Item = CreditOf<T>>) {
		let Some(fee) = amounts.next() else { return };
		let to_treasury = T::TreasuryFeeShare::get() * fee.peek();
		let (treasury, mut author) = fee.split(to_treasury);
		for tip in amounts {
			author.subsume(tip);
		}
		Pallet::<T>::hold_fees(treasury, author);
	}

	fn on_nonzero_unbalanced(fee: CreditOf<T>) {
		Self::on_unbalanceds(core::iter::once(fee));
	}
}

impl<T: Config> Pallet<T> {
	/// Adds a transaction's shares to the block's.
	pub fn hold_fees(treasury: CreditOf<T>, author: CreditOf<T>) {
		if treasury.peek().is_zero() && author.peek().is_zero() {
			return;
		}
		BlockFees::<T>::mutate(|held| {
			let held = held.get_or_insert_with(Default::default);
			held.treasury.as_mut().subsume(treasury);
			held.author.as_mut().subsume(author);
		});
	}

	/// What the block has collected so far: (the treasury's share, the author's).
	pub fn held_fees() -> (crate::BalanceOf<T>, crate::BalanceOf<T>) {
		BlockFees::<T>::get()
			.map(|held| (held.treasury.as_ref().peek(), held.author.as_ref().peek()))
			.unwrap_or_default()
	}

	/// Pays the block's fees out (`on_finalize`): the author's share to the block's
	/// author, the treasury's, and whatever the author could not take, to the treasury.
	pub fn pay_block_fees() {
		let Some(held) = BlockFees::<T>::take() else { return };
		let FeeShares { treasury, author } = held;
		let (mut treasury, author) = (treasury.into_inner(), author.into_inner());
		if !author.peek().is_zero() {
			let unpaid = match T::BlockAuthor::get() {
				Some(who) => T::Currency::resolve(&who, author).err(),
				None => Some(author),
			};
			if let Some(unpaid) = unpaid {
				treasury.subsume(unpaid);
			}
		}
		if !treasury.peek().is_zero() {
			// What even the treasury cannot take (it never holds less than the existential
			// deposit, so only an overflow) is burned when dropped.
			let _ = T::Currency::resolve(&T::TreasuryAccount::get(), treasury);
		}
	}
}
