//! Both codecs: any sufficient subset of shards rebuilds the payload byte for byte;
//! too few, mismatched or malformed shards give typed errors.

use super::*;
use proptest::prelude::*;

fn coders(params: CodeParams) -> Vec<Box<dyn ErasureCoder>> {
	vec![Box::new(SimdCoder::new(params)), Box::new(NovelPolyCoder::new(params).unwrap())]
}

fn payload(len: usize, seed: u64) -> Vec<u8> {
	let mut x = seed | 1;
	(0..len)
		.map(|_| {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x as u8
		})
		.collect()
}

#[test]
fn default_survives_thirty_percent_loss() {
	let p = CodeParams::default();
	assert!(p.loss_tolerance() >= 0.3);
	let data = payload(256 * 1024, 3);
	for coder in coders(p) {
		let shards = coder.encode(&data).unwrap();
		assert_eq!(shards.len(), p.n);
		// Lose the first n - k (data shards, for the systematic codec to rebuild).
		let mut partial: Vec<Option<Vec<u8>>> = shards.into_iter().map(Some).collect();
		for s in partial.iter_mut().take(p.n - p.k) {
			*s = None;
		}
		assert_eq!(coder.reconstruct(&partial, data.len()).unwrap(), data, "{}", coder.name());
	}
}

#[test]
fn too_few_shards_is_a_typed_error() {
	let p = CodeParams::default();
	let data = payload(10_000, 5);
	let coder = SimdCoder::new(p);
	let shards = coder.encode(&data).unwrap();
	let partial: Vec<Option<Vec<u8>>> =
		shards.into_iter().enumerate().map(|(i, s)| (i < p.k - 1).then_some(s)).collect();
	assert_eq!(
		coder.reconstruct(&partial, data.len()),
		Err(ErasureError::NotEnoughShards { have: p.k - 1, need: p.k })
	);
}

#[test]
fn malformed_input_is_rejected() {
	let p = CodeParams::default();
	for coder in coders(p) {
		assert_eq!(coder.encode(&[]), Err(ErasureError::EmptyPayload));
		let data = payload(1000, 9);
		let mut shards: Vec<Option<Vec<u8>>> =
			coder.encode(&data).unwrap().into_iter().map(Some).collect();
		// Too many shards.
		let mut extra = shards.clone();
		extra.push(extra[0].clone());
		assert!(matches!(
			coder.reconstruct(&extra, data.len()),
			Err(ErasureError::TooManyShards { .. })
		));
		// A claimed length the shards cannot hold.
		assert!(matches!(
			coder.reconstruct(&shards, data.len() * 100),
			Err(ErasureError::ShardLength(_))
		));
		// A truncated shard.
		shards[1].as_mut().unwrap().pop();
		assert!(matches!(
			coder.reconstruct(&shards, data.len()),
			Err(ErasureError::ShardLength(_))
		));
		// Nothing at all.
		assert!(matches!(
			coder.reconstruct(&vec![None; p.n], data.len()),
			Err(ErasureError::NotEnoughShards { .. })
		));
	}
	assert!(CodeParams::new(0, 3).is_err());
	assert!(CodeParams::new(3, 3).is_err());
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(32))]

	/// Any k of n shards rebuild any payload, for both codecs.
	#[test]
	fn any_sufficient_subset_rebuilds(
		len in 1usize..20_000,
		k in 1usize..9,
		extra in 1usize..8,
		seed in any::<u64>(),
		drop_seed in any::<u64>(),
	) {
		let p = CodeParams::new(k, k + extra).unwrap();
		let data = payload(len, seed);
		for coder in coders(p) {
			let shards = coder.encode(&data).unwrap();
			// Drop n - k shards chosen by drop_seed.
			let mut order: Vec<usize> = (0..p.n).collect();
			let mut x = drop_seed | 1;
			for i in (1..order.len()).rev() {
				x ^= x << 13; x ^= x >> 7; x ^= x << 17;
				order.swap(i, (x % (i as u64 + 1)) as usize);
			}
			let mut partial: Vec<Option<Vec<u8>>> = shards.into_iter().map(Some).collect();
			for &i in order.iter().take(p.n - p.k) {
				partial[i] = None;
			}
			prop_assert_eq!(coder.reconstruct(&partial, len).unwrap(), data.clone(), "{}", coder.name());
		}
	}
}

mod layout {
	use super::payload;
	use crate::{
		default_coder,
		layout::{EncodingTag, FileLayout, SegmentRole},
		CodeParams,
	};
	use proptest::prelude::*;
	use zerog_storage_primitives::SEGMENT_SIZE;

	const SEG: u64 = SEGMENT_SIZE as u64;

	#[test]
	fn positions_and_sizes() {
		let p = CodeParams::default();
		// 12 data segments: stripes of 5, 5, 2 → 8 + 8 + (2 + 3) encoded segments.
		let l = FileLayout::new(11 * SEG + 1, p);
		assert_eq!((l.data_segments(), l.stripes()), (12, 3));
		assert_eq!(l.stripe_data(2), 2);
		assert_eq!(l.encoded_segments(), 21);
		assert_eq!(l.encoded_size(), 21 * SEG);
		assert_eq!(l.data_position(6), 9);
		assert_eq!(l.parity_position(2, 0), 18);
		assert_eq!(l.role(9), Some(SegmentRole::Data { stripe: 1, index: 6 }));
		assert_eq!(l.role(18), Some(SegmentRole::Parity { stripe: 2, parity: 0 }));
		assert_eq!(l.role(21), None);
		// A one-byte file: one data and n - k parity segments.
		assert_eq!(FileLayout::new(1, p).encoded_segments(), 4);
	}

	#[test]
	fn tags_round_trip_and_reject_garbage() {
		let tag = EncodingTag { size: 3 * SEG + 7, params: CodeParams::default() };
		let enc = tag.layout().encoded_size();
		assert_eq!(EncodingTag::from_tags(&tag.to_tags(), enc), Some(tag));
		// A size that does not match the layout, foreign tags, bad parameters.
		assert_eq!(EncodingTag::from_tags(&tag.to_tags(), enc + SEG), None);
		assert_eq!(EncodingTag::from_tags(&[7u8; 32], enc), None);
		let mut bad = tag.to_tags();
		bad[12] = 9; // k = 9 > n = 8
		assert_eq!(EncodingTag::from_tags(&bad, enc), None);
	}

	#[test]
	fn malformed_stripes_are_rejected() {
		let p = CodeParams::default();
		let l = FileLayout::new(SEG, p);
		let coder = default_coder(p);
		assert!(l.encode_stripe(&*coder, &[]).is_err());
		assert!(l.encode_stripe(&*coder, &[0u8; 100]).is_err());
		assert!(l.encode_stripe(&*coder, &vec![0u8; 6 * SEGMENT_SIZE]).is_err());
		// Wrong number of positions, wrong segment length, not enough segments.
		assert!(l.decode_stripe(&*coder, 0, vec![None; 8]).is_err());
		assert!(l.decode_stripe(&*coder, 0, vec![Some(vec![0u8; 10]), None, None, None]).is_err());
		assert!(l.decode_stripe(&*coder, 0, vec![None; 4]).is_err());
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(12))]

		/// Encoding a file stripe by stripe and losing any n - k segments of every stripe
		/// gives back the file, byte for byte.
		#[test]
		fn any_n_minus_k_losses_per_stripe_rebuild(
			size in 1u64..(13 * SEG),
			seed in any::<u64>(),
			drop_seed in any::<u64>(),
		) {
			let p = CodeParams::default();
			let l = FileLayout::new(size, p);
			let coder = default_coder(p);
			let file = payload(size as usize, seed);
			let mut out = Vec::new();
			let mut x = drop_seed | 1;
			for s in 0..l.stripes() {
				let start = (s * p.k as u64 * SEG) as usize;
				let data_len = l.stripe_data(s) * SEGMENT_SIZE;
				let mut stripe = vec![0u8; data_len];
				let end = (start + data_len).min(file.len());
				stripe[..end - start].copy_from_slice(&file[start..end]);
				let parity = l.encode_stripe(&*coder, &stripe).unwrap();
				let mut segs: Vec<Option<Vec<u8>>> =
					stripe.chunks(SEGMENT_SIZE).map(|c| Some(c.to_vec())).chain(parity.into_iter().map(Some)).collect();
				for _ in 0..(p.n - p.k) {
					x ^= x << 13; x ^= x >> 7; x ^= x << 17;
					let i = (x % segs.len() as u64) as usize;
					segs[i] = None;
				}
				out.extend(l.decode_stripe(&*coder, s, segs).unwrap());
			}
			out.truncate(size as usize);
			prop_assert_eq!(out, file);
		}
	}
}
