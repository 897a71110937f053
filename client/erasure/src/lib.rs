//! # ZeroG erasure coding
//!
//! A file's segments are grouped into stripes of `k`, each extended with `n - k` parity
//! segments so that any `k` of a stripe's `n` rebuild it ([`layout`]); nodes shard by
//! segment index, so a file survives the loss of `n - k` of every `n` nodes holding it.
//! The default, `k = 5` of `n = 8`, survives any 37.5 % of them (0G promises 30 %), and
//! `n` is a power of two so that it divides evenly over power-of-two shard counts.
//!
//! Two codecs sit behind [`ErasureCoder`]:
//! - [`SimdCoder`] (reed-solomon-simd, Leopard-RS in GF(2^16) with SIMD): the default,
//!   being the faster one measured in `benches/erasure.rs` (see docs/performance.md);
//! - [`NovelPolyCoder`] (reed-solomon-novelpoly, the design's original choice).
//!
//! Both are systematic in interface: [`ErasureCoder::encode`] returns `n` equal-length
//! shards, [`ErasureCoder::reconstruct`] takes any subset (as `Option`s in shard order)
//! and the original length, and returns the original bytes or a typed error; no input
//! makes them panic.

use thiserror::Error;

/// Coding parameters: `k` data shards out of `n` total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeParams {
	/// Shards needed to rebuild.
	pub k: usize,
	/// Shards produced.
	pub n: usize,
}

impl CodeParams {
	/// Checked parameters: `1 <= k < n <= 65536`.
	pub fn new(k: usize, n: usize) -> Result<Self, ErasureError> {
		if k == 0 || n <= k || n > 65536 {
			return Err(ErasureError::InvalidParams { k, n });
		}
		Ok(Self { k, n })
	}

	/// Share of shards that may be lost, e.g. 0.3 for 7-of-10.
	pub fn loss_tolerance(&self) -> f64 {
		(self.n - self.k) as f64 / self.n as f64
	}
}

impl Default for CodeParams {
	/// 5 of 8: any 37.5 % of the shards may be lost.
	fn default() -> Self {
		Self { k: 5, n: 8 }
	}
}

/// Why coding failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ErasureError {
	/// Parameters outside what the codec supports.
	#[error("invalid erasure parameters k={k}, n={n}: need 1 <= k < n <= 65536")]
	InvalidParams { k: usize, n: usize },
	/// Nothing to encode.
	#[error("cannot encode an empty payload")]
	EmptyPayload,
	/// Fewer shards than needed.
	#[error("not enough shards to rebuild: have {have}, need {need}")]
	NotEnoughShards { have: usize, need: usize },
	/// Shards of different lengths, or a length that does not fit the payload.
	#[error("shard length mismatch: {0}")]
	ShardLength(String),
	/// More shards than `n`.
	#[error("{got} shards given, the code has {n}")]
	TooManyShards { got: usize, n: usize },
	/// The codec itself refused.
	#[error("codec error: {0}")]
	Codec(String),
}

/// An erasure code over byte payloads.
pub trait ErasureCoder: Send + Sync {
	/// The codec's name, for logs and benchmarks.
	fn name(&self) -> &'static str;
	/// Its parameters.
	fn params(&self) -> CodeParams;
	/// Encodes `data` into `n` shards of equal length.
	fn encode(&self, data: &[u8]) -> Result<Vec<Vec<u8>>, ErasureError>;
	/// Rebuilds the first `len` bytes of the payload from the shards present
	/// (`shards[i]` is shard `i` or `None`).
	fn reconstruct(&self, shards: &[Option<Vec<u8>>], len: usize) -> Result<Vec<u8>, ErasureError>;
}

/// The default coder: the faster of the two as measured, with the given parameters.
pub fn default_coder(params: CodeParams) -> Box<dyn ErasureCoder> {
	Box::new(SimdCoder::new(params))
}

pub mod layout;
mod novelpoly;
mod simd;
pub use novelpoly::NovelPolyCoder;
pub use simd::SimdCoder;

/// Checks shard count and equal lengths; returns the common shard length.
fn check_shards(shards: &[Option<Vec<u8>>], params: CodeParams) -> Result<usize, ErasureError> {
	if shards.len() > params.n {
		return Err(ErasureError::TooManyShards { got: shards.len(), n: params.n });
	}
	let mut len = None;
	for s in shards.iter().flatten() {
		match len {
			None => len = Some(s.len()),
			Some(l) if l != s.len() => {
				return Err(ErasureError::ShardLength(format!("{} and {} bytes", l, s.len())))
			}
			_ => {}
		}
	}
	let have = shards.iter().filter(|s| s.is_some()).count();
	match len {
		Some(l) if l > 0 => Ok(l),
		Some(_) => Err(ErasureError::ShardLength("empty shards".into())),
		None => Err(ErasureError::NotEnoughShards { have, need: params.k }),
	}
}

#[cfg(test)]
mod tests;
