//! Registering, updating, retiring and withdrawing services; key rotation.

use super::*;

#[test]
fn register_service_holds_the_bond_and_checks_its_input() {
	ExtBuilder.build_and_execute(|| {
		let id = register();
		let service = Services::<Test>::get(id).unwrap();
		assert_eq!(service.provider, account("Pat"));
		assert_eq!(service.signer, account("PatSigner"));
		assert_eq!((service.input_price, service.output_price), (IN_PRICE, OUT_PRICE));
		assert_eq!(held("Pat", HoldReason::ServiceBond), BOND);
		assert_eq!(ServiceCount::<Test>::get(account("Pat")), 1);

		let register = |name: &str, bond| {
			ComputeMarket::register_service(
				origin("Pat"),
				ServiceKind::Embeddings,
				text(name),
				text("m"),
				text("http://x"),
				1,
				1,
				account("PatSigner"),
				bond,
			)
		};
		assert_noop!(register("", BOND), Error::EmptyField);
		assert_noop!(register("e", MinServiceBond::get() - 1), Error::BondTooLow);
		assert_noop!(
			register("e", ENDOWMENT * 10),
			DispatchError::Token(polkadot_sdk::sp_runtime::TokenError::FundsUnavailable)
		);
		assert_ok!(register("e", BOND));
		assert_noop!(register("f", BOND), Error::TooManyServices);
	});
}

#[test]
fn update_retire_and_withdraw_a_service() {
	ExtBuilder.build_and_execute(|| {
		let id = register();
		assert_noop!(
			ComputeMarket::update_service(
				origin("Eve"),
				id,
				text("http://evil"),
				0,
				0,
				account("Eve")
			),
			Error::NotServiceProvider
		);
		assert_noop!(
			ComputeMarket::update_service(
				origin("Pat"),
				99,
				text("http://x"),
				1,
				1,
				account("Pat")
			),
			Error::UnknownService
		);
		assert_noop!(
			ComputeMarket::update_service(origin("Pat"), id, text(""), 1, 1, account("Pat")),
			Error::EmptyField
		);
		assert_ok!(ComputeMarket::update_service(
			origin("Pat"),
			id,
			text("http://new"),
			3,
			7,
			account("Pat")
		));
		let service = Services::<Test>::get(id).unwrap();
		assert_eq!(
			(service.endpoint.to_vec(), service.input_price, service.output_price),
			(b"http://new".to_vec(), 3, 7)
		);

		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::NotRetiring);
		assert_noop!(ComputeMarket::retire_service(origin("Eve"), id), Error::NotServiceProvider);
		assert_ok!(ComputeMarket::retire_service(origin("Pat"), id));
		assert_noop!(ComputeMarket::retire_service(origin("Pat"), id), Error::ServiceRetiring);
		assert_noop!(
			ComputeMarket::update_service(
				origin("Pat"),
				id,
				text("http://x"),
				1,
				1,
				account("Pat")
			),
			Error::ServiceRetiring
		);
		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::StillRetiring);
		assert_noop!(ComputeMarket::withdraw_bond(origin("Eve"), id), Error::NotServiceProvider);
		System::set_block_number(1 + RetirementPeriod::get());
		assert_ok!(ComputeMarket::withdraw_bond(origin("Pat"), id));
		assert_eq!(held("Pat", HoldReason::ServiceBond), 0);
		assert!(Services::<Test>::get(id).is_none());
		assert_eq!(ServiceCount::<Test>::get(account("Pat")), 0);
		assert_noop!(ComputeMarket::withdraw_bond(origin("Pat"), id), Error::UnknownService);
	});
}

#[test]
fn key_rotations_are_bounded() {
	ExtBuilder.build_and_execute(|| {
		let id = register();
		let rotate = |to: &str| {
			ComputeMarket::update_service(origin("Pat"), id, text("http://x"), 1, 1, account(to))
		};
		for i in 0..MAX_PAST_SIGNERS {
			assert_ok!(rotate(&format!("Key{i}")));
		}
		assert_noop!(rotate("OneTooMany"), Error::TooManyKeyRotations);
		// Keeping the current key (a price or endpoint change) is always possible.
		let current = Services::<Test>::get(id).unwrap().signer;
		assert_ok!(ComputeMarket::update_service(
			origin("Pat"),
			id,
			text("http://y"),
			2,
			2,
			current
		));
	});
}
