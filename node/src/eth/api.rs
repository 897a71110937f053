//! The `eth_*`, `net_*` and `web3_*` methods.

use std::sync::Arc;

use codec::{Decode, Encode};
use jsonrpsee::{
	types::{ErrorObjectOwned, Params},
	RpcModule,
};
use polkadot_sdk::{
	pallet_revive::{
		self,
		evm::{GenericTransaction, TransactionSigned},
		pallet_revive_types::runtime_api::{GenericTransactionV1, TransactionInfoV1},
		EthTransactError,
	},
	sc_transaction_pool_api::{
		error::{Error as PoolError, IntoPoolError},
		TransactionPool, TransactionSource,
	},
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_core::{H160, H256, U256},
	sp_io::hashing::keccak_256,
	sp_runtime::{transaction_validity::InvalidTransaction, OpaqueExtrinsic},
};
use serde_json::{json, Value};
use zerog_runtime::{
	configs::evm::EVM_CHAIN_ID, RuntimeCall, SubstrateExtrinsic, UncheckedExtrinsic,
};

use super::{
	filters::{FilterKind, MAX_POLL_BLOCKS},
	index::EthIndex,
	params::{
		hex, internal, invalid, parse_bytes, parse_h160, parse_h256, parse_slot, parse_u64,
		quantity, reverted, server, BlockSpec, LogFilter, MAX_LOGS, MAX_LOG_RANGE,
	},
	runtime::{
		load_block, logs_bloom, tx_hashes, tx_type, with_receipts, EthBlockData, EthRuntime, EthTx,
	},
	EthShared, FullClient, FullPool,
};

/// Largest raw transaction accepted, in bytes (a block holds at most 3.75 MiB of
/// ordinary transactions).
const MAX_RAW_TX: usize = 3 * 1024 * 1024;

/// Most blocks one `eth_feeHistory` request covers.
const MAX_FEE_HISTORY: u64 = 1024;
/// Most reward percentiles one `eth_feeHistory` request asks for (geth's limit), so a
/// reply holds at most `MAX_FEE_HISTORY × MAX_FEE_PERCENTILES` rewards.
const MAX_FEE_PERCENTILES: usize = 100;

/// Ethereum's intrinsic gas of a transaction, the least `eth_estimateGas` answers.
const INTRINSIC_GAS: u64 = 21_000;

type RpcResult = Result<Value, ErrorObjectOwned>;

/// A raw transaction read for the pool: its Ethereum hash, the extrinsic that carries it,
/// the best block it goes to the pool at, and the transaction itself (to name the cause
/// should the pool refuse it).
struct RawTransaction {
	hash: H256,
	xt: OpaqueExtrinsic,
	best: H256,
	signed: TransactionSigned,
}

/// Where a filter resumes polling after [`EthApi::rewind`].
struct Resume {
	/// Blocks it reported that the best chain dropped, newest first.
	retracted: Vec<H256>,
	/// The first block number to report.
	next: u64,
	/// The hash of the block before `next` it has seen, if any.
	last: Option<H256>,
}

/// The Ethereum API over a client and its transaction pool.
pub struct EthApi {
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	index: EthIndex,
	shared: Arc<EthShared>,
}

fn param(params: &[Value], i: usize) -> Option<&Value> {
	params.get(i).filter(|v| !v.is_null())
}

fn required<'a>(params: &'a [Value], i: usize, what: &str) -> Result<&'a Value, ErrorObjectOwned> {
	param(params, i).ok_or_else(|| invalid(format!("missing parameter {i}: {what}")))
}

pub(super) fn list(params: &Params) -> Result<Vec<Value>, ErrorObjectOwned> {
	if params.as_str().is_none() {
		return Ok(Vec::new());
	}
	params.parse::<Vec<Value>>().map_err(|e| invalid(e.message()))
}

fn dry_run_error(e: EthTransactError) -> ErrorObjectOwned {
	match e {
		EthTransactError::Data(data) => reverted(&data),
		EthTransactError::Message(message) => server(message),
	}
}

impl EthApi {
	pub fn new(client: Arc<FullClient>, pool: Arc<FullPool>, shared: Arc<EthShared>) -> Self {
		let index = EthIndex::new(client.clone());
		Self { client, pool, index, shared }
	}

	pub(super) fn client(&self) -> &Arc<FullClient> {
		&self.client
	}

	pub(super) fn pending_feed(&self) -> &super::filters::PendingFeed {
		&self.shared.pending
	}

	fn runtime(&self) -> EthRuntime<'_> {
		EthRuntime::new(&self.client)
	}

	/// The Substrate block a spec names, if it exists.
	fn resolve(&self, spec: &BlockSpec) -> Result<Option<H256>, ErrorObjectOwned> {
		let info = self.client.info();
		Ok(match spec {
			BlockSpec::Latest => Some(info.best_hash),
			BlockSpec::Finalized => Some(info.finalized_hash),
			BlockSpec::Number(n) => match u32::try_from(*n) {
				Ok(n) => self.client.hash(n).map_err(internal)?,
				Err(_) => None,
			},
			BlockSpec::Hash(hash) => self.index.block(hash).or_else(|| {
				// A Substrate block hash is accepted too.
				self.client.number(*hash).ok().flatten().map(|_| *hash)
			}),
		})
	}

	/// The block of a state query; unknown blocks are an error, as in geth.
	fn state_at(&self, spec: Option<&Value>) -> Result<H256, ErrorObjectOwned> {
		let spec = BlockSpec::parse(spec)?;
		self.resolve(&spec)?.ok_or_else(|| server("header not found"))
	}

	fn block_number_of(&self, hash: H256) -> Result<u64, ErrorObjectOwned> {
		Ok(self.client.number(hash).map_err(internal)?.unwrap_or_default() as u64)
	}

	fn chain_id(&self) -> RpcResult {
		Ok(json!(quantity(EVM_CHAIN_ID)))
	}

	fn block_number(&self) -> RpcResult {
		Ok(json!(quantity(self.client.info().best_number)))
	}

	fn get_balance(&self, p: &[Value]) -> RpcResult {
		let address = parse_h160(required(p, 0, "address")?, "address")?;
		let at = self.state_at(param(p, 1))?;
		Ok(json!(quantity(self.runtime().balance(at, address).map_err(internal)?)))
	}

	fn get_transaction_count(&self, p: &[Value]) -> RpcResult {
		let address = parse_h160(required(p, 0, "address")?, "address")?;
		let pending = param(p, 1).and_then(Value::as_str) == Some("pending");
		let at = self.state_at(param(p, 1))?;
		let nonce = self.runtime().nonce(at, address).map_err(internal)?;
		let nonce = if pending { self.pending_nonce(at, address, nonce) } else { nonce };
		Ok(json!(quantity(nonce)))
	}

	/// The next nonce counting the sender's transactions that wait in the pool: each
	/// provides the tag `(account, nonce)` (frame-system's `CheckNonce`).
	fn pending_nonce(&self, at: H256, address: H160, on_chain: u32) -> u32 {
		#[allow(deprecated)]
		let account = polkadot_sdk::pallet_revive::ReviveApi::account_id(
			&*self.client.runtime_api(),
			at,
			address,
		);
		let Ok(account) = account else { return on_chain };
		let account = account.encode();
		let mut next = on_chain;
		for tx in self.pool.ready() {
			use polkadot_sdk::sc_transaction_pool_api::InPoolTransaction;
			for tag in tx.provides() {
				if tag.len() == account.len() + 4 && tag.starts_with(&account) {
					if let Ok(nonce) = u32::decode(&mut &tag[account.len()..]) {
						next = next.max(nonce.saturating_add(1));
					}
				}
			}
		}
		next
	}

	fn gas_price(&self) -> RpcResult {
		let best = self.client.info().best_hash;
		Ok(json!(quantity(self.runtime().gas_price(best).map_err(internal)?)))
	}

	/// `eth_feeHistory`: at most [`MAX_FEE_HISTORY`] blocks (one runtime call each) and
	/// [`MAX_FEE_PERCENTILES`] percentiles, checked before any work.
	fn fee_history(&self, p: &[Value]) -> RpcResult {
		let count = match required(p, 0, "blockCount")? {
			Value::Number(n) => n.as_u64().ok_or_else(|| invalid("blockCount"))?,
			Value::String(s) => parse_u64(s, "blockCount")?,
			_ => return Err(invalid("blockCount must be a number")),
		};
		if count == 0 || count > MAX_FEE_HISTORY {
			return Err(invalid(format!("blockCount must be 1..={MAX_FEE_HISTORY}")));
		}
		let newest = self.state_at(param(p, 1))?;
		let newest_number = self.block_number_of(newest)?;
		let percentiles = match param(p, 2) {
			Some(Value::Array(list)) => {
				if list.len() > MAX_FEE_PERCENTILES {
					return Err(invalid(format!(
						"too many reward percentiles: {} > {MAX_FEE_PERCENTILES}",
						list.len()
					)));
				}
				// geth's rules: each in [0, 100], ascending.
				let mut last = 0.0f64;
				for v in list {
					let x = v.as_f64().filter(|x| (0.0..=100.0).contains(x) && *x >= last);
					last = x.ok_or_else(|| invalid(format!("invalid reward percentile: {v}")))?;
				}
				list.len()
			}
			Some(Value::Null) | None => 0,
			Some(_) => return Err(invalid("rewardPercentiles must be an array")),
		};
		let oldest = newest_number.saturating_sub(count - 1);
		let runtime = self.runtime();
		let mut base_fees = Vec::new();
		let mut ratios = Vec::new();
		let mut rewards = Vec::new();
		for number in oldest..=newest_number {
			let hash = self
				.client
				.hash(number as u32)
				.map_err(internal)?
				.ok_or_else(|| server("header not found"))?;
			let block = runtime.eth_block(hash).map_err(internal)?;
			base_fees.push(quantity(block.base_fee_per_gas));
			let ratio = if block.gas_limit.is_zero() {
				0.0
			} else {
				block.gas_used.low_u128() as f64 / block.gas_limit.low_u128() as f64
			};
			ratios.push(ratio);
			rewards.push(vec!["0x0"; percentiles]);
		}
		// The base fee of the block after the newest: today's gas price.
		base_fees
			.push(quantity(runtime.gas_price(self.client.info().best_hash).map_err(internal)?));
		let mut result = json!({
			"oldestBlock": quantity(oldest),
			"baseFeePerGas": base_fees,
			"gasUsedRatio": ratios,
		});
		if percentiles > 0 {
			result["reward"] = json!(rewards);
		}
		Ok(result)
	}

	fn transaction_param(p: &[Value]) -> Result<GenericTransactionV1, ErrorObjectOwned> {
		let tx = required(p, 0, "transaction")?;
		serde_json::from_value(tx.clone()).map_err(|e| invalid(format!("transaction: {e}")))
	}

	/// The lowest gas limit at which the call succeeds, but never below Ethereum's
	/// intrinsic 21,000: tools assume that floor (web3.py adds its buffer to it, wallets
	/// show it), and a transfer, which uses about 14,200 here, succeeds with it.
	fn floored_estimate(&self, p: &[Value]) -> Result<U256, ErrorObjectOwned> {
		let tx = Self::transaction_param(p)?;
		let at = self.state_at(param(p, 1))?;
		match self.runtime().estimate_gas(at, tx).map_err(internal)? {
			Ok(gas) => Ok(gas.max(U256::from(INTRINSIC_GAS))),
			Err(e) => Err(dry_run_error(e)),
		}
	}

	fn estimate_gas(&self, p: &[Value]) -> RpcResult {
		Ok(json!(quantity(self.floored_estimate(p)?)))
	}

	fn call(&self, p: &[Value]) -> RpcResult {
		let tx = Self::transaction_param(p)?;
		let at = self.state_at(param(p, 1))?;
		// Like geth, a call without a gas price does not need funds for fees.
		let balance_checks = tx.gas_price.is_some() || tx.max_fee_per_gas.is_some();
		match self.runtime().call(at, tx, balance_checks).map_err(internal)? {
			Ok(info) => Ok(json!(hex(&info.data))),
			Err(e) => Err(dry_run_error(e)),
		}
	}

	fn get_code(&self, p: &[Value]) -> RpcResult {
		let address = parse_h160(required(p, 0, "address")?, "address")?;
		let at = self.state_at(param(p, 1))?;
		Ok(json!(hex(&self.runtime().code(at, address).map_err(internal)?)))
	}

	fn get_storage_at(&self, p: &[Value]) -> RpcResult {
		let address = parse_h160(required(p, 0, "address")?, "address")?;
		let slot = parse_slot(required(p, 1, "slot")?)?;
		let at = self.state_at(param(p, 2))?;
		Ok(json!(hex(&self.runtime().storage(at, address, slot).map_err(internal)?)))
	}

	/// Reads a raw transaction without the chain's state and returns the extrinsic that
	/// carries it. What needs the state (the signer's nonce and balance, the base fee) the
	/// runtime's validation checks anyway, when the pool takes the transaction: the state is
	/// read here only to name the cause of a refusal ([`Self::explain_refusal`]), and for a
	/// transaction that moves value, which that validation does not weigh against the
	/// balance.
	fn check_raw_transaction(&self, p: &[Value]) -> Result<RawTransaction, ErrorObjectOwned> {
		let payload = parse_bytes(required(p, 0, "raw transaction")?, "raw transaction")?;
		if payload.len() > MAX_RAW_TX {
			return Err(server(format!(
				"oversized data: {} bytes, limit {MAX_RAW_TX}",
				payload.len()
			)));
		}
		let signed = TransactionSigned::decode(&payload)
			.map_err(|e| invalid(format!("transaction could not be decoded: {e:?}")))?;
		let (chain_id, value) = match &signed {
			TransactionSigned::TransactionLegacySigned(t) => {
				let t = &t.transaction_legacy_unsigned;
				(t.chain_id, t.value)
			}
			TransactionSigned::Transaction2930Signed(t) => {
				let t = &t.transaction_2930_unsigned;
				(Some(t.chain_id), t.value)
			}
			TransactionSigned::Transaction1559Signed(t) => {
				let t = &t.transaction_1559_unsigned;
				(Some(t.chain_id), t.value)
			}
			TransactionSigned::Transaction4844Signed(_)
			| TransactionSigned::Transaction7702Signed(_) => {
				return Err(server("transaction type not supported"))
			}
		};
		match chain_id {
			None => {
				return Err(server("only replay-protected (EIP-155) transactions allowed over RPC"))
			}
			Some(id) if id != U256::from(EVM_CHAIN_ID) => {
				return Err(server(format!(
					"invalid chain id for signer: have {id} want {EVM_CHAIN_ID}"
				)))
			}
			Some(_) => {}
		}
		let best = self.client.info().best_hash;
		if !value.is_zero() {
			self.check_against_state(&signed, best)?;
		}

		let hash = H256(keccak_256(&payload));
		let call = RuntimeCall::Revive(pallet_revive::Call::eth_transact { payload });
		let xt: UncheckedExtrinsic = SubstrateExtrinsic::new_bare(call).into();
		let xt = OpaqueExtrinsic::decode(&mut &xt.encode()[..]).map_err(internal)?;
		Ok(RawTransaction { hash, xt, best, signed })
	}

	/// geth's checks of a transaction against the state at `at`, each refusal naming its
	/// cause: the signer, its nonce, the fee cap against the base fee, and the balance
	/// against gas × price + value.
	fn check_against_state(
		&self,
		signed: &TransactionSigned,
		at: H256,
	) -> Result<(), ErrorObjectOwned> {
		let from = signed
			.recover_eth_address()
			.map_err(|_| server("invalid sender: the signature does not recover a signer"))?;
		let runtime = self.runtime();
		let base_fee = runtime.gas_price(at).map_err(internal)?;
		let tx = GenericTransaction::from_signed(signed.clone(), base_fee, Some(from));
		let nonce = tx.nonce.unwrap_or_default();
		let state_nonce = runtime.nonce(at, from).map_err(internal)?;
		if nonce < U256::from(state_nonce) {
			return Err(server(format!(
				"nonce too low: address {from:?}, tx: {nonce} state: {state_nonce}"
			)));
		}
		// The most the transaction may pay per gas: EIP-1559's fee cap, else its gas price.
		let price = tx.max_fee_per_gas.or(tx.gas_price).unwrap_or_default();
		if price < base_fee {
			return Err(server(format!(
				"max fee per gas less than block base fee: address {from:?}, maxFeePerGas: {price}, baseFee: {base_fee}"
			)));
		}
		let gas = tx.gas.unwrap_or_default();
		let cost = gas.saturating_mul(price).saturating_add(tx.value.unwrap_or_default());
		let balance = runtime.balance(at, from).map_err(internal)?;
		if cost > balance {
			return Err(server(format!(
				"insufficient funds for gas * price + value: address {from:?} have {balance} want {cost}"
			)));
		}
		Ok(())
	}

	/// The JSON-RPC error for a transaction the pool refused. Where the runtime's answer
	/// is one of geth's checks against the state (a stale nonce, a fee it cannot pay, a
	/// signature with no signer), the check runs again here to name the numbers, as geth's
	/// message does; otherwise the pool's error is mapped as it is.
	fn explain_refusal(
		&self,
		signed: &TransactionSigned,
		at: H256,
		e: Result<PoolError, impl std::fmt::Debug>,
	) -> ErrorObjectOwned {
		if let Ok(PoolError::InvalidTransaction(
			InvalidTransaction::Stale | InvalidTransaction::Payment | InvalidTransaction::BadProof,
		)) = &e
		{
			if let Err(named) = self.check_against_state(signed, at) {
				return named;
			}
		}
		pool_error(e)
	}

	async fn send_raw_transaction(&self, p: Vec<Value>) -> RpcResult {
		let RawTransaction { hash, xt, best, signed } = self.check_raw_transaction(&p)?;
		match self.pool.submit_one(best, TransactionSource::External, xt).await {
			Ok(pool) => {
				self.shared.pending.note_submitted(super::filters::PendingTx { eth: hash, pool });
				Ok(json!(hash))
			}
			Err(e) => Err(self.explain_refusal(&signed, best, e.into_pool_error())),
		}
	}

	fn transaction_json(data: &EthBlockData, index: usize, tx: &EthTx) -> Value {
		let info = TransactionInfoV1 {
			block_hash: data.block.hash,
			block_number: data.block.number,
			from: tx.from,
			hash: tx.hash,
			transaction_index: U256::from(index),
			transaction_signed: tx.signed.clone().into(),
		};
		serde_json::to_value(info).unwrap_or(Value::Null)
	}

	fn log_json(
		data: &EthBlockData,
		index: usize,
		tx: &EthTx,
		log: &super::runtime::EthLog,
	) -> Value {
		json!({
			"address": log.address,
			"topics": log.topics,
			"data": hex(&log.data),
			"blockHash": data.block.hash,
			"blockNumber": quantity(data.block.number),
			"transactionHash": tx.hash,
			"transactionIndex": quantity(index),
			"logIndex": quantity(log.log_index),
			"removed": false,
		})
	}

	fn receipt_json(data: &EthBlockData, index: usize, tx: &EthTx) -> Value {
		json!({
			"transactionHash": tx.hash,
			"transactionIndex": quantity(index),
			"blockHash": data.block.hash,
			"blockNumber": quantity(data.block.number),
			"from": tx.from,
			"to": tx.to,
			"cumulativeGasUsed": quantity(tx.cumulative_gas_used),
			"gasUsed": quantity(tx.gas.gas_used),
			"effectiveGasPrice": quantity(tx.gas.effective_gas_price),
			"contractAddress": tx.contract_address,
			"logs": tx.logs.iter().map(|l| Self::log_json(data, index, tx, l)).collect::<Vec<_>>(),
			"logsBloom": hex(&logs_bloom(&tx.logs)),
			"type": quantity(tx_type(&tx.signed)),
			"status": if tx.success { "0x1" } else { "0x0" },
		})
	}

	/// The transaction hash every by-hash method takes first.
	fn tx_hash(p: &[Value]) -> Result<H256, ErrorObjectOwned> {
		parse_h256(required(p, 0, "transaction hash")?, "transaction hash")
	}

	/// The block holding a transaction and its position there.
	/// The index follows block imports a moment behind the client: a miss while it lags
	/// indexes the blocks it has not reached yet and asks again, so a transaction that
	/// just left the pool for a block is never reported missing in between.
	fn locate(&self, hash: H256) -> Result<Option<(EthBlockData, usize)>, ErrorObjectOwned> {
		let location = match self.index.transaction(&hash) {
			Some(location) => Some(location),
			None if self.index.catch_up_if_behind() => self.index.transaction(&hash),
			None => None,
		};
		let Some(location) = location else { return Ok(None) };
		let data = load_block(&self.client, location.block).map_err(internal)?;
		let index = location.index as usize;
		Ok(data.txs.get(index).filter(|tx| tx.hash == hash).is_some().then_some((data, index)))
	}

	fn get_transaction_receipt(&self, p: &[Value]) -> RpcResult {
		Ok(match self.locate(Self::tx_hash(p)?)? {
			Some((data, i)) => Self::receipt_json(&data, i, &data.txs[i]),
			None => Value::Null,
		})
	}

	/// A transaction in a block, else one still waiting in the pool (geth answers both;
	/// a waiting one has `null` block fields).
	fn get_transaction_by_hash(&self, p: &[Value]) -> RpcResult {
		let hash = Self::tx_hash(p)?;
		if let Some((data, i)) = self.locate(hash)? {
			return Ok(Self::transaction_json(&data, i, &data.txs[i]));
		}
		Ok(self.pending_transaction(&hash).map_or(Value::Null, |(signed, from)| {
			Self::pending_transaction_json(hash, signed, from)
		}))
	}

	/// A ready Ethereum transaction of the pool by its Ethereum hash: its signed form and
	/// its sender. Found through the pending feed, so at most one scan of its window.
	pub(super) fn pending_transaction(&self, hash: &H256) -> Option<(TransactionSigned, H160)> {
		let pool_hash = self.shared.pending.pool_hash(hash)?;
		let tx = self.pool.ready_transaction(&pool_hash)?;
		use polkadot_sdk::sc_transaction_pool_api::InPoolTransaction;
		let payload = super::runtime::eth_payload(tx.data())?;
		let signed = TransactionSigned::decode(&payload).ok()?;
		let from = signed.recover_eth_address().ok()?;
		Some((signed, from))
	}

	/// A pool transaction in `eth_getTransactionByHash`'s shape, block fields `null`.
	pub(super) fn pending_transaction_json(
		hash: H256,
		signed: TransactionSigned,
		from: H160,
	) -> Value {
		let info = TransactionInfoV1 {
			block_hash: H256::zero(),
			block_number: U256::zero(),
			from,
			hash,
			transaction_index: U256::zero(),
			transaction_signed: signed.into(),
		};
		let mut value = serde_json::to_value(info).unwrap_or(Value::Null);
		if let Some(object) = value.as_object_mut() {
			for field in ["blockHash", "blockNumber", "transactionIndex"] {
				object.insert(field.into(), Value::Null);
			}
		}
		value
	}

	fn block_json(&self, at: H256, full: bool) -> RpcResult {
		let runtime = self.runtime();
		let mut block = runtime.eth_block(at).map_err(internal)?;
		if block.gas_limit.is_zero() {
			// The genesis block has no Ethereum block of its own.
			block.gas_limit = runtime.block_gas_limit(at).map_err(internal)?;
			block.base_fee_per_gas = runtime.gas_price(at).map_err(internal)?;
		}
		let mut value = serde_json::to_value(&block).map_err(internal)?;
		value["transactions"] = if full {
			let data = with_receipts(&self.client, at, block).map_err(internal)?;
			json!(data
				.txs
				.iter()
				.enumerate()
				.map(|(i, tx)| Self::transaction_json(&data, i, tx))
				.collect::<Vec<_>>())
		} else {
			json!(tx_hashes(&block))
		};
		Ok(value)
	}

	/// The block of a `…ByHash` method (a hash) or its `…ByNumber` twin (tag or number).
	fn block_param(p: &[Value], by_hash: bool) -> Result<BlockSpec, ErrorObjectOwned> {
		if by_hash {
			Ok(BlockSpec::Hash(parse_h256(required(p, 0, "block hash")?, "block hash")?))
		} else {
			BlockSpec::parse(param(p, 0))
		}
	}

	fn get_block(&self, p: &[Value], by_hash: bool) -> RpcResult {
		let spec = Self::block_param(p, by_hash)?;
		let full = param(p, 1).and_then(Value::as_bool).unwrap_or(false);
		match self.resolve(&spec)? {
			Some(at) => self.block_json(at, full),
			None => Ok(Value::Null),
		}
	}

	fn get_block_transaction_count(&self, p: &[Value], by_hash: bool) -> RpcResult {
		let spec = Self::block_param(p, by_hash)?;
		match self.resolve(&spec)? {
			Some(at) => {
				let block = self.runtime().eth_block(at).map_err(internal)?;
				Ok(json!(quantity(tx_hashes(&block).len())))
			}
			None => Ok(Value::Null),
		}
	}

	/// A block named by tag, number or (for the methods that take either) a 32-byte hash.
	fn block_id(value: Option<&Value>) -> Result<BlockSpec, ErrorObjectOwned> {
		match value.and_then(Value::as_str) {
			Some(s) if s.len() == 66 && s.starts_with("0x") => {
				Ok(BlockSpec::Hash(parse_h256(&json!(s), "block hash")?))
			}
			_ => BlockSpec::parse(value),
		}
	}

	/// Every receipt of a block, in order (`null` for an unknown block). One block's
	/// receipts: bounded by the block's weight.
	fn get_block_receipts(&self, p: &[Value]) -> RpcResult {
		let spec = Self::block_id(param(p, 0))?;
		let Some(at) = self.resolve(&spec)? else { return Ok(Value::Null) };
		let data = load_block(&self.client, at).map_err(internal)?;
		Ok(json!(data
			.txs
			.iter()
			.enumerate()
			.map(|(i, tx)| Self::receipt_json(&data, i, tx))
			.collect::<Vec<_>>()))
	}

	/// The transaction at `index` of a block given by hash or by number or tag, as an
	/// object or (`raw`) as its signed bytes.
	fn get_transaction_by_block_and_index(
		&self,
		p: &[Value],
		by_hash: bool,
		raw: bool,
	) -> RpcResult {
		let spec = Self::block_param(p, by_hash)?;
		let index = required(p, 1, "transaction index")?
			.as_str()
			.ok_or_else(|| invalid("transaction index: expected a hex quantity"))?;
		let index = parse_u64(index, "transaction index")?;
		let Some(at) = self.resolve(&spec)? else { return Ok(Value::Null) };
		let block = self.runtime().eth_block(at).map_err(internal)?;
		if index >= tx_hashes(&block).len() as u64 {
			return Ok(Value::Null);
		}
		let data = with_receipts(&self.client, at, block).map_err(internal)?;
		Ok(match data.txs.get(index as usize) {
			Some(tx) if raw => json!(hex(&tx.signed.signed_payload())),
			Some(tx) => Self::transaction_json(&data, index as usize, tx),
			None => Value::Null,
		})
	}

	/// A transaction's signed bytes as sent, from a block or the pool (`null` if unknown).
	fn get_raw_transaction_by_hash(&self, p: &[Value]) -> RpcResult {
		let hash = Self::tx_hash(p)?;
		if let Some((data, i)) = self.locate(hash)? {
			return Ok(json!(hex(&data.txs[i].signed.signed_payload())));
		}
		Ok(self
			.pending_transaction(&hash)
			.map_or(Value::Null, |(signed, _)| json!(hex(&signed.signed_payload()))))
	}

	/// The uncle count of a block: always 0, `null` for an unknown block (no uncles:
	/// blocks are final by GRANDPA, not by work).
	fn get_uncle_count(&self, p: &[Value], by_hash: bool) -> RpcResult {
		let spec = Self::block_param(p, by_hash)?;
		Ok(match self.resolve(&spec)? {
			Some(_) => json!("0x0"),
			None => Value::Null,
		})
	}

	/// The author of the best block, as its Ethereum block reports it (`miner`).
	fn coinbase(&self) -> RpcResult {
		let best = self.client.info().best_hash;
		let block = self.runtime().eth_block(best).map_err(internal)?;
		Ok(json!(block.miner))
	}

	/// The number of the block a filter's bound names (`latest` when left out).
	fn bound(&self, spec: &Option<BlockSpec>) -> Result<u64, ErrorObjectOwned> {
		let spec = spec.clone().unwrap_or(BlockSpec::Latest);
		let at = self.resolve(&spec)?.ok_or_else(|| server("unknown block"))?;
		self.block_number_of(at)
	}

	/// Appends the logs of block `at` that match `filter` to `out`, marked `removed` if
	/// the block left the canonical chain; skips blocks whose bloom rules a match out.
	pub(super) fn block_logs(
		&self,
		filter: &LogFilter,
		at: H256,
		removed: bool,
		out: &mut Vec<Value>,
	) -> Result<(), ErrorObjectOwned> {
		let block = self.runtime().eth_block(at).map_err(internal)?;
		if tx_hashes(&block).is_empty() || !filter.may_match_bloom(&block.logs_bloom.0) {
			return Ok(());
		}
		let data = with_receipts(&self.client, at, block).map_err(internal)?;
		for (i, tx) in data.txs.iter().enumerate() {
			for log in tx.logs.iter().filter(|l| filter.matches(&l.address, &l.topics)) {
				let mut value = Self::log_json(&data, i, tx, log);
				if removed {
					value["removed"] = json!(true);
				}
				out.push(value);
			}
		}
		Ok(())
	}

	/// Every log a filter matches over its whole range (`eth_getLogs`,
	/// `eth_getFilterLogs`): at most [`MAX_LOG_RANGE`] blocks and [`MAX_LOGS`] logs.
	fn logs(&self, filter: &LogFilter) -> RpcResult {
		let (from, to) = if let Some(hash) = filter.block_hash {
			let at =
				self.resolve(&BlockSpec::Hash(hash))?.ok_or_else(|| server("unknown block"))?;
			let n = self.block_number_of(at)?;
			(n, n)
		} else {
			(self.bound(&filter.from)?, self.bound(&filter.to)?)
		};
		if from > to {
			return Err(invalid(format!("fromBlock {from} is after toBlock {to}")));
		}
		if to - from + 1 > MAX_LOG_RANGE {
			return Err(server(format!("query exceeds max block range {MAX_LOG_RANGE}")));
		}
		let mut logs = Vec::new();
		for number in from..=to {
			let Some(at) = self.client.hash(number as u32).map_err(internal)? else { break };
			self.block_logs(filter, at, false, &mut logs)?;
			if logs.len() > MAX_LOGS {
				return Err(server(format!("query returned more than {MAX_LOGS} results")));
			}
		}
		Ok(json!(logs))
	}

	fn get_logs(&self, p: &[Value]) -> RpcResult {
		self.logs(&LogFilter::parse(required(p, 0, "filter")?)?)
	}

	/// The header of a block as `newHeads` sends it: the block without its transactions.
	pub(super) fn head_json(&self, at: H256) -> RpcResult {
		let mut value = self.block_json(at, false)?;
		if let Some(map) = value.as_object_mut() {
			map.remove("transactions");
		}
		Ok(value)
	}

	fn best_number(&self) -> u64 {
		u64::from(self.client.info().best_number)
	}

	/// `eth_newFilter`: logs of blocks after the current best (or from `fromBlock`, if
	/// later).
	fn new_filter(&self, p: &[Value]) -> RpcResult {
		let filter = LogFilter::parse(required(p, 0, "filter")?)?;
		let info = self.client.info();
		let mut next = u64::from(info.best_number) + 1;
		let mut last = Some(info.best_hash);
		if let Some(BlockSpec::Number(from)) = filter.from {
			if from > next {
				(next, last) = (from, None);
			}
		}
		Ok(json!(self.shared.filters.install(FilterKind::Logs { filter, next, last })?))
	}

	fn new_block_filter(&self) -> RpcResult {
		let info = self.client.info();
		let next = u64::from(info.best_number) + 1;
		let last = Some(info.best_hash);
		Ok(json!(self.shared.filters.install(FilterKind::Blocks { next, last })?))
	}

	/// Where a filter resumes on the current best chain. It last saw block `last` at
	/// number `next - 1`; if a reorganisation replaced that block, the blocks it saw that
	/// the best chain no longer holds (newest first, at most [`MAX_POLL_BLOCKS`]) are
	/// returned with the number after the common ancestor, where reporting restarts,
	/// and the ancestor's hash, the filter's new `last`.
	fn rewind(&self, next: u64, last: Option<H256>) -> Result<Resume, ErrorObjectOwned> {
		use polkadot_sdk::sp_runtime::traits::Header as _;
		let Some(mut hash) = last else { return Ok(Resume { retracted: Vec::new(), next, last }) };
		let mut number = next.saturating_sub(1);
		let mut retracted = Vec::new();
		while self.client.hash(number as u32).map_err(internal)? != Some(hash) {
			if number == 0 || retracted.len() as u64 >= MAX_POLL_BLOCKS {
				break;
			}
			let Some(header) = self.client.header(hash).map_err(internal)? else { break };
			retracted.push(hash);
			hash = *header.parent_hash();
			number -= 1;
		}
		Ok(Resume { retracted, next: number + 1, last: Some(hash) })
	}

	fn new_pending_transaction_filter(&self) -> RpcResult {
		let next = self.shared.pending.head();
		Ok(json!(self.shared.filters.install(FilterKind::Pending { next })?))
	}

	fn filter_id(p: &[Value]) -> Result<&str, ErrorObjectOwned> {
		required(p, 0, "filter id")?.as_str().ok_or_else(|| invalid("filter id must be a string"))
	}

	/// `eth_getFilterChanges`: what the filter follows since its last poll, at most
	/// [`MAX_POLL_BLOCKS`] blocks and about [`MAX_LOGS`] logs at a time.
	fn get_filter_changes(&self, p: &[Value]) -> RpcResult {
		let id = Self::filter_id(p)?;
		self.shared.filters.poll(id, |kind| match kind {
			FilterKind::Blocks { next, last } => {
				// After a reorganisation, the new best chain's blocks from the fork on.
				let Resume { mut next, mut last, .. } = self.rewind(*next, *last)?;
				let to = self.best_number().min(next.saturating_add(MAX_POLL_BLOCKS - 1));
				let mut hashes = Vec::new();
				while next <= to {
					let Some(at) = self.client.hash(next as u32).map_err(internal)? else {
						break;
					};
					hashes.push(self.runtime().eth_block(at).map_err(internal)?.hash);
					(next, last) = (next + 1, Some(at));
				}
				Ok((json!(hashes), FilterKind::Blocks { next, last }))
			}
			FilterKind::Logs { filter, next, last } => {
				let unchanged =
					|| FilterKind::Logs { filter: filter.clone(), next: *next, last: *last };
				if filter.block_hash.is_some() {
					return Ok((json!([]), unchanged()));
				}
				// After a reorganisation, the retracted blocks' logs come again with
				// `removed: true` (oldest first), then the new best chain's from the fork.
				let Resume { retracted, mut next, mut last } = self.rewind(*next, *last)?;
				let mut logs = Vec::new();
				for at in retracted.iter().rev() {
					self.block_logs(filter, *at, true, &mut logs)?;
				}
				let best = self.best_number();
				let end = match &filter.to {
					None => best,
					Some(_) => self.bound(&filter.to)?.min(best),
				};
				let to = end.min(next.saturating_add(MAX_POLL_BLOCKS - 1));
				while next <= to && logs.len() < MAX_LOGS {
					let Some(at) = self.client.hash(next as u32).map_err(internal)? else {
						break;
					};
					self.block_logs(filter, at, false, &mut logs)?;
					(next, last) = (next + 1, Some(at));
				}
				Ok((json!(logs), FilterKind::Logs { filter: filter.clone(), next, last }))
			}
			FilterKind::Pending { next } => {
				let (hashes, next) = self.shared.pending.since(*next);
				Ok((json!(hashes), FilterKind::Pending { next }))
			}
		})
	}

	/// `eth_getFilterLogs`: every log of a log filter's range, like `eth_getLogs`.
	fn get_filter_logs(&self, p: &[Value]) -> RpcResult {
		match self.shared.filters.kind(Self::filter_id(p)?)? {
			FilterKind::Logs { filter, .. } => self.logs(&filter),
			_ => Err(server("filter not found")),
		}
	}

	fn uninstall_filter(&self, p: &[Value]) -> RpcResult {
		Ok(json!(self.shared.filters.uninstall(Self::filter_id(p)?)?))
	}

	/// `eth_createAccessList`: an empty list, and the gas limit to send the transaction
	/// with, the same as `eth_estimateGas`. Access lists change no cost here
	/// (pallet-revive has no cold and warm accesses), so the list that minimises gas is
	/// the empty one.
	fn create_access_list(&self, p: &[Value]) -> RpcResult {
		Ok(json!({ "accessList": [], "gasUsed": quantity(self.floored_estimate(p)?) }))
	}

	fn peer_count(&self) -> RpcResult {
		Ok(json!(quantity((self.shared.peers)() as u64)))
	}

	/// The RPC module with every method.
	pub fn into_rpc(self) -> Result<RpcModule<Self>, jsonrpsee::core::RegisterMethodError> {
		let mut module = RpcModule::new(self);

		macro_rules! blocking {
			($name:literal, |$api:ident, $p:ident| $body:expr) => {
				module.register_blocking_method($name, |params, api, _| -> RpcResult {
					let $api: &EthApi = &api;
					let $p = list(&params)?;
					let _ = &$p;
					$body
				})?;
			};
		}

		blocking!("eth_chainId", |api, _p| api.chain_id());
		blocking!("net_version", |_api, _p| Ok(json!(EVM_CHAIN_ID.to_string())));
		blocking!("net_listening", |_api, _p| Ok(json!(true)));
		blocking!("web3_clientVersion", |_api, _p| Ok(json!(format!(
			"zerog-node/v{}",
			env!("CARGO_PKG_VERSION")
		))));
		blocking!("eth_syncing", |_api, _p| Ok(json!(false)));
		blocking!("eth_accounts", |_api, _p| Ok(json!([])));
		// The node holds no keys (a public endpoint must not): what would sign with one
		// is refused as geth refuses an account it does not hold.
		for method in [
			"eth_sign",
			"eth_signTransaction",
			"eth_signTypedData",
			"eth_signTypedData_v4",
			"eth_sendTransaction",
			"personal_sign",
		] {
			module.register_method(method, |_params, _api, _| -> RpcResult {
				Err(server(
					"unknown account: this node holds no keys; sign in the wallet and send \
					 with eth_sendRawTransaction",
				))
			})?;
		}
		blocking!("eth_blockNumber", |api, _p| api.block_number());
		blocking!("eth_getBalance", |api, p| api.get_balance(&p));
		blocking!("eth_getTransactionCount", |api, p| api.get_transaction_count(&p));
		blocking!("eth_gasPrice", |api, _p| api.gas_price());
		blocking!("eth_maxPriorityFeePerGas", |_api, _p| Ok(json!("0x0")));
		blocking!("eth_feeHistory", |api, p| api.fee_history(&p));
		blocking!("eth_estimateGas", |api, p| api.estimate_gas(&p));
		blocking!("eth_call", |api, p| api.call(&p));
		blocking!("eth_getCode", |api, p| api.get_code(&p));
		blocking!("eth_getStorageAt", |api, p| api.get_storage_at(&p));
		blocking!("eth_getTransactionReceipt", |api, p| api.get_transaction_receipt(&p));
		blocking!("eth_getTransactionByHash", |api, p| api.get_transaction_by_hash(&p));
		blocking!("eth_getBlockByNumber", |api, p| api.get_block(&p, false));
		blocking!("eth_getBlockByHash", |api, p| api.get_block(&p, true));
		blocking!("eth_getBlockTransactionCountByNumber", |api, p| api
			.get_block_transaction_count(&p, false));
		blocking!("eth_getBlockTransactionCountByHash", |api, p| api
			.get_block_transaction_count(&p, true));
		blocking!("eth_getLogs", |api, p| api.get_logs(&p));
		blocking!("eth_newFilter", |api, p| api.new_filter(&p));
		blocking!("eth_newBlockFilter", |api, _p| api.new_block_filter());
		blocking!("eth_newPendingTransactionFilter", |api, _p| api
			.new_pending_transaction_filter());
		blocking!("eth_getFilterChanges", |api, p| api.get_filter_changes(&p));
		blocking!("eth_getFilterLogs", |api, p| api.get_filter_logs(&p));
		blocking!("eth_uninstallFilter", |api, p| api.uninstall_filter(&p));
		blocking!("eth_createAccessList", |api, p| api.create_access_list(&p));
		blocking!("net_peerCount", |api, _p| api.peer_count());
		// No blob transactions (type 3 is refused), so no blob gas is ever used: the
		// blob base fee stays at EIP-4844's minimum, as on a chain whose blocks hold none.
		blocking!("eth_blobBaseFee", |_api, _p| Ok(json!("0x1")));
		blocking!("eth_getProof", |_api, _p| Err(server(
			"eth_getProof is not supported: contract state lives in the Substrate state trie \
			 (blake2-256), not in an Ethereum Merkle-Patricia trie; prove it with \
			 state_getReadProof on the Substrate RPC"
		)));
		blocking!("eth_simulateV1", |_api, _p| Err(server(
			"eth_simulateV1 is not supported: pallet-revive dry-runs one transaction at a \
			 time; use eth_call per call"
		)));
		blocking!("eth_getBlockReceipts", |api, p| api.get_block_receipts(&p));
		blocking!("eth_getTransactionByBlockHashAndIndex", |api, p| api
			.get_transaction_by_block_and_index(&p, true, false));
		blocking!("eth_getTransactionByBlockNumberAndIndex", |api, p| api
			.get_transaction_by_block_and_index(&p, false, false));
		blocking!("eth_getRawTransactionByBlockHashAndIndex", |api, p| api
			.get_transaction_by_block_and_index(&p, true, true));
		blocking!("eth_getRawTransactionByBlockNumberAndIndex", |api, p| api
			.get_transaction_by_block_and_index(&p, false, true));
		blocking!("eth_getRawTransactionByHash", |api, p| api.get_raw_transaction_by_hash(&p));
		blocking!("eth_getUncleCountByBlockNumber", |api, p| api.get_uncle_count(&p, false));
		blocking!("eth_getUncleCountByBlockHash", |api, p| api.get_uncle_count(&p, true));
		blocking!("eth_getUncleByBlockNumberAndIndex", |_api, _p| Ok(Value::Null));
		blocking!("eth_getUncleByBlockHashAndIndex", |_api, _p| Ok(Value::Null));
		blocking!("eth_coinbase", |api, _p| api.coinbase());
		// No proof of work: blocks are authored by slot and finalized by GRANDPA.
		blocking!("eth_mining", |_api, _p| Ok(json!(false)));
		blocking!("eth_hashrate", |_api, _p| Ok(json!("0x0")));
		// eth/68, the wire protocol geth last reported here.
		blocking!("eth_protocolVersion", |_api, _p| Ok(json!("0x44")));

		module.register_async_method("eth_sendRawTransaction", |params, api, _| async move {
			let p = list(&params)?;
			api.send_raw_transaction(p).await
		})?;
		module.register_subscription(
			"eth_subscribe",
			"eth_subscription",
			"eth_unsubscribe",
			|params, pending, api, _| super::pubsub::subscribe(api, params, pending),
		)?;
		Ok(module)
	}
}

/// A pool refusal in geth's words.
fn pool_error(e: Result<PoolError, impl std::fmt::Debug>) -> ErrorObjectOwned {
	let e = match e {
		Ok(e) => e,
		Err(other) => return internal(format!("transaction pool: {other:?}")),
	};
	match e {
		PoolError::AlreadyImported(_) => server("already known"),
		PoolError::TooLowPriority { .. } => server("replacement transaction underpriced"),
		PoolError::TemporarilyBanned => {
			server("transaction temporarily banned: it was recently rejected")
		}
		PoolError::ImmediatelyDropped => server("txpool is full"),
		PoolError::InvalidTransaction(invalid) => server(match invalid {
			InvalidTransaction::Stale => "nonce too low".to_string(),
			InvalidTransaction::Future => "nonce too high".to_string(),
			InvalidTransaction::Payment => {
				"insufficient funds for gas * price + value (fees and storage deposit)".to_string()
			}
			InvalidTransaction::BadProof => "invalid sender: bad signature".to_string(),
			InvalidTransaction::ExhaustsResources => "exceeds block gas limit".to_string(),
			InvalidTransaction::Call => {
				"invalid transaction: intrinsic gas too low, unsupported type or malformed call"
					.to_string()
			}
			other => format!("invalid transaction: {other:?}"),
		}),
		PoolError::UnknownTransaction(unknown) => {
			server(format!("transaction rejected: {unknown:?}"))
		}
		other => server(format!("transaction rejected: {other}")),
	}
}
