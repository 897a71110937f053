//! The server side: [`ComputeMarket`] answers each method from the runtime API.

use codec::Codec;
use jsonrpsee::core::{async_trait, RpcResult};
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi, sp_blockchain::HeaderBackend, sp_runtime::traits::Block as BlockT,
};
use zerog_compute_primitives::{LedgerInfo, ServiceInfo};
use zerog_rpc_primitives::{runtime_error, OptionalAmount, RuntimeReader};

pub use zerog_compute_primitives::runtime_api::ComputeMarketApi as RuntimeApi;

use crate::{ComputeMarketApiServer, Ledger, Service, ServiceKind, ServiceStatus, SubAccount};

/// Serves `compute_*` from a client's runtime API. `Balance` and `BlockNumber` are the
/// runtime's (amounts are reported as `u128`, blocks as `u64`).
pub type ComputeMarket<C, Block, Balance, BlockNumber> =
	RuntimeReader<C, Block, Balance, BlockNumber>;

fn runtime(e: impl std::fmt::Debug) -> jsonrpsee::types::ErrorObjectOwned {
	runtime_error("compute market", e)
}

fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}

fn service<AccountId, Balance: Into<u128>, BlockNumber: Into<u64>>(
	s: ServiceInfo<AccountId, Balance, BlockNumber>,
) -> Service<AccountId> {
	use zerog_compute_primitives::{ServiceKind as Kind, ServiceStatus as Status};
	let (status, retiring_until) = match s.status {
		Status::Active => (ServiceStatus::Active, None),
		Status::Unbonding { until } => (ServiceStatus::Retiring, Some(until.into())),
	};
	Service {
		id: s.id,
		provider: s.provider,
		kind: match s.kind {
			Kind::Chat => ServiceKind::Chat,
			Kind::Embeddings => ServiceKind::Embeddings,
		},
		name: text(&s.name),
		model: text(&s.model),
		endpoint: text(&s.endpoint),
		input_price: s.input_price.into(),
		output_price: s.output_price.into(),
		signer: s.signer,
		bond: s.bond.into(),
		status,
		retiring_until,
	}
}

fn ledger<AccountId, Balance: Into<u128>, BlockNumber: Into<u64>>(
	l: LedgerInfo<AccountId, Balance, BlockNumber>,
) -> Ledger<AccountId> {
	Ledger {
		available: l.available.into(),
		sub_accounts: l
			.sub_accounts
			.into_iter()
			.map(|(provider, sub)| SubAccount {
				provider,
				balance: sub.balance.into(),
				pending_refund: sub.pending_refund.into(),
				refund_unlock: sub.refund_unlock.into(),
				last_nonce: sub.last_nonce,
			})
			.collect(),
	}
}

#[async_trait]
impl<C, Block, AccountId, Balance, BlockNumber>
	ComputeMarketApiServer<<Block as BlockT>::Hash, AccountId>
	for RuntimeReader<C, Block, Balance, BlockNumber>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
	Balance: Codec + Into<u128> + Send + Sync + 'static,
	BlockNumber: Codec + Into<u64> + Send + Sync + 'static,
{
	fn services(&self, hash: Option<Block::Hash>) -> RpcResult<Vec<Service<AccountId>>> {
		let all = self.client.runtime_api().services(self.at(hash)).map_err(runtime)?;
		Ok(all.into_iter().map(service).collect())
	}

	fn ledger(
		&self,
		user: AccountId,
		hash: Option<Block::Hash>,
	) -> RpcResult<Option<Ledger<AccountId>>> {
		let l = self.client.runtime_api().ledger(self.at(hash), user).map_err(runtime)?;
		Ok(l.map(ledger))
	}

	fn fee(
		&self,
		service: u64,
		input: u32,
		output: u32,
		hash: Option<Block::Hash>,
	) -> RpcResult<OptionalAmount> {
		let fee = self
			.client
			.runtime_api()
			.fee(self.at(hash), service, input, output)
			.map_err(runtime)?;
		Ok(OptionalAmount(fee.map(Into::into)))
	}
}
