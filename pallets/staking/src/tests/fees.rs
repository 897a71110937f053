//! Fees held for the block and paid once at its end, as a transaction pays them.

use crate::{fees::CollectFees, mock::*, BlockFees, WeightInfo};
use polkadot_sdk::{
	frame_support::traits::{
		fungible::{Balanced, Inspect},
		tokens::{Fortitude, Precision, Preservation},
		Hooks, Imbalance, OnUnbalanced,
	},
	frame_system, pallet_balances,
};

/// What a transaction's fee charge does: withdraws `fee + tip` from the payer and hands
/// the fee and the tip to the handler, as `FungibleAdapter` does.
fn pay(fee: u64, tip: u64) {
	let credit = Balances::withdraw(
		&PAYER,
		fee + tip,
		Precision::Exact,
		Preservation::Preserve,
		Fortitude::Polite,
	)
	.expect("the payer is funded");
	let (fee, tip) = credit.split(fee);
	CollectFees::<Test>::on_unbalanceds([fee, tip].into_iter());
}

fn deposits_to(who: u64) -> usize {
	frame_system::Pallet::<Test>::events()
		.iter()
		.filter(|r| {
			matches!(r.event, RuntimeEvent::Balances(pallet_balances::Event::Deposit { who: w, .. }) if w == who)
		})
		.count()
}

fn end_block() {
	ZgStaking::on_finalize(frame_system::Pallet::<Test>::block_number());
}

#[test]
fn a_blocks_fees_are_held_then_paid_once_to_the_treasury_and_the_author() {
	ExtBuilder::default().build_and_execute(|| {
		let issuance = Balances::total_issuance();
		// Three transactions: fees 1,001, 2,503 and 10 (20 % of each, rounded as
		// Perbill rounds), one with a tip.
		let txs = [(1_001, 0), (2_503, 500), (10, 0)];
		for (fee, tip) in txs {
			pay(fee, tip);
		}
		let to_treasury: u64 = txs.iter().map(|(fee, _)| TreasuryFeeShare::get() * *fee).sum();
		let all: u64 = txs.iter().map(|(fee, tip)| fee + tip).sum();
		assert_eq!(to_treasury, 200 + 501 + 2);
		assert_eq!(ZgStaking::held_fees(), (to_treasury, all - to_treasury));

		// Nothing is paid out, and nothing is burned, while the block runs.
		assert_eq!(Balances::balance(&TREASURY), FUNDED);
		assert_eq!(Balances::balance(&AUTHOR), FUNDED);
		assert_eq!(Balances::balance(&PAYER), FUNDED - all);
		assert_eq!(Balances::total_issuance(), issuance);

		end_block();
		assert_eq!(Balances::balance(&TREASURY), FUNDED + to_treasury);
		assert_eq!(Balances::balance(&AUTHOR), FUNDED + all - to_treasury);
		assert_eq!(Balances::total_issuance(), issuance, "nothing burned");
		assert!(!BlockFees::<Test>::exists());
		// One credit each for the block, not one a transaction.
		assert_eq!((deposits_to(TREASURY), deposits_to(AUTHOR)), (1, 1));
	});
}

#[test]
fn without_an_author_its_share_goes_to_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		set_author(None);
		let issuance = Balances::total_issuance();
		pay(1_000, 30);
		end_block();
		assert_eq!(Balances::balance(&TREASURY), FUNDED + 1_030);
		assert_eq!(Balances::balance(&AUTHOR), FUNDED);
		assert_eq!(Balances::total_issuance(), issuance, "nothing burned");
	});
}

#[test]
fn a_share_too_small_to_open_the_authors_account_goes_to_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		let newcomer = 7;
		set_author(Some(newcomer));
		let issuance = Balances::total_issuance();
		// 80 % of 10 is 8, below the existential deposit of 10.
		pay(10, 0);
		end_block();
		assert_eq!(Balances::balance(&newcomer), 0);
		assert_eq!(Balances::balance(&TREASURY), FUNDED + 10);
		assert_eq!(Balances::total_issuance(), issuance, "nothing burned");

		// A share that reaches the existential deposit opens the account.
		pay(100, 0);
		end_block();
		assert_eq!(Balances::balance(&newcomer), 80);
		assert_eq!(Balances::balance(&TREASURY), FUNDED + 10 + 20);
	});
}

#[test]
fn a_free_transaction_holds_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		pay(0, 0);
		assert!(!BlockFees::<Test>::exists());
		end_block();
		assert_eq!((deposits_to(TREASURY), deposits_to(AUTHOR)), (0, 0));
	});
}

#[test]
fn every_block_reserves_the_payouts_weight_and_pays_only_its_own_fees() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(ZgStaking::on_initialize(1), <() as WeightInfo>::pay_block_fees());
		pay(1_000, 0);
		end_block();
		// The next block, by another author, pays its own fees only.
		frame_system::Pallet::<Test>::set_block_number(2);
		set_author(Some(PAYER));
		let payer = Balances::balance(&PAYER);
		pay(500, 0);
		end_block();
		assert_eq!(Balances::balance(&AUTHOR), FUNDED + 800);
		assert_eq!(Balances::balance(&PAYER), payer - 500 + 400);
		assert_eq!(Balances::balance(&TREASURY), FUNDED + 200 + 100);
	});
}

#[test]
fn fees_held_past_the_blocks_end_break_the_invariant() {
	ExtBuilder::default().build().execute_with(|| {
		pay(1_000, 0);
		assert!(ZgStaking::do_try_state().is_err());
		end_block();
		assert_eq!(ZgStaking::do_try_state(), Ok(()));
	});
}
