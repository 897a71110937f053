//! Weights measured on the project's reference machine by `scripts/benchmark-weights.sh`:
//! the database's read and write prices (`benchmark storage`, on a RocksDB state of
//! 200,000 accounts), the base weights of a block and of an extrinsic (`benchmark
//! overhead`), pallet-balances' calls, and what every signed transaction's extensions
//! cost: frame-system's checks and the fee charge, and pallet-revive's contract calls,
//! host functions and EVM opcodes (`benchmark pallet`). ZeroG's own pallets keep theirs
//! in their crates' `weights.rs`.
//!
//! [`transaction_extensions`] is what the runtime charges the extensions: the extrinsic
//! base weight already runs them all, so only the signer's account is added.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system_extensions;
pub mod pallet_balances;
pub mod pallet_revive;
pub mod pallet_transaction_payment;
pub mod transaction_extensions;
// The generated prices document each field inside an expression.
#[allow(unused_doc_comments)]
pub mod rocksdb_weights;
