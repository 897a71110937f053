//! # ZeroG DA signer
//!
//! A DA signer holds the columns the chain assigns it (in proportion to its bond) of
//! every blob its epoch's quorum attests, and vouches for them on chain:
//!
//! 1. **Registers** (`DaCommitments::register_signer`) with a bond, its key and the
//!    endpoint it serves on; it joins quorums from the next epoch.
//! 2. **Receives** its cells row by row from the disperser (`POST
//!    /v1/blobs/{id}/rows/{row}`, body in the [`wire`] format), after the blob's
//!    commitments are on chain. Every cell's KZG proof is checked against the on-chain
//!    row commitment (one batched check per row) before anything is stored; a row
//!    that fails is refused with `422` and the signer never attests the blob, so a
//!    blob whose commitments do not match its data fails for want of signatures.
//! 3. **Stores** cells and proofs in RocksDB ([`store`]) and, once it holds all its
//!    columns of every row (synced to disk), **attests**: signs the chain's attestation
//!    payload with its key and submits `DaCommitments::attest`.
//! 4. **Serves** cells with proofs to retrievers and samplers (`GET
//!    /v1/blobs/{id}/rows/{row}`, `GET /v1/blobs/{id}/cells/{row}/{column}`).
//! 5. **Answers challenges**: it polls its open sampling challenges and answers each
//!    with the stored cell and proof (`DaCommitments::respond`).
//!
//! [`http`] is the client side of the same protocol, used by `zg da`.

pub mod chain;
pub mod http;
pub mod server;
pub mod store;
pub mod wire;
