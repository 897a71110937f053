//! What the Ethereum RPC reads from the chain: pallet-revive's runtime API at a block,
//! the block's extrinsics and its events, put together into Ethereum blocks, receipts
//! and logs.

#![allow(deprecated)] // pallet-revive's V1 runtime API methods: the types this node serves.

use std::sync::Arc;

use codec::{Decode, DecodeLimit, Encode};
use polkadot_sdk::{
	frame_support::MAX_EXTRINSIC_DEPTH,
	frame_system::{self, EventRecord, Phase},
	pallet_revive::{
		self,
		evm::TransactionSigned,
		pallet_revive_types::runtime_api::{
			BlockV1, DryRunConfigV1, EthTransactInfoV1, GenericTransactionV1,
			HashesOrTransactionInfosV1, ReceiptGasInfoV1,
		},
		EthTransactError, ReviveApi,
	},
	sc_client_api::{BlockBackend, StorageProvider},
	sp_api::ProvideRuntimeApi,
	sp_core::{storage::StorageKey, H160, H256, U256},
	sp_io::hashing::{keccak_256, twox_128},
};
use zerog_runtime::{Balance, RuntimeCall, RuntimeEvent, UncheckedExtrinsic};

use super::FullClient;

/// Ethereum transactions that carry more logs than this are served truncated by
/// `eth_getLogs` (and a block with more than [`MAX_BLOCK_LOGS`] logs altogether).
pub const MAX_BLOCK_LOGS: usize = 100_000;

/// pallet-revive's runtime API at one block.
pub struct EthRuntime<'a> {
	client: &'a Arc<FullClient>,
}

fn api_error(e: impl std::fmt::Debug) -> String {
	format!("runtime API call failed: {e:?}")
}

impl<'a> EthRuntime<'a> {
	pub fn new(client: &'a Arc<FullClient>) -> Self {
		Self { client }
	}

	pub fn eth_block(&self, at: H256) -> Result<BlockV1, String> {
		self.client.runtime_api().eth_block(at).map_err(api_error)
	}

	pub fn receipt_data(&self, at: H256) -> Result<Vec<ReceiptGasInfoV1>, String> {
		self.client.runtime_api().eth_receipt_data(at).map_err(api_error)
	}

	pub fn balance(&self, at: H256, address: H160) -> Result<U256, String> {
		self.client.runtime_api().balance(at, address).map_err(api_error)
	}

	pub fn nonce(&self, at: H256, address: H160) -> Result<u32, String> {
		self.client.runtime_api().nonce(at, address).map_err(api_error)
	}

	pub fn gas_price(&self, at: H256) -> Result<U256, String> {
		self.client.runtime_api().gas_price(at).map_err(api_error)
	}

	pub fn block_gas_limit(&self, at: H256) -> Result<U256, String> {
		self.client.runtime_api().block_gas_limit(at).map_err(api_error)
	}

	pub fn code(&self, at: H256, address: H160) -> Result<Vec<u8>, String> {
		self.client.runtime_api().code(at, address).map_err(api_error)
	}

	/// A contract's 32-byte storage slot; zero where nothing is stored or no contract is.
	pub fn storage(&self, at: H256, address: H160, slot: [u8; 32]) -> Result<[u8; 32], String> {
		let value = self.client.runtime_api().get_storage(at, address, slot).map_err(api_error)?;
		let mut word = [0u8; 32];
		if let Ok(Some(bytes)) = value {
			let n = bytes.len().min(32);
			word[32 - n..].copy_from_slice(&bytes[bytes.len() - n..]);
		}
		Ok(word)
	}

	/// Dry-runs a transaction (`eth_call`): its output, or why it failed.
	pub fn call(
		&self,
		at: H256,
		tx: GenericTransactionV1,
		balance_checks: bool,
	) -> Result<Result<EthTransactInfoV1<Balance>, EthTransactError>, String> {
		let config = DryRunConfigV1 {
			timestamp_override: None,
			perform_balance_checks: Some(balance_checks),
			state_overrides: None,
		};
		self.client.runtime_api().eth_transact_with_config(at, tx, config).map_err(api_error)
	}

	/// The gas a transaction needs (`eth_estimateGas`), or why it fails: pallet-revive's
	/// search for the lowest gas limit at which a dry run succeeds (as geth's), run with
	/// the timestamp of the block the transaction can first be in.
	///
	/// A dry run on top of block `at` otherwise sees `at`'s own timestamp, as if no time
	/// passed before the transaction executes. Contracts that account for elapsed time
	/// then take a cheaper path in the estimate than on chain: a Uniswap V2 swap skips
	/// its price-accumulator writes when no time has passed since the pair's last update,
	/// and so was estimated 1.27x below what it used in the next block, and wallets that
	/// send the estimate failed out of gas.
	pub fn estimate_gas(
		&self,
		at: H256,
		tx: GenericTransactionV1,
	) -> Result<Result<U256, EthTransactError>, String> {
		let config = DryRunConfigV1 {
			timestamp_override: Some(
				self.timestamp(at)?.saturating_add(zerog_runtime::SLOT_DURATION),
			),
			..DryRunConfigV1::default()
		};
		self.client.runtime_api().eth_estimate_gas(at, tx, config).map_err(api_error)
	}

	/// The timestamp (ms) of block `at`, as `pallet-timestamp` set it.
	pub fn timestamp(&self, at: H256) -> Result<u64, String> {
		let key = StorageKey([twox_128(b"Timestamp"), twox_128(b"Now")].concat());
		let raw = self.client.storage(at, &key).map_err(|e| e.to_string())?;
		Ok(raw.and_then(|r| u64::decode(&mut &r.0[..]).ok()).unwrap_or_default())
	}
}

/// The transaction hashes of an Ethereum block, in order.
pub fn tx_hashes(block: &BlockV1) -> Vec<H256> {
	match &block.transactions {
		HashesOrTransactionInfosV1::Hashes(hashes) => hashes.clone(),
		HashesOrTransactionInfosV1::TransactionInfos(infos) => {
			infos.iter().map(|t| t.hash).collect()
		}
	}
}

/// One log, as `eth_getLogs` and receipts serve it.
#[derive(Clone, Debug)]
pub struct EthLog {
	pub address: H160,
	pub topics: Vec<H256>,
	pub data: Vec<u8>,
	/// Position among the block's logs.
	pub log_index: u32,
}

/// One Ethereum transaction of a block with everything its receipt needs.
#[derive(Clone, Debug)]
pub struct EthTx {
	pub hash: H256,
	pub signed: TransactionSigned,
	pub from: H160,
	pub to: Option<H160>,
	pub gas: ReceiptGasInfoV1,
	pub cumulative_gas_used: U256,
	pub success: bool,
	pub contract_address: Option<H160>,
	pub logs: Vec<EthLog>,
}

/// A Substrate block seen as an Ethereum block.
#[derive(Clone, Debug)]
pub struct EthBlockData {
	pub block: BlockV1,
	pub txs: Vec<EthTx>,
}

fn events_key() -> StorageKey {
	StorageKey([twox_128(b"System"), twox_128(b"Events")].concat())
}

/// The events of a block, decoded with this node's runtime types.
pub fn block_events(
	client: &FullClient,
	at: H256,
) -> Result<Vec<EventRecord<RuntimeEvent, H256>>, String> {
	let Some(raw) = client.storage(at, &events_key()).map_err(|e| e.to_string())? else {
		return Ok(Vec::new());
	};
	Vec::<EventRecord<RuntimeEvent, H256>>::decode(&mut &raw.0[..])
		.map_err(|e| format!("cannot decode the events of block {at}: {e}"))
}

/// The signed Ethereum transaction an extrinsic carries, if it is `Revive::eth_transact`.
pub fn eth_payload(opaque: &polkadot_sdk::sp_runtime::OpaqueExtrinsic) -> Option<Vec<u8>> {
	// With the runtime's depth limit: what it decodes, and no deeper.
	let xt = UncheckedExtrinsic::decode_all_with_depth_limit(
		MAX_EXTRINSIC_DEPTH,
		&mut &opaque.encode()[..],
	)
	.ok()?;
	match xt.0.function {
		RuntimeCall::Revive(pallet_revive::Call::eth_transact { payload }) => Some(payload),
		_ => None,
	}
}

/// Whether an encoded extrinsic is `Revive::eth_transact` (an Ethereum transaction),
/// read from its first bytes (the bare preamble and the call's indices) without decoding
/// its payload: the block author asks this of every pool transaction it offers. On any
/// bare extrinsic that decodes, the same answer as [`eth_payload`]; a signed one that
/// carries the call is not an Ethereum transaction (pallet-revive takes it bare only,
/// and never runs it).
pub fn is_eth_transact(encoded: &[u8]) -> bool {
	/// What follows the length of a bare `eth_transact`: its version byte, then the
	/// pallet's and the call's indices.
	static HEAD: std::sync::OnceLock<[u8; 3]> = std::sync::OnceLock::new();
	let head = HEAD.get_or_init(|| {
		let call = RuntimeCall::Revive(pallet_revive::Call::eth_transact { payload: Vec::new() });
		let xt: UncheckedExtrinsic = zerog_runtime::SubstrateExtrinsic::new_bare(call).into();
		let encoded = xt.encode();
		let body = after_length(&encoded).expect("an encoded extrinsic starts with its length");
		body[..3].try_into().expect("a version byte and a call's two indices")
	});
	after_length(encoded).is_some_and(|body| body.starts_with(head))
}

/// An encoded extrinsic past its compact length prefix.
fn after_length(encoded: &[u8]) -> Option<&[u8]> {
	let mut rest = encoded;
	codec::Compact::<u32>::decode(&mut rest).ok()?;
	Some(rest)
}

/// The `eth_transact` payloads of a block's extrinsics: (extrinsic index, payload).
fn eth_payloads(client: &FullClient, at: H256) -> Result<Vec<(u32, Vec<u8>)>, String> {
	let body = client
		.block_body(at)
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("block {at} has no body on this node"))?;
	Ok(body
		.iter()
		.enumerate()
		.filter_map(|(index, opaque)| Some((index as u32, eth_payload(opaque)?)))
		.collect())
}

/// Loads a Substrate block as an Ethereum block with its transactions' receipts.
pub fn load_block(client: &Arc<FullClient>, at: H256) -> Result<EthBlockData, String> {
	let block = EthRuntime::new(client).eth_block(at)?;
	with_receipts(client, at, block)
}

/// Adds receipts to an Ethereum block already read at `at`.
pub fn with_receipts(
	client: &Arc<FullClient>,
	at: H256,
	block: BlockV1,
) -> Result<EthBlockData, String> {
	let runtime = EthRuntime::new(client);
	let hashes = tx_hashes(&block);
	if hashes.is_empty() {
		return Ok(EthBlockData { block, txs: Vec::new() });
	}
	let gas = runtime.receipt_data(at)?;
	let events = block_events(client, at)?;
	let payloads = eth_payloads(client, at)?;

	let mut txs = Vec::with_capacity(hashes.len());
	let mut cumulative = U256::zero();
	let mut log_index = 0u32;
	for (i, hash) in hashes.iter().enumerate() {
		let Some((extrinsic, payload)) =
			payloads.iter().find(|(_, p)| H256(keccak_256(p)) == *hash)
		else {
			return Err(format!("transaction {hash:?} of block {at} is not in its body"));
		};
		let signed = TransactionSigned::decode(payload)
			.map_err(|e| format!("transaction {hash:?}: {e:?}"))?;
		let from = signed
			.recover_eth_address()
			.map_err(|_| format!("transaction {hash:?}: signer not recoverable"))?;
		let gas_info = gas.get(i).cloned().unwrap_or_default();
		cumulative = cumulative.saturating_add(gas_info.gas_used);

		let mut success = false;
		let mut reverted = false;
		let mut contract_address = None;
		let mut logs = Vec::new();
		for record in events.iter().filter(|r| r.phase == Phase::ApplyExtrinsic(*extrinsic)) {
			match &record.event {
				RuntimeEvent::Revive(pallet_revive::Event::ContractEmitted {
					contract,
					data,
					topics,
				}) if logs.len() < MAX_BLOCK_LOGS => {
					logs.push(EthLog {
						address: *contract,
						topics: topics.clone(),
						data: data.clone(),
						log_index,
					});
					log_index += 1;
				}
				RuntimeEvent::Revive(pallet_revive::Event::Instantiated { contract, .. })
					if contract_address.is_none() =>
				{
					contract_address = Some(*contract)
				}
				RuntimeEvent::Revive(pallet_revive::Event::EthExtrinsicRevert { .. }) => {
					reverted = true
				}
				RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { .. }) => {
					success = true
				}
				_ => {}
			}
		}
		let success = success && !reverted;
		if !success {
			// A failed transaction's state changes, logs and contract are rolled back.
			logs.clear();
			contract_address = None;
		}
		let to = to_address(&signed);
		txs.push(EthTx {
			hash: *hash,
			signed,
			from,
			to,
			gas: gas_info,
			cumulative_gas_used: cumulative,
			success,
			contract_address,
			logs,
		});
	}
	// Log indices are block-wide; renumber after dropping the logs of failed transactions.
	let mut next = 0u32;
	for tx in txs.iter_mut() {
		for log in tx.logs.iter_mut() {
			log.log_index = next;
			next += 1;
		}
	}
	Ok(EthBlockData { block, txs })
}

/// The recipient of a transaction; `None` for a contract creation.
pub fn to_address(signed: &TransactionSigned) -> Option<H160> {
	match signed {
		TransactionSigned::TransactionLegacySigned(t) => t.transaction_legacy_unsigned.to,
		TransactionSigned::Transaction1559Signed(t) => t.transaction_1559_unsigned.to,
		TransactionSigned::Transaction2930Signed(t) => t.transaction_2930_unsigned.to,
		TransactionSigned::Transaction4844Signed(t) => Some(t.transaction_4844_unsigned.to),
		TransactionSigned::Transaction7702Signed(t) => Some(t.transaction_7702_unsigned.to),
	}
}

/// The EIP-2718 type byte of a transaction.
pub fn tx_type(signed: &TransactionSigned) -> u8 {
	match signed {
		TransactionSigned::TransactionLegacySigned(_) => 0,
		TransactionSigned::Transaction2930Signed(_) => 1,
		TransactionSigned::Transaction1559Signed(_) => 2,
		TransactionSigned::Transaction4844Signed(_) => 3,
		TransactionSigned::Transaction7702Signed(_) => 4,
	}
}

/// The 2048-bit bloom filter of a set of logs (Ethereum yellow paper, section 4.3.1).
pub fn logs_bloom<'a>(logs: impl IntoIterator<Item = &'a EthLog>) -> [u8; 256] {
	let mut bloom = [0u8; 256];
	for log in logs {
		bloom_add(&mut bloom, log.address.as_bytes());
		for topic in &log.topics {
			bloom_add(&mut bloom, topic.as_bytes());
		}
	}
	bloom
}

fn bloom_add(bloom: &mut [u8; 256], item: &[u8]) {
	let hash = keccak_256(item);
	for i in 0..3 {
		let bit = (((hash[2 * i] as usize) << 8) | hash[2 * i + 1] as usize) & 2047;
		bloom[255 - bit / 8] |= 1 << (bit % 8);
	}
}

/// Whether a bloom filter may contain `item`.
pub fn bloom_contains(bloom: &[u8], item: &[u8]) -> bool {
	if bloom.len() != 256 {
		return true;
	}
	let mut probe = [0u8; 256];
	bloom_add(&mut probe, item);
	probe.iter().zip(bloom).all(|(p, b)| p & b == *p)
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_runtime::OpaqueExtrinsic;

	#[test]
	fn ethereum_transactions_are_told_by_their_first_bytes() {
		let opaque = |xt: UncheckedExtrinsic| {
			OpaqueExtrinsic::try_from_encoded_extrinsic(&xt.encode()).expect("encodes")
		};
		let bare = |call| opaque(zerog_runtime::SubstrateExtrinsic::new_bare(call).into());
		let eth = bare(RuntimeCall::Revive(pallet_revive::Call::eth_transact {
			payload: vec![0x02; 120],
		}));
		let timestamp =
			bare(RuntimeCall::Timestamp(polkadot_sdk::pallet_timestamp::Call::set { now: 7 }));
		let remark = bare(RuntimeCall::System(frame_system::Call::remark { remark: vec![1] }));
		for (xt, expected) in [(&eth, true), (&timestamp, false), (&remark, false)] {
			assert_eq!(is_eth_transact(&xt.encode()), expected);
			assert_eq!(eth_payload(xt).is_some(), expected);
		}
		// A signed transaction of the same call, which pallet-revive does not run: its
		// version byte has the signed bit.
		let signed: UncheckedExtrinsic = zerog_runtime::SubstrateExtrinsic::new_signed(
			RuntimeCall::Revive(pallet_revive::Call::eth_transact { payload: vec![0x02; 120] }),
			polkadot_sdk::sp_runtime::AccountId32::new([7; 32]).into(),
			polkadot_sdk::sp_runtime::MultiSignature::Sr25519(
				polkadot_sdk::sp_core::sr25519::Signature::from_raw([1; 64]),
			),
			zerog_runtime::tx_extension(0, polkadot_sdk::sp_runtime::generic::Era::Immortal, 0),
		)
		.into();
		assert!(!is_eth_transact(&opaque(signed).encode()));
		// Too short, or no length at all.
		for bytes in [&[][..], &[0x04][..], &[0xff, 0xff][..], &eth.encode()[..2]] {
			assert!(!is_eth_transact(bytes));
		}
	}

	#[test]
	fn bloom_holds_what_was_added_and_rejects_most_else() {
		let log = EthLog {
			address: H160::repeat_byte(0x11),
			topics: vec![H256::repeat_byte(0x22)],
			data: vec![],
			log_index: 0,
		};
		let bloom = logs_bloom([&log]);
		assert!(bloom_contains(&bloom, log.address.as_bytes()));
		assert!(bloom_contains(&bloom, log.topics[0].as_bytes()));
		let misses = (0u8..=255)
			.filter(|b| !bloom_contains(&bloom, H160::repeat_byte(*b).as_bytes()))
			.count();
		assert!(misses > 250, "an almost empty bloom filter rejects unrelated items: {misses}");
	}
}
