//! reed-solomon-simd: data split into `k` original shards, `n - k` recovery shards.

use crate::{check_shards, CodeParams, ErasureCoder, ErasureError};

/// reed-solomon-simd behind [`ErasureCoder`]. Shards `0..k` are the data itself
/// (zero-padded), so a complete set of them is read without decoding.
#[derive(Clone, Debug)]
pub struct SimdCoder {
	params: CodeParams,
}

impl SimdCoder {
	/// A coder with the given parameters.
	pub fn new(params: CodeParams) -> Self {
		Self { params }
	}

	fn shard_len(&self, len: usize) -> usize {
		// reed-solomon-simd wants an even, non-zero shard size.
		let per = len.div_ceil(self.params.k).max(1);
		per + (per & 1)
	}
}

impl ErasureCoder for SimdCoder {
	fn name(&self) -> &'static str {
		"reed-solomon-simd"
	}

	fn params(&self) -> CodeParams {
		self.params
	}

	fn encode(&self, data: &[u8]) -> Result<Vec<Vec<u8>>, ErasureError> {
		if data.is_empty() {
			return Err(ErasureError::EmptyPayload);
		}
		let CodeParams { k, n } = self.params;
		let shard_len = self.shard_len(data.len());
		let mut shards: Vec<Vec<u8>> = (0..k)
			.map(|i| {
				let start = (i * shard_len).min(data.len());
				let end = ((i + 1) * shard_len).min(data.len());
				let mut s = Vec::with_capacity(shard_len);
				s.extend_from_slice(&data[start..end]);
				s.resize(shard_len, 0);
				s
			})
			.collect();
		let recovery = reed_solomon_simd::encode(k, n - k, shards.iter())
			.map_err(|e| ErasureError::Codec(e.to_string()))?;
		shards.extend(recovery);
		Ok(shards)
	}

	fn reconstruct(&self, shards: &[Option<Vec<u8>>], len: usize) -> Result<Vec<u8>, ErasureError> {
		let CodeParams { k, n } = self.params;
		let shard_len = check_shards(shards, self.params)?;
		if shard_len * k < len || shard_len != self.shard_len(len.max(1)) {
			return Err(ErasureError::ShardLength(format!(
				"{shard_len}-byte shards do not hold a {len}-byte payload"
			)));
		}
		let have = shards.iter().filter(|s| s.is_some()).count();
		if have < k {
			return Err(ErasureError::NotEnoughShards { have, need: k });
		}
		let originals: Vec<(usize, &Vec<u8>)> = shards
			.iter()
			.take(k)
			.enumerate()
			.filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
			.collect();
		let mut out = Vec::with_capacity(shard_len * k);
		if originals.len() == k {
			for (_, s) in &originals {
				out.extend_from_slice(s);
			}
		} else {
			let recovery = shards
				.iter()
				.enumerate()
				.skip(k)
				.take(n - k)
				.filter_map(|(i, s)| s.as_ref().map(|s| (i - k, s)));
			let restored = reed_solomon_simd::decode(k, n - k, originals.iter().copied(), recovery)
				.map_err(|e| ErasureError::Codec(e.to_string()))?;
			for (i, shard) in shards.iter().enumerate().take(k) {
				match shard.as_ref().or_else(|| restored.get(&i)) {
					Some(s) => out.extend_from_slice(s),
					None => return Err(ErasureError::Codec(format!("shard {i} not restored"))),
				}
			}
		}
		out.truncate(len);
		Ok(out)
	}
}
