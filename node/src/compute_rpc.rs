//! `compute_*` JSON-RPC: the compute market's runtime API (`ComputeMarketApi`) as plain
//! JSON for providers, the `zg` CLI and web front ends that do not decode SCALE.
//!
//! Every method takes an optional block hash as its last parameter (default: the best
//! block). Balances are decimal strings, accounts SS58.
//!
//! | method | params | result |
//! |---|---|---|
//! | `compute_services` | `[at]` | `[{ id, provider, kind, name, model, endpoint, inputPrice, outputPrice, signer, bond, status, retiringUntil }]` |
//! | `compute_ledger` | `user, [at]` | `{ available, subAccounts: [{ provider, balance, pendingRefund, refundUnlock, lastNonce }] }` or `null` |
//! | `compute_fee` | `service, inputTokens, outputTokens, [at]` | fee or `null` if the service does not exist or it overflows |

use std::sync::Arc;

use jsonrpsee::{
	types::{ErrorObjectOwned, Params},
	RpcModule,
};
use pallet_compute_market::{ServiceKind, ServiceStatus};
use pallet_compute_market_runtime_api::{ComputeMarketApi, LedgerInfo, ServiceInfo};
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_core::{crypto::Ss58Codec, H256},
};
use serde_json::{json, Value};
use zerog_runtime::{opaque::Block, AccountId, Balance, BlockNumber};

use crate::rpc::{at, invalid};

fn runtime(e: impl std::fmt::Debug) -> ErrorObjectOwned {
	crate::rpc::runtime_error("compute market", e)
}

/// An SS58 account from a JSON string.
fn account(s: &str) -> Result<AccountId, ErrorObjectOwned> {
	AccountId::from_ss58check(s).map_err(|e| invalid(format!("account {s:?}: {e:?}")))
}

/// A service as JSON.
pub fn service_json(s: &ServiceInfo<AccountId, Balance, BlockNumber>) -> Value {
	let (status, until) = match s.status {
		ServiceStatus::Active => ("active", None),
		ServiceStatus::Retiring { until } => ("retiring", Some(until)),
	};
	json!({
		"id": s.id,
		"provider": s.provider.to_ss58check(),
		"kind": match s.kind { ServiceKind::Chat => "chat", ServiceKind::Embeddings => "embeddings" },
		"name": String::from_utf8_lossy(&s.name),
		"model": String::from_utf8_lossy(&s.model),
		"endpoint": String::from_utf8_lossy(&s.endpoint),
		"inputPrice": s.input_price.to_string(),
		"outputPrice": s.output_price.to_string(),
		"signer": s.signer.to_ss58check(),
		"bond": s.bond.to_string(),
		"status": status,
		"retiringUntil": until,
	})
}

/// A ledger as JSON.
pub fn ledger_json(l: &LedgerInfo<AccountId, Balance, BlockNumber>) -> Value {
	json!({
		"available": l.available.to_string(),
		"subAccounts": l.sub_accounts.iter().map(|(provider, sub)| json!({
			"provider": provider.to_ss58check(),
			"balance": sub.balance.to_string(),
			"pendingRefund": sub.pending_refund.to_string(),
			"refundUnlock": sub.refund_unlock,
			"lastNonce": sub.last_nonce,
		})).collect::<Vec<_>>(),
	})
}

/// The `compute_*` methods over `client`.
pub fn rpc_module<C>(
	client: Arc<C>,
) -> Result<RpcModule<Arc<C>>, jsonrpsee::core::RegisterMethodError>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ComputeMarketApi<Block, AccountId, Balance, BlockNumber>,
{
	let mut module = RpcModule::new(client);

	module.register_method("compute_services", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let services = client.runtime_api().services(at(&**client, hash)).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(Value::Array(services.iter().map(service_json).collect()))
	})?;

	module.register_method("compute_ledger", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let user: String = seq.next().map_err(invalid)?;
		let user = account(&user)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let ledger = client.runtime_api().ledger(at(&**client, hash), user).map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(ledger.as_ref().map(ledger_json).unwrap_or(Value::Null))
	})?;

	module.register_method("compute_fee", |params: Params, client: &Arc<C>, _| {
		let mut seq = params.sequence();
		let service: u64 = seq.next().map_err(invalid)?;
		let input: u32 = seq.next().map_err(invalid)?;
		let output: u32 = seq.next().map_err(invalid)?;
		let hash: Option<H256> = seq.optional_next().map_err(invalid)?;
		let fee = client
			.runtime_api()
			.fee(at(&**client, hash), service, input, output)
			.map_err(runtime)?;
		Ok::<_, ErrorObjectOwned>(fee.map(|f| Value::String(f.to_string())).unwrap_or(Value::Null))
	})?;

	Ok(module)
}
