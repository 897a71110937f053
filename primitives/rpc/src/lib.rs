//! # ZeroG RPC primitives
//!
//! What the typed JSON-RPC crates of the pallets (`pallets/*/rpc`) share, so that every
//! `storageMarket_*`, `compute_*` and `da_*` method speaks alike:
//!
//! - amounts (`u128`) travel as decimal strings ([`amount`], [`option_amount`]): they
//!   exceed JavaScript's safe integers;
//! - every method takes an optional block hash as its last parameter; [`at`] (with the
//!   `server` feature) reads at it, or at the best block;
//! - errors: JSON-RPC's invalid params ([`invalid`]) and a failed runtime API call
//!   ([`runtime_error`], code [`RUNTIME_ERROR`]).
//!
//! Clients depend on this crate and the RPC crates without `server` and so never link the
//! runtime or a pallet.

use jsonrpsee::types::ErrorObjectOwned;

/// JSON-RPC's "invalid params".
pub const INVALID_PARAMS: i32 = -32602;
/// A runtime API call failed (unknown block, runtime error).
pub const RUNTIME_ERROR: i32 = 9100;

/// An "invalid params" error.
pub fn invalid(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(INVALID_PARAMS, format!("invalid params: {e}"), None::<()>)
}

/// A failed runtime API call of `api` (the storage market, ...).
pub fn runtime_error(api: &str, e: impl std::fmt::Debug) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(RUNTIME_ERROR, format!("{api} runtime API failed: {e:?}"), None::<()>)
}

/// The block to read at: the optional trailing hash, or the best block.
#[cfg(feature = "server")]
pub fn at<Block, C>(client: &C, hash: Option<Block::Hash>) -> Block::Hash
where
	Block: polkadot_sdk::sp_runtime::traits::Block,
	C: polkadot_sdk::sp_blockchain::HeaderBackend<Block>,
{
	hash.unwrap_or_else(|| client.info().best_hash)
}

/// What every pallet's RPC server is: a client to read the runtime API through, and the
/// runtime's block, balance and block-number types (replies carry amounts as `u128` and
/// blocks as `u64`). Each RPC crate implements its server trait for it.
#[cfg(feature = "server")]
pub struct RuntimeReader<C, Block, Balance, BlockNumber> {
	/// The client.
	pub client: std::sync::Arc<C>,
	_types: std::marker::PhantomData<(Block, Balance, BlockNumber)>,
}

#[cfg(feature = "server")]
impl<C, Block, Balance, BlockNumber> RuntimeReader<C, Block, Balance, BlockNumber>
where
	Block: polkadot_sdk::sp_runtime::traits::Block,
	C: polkadot_sdk::sp_blockchain::HeaderBackend<Block>,
{
	/// Serves over `client`.
	pub fn new(client: std::sync::Arc<C>) -> Self {
		Self { client, _types: std::marker::PhantomData }
	}

	/// The block to read at: `hash`, or the best block.
	pub fn at(&self, hash: Option<Block::Hash>) -> Block::Hash {
		at(&*self.client, hash)
	}
}

/// `N` bytes, written as `0x` and `2N` hex digits (ids, roots, commitments); reading
/// takes the `0x` as optional and refuses any other length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hex<const N: usize>(pub [u8; N]);

impl<const N: usize> serde::Serialize for Hex<N> {
	fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		let mut out = String::with_capacity(2 + 2 * N);
		out.push_str("0x");
		for b in self.0 {
			out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
			out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
		}
		s.serialize_str(&out)
	}
}

impl<'de, const N: usize> serde::Deserialize<'de> for Hex<N> {
	fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		use serde::de::Error;
		let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
		let digits = s.strip_prefix("0x").unwrap_or(&s).as_bytes();
		if digits.len() != 2 * N {
			return Err(D::Error::custom(format!("expected {N} bytes of 0x hex, got {s:?}")));
		}
		let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
		let mut out = [0u8; N];
		for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
			let (Some(hi), Some(lo)) = (nibble(pair[0]), nibble(pair[1])) else {
				return Err(D::Error::custom(format!("{s:?} is not hex")));
			};
			*byte = hi << 4 | lo;
		}
		Ok(Self(out))
	}
}

/// An amount as a decimal string (`#[serde(with = "amount")]`).
pub mod amount {
	use serde::{de::Error, Deserialize, Deserializer, Serializer};

	/// Writes `v` as a decimal string.
	pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
		s.collect_str(v)
	}

	/// Reads a decimal string.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
		let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
		s.parse().map_err(|e| D::Error::custom(format!("amount {s:?}: {e}")))
	}
}

/// An optional amount: a decimal string or `null` (`#[serde(with = "option_amount")]`).
pub mod option_amount {
	use serde::{Deserialize, Deserializer, Serializer};

	/// Writes `v` as a decimal string, or `null`.
	pub fn serialize<S: Serializer>(v: &Option<u128>, s: S) -> Result<S::Ok, S::Error> {
		match v {
			Some(v) => s.collect_str(v),
			None => s.serialize_none(),
		}
	}

	/// Reads a decimal string or `null`.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
		#[derive(Deserialize)]
		struct Wrap(#[serde(with = "super::amount")] u128);
		Ok(Option::<Wrap>::deserialize(d)?.map(|Wrap(v)| v))
	}
}

/// An amount or nothing (a refused submission, an unknown service), as a decimal string
/// or `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct OptionalAmount(#[serde(with = "option_amount")] pub Option<u128>);

#[cfg(test)]
mod tests {
	use serde::{Deserialize, Serialize};

	#[derive(Serialize, Deserialize, Debug, PartialEq)]
	struct Fees {
		#[serde(with = "super::amount")]
		fee: u128,
		#[serde(with = "super::option_amount")]
		quote: Option<u128>,
	}

	#[test]
	fn hex_is_exactly_n_bytes() {
		for bad in ["\"0x12\"", "\"zz\"", &format!("\"0x{}\"", "g".repeat(64)), "\"0x\u{e9}\""] {
			assert!(serde_json::from_str::<super::Hex<32>>(bad).is_err(), "{bad}");
		}
		let ok: super::Hex<32> = serde_json::from_str(&format!("\"{}\"", "fF".repeat(32))).unwrap();
		assert_eq!(ok.0, [0xff; 32]);
		let v = serde_json::to_value(super::Hex([0xab, 0x01])).unwrap();
		assert_eq!(v, "0xab01");
		assert_eq!(serde_json::from_value::<super::Hex<2>>(v).unwrap().0, [0xab, 0x01]);
	}

	#[test]
	fn amounts_are_decimal_strings_beyond_javascripts_safe_integers() {
		let f = Fees { fee: u128::MAX, quote: None };
		let json = serde_json::to_string(&f).unwrap();
		assert_eq!(json, format!(r#"{{"fee":"{}","quote":null}}"#, u128::MAX));
		assert_eq!(serde_json::from_str::<Fees>(&json).unwrap(), f);
		let q: Fees = serde_json::from_str(r#"{"fee":"1","quote":"9007199254740993"}"#).unwrap();
		assert_eq!(q.quote, Some(9_007_199_254_740_993));
		assert!(serde_json::from_str::<Fees>(r#"{"fee":1,"quote":null}"#).is_err());
		assert!(serde_json::from_str::<Fees>(r#"{"fee":"-1","quote":null}"#).is_err());
	}
}
