//! The miner's hash rate against raw keccak256 in the same run, and the cost of the
//! runtime's answer check. A load is one 256 KiB segment: its 64 units of 4 KiB are
//! each sealed (a chain of 128 keccak-256 over 32-byte words) and scored (one keccak-256
//! over the sealed unit and a 104-byte header). The baseline hashes the same 256 KiB
//! with one keccak-256 call, so the ratio is what sealing and scoring cost on top of
//! reading the data once. `cargo bench -p zerog-storage-primitives --bench pora`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sp_crypto_hashing::keccak_256;
use zerog_storage_primitives::{
	pora::{self, EntryView, Load, MineContext, Shard},
	EntrySeq, FileMerkleTree, MerkleProof, SegmentIndex, ShardConfig, SEGMENT_SIZE,
};

struct OneSegment {
	view: EntryView,
	data: Vec<u8>,
	proof: MerkleProof,
}

impl Shard for OneSegment {
	fn entry_at(&self, sector: u64) -> Option<EntryView> {
		self.view.contains(sector).then_some(self.view)
	}
	fn segment(&self, _: EntrySeq, _: SegmentIndex) -> Option<(Vec<u8>, MerkleProof)> {
		Some((self.data.clone(), self.proof.clone()))
	}
}

fn bench(c: &mut Criterion) {
	let data: Vec<u8> =
		(0..SEGMENT_SIZE as u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8).collect();
	let tree = FileMerkleTree::from_data(&data);
	let view = EntryView { seq: 0, root: tree.root(), start_sector: 0, size: data.len() as u64 };
	let shard = OneSegment { view, data: data.clone(), proof: tree.segment_proof(0).unwrap() };
	let ctx = MineContext { epoch: 1, seed: [3; 32], flow_sectors: view.sectors() };
	let miner = pora::miner_id(&7u64);

	let mut group = c.benchmark_group("pora/load-256KiB");
	group.throughput(Throughput::Bytes(SEGMENT_SIZE as u64));
	group.bench_function("keccak256 (baseline)", |b| b.iter(|| keccak_256(black_box(&data))));
	// Target zero: every unit is sealed and scored, none is an answer.
	let mut i = 0u64;
	group.bench_function("seal and score 64 units", |b| {
		b.iter(|| {
			i += 1;
			let nonce = pora::nonce(&miner, 1, i);
			assert!(matches!(
				pora::try_nonce(&ctx, &miner, ShardConfig::FULL, 0, &shard, nonce),
				Load::Tried { units: 64 }
			));
		})
	});
	group.finish();

	let answer = (0..)
		.find_map(|i| {
			match pora::try_nonce(
				&ctx,
				&miner,
				ShardConfig::FULL,
				u128::MAX,
				&shard,
				pora::nonce(&miner, 1, i),
			) {
				Load::Found(a) => Some(*a),
				_ => None,
			}
		})
		.unwrap();
	let mut group = c.benchmark_group("pora/verify");
	group.bench_function("verify an answer", |b| {
		b.iter(|| {
			pora::verify(&ctx, &miner, ShardConfig::FULL, u128::MAX, &view, black_box(&answer))
				.unwrap()
		})
	});
	group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
