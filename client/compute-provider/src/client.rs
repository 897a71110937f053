//! The user side of the provider's API, shared by `zg compute` and the benchmarks:
//! signed chat and embeddings requests, streamed answers, and the provider's proof.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use serde_json::{json, Value};

use crate::protocol::{Proof, SignedRequest};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// Most bytes read from one response.
pub const MAX_RESPONSE_BYTES: usize = 64 << 20;

/// Splits a server-sent-events byte stream into its `data:` payloads.
#[derive(Default)]
pub struct SseDecoder {
	pending: Vec<u8>,
}

impl SseDecoder {
	/// Feeds bytes; returns the complete `data:` payloads they finish, in order.
	pub fn feed(&mut self, data: &[u8]) -> Vec<String> {
		self.pending.extend_from_slice(data);
		let mut out = Vec::new();
		while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
			let line: Vec<u8> = self.pending.drain(..=end).collect();
			let line = String::from_utf8_lossy(&line);
			if let Some(payload) = line.trim().strip_prefix("data:") {
				out.push(payload.trim().to_string());
			}
		}
		out
	}
}

/// Why a request to a provider failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
	/// Could not reach it, or the connection broke.
	#[error("provider {0}: {1}")]
	Transport(String, String),
	/// It refused the request (OpenAI-shaped error).
	#[error("provider refused ({status} {code}): {message}")]
	Refused {
		/// HTTP status.
		status: u16,
		/// Its error code (`insufficient_balance`, `nonce_reused`, …).
		code: String,
		/// Its message.
		message: String,
	},
	/// It answered something that is not the API.
	#[error("provider answered something unexpected: {0}")]
	Protocol(String),
}

/// A finished chat answer with the provider's proof.
#[derive(Debug, Clone)]
pub struct ChatAnswer {
	/// The text.
	pub text: String,
	/// `stop`, `length`, …
	pub finish_reason: String,
	/// The provider's signed statement.
	pub proof: Proof,
}

/// A client of one provider endpoint.
#[derive(Clone)]
pub struct ProviderClient {
	base: String,
	http: HttpClient,
	timeout: Duration,
}

impl ProviderClient {
	/// A client of `base` (`http://host:port`).
	pub fn new(base: &str) -> Result<Self, ClientError> {
		if !base.starts_with("http://") {
			return Err(ClientError::Transport(
				base.into(),
				"only http:// endpoints are supported".into(),
			));
		}
		Ok(Self {
			base: base.trim_end_matches('/').to_string(),
			http: Client::builder(TokioExecutor::new()).build_http(),
			timeout: Duration::from_secs(600),
		})
	}

	fn transport(&self, e: impl std::fmt::Display) -> ClientError {
		ClientError::Transport(self.base.clone(), e.to_string())
	}

	async fn send(
		&self,
		req: hyper::Request<Full<Bytes>>,
	) -> Result<hyper::Response<hyper::body::Incoming>, ClientError> {
		let resp = tokio::time::timeout(self.timeout, self.http.request(req))
			.await
			.map_err(|_| self.transport("timed out"))?
			.map_err(|e| self.transport(e))?;
		if resp.status().is_success() {
			return Ok(resp);
		}
		let status = resp.status().as_u16();
		let body = read_body(resp.into_body(), 1 << 20).await.unwrap_or_default();
		let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
		Err(ClientError::Refused {
			status,
			code: v.pointer("/error/code").and_then(Value::as_str).unwrap_or("unknown").to_string(),
			message: v
				.pointer("/error/message")
				.and_then(Value::as_str)
				.map(str::to_string)
				.unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned()),
		})
	}

	/// `GET path` as JSON.
	pub async fn get(&self, path: &str) -> Result<Value, ClientError> {
		let req = hyper::Request::get(format!("{}{path}", self.base))
			.body(Full::new(Bytes::new()))
			.map_err(|e| self.transport(e))?;
		let body = read_body(self.send(req).await?.into_body(), MAX_RESPONSE_BYTES)
			.await
			.map_err(|e| self.transport(e))?;
		serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))
	}

	/// `POST path` with `body` and the signature headers of `signed` (if any); the
	/// response as it comes.
	pub async fn post(
		&self,
		path: &str,
		body: &[u8],
		signed: Option<&SignedRequest>,
	) -> Result<hyper::Response<hyper::body::Incoming>, ClientError> {
		let mut req = hyper::Request::post(format!("{}{path}", self.base))
			.header("content-type", "application/json");
		for (name, value) in signed.map(SignedRequest::headers).unwrap_or_default() {
			req = req.header(name, value);
		}
		let req =
			req.body(Full::new(Bytes::copy_from_slice(body))).map_err(|e| self.transport(e))?;
		self.send(req).await
	}

	/// A streamed chat completion: `on_text` gets each piece as it arrives; the answer
	/// ends with the provider's proof.
	pub async fn chat_stream(
		&self,
		body: &[u8],
		signed: &SignedRequest,
		mut on_text: impl FnMut(&str),
	) -> Result<ChatAnswer, ClientError> {
		let mut stream = self.post("/v1/chat/completions", body, Some(signed)).await?.into_body();
		let mut sse = SseDecoder::default();
		let (mut text, mut finish, mut proof) = (String::new(), String::new(), None);
		let mut received = 0usize;
		while let Some(frame) = stream.frame().await {
			let frame = frame.map_err(|e| self.transport(format!("stream broke: {e}")))?;
			let Some(data) = frame.data_ref() else { continue };
			received += data.len();
			if received > MAX_RESPONSE_BYTES {
				return Err(ClientError::Protocol("stream too large".into()));
			}
			for payload in sse.feed(data) {
				if payload == "[DONE]" {
					continue;
				}
				let chunk: Value = serde_json::from_str(&payload)
					.map_err(|e| ClientError::Protocol(format!("bad chunk: {e}")))?;
				if let Some(err) = chunk.get("error") {
					return Err(ClientError::Refused {
						status: 200,
						code: err.get("code").and_then(Value::as_str).unwrap_or("unknown").into(),
						message: err.get("message").and_then(Value::as_str).unwrap_or("").into(),
					});
				}
				if let Some(choice) = chunk.pointer("/choices/0") {
					if let Some(piece) = choice.pointer("/delta/content").and_then(Value::as_str) {
						text.push_str(piece);
						on_text(piece);
					}
					if let Some(f) = choice.get("finish_reason").and_then(Value::as_str) {
						finish = f.to_string();
					}
				}
				if let Some(p) = chunk.get("zerog") {
					proof = Some(
						serde_json::from_value(p.clone())
							.map_err(|e| ClientError::Protocol(format!("bad proof: {e}")))?,
					);
				}
			}
		}
		let proof = proof.ok_or_else(|| {
			ClientError::Protocol("the stream ended without the provider's proof".into())
		})?;
		Ok(ChatAnswer { text, finish_reason: finish, proof })
	}
}

/// Reads a body up to `limit` bytes.
pub async fn read_body(mut body: hyper::body::Incoming, limit: usize) -> Result<Vec<u8>, String> {
	let mut out = Vec::new();
	while let Some(frame) = body.frame().await {
		let frame = frame.map_err(|e| e.to_string())?;
		if let Some(data) = frame.data_ref() {
			if out.len() + data.len() > limit {
				return Err(format!("response over {limit} bytes"));
			}
			out.extend_from_slice(data);
		}
	}
	Ok(out)
}

/// An OpenAI chat request body for one user message.
pub fn chat_body(
	model: &str,
	prompt: &str,
	max_tokens: u32,
	stream: bool,
	seed: Option<u64>,
) -> Vec<u8> {
	let mut body = json!({
		"model": model,
		"messages": [{ "role": "user", "content": prompt }],
		"max_tokens": max_tokens,
		"stream": stream,
	});
	if let Some(seed) = seed {
		body["seed"] = json!(seed);
	}
	serde_json::to_vec(&body).expect("JSON values serialize")
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sse_payloads_survive_any_split() {
		let stream = b"data: {\"a\":1}\n\n: comment\n\ndata: [DONE]\n\n";
		for cut in 0..stream.len() {
			let mut d = SseDecoder::default();
			let mut got = d.feed(&stream[..cut]);
			got.extend(d.feed(&stream[cut..]));
			assert_eq!(got, vec!["{\"a\":1}".to_string(), "[DONE]".to_string()], "cut at {cut}");
		}
	}
}
