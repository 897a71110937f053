//! Encode and decode throughput of both codecs on one stripe (k = 5 segments of 256 KiB,
//! 1.25 MiB) with the default parameters (5 of 8), decode with the n - k first shards
//! lost (the worst case for the systematic codec). `cargo bench -p zerog-erasure`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zerog_erasure::{CodeParams, ErasureCoder, NovelPolyCoder, SimdCoder};

fn bench(c: &mut Criterion) {
	let params = CodeParams::default();
	let data: Vec<u8> = (0..(params.k * 256 * 1024) as u32)
		.map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
		.collect();
	let coders: Vec<Box<dyn ErasureCoder>> =
		vec![Box::new(SimdCoder::new(params)), Box::new(NovelPolyCoder::new(params).unwrap())];

	let mut group = c.benchmark_group("erasure");
	group.throughput(Throughput::Bytes(data.len() as u64));
	// Baseline in the same run: copying the segment.
	group.bench_function("memcpy", |b| b.iter(|| black_box(data.clone())));
	for coder in &coders {
		group.bench_with_input(BenchmarkId::new("encode", coder.name()), &data, |b, d| {
			b.iter(|| coder.encode(black_box(d)).unwrap())
		});
		let shards = coder.encode(&data).unwrap();
		let mut partial: Vec<Option<Vec<u8>>> = shards.into_iter().map(Some).collect();
		for s in partial.iter_mut().take(params.n - params.k) {
			*s = None;
		}
		group.bench_with_input(BenchmarkId::new("decode", coder.name()), &partial, |b, p| {
			b.iter(|| coder.reconstruct(black_box(p), data.len()).unwrap())
		});
	}
	group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
