//! # ZeroG chain client
//!
//! The chain side of `zg`, the storage node and the compute provider: JSON-RPC reads and
//! signed extrinsics.
//!
//! Transactions are built with the runtime's own types (`zerog_runtime::RuntimeCall`,
//! `TxExtension`), signed with sr25519, submitted with `author_submitExtrinsic`, then
//! found in a block by hash; the block's events tell whether the call succeeded, and a
//! failed call's module error is decoded to its name (`StorageMarket::BondTooLow`).
//!
//! Transactions are mortal: valid for [`MORTALITY`] blocks from the best block at
//! signing. The client watches every block of that window, so when it reports
//! [`ChainError::Expired`] the transaction can no longer execute and a retry cannot
//! execute twice; a reaped account's old transactions cannot be replayed either.

use std::time::{Duration, Instant};

use codec::{Decode, Encode};
use jsonrpsee::core::{client::ClientT, rpc_params};
use jsonrpsee_http_client::{HttpClient, HttpClientBuilder};
use polkadot_sdk::{
	frame_system,
	sp_core::{crypto::Ss58Codec, sr25519, Pair, H256},
	sp_runtime::{generic::Era, AccountId32, DispatchError},
};
use serde::Deserialize;
use sp_crypto_hashing::{blake2_256, twox_128};
use zerog_runtime::{
	Runtime, RuntimeCall, RuntimeEvent, SignedPayload, SubstrateExtrinsic, TxExtension,
	UncheckedExtrinsic,
};

pub use polkadot_sdk::sp_core::sr25519::Pair as Sr25519Pair;

/// Blocks a signed transaction stays valid (a power of two): about two minutes of
/// 2-second blocks.
pub const MORTALITY: u64 = 64;

/// A failure talking to the chain, or a refused transaction.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// Transport or JSON-RPC error.
	#[error("chain RPC {0}: {1}")]
	Rpc(&'static str, String),
	/// The transaction pool refused the transaction.
	#[error("transaction refused: {0}")]
	Refused(String),
	/// The transaction was included but its call failed.
	#[error("transaction failed in block {block}: {error}")]
	Failed { block: H256, error: String },
	/// Nothing happened in time.
	#[error("timed out: {0}")]
	Timeout(String),
	/// The transaction's mortality window passed without it in a block: it can never
	/// execute, so sending it again is safe.
	#[error("transaction {0:?} expired at block {1} without being included; nothing was executed, it is safe to retry")]
	Expired(H256, u32),
	/// A reply we could not read.
	#[error("unexpected reply: {0}")]
	Decode(String),
}

/// A signer from a secret URI (`//Alice`, a mnemonic, `0x` seed).
pub fn signer(suri: &str) -> Result<sr25519::Pair, String> {
	sr25519::Pair::from_string(suri, None).map_err(|e| format!("bad secret URI: {e:?}"))
}

/// The SS58 address of a signer.
pub fn address(pair: &sr25519::Pair) -> String {
	AccountId32::from(pair.public()).to_ss58check()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuntimeVersion {
	spec_version: u32,
	transaction_version: u32,
}

#[derive(Deserialize)]
struct Header {
	number: String,
}

#[derive(Deserialize)]
struct BlockInner {
	extrinsics: Vec<String>,
}

#[derive(Deserialize)]
struct SignedBlock {
	block: BlockInner,
}

fn hex_decode(s: &str) -> Result<Vec<u8>, ChainError> {
	hex::decode(s.trim_start_matches("0x")).map_err(|e| ChainError::Decode(e.to_string()))
}

fn parse_number(h: &Header) -> Result<u32, ChainError> {
	u32::from_str_radix(h.number.trim_start_matches("0x"), 16)
		.map_err(|e| ChainError::Decode(e.to_string()))
}

/// An included transaction: its block and its events.
pub struct Included {
	/// The block it is in.
	pub block: H256,
	/// That block's number.
	pub number: u32,
	/// Events the transaction emitted.
	pub events: Vec<RuntimeEvent>,
}

/// A chain connection.
#[derive(Clone)]
pub struct Chain {
	rpc: HttpClient,
}

impl Chain {
	/// Connects (lazily) to `url`.
	pub fn new(url: &str) -> Result<Self, ChainError> {
		let rpc = HttpClientBuilder::default()
			.request_timeout(Duration::from_secs(30))
			.build(url)
			.map_err(|e| ChainError::Rpc("connect", format!("{url}: {e}")))?;
		Ok(Self { rpc })
	}

	/// A JSON-RPC request.
	pub async fn call<R: serde::de::DeserializeOwned>(
		&self,
		method: &'static str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<R, ChainError> {
		self.rpc.request(method, params).await.map_err(|e| ChainError::Rpc(method, e.to_string()))
	}

	async fn header(&self, hash: Option<&str>) -> Result<Header, ChainError> {
		self.call("chain_getHeader", rpc_params![hash]).await
	}

	/// The genesis block's hash (what signatures of this chain are bound to).
	pub async fn genesis_hash(&self) -> Result<H256, ChainError> {
		let genesis: String = self.call("chain_getBlockHash", rpc_params![0u32]).await?;
		Ok(H256::from_slice(&hex_decode(&genesis)?))
	}

	/// The best block's number.
	pub async fn best_number(&self) -> Result<u32, ChainError> {
		parse_number(&self.header(None).await?)
	}

	/// The finalized block's number and hash.
	pub async fn finalized(&self) -> Result<(u32, String), ChainError> {
		let hash: String = self.call("chain_getFinalizedHead", rpc_params![]).await?;
		let n = parse_number(&self.header(Some(&hash)).await?)?;
		Ok((n, hash))
	}

	/// Signs `call` with `signer`, submits it, waits until it is in a block (and, with
	/// `finalized`, until that block is final) and returns its events, or the reason it
	/// failed.
	pub async fn submit(
		&self,
		call: RuntimeCall,
		signer: &sr25519::Pair,
		finalized: bool,
	) -> Result<Included, ChainError> {
		let account = AccountId32::from(signer.public());
		let genesis = self.genesis_hash().await?;
		let version: RuntimeVersion = self.call("state_getRuntimeVersion", rpc_params![]).await?;
		let nonce: u32 =
			self.call("system_accountNextIndex", rpc_params![account.to_ss58check()]).await?;
		let start = parse_number(&self.header(None).await?)?;

		// Mortal from the best block: the era's checkpoint is the block it was born at.
		let era = Era::mortal(MORTALITY, start as u64);
		let birth = era.birth(start as u64) as u32;
		let death = era.death(start as u64) as u32;
		let birth_hash: String = self.call("chain_getBlockHash", rpc_params![birth]).await?;
		let birth_hash = H256::from_slice(&hex_decode(&birth_hash)?);
		let tx_ext: TxExtension = zerog_runtime::tx_extension(nonce, era, 0);
		let payload = SignedPayload::from_raw(
			call.clone(),
			tx_ext.clone(),
			(
				(),
				version.spec_version,
				version.transaction_version,
				genesis,
				birth_hash,
				(),
				(),
				(),
				None,
				(),
			),
		);
		let signature = payload.using_encoded(|e| signer.sign(e));
		let xt: UncheckedExtrinsic =
			SubstrateExtrinsic::new_signed(call, account.into(), signature.into(), tx_ext).into();
		let bytes = xt.encode();
		let tx_hash = H256(blake2_256(&bytes));
		let _: String = self
			.rpc
			.request("author_submitExtrinsic", rpc_params![format!("0x{}", hex::encode(&bytes))])
			.await
			.map_err(|e| ChainError::Refused(e.to_string()))?;

		// Find it in the blocks from `start` on, up to the end of its mortality window.
		// A chain that stalls for long is reported as a timeout, with the block until
		// which the transaction may still execute.
		let deadline = Instant::now() + Duration::from_secs(2 * 60 + 2 * MORTALITY);
		let mut next = start;
		let (block, number, index) = 'found: loop {
			let best = parse_number(&self.header(None).await?)?;
			while next <= best.min(death) {
				let hash: String = self.call("chain_getBlockHash", rpc_params![next]).await?;
				let b: SignedBlock = self.call("chain_getBlock", rpc_params![&hash]).await?;
				for (i, x) in b.block.extrinsics.iter().enumerate() {
					if H256(blake2_256(&hex_decode(x)?)) == tx_hash {
						break 'found (hash, next, i as u32);
					}
				}
				next += 1;
			}
			// Past the window (the first block after it checked too): it can no longer be in.
			if next > death {
				return Err(ChainError::Expired(tx_hash, death));
			}
			if Instant::now() > deadline {
				return Err(ChainError::Timeout(format!(
					"transaction {tx_hash:?} not in a block yet; it may still execute until block {death}, \
					 so do not send it again before then"
				)));
			}
			tokio::time::sleep(Duration::from_millis(300)).await;
		};
		let block_hash = H256::from_slice(&hex_decode(&block)?);
		let events = self.events(&block, index).await?;
		for ev in &events {
			if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error,
				..
			}) = ev
			{
				return Err(ChainError::Failed {
					block: block_hash,
					error: describe(dispatch_error),
				});
			}
		}
		if finalized {
			let deadline = Instant::now() + Duration::from_secs(120);
			while self.finalized().await?.0 < number {
				if Instant::now() > deadline {
					return Err(ChainError::Timeout(format!(
						"block {number} not finalized after 120 s"
					)));
				}
				tokio::time::sleep(Duration::from_millis(500)).await;
			}
		}
		Ok(Included { block: block_hash, number, events })
	}

	/// The events extrinsic `index` of `block` emitted.
	async fn events(&self, block: &str, index: u32) -> Result<Vec<RuntimeEvent>, ChainError> {
		let key = [twox_128(b"System"), twox_128(b"Events")].concat();
		let raw: Option<String> = self
			.call("state_getStorage", rpc_params![format!("0x{}", hex::encode(key)), block])
			.await?;
		let raw = hex_decode(&raw.unwrap_or_default())?;
		let records = Vec::<frame_system::EventRecord<RuntimeEvent, H256>>::decode(&mut &raw[..])
			.map_err(|e| {
			ChainError::Decode(format!("events: {e} (is zg older than the chain's runtime?)"))
		})?;
		Ok(records
			.into_iter()
			.filter(|r| r.phase == frame_system::Phase::ApplyExtrinsic(index))
			.map(|r| r.event)
			.collect())
	}

	/// A runtime API call at the best block (`state_call`): `method` is
	/// `<Api>_<function>` (`DaCommitmentsApi_blob`), `args` its SCALE-encoded arguments.
	pub async fn runtime_call<R: Decode>(
		&self,
		method: &str,
		args: impl Encode,
	) -> Result<R, ChainError> {
		let raw: String = self
			.call("state_call", rpc_params![method, format!("0x{}", hex::encode(args.encode()))])
			.await?;
		R::decode(&mut &hex_decode(&raw)?[..]).map_err(|e| {
			ChainError::Decode(format!(
				"{method}: {e} (is this client older than the chain's runtime?)"
			))
		})
	}

	/// The storage market's typed RPC client (`storageMarket_*`).
	pub fn storage_market(
		&self,
	) -> &(impl pallet_storage_market_rpc::StorageMarketApiClient<H256, AccountId32> + Sync) {
		&self.rpc
	}

	/// The compute market's typed RPC client (`compute_*`).
	pub fn compute_market(
		&self,
	) -> &(impl pallet_compute_market_rpc::ComputeMarketApiClient<H256, AccountId32> + Sync) {
		&self.rpc
	}

	/// The DA pallet's typed RPC client (`da_*`).
	pub fn da(&self) -> &(impl pallet_da_commitments_rpc::DaApiClient<H256, AccountId32> + Sync) {
		&self.rpc
	}
}

/// A dispatch error by name: the ZeroG pallets' errors decoded from the runtime
/// (`StorageMarket::BondTooLow`, `ComputeMarket::RefundLocked`).
pub fn describe(e: &DispatchError) -> String {
	use polkadot_sdk::frame_support::traits::PalletInfoAccess;
	if let DispatchError::Module(m) = e {
		let index = m.index as usize;
		if index == <zerog_runtime::StorageMarket as PalletInfoAccess>::index() {
			if let Ok(err) = pallet_storage_market::Error::<Runtime>::decode(&mut &m.error[..]) {
				let name: &'static str = err.into();
				return format!("StorageMarket::{name}");
			}
		}
		if index == <zerog_runtime::ComputeMarket as PalletInfoAccess>::index() {
			if let Ok(err) = pallet_compute_market::Error::<Runtime>::decode(&mut &m.error[..]) {
				let name: &'static str = err.into();
				return format!("ComputeMarket::{name}");
			}
		}
		if index == <zerog_runtime::DaCommitments as PalletInfoAccess>::index() {
			if let Ok(err) = pallet_da_commitments::Error::<Runtime>::decode(&mut &m.error[..]) {
				let name: &'static str = err.into();
				return format!("DaCommitments::{name}");
			}
		}
		if let Some(msg) = m.message {
			return msg.to_string();
		}
	}
	format!("{e:?}")
}
