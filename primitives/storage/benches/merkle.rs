//! Merkle root throughput against raw keccak256 over the same bytes, measured in the same
//! run: the tree hashes every byte once (the 256 B leaves) plus one keccak per inner
//! node, so the ratio shows what the tree costs on top of hashing the data.
//! Beside it, the tree's two keccak calls (256-byte leaves, 64-byte nodes) with the host's
//! keccak (`keccak256`, keccak-asm) against the portable one (`keccak256_portable`, sha3).
//! `cargo bench -p zerog-storage-primitives --bench merkle`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use zerog_storage_primitives::{
	keccak256, keccak256_portable, segment_root, FileMerkleTree, CHUNK_SIZE, SEGMENT_SIZE,
};

fn bench(c: &mut Criterion) {
	let data: Vec<u8> =
		(0..16 * SEGMENT_SIZE as u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8).collect();
	let segment = &data[..SEGMENT_SIZE];

	for (name, size) in [("leaves-256B", CHUNK_SIZE), ("nodes-64B", 64)] {
		let mut group = c.benchmark_group(format!("keccak/{name}"));
		group.throughput(Throughput::Bytes(segment.len() as u64));
		group.bench_function("sha3 (baseline)", |b| {
			b.iter(|| segment.chunks(size).map(|x| keccak256_portable(black_box(x))[0]).sum::<u8>())
		});
		group.bench_function("keccak-asm", |b| {
			b.iter(|| segment.chunks(size).map(|x| keccak256(black_box(x))[0]).sum::<u8>())
		});
		group.finish();
	}

	let mut group = c.benchmark_group("merkle/segment-256KiB");
	group.throughput(Throughput::Bytes(segment.len() as u64));
	group.bench_function("keccak256 (baseline)", |b| b.iter(|| keccak256(black_box(segment))));
	group.bench_function("segment root", |b| b.iter(|| segment_root(black_box(segment))));
	group.finish();

	let mut group = c.benchmark_group("merkle/file-4MiB");
	group.throughput(Throughput::Bytes(data.len() as u64));
	group.bench_function("keccak256 (baseline)", |b| b.iter(|| keccak256(black_box(&data))));
	group.bench_function("file root", |b| {
		b.iter(|| FileMerkleTree::from_data(black_box(&data)).root())
	});
	group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
