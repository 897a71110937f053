//! The signer registry, bonds and quorums.

use super::*;

#[test]
fn signers_register_with_a_held_bond() {
	ExtBuilder.build_and_execute(|| {
		register("S1", 1_000);
		assert_eq!(held("S1"), 1_000);
		assert_eq!(Signers::<Test>::get(account("S1")).unwrap().key, account("S1key"));
		let endpoint = || BoundedVec::truncate_from(b"http://x".to_vec());
		assert_noop!(
			DaCommitments::register_signer(origin("S1"), account("S1key"), endpoint(), 1_000),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			DaCommitments::register_signer(origin("S2"), account("S2key"), endpoint(), 999),
			Error::<Test>::BondTooLow
		);
		for n in 2..=8 {
			register(&format!("S{n}"), 1_000);
		}
		assert_noop!(
			DaCommitments::register_signer(origin("S9"), account("S9key"), endpoint(), 1_000),
			Error::<Test>::TooManySigners
		);
	});
}

#[test]
fn quorums_share_the_columns_by_stake() {
	ExtBuilder.build_and_execute(|| {
		quorum(&[("S1", 1), ("S2", 2), ("S3", 5)]);
		let q = Quorums::<Test>::get(1).unwrap();
		let cols: Vec<_> = q.iter().map(|m| (m.signer.clone(), m.columns)).collect();
		let expect = |n: &str, c: u16| {
			assert!(cols.contains(&(account(n), c)), "{n} should hold {c}: {cols:?}")
		};
		expect("S1", 16);
		expect("S2", 32);
		expect("S3", 80);
		assert!(q.iter().all(|m| m.key
			== account(&format!(
				"{}key",
				["S1", "S2", "S3"].iter().find(|n| account(n) == m.signer).unwrap()
			))));
		System::assert_has_event(Event::EpochStarted { epoch: 1, signers: 3 }.into());

		// Uneven shares: largest remainders, then account order; every column is given.
		let three: Vec<_> =
			["S4", "S5", "S6"].iter().map(|n| (account(n), account(n), 1_000u128)).collect();
		let m = DaCommitments::assign_columns(&three);
		assert_eq!(m.iter().map(|m| m.columns).collect::<Vec<_>>(), vec![43, 43, 42]);
		// A stake too small for one column gets none and is left out.
		let tiny =
			vec![(account("S1"), account("S1"), 1_000_000u128), (account("S2"), account("S2"), 1)];
		let m = DaCommitments::assign_columns(&tiny);
		assert_eq!(m.len(), 1);
		assert_eq!(m[0].columns, COLUMNS);
		assert!(DaCommitments::assign_columns(&[]).is_empty());
	});
}

#[test]
fn a_leaving_signer_drops_out_of_quorums_and_gets_its_bond_back_later() {
	ExtBuilder.build_and_execute(|| {
		quorum(&[("S1", 1), ("S2", 1)]);
		assert_ok!(DaCommitments::leave(origin("S1")));
		assert_noop!(DaCommitments::leave(origin("S1")), Error::<Test>::AlreadyLeaving);
		assert_noop!(DaCommitments::leave(origin("S9")), Error::<Test>::NotSigner);
		System::assert_has_event(Event::SignerLeaving { signer: account("S1"), epoch: 2 }.into());
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::StillBonded);
		assert_noop!(DaCommitments::withdraw_bond(origin("S2")), Error::<Test>::StillBonded);
		run_to(20);
		let q = Quorums::<Test>::get(2).unwrap();
		assert_eq!(
			q.iter().map(|m| (m.signer.clone(), m.columns)).collect::<Vec<_>>(),
			vec![(account("S2"), COLUMNS)]
		);
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::StillBonded);
		run_to(40);
		assert_ok!(DaCommitments::withdraw_bond(origin("S1")));
		assert_eq!(held("S1"), 0);
		assert!(Signers::<Test>::get(account("S1")).is_none());
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::NotSigner);
	});
}

#[test]
fn a_full_registry_takes_a_higher_bond_and_the_lowest_leaves() {
	ExtBuilder.build_and_execute(|| {
		// MaxSigners (8) squatters at the minimum bond fill the registry.
		for i in 1..=8 {
			register(&format!("S{i}"), 1_000 + i as Balance);
		}
		let endpoint = || BoundedVec::truncate_from(b"http://S9".to_vec());
		// Another minimum bond cannot get in...
		assert_noop!(
			DaCommitments::register_signer(origin("S9"), account("S9key"), endpoint(), 1_001),
			Error::<Test>::TooManySigners
		);
		// ...a higher one displaces the lowest bonded (S1), who leaves from the next epoch.
		assert_ok!(DaCommitments::register_signer(
			origin("S9"),
			account("S9key"),
			endpoint(),
			5_000
		));
		System::assert_has_event(
			Event::SignerDisplaced { signer: account("S1"), by: account("S9"), epoch: 1 }.into(),
		);
		run_to(10);
		let q = Quorums::<Test>::get(1).unwrap();
		assert_eq!(q.len(), 8);
		assert!(q.iter().all(|m| m.signer != account("S1")));
		assert!(q.iter().any(|m| m.signer == account("S9")));
		// The displaced signer unbonds as if it had left.
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::StillBonded);
		run_to(30);
		assert_ok!(DaCommitments::withdraw_bond(origin("S1")));
	});
}

#[test]
fn leaving_signers_count_against_a_hard_cap() {
	ExtBuilder.build_and_execute(|| {
		for i in 1..=8 {
			register(&format!("S{i}"), 1_000);
			assert_ok!(DaCommitments::leave(origin(&format!("S{i}"))));
		}
		// Eight leaving, so eight more fit (S9, Sam, Eve and five fresh accounts)...
		for name in ["S9", "Sam", "Eve"] {
			register(name, 1_000);
		}
		for i in 0..5u8 {
			let who = format!("X{i}");
			assert_ok!(Balances::force_set_balance(
				RuntimeOrigin::root(),
				account(&who),
				ENDOWMENT
			));
			register(&who, 1_000);
		}
		// ...and then nobody, whatever the bond.
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), account("X9"), ENDOWMENT));
		let endpoint: BoundedVec<u8, MaxEndpointLen> =
			BoundedVec::truncate_from(b"http://X9".to_vec());
		assert_noop!(
			DaCommitments::register_signer(origin("X9"), account("X9key"), endpoint, 1_000_000),
			Error::<Test>::TooManySigners
		);
	});
}

#[test]
fn signers_build_the_attestation_payload_themselves() {
	ExtBuilder.build_and_execute(|| {
		quorum(&[("S1", 1)]);
		let a = attestation(submit(1000));
		let genesis: [u8; 32] = System::block_hash(0).into();
		let s1 = account("S1");
		assert_eq!(signing_payload(genesis, &s1, &a), DaCommitments::attestation_payload(&s1, &a));
		// Bound to its chain and to its signer.
		assert_ne!(signing_payload([9; 32], &s1, &a), DaCommitments::attestation_payload(&s1, &a));
		assert_ne!(
			signing_payload(genesis, &account("S2"), &a),
			DaCommitments::attestation_payload(&s1, &a)
		);
	});
}

#[test]
fn an_attestation_counts_only_for_the_signer_it_names() {
	ExtBuilder.build_and_execute(|| {
		// S2 registers S1's key (keys carry no proof of possession) to be paid for S1's work.
		register("S1", 1_000);
		let endpoint: BoundedVec<u8, MaxEndpointLen> =
			BoundedVec::truncate_from(b"http://S2".to_vec());
		assert_ok!(DaCommitments::register_signer(origin("S2"), account("S1key"), endpoint, 1_000));
		run_to(10);
		let id = submit(1000);
		let a = attestation(id);
		// S1's signature, relayed as S2's attestation, is refused...
		let by_s1 = signed_for("S1", &a, "S1key");
		assert_noop!(
			DaCommitments::attest(origin("Eve"), account("S2"), a.clone(), by_s1.clone()),
			Error::<Test>::BadSignature
		);
		// ...and counts for S1 alone.
		assert_ok!(DaCommitments::attest(origin("Eve"), account("S1"), a, by_s1));
	});
}

#[test]
fn version_1_leaving_signers_unbond_on_the_same_epochs_after_the_migration() {
	use crate::migrations::v2::{MigrateV1ToV2, OldSignerInfo};
	use polkadot_sdk::frame_support::{
		storage::unhashed,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};
	ExtBuilder.build_and_execute(|| {
		quorum(&[("S1", 1), ("S2", 1), ("S3", 1)]);
		// Version 1's layout: S1 asked to leave in epoch 1 (so left from epoch 2), S2
		// serves, S3 left long ago.
		let old = |name: &str, leaving: Option<u32>| {
			let info = Signers::<Test>::get(account(name)).unwrap();
			let old =
				OldSignerInfo { key: info.key, bond: info.bond, endpoint: info.endpoint, leaving };
			unhashed::put(&Signers::<Test>::hashed_key_for(account(name)), &old);
		};
		old("S1", Some(2));
		old("S2", None);
		old("S3", Some(0));
		StorageVersion::new(1).put::<DaCommitments>();

		MigrateV1ToV2::<Test>::on_runtime_upgrade();

		assert_eq!(DaCommitments::on_chain_storage_version(), 2);
		assert_eq!(Signers::<Test>::count(), 3);
		let status = |name: &str| Signers::<Test>::get(account(name)).unwrap().status;
		assert_eq!(status("S1"), BondState::Unbonding { until: 4 });
		assert_eq!(status("S2"), BondState::Active);
		assert_eq!(status("S3"), BondState::Unbonding { until: 2 });
		// What version 1 did with them: only S2 joins the next quorum, S3's bond is free
		// from epoch 2 and S1's from epoch 4.
		assert_noop!(DaCommitments::withdraw_bond(origin("S3")), Error::<Test>::StillBonded);
		run_to(20);
		let q = Quorums::<Test>::get(2).unwrap();
		assert_eq!(q.iter().map(|m| m.signer.clone()).collect::<Vec<_>>(), vec![account("S2")]);
		assert_ok!(DaCommitments::withdraw_bond(origin("S3")));
		assert_noop!(DaCommitments::withdraw_bond(origin("S1")), Error::<Test>::StillBonded);
		run_to(40);
		assert_ok!(DaCommitments::withdraw_bond(origin("S1")));
		// Run again, the migration is a no-op: S2 stays as it is.
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(status("S2"), BondState::Active);
	});
}
