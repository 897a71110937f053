//! Unit tests of the storage market, by topic. Every test runs through
//! [`ExtBuilder::build_and_execute`], which checks the pallet's invariants after it.

mod flow;
mod invariants;
mod migrations;
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
