//! # iNFT RPC
//!
//! The iNFT pallet's reads (`InftApi`) as JSON-RPC, typed on both ends: the trait
//! [`InftApi`] declares each method once; a node mounts [`Inft`] (feature `server`), and
//! wallets and tools call the generated `InftApiClient`.
//!
//! Every method takes an optional block hash as its last parameter (default: the best
//! block). Amounts are decimal strings, accounts SS58, bytes `0x` hex; a token is named
//! by its collection and token ids.
//!
//! | method | params | result |
//! |---|---|---|
//! | `inft_token` | `collection, token, [at]` | [`Token`] or `null` |
//! | `inft_tokensOf` | `owner, [at]` | `[[collection, token], …]` (at most 1,000) |
//! | `inft_encryptionKey` | `account, [at]` | `"0x…"` (32 bytes) or `null` |
//! | `inft_genesis` | `[at]` | `"0x…"`: the hash every proof is bound to |

#[cfg(feature = "server")]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use serde::{Deserialize, Serialize};
use zerog_rpc_primitives::amount;
pub use zerog_rpc_primitives::Hex;

/// A usage grant: the data key sealed to an executor's key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant<AccountId> {
	pub executor: AccountId,
	/// The executor's key the grant is sealed to.
	pub key: Hex<32>,
	/// `(C1, C2)`, 64 bytes.
	pub sealed: Hex<64>,
	/// The data version it opens.
	pub version: u32,
}

/// A token for sale, and its buyer once one paid into escrow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sale<AccountId> {
	pub seller: AccountId,
	#[serde(with = "amount")]
	pub price: u128,
	pub buyer: Option<AccountId>,
	/// The last block the seller can deliver in.
	pub deadline: Option<u64>,
}

/// A token as wallets show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Token<AccountId> {
	pub collection: u64,
	pub token: u64,
	pub owner: AccountId,
	pub creator: AccountId,
	/// Public description (UTF-8, lossy).
	pub description: String,
	/// The encrypted file's id in ZeroG storage.
	pub file: Hex<32>,
	/// The encrypted file's plaintext size in bytes.
	pub size: u64,
	/// The key the data key is sealed to.
	pub key: Hex<32>,
	/// The data key's point sealed to `key`, 64 bytes.
	pub sealed: Hex<64>,
	/// What the next handover proof binds.
	pub nonce: u64,
	pub version: u32,
	pub grants: Vec<Grant<AccountId>>,
	pub sale: Option<Sale<AccountId>>,
}

/// The `inft_*` methods.
#[cfg_attr(feature = "server", rpc(client, server))]
#[cfg_attr(not(feature = "server"), rpc(client))]
pub trait InftApi<BlockHash, AccountId> {
	/// A token with its grants and sale.
	#[method(name = "inft_token")]
	fn token(
		&self,
		collection: u64,
		token: u64,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Token<AccountId>>>;

	/// The tokens `owner` holds.
	#[method(name = "inft_tokensOf")]
	fn tokens_of(&self, owner: AccountId, at: Option<BlockHash>) -> RpcResult<Vec<(u64, u64)>>;

	/// An account's registered encryption key.
	#[method(name = "inft_encryptionKey")]
	fn encryption_key(
		&self,
		account: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Hex<32>>>;

	/// The genesis hash handover proofs are bound to.
	#[method(name = "inft_genesis")]
	fn genesis(&self, at: Option<BlockHash>) -> RpcResult<Hex<32>>;
}

#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
pub use server::Inft;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_token_keeps_its_documented_shape() {
		let token = Token {
			collection: 0,
			token: 3,
			owner: "5Grw".to_string(),
			creator: "5Grw".to_string(),
			description: "agent".into(),
			file: Hex([1; 32]),
			size: 8,
			key: Hex([2; 32]),
			sealed: Hex([3; 64]),
			nonce: 1,
			version: 0,
			grants: vec![],
			sale: Some(Sale {
				seller: "5Grw".into(),
				price: 5_000_000_000_000_000_000,
				buyer: None,
				deadline: None,
			}),
		};
		let v = serde_json::to_value(&token).unwrap();
		assert_eq!(v["sale"]["price"], "5000000000000000000");
		assert_eq!(v["file"], format!("0x{}", "01".repeat(32)));
		assert_eq!(v["sealed"].as_str().unwrap().len(), 2 + 128);
		assert_eq!(serde_json::from_value::<Token<String>>(v).unwrap(), token);
	}
}
