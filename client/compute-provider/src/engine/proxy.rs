//! The proxy engine: forwards to an OpenAI-compatible server (vLLM, llama.cpp's
//! `llama-server`, TGI) over HTTP and meters from the `usage` it reports.
//!
//! Chat requests always go upstream as streams (with `stream_options.include_usage`),
//! so the provider can relay tokens as they come and stop when its client leaves.
//! Upstream token counts above the bound the provider checked the budget against are
//! clamped to it: the user never pays more than they signed for.
//!
//! What goes upstream is built from an allowlist, never the user's body as sent: the
//! parsed messages (role and text, which the input bound counts), one choice, and the
//! sampling knobs in [`FORWARDED`]. Fields that make the upstream read or write more than
//! the provider meters (`n`, `best_of`, `tools`, `functions`, `response_format`,
//! `logprobs`, extra message fields, ...) stay behind, so the provider is never billed
//! upstream for work its users do not pay for.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{ChatJob, ChatOutput, ChatRequest, EmbedOutput, Engine, EngineError};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// Most bytes read from one upstream response.
const MAX_UPSTREAM_BYTES: usize = 64 << 20;

/// Fields of a user's chat request passed upstream as given: sampling knobs that change
/// neither how much prompt is read nor how many answers are generated.
pub const FORWARDED: [&str; 6] =
	["temperature", "top_p", "stop", "presence_penalty", "frequency_penalty", "seed"];

/// The body sent upstream for `job`: see the module docs.
pub fn upstream_chat_body(model: &str, job: &ChatJob) -> Value {
	let mut obj = serde_json::Map::new();
	for key in FORWARDED {
		if let Some(v) = job.body.get(key).filter(|v| !v.is_null()) {
			obj.insert(key.into(), v.clone());
		}
	}
	let messages: Vec<Value> = job
		.request
		.messages
		.iter()
		.map(|m| json!({ "role": m.role, "content": m.content }))
		.collect();
	obj.insert("messages".into(), json!(messages));
	obj.insert("model".into(), json!(model));
	obj.insert("n".into(), json!(1));
	obj.insert("stream".into(), json!(true));
	obj.insert("stream_options".into(), json!({ "include_usage": true }));
	obj.insert("max_tokens".into(), json!(job.max_tokens));
	if job.request.seed.is_none() {
		obj.insert("seed".into(), json!(job.seed));
	}
	Value::Object(obj)
}

/// Forwards to `base` (e.g. `http://127.0.0.1:8080`).
pub struct ProxyEngine {
	base: String,
	model: String,
	api_key: Option<String>,
	client: HttpClient,
	timeout: Duration,
}

impl ProxyEngine {
	/// A proxy to `base` serving `model`, with an optional bearer key.
	pub fn new(base: &str, model: &str, api_key: Option<String>) -> Result<Self, EngineError> {
		if !base.starts_with("http://") {
			return Err(EngineError::Unavailable(format!(
				"upstream {base:?}: only http:// upstreams are supported"
			)));
		}
		Ok(Self {
			base: base.trim_end_matches('/').to_string(),
			model: model.to_string(),
			api_key,
			client: Client::builder(TokioExecutor::new()).build_http(),
			timeout: Duration::from_secs(600),
		})
	}

	async fn post(
		&self,
		path: &str,
		body: &Value,
	) -> Result<hyper::Response<hyper::body::Incoming>, EngineError> {
		let mut req = hyper::Request::post(format!("{}{path}", self.base))
			.header("content-type", "application/json");
		if let Some(key) = &self.api_key {
			req = req.header("authorization", format!("Bearer {key}"));
		}
		let req = req
			.body(Full::new(Bytes::from(serde_json::to_vec(body).expect("JSON values serialize"))))
			.map_err(|e| EngineError::BadRequest(e.to_string()))?;
		let resp = tokio::time::timeout(self.timeout, self.client.request(req))
			.await
			.map_err(|_| EngineError::Unavailable("upstream timed out".into()))?
			.map_err(|e| EngineError::Unavailable(format!("upstream {}: {e}", self.base)))?;
		if !resp.status().is_success() {
			let status = resp.status();
			let body = read_all(resp.into_body(), 64 << 10).await.unwrap_or_default();
			return Err(EngineError::Upstream(format!(
				"{status}: {}",
				String::from_utf8_lossy(&body)
			)));
		}
		Ok(resp)
	}
}

async fn read_all(body: hyper::body::Incoming, limit: usize) -> Result<Vec<u8>, EngineError> {
	crate::client::read_body(body, limit)
		.await
		.map_err(|e| EngineError::Upstream(format!("upstream body: {e}")))
}

/// Upper bound of a tokenizer's count for `text`: every token is at least one byte,
/// plus a template allowance per message.
fn bytes_bound(texts: impl Iterator<Item = usize>) -> u32 {
	texts.map(|n| n as u64 + 8).sum::<u64>().saturating_add(16).try_into().unwrap_or(u32::MAX)
}

impl Engine for ProxyEngine {
	fn model(&self) -> String {
		self.model.clone()
	}

	fn input_bound(&self, request: &ChatRequest) -> u32 {
		bytes_bound(request.messages.iter().map(|m| m.content.len() + m.role.len()))
	}

	fn embed_input_bound(&self, texts: &[String]) -> u32 {
		bytes_bound(texts.iter().map(|t| t.len()))
	}

	fn chat(
		self: Arc<Self>,
		job: ChatJob,
		tokens: mpsc::UnboundedSender<String>,
	) -> BoxFuture<'static, Result<ChatOutput, EngineError>> {
		Box::pin(async move {
			let bound = self.input_bound(&job.request);
			let body = upstream_chat_body(&self.model, &job);
			let resp = self.post("/v1/chat/completions", &body).await?;
			let mut stream = resp.into_body();
			let mut text = String::new();
			let mut sse = crate::client::SseDecoder::default();
			let mut usage: Option<(u32, u32)> = None;
			let mut finish: &'static str = "stop";
			let mut received = 0usize;
			'read: while let Some(frame) = stream.frame().await {
				let frame =
					frame.map_err(|e| EngineError::Unavailable(format!("upstream stream: {e}")))?;
				let Some(data) = frame.data_ref() else { continue };
				received += data.len();
				if received > MAX_UPSTREAM_BYTES {
					return Err(EngineError::Upstream("stream too large".into()));
				}
				for payload in sse.feed(data) {
					if payload == "[DONE]" {
						break 'read;
					}
					let chunk: Value = serde_json::from_str(&payload)
						.map_err(|e| EngineError::Upstream(format!("bad stream chunk: {e}")))?;
					if let Some(u) = chunk.get("usage").filter(|u| !u.is_null()) {
						let get = |k: &str| u.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
						usage = Some((get("prompt_tokens"), get("completion_tokens")));
					}
					if let Some(choice) = chunk.get("choices").and_then(|c| c.get(0)) {
						if let Some(piece) =
							choice.pointer("/delta/content").and_then(Value::as_str)
						{
							text.push_str(piece);
							if tokens.send(piece.to_string()).is_err() {
								finish = "cancelled";
								break 'read;
							}
						}
						if choice.get("finish_reason").and_then(Value::as_str) == Some("length") {
							finish = "length";
						}
					}
				}
			}
			// Without usage (a cancelled stream, an upstream that ignores
			// include_usage) the output is counted as at most one token per byte.
			let (input, output) = usage.unwrap_or((bound, text.len() as u32));
			Ok(ChatOutput {
				text,
				input_tokens: input.min(bound),
				output_tokens: output.min(job.max_tokens),
				finish_reason: finish,
			})
		})
	}

	fn embed(
		self: Arc<Self>,
		texts: Vec<String>,
	) -> BoxFuture<'static, Result<EmbedOutput, EngineError>> {
		Box::pin(async move {
			let bound = self.embed_input_bound(&texts);
			let resp = self
				.post("/v1/embeddings", &json!({ "model": self.model, "input": texts }))
				.await?;
			let body = read_all(resp.into_body(), MAX_UPSTREAM_BYTES).await?;
			let v: Value = serde_json::from_slice(&body)
				.map_err(|e| EngineError::Upstream(format!("bad JSON: {e}")))?;
			let mut data: Vec<(u64, Vec<f32>)> = v
				.get("data")
				.and_then(Value::as_array)
				.ok_or_else(|| EngineError::Upstream("no data".into()))?
				.iter()
				.map(|d| {
					let index = d.get("index").and_then(Value::as_u64).unwrap_or(0);
					let vector = d
						.get("embedding")
						.and_then(Value::as_array)
						.map(|a| a.iter().filter_map(Value::as_f64).map(|x| x as f32).collect())
						.unwrap_or_default();
					(index, vector)
				})
				.collect();
			data.sort_by_key(|(i, _)| *i);
			if data.len() != texts.len() {
				return Err(EngineError::Upstream(format!(
					"{} vectors for {} inputs",
					data.len(),
					texts.len()
				)));
			}
			let input = v
				.pointer("/usage/prompt_tokens")
				.and_then(Value::as_u64)
				.map(|n| n as u32)
				.unwrap_or(bound);
			Ok(EmbedOutput {
				vectors: data.into_iter().map(|(_, v)| v).collect(),
				input_tokens: input.min(bound),
			})
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_billed_fields_go_upstream() {
		let body = json!({
			"model": "whatever",
			"messages": [{ "role": "user", "content": "hi", "name": "x", "tool_calls": [{ "id": "1" }] }],
			"n": 8,
			"best_of": 8,
			"tools": [{ "type": "function", "function": { "name": "f", "description": "a long prompt" } }],
			"functions": [{ "name": "g" }],
			"response_format": { "type": "json_schema", "json_schema": { "schema": { "description": "more prompt" } } },
			"logprobs": true,
			"top_logprobs": 20,
			"max_completion_tokens": 100000,
			"temperature": 0.5,
			"stop": ["\n"],
		});
		let request: crate::engine::ChatRequest = serde_json::from_value(body.clone()).unwrap();
		let job = ChatJob { request, body, max_tokens: 64, seed: 7 };
		let up = upstream_chat_body("served-model", &job);
		let mut keys: Vec<&str> = up.as_object().unwrap().keys().map(String::as_str).collect();
		keys.sort();
		assert_eq!(
			keys,
			[
				"max_tokens",
				"messages",
				"model",
				"n",
				"seed",
				"stop",
				"stream",
				"stream_options",
				"temperature"
			]
		);
		assert_eq!(up["n"], 1);
		assert_eq!(up["max_tokens"], 64);
		assert_eq!(up["model"], "served-model");
		assert_eq!(up["seed"], 7);
		// Messages carry only what the input bound counted.
		assert_eq!(up["messages"], json!([{ "role": "user", "content": "hi" }]));
	}
}
