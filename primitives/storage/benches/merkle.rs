//! Merkle root throughput against raw keccak256 over the same bytes, measured in the same
//! run: the tree hashes every byte once (the 256 B leaves) plus one keccak per inner
//! node, so the ratio shows what the tree costs on top of hashing the data.
//! `cargo bench -p zerog-storage-primitives`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sp_crypto_hashing::keccak_256;
use zerog_storage_primitives::{segment_root, FileMerkleTree, SEGMENT_SIZE};

fn bench(c: &mut Criterion) {
	let data: Vec<u8> =
		(0..16 * SEGMENT_SIZE as u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8).collect();
	let segment = &data[..SEGMENT_SIZE];

	let mut group = c.benchmark_group("merkle/segment-256KiB");
	group.throughput(Throughput::Bytes(segment.len() as u64));
	group.bench_function("keccak256 (baseline)", |b| b.iter(|| keccak_256(black_box(segment))));
	group.bench_function("segment root", |b| b.iter(|| segment_root(black_box(segment))));
	group.finish();

	let mut group = c.benchmark_group("merkle/file-4MiB");
	group.throughput(Throughput::Bytes(data.len() as u64));
	group.bench_function("keccak256 (baseline)", |b| b.iter(|| keccak_256(black_box(&data))));
	group.bench_function("file root", |b| {
		b.iter(|| FileMerkleTree::from_data(black_box(&data)).root())
	});
	group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
