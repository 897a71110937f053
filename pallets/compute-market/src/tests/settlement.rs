//! Settling receipts.

use super::*;

#[test]
fn settlement_pays_exactly_the_metered_fee() {
	ExtBuilder.build_and_execute(|| {
		let id = register();
		fund("Alice", 1_000);
		let pat_before = Balances::free_balance(account("Pat"));
		settle(vec![receipt("Alice", id, 1, 10, 20), receipt("Alice", id, 2, 3, 4)]);
		let fee1 = 10 * IN_PRICE + 20 * OUT_PRICE;
		let fee2 = 3 * IN_PRICE + 4 * OUT_PRICE;
		assert_eq!(
			outcomes(),
			vec![(1, ReceiptOutcome::Settled, fee1), (2, ReceiptOutcome::Settled, fee2)]
		);
		assert_eq!(Balances::free_balance(account("Pat")), pat_before + fee1 + fee2);
		assert_eq!(held("Alice", HoldReason::Ledger), 1_000 - fee1 - fee2);
		let sub = SubAccounts::<Test>::get(account("Alice"), account("Pat")).unwrap();
		assert_eq!((sub.balance, sub.last_nonce), (1_000 - fee1 - fee2, 2));
		assert!(Settled::<Test>::get((account("Pat"), account("Alice"), 2)).is_some());
		System::assert_last_event(RuntimeEvent::ComputeMarket(Event::BatchSettled {
			provider: account("Pat"),
			settled: 2,
			rejected: 0,
			total: fee1 + fee2,
		}));
	});
}

#[test]
fn each_bad_receipt_is_rejected_alone_with_its_reason() {
	ExtBuilder.build_and_execute(|| {
		let id = register();
		fund("Alice", 200);
		fund("Bob", 1_000);
		let forged = receipt_by("Eve", request("Alice", id, 7, 1_000), 1, 1);
		let over_budget = receipt_by("Bob", request("Bob", id, 10, 10), 10, 10);
		let broke = receipt("Alice", id, 9, 100, 100);
		let unknown = receipt("Bob", 42, 3, 1, 1);
		settle(vec![
			receipt("Bob", id, 5, 1, 1),
			receipt("Bob", id, 5, 1, 1), // the same nonce again: replay
			receipt("Bob", id, 4, 1, 1), // below the last settled nonce
			forged,
			over_budget,
			broke,
			unknown,
			receipt("Bob", id, 6, 1, 1),
		]);
		let fee = IN_PRICE + OUT_PRICE;
		assert_eq!(
			outcomes(),
			vec![
				(5, ReceiptOutcome::Settled, fee),
				(5, ReceiptOutcome::StaleNonce, 0),
				(4, ReceiptOutcome::StaleNonce, 0),
				(7, ReceiptOutcome::BadSignature, 0),
				(10, ReceiptOutcome::OverBudget, 0),
				(9, ReceiptOutcome::InsufficientFunds, 0),
				(3, ReceiptOutcome::UnknownService, 0),
				(6, ReceiptOutcome::Settled, fee),
			]
		);
		// Alice lost nothing; Bob paid two fees.
		assert_eq!(held("Alice", HoldReason::Ledger), 200);
		assert_eq!(held("Bob", HoldReason::Ledger), 1_000 - 2 * fee);
		// A receipt replayed in a later batch is still stale.
		System::reset_events();
		settle(vec![receipt("Bob", id, 6, 1, 1)]);
		assert_eq!(outcomes(), vec![(6, ReceiptOutcome::StaleNonce, 0)]);
	});
}

#[test]
fn only_the_service_provider_settles_and_batches_are_bounded() {
	ExtBuilder.build_and_execute(|| {
		let id = register();
		fund("Alice", 1_000);
		assert_ok!(ComputeMarket::settle(
			origin("Eve"),
			vec![receipt("Alice", id, 1, 1, 1)].try_into().unwrap()
		));
		assert_eq!(outcomes(), vec![(1, ReceiptOutcome::NotServiceProvider, 0)]);
		assert_eq!(held("Alice", HoldReason::Ledger), 1_000);
		assert_noop!(
			ComputeMarket::settle(origin("Pat"), BoundedVec::new()),
			Error::AmountTooSmall
		);
		let too_many: Vec<_> =
			(1..=MaxBatch::get() as u64 + 1).map(|n| receipt("Alice", id, n, 1, 1)).collect();
		assert!(ReceiptsOf::<Test>::try_from(too_many).is_err(), "51 receipts do not fit a batch");
	});
}

#[test]
fn settlement_draws_on_a_pending_refund_before_it_unlocks() {
	ExtBuilder.build_and_execute(|| {
		let id = register();
		fund("Alice", 100);
		assert_ok!(ComputeMarket::request_refund(origin("Alice"), account("Pat"), 90));
		settle(vec![receipt("Alice", id, 1, 10, 10)]); // fee 70: 10 from balance, 60 from the refund
		let sub = SubAccounts::<Test>::get(account("Alice"), account("Pat")).unwrap();
		assert_eq!((sub.balance, sub.pending_refund), (0, 30));
		System::set_block_number(1 + RefundLock::get());
		assert_ok!(ComputeMarket::complete_refund(origin("Alice"), account("Pat")));
		assert_eq!(Ledgers::<Test>::get(account("Alice")), Some(30));
	});
}
