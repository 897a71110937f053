//! The server side: [`DaCommitments`] answers each method from the runtime API.

use codec::Codec;
use jsonrpsee::core::{async_trait, RpcResult};
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_runtime::traits::{Block as BlockT, UniqueSaturatedInto},
};
use zerog_da_primitives::BlobStatus as Status;
use zerog_rpc_primitives::{runtime_error, Hex, RuntimeReader};

pub use zerog_da_primitives::runtime_api::DaCommitmentsApi as RuntimeApi;

use crate::{Blob, BlobStatus, Challenge, DaApiServer, Quorum, QuorumMember};

/// Serves `da_*` from a client's runtime API. `Balance` and `BlockNumber` are the
/// runtime's (amounts are reported as `u128`, blocks as `u64`).
pub type DaCommitments<C, Block, Balance, BlockNumber> =
	RuntimeReader<C, Block, Balance, BlockNumber>;

fn runtime(e: impl std::fmt::Debug) -> jsonrpsee::types::ErrorObjectOwned {
	runtime_error("DA", e)
}

#[async_trait]
impl<C, Block, AccountId, Balance, BlockNumber> DaApiServer<<Block as BlockT>::Hash, AccountId>
	for RuntimeReader<C, Block, Balance, BlockNumber>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
	Balance: Codec + Into<u128> + Send + Sync + 'static,
	BlockNumber: Codec + Into<u64> + Send + Sync + 'static,
{
	fn blob(&self, id: u64, hash: Option<Block::Hash>) -> RpcResult<Option<Blob<AccountId>>> {
		let Some(b) = self.client.runtime_api().blob(self.at(hash), id).map_err(runtime)? else {
			return Ok(None);
		};
		let (status, deadline, confirmed_at) = match b.status {
			Status::Processing { deadline } => {
				(BlobStatus::Processing, Some(deadline.into()), None)
			}
			Status::Confirmed { at } => (BlobStatus::Confirmed, None, Some(at.into())),
			Status::InsufficientSignatures => (BlobStatus::InsufficientSignatures, None, None),
		};
		let finalized: u64 = self.client.info().finalized_number.unique_saturated_into();
		Ok(Some(Blob {
			id,
			submitter: b.submitter,
			size: b.size,
			rows: zerog_da_primitives::rows_for(b.size),
			root: Hex(b.root),
			epoch: b.epoch,
			fee: b.fee.into(),
			status,
			deadline,
			confirmed_at,
			finalized: confirmed_at.is_some_and(|n| n <= finalized),
			signed_columns: b.signed_columns,
			attesters: b.attesters,
		}))
	}

	fn commitments(&self, id: u64, hash: Option<Block::Hash>) -> RpcResult<Option<Vec<Hex<48>>>> {
		let cs = self.client.runtime_api().commitments(self.at(hash), id).map_err(runtime)?;
		Ok(cs.map(|cs| cs.into_iter().map(Hex).collect()))
	}

	fn quorum(
		&self,
		epoch: Option<u32>,
		hash: Option<Block::Hash>,
	) -> RpcResult<Option<Quorum<AccountId>>> {
		let q = self.client.runtime_api().quorum(self.at(hash), epoch).map_err(runtime)?;
		Ok(q.map(|q| Quorum {
			epoch: q.epoch,
			members: q
				.members
				.into_iter()
				.map(|m| QuorumMember {
					signer: m.signer,
					key: m.key,
					first_column: m.first_column,
					columns: m.columns,
					endpoint: String::from_utf8_lossy(&m.endpoint).into_owned(),
				})
				.collect(),
		}))
	}

	fn challenges(
		&self,
		signer: Option<AccountId>,
		hash: Option<Block::Hash>,
	) -> RpcResult<Vec<Challenge<AccountId>>> {
		let open = self.client.runtime_api().challenges(self.at(hash), signer).map_err(runtime)?;
		Ok(open
			.into_iter()
			.map(|(id, c)| Challenge {
				id,
				blob: c.blob,
				row: c.row,
				column: c.column,
				signer: c.signer,
				deadline: c.deadline.into(),
			})
			.collect())
	}
}
