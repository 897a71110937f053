//! The server side: [`Inft`] answers each method from the runtime API.

use codec::{Codec, Encode};
use jsonrpsee::core::{async_trait, RpcResult};
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi, sp_blockchain::HeaderBackend, sp_runtime::traits::Block as BlockT,
};
use zerog_rpc_primitives::{runtime_error, Hex, RuntimeReader};

pub use zerog_inft_primitives::runtime_api::InftApi as RuntimeApi;

use crate::{Grant, InftApiServer, Sale, Token};

/// Serves `inft_*` from a client's runtime API. `Balance` and `BlockNumber` are the
/// runtime's (amounts are reported as `u128`, blocks as `u64`).
pub type Inft<C, Block, Balance, BlockNumber> = RuntimeReader<C, Block, Balance, BlockNumber>;

fn runtime(e: impl std::fmt::Debug) -> jsonrpsee::types::ErrorObjectOwned {
	runtime_error("iNFT", e)
}

fn sealed(s: &zerog_inft_primitives::SealedKey) -> Hex<64> {
	let mut out = [0u8; 64];
	out.copy_from_slice(&s.encode());
	Hex(out)
}

#[async_trait]
impl<C, Block, AccountId, Balance, BlockNumber> InftApiServer<<Block as BlockT>::Hash, AccountId>
	for RuntimeReader<C, Block, Balance, BlockNumber>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
	Balance: Codec + Into<u128> + Send + Sync + 'static,
	BlockNumber: Codec + Into<u64> + Send + Sync + 'static,
{
	fn token(
		&self,
		collection: u64,
		token: u64,
		hash: Option<Block::Hash>,
	) -> RpcResult<Option<Token<AccountId>>> {
		let api = self.client.runtime_api();
		let Some(t) = api.token(self.at(hash), collection, token).map_err(runtime)? else {
			return Ok(None);
		};
		Ok(Some(Token {
			collection,
			token,
			owner: t.info.owner,
			creator: t.info.creator,
			description: String::from_utf8_lossy(&t.info.data.description).into_owned(),
			file: Hex(t.info.data.file),
			size: t.info.data.size,
			key: Hex(t.info.key.0),
			sealed: sealed(&t.info.sealed),
			nonce: t.info.nonce,
			version: t.info.version,
			grants: t
				.grants
				.into_iter()
				.map(|g| Grant {
					executor: g.executor,
					key: Hex(g.key.0),
					sealed: sealed(&g.sealed),
					version: g.version,
				})
				.collect(),
			sale: t.sale.map(|s| {
				let (buyer, deadline) = match s.purchase {
					Some(p) => (Some(p.buyer), Some(p.deadline.into())),
					None => (None, None),
				};
				Sale { seller: s.seller, price: s.price.into(), buyer, deadline }
			}),
		}))
	}

	fn tokens_of(&self, owner: AccountId, hash: Option<Block::Hash>) -> RpcResult<Vec<(u64, u64)>> {
		self.client.runtime_api().tokens_of(self.at(hash), owner, None, 1_000).map_err(runtime)
	}

	fn encryption_key(
		&self,
		account: AccountId,
		hash: Option<Block::Hash>,
	) -> RpcResult<Option<Hex<32>>> {
		let key = self.client.runtime_api().encryption_key(self.at(hash), account);
		Ok(key.map_err(runtime)?.map(|k| Hex(k.0)))
	}

	fn genesis(&self, hash: Option<Block::Hash>) -> RpcResult<Hex<32>> {
		Ok(Hex(self.client.runtime_api().genesis(self.at(hash)).map_err(runtime)?))
	}
}
