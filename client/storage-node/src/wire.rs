//! The binary segment path beside `zgs_*` JSON-RPC: the same segments and proofs as raw
//! bytes, with no base64 and no JSON to scan. Served on the node's one port:
//!
//! | request | body | reply |
//! |---|---|---|
//! | `PUT /v1/files/{id}/segments/{index}` | a frame | `201` stored now, `200` already held; `{"stored": bool}` |
//! | `GET /v1/files/{id}/segments/{index}` | — | `200` and a frame |
//!
//! `{id}` is the file id in `0x`-hex. A **frame** is the SCALE encoding of the segment's
//! [`MerkleProof`] followed by the segment's bytes, to the end of the body; it is at
//! most [`MAX_FRAME`] bytes. A refusal is an HTTP status ([`status`]) and the JSON body
//! `{"code": i32, "message": string}`, whose code is the JSON-RPC API's (`api::ERR_*`,
//! or `-32602` for a malformed request), so both paths refuse alike.

use codec::{Decode, Encode};
use zerog_storage_primitives::{FileId, MerkleProof, SEGMENT_SIZE};

use crate::api;

/// What every route of this path starts with.
pub const PREFIX: &str = "/v1/files/";

/// Most siblings a proof may carry: a tree of at most 2^64 segments.
pub const MAX_SIBLINGS: usize = 64;

/// Largest frame: a proof of [`MAX_SIBLINGS`] siblings (index, leaf count, a two-byte
/// length) and a whole segment.
pub const MAX_FRAME: usize = 8 + 8 + 2 + MAX_SIBLINGS * 32 + SEGMENT_SIZE;

/// The code of a malformed request, as JSON-RPC's invalid params.
pub const ERR_MALFORMED: i32 = -32602;

/// Why a frame or a path does not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
	/// The proof at the frame's start does not decode.
	#[error("the frame does not start with a SCALE-encoded Merkle proof: {0}")]
	Proof(String),
	/// The proof has more siblings than any tree has levels.
	#[error("the proof has {0} siblings, more than {MAX_SIBLINGS}")]
	TooManySiblings(usize),
	/// More than a segment after the proof.
	#[error("{0} bytes of segment data, more than a segment ({SEGMENT_SIZE})")]
	TooLong(usize),
	/// The path is not `/v1/files/{id}/segments/{index}`.
	#[error("not a segment path: {0} (expected /v1/files/0x<id>/segments/<index>)")]
	Path(String),
}

/// A segment's frame: its proof, then its bytes.
pub fn encode(proof: &MerkleProof, data: &[u8]) -> Vec<u8> {
	let mut out = Vec::with_capacity(proof.encoded_size() + data.len());
	proof.encode_to(&mut out);
	out.extend_from_slice(data);
	out
}

/// Splits a frame into its proof and the segment's bytes.
pub fn decode(frame: &[u8]) -> Result<(MerkleProof, &[u8]), WireError> {
	let mut rest = frame;
	// Bounded by the frame: the codec allocates for siblings only as it reads them.
	let proof = MerkleProof::decode(&mut rest).map_err(|e| WireError::Proof(e.to_string()))?;
	if proof.siblings.len() > MAX_SIBLINGS {
		return Err(WireError::TooManySiblings(proof.siblings.len()));
	}
	if rest.len() > SEGMENT_SIZE {
		return Err(WireError::TooLong(rest.len()));
	}
	Ok((proof, rest))
}

/// The segment a path names: `None` if the path is not on this route at all.
pub fn parse_path(path: &str) -> Option<Result<(FileId, u64), WireError>> {
	let rest = path.strip_prefix(PREFIX)?;
	let bad = || WireError::Path(path.chars().take(200).collect());
	let parsed = (|| {
		let (id, rest) = rest.split_once('/')?;
		let index = rest.strip_prefix("segments/")?;
		let id = api::parse_hash(id).ok()?;
		let index: u64 = index.parse().ok()?;
		Some((id, index))
	})();
	Some(parsed.ok_or_else(bad))
}

/// The path of segment `index` of file `id`.
pub fn path(id: &FileId, index: u64) -> String {
	format!("{PREFIX}{}/segments/{index}", api::to_hex(id))
}

/// The HTTP status a refusal with JSON-RPC code `code` is answered with.
pub fn status(code: i32) -> u16 {
	match code {
		api::ERR_UNKNOWN_FILE | api::ERR_SEGMENT_NOT_FOUND => 404,
		api::ERR_NOT_IN_SHARD => 421,
		api::ERR_INVALID_PROOF | api::ERR_INDEX_OUT_OF_RANGE | api::ERR_WRONG_SEGMENT_SIZE => 422,
		api::ERR_EXPIRED => 410,
		api::ERR_STORAGE => 500,
		_ => 400,
	}
}

/// A refusal's JSON body.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
	/// The JSON-RPC API's error code.
	pub code: i32,
	/// Why, in words.
	pub message: String,
}

/// The reply to an upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stored {
	/// `true` if stored now, `false` if already held.
	pub stored: bool,
}

#[cfg(test)]
mod tests {
	use super::*;

	fn proof(siblings: usize) -> MerkleProof {
		MerkleProof { index: 5, leaf_count: 9, siblings: vec![[7u8; 32]; siblings] }
	}

	#[test]
	fn frames_round_trip() {
		let data = vec![3u8; SEGMENT_SIZE];
		let frame = encode(&proof(4), &data);
		assert_eq!(frame.len(), 8 + 8 + 1 + 4 * 32 + SEGMENT_SIZE);
		let (p, d) = decode(&frame).unwrap();
		assert_eq!((p, d), (proof(4), &data[..]));
		// The largest frame is within MAX_FRAME.
		assert_eq!(encode(&proof(MAX_SIBLINGS), &data).len(), MAX_FRAME);
	}

	#[test]
	fn malformed_frames_are_refused() {
		assert!(matches!(decode(&[]), Err(WireError::Proof(_))));
		assert!(matches!(decode(&[1, 2, 3]), Err(WireError::Proof(_))));
		// A sibling count far beyond the bytes that follow.
		let mut lying = proof(0).encode();
		lying.truncate(16);
		lying.extend_from_slice(&codec::Compact(1u32 << 30).encode());
		assert!(matches!(decode(&lying), Err(WireError::Proof(_))));
		let too_deep = encode(&proof(MAX_SIBLINGS + 1), &[]);
		assert_eq!(decode(&too_deep).unwrap_err(), WireError::TooManySiblings(MAX_SIBLINGS + 1));
		let long = encode(&proof(1), &vec![0u8; SEGMENT_SIZE + 1]);
		assert_eq!(decode(&long).unwrap_err(), WireError::TooLong(SEGMENT_SIZE + 1));
	}

	#[test]
	fn paths_parse_or_are_refused() {
		let id = [0xab; 32];
		assert_eq!(parse_path(&path(&id, 17)), Some(Ok((id, 17))));
		assert_eq!(parse_path("/health"), None);
		for bad in [
			"/v1/files/",
			"/v1/files/0x12/segments/1",
			"/v1/files/0xzz/segments/1",
			&format!("/v1/files/{}/segments/-1", api::to_hex(&id)),
			&format!("/v1/files/{}/segments/18446744073709551616", api::to_hex(&id)),
			&format!("/v1/files/{}/chunks/1", api::to_hex(&id)),
			&format!("/v1/files/{}/segments/1/extra", api::to_hex(&id)),
		] {
			assert!(matches!(parse_path(bad), Some(Err(WireError::Path(_)))), "{bad}");
		}
	}
}
