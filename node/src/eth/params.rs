//! Parameters and errors of the Ethereum JSON-RPC: block tags, quantities, log filters,
//! and the error objects Ethereum libraries recognise.

use jsonrpsee::types::ErrorObjectOwned;
use polkadot_sdk::sp_core::{H160, H256, U256};
use serde_json::Value;

/// JSON-RPC "invalid params".
pub const INVALID_PARAMS: i32 = -32602;
/// geth's code for a transaction or request the node refuses (nonce, funds, ...).
pub const SERVER_ERROR: i32 = -32000;
/// geth's code for a call that reverted; the error's data holds the revert data.
pub const EXECUTION_REVERTED: i32 = 3;
/// The node failed internally (runtime API, database).
pub const INTERNAL_ERROR: i32 = -32603;

pub fn invalid(msg: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(INVALID_PARAMS, format!("invalid params: {msg}"), None::<()>)
}

pub fn server(msg: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(SERVER_ERROR, msg.into(), None::<()>)
}

pub fn internal(msg: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(INTERNAL_ERROR, format!("internal error: {msg}"), None::<()>)
}

/// `execution reverted[: reason]`, with the raw revert data as the error's data.
pub fn reverted(data: &[u8]) -> ErrorObjectOwned {
	let message = match polkadot_sdk::pallet_revive::evm::decode_revert_reason(data) {
		// "revert: <message>" for `Error(string)`, "panic: ..." for `Panic(uint256)`.
		Some(reason) => {
			format!("execution reverted: {}", reason.strip_prefix("revert: ").unwrap_or(&reason))
		}
		None => "execution reverted".to_string(),
	};
	ErrorObjectOwned::owned(EXECUTION_REVERTED, message, Some(hex(data)))
}

pub fn hex(bytes: &[u8]) -> String {
	format!("0x{}", ::hex::encode(bytes))
}

pub fn quantity(n: impl Into<U256>) -> String {
	format!("{:#x}", n.into())
}

/// Which block a request is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockSpec {
	/// The best block (`latest`, `pending`, or no block given).
	Latest,
	/// The last finalized block (`safe`, `finalized`).
	Finalized,
	/// A block by number (`earliest` is 0).
	Number(u64),
	/// A block by its Ethereum hash.
	Hash(H256),
}

impl BlockSpec {
	/// Parses a block tag, number or `{ blockHash }` / `{ blockNumber }` object; `None`
	/// (parameter left out) is the latest block.
	pub fn parse(value: Option<&Value>) -> Result<Self, ErrorObjectOwned> {
		let Some(value) = value else { return Ok(Self::Latest) };
		match value {
			Value::Null => Ok(Self::Latest),
			Value::String(s) => match s.as_str() {
				"latest" | "pending" => Ok(Self::Latest),
				"safe" | "finalized" => Ok(Self::Finalized),
				"earliest" => Ok(Self::Number(0)),
				other => Ok(Self::Number(parse_u64(other, "block number")?)),
			},
			Value::Object(map) => {
				if let Some(hash) = map.get("blockHash") {
					Ok(Self::Hash(parse_h256(hash, "blockHash")?))
				} else if let Some(number) = map.get("blockNumber") {
					Self::parse(Some(number))
				} else {
					Err(invalid("a block object needs blockHash or blockNumber"))
				}
			}
			other => Err(invalid(format!("expected a block number or tag, got {other}"))),
		}
	}
}

fn strip(s: &str, what: &str) -> Result<String, ErrorObjectOwned> {
	s.strip_prefix("0x")
		.or_else(|| s.strip_prefix("0X"))
		.map(str::to_owned)
		.ok_or_else(|| invalid(format!("{what}: expected 0x-prefixed hex, got {s:?}")))
}

pub fn parse_u64(s: &str, what: &str) -> Result<u64, ErrorObjectOwned> {
	let digits = strip(s, what)?;
	if digits.is_empty() || digits.len() > 16 {
		return Err(invalid(format!("{what}: {s:?} is not a 64-bit hex quantity")));
	}
	u64::from_str_radix(&digits, 16).map_err(|_| invalid(format!("{what}: {s:?} is not hex")))
}

pub fn parse_bytes(value: &Value, what: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
	let s = value.as_str().ok_or_else(|| invalid(format!("{what}: expected a hex string")))?;
	let digits = strip(s, what)?;
	::hex::decode(&digits).map_err(|e| invalid(format!("{what}: {e}")))
}

fn parse_fixed<const N: usize>(value: &Value, what: &str) -> Result<[u8; N], ErrorObjectOwned> {
	let bytes = parse_bytes(value, what)?;
	bytes
		.try_into()
		.map_err(|b: Vec<u8>| invalid(format!("{what}: expected {N} bytes, got {}", b.len())))
}

pub fn parse_h160(value: &Value, what: &str) -> Result<H160, ErrorObjectOwned> {
	parse_fixed::<20>(value, what).map(H160)
}

pub fn parse_h256(value: &Value, what: &str) -> Result<H256, ErrorObjectOwned> {
	parse_fixed::<32>(value, what).map(H256)
}

/// A storage slot: any quantity up to 32 bytes, left-padded.
pub fn parse_slot(value: &Value) -> Result<[u8; 32], ErrorObjectOwned> {
	let s = value.as_str().ok_or_else(|| invalid("slot: expected a hex string"))?;
	let mut digits = strip(s, "slot")?;
	if digits.len() > 64 {
		return Err(invalid("slot: more than 32 bytes"));
	}
	if digits.len() % 2 == 1 {
		digits.insert(0, '0');
	}
	let bytes = ::hex::decode(&digits).map_err(|e| invalid(format!("slot: {e}")))?;
	let mut slot = [0u8; 32];
	slot[32 - bytes.len()..].copy_from_slice(&bytes);
	Ok(slot)
}

/// Most blocks one `eth_getLogs` request may scan.
pub const MAX_LOG_RANGE: u64 = 10_000;
/// Most logs one `eth_getLogs` request returns.
pub const MAX_LOGS: usize = 10_000;
/// Most addresses one log filter names (geth's limit): matching is linear in them.
pub const MAX_FILTER_ADDRESSES: usize = 1_000;
/// Most alternatives one topic position of a log filter lists (geth's limit).
pub const MAX_FILTER_TOPICS: usize = 1_000;

/// An `eth_getLogs` filter.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
	pub from: Option<BlockSpec>,
	pub to: Option<BlockSpec>,
	pub block_hash: Option<H256>,
	/// Empty: any address.
	pub addresses: Vec<H160>,
	/// Per position: empty means any topic there.
	pub topics: Vec<Vec<H256>>,
}

impl LogFilter {
	/// Parses a filter object. Its size is bounded: at most [`MAX_FILTER_ADDRESSES`]
	/// addresses, 4 topic positions and [`MAX_FILTER_TOPICS`] alternatives per position,
	/// so matching a log costs at most a few thousand comparisons.
	pub fn parse(value: &Value) -> Result<Self, ErrorObjectOwned> {
		let map = value.as_object().ok_or_else(|| invalid("the filter must be an object"))?;
		let mut filter = LogFilter::default();
		if let Some(hash) = map.get("blockHash").filter(|v| !v.is_null()) {
			if map.contains_key("fromBlock") || map.contains_key("toBlock") {
				return Err(invalid("blockHash excludes fromBlock and toBlock"));
			}
			filter.block_hash = Some(parse_h256(hash, "blockHash")?);
		}
		if let Some(v) = map.get("fromBlock") {
			filter.from = Some(BlockSpec::parse(Some(v))?);
		}
		if let Some(v) = map.get("toBlock") {
			filter.to = Some(BlockSpec::parse(Some(v))?);
		}
		match map.get("address") {
			None | Some(Value::Null) => {}
			Some(Value::Array(list)) => {
				if list.len() > MAX_FILTER_ADDRESSES {
					return Err(invalid(format!(
						"exceed max addresses: {} > {MAX_FILTER_ADDRESSES}",
						list.len()
					)));
				}
				for a in list {
					filter.addresses.push(parse_h160(a, "address")?);
				}
			}
			Some(a) => filter.addresses.push(parse_h160(a, "address")?),
		}
		match map.get("topics") {
			None | Some(Value::Null) => {}
			Some(Value::Array(positions)) => {
				if positions.len() > 4 {
					return Err(invalid("at most 4 topic positions"));
				}
				for position in positions {
					filter.topics.push(match position {
						Value::Null => Vec::new(),
						Value::Array(alternatives) => {
							if alternatives.len() > MAX_FILTER_TOPICS {
								return Err(invalid(format!(
									"exceed max topics per position: {} > {MAX_FILTER_TOPICS}",
									alternatives.len()
								)));
							}
							alternatives
								.iter()
								.map(|t| parse_h256(t, "topic"))
								.collect::<Result<_, _>>()?
						}
						t => vec![parse_h256(t, "topic")?],
					});
				}
			}
			Some(_) => return Err(invalid("topics must be an array")),
		}
		Ok(filter)
	}

	/// Whether a log matches the address and topic parts of the filter. As in geth, a
	/// filter naming n topic positions (even as wildcards) only matches logs with at
	/// least n topics.
	pub fn matches(&self, address: &H160, topics: &[H256]) -> bool {
		if !self.addresses.is_empty() && !self.addresses.contains(address) {
			return false;
		}
		if self.topics.len() > topics.len() {
			return false;
		}
		self.topics.iter().enumerate().all(|(i, wanted)| {
			wanted.is_empty() || topics.get(i).is_some_and(|t| wanted.contains(t))
		})
	}

	/// Whether a block's bloom filter may hold a matching log.
	pub fn may_match_bloom(&self, bloom: &[u8]) -> bool {
		use super::runtime::bloom_contains;
		let address_ok = self.addresses.is_empty()
			|| self.addresses.iter().any(|a| bloom_contains(bloom, a.as_bytes()));
		address_ok
			&& self.topics.iter().all(|wanted| {
				wanted.is_empty() || wanted.iter().any(|t| bloom_contains(bloom, t.as_bytes()))
			})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn block_specs_parse_as_ethereum_clients_send_them() {
		assert_eq!(BlockSpec::parse(None).unwrap(), BlockSpec::Latest);
		assert_eq!(BlockSpec::parse(Some(&json!("pending"))).unwrap(), BlockSpec::Latest);
		assert_eq!(BlockSpec::parse(Some(&json!("finalized"))).unwrap(), BlockSpec::Finalized);
		assert_eq!(BlockSpec::parse(Some(&json!("earliest"))).unwrap(), BlockSpec::Number(0));
		assert_eq!(BlockSpec::parse(Some(&json!("0x1f"))).unwrap(), BlockSpec::Number(31));
		let hash = format!("0x{}", "ab".repeat(32));
		assert_eq!(
			BlockSpec::parse(Some(&json!({ "blockHash": hash }))).unwrap(),
			BlockSpec::Hash(H256::repeat_byte(0xab))
		);
		for bad in [json!("31"), json!("0x"), json!("0xzz"), json!(5), json!({})] {
			let err = BlockSpec::parse(Some(&bad)).unwrap_err();
			assert_eq!(err.code(), INVALID_PARAMS, "{bad}");
		}
	}

	#[test]
	fn filters_match_address_and_topic_positions() {
		let a = H160::repeat_byte(1);
		let t0 = H256::repeat_byte(2);
		let t1 = H256::repeat_byte(3);
		let filter = LogFilter::parse(&json!({
			"address": format!("{a:?}"),
			"topics": [format!("{t0:?}"), null, [format!("{t1:?}"), format!("{t0:?}")]],
		}))
		.unwrap();
		assert!(filter.matches(&a, &[t0, t1, t1]));
		assert!(filter.matches(&a, &[t0, t0, t0]));
		assert!(!filter.matches(&a, &[t0, t1]), "a required third topic is missing");
		assert!(!filter.matches(&a, &[t1, t1, t1]), "first topic differs");
		assert!(!filter.matches(&H160::repeat_byte(9), &[t0, t1, t1]), "other address");
		let wildcards = LogFilter::parse(&json!({ "topics": [null, null, null] })).unwrap();
		assert!(wildcards.matches(&a, &[t0, t1, t1]));
		assert!(!wildcards.matches(&a, &[t0, t1]), "three positions need three topics");
		assert!(LogFilter::parse(&json!({ "topics": [] })).unwrap().matches(&a, &[]));
		assert!(LogFilter::parse(&json!({ "topics": [null, null, null, null, null] })).is_err());
		assert!(LogFilter::parse(&json!({ "blockHash": format!("{t0:?}"), "fromBlock": "0x1" }))
			.is_err());
	}

	#[test]
	fn filters_are_bounded_in_size() {
		let address = |i: usize| format!("0x{i:040x}");
		let addresses: Vec<String> = (0..MAX_FILTER_ADDRESSES).map(address).collect();
		assert_eq!(
			LogFilter::parse(&json!({ "address": addresses })).unwrap().addresses.len(),
			MAX_FILTER_ADDRESSES
		);
		let too_many: Vec<String> = (0..=MAX_FILTER_ADDRESSES).map(address).collect();
		let err = LogFilter::parse(&json!({ "address": too_many })).unwrap_err();
		assert_eq!(err.code(), INVALID_PARAMS);
		assert!(err.message().contains("exceed max addresses"), "{}", err.message());
		let topics: Vec<String> = (0..=MAX_FILTER_TOPICS).map(|i| format!("0x{i:064x}")).collect();
		let err = LogFilter::parse(&json!({ "topics": [null, topics] })).unwrap_err();
		assert!(err.message().contains("exceed max topics"), "{}", err.message());
	}

	#[test]
	fn slots_are_left_padded() {
		assert_eq!(parse_slot(&json!("0x1")).unwrap()[31], 1);
		assert!(parse_slot(&json!(format!("0x{}", "00".repeat(33)))).is_err());
	}
}

/// Whatever an Ethereum client sends, every parameter parser answers a value or a typed
/// invalid-params error, and a raw transaction decodes or is refused: never a panic.
#[cfg(test)]
mod fuzz {
	use super::*;
	use polkadot_sdk::pallet_revive::{
		evm::TransactionSigned, pallet_revive_types::runtime_api::GenericTransactionV1,
	};
	use proptest::prelude::*;
	/// JSON shaped like Ethereum params, and not quite: hex of any length and case,
	/// words, numbers, and objects with the filter and transaction keys.
	fn param() -> impl Strategy<Value = Value> {
		let leaf = prop_oneof![
			"0x[0-9a-fA-F]{0,80}".prop_map(Value::from),
			"(latest|pending|earliest|finalized|safe|0x|0X)?[0-9a-z]{0,12}".prop_map(Value::from),
			".{0,24}".prop_map(Value::from),
			any::<i64>().prop_map(Value::from),
			any::<bool>().prop_map(Value::from),
			Just(Value::Null),
		];
		leaf.prop_recursive(3, 24, 6, |inner| {
			let keys = prop::sample::select(vec![
				"fromBlock",
				"toBlock",
				"blockHash",
				"address",
				"topics",
				"from",
				"to",
				"gas",
				"gasPrice",
				"maxFeePerGas",
				"value",
				"data",
				"input",
				"nonce",
				"chainId",
				"accessList",
				"type",
				"other",
			]);
			prop_oneof![
				prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
				prop::collection::btree_map(keys, inner, 0..6).prop_map(|m| {
					Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
				}),
			]
		})
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(2_000))]

		#[test]
		fn any_param_is_parsed_or_refused_with_invalid_params(v in param()) {
			for r in [
				BlockSpec::parse(Some(&v)).map(|_| ()),
				parse_bytes(&v, "data").map(|_| ()),
				parse_h160(&v, "address").map(|_| ()),
				parse_h256(&v, "hash").map(|_| ()),
				parse_slot(&v).map(|_| ()),
				LogFilter::parse(&v).map(|_| ()),
			] {
				if let Err(e) = r {
					prop_assert_eq!(e.code(), INVALID_PARAMS, "{}", v);
				}
			}
			let _ = serde_json::from_value::<GenericTransactionV1>(v);
		}

		#[test]
		fn any_raw_transaction_decodes_or_is_refused(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
			let _ = TransactionSigned::decode(&bytes);
			// And with each typed-transaction prefix, so the decoder gets past the first byte.
			for prefix in [0x01u8, 0x02, 0x03, 0x04, 0xc0, 0xf8] {
				let mut typed = vec![prefix];
				typed.extend_from_slice(&bytes);
				let _ = TransactionSigned::decode(&typed);
			}
		}
	}
}
