//! The provider's OpenAI-compatible HTTP API.
//!
//! | route | what |
//! |---|---|
//! | `GET /v1/models` | the served model |
//! | `POST /v1/chat/completions` | chat, JSON or server-sent events (`stream: true`) |
//! | `POST /v1/embeddings` | embeddings |
//! | `GET /v1/zerog/service` | service id, signer, prices, chain genesis |
//! | `GET /v1/zerog/users/{ss58}` | a user's last nonce and unsettled fees here |
//! | `GET /health`, `GET /metrics` | liveness, Prometheus counters |
//!
//! Errors are OpenAI-shaped: `{"error": {"message", "type", "code"}}` with 400 (bad
//! body), 401 (missing, malformed or forged signature; reused nonce), 402 (maximum fee
//! below the cost; sub-account cannot pay), 404, 413 (body over 1 MiB), 503 (chain or
//! engine unavailable). A refused request runs nothing and costs nothing.

use std::{
	collections::{BTreeSet, HashMap},
	convert::Infallible,
	sync::Arc,
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::{body::Frame, body::Incoming, Request, Response, StatusCode};
use polkadot_sdk::{
	sp_core::{crypto::Ss58Codec, sr25519, H256},
	sp_runtime::MultiSignature,
};
use prometheus::{IntCounter, IntGauge};
use serde_json::{json, Value};
use tokio::{net::TcpListener, sync::mpsc};
use zerog_compute_primitives::{Receipt, ResponseStatement};
use zerog_daemon::metrics::MetricError;

use crate::{
	chain_view::{ChainView, ServiceView},
	engine::{ChatJob, ChatRequest, EmbeddingsRequest, Engine, EngineError},
	protocol::{self, AccountId, Balance, Proof, SignedRequest},
	store::{ReceiptRecord, ReceiptState, Store},
};

/// Largest request body.
pub const MAX_BODY: usize = 1 << 20;

/// The bounds of the provider's HTTP server. Chat answers stream for as long as the
/// engine generates; these bound only what a client sends.
pub const HTTP_LIMITS: zerog_daemon::HttpLimits = zerog_daemon::HttpLimits::DAEMON;
/// Most output tokens one request may ask for.
pub const MAX_OUTPUT_TOKENS: u32 = 4096;

type Body = BoxBody<Bytes, Infallible>;

/// A refusal: status, OpenAI error type and code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
	/// HTTP status.
	pub status: StatusCode,
	/// Machine-readable code.
	pub code: &'static str,
	/// For people.
	pub message: String,
}

impl ApiError {
	fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
		Self { status, code, message: message.into() }
	}
	fn kind(&self) -> &'static str {
		match self.status {
			StatusCode::UNAUTHORIZED => "authentication_error",
			StatusCode::PAYMENT_REQUIRED => "insufficient_quota",
			StatusCode::SERVICE_UNAVAILABLE | StatusCode::INTERNAL_SERVER_ERROR => "server_error",
			_ => "invalid_request_error",
		}
	}
	fn response(&self) -> Response<Body> {
		json_response(
			self.status,
			&json!({ "error": { "message": self.message, "type": self.kind(), "code": self.code } }),
		)
	}
}

fn json_response(status: StatusCode, v: &Value) -> Response<Body> {
	Response::builder()
		.status(status)
		.header("content-type", "application/json")
		.body(Full::new(Bytes::from(v.to_string())).boxed())
		.expect("static headers are valid")
}

/// What the provider knows of one user while serving.
#[derive(Default)]
struct UserState {
	/// Highest nonce accepted (served or being served).
	last_nonce: u64,
	/// Worst-case fees of requests being served.
	reserved: Balance,
	/// Nonces being served.
	in_flight: BTreeSet<u64>,
}

/// The provider's metrics, declared in its registry and served on `/metrics`.
pub struct Metrics {
	registry: zerog_daemon::metrics::Metrics,
	requests: IntCounter,
	refused: IntCounter,
	served: IntCounter,
	input_tokens: IntCounter,
	output_tokens: IntCounter,
	pending: IntGauge,
	/// Receipts settled on chain.
	pub settled: IntCounter,
	/// Receipts the chain refused.
	pub rejected: IntCounter,
}

impl Metrics {
	/// Declares every metric of the provider.
	pub fn new() -> Result<Self, MetricError> {
		let registry = zerog_daemon::metrics::Metrics::new();
		let c = |name: &str, help: &str| registry.counter(name, help);
		Ok(Self {
			requests: c("zerog_provider_requests_total", "Requests received.")?,
			refused: c("zerog_provider_refused_total", "Requests refused before running.")?,
			served: c("zerog_provider_served_total", "Responses signed and stored.")?,
			input_tokens: c("zerog_provider_input_tokens_total", "Input tokens metered.")?,
			output_tokens: c("zerog_provider_output_tokens_total", "Output tokens metered.")?,
			pending: registry
				.gauge("zerog_provider_receipts_pending", "Receipts waiting for settlement.")?,
			settled: c("zerog_provider_receipts_settled_total", "Receipts settled on chain.")?,
			rejected: c("zerog_provider_receipts_rejected_total", "Receipts the chain refused.")?,
			registry,
		})
	}
}

/// Configuration of a provider.
pub struct ProviderConfig {
	/// The service on chain this provider serves.
	pub service: ServiceView,
	/// The chain's genesis hash.
	pub genesis: H256,
	/// The service key.
	pub signer: sr25519::Pair,
	/// Output tokens when a request names none.
	pub default_max_tokens: u32,
	/// Pending receipts that trigger a settlement.
	pub settle_threshold: u64,
}

/// A running provider's state.
pub struct Provider {
	config: ProviderConfig,
	service: parking_lot::RwLock<ServiceView>,
	engine: Arc<dyn Engine>,
	chain: Arc<dyn ChainView>,
	/// The receipt store.
	pub store: Arc<Store>,
	users: parking_lot::Mutex<HashMap<AccountId, UserState>>,
	/// Wakes the settlement task.
	pub settle_now: tokio::sync::Notify,
	/// Counters.
	pub metrics: Metrics,
}

/// A request that passed every check and holds its budget reservation.
struct Admitted {
	signed: SignedRequest,
	service: ServiceView,
	reserved: Balance,
}

fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

impl Provider {
	/// A provider for `config.service`, running `engine`.
	pub fn new(
		config: ProviderConfig,
		engine: Arc<dyn Engine>,
		chain: Arc<dyn ChainView>,
		store: Arc<Store>,
	) -> Result<Arc<Self>, MetricError> {
		let service = parking_lot::RwLock::new(config.service.clone());
		Ok(Arc::new(Self {
			config,
			service,
			engine,
			chain,
			store,
			users: Default::default(),
			settle_now: Default::default(),
			metrics: Metrics::new()?,
		}))
	}

	/// The service as last read from the chain.
	pub fn service(&self) -> ServiceView {
		self.service.read().clone()
	}

	/// Re-reads the service (prices, key, status) from the chain.
	pub async fn refresh_service(&self) -> Result<(), String> {
		let id = self.config.service.id;
		let found = self.chain.services().await?.into_iter().find(|s| s.id == id);
		match found {
			Some(s) => {
				*self.service.write() = s;
				Ok(())
			}
			None => Err(format!("service {id} is no longer on chain")),
		}
	}

	/// The lowest nonce still being served for `user` (its receipts from there on must
	/// wait), if any.
	pub fn first_in_flight(&self, user: &AccountId) -> Option<u64> {
		self.users.lock().get(user).and_then(|s| s.in_flight.first().copied())
	}

	/// Signature, nonce and budget checks; on success the worst-case fee is reserved.
	async fn admit(
		&self,
		headers: &hyper::HeaderMap,
		body: &[u8],
		input_bound: u32,
		requested: u32,
	) -> Result<(Admitted, u32), ApiError> {
		let get = |name: &'static str| headers.get(name).and_then(|v| v.to_str().ok());
		let signed = SignedRequest::from_headers(get, body).map_err(|e| {
			ApiError::new(
				StatusCode::UNAUTHORIZED,
				"missing_or_malformed_signature",
				format!("{e}; every request must be signed (see docs/compute.md)"),
			)
		})?;
		let service = self.service();
		if signed.request.service != service.id {
			return Err(ApiError::new(
				StatusCode::BAD_REQUEST,
				"wrong_service",
				format!(
					"this provider serves service {}, not {}",
					service.id, signed.request.service
				),
			));
		}
		if !signed.verify(self.config.genesis) {
			return Err(ApiError::new(
				StatusCode::UNAUTHORIZED,
				"invalid_signature",
				"the signature does not verify against x-zg-user for this body and chain",
			));
		}
		if service.status != "active" {
			return Err(ApiError::new(
				StatusCode::SERVICE_UNAVAILABLE,
				"service_retiring",
				"the service is retiring",
			));
		}
		// The most output the signed maximum fee pays for, after the input.
		let max_fee = signed.request.max_fee;
		let input_fee =
			service.input_price.checked_mul(input_bound as u128).unwrap_or(Balance::MAX);
		let Some(left) = max_fee.checked_sub(input_fee) else {
			return Err(ApiError::new(StatusCode::PAYMENT_REQUIRED, "max_fee_too_low", format!("x-zg-max-fee {max_fee} is below the input's cost {input_fee} ({input_bound} tokens)")));
		};
		// Free output: the request's own limit bounds it.
		let affordable = left.checked_div(service.output_price).unwrap_or(u128::from(requested));
		let max_tokens = requested.min(affordable.min(u128::from(u32::MAX)) as u32);
		if max_tokens == 0 {
			return Err(ApiError::new(
				StatusCode::PAYMENT_REQUIRED,
				"max_fee_too_low",
				format!("x-zg-max-fee {max_fee} pays for no output token"),
			));
		}
		let worst =
			input_fee.saturating_add(service.output_price.saturating_mul(max_tokens as u128));

		let user = signed.request.user.clone();
		let sub = self
			.chain
			.sub_account(&user, &service.provider)
			.await
			.map_err(|e| {
				ApiError::new(
					StatusCode::SERVICE_UNAVAILABLE,
					"chain_unavailable",
					format!("cannot read the ledger: {e}"),
				)
			})?
			.ok_or_else(|| {
				ApiError::new(
					StatusCode::PAYMENT_REQUIRED,
					"no_sub_account",
					format!(
						"{} has no funds with provider {}: `zg compute fund`",
						user.to_ss58check(),
						service.provider.to_ss58check()
					),
				)
			})?;
		let totals = self.store.totals(&user);
		let mut users = self.users.lock();
		let state = users.entry(user.clone()).or_default();
		let last = state.last_nonce.max(totals.last_nonce).max(sub.last_nonce);
		let nonce = signed.request.nonce;
		if nonce <= last {
			return Err(ApiError::new(
				StatusCode::UNAUTHORIZED,
				"nonce_reused",
				format!("nonce {nonce} was used; the next must be above {last}"),
			));
		}
		let available = sub
			.balance
			.saturating_add(sub.pending_refund)
			.saturating_sub(totals.unsettled)
			.saturating_sub(state.reserved);
		if available < worst {
			return Err(ApiError::new(StatusCode::PAYMENT_REQUIRED, "insufficient_balance", format!("this request may cost {worst}; the sub-account has {available} left after unsettled requests")));
		}
		state.last_nonce = nonce;
		state.reserved = state.reserved.saturating_add(worst);
		state.in_flight.insert(nonce);
		Ok((Admitted { signed, service, reserved: worst }, max_tokens))
	}

	/// Releases a reservation.
	fn release(&self, admitted: &Admitted) {
		let mut users = self.users.lock();
		if let Some(state) = users.get_mut(&admitted.signed.request.user) {
			state.reserved = state.reserved.saturating_sub(admitted.reserved);
			state.in_flight.remove(&admitted.signed.request.nonce);
		}
	}

	/// Meters, signs, stores durably, then releases: the proof exists only once the
	/// receipt is on disk.
	fn sign_and_store(
		&self,
		admitted: &Admitted,
		response: &[u8],
		input: u32,
		output: u32,
	) -> Result<Proof, ApiError> {
		let request = &admitted.signed.request;
		let fee = admitted
			.service
			.input_price
			.saturating_mul(input as u128)
			.saturating_add(admitted.service.output_price.saturating_mul(output as u128));
		let statement = ResponseStatement {
			user: request.user.clone(),
			service: request.service,
			nonce: request.nonce,
			request_hash: request.request_hash,
			response_hash: protocol::hash(response),
			input_tokens: input,
			output_tokens: output,
		};
		let proof = Proof::sign(&self.config.signer, self.config.genesis, &statement, fee);
		let proof_signature = proof
			.statement()
			.map(|(_, s)| s)
			.unwrap_or_else(|_| MultiSignature::Sr25519(Default::default()));
		let record = ReceiptRecord {
			receipt: Receipt {
				request: request.clone(),
				user_signature: admitted.signed.signature.clone(),
				input_tokens: input,
				output_tokens: output,
				response_hash: statement.response_hash,
			},
			fee,
			proof_signature,
			signed_at_ms: now_ms(),
			state: ReceiptState::Pending,
		};
		let stored = self.store.insert(&record);
		self.release(admitted);
		stored.map_err(|e| {
			ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "receipt_store", e.to_string())
		})?;
		self.metrics.served.inc();
		self.metrics.input_tokens.inc_by(input as u64);
		self.metrics.output_tokens.inc_by(output as u64);
		if self.store.pending_count() >= self.config.settle_threshold {
			self.settle_now.notify_one();
		}
		Ok(proof)
	}

	fn check_model(&self, model: &str) -> Result<(), ApiError> {
		let served = self.engine.model();
		if model != served {
			return Err(ApiError::new(
				StatusCode::NOT_FOUND,
				"model_not_found",
				format!("model {model:?} is not served here; this service serves {served:?}"),
			));
		}
		Ok(())
	}

	async fn chat(
		self: &Arc<Self>,
		headers: &hyper::HeaderMap,
		body: Bytes,
	) -> Result<Response<Body>, ApiError> {
		let raw: Value = serde_json::from_slice(&body)
			.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", e.to_string()))?;
		let request: ChatRequest = serde_json::from_value(raw.clone()).map_err(|e| {
			ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", e.to_string())
		})?;
		if self.service().kind != "chat" {
			return Err(ApiError::new(
				StatusCode::NOT_FOUND,
				"not_a_chat_service",
				"this service serves embeddings",
			));
		}
		self.check_model(&request.model)?;
		if request.messages.is_empty() {
			return Err(ApiError::new(
				StatusCode::BAD_REQUEST,
				"invalid_request",
				"messages must not be empty",
			));
		}
		let requested = request
			.max_completion_tokens
			.or(request.max_tokens)
			.unwrap_or(self.config.default_max_tokens)
			.min(MAX_OUTPUT_TOKENS);
		let (admitted, max_tokens) =
			self.admit(headers, &body, self.engine.input_bound(&request), requested).await?;
		let stream = request.stream.unwrap_or(false);
		let id = format!(
			"chatcmpl-{}-{}",
			hex::encode(&admitted.signed.request.request_hash.0[..8]),
			admitted.signed.request.nonce
		);
		let created = now_ms() / 1000;
		let model = self.engine.model();
		let seed = u64::from_le_bytes(
			admitted.signed.request.request_hash.0[..8].try_into().expect("8 bytes"),
		);
		let job = ChatJob { request, body: raw, max_tokens, seed };
		let (tx, mut rx) = mpsc::unbounded_channel::<String>();
		let run = tokio::spawn(self.engine.clone().chat(job, tx));

		if !stream {
			while rx.recv().await.is_some() {}
			let out = match run.await {
				Ok(Ok(out)) => out,
				Ok(Err(e)) => {
					self.release(&admitted);
					return Err(engine_error(e));
				}
				Err(e) => {
					self.release(&admitted);
					return Err(ApiError::new(
						StatusCode::INTERNAL_SERVER_ERROR,
						"engine_failed",
						e.to_string(),
					));
				}
			};
			let proof = self.sign_and_store(
				&admitted,
				out.text.as_bytes(),
				out.input_tokens,
				out.output_tokens,
			)?;
			return Ok(json_response(
				StatusCode::OK,
				&json!({
					"id": id, "object": "chat.completion", "created": created, "model": model,
					"choices": [{ "index": 0, "message": { "role": "assistant", "content": out.text }, "finish_reason": out.finish_reason }],
					"usage": { "prompt_tokens": out.input_tokens, "completion_tokens": out.output_tokens, "total_tokens": out.input_tokens + out.output_tokens },
					"zerog": proof,
				}),
			));
		}

		// Stream: relay tokens as they come; sign and store at the end, then send the
		// proof in the last chunk.
		let (body_tx, body_rx) = mpsc::channel::<Bytes>(64);
		let this = self.clone();
		tokio::spawn(async move {
			let chunk = |delta: Value, finish: Value| {
				Bytes::from(format!(
					"data: {}\n\n",
					json!({ "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
						"choices": [{ "index": 0, "delta": delta, "finish_reason": finish }] })
				))
			};
			let mut client_gone = body_tx
				.send(chunk(json!({ "role": "assistant", "content": "" }), Value::Null))
				.await
				.is_err();
			while let Some(piece) = rx.recv().await {
				if !client_gone
					&& body_tx.send(chunk(json!({ "content": piece }), Value::Null)).await.is_err()
				{
					// Dropping the receiver stops the engine.
					client_gone = true;
					rx.close();
				}
			}
			let out = match run.await {
				Ok(Ok(out)) => out,
				Ok(Err(e)) => {
					this.release(&admitted);
					let e = engine_error(e);
					let _ = body_tx
						.send(Bytes::from(format!(
							"data: {}\n\n",
							json!({ "error": { "message": e.message, "code": e.code } })
						)))
						.await;
					return;
				}
				Err(e) => {
					this.release(&admitted);
					tracing::warn!(target: "provider", "engine task failed: {e}");
					return;
				}
			};
			match this.sign_and_store(
				&admitted,
				out.text.as_bytes(),
				out.input_tokens,
				out.output_tokens,
			) {
				Ok(proof) => {
					let last = json!({ "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
						"choices": [{ "index": 0, "delta": {}, "finish_reason": out.finish_reason }],
						"usage": { "prompt_tokens": out.input_tokens, "completion_tokens": out.output_tokens, "total_tokens": out.input_tokens + out.output_tokens },
						"zerog": proof });
					let _ = body_tx
						.send(Bytes::from(format!("data: {last}\n\ndata: [DONE]\n\n")))
						.await;
				}
				Err(e) => {
					tracing::error!(target: "provider", "receipt not stored: {}", e.message);
					let _ = body_tx
						.send(Bytes::from(format!(
							"data: {}\n\n",
							json!({ "error": { "message": e.message, "code": e.code } })
						)))
						.await;
				}
			}
		});
		let stream = futures::stream::unfold(body_rx, |mut rx| async move {
			rx.recv().await.map(|b| (Ok::<_, Infallible>(Frame::data(b)), rx))
		});
		Ok(Response::builder()
			.status(StatusCode::OK)
			.header("content-type", "text/event-stream")
			.header("cache-control", "no-cache")
			.body(BodyExt::boxed(StreamBody::new(stream)))
			.expect("static headers are valid"))
	}

	async fn embeddings(
		self: &Arc<Self>,
		headers: &hyper::HeaderMap,
		body: Bytes,
	) -> Result<Response<Body>, ApiError> {
		let request: EmbeddingsRequest = serde_json::from_slice(&body).map_err(|e| {
			ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", e.to_string())
		})?;
		if self.service().kind != "embeddings" {
			return Err(ApiError::new(
				StatusCode::NOT_FOUND,
				"not_an_embeddings_service",
				"this service serves chat",
			));
		}
		self.check_model(&request.model)?;
		let texts = request.input.texts();
		if texts.is_empty() || texts.len() > 2048 {
			return Err(ApiError::new(
				StatusCode::BAD_REQUEST,
				"invalid_request",
				"input must hold 1 to 2048 texts",
			));
		}
		let bound = self.engine.embed_input_bound(&texts);
		// Embeddings have no output tokens: `requested` 1 only makes the budget check
		// cover the input.
		let (admitted, _) = self.admit(headers, &body, bound, 1).await?;
		let out = match self.engine.clone().embed(texts).await {
			Ok(out) => out,
			Err(e) => {
				self.release(&admitted);
				return Err(engine_error(e));
			}
		};
		let proof = self.sign_and_store(
			&admitted,
			&protocol::embeddings_bytes(&out.vectors),
			out.input_tokens,
			0,
		)?;
		let data: Vec<Value> = out
			.vectors
			.iter()
			.enumerate()
			.map(|(i, v)| json!({ "object": "embedding", "index": i, "embedding": v }))
			.collect();
		Ok(json_response(
			StatusCode::OK,
			&json!({
				"object": "list", "data": data, "model": self.engine.model(),
				"usage": { "prompt_tokens": out.input_tokens, "total_tokens": out.input_tokens },
				"zerog": proof,
			}),
		))
	}

	/// The metrics in Prometheus' text format, with the pending gauge read now.
	pub fn metrics_text(&self) -> String {
		let pending = self.store.pending_count();
		self.metrics.pending.set(i64::try_from(pending).unwrap_or(i64::MAX));
		self.metrics.registry.render()
	}

	/// Handles one HTTP request.
	pub async fn handle(
		self: Arc<Self>,
		req: Request<Incoming>,
	) -> Result<Response<Body>, Infallible> {
		self.metrics.requests.inc();
		let (parts, body) = req.into_parts();
		let path = parts.uri.path().to_string();
		let result = match (&parts.method, path.as_str()) {
			(&hyper::Method::GET, "/health") => {
				Ok(json_response(StatusCode::OK, &json!({ "status": "ok" })))
			}
			(&hyper::Method::GET, "/metrics") => Ok(Response::builder()
				.header("content-type", zerog_daemon::metrics::CONTENT_TYPE)
				.body(Full::new(Bytes::from(self.metrics_text())).boxed())
				.expect("static headers are valid")),
			(&hyper::Method::GET, "/v1/models") => Ok(json_response(
				StatusCode::OK,
				&json!({
					"object": "list",
					"data": [{ "id": self.engine.model(), "object": "model", "created": 0, "owned_by": self.service().provider.to_ss58check() }],
				}),
			)),
			(&hyper::Method::GET, "/v1/zerog/service") => {
				let s = self.service();
				Ok(json_response(
					StatusCode::OK,
					&json!({
						"id": s.id, "provider": s.provider.to_ss58check(), "kind": s.kind, "name": s.name, "model": self.engine.model(),
						"inputPrice": s.input_price.to_string(), "outputPrice": s.output_price.to_string(),
						"signer": s.signer.to_ss58check(), "genesis": format!("{:?}", self.config.genesis),
						"maxOutputTokens": MAX_OUTPUT_TOKENS, "defaultMaxTokens": self.config.default_max_tokens,
					}),
				))
			}
			(&hyper::Method::GET, p) if p.starts_with("/v1/zerog/users/") => {
				match AccountId::from_ss58check(&p["/v1/zerog/users/".len()..]) {
					Ok(user) => {
						let totals = self.store.totals(&user);
						let last = self
							.users
							.lock()
							.get(&user)
							.map(|s| s.last_nonce)
							.unwrap_or(0)
							.max(totals.last_nonce);
						Ok(json_response(
							StatusCode::OK,
							&json!({
								"lastNonce": last, "unsettled": totals.unsettled.to_string(), "pendingReceipts": totals.pending,
							}),
						))
					}
					Err(e) => Err(ApiError::new(
						StatusCode::BAD_REQUEST,
						"invalid_account",
						format!("{e:?}"),
					)),
				}
			}
			(&hyper::Method::POST, "/v1/chat/completions" | "/v1/embeddings") => {
				match zerog_daemon::read_body(body, MAX_BODY, &HTTP_LIMITS).await {
					Err(e) => Err(match e {
						zerog_daemon::BodyError::TooLarge(_) => ApiError::new(
							e.status(),
							"body_too_large",
							format!("bodies are limited to {MAX_BODY} bytes"),
						),
						zerog_daemon::BodyError::TimedOut(_) => {
							ApiError::new(e.status(), "body_timeout", e.to_string())
						}
						zerog_daemon::BodyError::Broken(_) => {
							ApiError::new(e.status(), "bad_body", e.to_string())
						}
					}),
					Ok(bytes) => {
						if path == "/v1/chat/completions" {
							self.chat(&parts.headers, bytes).await
						} else {
							self.embeddings(&parts.headers, bytes).await
						}
					}
				}
			}
			_ => Err(ApiError::new(
				StatusCode::NOT_FOUND,
				"not_found",
				format!("no route {} {path}", parts.method),
			)),
		};
		Ok(result.unwrap_or_else(|e| {
			self.metrics.refused.inc();
			e.response()
		}))
	}
}

fn engine_error(e: EngineError) -> ApiError {
	match e {
		EngineError::BadRequest(m) => ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", m),
		EngineError::Unavailable(m) => {
			ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "engine_unavailable", m)
		}
		EngineError::Upstream(m) => ApiError::new(StatusCode::BAD_GATEWAY, "upstream_error", m),
	}
}

/// Serves `provider` on `listener` until `shutdown` resolves; in-flight requests finish
/// (their receipts are stored) before it returns, up to `grace`. Every connection is
/// held to the daemons' shared [`zerog_daemon::HttpLimits`] ([`HTTP_LIMITS`]).
pub async fn serve(
	provider: Arc<Provider>,
	listener: TcpListener,
	shutdown: impl std::future::Future<Output = ()>,
	grace: Duration,
) -> std::io::Result<()> {
	zerog_daemon::serve_handler(
		"provider",
		listener,
		HTTP_LIMITS,
		move |req| provider.clone().handle(req),
		shutdown,
		grace,
	)
	.await
}
