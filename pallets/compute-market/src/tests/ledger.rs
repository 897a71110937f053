//! Ledgers, sub-accounts and refunds.

use super::*;

#[test]
fn ledger_deposit_fund_and_withdraw() {
	ExtBuilder.build_and_execute(|| {
		register();
		assert_noop!(
			ComputeMarket::deposit(origin("Alice"), MinDeposit::get() - 1),
			Error::AmountTooSmall
		);
		assert_noop!(ComputeMarket::withdraw(origin("Alice"), 1), Error::NoLedger);
		assert_noop!(ComputeMarket::fund(origin("Alice"), account("Pat"), 1), Error::NoLedger);
		assert_ok!(ComputeMarket::deposit(origin("Alice"), 500));
		// Top-ups of an open ledger may be small, but not zero.
		assert_ok!(ComputeMarket::deposit(origin("Alice"), 1));
		assert_noop!(ComputeMarket::deposit(origin("Alice"), 0), Error::AmountTooSmall);
		assert_eq!(Ledgers::<Test>::get(account("Alice")), Some(501));
		assert_eq!(held("Alice", HoldReason::Ledger), 501);

		assert_noop!(
			ComputeMarket::fund(origin("Alice"), account("Eve"), 10),
			Error::UnknownProvider
		);
		assert_noop!(
			ComputeMarket::fund(origin("Alice"), account("Pat"), 502),
			Error::InsufficientLedger
		);
		assert_noop!(
			ComputeMarket::fund(origin("Alice"), account("Pat"), 0),
			Error::AmountTooSmall
		);
		assert_ok!(ComputeMarket::fund(origin("Alice"), account("Pat"), 300));
		assert_eq!(Ledgers::<Test>::get(account("Alice")), Some(201));
		assert_eq!(
			SubAccounts::<Test>::get(account("Alice"), account("Pat")).unwrap().balance,
			300
		);
		// Funding moves nothing out of the hold.
		assert_eq!(held("Alice", HoldReason::Ledger), 501);

		assert_noop!(ComputeMarket::withdraw(origin("Alice"), 202), Error::InsufficientLedger);
		assert_noop!(ComputeMarket::withdraw(origin("Alice"), 0), Error::AmountTooSmall);
		assert_ok!(ComputeMarket::withdraw(origin("Alice"), 201));
		assert_eq!(held("Alice", HoldReason::Ledger), 300);
		assert_eq!(Balances::free_balance(account("Alice")), ENDOWMENT - 300);
		let ledger = ComputeMarket::ledger(&account("Alice")).unwrap();
		assert_eq!((ledger.available, ledger.sub_accounts.len()), (0, 1));
		assert_eq!(ComputeMarket::services().len(), 1);
	});
}

#[test]
fn refunds_wait_for_their_lock() {
	ExtBuilder.build_and_execute(|| {
		register();
		fund("Alice", 300);
		let pat = account("Pat");
		assert_noop!(
			ComputeMarket::request_refund(origin("Bob"), pat.clone(), 1),
			Error::NoSubAccount
		);
		assert_noop!(
			ComputeMarket::request_refund(origin("Alice"), pat.clone(), 301),
			Error::InsufficientSubAccount
		);
		assert_noop!(
			ComputeMarket::request_refund(origin("Alice"), pat.clone(), 0),
			Error::AmountTooSmall
		);
		assert_noop!(
			ComputeMarket::complete_refund(origin("Alice"), pat.clone()),
			Error::NoPendingRefund
		);
		assert_noop!(
			ComputeMarket::complete_refund(origin("Bob"), pat.clone()),
			Error::NoSubAccount
		);
		assert_ok!(ComputeMarket::request_refund(origin("Alice"), pat.clone(), 200));
		let sub = SubAccounts::<Test>::get(account("Alice"), &pat).unwrap();
		assert_eq!(
			(sub.balance, sub.pending_refund, sub.refund_unlock),
			(100, 200, 1 + RefundLock::get())
		);

		System::set_block_number(RefundLock::get());
		assert_noop!(
			ComputeMarket::complete_refund(origin("Alice"), pat.clone()),
			Error::RefundLocked
		);
		System::set_block_number(1 + RefundLock::get());
		assert_ok!(ComputeMarket::complete_refund(origin("Alice"), pat.clone()));
		assert_eq!(
			Ledgers::<Test>::get(account("Alice")),
			Some(MinDeposit::get().max(300) - 300 + 200)
		);
		assert_eq!(SubAccounts::<Test>::get(account("Alice"), &pat).unwrap().pending_refund, 0);
	});
}
