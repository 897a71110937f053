//! The storage node's hot paths on one 256 KiB segment: accepting an upload (a proof check
//! and a RocksDB write through the WAL) and serving a download (a RocksDB read and the
//! stored proof),
//! against the segment root alone (the hashing every upload must do) in the same run.
//! `cargo bench --workspace --bench node -- --warm-up-time 1 --measurement-time 4`

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use zerog_storage_node::{
	api::{Base64, Hex, SegmentWithProof},
	node::StorageNode,
	store::{NewFile, Store},
};
use zerog_storage_primitives::{segment_root, FileMerkleTree, ShardConfig, SEGMENT_SIZE};

/// Segments of the benchmark file: every one holds the same bytes, so one proof tree
/// serves all and each iteration can store a new index.
const SEGMENTS: u64 = 1 << 16;

fn bench(c: &mut Criterion) {
	let dir = tempfile::tempdir().unwrap();
	let data: Vec<u8> =
		(0..SEGMENT_SIZE as u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
	let levels =
		FileMerkleTree::from_segment_roots(vec![segment_root(&data); SEGMENTS as usize]).levels();
	let root = levels.root();
	let store = Store::open(dir.path(), false).unwrap();
	let size = SEGMENTS * SEGMENT_SIZE as u64;
	let id = zerog_storage_primitives::Submission { size, root, tags: [0; 32] }.id();
	store.add_files(&[NewFile { seq: 0, id, root, size }], 1).unwrap();
	let node = StorageNode::new(store, ShardConfig::FULL).unwrap();
	let seg = |i: u64| SegmentWithProof {
		id: Hex(id),
		index: i,
		data: Base64(data.clone()),
		proof: levels.proof(i).unwrap().into(),
	};

	let mut g = c.benchmark_group("storage-node");
	g.throughput(Throughput::Bytes(SEGMENT_SIZE as u64));
	g.bench_function("segment root (baseline)", |b| b.iter(|| segment_root(black_box(&data))));
	let next = AtomicU64::new(0);
	g.bench_function("upload: verify + store", |b| {
		b.iter_batched(
			|| seg(next.fetch_add(1, Ordering::Relaxed) % SEGMENTS),
			|s| assert!(node.upload(&s).is_ok()),
			criterion::BatchSize::SmallInput,
		)
	});
	let stored = next.load(Ordering::Relaxed).clamp(1, SEGMENTS);
	let mut i = 0u64;
	g.bench_function("download: read + proof", |b| {
		b.iter(|| {
			i = (i + 1) % stored;
			black_box(node.download(&root, i).unwrap())
		})
	});
	g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
