//! The client of the binary segment path ([`crate::wire`]): what `zg` uploads and
//! downloads segments with. One keep-alive connection pool for every node.

use std::time::Duration;

use bytes::Bytes;
use hyper::{Method, StatusCode};
use zerog_daemon::client::HttpClient;
use zerog_storage_primitives::{FileId, MerkleProof};

use crate::wire::{self, Refusal, Stored};

/// Why a segment request failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SegmentError {
	/// The node answered and refused: its JSON-RPC error code and reason.
	#[error("refused ({status}, code {code}): {message}")]
	Refused {
		/// The HTTP status.
		status: u16,
		/// The `zgs_*` error code (`api::ERR_*`).
		code: i32,
		/// Why.
		message: String,
	},
	/// The node could not be reached, or did not answer in time, or answered nonsense.
	#[error("{0}")]
	Transport(String),
}

/// An HTTP client for the segment path.
#[derive(Clone, Default)]
pub struct SegmentClient {
	http: HttpClient,
}

impl SegmentClient {
	/// A client whose requests give up after `timeout`.
	pub fn new(timeout: Duration) -> Self {
		Self { http: HttpClient::new(timeout) }
	}

	async fn request(
		&self,
		method: Method,
		url: String,
		body: Bytes,
	) -> Result<(StatusCode, Vec<u8>), SegmentError> {
		self.http
			.request(method, &url, body, wire::MAX_FRAME)
			.await
			.map_err(SegmentError::Transport)
	}

	fn refused(status: StatusCode, body: &[u8]) -> SegmentError {
		match serde_json::from_slice::<Refusal>(body) {
			Ok(r) => {
				SegmentError::Refused { status: status.as_u16(), code: r.code, message: r.message }
			}
			Err(_) => SegmentError::Transport(format!(
				"{status}: {}",
				String::from_utf8_lossy(&body[..body.len().min(200)])
			)),
		}
	}

	/// Uploads a segment to the node at `endpoint` (its base URL): `true` if stored now,
	/// `false` if already held. `frame` is [`wire::encode`]'s, shared between nodes.
	pub async fn put(
		&self,
		endpoint: &str,
		id: &FileId,
		index: u64,
		frame: Bytes,
	) -> Result<bool, SegmentError> {
		let url = format!("{}{}", endpoint.trim_end_matches('/'), wire::path(id, index));
		let (status, body) = self.request(Method::PUT, url.clone(), frame).await?;
		if !status.is_success() {
			return Err(Self::refused(status, &body));
		}
		serde_json::from_slice::<Stored>(&body)
			.map(|s| s.stored)
			.map_err(|e| SegmentError::Transport(format!("{url}: malformed reply: {e}")))
	}

	/// Downloads a segment with its proof from the node at `endpoint`, unverified.
	pub async fn get(
		&self,
		endpoint: &str,
		id: &FileId,
		index: u64,
	) -> Result<(MerkleProof, Vec<u8>), SegmentError> {
		let url = format!("{}{}", endpoint.trim_end_matches('/'), wire::path(id, index));
		let (status, mut body) = self.request(Method::GET, url.clone(), Bytes::new()).await?;
		if !status.is_success() {
			return Err(Self::refused(status, &body));
		}
		let (proof, data) = wire::decode(&body)
			.map_err(|e| SegmentError::Transport(format!("{url}: malformed frame: {e}")))?;
		let data_len = data.len();
		// The segment is the frame's tail: keep the allocation, drop the proof's bytes.
		body.drain(..body.len() - data_len);
		Ok((proof, body))
	}
}
