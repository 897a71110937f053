//! The pallets `zerog-node benchmark pallet` measures (built with `runtime-benchmarks`).
//! `define_benchmarks!` generates the `list_benchmarks!` and `add_benchmarks!` macros
//! the `Benchmark` runtime API in `apis.rs` dispatches through.

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[pallet_storage_market, crate::StorageMarket]
	[pallet_compute_market, crate::ComputeMarket]
	[pallet_da_commitments, crate::DaCommitments]
	[pallet_inft, crate::Inft]
	// The yardstick the pallets' weights are compared with in docs/performance.md.
	[pallet_balances, crate::Balances]
);
