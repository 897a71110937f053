//! Unit tests of the storage market, by topic. Every test runs through
//! [`ExtBuilder::build_and_execute`], which checks the pallet's invariants after it.

mod audits;
mod coverage;
mod flow;
mod invariants;
mod lifetimes;
mod migrations;
mod mining;
mod nodes;

use crate::{mock::*, *};
use polkadot_sdk::frame_support::{assert_ok, BoundedVec};

pub(crate) fn endpoint(s: &str) -> EndpointOf<Test> {
	BoundedVec::try_from(s.as_bytes().to_vec()).unwrap()
}

pub(crate) const ROOT: [u8; 32] = [7u8; 32];
pub(crate) const FULL: ShardConfig = ShardConfig { shard_id: 0, num_shard: 1 };

/// The id of a submission.
pub(crate) fn id(size: u64, root: [u8; 32], tags: [u8; 32]) -> FileId {
	Submission { size, root, tags }.id()
}

pub(crate) fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

/// Fills an empty flow up to `sectors` with a file Bob stores for free, as if others had
/// stored before the test (the reward pools stay empty).
pub(crate) fn fill_flow_to(sectors: u64) {
	assert_eq!(FlowLength::<Test>::get(), 0);
	assert_ok!(StorageMarket::set_price(RuntimeOrigin::root(), 0));
	let size = sectors * CHUNK_SIZE as u64;
	assert_ok!(StorageMarket::submit(RuntimeOrigin::signed(BOB), size, [0xf1; 32], [0; 32], 1));
	assert_ok!(StorageMarket::set_price(RuntimeOrigin::root(), PRICE));
	assert_eq!(FlowLength::<Test>::get(), sectors);
}

/// Deterministic file bytes of `len`, different per `salt`.
pub(crate) fn file_bytes(len: usize, salt: u8) -> Vec<u8> {
	(0..len).map(|i| ((i * 131 + i / 251) as u8).wrapping_add(salt)).collect()
}

/// Submits `data` as a file paid by `who` for `months`; returns its sequence number.
pub(crate) fn submit_file(who: AccountId, data: &[u8], months: u32) -> EntrySeq {
	let root = zerog_storage_primitives::FileMerkleTree::from_data(data).root();
	let seq = EntryCount::<Test>::get();
	assert_ok!(StorageMarket::submit(
		RuntimeOrigin::signed(who),
		data.len() as u64,
		root,
		[0; 32],
		months
	));
	seq
}

/// A storage node's shard as the reference miner reads it: the files of the chain's
/// entries, all held.
pub(crate) struct ChainShard {
	pub files: Vec<(EntrySeq, Vec<u8>)>,
}

impl zerog_storage_primitives::pora::Shard for ChainShard {
	fn entry_at(&self, sector: u64) -> Option<zerog_storage_primitives::pora::EntryView> {
		self.files
			.iter()
			.filter_map(|(seq, _)| StorageMarket::live_entry(*seq).ok())
			.find(|e| e.contains(sector))
	}

	fn segment(
		&self,
		seq: EntrySeq,
		index: u64,
	) -> Option<(Vec<u8>, zerog_storage_primitives::MerkleProof)> {
		let (_, data) = self.files.iter().find(|(s, _)| *s == seq)?;
		let tree = zerog_storage_primitives::FileMerkleTree::from_data(data);
		let lo = index as usize * zerog_storage_primitives::SEGMENT_SIZE;
		let hi = (lo + zerog_storage_primitives::SEGMENT_SIZE).min(data.len());
		Some((data.get(lo..hi)?.to_vec(), tree.segment_proof(index)?))
	}
}

/// Registers `who`'s node for `shard` with the least bond.
pub(crate) fn register(who: AccountId, shard: ShardConfig) {
	assert_ok!(StorageMarket::register_node(
		RuntimeOrigin::signed(who),
		endpoint("http://127.0.0.1:5678"),
		Some(shard),
		MinNodeBond::get()
	));
}
