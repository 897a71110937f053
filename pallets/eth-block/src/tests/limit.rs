//! The count, its limit, its clearing, and the charge.

use crate::{mock::*, EthTransactions};
use polkadot_sdk::{
	frame_support::{traits::Hooks, weights::Weight},
	sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError},
};

const FULL: Result<u32, TransactionValidityError> =
	Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources));

#[test]
fn a_block_takes_ethereum_transactions_up_to_its_limit() {
	ExtBuilder.build_and_execute(|| {
		for n in 1..=MAX_ETH {
			assert_eq!(EthBlock::note_eth_transaction(), Ok(n));
		}
		// The next waits for a later block (ExhaustsResources), and is not counted.
		assert_eq!(EthBlock::note_eth_transaction(), FULL);
		assert_eq!(EthBlock::note_eth_transaction(), FULL);
		assert_eq!(EthTransactions::<Test>::get(), MAX_ETH);
	});
}

#[test]
fn the_count_ends_with_its_block() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..MAX_ETH {
			EthBlock::note_eth_transaction().unwrap();
		}
		// on_initialize reserves the clearing's weight: one write.
		assert!(EthBlock::on_initialize(1).ref_time() > 0);
		EthBlock::on_finalize(1);
		assert!(!EthTransactions::<Test>::exists(), "nothing is left in the state");
		EthBlock::do_try_state_between_blocks().unwrap();
		// The next block starts from zero.
		System::set_block_number(2);
		assert_eq!(EthBlock::note_eth_transaction(), Ok(1));
	});
}

#[test]
fn the_charge_is_half_a_full_blocks_builder_per_transaction() {
	ExtBuilder.build_and_execute(|| {
		// k × C / 2 with k = 1 µs and 10 bytes, C = 4.
		assert_eq!(EthBlock::builder_charge(), Weight::from_parts(2_000_000, 20));
	});
}

/// For every block size the limit allows, what its Ethereum transactions are charged
/// covers what the builder does for them: the `i`-th does `i - 1` earlier ones' work.
#[test]
fn the_charges_cover_the_builder_of_any_block_the_limit_allows() {
	ExtBuilder.build_and_execute(|| {
		let k = PerEarlier::get();
		let charge = EthBlock::builder_charge();
		for n in 0..=u64::from(MAX_ETH) {
			let work = k.saturating_mul(n * n.saturating_sub(1) / 2);
			let charged = charge.saturating_mul(n);
			assert!(work.all_lte(charged), "{n} transactions: work {work:?}, charged {charged:?}");
		}
		// One more than the limit allows would not be covered: the limit is what makes
		// the charge enough.
		let n = u64::from(MAX_ETH) + 2;
		assert!(!k.saturating_mul(n * (n - 1) / 2).all_lte(charge.saturating_mul(n)));
	});
}
