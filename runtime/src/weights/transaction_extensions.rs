//! What the runtime charges a signed transaction's extensions, on top of the extrinsic
//! base weight.
//!
//! [`ExtrinsicBaseWeight`](super::extrinsic_weights::ExtrinsicBaseWeight) comes from
//! `benchmark overhead`, which fills blocks with signed `system.remark`s built with the
//! runtime's full [`TxExtension`](crate::TxExtension): every one of them checks its
//! signature and runs frame-system's seven checks and the fee charge (withdrawal, refund,
//! the fee held for the block in `ZgStaking::BlockFees`, its event). The extensions' execution is
//! inside the base weight. Their own benchmarks (`frame_system_extensions.rs`,
//! `pallet_transaction_payment.rs`, kept as `benchmark pallet` wrote them) measure that
//! same execution a second time; charging both counted it twice.
//!
//! What the base does not hold is the first touch of the signer's account. One signer
//! sends every remark of `benchmark overhead`, so from its second transaction on, that
//! account is in the block's overlay. A transaction from an account the block has not
//! touched yet reads and writes it from the database: that read and write are charged
//! here, to the nonce check, at this machine's prices (`rocksdb_weights.rs`), with the
//! account's proof size. The fee charge withdraws from the same account and adds the fee
//! to `ZgStaking::BlockFees`, which the block's first fee-paying transaction already
//! brought into the overlay (its benchmark whitelists it for that reason); the treasury
//! and the author are paid once a block, in `on_finalize`, whose weight
//! `ZgStaking::on_initialize` reserves.
//!
//! A balance transfer is charged 229.6 µs with these (base 110.2, the signer's account
//! 35.0, the call 84.4); docs/performance.md ("EVM throughput") has the import time of
//! a full block of them on one core.

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system, pallet_transaction_payment,
};

/// The signer's account (`System::Account`, `MaxEncodedLen`), as the benchmarks put it
/// into the proof.
const ACCOUNT_PROOF_SIZE: u64 = 3593;

/// frame-system's checks: executed inside the extrinsic base, except the nonce check's
/// read and write of the signer's account.
pub struct SystemExtensions<T>(PhantomData<T>);

impl<T: frame_system::Config> frame_system::ExtensionsWeightInfo for SystemExtensions<T> {
	fn check_genesis() -> Weight {
		Weight::zero()
	}
	fn check_mortality_mortal_transaction() -> Weight {
		Weight::zero()
	}
	fn check_mortality_immortal_transaction() -> Weight {
		Weight::zero()
	}
	fn check_non_zero_sender() -> Weight {
		Weight::zero()
	}
	fn check_nonce() -> Weight {
		Weight::from_parts(0, ACCOUNT_PROOF_SIZE)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn check_spec_version() -> Weight {
		Weight::zero()
	}
	fn check_tx_version() -> Weight {
		Weight::zero()
	}
	fn check_weight() -> Weight {
		Weight::zero()
	}
	fn weight_reclaim() -> Weight {
		Weight::zero()
	}
}

/// The fee charge: executed inside the extrinsic base; its account is the nonce check's.
pub struct FeeCharge<T>(PhantomData<T>);

impl<T: frame_system::Config> pallet_transaction_payment::WeightInfo for FeeCharge<T> {
	fn charge_transaction_payment() -> Weight {
		Weight::zero()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{weights, Runtime};
	use frame_system::ExtensionsWeightInfo as _;
	use pallet_transaction_payment::WeightInfo as _;
	use polkadot_sdk::frame_support::weights::constants::WEIGHT_REF_TIME_PER_MICROS;

	/// The execution the benchmarks measured for the extensions fits inside the base
	/// weight it is charged as part of: the base is measured on a transaction that runs
	/// them all.
	#[test]
	fn the_base_weight_holds_the_extensions_execution() {
		type Measured = weights::frame_system_extensions::WeightInfo<Runtime>;
		type Db = <Runtime as frame_system::Config>::DbWeight;
		let db = |r, w| Db::get().reads_writes(r, w).ref_time();
		let execution = Measured::check_genesis().ref_time() +
			Measured::check_mortality_mortal_transaction().ref_time() +
			Measured::check_non_zero_sender().ref_time() +
			(Measured::check_nonce().ref_time() - db(1, 1)) +
			Measured::check_spec_version().ref_time() +
			Measured::check_tx_version().ref_time() +
			Measured::check_weight().ref_time() +
			Measured::weight_reclaim().ref_time() +
			(weights::pallet_transaction_payment::WeightInfo::<Runtime>::charge_transaction_payment()
				.ref_time() - db(1, 1));
		let base = weights::extrinsic_weights::ExtrinsicBaseWeight::get().ref_time();
		assert!(execution < base, "extensions {execution} ps, base {base} ps");
		// And what is charged on top is the signer's account, once.
		assert_eq!(SystemExtensions::<Runtime>::check_nonce().ref_time(), db(1, 1));
		assert_eq!(FeeCharge::<Runtime>::charge_transaction_payment(), Weight::zero());
		assert!(db(1, 1) > 10 * WEIGHT_REF_TIME_PER_MICROS);
	}
}
