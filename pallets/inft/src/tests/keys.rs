//! Registering encryption keys.

use super::*;

#[test]
fn a_key_registers_with_its_own_proof() {
	ExtBuilder.build_and_execute(|| {
		register("Bob");
		assert_eq!(Keys::<Test>::get(account("Bob")), Some(secret("Bob").public()));
		assert_eq!(
			last_event(),
			Event::KeyRegistered { who: account("Bob"), key: secret("Bob").public() }
		);
	});
}

#[test]
fn someone_elses_proof_of_possession_is_refused() {
	ExtBuilder.build_and_execute(|| {
		// Bob's honest proof, replayed by Eve to claim Bob's key as hers.
		let key = secret("Bob");
		let proof = key.prove_possession_with(&account("Bob").encode(), &mut rng());
		assert_noop!(
			Inft::register_key(origin("Eve"), key.public(), proof),
			Error::<Test>::BadPossessionProof
		);
		// A proof made with another secret.
		let forged = secret("Eve").prove_possession_with(&account("Eve").encode(), &mut rng());
		assert_noop!(
			Inft::register_key(origin("Eve"), key.public(), forged),
			Error::<Test>::BadPossessionProof
		);
	});
}

#[test]
fn invalid_and_identity_keys_are_refused() {
	ExtBuilder.build_and_execute(|| {
		let proof = secret("Eve").prove_possession_with(&account("Eve").encode(), &mut rng());
		assert_noop!(
			Inft::register_key(origin("Eve"), EncryptionKey([0u8; 32]), proof),
			Error::<Test>::IdentityPoint
		);
		assert_noop!(
			Inft::register_key(origin("Eve"), EncryptionKey([0xff; 32]), proof),
			Error::<Test>::InvalidPoint
		);
		let mut bad = proof;
		bad.response = [0xff; 32];
		assert_noop!(
			Inft::register_key(origin("Eve"), secret("Eve").public(), bad),
			Error::<Test>::InvalidScalar
		);
	});
}
