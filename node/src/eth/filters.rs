//! Polled filters and the pending-transaction feed, shared by every connection of a
//! server.
//!
//! `eth_newFilter`, `eth_newBlockFilter` and `eth_newPendingTransactionFilter` install a
//! filter and answer its id (128 random bits, so one client cannot guess and drain
//! another's); `eth_getFilterChanges` answers what happened since the last poll and
//! `eth_uninstallFilter` removes it. As in geth:
//! - a filter that is not polled for [`FILTER_TIMEOUT`] (5 minutes) is removed;
//! - a log filter reports logs of blocks after the one it was installed at (or from its
//!   `fromBlock`, if later) up to its `toBlock`; `eth_getFilterLogs` answers its whole
//!   range, like `eth_getLogs`;
//! - a block filter reports the Ethereum hashes of new best blocks;
//! - a pending-transaction filter reports the hashes of Ethereum transactions that
//!   entered the pool (ready), whether or not they are still there.
//!
//! Bounds: at most [`MAX_FILTERS`] filters per server (each log filter is bounded by
//! [`super::params::LogFilter::parse`], about 150 KiB at worst), one poll scans at most
//! [`MAX_POLL_BLOCKS`] blocks and answers at most [`super::params::MAX_LOGS`] logs
//! (the rest come with the next poll), and the pending feed keeps the last
//! [`MAX_PENDING`] hashes: a filter polled less often than that many transactions enter
//! the pool misses the oldest.

use std::{
	collections::{HashMap, VecDeque},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use jsonrpsee::types::ErrorObjectOwned;
use polkadot_sdk::sp_core::H256;

use super::params::{invalid, server, LogFilter};

/// How long a filter lives without being polled (geth's default).
pub const FILTER_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// Most filters installed on one server at once.
pub const MAX_FILTERS: usize = 500;
/// Most blocks one poll of a filter scans.
pub const MAX_POLL_BLOCKS: u64 = 1_000;
/// Pending transaction hashes the feed keeps for filters that poll.
pub const MAX_PENDING: usize = 10_000;
/// Pending transaction hashes a subscriber may lag behind before it is dropped.
pub const PENDING_CHANNEL: usize = 4_096;

/// What a filter follows, and where its last poll ended.
#[derive(Clone, Debug)]
pub enum FilterKind {
	/// New best blocks; `next` is the first block number not reported yet, `last` the
	/// (Substrate) hash of the block at `next - 1` when it was reported, so a poll after
	/// a reorganisation finds where the best chain left it.
	Blocks { next: u64, last: Option<H256> },
	/// Logs matching `filter` in blocks from `next` on; `last` as for `Blocks`.
	Logs { filter: LogFilter, next: u64, last: Option<H256> },
	/// Ethereum transactions entering the pool; `next` is a position in the feed.
	Pending { next: u64 },
}

struct Installed {
	kind: FilterKind,
	polled: Instant,
}

/// Whether a filter outlived [`FILTER_TIMEOUT`] without a poll (a poisoned one counts as
/// expired).
fn expired(filter: &Mutex<Installed>, now: Instant) -> bool {
	filter.lock().map(|f| now.duration_since(f.polled) >= FILTER_TIMEOUT).unwrap_or(true)
}

/// The filters of one server.
#[derive(Default)]
pub struct Filters {
	map: Mutex<HashMap<u128, Arc<Mutex<Installed>>>>,
}

fn not_found() -> ErrorObjectOwned {
	server("filter not found")
}

/// Parses a filter id as clients send it back (`0x` + hex of up to 128 bits).
fn parse_id(id: &str) -> Result<u128, ErrorObjectOwned> {
	let digits = id.strip_prefix("0x").ok_or_else(|| invalid("filter id: expected 0x-hex"))?;
	if digits.is_empty() || digits.len() > 32 {
		return Err(invalid("filter id: expected at most 128 bits of hex"));
	}
	u128::from_str_radix(digits, 16).map_err(|_| invalid("filter id: not hex"))
}

impl Filters {
	/// Installs a filter; answers its id.
	pub fn install(&self, kind: FilterKind) -> Result<String, ErrorObjectOwned> {
		let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
		let now = Instant::now();
		map.retain(|_, f| !expired(f, now));
		if map.len() >= MAX_FILTERS {
			return Err(server(format!(
				"too many filters: {MAX_FILTERS} installed; uninstall one or let it expire"
			)));
		}
		let id = loop {
			let id: u128 = rand::random();
			if id != 0 && !map.contains_key(&id) {
				break id;
			}
		};
		map.insert(id, Arc::new(Mutex::new(Installed { kind, polled: now })));
		Ok(format!("{id:#x}"))
	}

	/// Removes a filter; whether it was installed.
	pub fn uninstall(&self, id: &str) -> Result<bool, ErrorObjectOwned> {
		let id = parse_id(id)?;
		Ok(self.map.lock().unwrap_or_else(|e| e.into_inner()).remove(&id).is_some())
	}

	/// Polls a filter: `poll` gets what the filter follows and returns the changes and
	/// where the next poll starts. One poll of a filter runs at a time (a second waits),
	/// so no change is reported twice; polls of different filters run side by side.
	pub fn poll<R>(
		&self,
		id: &str,
		poll: impl FnOnce(&FilterKind) -> Result<(R, FilterKind), ErrorObjectOwned>,
	) -> Result<R, ErrorObjectOwned> {
		let filter = self.get(id)?;
		let mut filter = filter.lock().unwrap_or_else(|e| e.into_inner());
		let (changes, next) = poll(&filter.kind)?;
		filter.kind = next;
		filter.polled = Instant::now();
		Ok(changes)
	}

	/// What a filter follows, without moving it (for `eth_getFilterLogs`); the read
	/// keeps it alive.
	pub fn kind(&self, id: &str) -> Result<FilterKind, ErrorObjectOwned> {
		let filter = self.get(id)?;
		let mut filter = filter.lock().unwrap_or_else(|e| e.into_inner());
		filter.polled = Instant::now();
		Ok(filter.kind.clone())
	}

	fn get(&self, id: &str) -> Result<Arc<Mutex<Installed>>, ErrorObjectOwned> {
		let id = parse_id(id)?;
		let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
		let filter = map.get(&id).cloned().ok_or_else(not_found)?;
		if expired(&filter, Instant::now()) {
			map.remove(&id);
			return Err(not_found());
		}
		Ok(filter)
	}

	/// How many filters are installed (expired ones included until the next install).
	#[cfg(test)]
	fn len(&self) -> usize {
		self.map.lock().unwrap().len()
	}
}

/// An Ethereum transaction that entered the pool: its Ethereum hash and the pool's
/// (extrinsic) hash, under which the pool still serves it while it waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingTx {
	pub eth: H256,
	pub pool: H256,
}

/// The Ethereum transactions entering the pool: the last [`MAX_PENDING`] for polling
/// filters and for finding a waiting transaction by hash, and a channel for subscribers.
pub struct PendingFeed {
	recent: Mutex<(u64, VecDeque<PendingTx>)>,
	/// Transactions this node's `eth_sendRawTransaction` submitted, recorded before the
	/// call returns: the pool's ready stream reaches [`Self::push`] a moment later, and a
	/// client asking for its transaction right after sending must find it.
	submitted: Mutex<VecDeque<PendingTx>>,
	sender: tokio::sync::broadcast::Sender<PendingTx>,
}

impl Default for PendingFeed {
	fn default() -> Self {
		Self {
			recent: Mutex::new((0, VecDeque::new())),
			submitted: Mutex::new(VecDeque::new()),
			sender: tokio::sync::broadcast::channel(PENDING_CHANNEL).0,
		}
	}
}

impl PendingFeed {
	/// Records a transaction that entered the pool.
	pub fn push(&self, tx: PendingTx) {
		let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
		let (next, kept) = &mut *recent;
		kept.push_back(tx);
		if kept.len() > MAX_PENDING {
			kept.pop_front();
		}
		*next += 1;
		// No subscriber is not an error.
		let _ = self.sender.send(tx);
	}

	/// The position the next transaction gets.
	pub fn head(&self) -> u64 {
		self.recent.lock().unwrap_or_else(|e| e.into_inner()).0
	}

	/// The Ethereum hashes from position `from` on that are still kept, and the next
	/// position.
	pub fn since(&self, from: u64) -> (Vec<H256>, u64) {
		let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
		let (next, kept) = &*recent;
		let first = next - kept.len() as u64;
		let skip = from.saturating_sub(first).min(kept.len() as u64) as usize;
		(kept.iter().skip(skip).map(|tx| tx.eth).collect(), *next)
	}

	/// Records a transaction submitted through this node, for [`Self::pool_hash`] only
	/// (subscribers and filters hear of it when the pool reports it ready).
	pub fn note_submitted(&self, tx: PendingTx) {
		let mut submitted = self.submitted.lock().unwrap_or_else(|e| e.into_inner());
		submitted.push_back(tx);
		if submitted.len() > MAX_PENDING {
			submitted.pop_front();
		}
	}

	/// The pool hash of the latest kept transaction with this Ethereum hash (a scan of at
	/// most twice [`MAX_PENDING`] entries, newest first).
	pub fn pool_hash(&self, eth: &H256) -> Option<H256> {
		let find = |kept: &VecDeque<PendingTx>| {
			kept.iter().rev().find(|tx| tx.eth == *eth).map(|tx| tx.pool)
		};
		let from_feed = find(&self.recent.lock().unwrap_or_else(|e| e.into_inner()).1);
		from_feed.or_else(|| find(&self.submitted.lock().unwrap_or_else(|e| e.into_inner())))
	}

	/// A receiver of every transaction pushed from now on.
	pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<PendingTx> {
		self.sender.subscribe()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn filters_are_installed_polled_and_uninstalled() {
		let filters = Filters::default();
		let id = filters.install(FilterKind::Blocks { next: 5, last: None }).unwrap();
		assert!(id.starts_with("0x"));
		let seen = filters
			.poll(&id, |kind| {
				let FilterKind::Blocks { next, .. } = kind else { panic!("kind changed") };
				Ok((*next, FilterKind::Blocks { next: next + 3, last: None }))
			})
			.unwrap();
		assert_eq!(seen, 5);
		assert!(matches!(filters.kind(&id).unwrap(), FilterKind::Blocks { next: 8, .. }));
		// A failed poll moves nothing.
		assert!(filters.poll::<()>(&id, |_| Err(server("boom"))).is_err());
		assert!(matches!(filters.kind(&id).unwrap(), FilterKind::Blocks { next: 8, .. }));
		assert!(filters.uninstall(&id).unwrap());
		assert!(!filters.uninstall(&id).unwrap());
		let err = filters.kind(&id).unwrap_err();
		assert_eq!(err.message(), "filter not found");
		assert!(filters.kind("0x").is_err());
		assert!(filters.kind(&format!("0x{}", "f".repeat(33))).is_err());
		assert!(filters.kind("12").is_err());
	}

	#[test]
	fn ids_are_unpredictable_and_the_store_is_bounded() {
		let filters = Filters::default();
		let ids: std::collections::HashSet<String> = (0..MAX_FILTERS)
			.map(|i| filters.install(FilterKind::Pending { next: i as u64 }).unwrap())
			.collect();
		assert_eq!(ids.len(), MAX_FILTERS);
		// Random 128-bit ids: consecutive installs share no structure a client could use.
		assert!(ids.iter().filter(|id| id.len() > 20).count() > MAX_FILTERS * 9 / 10);
		let err = filters.install(FilterKind::Blocks { next: 0, last: None }).unwrap_err();
		assert!(err.message().starts_with("too many filters"), "{}", err.message());
		let one = ids.iter().next().unwrap();
		assert!(filters.uninstall(one).unwrap());
		assert!(filters.install(FilterKind::Blocks { next: 0, last: None }).is_ok());
		assert_eq!(filters.len(), MAX_FILTERS);
	}

	#[test]
	fn the_pending_feed_keeps_the_latest_and_tells_where_a_poller_stands() {
		let feed = PendingFeed::default();
		let mut rx = feed.subscribe();
		assert_eq!(feed.since(0), (vec![], 0));
		let tx = |eth: H256| PendingTx { eth, pool: H256(sp_keccak(eth)) };
		for i in 0..3u8 {
			feed.push(tx(H256::repeat_byte(i)));
		}
		assert_eq!(rx.try_recv().unwrap(), tx(H256::repeat_byte(0)));
		assert_eq!(feed.pool_hash(&H256::repeat_byte(1)), Some(tx(H256::repeat_byte(1)).pool));
		assert_eq!(feed.pool_hash(&H256::repeat_byte(7)), None);
		let (hashes, next) = feed.since(1);
		assert_eq!(hashes, vec![H256::repeat_byte(1), H256::repeat_byte(2)]);
		assert_eq!(next, 3);
		assert_eq!(feed.since(3), (vec![], 3));
		for i in 0..MAX_PENDING {
			feed.push(tx(H256::from_low_u64_be(i as u64)));
		}
		// A poller far behind gets what is kept, the oldest first.
		let (hashes, next) = feed.since(0);
		assert_eq!(hashes.len(), MAX_PENDING);
		assert_eq!(hashes[0], H256::from_low_u64_be(0));
		assert_eq!(next, 3 + MAX_PENDING as u64);
		assert_eq!(feed.head(), next);
		assert_eq!(feed.pool_hash(&H256::repeat_byte(1)), None, "pushed out of the window");
	}

	fn sp_keccak(h: H256) -> [u8; 32] {
		polkadot_sdk::sp_io::hashing::keccak_256(h.as_bytes())
	}
}
