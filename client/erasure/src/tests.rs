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
		// Lose the first 3 of 10 (all data shards for the systematic codec to rebuild).
		let mut partial: Vec<Option<Vec<u8>>> = shards.into_iter().map(Some).collect();
		for s in partial.iter_mut().take(3) {
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
		shards.into_iter().enumerate().map(|(i, s)| (i < 6).then_some(s)).collect();
	assert_eq!(
		coder.reconstruct(&partial, data.len()),
		Err(ErasureError::NotEnoughShards { have: 6, need: 7 })
	);
}

#[test]
fn malformed_input_is_rejected() {
	let p = CodeParams::default();
	for coder in coders(p) {
		assert_eq!(coder.encode(&[]), Err(ErasureError::EmptyPayload));
		let data = payload(1000, 9);
		let mut shards: Vec<Option<Vec<u8>>> = coder.encode(&data).unwrap().into_iter().map(Some).collect();
		// Too many shards.
		let mut extra = shards.clone();
		extra.push(extra[0].clone());
		assert!(matches!(coder.reconstruct(&extra, data.len()), Err(ErasureError::TooManyShards { .. })));
		// A claimed length the shards cannot hold.
		assert!(matches!(coder.reconstruct(&shards, data.len() * 100), Err(ErasureError::ShardLength(_))));
		// A truncated shard.
		shards[1].as_mut().unwrap().pop();
		assert!(matches!(coder.reconstruct(&shards, data.len()), Err(ErasureError::ShardLength(_))));
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
