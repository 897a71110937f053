//! Runtime unit tests: presets build, transfers work, fees are charged; [`staking`]
//! drives blocks through BABE, sessions, eras, payouts and slashes.

mod block_building;
mod eth_block;
mod staking;

use crate::*;
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		dispatch::GetDispatchInfo,
		traits::{fungible::Inspect, Hooks},
	},
	frame_system, pallet_babe, pallet_balances, pallet_collective, pallet_session, pallet_sudo,
	pallet_transaction_payment,
	pallet_transaction_payment::ChargeTransactionPayment,
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		traits::{DispatchTransaction, Dispatchable},
		BuildStorage,
	},
};

/// What Alice, a genesis validator on every preset, has free: her endowment less her bond.
const ALICE_FREE: Balance =
	genesis_config_presets::ENDOWMENT - genesis_config_presets::VALIDATOR_BOND;

pub(crate) fn ext_from_preset(id: &str) -> TestExternalities {
	let json = genesis_config_presets::get_preset(&id.into()).expect("preset exists");
	let mut config = RuntimeGenesisConfig::default();
	// A preset is a patch over the default genesis config.
	let mut value: serde_json::Value = serde_json::to_value(&config).expect("serializes");
	let patch: serde_json::Value = serde_json::from_slice(&json).expect("preset is valid json");
	json_merge(&mut value, patch);
	config = serde_json::from_value(value).expect("patched genesis config deserializes");
	let storage = config.build_storage().expect("genesis builds");
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| frame_system::Pallet::<Runtime>::set_block_number(1));
	ext
}

fn json_merge(a: &mut serde_json::Value, b: serde_json::Value) {
	match (a, b) {
		(serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
			for (k, v) in b {
				json_merge(a.entry(k).or_insert(serde_json::Value::Null), v);
			}
		}
		(a, b) => *a = b,
	}
}

#[test]
fn presets_are_listed_and_build_and_only_development_has_sudo() {
	use genesis_config_presets::{SOLO_TESTNET_PRESET, STAGING_PRESET};
	let names = genesis_config_presets::preset_names();
	assert_eq!(names.len(), 4);
	for id in
		[DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET, SOLO_TESTNET_PRESET, STAGING_PRESET]
	{
		assert!(names.contains(&id.into()), "{id} is listed");
		ext_from_preset(id).execute_with(|| {
			// Alice validates on every preset: her bond is held from her endowment.
			assert_eq!(Balances::balance(&Sr25519Keyring::Alice.to_account_id()), ALICE_FREE);
			let sudo = (id == DEV_RUNTIME_PRESET).then(|| Sr25519Keyring::Alice.to_account_id());
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), sudo, "{id}");
			assert_eq!(
				pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().len(),
				3
			);
		});
	}
	assert!(genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn development_has_one_validator_and_local_testnet_four() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		assert_eq!(
			pallet_session::Validators::<Runtime>::get(),
			vec![Sr25519Keyring::Alice.to_account_id()]
		);
	});
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 4);
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
		let expected: Vec<AccountId> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| k.to_account_id())
		.collect();
		// In the order the genesis election ranks them.
		let mut validators = pallet_session::Validators::<Runtime>::get();
		validators.sort();
		let mut expected = expected;
		expected.sort();
		assert_eq!(validators, expected);
	});
}

#[test]
fn transfer_moves_funds_and_emits_event() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let amount = 5 * UNIT / 2;
		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(alice.clone()),
			bob.clone().into(),
			amount
		));
		assert_eq!(Balances::balance(&alice), ALICE_FREE - amount);
		assert_eq!(Balances::balance(&bob), genesis_config_presets::ENDOWMENT + amount);
		System::assert_has_event(
			pallet_balances::Event::Transfer { from: alice, to: bob, amount }.into(),
		);
	});
}

#[test]
fn transfer_beyond_balance_fails() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let result = Balances::transfer_keep_alive(
			RuntimeOrigin::signed(alice.clone()),
			bob.into(),
			genesis_config_presets::ENDOWMENT + 1,
		);
		assert!(result.is_err());
		assert_eq!(Balances::balance(&alice), ALICE_FREE);
	});
}

#[test]
fn fees_are_charged_for_a_signed_transfer() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let amount = UNIT;
		let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: bob.clone().into(),
			value: amount,
		});
		let info = call.get_dispatch_info();
		let len = 150usize;
		let expected_fee = TransactionPayment::compute_fee(len as u32, &info, 0);
		assert!(expected_fee > 0, "a transfer must cost a fee");
		// The fee is in the range the configuration documents: well under 0.01 ZG.
		assert!(expected_fee < 10 * MILLI_UNIT, "fee {expected_fee} is out of range");

		let treasury = configs::governance::TreasuryAccount::get();
		let treasury_before = Balances::balance(&treasury);
		let ext = ChargeTransactionPayment::<Runtime>::from(0);
		assert_ok!(ext
			.test_run(RuntimeOrigin::signed(alice.clone()), &call, &info, len, 0, |origin| call
				.clone()
				.dispatch(origin),)
			.expect("valid transaction"));
		let paid = ALICE_FREE - Balances::balance(&alice) - amount;
		assert!(paid > 0 && paid <= expected_fee, "paid {paid}, quoted {expected_fee}");
		// A fifth of the fee feeds the treasury at the block's end; the rest pays the
		// block's author (none here, outside a block, so the treasury takes it too).
		assert_eq!(ZgStaking::held_fees().0, configs::governance::TreasuryFeeShare::get() * paid);
		ZgStaking::pay_block_fees();
		assert_eq!(Balances::balance(&treasury) - treasury_before, paid);
		System::assert_has_event(
			pallet_transaction_payment::Event::TransactionFeePaid {
				who: alice,
				actual_fee: paid,
				tip: 0,
			}
			.into(),
		);
	});
}

#[test]
fn version_is_the_documented_one() {
	assert_eq!(VERSION.spec_name, "zerog");
	// 101: Ethereum transactions bounded per block and charged for the block builder.
	#[cfg(not(feature = "next-spec-version"))]
	assert_eq!(VERSION.spec_version, 101);
}

#[test]
fn next_spec_version_blob_is_a_distinct_runtime() {
	let current = WASM_BINARY.expect("runtime built to wasm");
	let next = next_spec_version::WASM_BINARY.expect("next-spec-version runtime built");
	assert_ne!(current, next, "the upgrade rehearsal blob must differ from the genesis runtime");
}

/// Asserts that each (pallet, item) of `items` is a single storage value in `declared`
/// (a pallet's storage info), at the key its names give.
fn assert_storage_values(
	declared: &[polkadot_sdk::frame_support::traits::StorageInfo],
	items: &[(&str, &str)],
) {
	use polkadot_sdk::frame_support::storage::storage_prefix;
	for (pallet, item) in items {
		let info = declared
			.iter()
			.find(|info| {
				info.pallet_name == pallet.as_bytes() && info.storage_name == item.as_bytes()
			})
			.unwrap_or_else(|| panic!("{pallet} declares no storage item {item}"));
		assert_eq!(info.max_values, Some(1), "{pallet}::{item} is a single value");
		assert_eq!(info.prefix, storage_prefix(pallet.as_bytes(), item.as_bytes()).to_vec());
	}
}

/// The block's base weight pays once for pallet-revive's Ethereum block builder, and the
/// benchmarks whitelist it, by the names in `configs::ETH_BLOCK_BUILDER_ITEMS`. Were
/// pallet-revive to rename or remodel those items, the whitelist would miss them, and
/// their accesses would be charged to every Ethereum transaction and once more a block.
#[test]
fn the_block_shared_items_are_revives_storage_values() {
	use polkadot_sdk::frame_support::traits::StorageInfoTrait;
	assert_storage_values(
		&<Revive as StorageInfoTrait>::storage_info(),
		&configs::ETH_BLOCK_BUILDER_ITEMS,
	);
}

/// The same for the count of the block's Ethereum transactions, by the names in
/// `configs::ETH_BLOCK_COUNT_ITEMS`.
#[test]
fn the_block_shared_count_is_eth_blocks_storage_value() {
	use polkadot_sdk::frame_support::traits::StorageInfoTrait;
	assert_storage_values(
		&<EthBlock as StorageInfoTrait>::storage_info(),
		&configs::ETH_BLOCK_COUNT_ITEMS,
	);
}

#[test]
fn storage_submission_pays_the_genesis_price_into_the_market() {
	use zerog_storage_primitives::FlowEntry;
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let size = 1u64 << 30; // 1 GiB: 4,194,304 sectors
		let fee = StorageMarket::quote(size, 1).expect("valid submission");
		assert_eq!(fee, 4_194_304 * genesis_config_presets::STORAGE_PRICE_PER_SECTOR_MONTH);
		assert_ok!(StorageMarket::submit(
			RuntimeOrigin::signed(alice.clone()),
			size,
			[5; 32],
			[0; 32],
			1
		));
		assert_eq!(Balances::balance(&alice), ALICE_FREE - fee);
		assert_eq!(Balances::balance(&StorageMarket::account_id()), EXISTENTIAL_DEPOSIT + fee);
		let (seq, entry): (u64, FlowEntry<AccountId, Balance, BlockNumber>) =
			StorageMarket::file_status(
				pallet_storage_market::Submission { size, root: [5; 32], tags: [0; 32] }.id(),
			)
			.expect("file recorded");
		assert_eq!((seq, entry.start_sector, entry.sectors, entry.fee), (0, 0, 4_194_304, fee));
	});
}

#[test]
fn a_file_whose_fee_is_below_the_existential_deposit_can_be_submitted() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let fee = StorageMarket::quote(1000, 1).unwrap();
		assert!(fee < EXISTENTIAL_DEPOSIT, "the case under test: fee {fee} below the ED");
		let before = Balances::balance(&StorageMarket::account_id());
		assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(alice), 1000, [6; 32], [0; 32], 1));
		assert_eq!(Balances::balance(&StorageMarket::account_id()), before + fee);
	});
}

#[test]
fn da_dev_signers_are_the_documented_seeds_and_the_da_account_holds_the_ed() {
	use polkadot_sdk::sp_core::{sr25519, Pair};
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		for (i, key) in genesis_config_presets::DA_DEV_SIGNERS.iter().enumerate() {
			let pair = sr25519::Pair::from_string(&format!("//DaSigner{}", i + 1), None).unwrap();
			assert_eq!(pair.public().0, *key, "//DaSigner{}", i + 1);
			assert_eq!(
				Balances::balance(&AccountId::from(*key)),
				genesis_config_presets::ENDOWMENT
			);
		}
		assert_eq!(Balances::balance(&DaCommitments::account_id()), EXISTENTIAL_DEPOSIT);
		// A dev signer registers with the least bond and joins the next epoch's quorum.
		let signer = AccountId::from(genesis_config_presets::DA_DEV_SIGNERS[0]);
		let endpoint = b"http://127.0.0.1:7100".to_vec().try_into().unwrap();
		assert_ok!(DaCommitments::register_signer(
			RuntimeOrigin::signed(signer.clone()),
			signer.clone(),
			endpoint,
			configs::DaMinSignerBond::get()
		));
		let length = DaCommitments::epoch_length();
		frame_system::Pallet::<Runtime>::set_block_number(length);
		DaCommitments::on_initialize(length);
		let quorum = DaCommitments::quorum_view(1).expect("epoch 1 started");
		assert_eq!(quorum.members.len(), 1);
		assert_eq!((quorum.members[0].signer.clone(), quorum.members[0].columns), (signer, 128));
	});
}

mod evm {
	use super::*;
	use crate::{
		configs::evm::{EVM_CHAIN_ID, GAS_PRICE_WEI},
		genesis_config_presets::{eth_dev_account, ENDOWMENT, ETH_DEV_ACCOUNTS},
		precompiles::{IZeroGChain, ZEROG_CHAIN_ADDRESS},
	};
	use polkadot_sdk::{
		frame_support::{traits::Get, weights::Weight},
		pallet_revive::{
			precompiles::alloy::sol_types::{SolCall, SolValue},
			AddressMapper, ExecConfig, TransactionLimits, H160, U256,
		},
	};

	type Revive = pallet_revive::Pallet<Runtime>;

	/// Calls the IZeroGChain precompile as //Alice would from a contract or `revive.call`.
	fn call_precompile(input: Vec<u8>) -> Result<(bool, Vec<u8>), String> {
		call_precompile_at(ZEROG_CHAIN_ADDRESS, Sr25519Keyring::Alice, input)
	}

	/// Calls the precompile at `address` as `who` would through `revive.call`.
	pub(super) fn call_precompile_at(
		address: [u8; 20],
		who: Sr25519Keyring,
		input: Vec<u8>,
	) -> Result<(bool, Vec<u8>), String> {
		let origin = RuntimeOrigin::signed(who.to_account_id());
		let result = Revive::bare_call(
			origin,
			H160(address),
			U256::zero(),
			TransactionLimits::WeightAndDeposit {
				weight_limit: Weight::from_parts(10_000_000_000, 1_000_000),
				deposit_limit: UNIT,
			},
			input,
			&ExecConfig::new_substrate_tx(),
		);
		result.result.map(|r| (r.did_revert(), r.data)).map_err(|e| format!("{e:?}"))
	}

	#[test]
	fn ethereum_dev_accounts_are_endowed_in_both_presets() {
		for id in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
			ext_from_preset(id).execute_with(|| {
				for address in ETH_DEV_ACCOUNTS {
					let account = eth_dev_account(address);
					assert_eq!(Balances::balance(&account), ENDOWMENT);
					assert_eq!(
						<Runtime as pallet_revive::Config>::AddressMapper::to_address(&account),
						H160(address),
						"the fallback account maps back to its address"
					);
					// Ethereum sees what can be spent: all but the existential deposit.
					assert_eq!(
						Revive::evm_balance(&H160(address)),
						U256::from(ENDOWMENT - EXISTENTIAL_DEPOSIT)
					);
				}
				// Substrate dev accounts are mapped, so they can use contracts.
				let alice = Sr25519Keyring::Alice.to_account_id();
				assert!(<Runtime as pallet_revive::Config>::AddressMapper::is_mapped(&alice));
			});
		}
	}

	#[test]
	fn chain_id_gas_price_and_decimals_are_as_documented() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(
				<<Runtime as pallet_revive::Config>::ChainId as Get<u64>>::get(),
				EVM_CHAIN_ID
			);
			assert_eq!(Revive::evm_base_fee(), U256::from(GAS_PRICE_WEI));
			// One native unit is one wei.
			assert_eq!(
				<<Runtime as pallet_revive::Config>::NativeToEthRatio as Get<u32>>::get(),
				1
			);
		});
	}

	#[test]
	fn precompile_lives_at_the_documented_address() {
		let sol = include_str!("../../precompiles/IZeroGChain.sol");
		assert!(sol.contains("0x000000000000000000000000000000000a000000"));
		let mut expected = [0u8; 20];
		expected[16] = 0x0a;
		assert_eq!(ZEROG_CHAIN_ADDRESS, expected);
	}

	#[test]
	fn precompile_reads_chain_state() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(7);
			let eth_alith = H160(ETH_DEV_ACCOUNTS[0]);

			let input = IZeroGChain::nativeBalanceCall { account: eth_alith.0.into() }.abi_encode();
			let (reverted, out) = call_precompile(input).expect("call succeeds");
			assert!(!reverted);
			let balance = U256::from_big_endian(&out);
			assert_eq!(balance, Revive::evm_balance(&eth_alith));

			let (_, out) = call_precompile(IZeroGChain::blockNumberCall {}.abi_encode()).unwrap();
			assert_eq!(U256::from_big_endian(&out), U256::from(7));

			let (_, out) =
				call_precompile(IZeroGChain::storagePricePerSectorMonthCall {}.abi_encode())
					.unwrap();
			assert_eq!(
				U256::from_big_endian(&out),
				U256::from(genesis_config_presets::STORAGE_PRICE_PER_SECTOR_MONTH)
			);

			let (_, out) = call_precompile(
				IZeroGChain::storageQuoteCall { size: 1 << 20, months: 3 }.abi_encode(),
			)
			.unwrap();
			let quote = StorageMarket::quote(1 << 20, 3).expect("a valid quote");
			assert_eq!(U256::from_big_endian(&out), U256::from(quote));

			let (_, out) = call_precompile(IZeroGChain::storageFlowCall {}.abi_encode()).unwrap();
			let (length, entries) = <(u64, u64)>::abi_decode(&out).expect("two words");
			assert_eq!((length, entries), (0, 0));
		});
	}

	#[test]
	fn precompile_rejects_bad_input_with_a_revert() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			// A quote the market refuses reverts with a reason.
			let (reverted, out) =
				call_precompile(IZeroGChain::storageQuoteCall { size: 0, months: 3 }.abi_encode())
					.unwrap();
			assert!(reverted);
			assert_eq!(
				polkadot_sdk::pallet_revive::evm::decode_revert_reason(&out).as_deref(),
				Some("revert: invalid storage quote")
			);
			// An unknown selector and truncated arguments do not reach the precompile's code.
			for input in [vec![0xde, 0xad, 0xbe, 0xef], vec![0x01]] {
				if let Ok((reverted, _)) = call_precompile(input) {
					assert!(reverted)
				}
			}
		});
	}

	mod inft {
		use super::*;
		use crate::precompiles::{IZeroGInft, INFT_ADDRESS, PLAIN_TRANSFER_REFUSED};
		use codec::Encode;
		use polkadot_sdk::pallet_revive::precompiles::alloy::primitives::{
			Address, Bytes, FixedBytes, U256 as AU256,
		};
		use zerog_inft_primitives::{prove::SecretKey, Purpose, TransferContext};

		type Inft = pallet_inft::Pallet<Runtime>;

		fn secret(who: Sr25519Keyring) -> SecretKey {
			SecretKey::derive(who.to_seed().as_bytes()).unwrap()
		}

		fn register(who: Sr25519Keyring) {
			let key = secret(who);
			let proof = key.prove_possession(&who.to_account_id().encode());
			Inft::register_key(RuntimeOrigin::signed(who.to_account_id()), key.public(), proof)
				.unwrap();
		}

		/// Collection 0 by Alice with token 0 for her.
		fn minted() {
			register(Sr25519Keyring::Alice);
			let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
			Inft::create_collection(alice.clone(), Default::default()).unwrap();
			let (_, sealed) = zerog_inft_primitives::prove::new_sealed_key(
				&secret(Sr25519Keyring::Alice).public(),
			)
			.unwrap();
			let data = pallet_inft::IntelligentData {
				description: b"agent".to_vec().try_into().unwrap(),
				file: [7; 32],
				size: 1,
			};
			Inft::mint(alice, 0, Sr25519Keyring::Alice.to_account_id(), data, sealed).unwrap();
		}

		fn mapped(who: Sr25519Keyring) -> Address {
			Address::from(
				<Runtime as pallet_revive::Config>::AddressMapper::to_address(&who.to_account_id())
					.0,
			)
		}

		#[test]
		fn selectors_are_erc721s() {
			use IZeroGInft as I;
			let erc721 = [
				(I::balanceOfCall::SELECTOR, [0x70, 0xa0, 0x82, 0x31]),
				(I::ownerOfCall::SELECTOR, [0x63, 0x52, 0x21, 0x1e]),
				(I::safeTransferFrom_0Call::SELECTOR, [0x42, 0x84, 0x2e, 0x0e]),
				(I::safeTransferFrom_1Call::SELECTOR, [0xb8, 0x8d, 0x4f, 0xde]),
				(I::transferFromCall::SELECTOR, [0x23, 0xb8, 0x72, 0xdd]),
				(I::approveCall::SELECTOR, [0x09, 0x5e, 0xa7, 0xb3]),
				(I::setApprovalForAllCall::SELECTOR, [0xa2, 0x2c, 0xb4, 0x65]),
				(I::getApprovedCall::SELECTOR, [0x08, 0x18, 0x12, 0xfc]),
				(I::isApprovedForAllCall::SELECTOR, [0xe9, 0x85, 0xe9, 0xc5]),
			];
			let mut interface = [0u8; 4];
			for (ours, standard) in erc721 {
				assert_eq!(ours, standard);
				for i in 0..4 {
					interface[i] ^= ours[i];
				}
			}
			// ERC-721's interface id is the XOR of its nine selectors.
			assert_eq!(interface, [0x80, 0xac, 0x58, 0xcd]);
			assert_eq!(I::supportsInterfaceCall::SELECTOR, [0x01, 0xff, 0xc9, 0xa7]);
			assert_eq!(I::nameCall::SELECTOR, [0x06, 0xfd, 0xde, 0x03]);
			assert_eq!(I::symbolCall::SELECTOR, [0x95, 0xd8, 0x9b, 0x41]);
			let sol = include_str!("../../precompiles/IZeroGInft.sol");
			assert!(sol.contains("0x000000000000000000000000000000000a010000"));
			assert_eq!(INFT_ADDRESS[16..18], [0x0a, 0x01]);
		}

		#[test]
		fn ethereum_tools_see_the_token_and_plain_transfers_revert() {
			ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
				minted();
				let call =
					|who, input: Vec<u8>| call_precompile_at(INFT_ADDRESS, who, input).unwrap();
				let id = AU256::ZERO;
				let (reverted, out) =
					call(Sr25519Keyring::Bob, IZeroGInft::ownerOfCall { tokenId: id }.abi_encode());
				assert!(!reverted);
				let owner = IZeroGInft::ownerOfCall::abi_decode_returns(&out).unwrap();
				assert_eq!(owner, mapped(Sr25519Keyring::Alice));
				let (_, out) =
					call(Sr25519Keyring::Bob, IZeroGInft::balanceOfCall { owner }.abi_encode());
				assert_eq!(
					IZeroGInft::balanceOfCall::abi_decode_returns(&out).unwrap(),
					AU256::from(1)
				);
				let (_, out) = call(
					Sr25519Keyring::Bob,
					IZeroGInft::intelligentDatasOfCall { tokenId: id }.abi_encode(),
				);
				let datas = IZeroGInft::intelligentDatasOfCall::abi_decode_returns(&out).unwrap();
				assert_eq!(datas[0].dataHash, FixedBytes([7; 32]));
				assert_eq!(datas[0].dataDescription, "agent");
				// An unknown token reverts, like ERC-721's.
				let (reverted, _) = call(
					Sr25519Keyring::Bob,
					IZeroGInft::ownerOfCall { tokenId: AU256::from(5) }.abi_encode(),
				);
				assert!(reverted);

				// The owner's plain transfer reverts and moves nothing.
				let bob = mapped(Sr25519Keyring::Bob);
				let plain = IZeroGInft::transferFromCall { from: owner, to: bob, tokenId: id };
				let (reverted, out) = call(Sr25519Keyring::Alice, plain.abi_encode());
				assert!(reverted);
				assert!(out.windows(14).any(|w| w == &PLAIN_TRANSFER_REFUSED.as_bytes()[..14]));
				assert_eq!(
					pallet_inft::Tokens::<Runtime>::get(0, 0).unwrap().owner,
					Sr25519Keyring::Alice.to_account_id()
				);

				// iTransferFrom with the re-encryption proof moves it, and says so in
				// ERC-721's Transfer and ERC-7857's PublishedSealedKey.
				register(Sr25519Keyring::Bob);
				let info = pallet_inft::Tokens::<Runtime>::get(0, 0).unwrap();
				let genesis = Inft::genesis_hash();
				let (sender, receiver) = (
					Sr25519Keyring::Alice.to_account_id().encode(),
					Sr25519Keyring::Bob.to_account_id().encode(),
				);
				let ctx = TransferContext {
					genesis: genesis.as_ref(),
					collection: 0,
					token: 0,
					nonce: info.nonce,
					purpose: Purpose::Transfer,
					sender: &sender,
					receiver: &receiver,
				};
				let (sealed, proof) = secret(Sr25519Keyring::Alice)
					.reseal(&ctx, &info.sealed, &secret(Sr25519Keyring::Bob).public())
					.unwrap();
				let transfer = |from| IZeroGInft::iTransferFromCall {
					from,
					to: bob,
					tokenId: id,
					sealedKey: Bytes::from(sealed.encode()),
					proof: Bytes::from(proof.encode()),
				};
				// Not as someone else.
				let (reverted, _) = call(Sr25519Keyring::Alice, transfer(bob).abi_encode());
				assert!(reverted);
				let (reverted, out) = call(Sr25519Keyring::Alice, transfer(owner).abi_encode());
				assert!(!reverted, "{}", String::from_utf8_lossy(&out));
				assert_eq!(
					pallet_inft::Tokens::<Runtime>::get(0, 0).unwrap().owner,
					Sr25519Keyring::Bob.to_account_id()
				);
				// The same proof again: the nonce moved on, the pallet's error comes back.
				let (reverted, out) = call(
					Sr25519Keyring::Bob,
					IZeroGInft::iTransferFromCall {
						from: bob,
						to: bob,
						tokenId: id,
						sealedKey: Bytes::from(sealed.encode()),
						proof: Bytes::from(proof.encode()),
					}
					.abi_encode(),
				);
				assert!(reverted);
				assert!(out.windows(8).any(|w| w == b"BadProof"));
			});
		}
	}
}

proptest::proptest! {
	#![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

	/// Any bytes a user can put in a call to a ZeroG pallet either fail to decode or
	/// dispatch to a result: never a panic in the runtime.
	#[test]
	fn zerog_pallet_calls_from_any_bytes_never_panic(
		pallet in proptest::sample::select(vec![0u8, 1, 2]),
		call_index in 0u8..16,
		bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
	) {
		use codec::DecodeLimit;
		use polkadot_sdk::frame_support::traits::PalletInfoAccess;
		let index = match pallet {
			0 => <StorageMarket as PalletInfoAccess>::index(),
			1 => <ComputeMarket as PalletInfoAccess>::index(),
			_ => <DaCommitments as PalletInfoAccess>::index(),
		} as u8;
		let mut input = vec![index, call_index];
		input.extend(bytes);
		if let Ok(call) = RuntimeCall::decode_with_depth_limit(64, &mut &input[..]) {
			ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
				System::set_block_number(1);
				let _ = call.dispatch(RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id()));
			});
		}
	}

}

/// A `RuntimeCall` is as large as its largest variant, and every transaction's call is
/// moved by value through decoding, checking and dispatch: one call with a 2 KiB array
/// argument made every transaction copy 2 KiB several times (Wasm's `memcpy`, 6 % of a
/// signed transaction's execution in `benchmark overhead`). Large arguments are boxed;
/// Polkadot's runtimes hold their calls to the same bound.
#[test]
fn runtime_call_stays_small() {
	let size = core::mem::size_of::<RuntimeCall>();
	assert!(size <= 230, "RuntimeCall is {size} bytes: box the largest argument of the new call");
}
