//! Each state the invariants forbid is reported.

use crate::{mock::*, EthTransactions};

#[test]
fn a_count_above_the_limit_is_reported() {
	ExtBuilder.build().execute_with(|| {
		EthTransactions::<Test>::put(MAX_ETH + 1);
		assert!(EthBlock::do_try_state().is_err());
		EthTransactions::<Test>::put(MAX_ETH);
		assert!(EthBlock::do_try_state().is_ok());
	});
}

#[test]
fn a_count_left_after_its_block_is_reported() {
	ExtBuilder.build().execute_with(|| {
		EthTransactions::<Test>::put(1);
		// Inside a block it is fine; between blocks it is not.
		assert!(EthBlock::do_try_state().is_ok());
		assert!(EthBlock::do_try_state_between_blocks().is_err());
		EthTransactions::<Test>::kill();
		assert!(EthBlock::do_try_state_between_blocks().is_ok());
	});
}
