//! Weights measured on the project's reference machine by `scripts/benchmark-weights.sh`:
//! the database's read and write prices (`benchmark storage`, on a RocksDB state of
//! 200,000 accounts), the base weights of a block and of an extrinsic (`benchmark
//! overhead`), and pallet-balances' calls (`benchmark pallet`). ZeroG's own pallets keep
//! theirs in their crates' `weights.rs`.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod pallet_balances;
// The generated prices document each field inside an expression.
#[allow(unused_doc_comments)]
pub mod rocksdb_weights;
