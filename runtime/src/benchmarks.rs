//! The pallets `zerog-node benchmark pallet` measures (built with `runtime-benchmarks`).
//! `define_benchmarks!` generates the `list_benchmarks!` and `add_benchmarks!` macros
//! the `Benchmark` runtime API in `apis.rs` dispatches through.

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[pallet_storage_market, crate::StorageMarket]
	[pallet_compute_market, crate::ComputeMarket]
	[pallet_da_commitments, crate::DaCommitments]
	[pallet_inft, crate::Inft]
	// The block's fee payout, reserved in every block's `on_initialize`.
	[pallet_zerog_staking, crate::ZgStaking]
	// The yardstick the pallets' weights are compared with in docs/performance.md.
	[pallet_balances, crate::Balances]
	// What every signed transaction pays besides its call: frame-system's checks and
	// the fee charge, priced at this machine's database weights.
	[frame_system_extensions, polkadot_sdk::frame_system_benchmarking::extensions::Pallet::<crate::Runtime>]
	[pallet_transaction_payment, crate::TransactionPayment]
	// Contract calls, host functions and EVM opcodes: what every Ethereum transaction
	// is charged (`scripts/benchmark-weights.sh revive`).
	[pallet_revive, crate::Revive]
	// The count that bounds a block's Ethereum transactions, checked by each of them.
	[pallet_eth_block, crate::EthBlock]
);

/// A transaction's fee is held for the block in `ZgStaking::BlockFees`
/// ([`pallet_zerog_staking::fees`]), which every fee-paying transaction reads and writes:
/// after a block's first, it is in the block's overlay, not read from the database, so
/// like `System::Events` it is whitelisted (not priced as a database access). The block
/// pays for it once, in the payout's weight. The payer's account is priced.
impl polkadot_sdk::pallet_transaction_payment::BenchmarkConfig for crate::Runtime {
	fn setup_benchmark_environment() {
		use polkadot_sdk::frame_benchmarking::benchmarking::add_to_whitelist;
		add_to_whitelist(
			pallet_zerog_staking::BlockFees::<crate::Runtime>::hashed_key().to_vec().into(),
		);
	}
}

/// Sets the block's author where pallet-authorship keeps the one it found in the digest.
pub struct SetAuthor;
impl pallet_zerog_staking::BenchmarkHelper<crate::AccountId> for SetAuthor {
	fn set_author(who: &crate::AccountId) {
		use polkadot_sdk::frame_support::storage;
		storage::unhashed::put(&storage::storage_prefix(b"Authorship", b"Author"), who);
	}
}

/// Keys every transaction of a block after the first finds in the block's overlay, so
/// benchmarks do not price them per transaction (as frame-system's whitelist does for
/// `System::Events`); the block pays their database access once:
/// - `Timestamp::Now`, written by every block's timestamp inherent (whose weight prices
///   it) before any transaction;
/// - pallet-revive's Ethereum block builder ([`crate::configs::ETH_BLOCK_BUILDER_ITEMS`]),
///   read and written by every Ethereum transaction and cleared in `on_finalize`: the
///   block's base weight adds a read and a write of each
///   (`configs::BlockSharedAccess`, derived from the same list);
/// - the count of the block's Ethereum transactions ([`crate::configs::ETH_BLOCK_COUNT_ITEMS`]),
///   likewise.
///
/// Without this an ERC-20 transfer was charged two reads and two writes that only the
/// block's first Ethereum transaction can incur: 70 µs at the database weights in
/// `weights/rocksdb_weights.rs` (15.4 µs a read, 19.6 µs a write).
pub fn block_shared_keys() -> alloc::vec::Vec<polkadot_sdk::sp_storage::TrackedStorageKey> {
	use polkadot_sdk::frame_support::storage::storage_prefix;
	let now = polkadot_sdk::pallet_timestamp::Now::<crate::Runtime>::hashed_key();
	core::iter::once(now.to_vec().into())
		.chain(
			crate::configs::ETH_BLOCK_BUILDER_ITEMS
				.iter()
				.chain(&crate::configs::ETH_BLOCK_COUNT_ITEMS)
				.map(|(pallet, item)| {
					storage_prefix(pallet.as_bytes(), item.as_bytes()).to_vec().into()
				}),
		)
		.collect()
}
