//! Durable receipts in RocksDB.
//!
//! Every response the provider signs is written here, with a synced write, *before* the
//! signed proof leaves the process: a receipt the user holds a proof of is never lost,
//! whatever happens to the provider afterwards. Receipts live in the column family
//! `pending` until settlement resolves them, then in `done`; keys are the user's 32-byte
//! account and the nonce (big-endian), so a user's receipts sort by nonce, which is the
//! order the chain settles them in. Records are SCALE, and the layout is versioned
//! through [`zerog_daemon::store`] ([`SCHEMA`]); version 0, the layout before versions,
//! kept both kinds in the default column family under a `p`/`d` prefix and is moved on
//! first open.

use std::{collections::HashMap, path::Path};

use codec::{Decode, Encode};
use polkadot_sdk::sp_runtime::MultiSignature;
use rocksdb::Options;
use zerog_compute_primitives::{Receipt, ReceiptOutcome};
use zerog_daemon::store::{decode, Database, DbError, Schema};

use crate::protocol::{AccountId, Balance};

/// A receipt of this chain.
pub type ChainReceipt = Receipt<AccountId, Balance, MultiSignature>;

/// What became of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum ReceiptState {
	/// Waiting for settlement.
	Pending,
	/// Settled in block `block`.
	Settled {
		/// The block.
		block: u32,
	},
	/// The chain refused it.
	Rejected {
		/// Why.
		outcome: ReceiptOutcome,
	},
}

/// One served request.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ReceiptRecord {
	/// What is settled on chain.
	pub receipt: ChainReceipt,
	/// The fee at the prices it was served at.
	pub fee: Balance,
	/// The service key's signature over the response statement.
	pub proof_signature: MultiSignature,
	/// Milliseconds since the Unix epoch when it was signed.
	pub signed_at_ms: u64,
	/// Pending, settled or rejected.
	pub state: ReceiptState,
}

/// A store failure.
#[derive(Debug, thiserror::Error)]
#[error("receipt store: {0}")]
pub struct StoreError(#[from] DbError);

const PENDING: &str = "pending";
const DONE: &str = "done";

/// The receipt database's layout.
pub const SCHEMA: Schema = Schema { daemon: "zg-provider", version: 1, columns: &[PENDING, DONE] };

fn key(user: &AccountId, nonce: u64) -> [u8; 40] {
	let mut k = [0u8; 40];
	k[..32].copy_from_slice(user.as_ref());
	k[32..].copy_from_slice(&nonce.to_be_bytes());
	k
}

/// Schema version 0 → 1: `p`/`d`-prefixed keys of the default column family move to
/// `pending` and `done`.
fn migrate(db: &Database, from: u32) -> Result<(), DbError> {
	debug_assert_eq!(from, 0, "version 1 is the first versioned layout");
	db.move_legacy_keys(|k, v| {
		Ok(match k.first() {
			Some(b'p') => Some((PENDING, k[1..].to_vec(), v.to_vec())),
			Some(b'd') => Some((DONE, k[1..].to_vec(), v.to_vec())),
			_ => None,
		})
	})?;
	Ok(())
}

/// What the store knows of one user, kept in memory.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UserTotals {
	/// Highest nonce of any stored receipt.
	pub last_nonce: u64,
	/// Fees of pending receipts.
	pub unsettled: Balance,
	/// Number of pending receipts.
	pub pending: u32,
}

/// The receipt database.
pub struct Store {
	db: Database,
	users: parking_lot::Mutex<HashMap<AccountId, UserTotals>>,
}

impl Store {
	/// Opens (creating) the store at `path`; `sync` makes every write an fsync'd one.
	pub fn open(path: &Path, sync: bool) -> Result<Self, StoreError> {
		let db = Database::open(path, SCHEMA, sync, Options::default(), migrate)?;
		let store = Self { db, users: Default::default() };
		let mut users: HashMap<AccountId, UserTotals> = HashMap::new();
		for column in [PENDING, DONE] {
			store.db.for_each(column, &[], |_, v| {
				let record: ReceiptRecord = decode(column, v)?;
				let totals = users.entry(record.receipt.request.user.clone()).or_default();
				totals.last_nonce = totals.last_nonce.max(record.receipt.request.nonce);
				if column == PENDING {
					totals.unsettled = totals.unsettled.saturating_add(record.fee);
					totals.pending += 1;
				}
				Ok(true)
			})?;
		}
		*store.users.lock() = users;
		Ok(store)
	}

	/// Stores a newly signed receipt (pending), durably.
	pub fn insert(&self, record: &ReceiptRecord) -> Result<(), StoreError> {
		let r = &record.receipt.request;
		let mut batch = self.db.batch();
		batch.put(PENDING, key(&r.user, r.nonce), record)?;
		self.db.write(batch)?;
		let mut users = self.users.lock();
		let totals = users.entry(r.user.clone()).or_default();
		totals.last_nonce = totals.last_nonce.max(r.nonce);
		totals.unsettled = totals.unsettled.saturating_add(record.fee);
		totals.pending += 1;
		Ok(())
	}

	/// Up to `limit` pending receipts in (user, nonce) order, skipping each user's
	/// receipts from `hold(user)` on (nonces still being served must settle first).
	pub fn pending(
		&self,
		limit: usize,
		hold: impl Fn(&AccountId) -> Option<u64>,
	) -> Result<Vec<ReceiptRecord>, StoreError> {
		let mut out = Vec::new();
		self.db.for_each(PENDING, &[], |_, v| {
			if out.len() >= limit {
				return Ok(false);
			}
			let record: ReceiptRecord = decode(PENDING, v)?;
			let r = &record.receipt.request;
			if hold(&r.user).is_none_or(|first_busy| r.nonce < first_busy) {
				out.push(record);
			}
			Ok(true)
		})?;
		Ok(out)
	}

	/// Records what settlement did with receipts (user, nonce) → state; moves them
	/// from pending to done in one atomic write.
	pub fn resolve(&self, results: &[(AccountId, u64, ReceiptState)]) -> Result<(), StoreError> {
		let mut batch = self.db.batch();
		let mut freed: Vec<(AccountId, Balance)> = Vec::new();
		for (user, nonce, state) in results {
			let k = key(user, *nonce);
			let Some(mut record) = self.db.get::<ReceiptRecord>(PENDING, k)? else { continue };
			record.state = *state;
			batch.delete(PENDING, k)?;
			batch.put(DONE, k, &record)?;
			freed.push((user.clone(), record.fee));
		}
		self.db.write(batch)?;
		let mut users = self.users.lock();
		for (user, fee) in freed {
			let totals = users.entry(user).or_default();
			totals.unsettled = totals.unsettled.saturating_sub(fee);
			totals.pending = totals.pending.saturating_sub(1);
		}
		Ok(())
	}

	/// A receipt by user and nonce, pending or done.
	pub fn get(&self, user: &AccountId, nonce: u64) -> Result<Option<ReceiptRecord>, StoreError> {
		for column in [PENDING, DONE] {
			if let Some(record) = self.db.get(column, key(user, nonce))? {
				return Ok(Some(record));
			}
		}
		Ok(None)
	}

	/// What the store knows of `user`.
	pub fn totals(&self, user: &AccountId) -> UserTotals {
		self.users.lock().get(user).copied().unwrap_or_default()
	}

	/// Pending receipts of all users.
	pub fn pending_count(&self) -> u64 {
		self.users.lock().values().map(|t| t.pending as u64).sum()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_core::{sr25519, Pair, H256};
	use zerog_compute_primitives::Request;

	fn record(user: &AccountId, nonce: u64, fee: Balance) -> ReceiptRecord {
		let sig = MultiSignature::Sr25519(sr25519::Signature::from_raw([nonce as u8; 64]));
		ReceiptRecord {
			receipt: Receipt {
				request: Request {
					user: user.clone(),
					service: 0,
					nonce,
					request_hash: H256::zero(),
					max_fee: fee,
				},
				user_signature: sig.clone(),
				input_tokens: 1,
				output_tokens: 2,
				response_hash: H256::repeat_byte(1),
			},
			fee,
			proof_signature: sig,
			signed_at_ms: 0,
			state: ReceiptState::Pending,
		}
	}

	#[test]
	fn receipts_survive_reopen_and_settle_in_nonce_order() {
		let dir = tempfile::tempdir().unwrap();
		let alice = AccountId::from(sr25519::Pair::from_string("//Alice", None).unwrap().public());
		let bob = AccountId::from(sr25519::Pair::from_string("//Bob", None).unwrap().public());
		{
			let store = Store::open(dir.path(), true).unwrap();
			for (user, nonce) in [(&alice, 5), (&bob, 1), (&alice, 2), (&alice, 9)] {
				store.insert(&record(user, nonce, 10)).unwrap();
			}
		}
		let store = Store::open(dir.path(), true).unwrap();
		assert_eq!(store.totals(&alice), UserTotals { last_nonce: 9, unsettled: 30, pending: 3 });
		let order: Vec<_> =
			store.pending(10, |_| None).unwrap().iter().map(|r| r.receipt.request.nonce).collect();
		// Alice's in nonce order (accounts sort by bytes; which user first does not matter).
		let alice_order: Vec<_> = store
			.pending(10, |_| None)
			.unwrap()
			.iter()
			.filter(|r| r.receipt.request.user == alice)
			.map(|r| r.receipt.request.nonce)
			.collect();
		assert_eq!(alice_order, vec![2, 5, 9]);
		assert_eq!(order.len(), 4);
		// A nonce still being served holds back the user's later receipts.
		let held: Vec<_> = store
			.pending(10, |u| (u == &alice).then_some(5))
			.unwrap()
			.iter()
			.map(|r| (r.receipt.request.user == alice, r.receipt.request.nonce))
			.collect();
		assert!(
			held.contains(&(true, 2)) && !held.contains(&(true, 5)) && !held.contains(&(true, 9))
		);
		store
			.resolve(&[
				(alice.clone(), 2, ReceiptState::Settled { block: 7 }),
				(alice.clone(), 5, ReceiptState::Rejected { outcome: ReceiptOutcome::StaleNonce }),
			])
			.unwrap();
		assert_eq!(store.totals(&alice), UserTotals { last_nonce: 9, unsettled: 10, pending: 1 });
		assert_eq!(
			store.get(&alice, 2).unwrap().unwrap().state,
			ReceiptState::Settled { block: 7 }
		);
		drop(store);
		let store = Store::open(dir.path(), true).unwrap();
		assert_eq!(store.pending_count(), 2);
		assert_eq!(store.totals(&alice).unsettled, 10);
	}

	#[test]
	fn receipts_written_before_schema_versions_move_to_their_columns() {
		let dir = tempfile::tempdir().unwrap();
		let alice = AccountId::from(sr25519::Pair::from_string("//Alice", None).unwrap().public());
		{
			// The previous release's layout: `p`/`d` ‖ user ‖ nonce in the default column.
			let mut o = rocksdb::Options::default();
			o.create_if_missing(true);
			let db = rocksdb::DB::open(&o, dir.path()).unwrap();
			let legacy = |prefix: u8, nonce: u64| [&[prefix][..], &key(&alice, nonce)].concat();
			db.put(legacy(b'p', 3), record(&alice, 3, 10).encode()).unwrap();
			let mut done = record(&alice, 1, 4);
			done.state = ReceiptState::Settled { block: 2 };
			db.put(legacy(b'd', 1), done.encode()).unwrap();
		}
		for _ in 0..2 {
			let store = Store::open(dir.path(), false).unwrap();
			assert_eq!(
				store.totals(&alice),
				UserTotals { last_nonce: 3, unsettled: 10, pending: 1 }
			);
			assert_eq!(
				store.get(&alice, 1).unwrap().unwrap().state,
				ReceiptState::Settled { block: 2 }
			);
			assert_eq!(store.pending(10, |_| None).unwrap().len(), 1);
		}
	}
}
