//! The CPU model's training corpus: the project's own documentation, compiled into
//! `zg-provider`, which trains the model.
//!
//! It is not part of the library: a change to the docs then rebuilds `zg-provider` and
//! the tests that train, not the library and the `zg` CLI built on it. The binary, the
//! library's unit tests, the API tests and the benchmark include this file by path.

/// The documents, in training order.
pub const CORPUS: &[&str] = &[
	include_str!("../../../README.md"),
	include_str!("../../../docs/architecture.md"),
	include_str!("../../../docs/operation.md"),
	include_str!("../../../docs/storage.md"),
	include_str!("../../../docs/evm.md"),
	include_str!("../../../docs/compute.md"),
];

/// The corpus as one byte string, as the model is trained on it.
pub fn corpus() -> Vec<u8> {
	CORPUS.join("\n\n").into_bytes()
}
