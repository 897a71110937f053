//! The invariant check catches storage that disagrees with itself.

use super::*;

#[test]
fn a_token_missing_from_its_owners_index_is_caught() {
	new_test_ext().execute_with(|| {
		minted("Bob");
		assert_ok!(Inft::do_try_state());
		Owned::<Test>::remove(account("Bob"), (0, 0));
		assert!(Inft::do_try_state().is_err());
	});
}

#[test]
fn a_wrong_collection_count_is_caught() {
	new_test_ext().execute_with(|| {
		minted("Bob");
		Collections::<Test>::mutate(0, |c| c.as_mut().unwrap().tokens = 2);
		assert!(Inft::do_try_state().is_err());
	});
}

#[test]
fn escrow_without_its_hold_is_caught() {
	new_test_ext().execute_with(|| {
		minted("Alice");
		register("Bob");
		assert_ok!(Inft::list(origin("Alice"), 0, 0, 5));
		Sales::<Test>::mutate((0, 0), |s| {
			s.as_mut().unwrap().purchase = Some(Purchase { buyer: account("Bob"), deadline: 9 })
		});
		assert!(Inft::do_try_state().is_err());
	});
}

#[test]
fn a_grant_for_an_old_version_is_caught() {
	new_test_ext().execute_with(|| {
		minted("Alice");
		register("Bob");
		let (sealed, proof) = reseal("Alice", 0, Purpose::Usage, "Bob");
		assert_ok!(Inft::authorize_usage(
			origin("Alice"),
			0,
			0,
			account("Bob"),
			sealed,
			Box::new(proof)
		));
		Tokens::<Test>::mutate(0, 0, |t| t.as_mut().unwrap().version = 3);
		assert!(Inft::do_try_state().is_err());
	});
}
