//! `da_*` JSON-RPC: the DA pallet's runtime API (`DaCommitmentsApi`) as plain JSON for
//! signers, samplers, rollups and web front ends that do not decode SCALE.
//!
//! Every method takes an optional block hash as its last parameter (default: the best
//! block). Balances are decimal strings, accounts SS58, bytes `0x` hex.
//!
//! | method | params | result |
//! |---|---|---|
//! | `da_blob` | `id, [at]` | `{ id, submitter, size, rows, root, epoch, fee, status, deadline, confirmedAt, finalized, signedColumns, attesters }` or `null` |
//! | `da_commitments` | `id, [at]` | `["0x…", …]` (one per row) or `null` |
//! | `da_quorum` | `[epoch], [at]` | `{ epoch, members: [{ signer, key, firstColumn, columns, endpoint }] }` or `null` |
//! | `da_challenges` | `[signer], [at]` | `[{ id, blob, row, column, signer, deadline }]` |
//!
//! `status` is `processing` (until `deadline`), `confirmed` (at `confirmedAt`; `finalized`
//! once that block is final), or `insufficientSignatures`.

use std::sync::Arc;

use jsonrpsee::{
	types::{ErrorObjectOwned, Params},
	RpcModule,
};
use pallet_da_commitments_runtime_api::{BlobStatus, DaCommitmentsApi};
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_core::{crypto::Ss58Codec, H256},
};
use serde_json::{json, Value};
use zerog_runtime::{opaque::Block, AccountId, Balance, BlockNumber};

use crate::rpc::{at, hex, invalid};

fn runtime(e: impl std::fmt::Debug) -> ErrorObjectOwned {
	crate::rpc::runtime_error("DA", e)
}

/// The `da_*` methods over `client`.
pub fn rpc_module<C>(
	client: Arc<C>,
) -> Result<RpcModule<Arc<C>>, jsonrpsee::core::RegisterMethodError>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DaCommitmentsApi<Block, AccountId, Balance, BlockNumber>,
{
	let mut module = RpcModule::new(client);

	module.register_method("da_blob", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let id: u64 = seq.next().map_err(invalid)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let Some(b) = client.runtime_api().blob(at(&**client, hash), id).map_err(runtime)? else {
			return Ok::<_, ErrorObjectOwned>(Value::Null);
		};
		let (status, deadline, confirmed_at) = match b.status {
			BlobStatus::Processing { deadline } => ("processing", Some(deadline), None),
			BlobStatus::Confirmed { at } => ("confirmed", None, Some(at)),
			BlobStatus::InsufficientSignatures => ("insufficientSignatures", None, None),
		};
		Ok(json!({
			"id": id,
			"submitter": b.submitter.to_ss58check(),
			"size": b.size,
			"rows": zerog_da_primitives::rows_for(b.size),
			"root": hex(&b.root),
			"epoch": b.epoch,
			"fee": b.fee.to_string(),
			"status": status,
			"deadline": deadline,
			"confirmedAt": confirmed_at,
			"finalized": confirmed_at.is_some_and(|n| n <= client.info().finalized_number),
			"signedColumns": b.signed_columns,
			"attesters": b.attesters.iter().map(|a| a.to_ss58check()).collect::<Vec<_>>(),
		}))
	})?;

	module.register_method("da_commitments", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let id: u64 = seq.next().map_err(invalid)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let commitments =
			client.runtime_api().commitments(at(&**client, hash), id).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(
			commitments
				.map(|cs| Value::Array(cs.iter().map(|c| Value::String(hex(c))).collect()))
				.unwrap_or(Value::Null),
		)
	})?;

	module.register_method("da_quorum", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let epoch: Option<u32> = seq.optional_next().map_err(invalid)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let quorum = client.runtime_api().quorum(at(&**client, hash), epoch).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(
			quorum
				.map(|q| {
					json!({
						"epoch": q.epoch,
						"members": q.members.iter().map(|m| json!({
							"signer": m.signer.to_ss58check(),
							"key": m.key.to_ss58check(),
							"firstColumn": m.first_column,
							"columns": m.columns,
							"endpoint": String::from_utf8_lossy(&m.endpoint),
						})).collect::<Vec<_>>(),
					})
				})
				.unwrap_or(Value::Null),
		)
	})?;

	module.register_method("da_challenges", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let signer: Option<String> = seq.optional_next().map_err(invalid)?;
		let signer = signer
			.map(|s| {
				AccountId::from_ss58check(&s).map_err(|e| invalid(format!("account {s:?}: {e:?}")))
			})
			.transpose()?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let open = client.runtime_api().challenges(at(&**client, hash), signer).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(Value::Array(
			open.iter()
				.map(|(id, c)| {
					json!({
						"id": id, "blob": c.blob, "row": c.row, "column": c.column,
						"signer": c.signer.to_ss58check(), "deadline": c.deadline,
					})
				})
				.collect(),
		))
	})?;

	Ok(module)
}
