//! The client side of the signer protocol: what the disperser, the retriever and the
//! sampler send to and fetch from signers.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};

use crate::wire::{self, CellRecord, MAX_BODY};

/// An HTTP client for signers (keep-alive, one pool).
#[derive(Clone)]
pub struct SignerClient {
	http: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
	timeout: Duration,
}

impl Default for SignerClient {
	fn default() -> Self {
		Self::new(Duration::from_secs(30))
	}
}

impl SignerClient {
	/// A client whose requests give up after `timeout`.
	pub fn new(timeout: Duration) -> Self {
		Self { http: Client::builder(TokioExecutor::new()).build_http(), timeout }
	}

	async fn request(
		&self,
		method: Method,
		url: String,
		body: Vec<u8>,
	) -> Result<(StatusCode, Vec<u8>), String> {
		let req = Request::builder()
			.method(method)
			.uri(&url)
			.header("content-type", "application/octet-stream")
			.body(Full::new(Bytes::from(body)))
			.map_err(|e| format!("{url}: {e}"))?;
		let fut = async {
			let resp = self.http.request(req).await.map_err(|e| format!("{url}: {e}"))?;
			let status = resp.status();
			let mut body = resp.into_body();
			let mut out = Vec::new();
			while let Some(frame) = body.frame().await {
				let frame = frame.map_err(|e| format!("{url}: {e}"))?;
				if let Some(d) = frame.data_ref() {
					if out.len() + d.len() > MAX_BODY + 4096 {
						return Err(format!("{url}: reply over {MAX_BODY} bytes"));
					}
					out.extend_from_slice(d);
				}
			}
			Ok((status, out))
		};
		tokio::time::timeout(self.timeout, fut)
			.await
			.map_err(|_| format!("{url}: no reply in {:?}", self.timeout))?
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
