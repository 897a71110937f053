//! Erasure coding across storage nodes: how a file becomes the segments nodes keep.
//!
//! A file of `size` bytes is cut into 256 KiB data segments (the last zero-padded) and
//! grouped into **stripes** of `k` data segments. Each stripe gets `n - k` parity
//! segments, so any `k` of a stripe's segments rebuild it. The *encoded file* lists,
//! stripe after stripe, the stripe's data segments and then its parity segments; the
//! last stripe may hold fewer than `k` data segments (the missing ones count as known
//! zero segments when decoding). Every encoded segment is a full segment.
//!
//! The encoded file is what the chain records (its Merkle root and length), so **every**
//! segment a node stores, data or parity, proves against the on-chain root. Nodes shard
//! by encoded segment index (`index % num_shard`), so stripe `s` occupies indices
//! `s·n .. s·n + n` and, with `num_shard` dividing `n`, each node holds `n / num_shard`
//! segments of every stripe: losing any `n - k` of `n` nodes (37.5 % with the default
//! 5-of-8) loses at most `n - k` segments per stripe, and the file survives.
//!
//! What a reader needs besides the root — the original size and `k`, `n` — travels in
//! the submission's 32-byte tags as an [`EncodingTag`].

use zerog_storage_primitives::{segment_count, SEGMENT_SIZE};

use crate::{CodeParams, ErasureCoder, ErasureError};

/// Where an encoded segment sits in its stripe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentRole {
	/// Data segment `index` of the original file.
	Data { stripe: u64, index: u64 },
	/// Parity segment `parity` (`0..n-k`) of `stripe`.
	Parity { stripe: u64, parity: usize },
}

/// The encoded layout of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileLayout {
	/// The original file's length in bytes.
	pub size: u64,
	/// Stripe parameters: `k` data segments, `n` segments in all.
	pub params: CodeParams,
}

impl FileLayout {
	/// The layout of a file of `size` bytes (at least one) with `params`.
	pub fn new(size: u64, params: CodeParams) -> Self {
		Self { size, params }
	}

	/// Data segments of the original file.
	pub fn data_segments(&self) -> u64 {
		segment_count(self.size)
	}

	/// Parity segments per stripe.
	pub fn parity_per_stripe(&self) -> usize {
		self.params.n - self.params.k
	}

	/// Number of stripes.
	pub fn stripes(&self) -> u64 {
		self.data_segments().div_ceil(self.params.k as u64)
	}

	/// Data segments in `stripe` (`k`, or fewer for the last).
	pub fn stripe_data(&self, stripe: u64) -> usize {
		let k = self.params.k as u64;
		self.data_segments().saturating_sub(stripe.saturating_mul(k)).min(k) as usize
	}

	/// The encoded index of the first segment of `stripe`.
	pub fn stripe_start(&self, stripe: u64) -> u64 {
		stripe.saturating_mul(self.params.n as u64)
	}

	/// Segments in the encoded file.
	pub fn encoded_segments(&self) -> u64 {
		let stripes = self.stripes();
		if stripes == 0 {
			return 0;
		}
		let last = stripes - 1;
		self.stripe_start(last) + (self.stripe_data(last) + self.parity_per_stripe()) as u64
	}

	/// Bytes of the encoded file: what is submitted on chain and stored by nodes.
	pub fn encoded_size(&self) -> u64 {
		self.encoded_segments() * SEGMENT_SIZE as u64
	}

	/// The encoded index of data segment `index` of the original file.
	pub fn data_position(&self, index: u64) -> u64 {
		let k = self.params.k as u64;
		self.stripe_start(index / k) + index % k
	}

	/// The encoded index of parity segment `parity` of `stripe`.
	pub fn parity_position(&self, stripe: u64, parity: usize) -> u64 {
		self.stripe_start(stripe) + (self.stripe_data(stripe) + parity) as u64
	}

	/// What encoded segment `index` holds, or `None` past the end.
	pub fn role(&self, index: u64) -> Option<SegmentRole> {
		if index >= self.encoded_segments() {
			return None;
		}
		let n = self.params.n as u64;
		let (stripe, pos) = (index / n, (index % n) as usize);
		let data = self.stripe_data(stripe);
		Some(if pos < data {
			SegmentRole::Data { stripe, index: stripe * self.params.k as u64 + pos as u64 }
		} else {
			SegmentRole::Parity { stripe, parity: pos - data }
		})
	}

	/// The parity segments of one stripe. `data` holds the stripe's data segments
	/// back to back, each a full segment (the file's last one zero-padded), at most `k`
	/// of them; missing ones are zero segments.
	pub fn encode_stripe(
		&self,
		coder: &dyn ErasureCoder,
		data: &[u8],
	) -> Result<Vec<Vec<u8>>, ErasureError> {
		let k = self.params.k;
		if data.is_empty()
			|| !data.len().is_multiple_of(SEGMENT_SIZE)
			|| data.len() > k * SEGMENT_SIZE
		{
			return Err(ErasureError::ShardLength(format!(
				"a stripe is 1 to {k} whole segments, got {} bytes",
				data.len()
			)));
		}
		if coder.params() != self.params {
			return Err(ErasureError::InvalidParams { k: coder.params().k, n: coder.params().n });
		}
		let mut shards = if data.len() == k * SEGMENT_SIZE {
			coder.encode(data)?
		} else {
			let mut full = vec![0u8; k * SEGMENT_SIZE];
			full[..data.len()].copy_from_slice(data);
			coder.encode(&full)?
		};
		Ok(shards.split_off(k))
	}

	/// Rebuilds the data segments of `stripe` (back to back, full segments) from the
	/// segments at hand: `segments[p]` is the stripe's segment at position `p` (data
	/// first, then parity), `None` if missing.
	pub fn decode_stripe(
		&self,
		coder: &dyn ErasureCoder,
		stripe: u64,
		segments: Vec<Option<Vec<u8>>>,
	) -> Result<Vec<u8>, ErasureError> {
		let (k, n) = (self.params.k, self.params.n);
		let data = self.stripe_data(stripe);
		let parity = self.parity_per_stripe();
		if segments.len() != data + parity {
			return Err(ErasureError::TooManyShards { got: segments.len(), n: data + parity });
		}
		if coder.params() != self.params {
			return Err(ErasureError::InvalidParams { k: coder.params().k, n: coder.params().n });
		}
		if segments.iter().flatten().any(|s| s.len() != SEGMENT_SIZE) {
			return Err(ErasureError::ShardLength("stripe segments are whole segments".into()));
		}
		// All data present: no decoding.
		if segments[..data].iter().all(Option::is_some) {
			let mut out = Vec::with_capacity(data * SEGMENT_SIZE);
			for s in segments.into_iter().take(data).flatten() {
				out.extend_from_slice(&s);
			}
			return Ok(out);
		}
		let mut shards: Vec<Option<Vec<u8>>> = Vec::with_capacity(n);
		let mut it = segments.into_iter();
		shards.extend(it.by_ref().take(data));
		shards.extend((data..k).map(|_| Some(vec![0u8; SEGMENT_SIZE])));
		shards.extend(it);
		let mut out = coder.reconstruct(&shards, k * SEGMENT_SIZE)?;
		out.truncate(data * SEGMENT_SIZE);
		Ok(out)
	}
}

/// The client layer's header in a submission's tags: `"ZGE1"`, the original size
/// (u64 little-endian), `k` and `n` (u16 little-endian each), zeros after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodingTag {
	/// Original file size.
	pub size: u64,
	/// Stripe parameters.
	pub params: CodeParams,
}

const TAG_MAGIC: &[u8; 4] = b"ZGE1";

/// The most segments a stripe may have.
pub const MAX_STRIPE: usize = 256;

impl EncodingTag {
	/// The 32 tag bytes.
	pub fn to_tags(&self) -> [u8; 32] {
		let mut t = [0u8; 32];
		t[..4].copy_from_slice(TAG_MAGIC);
		t[4..12].copy_from_slice(&self.size.to_le_bytes());
		t[12..14].copy_from_slice(&(self.params.k as u16).to_le_bytes());
		t[14..16].copy_from_slice(&(self.params.n as u16).to_le_bytes());
		t
	}

	/// Reads the tags of a submission; `None` unless they are a valid header whose
	/// layout has `encoded_size` bytes.
	pub fn from_tags(tags: &[u8; 32], encoded_size: u64) -> Option<Self> {
		if &tags[..4] != TAG_MAGIC || tags[16..].iter().any(|b| *b != 0) {
			return None;
		}
		let size = u64::from_le_bytes(tags[4..12].try_into().ok()?);
		let k = u16::from_le_bytes(tags[12..14].try_into().ok()?) as usize;
		let n = u16::from_le_bytes(tags[14..16].try_into().ok()?) as usize;
		if n > MAX_STRIPE {
			return None;
		}
		let params = CodeParams::new(k, n).ok()?;
		let tag = Self { size, params };
		(size > 0 && tag.layout().encoded_size() == encoded_size).then_some(tag)
	}

	/// The layout this header describes.
	pub fn layout(&self) -> FileLayout {
		FileLayout::new(self.size, self.params)
	}
}
