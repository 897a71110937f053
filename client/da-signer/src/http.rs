//! The client side of the signer protocol: what the disperser, the retriever and the
//! sampler send to and fetch from signers.

use std::time::Duration;

use bytes::Bytes;
use hyper::{Method, StatusCode};
use zerog_daemon::client::HttpClient;

use crate::wire::{self, CellRecord, MAX_BODY};

/// An HTTP client for signers (keep-alive, one pool).
#[derive(Clone, Default)]
pub struct SignerClient {
	http: HttpClient,
}

impl SignerClient {
	/// A client whose requests give up after `timeout`.
	pub fn new(timeout: Duration) -> Self {
		Self { http: HttpClient::new(timeout) }
	}

	async fn request(
		&self,
		method: Method,
		url: String,
		body: Vec<u8>,
	) -> Result<(StatusCode, Vec<u8>), String> {
		self.http.request(method, &url, Bytes::from(body), MAX_BODY + 4096).await
	}

	fn error(status: StatusCode, body: &[u8]) -> String {
		let text = String::from_utf8_lossy(body);
		let msg = serde_json::from_slice::<serde_json::Value>(body)
			.ok()
			.and_then(|v| v["error"].as_str().map(str::to_owned))
			.unwrap_or_else(|| text.into_owned());
		format!("{status}: {msg}")
	}

	/// Sends a row's cells of `blob` to the signer at `endpoint`.
	pub async fn post_row(
		&self,
		endpoint: &str,
		blob: u64,
		row: u32,
		records: &[CellRecord],
	) -> Result<(), String> {
		let url = format!("{}/v1/blobs/{blob}/rows/{row}", endpoint.trim_end_matches('/'));
		let (status, body) = self.request(Method::POST, url, wire::encode(records)).await?;
		if status.is_success() {
			Ok(())
		} else {
			Err(Self::error(status, &body))
		}
	}

	/// The cells the signer at `endpoint` holds of a row.
	pub async fn get_row(
		&self,
		endpoint: &str,
		blob: u64,
		row: u32,
	) -> Result<Vec<CellRecord>, String> {
		let url = format!("{}/v1/blobs/{blob}/rows/{row}", endpoint.trim_end_matches('/'));
		let (status, body) = self.request(Method::GET, url.clone(), Vec::new()).await?;
		if !status.is_success() {
			return Err(Self::error(status, &body));
		}
		wire::decode(&body).ok_or_else(|| format!("{url}: malformed cell records"))
	}

	/// One cell with its proof.
	pub async fn get_cell(
		&self,
		endpoint: &str,
		blob: u64,
		row: u32,
		column: u16,
	) -> Result<CellRecord, String> {
		let url =
			format!("{}/v1/blobs/{blob}/cells/{row}/{column}", endpoint.trim_end_matches('/'));
		let (status, body) = self.request(Method::GET, url.clone(), Vec::new()).await?;
		if !status.is_success() {
			return Err(Self::error(status, &body));
		}
		let r = CellRecord::read(&body).ok_or_else(|| format!("{url}: malformed cell record"))?;
		if r.column != column {
			return Err(format!("{url}: served column {} instead", r.column));
		}
		Ok(r)
	}
}
