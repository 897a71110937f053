//! # ZeroG compute provider
//!
//! The off-chain half of ZeroG compute: an OpenAI-compatible inference server that only
//! serves requests users signed and can pay for, signs every response with the key the
//! service registered on chain (ZeroG's proof of inference), keeps each receipt durably
//! in RocksDB before the proof leaves the process, and settles receipts on chain in
//! batches.
//!
//! - [`protocol`]: signed-request headers and response proofs, shared with `zg`;
//!   [`client`]: the user side of the API (`zg compute chat`, benchmarks).
//! - [`engine`]: the CPU engine (`zerog-tiny-lm`, trained by the project), the proxy
//!   engine (vLLM, llama.cpp) and, with feature `cuda`, the GPU engine.
//! - [`server`]: the HTTP API and its checks; [`store`]: receipts; [`settle`]:
//!   settlement; [`chain_view`]: what is read from the chain; [`testing`]: a provider
//!   with its chain state in memory, for tests and benchmarks.

pub mod chain_view;
pub mod client;
// The training corpus, for the unit tests that train; the binary holds its own copy.
#[cfg(test)]
mod corpus;
pub mod engine;
pub mod protocol;
pub mod server;
pub mod settle;
pub mod store;
pub mod testing;
