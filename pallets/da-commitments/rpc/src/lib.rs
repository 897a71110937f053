//! # DA commitments RPC
//!
//! The DA pallet's reads (`DaCommitmentsApi`) as JSON-RPC, typed on both ends: the trait
//! [`DaApi`] declares each method once; a node mounts [`DaCommitments`] (feature
//! `server`), and signers, samplers and `zg` call the generated `DaApiClient`.
//!
//! Every method takes an optional block hash as its last parameter (default: the best
//! block). Amounts are decimal strings, accounts SS58, bytes `0x` hex.
//!
//! | method | params | result |
//! |---|---|---|
//! | `da_blob` | `id, [at]` | [`Blob`] or `null` |
//! | `da_commitments` | `id, [at]` | `["0x…", …]` (one 48-byte commitment per row) or `null` |
//! | `da_quorum` | `[epoch], [at]` | [`Quorum`] or `null` |
//! | `da_challenges` | `[signer], [at]` | [`Challenge`]s |
//!
//! A blob's `status` is `processing` (until `deadline`), `confirmed` (at `confirmedAt`;
//! `finalized` once that block is final), or `insufficientSignatures`.

#[cfg(feature = "server")]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use serde::{Deserialize, Serialize};
use zerog_rpc_primitives::amount;
pub use zerog_rpc_primitives::Hex;

/// Where a blob stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BlobStatus {
	/// Gathering attestations until its deadline.
	Processing,
	/// Two thirds of the columns attested.
	Confirmed,
	/// Its deadline passed without enough attestations; the fee was refunded.
	InsufficientSignatures,
}

/// A blob's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob<AccountId> {
	/// Its id.
	pub id: u64,
	/// Who paid.
	pub submitter: AccountId,
	/// Size in bytes.
	pub size: u64,
	/// Rows of its layout.
	pub rows: u32,
	/// Root of its row commitments.
	pub root: Hex<32>,
	/// The epoch whose quorum attests it.
	pub epoch: u32,
	/// Fee paid.
	#[serde(with = "amount")]
	pub fee: u128,
	/// Where it stands.
	pub status: BlobStatus,
	/// Last block for attestations, while processing.
	pub deadline: Option<u64>,
	/// Block of confirmation.
	pub confirmed_at: Option<u64>,
	/// Whether that block is final.
	pub finalized: bool,
	/// Columns whose holders attested.
	pub signed_columns: u16,
	/// Signers that attested.
	pub attesters: Vec<AccountId>,
}

/// A quorum member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuorumMember<AccountId> {
	/// The signer's account.
	pub signer: AccountId,
	/// The key it attests with.
	pub key: AccountId,
	/// Its first column.
	pub first_column: u16,
	/// How many columns it holds.
	pub columns: u16,
	/// Where it takes cells.
	pub endpoint: String,
}

/// An epoch's quorum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quorum<AccountId> {
	/// The epoch.
	pub epoch: u32,
	/// Its members, in column order.
	pub members: Vec<QuorumMember<AccountId>>,
}

/// An open sampling challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge<AccountId> {
	/// Its id.
	pub id: u64,
	/// The blob.
	pub blob: u64,
	/// The cell's row.
	pub row: u32,
	/// The cell's column.
	pub column: u16,
	/// Who must answer.
	pub signer: AccountId,
	/// Last block to answer.
	pub deadline: u64,
}

/// The `da_*` methods.
#[cfg_attr(feature = "server", rpc(client, server))]
#[cfg_attr(not(feature = "server"), rpc(client))]
pub trait DaApi<BlockHash, AccountId> {
	/// Blob `id`'s record.
	#[method(name = "da_blob")]
	fn blob(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Option<Blob<AccountId>>>;

	/// Blob `id`'s row commitments, while the chain keeps them.
	#[method(name = "da_commitments")]
	fn commitments(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Option<Vec<Hex<48>>>>;

	/// An epoch's quorum (the current one without `epoch`), while it is retained.
	#[method(name = "da_quorum")]
	fn quorum(
		&self,
		epoch: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Quorum<AccountId>>>;

	/// Open sampling challenges, of one signer or all.
	#[method(name = "da_challenges")]
	fn challenges(
		&self,
		signer: Option<AccountId>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Challenge<AccountId>>>;
}

#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
pub use server::DaCommitments;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn replies_keep_their_documented_shape() {
		let b = Blob {
			id: 1,
			submitter: "sam".to_string(),
			size: 1000,
			rows: 1,
			root: Hex([2; 32]),
			epoch: 3,
			fee: 1000,
			status: BlobStatus::InsufficientSignatures,
			deadline: None,
			confirmed_at: None,
			finalized: false,
			signed_columns: 85,
			attesters: vec!["s1".to_string()],
		};
		let v = serde_json::to_value(&b).unwrap();
		assert_eq!(v["status"], "insufficientSignatures");
		assert_eq!(v["signedColumns"], 85);
		assert_eq!(v["fee"], "1000");
		assert!(v["confirmedAt"].is_null());
		assert_eq!(serde_json::from_value::<Blob<String>>(v).unwrap(), b);
		let m = QuorumMember {
			signer: "s".to_string(),
			key: "k".to_string(),
			first_column: 0,
			columns: 128,
			endpoint: "http://x".into(),
		};
		assert_eq!(serde_json::to_value(&m).unwrap()["firstColumn"], 0);
	}
}
