//! `do_try_state` passes on what the calls leave and catches each kind of corruption.

use super::*;

/// A service, two funded users, one settled receipt and a refund in flight.
fn populated() -> ServiceId {
	let id = register();
	fund("Alice", 500);
	fund("Bob", 300);
	settle(vec![receipt("Alice", id, 1, 10, 10)]);
	assert_ok!(ComputeMarket::request_refund(origin("Bob"), account("Pat"), 100));
	assert_ok!(ComputeMarket::do_try_state());
	id
}

fn broken(corrupt: impl FnOnce(ServiceId), why: &'static str) {
	new_test_ext().execute_with(|| {
		let id = populated();
		corrupt(id);
		let err = ComputeMarket::do_try_state().expect_err("corruption is caught");
		assert_eq!(err, DispatchError::Other(why), "caught as {err:?}");
	})
}

#[test]
fn ledgers_and_sub_accounts_add_up_to_the_hold() {
	const WHY: &str = "a user's ledger hold differs from its ledger and sub-accounts";
	broken(|_| Ledgers::<Test>::mutate(account("Alice"), |l| *l = l.map(|l| l + 1)), WHY);
	broken(
		|_| {
			SubAccounts::<Test>::mutate(account("Bob"), account("Pat"), |s| {
				s.as_mut().unwrap().pending_refund -= 1
			})
		},
		WHY,
	);
}

#[test]
fn bonds_add_up_to_the_hold() {
	broken(
		|id| Services::<Test>::mutate(id, |s| s.as_mut().unwrap().bond += 1),
		"a provider's bond hold differs from its services' bonds",
	);
}

#[test]
fn service_records_agree() {
	broken(
		|_| ServiceCount::<Test>::insert(account("Pat"), 2),
		"a provider's ServiceCount differs from its services",
	);
	broken(|_| NextServiceId::<Test>::put(0), "a service id is not below NextServiceId");
	broken(
		|_| PastSigners::<Test>::insert(99, BoundedVec::truncate_from(vec![account("Eve")])),
		"key history of a removed service",
	);
}

#[test]
fn a_receipt_cannot_outlive_its_service_horizon() {
	broken(|id| DisputableUntil::<Test>::insert(id, 1), "a receipt is disputable past its horizon");
}

#[test]
fn invariants_hold_through_every_call() {
	ExtBuilder.build_and_execute(|| {
		populated();
	});
}
