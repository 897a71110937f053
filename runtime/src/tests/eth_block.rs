//! The bound on a block's Ethereum transactions and their charge for pallet-revive's
//! Ethereum block builder (`pallet_eth_block`), with Ethereum-signed transfers applied as
//! a block applies them.

use super::{block_building::transfer, ext_from_preset, staking::start};
use crate::*;
use polkadot_sdk::{
	frame_support::traits::OnFinalize,
	pallet_revive::evm::{Account, TransactionLegacyUnsigned},
	sp_core::{H160, U256},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		generic,
		traits::TransactionExtension,
		transaction_validity::{InvalidTransaction, TransactionValidityError},
	},
};
use zerog_block_builder_primitives::runtime_decl_for_batch_block_builder::BatchBlockBuilderV1;

/// The first Ethereum dev account the dev preset funds, by its well-known key.
fn dev_account() -> Account {
	let account = Account::from_secret_key(polkadot_sdk::sp_core::hex2array!(
		"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
	));
	assert_eq!(account.address(), H160(genesis_config_presets::ETH_DEV_ACCOUNTS[0]));
	account
}

/// An Ethereum transfer of 1,000 wei from `from` to `to`, as `eth_sendRawTransaction`
/// hands it to the pool.
fn eth_transfer(from: &Account, nonce: u32, to: H160) -> UncheckedExtrinsic {
	let tx = TransactionLegacyUnsigned {
		chain_id: Some(configs::evm::EVM_CHAIN_ID.into()),
		nonce: nonce.into(),
		gas_price: configs::evm::GAS_PRICE_WEI.into(),
		gas: U256::from(1_000_000),
		to: Some(to),
		value: U256::from(1_000),
		..Default::default()
	};
	let payload = from.sign_transaction(tx.into()).signed_payload();
	SubstrateExtrinsic::new_bare(RuntimeCall::Revive(pallet_revive::Call::eth_transact { payload }))
		.into()
}

/// Applied through the batch API the node's proposer uses, which keeps what it accepts
/// and leaves no trace of what it refuses.
#[test]
fn a_block_takes_ethereum_transactions_up_to_the_bound_and_others_after_it() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		start(Sr25519Keyring::Alice);
		let sender = dev_account();
		let to = H160::repeat_byte(0x42);
		let max = configs::evm::MaxEthTransactions::get();
		let first = Revive::evm_nonce(&sender.address());
		let mut batch: Vec<_> = (0..=max).map(|i| eth_transfer(&sender, first + i, to)).collect();
		// A native transfer of 1 ZG from Alice.
		batch.push(transfer(&Sr25519Keyring::Alice.pair(), 0, UNIT));
		let results = Runtime::apply_extrinsics(batch);

		for (i, applied) in results[..max as usize].iter().enumerate() {
			assert_eq!(applied, &Ok(Ok(())), "Ethereum transaction {i}");
		}
		// The one past the bound waits for a later block, its nonce unused; a native
		// transfer still goes in.
		assert_eq!(
			results[max as usize],
			Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
		);
		assert_eq!(results[max as usize + 1], Ok(Ok(())));
		assert_eq!(Revive::evm_nonce(&sender.address()), first + max);
		assert_eq!(pallet_eth_block::EthTransactions::<Runtime>::get(), max);
		assert_eq!(Revive::evm_balance(&to), U256::from(1_000u32 * max));

		// The Ethereum block holds them all; the count ends with the block.
		let number = System::block_number();
		AllPalletsWithSystem::on_finalize(number);
		assert!(!pallet_eth_block::EthTransactions::<Runtime>::exists());
		match Revive::eth_block().transactions {
			pallet_revive::evm::HashesOrTransactionInfos::Hashes(hashes) => {
				assert_eq!(hashes.len(), max as usize)
			}
			other => panic!("the Ethereum block lists hashes: {other:?}"),
		}
	});
}

/// Every Ethereum transaction is charged `k × C / 2` on top of what pallet-revive charges;
/// other transactions are not.
#[test]
fn ethereum_transactions_are_charged_their_share_of_the_builder() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let extension = tx_extension(0, generic::Era::Immortal, 0);
		let eth = RuntimeCall::Revive(pallet_revive::Call::eth_transact { payload: vec![0; 100] });
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 100] });
		let charge = EthBlock::builder_charge();
		assert_eq!(
			charge.ref_time(),
			configs::evm::BuilderWeightPerEarlier::get().ref_time()
				* u64::from(configs::evm::MaxEthTransactions::get())
				/ 2
		);
		let extra = extension.weight(&eth).saturating_sub(extension.weight(&remark));
		assert!(extra.all_gte(charge), "{extra:?} charged, at least {charge:?}");
		// About 74 µs: under a sixth of a full ERC-20 transfer's weight.
		assert!((70_000_000..80_000_000).contains(&charge.ref_time()), "{charge:?}");
	});
}
