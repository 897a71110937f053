//! reed-solomon-novelpoly (GF(2^16), as in Polkadot's availability store).

use reed_solomon_novelpoly::{CodeParams as NpParams, WrappedShard};

use crate::{check_shards, CodeParams, ErasureCoder, ErasureError};

/// reed-solomon-novelpoly behind [`ErasureCoder`]. The codec rounds `k` down to a power
/// of two internally, so it may need fewer shards than `k`; it never needs more.
#[derive(Clone, Debug)]
pub struct NovelPolyCoder {
	params: CodeParams,
	inner: NpParams,
}

impl NovelPolyCoder {
	/// A coder with the given parameters.
	pub fn new(params: CodeParams) -> Result<Self, ErasureError> {
		let inner = NpParams::derive_parameters(params.n, params.k)
			.map_err(|e| ErasureError::Codec(e.to_string()))?;
		Ok(Self { params, inner })
	}
}

impl ErasureCoder for NovelPolyCoder {
	fn name(&self) -> &'static str {
		"reed-solomon-novelpoly"
	}

	fn params(&self) -> CodeParams {
		self.params
	}

	fn encode(&self, data: &[u8]) -> Result<Vec<Vec<u8>>, ErasureError> {
		if data.is_empty() {
			return Err(ErasureError::EmptyPayload);
		}
		let shards: Vec<WrappedShard> = self
			.inner
			.make_encoder()
			.encode(data)
			.map_err(|e| ErasureError::Codec(e.to_string()))?;
		Ok(shards.into_iter().map(|s| s.into_inner()).collect())
	}

	fn reconstruct(&self, shards: &[Option<Vec<u8>>], len: usize) -> Result<Vec<u8>, ErasureError> {
		let shard_len = check_shards(shards, self.params)?;
		let encoder = self.inner.make_encoder();
		if shard_len != encoder.shard_len(len.max(1)) {
			return Err(ErasureError::ShardLength(format!(
				"{shard_len}-byte shards do not hold a {len}-byte payload"
			)));
		}
		let have = shards.iter().filter(|s| s.is_some()).count();
		let need = self.inner.k();
		if have < need {
			return Err(ErasureError::NotEnoughShards { have, need });
		}
		let received: Vec<Option<WrappedShard>> =
			shards.iter().map(|s| s.clone().map(WrappedShard::new)).collect();
		let mut out =
			encoder.reconstruct(received).map_err(|e| ErasureError::Codec(e.to_string()))?;
		if out.len() < len {
			return Err(ErasureError::ShardLength(format!("rebuilt {} of {len} bytes", out.len())));
		}
		out.truncate(len);
		Ok(out)
	}
}
