//! The signer: HTTP API, cell checks, attestation and challenge answers.

use std::{
	collections::{HashMap, HashSet},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::Duration,
};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{body::Incoming, Method, Request, Response, StatusCode};
use parking_lot::Mutex;
use polkadot_sdk::sp_core::{crypto::Ss58Codec, sr25519};
use polkadot_sdk::sp_runtime::AccountId32 as AccountId;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use zerog_da_encoding::{spec::rows_for, verify_cells, CellRef};
use zerog_da_primitives::{Attestation, BlobId, BlobInfo, BlobStatus, Commitment, EpochIndex};
use zerog_daemon::metrics::MetricError;

use prometheus::{IntCounter, IntGauge};

use crate::{
	chain::DaChain,
	store::{HeldBlob, Store},
	wire::{self, MAX_BODY},
};

/// An HTTP error with a message for the caller.
#[derive(Debug, Clone)]
pub struct ApiError {
	status: StatusCode,
	message: String,
}

impl ApiError {
	fn new(status: StatusCode, message: impl Into<String>) -> Self {
		Self { status, message: message.into() }
	}
}

/// What the signer knows of a blob it receives cells of.
struct BlobCtx {
	size: u64,
	rows: u32,
	epoch: EpochIndex,
	root: [u8; 32],
	commitments: Vec<Commitment>,
	first: u16,
	columns: u16,
	rows_held: Mutex<Vec<bool>>,
	attesting: AtomicBool,
}

/// The signer's metrics, declared in its registry and served on `/metrics`.
pub struct Metrics {
	registry: zerog_daemon::metrics::Metrics,
	rows_accepted: IntCounter,
	rows_refused: IntCounter,
	attestations: IntCounter,
	challenges_answered: IntCounter,
	cells_served: IntCounter,
	blobs_pruned: IntCounter,
	blobs_held: IntGauge,
}

impl Metrics {
	/// Declares every metric of the signer.
	pub fn new() -> Result<Self, MetricError> {
		let registry = zerog_daemon::metrics::Metrics::new();
		let c = |name: &str, help: &str| registry.counter(name, help);
		Ok(Self {
			rows_accepted: c(
				"zg_da_rows_accepted_total",
				"Rows whose cells verified and were stored.",
			)?,
			rows_refused: c(
				"zg_da_rows_refused_total",
				"Rows refused because their cells did not verify.",
			)?,
			attestations: c("zg_da_attestations_total", "Attestations included on chain.")?,
			challenges_answered: c(
				"zg_da_challenges_answered_total",
				"Sampling challenges answered on chain.",
			)?,
			cells_served: c(
				"zg_da_cells_served_total",
				"Cells served to retrievers and samplers.",
			)?,
			blobs_pruned: c(
				"zg_da_blobs_pruned_total",
				"Blobs dropped after failing or leaving retention.",
			)?,
			blobs_held: registry.gauge("zg_da_blobs_held", "Blobs the store holds cells of.")?,
			registry,
		})
	}

	/// The metrics, with `blobs_held` read from the store now.
	fn render(&self, blobs_held: u64) -> String {
		self.blobs_held.set(i64::try_from(blobs_held).unwrap_or(i64::MAX));
		self.registry.render()
	}
}

/// What one maintenance pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Maintenance {
	/// Attestations started for blobs held whole but not attested (after a restart or
	/// failed attempts).
	pub attesting: u32,
	/// Blobs dropped: failed, gone from the chain, or their quorum out of retention.
	pub pruned: u32,
}

/// A running DA signer.
pub struct Signer {
	/// The account: pays for and sends transactions.
	pair: sr25519::Pair,
	/// Signs attestations only (registered on chain as the signer's key).
	attestation_key: sr25519::Pair,
	account: AccountId,
	chain: DaChain,
	store: Store,
	blobs: Mutex<HashMap<BlobId, Arc<BlobCtx>>>,
	/// Blob ids recently refused for good (failed, out of retention, not this signer's),
	/// with when and why: a client repeating them costs no chain reads for [`REFUSAL_TTL`].
	refused: Mutex<HashMap<BlobId, (std::time::Instant, ApiError)>>,
	/// Cell-proof batches checked at once: more wait, so a flood of rows queues instead
	/// of taking every core and the blocking pool.
	verifying: tokio::sync::Semaphore,
	/// One transaction at a time from this account (nonces).
	tx: tokio::sync::Mutex<()>,
	/// Served on `/metrics`.
	metrics: Metrics,
}

/// Blob contexts kept in memory; older ones are reloaded from the chain on demand.
const MAX_CACHED_BLOBS: usize = 256;
/// How long a refused blob id is answered from memory.
const REFUSAL_TTL: Duration = Duration::from_secs(6);
/// Refused blob ids remembered at most.
const MAX_REFUSED: usize = 4096;

impl Signer {
	/// A signer with account `pair` whose attestations `attestation_key` signs, over
	/// `chain`, keeping cells in `store`.
	pub fn new(
		pair: sr25519::Pair,
		attestation_key: sr25519::Pair,
		chain: DaChain,
		store: Store,
	) -> Result<Arc<Self>, MetricError> {
		let account = AccountId::from(polkadot_sdk::sp_core::Pair::public(&pair));
		Ok(Arc::new(Self {
			pair,
			attestation_key,
			account,
			chain,
			store,
			blobs: Mutex::new(HashMap::new()),
			refused: Mutex::new(HashMap::new()),
			verifying: tokio::sync::Semaphore::new(
				std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
			),
			tx: tokio::sync::Mutex::new(()),
			metrics: Metrics::new()?,
		}))
	}

	/// The metrics in Prometheus' text format, with the held-blob gauge read now.
	pub fn metrics_text(&self) -> Result<String, String> {
		let held = self.store.blob_count().map_err(|e| e.to_string())?;
		Ok(self.metrics.render(held))
	}

	/// The signer's account.
	pub fn account(&self) -> &AccountId {
		&self.account
	}

	async fn ctx(&self, id: BlobId) -> Result<Arc<BlobCtx>, ApiError> {
		if let Some(ctx) = self.blobs.lock().get(&id) {
			return Ok(ctx.clone());
		}
		if let Some((at, e)) = self.refused.lock().get(&id) {
			if at.elapsed() < REFUSAL_TTL {
				return Err(e.clone());
			}
		}
		let result = self.load_ctx(id).await;
		if let Err(e) = &result {
			// Final refusals (a failed blob, a quorum out of retention or without this
			// signer) are remembered for a few seconds; an unknown id is not, as the blob
			// may just not be imported yet.
			if matches!(e.status, StatusCode::GONE | StatusCode::FORBIDDEN) {
				let mut refused = self.refused.lock();
				if refused.len() >= MAX_REFUSED {
					refused.retain(|_, (at, _)| at.elapsed() < REFUSAL_TTL);
					if refused.len() >= MAX_REFUSED {
						refused.clear();
					}
				}
				refused.insert(id, (std::time::Instant::now(), e.clone()));
			}
		}
		result
	}

	async fn load_ctx(&self, id: BlobId) -> Result<Arc<BlobCtx>, ApiError> {
		let unavailable = |e: zerog_chain_client::ChainError| {
			ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("chain: {e}"))
		};
		let blob = self.chain.blob(id).await.map_err(unavailable)?.ok_or_else(|| {
			ApiError::new(StatusCode::NOT_FOUND, format!("blob {id} is not on chain"))
		})?;
		if blob.status == BlobStatus::InsufficientSignatures {
			return Err(ApiError::new(
				StatusCode::GONE,
				format!("blob {id} failed (insufficient signatures)"),
			));
		}
		// Cells held under this id for another blob (one on a fork the chain left, or
		// from before a chain reset) are not this blob's: drop them before counting rows.
		let internal = |e: crate::store::StoreError| {
			ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
		};
		if self.store.blob_root(id).map_err(internal)?.is_some_and(|held| held != blob.root) {
			tracing::warn!(target: "da-signer", "blob {id}: held cells are of another blob (root changed); dropping them");
			self.store.prune(id).map_err(internal)?;
		}
		let commitments =
			self.chain.commitments(id).await.map_err(unavailable)?.ok_or_else(|| {
				ApiError::new(
					StatusCode::NOT_FOUND,
					format!("blob {id} has no commitments on chain"),
				)
			})?;
		let quorum =
			self.chain.quorum(Some(blob.epoch)).await.map_err(unavailable)?.ok_or_else(|| {
				ApiError::new(
					StatusCode::GONE,
					format!("epoch {}'s quorum is out of retention", blob.epoch),
				)
			})?;
		let me = quorum.members.iter().find(|m| m.signer == self.account).ok_or_else(|| {
			ApiError::new(
				StatusCode::FORBIDDEN,
				format!("this signer is not in epoch {}'s quorum", blob.epoch),
			)
		})?;
		let rows = rows_for(blob.size);
		let rows_held = (0..rows).map(|r| self.store.has_row(id, r).unwrap_or(false)).collect();
		let ctx = Arc::new(BlobCtx {
			size: blob.size,
			rows,
			epoch: blob.epoch,
			root: blob.root,
			commitments,
			first: me.first_column,
			columns: me.columns,
			rows_held: Mutex::new(rows_held),
			attesting: AtomicBool::new(false),
		});
		let mut blobs = self.blobs.lock();
		// Full: forget the oldest blob only (lowest id), so a client cycling through blob
		// ids costs everyone else at most one reload of an old blob, not the whole cache.
		if blobs.len() >= MAX_CACHED_BLOBS {
			if let Some(oldest) = blobs.keys().min().copied() {
				blobs.remove(&oldest);
			}
		}
		blobs.insert(id, ctx.clone());
		Ok(ctx)
	}

	/// Checks and stores a row's cells; attests once every row is held.
	pub async fn put_row(
		self: &Arc<Self>,
		id: BlobId,
		row: u32,
		body: &[u8],
	) -> Result<Value, ApiError> {
		let ctx = self.ctx(id).await?;
		if row >= ctx.rows {
			return Err(ApiError::new(
				StatusCode::BAD_REQUEST,
				format!("blob {id} has {} rows; there is no row {row}", ctx.rows),
			));
		}
		let mut records = wire::decode(body).ok_or_else(|| {
			ApiError::new(
				StatusCode::BAD_REQUEST,
				"the body is not a sequence of whole cell records",
			)
		})?;
		records.sort_by_key(|r| r.column);
		let expected: Vec<u16> = (ctx.first..ctx.first + ctx.columns).collect();
		if records.iter().map(|r| r.column).collect::<Vec<_>>() != expected {
			return Err(ApiError::new(
				StatusCode::BAD_REQUEST,
				format!(
					"this signer holds columns {}..{} of blob {id}; send exactly those",
					ctx.first,
					ctx.first + ctx.columns
				),
			));
		}
		let _slot = self
			.verifying
			.acquire()
			.await
			.map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
		let check = {
			let ctx = ctx.clone();
			let records = records.clone();
			tokio::task::spawn_blocking(move || {
				let refs: Vec<CellRef<'_>> = records
					.iter()
					.map(|r| CellRef { row, column: r.column, cell: &r.cell, proof: &r.proof })
					.collect();
				verify_cells(&ctx.commitments, &refs)
			})
		};
		match check.await {
			Ok(Ok(true)) => {}
			Ok(Ok(false)) => {
				self.metrics.rows_refused.inc();
				tracing::warn!(target: "da-signer", "blob {id} row {row}: cells do not verify; refusing to attest");
				return Err(ApiError::new(
					StatusCode::UNPROCESSABLE_ENTITY,
					format!("cells of blob {id} row {row} do not verify against the on-chain commitment; this signer will not attest it"),
				));
			}
			Ok(Err(e)) => return Err(ApiError::new(StatusCode::BAD_REQUEST, e.to_string())),
			Err(e) => return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
		}
		self.store
			.put_row(id, ctx.epoch, &ctx.root, row, &records)
			.map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
		self.metrics.rows_accepted.inc();
		let held = {
			let mut rows = ctx.rows_held.lock();
			rows[row as usize] = true;
			rows.iter().filter(|h| **h).count() as u32
		};
		if held == ctx.rows
			&& !self.store.attested(id).unwrap_or(false)
			&& !ctx.attesting.swap(true, Ordering::SeqCst)
		{
			let (me, ctx) = (self.clone(), ctx.clone());
			tokio::spawn(async move { me.attest(id, ctx).await });
		}
		Ok(
			json!({ "blob": id, "row": row, "stored": records.len(), "rowsHeld": held, "rows": ctx.rows }),
		)
	}

	async fn attest(self: Arc<Self>, id: BlobId, ctx: Arc<BlobCtx>) {
		if let Err(e) = self.store.sync() {
			tracing::error!(target: "da-signer", "blob {id}: {e}; not attesting");
			ctx.attesting.store(false, Ordering::SeqCst);
			return;
		}
		// The chain refuses an attestation of a blob this signer already attested (a
		// store lost or restored from an older copy) or that is no longer processing,
		// and a refused transaction still costs its fee: look first.
		if let Ok(Some(blob)) = self.chain.blob(id).await {
			if blob.attesters.contains(&self.account) {
				tracing::info!(target: "da-signer", "blob {id} is attested on chain already; nothing to send");
				let _ = self.store.mark_attested(id);
				return;
			}
			if !matches!(blob.status, BlobStatus::Processing { .. }) {
				tracing::info!(target: "da-signer", "blob {id} is no longer processing; nothing to send");
				return;
			}
		}
		let attestation =
			Attestation { blob: id, root: ctx.root, size: ctx.size, epoch: ctx.epoch };
		for attempt in 1..=3 {
			let result = async {
				let signature = self
					.chain
					.sign_attestation(&self.account, &attestation, &self.attestation_key)
					.await?;
				let _one = self.tx.lock().await;
				self.chain
					.attest(&self.pair, self.account.clone(), attestation.clone(), signature)
					.await
			}
			.await;
			match result {
				Ok(included) => {
					let _ = self.store.mark_attested(id);
					self.metrics.attestations.inc();
					tracing::info!(target: "da-signer", "attested blob {id} ({} columns) in block {}", ctx.columns, included.number);
					return;
				}
				Err(e) if e.to_string().contains("AlreadyAttested") => {
					let _ = self.store.mark_attested(id);
					return;
				}
				Err(e) if e.to_string().contains("NotProcessing") => {
					tracing::info!(target: "da-signer", "blob {id} is no longer processing; attestation not needed");
					return;
				}
				Err(e) => {
					tracing::warn!(target: "da-signer", "attesting blob {id} (attempt {attempt}): {e}");
					tokio::time::sleep(Duration::from_secs(2)).await;
				}
			}
		}
		ctx.attesting.store(false, Ordering::SeqCst);
	}

	/// Answers this signer's open challenges from the store; returns how many it answered.
	pub async fn answer_challenges(&self, answered: &mut HashSet<u64>) -> Result<u32, String> {
		let open =
			self.chain.challenges(Some(self.account.clone())).await.map_err(|e| e.to_string())?;
		let mut n = 0;
		for (cid, c) in open {
			if answered.contains(&cid) {
				continue;
			}
			let Some(record) =
				self.store.cell(c.blob, c.row, c.column).map_err(|e| e.to_string())?
			else {
				tracing::warn!(target: "da-signer", "challenge {cid}: no cell ({}, {}) of blob {} here", c.row, c.column, c.blob);
				answered.insert(cid);
				continue;
			};
			let _one = self.tx.lock().await;
			match self.chain.respond(&self.pair, cid, *record.cell, record.proof).await {
				Ok(included) => {
					tracing::info!(target: "da-signer", "answered challenge {cid} (blob {} cell {}, {}) in block {}", c.blob, c.row, c.column, included.number);
					answered.insert(cid);
					self.metrics.challenges_answered.inc();
					n += 1;
				}
				Err(e) => {
					tracing::warn!(target: "da-signer", "challenge {cid}: {e}");
					if e.to_string().contains("UnknownChallenge") {
						answered.insert(cid);
					}
				}
			}
		}
		Ok(n)
	}

	/// One pass over the store: attests blobs held whole that are still processing and
	/// not attested (after a restart, or when every attempt failed), and drops blobs the
	/// chain no longer asks anyone to keep: failed ones, ones it does not know, and ones
	/// whose quorum is out of retention (no longer challenged). Nothing is dropped on
	/// the word of a failed chain call.
	pub async fn maintain(self: &Arc<Self>) -> Result<Maintenance, String> {
		let held = self.store.blobs().map_err(|e| e.to_string())?;
		let mut done = Maintenance::default();
		let mut retained: HashMap<EpochIndex, bool> = HashMap::new();
		for h in held {
			let keep = match self.keep(h, &mut retained, &mut done).await {
				Ok(keep) => keep,
				Err(e) => {
					tracing::warn!(target: "da-signer", "blob {}: {e}; kept", h.blob);
					true
				}
			};
			if !keep {
				self.store.prune(h.blob).map_err(|e| e.to_string())?;
				self.blobs.lock().remove(&h.blob);
				self.metrics.blobs_pruned.inc();
				tracing::info!(target: "da-signer", "dropped blob {} (failed, unknown or out of retention)", h.blob);
				done.pruned += 1;
			}
		}
		Ok(done)
	}

	/// Whether to keep a held blob; starts its attestation when it is due. Until the
	/// chain is seen to confirm a blob its status is read every pass (few blobs are in
	/// flight); after that only its quorum's retention, once per epoch per pass.
	async fn keep(
		self: &Arc<Self>,
		h: HeldBlob,
		retained: &mut HashMap<EpochIndex, bool>,
		done: &mut Maintenance,
	) -> Result<bool, String> {
		if !h.confirmed {
			match self.chain.blob(h.blob).await.map_err(|e| e.to_string())? {
				None | Some(BlobInfo { status: BlobStatus::InsufficientSignatures, .. }) => {
					return Ok(false)
				}
				Some(BlobInfo { status: BlobStatus::Processing { .. }, .. }) => {
					if !h.attested {
						let ctx = self.ctx(h.blob).await.map_err(|e| e.message)?;
						let whole = ctx.rows_held.lock().iter().all(|r| *r);
						if whole && !ctx.attesting.swap(true, Ordering::SeqCst) {
							done.attesting += 1;
							let me = self.clone();
							tokio::spawn(async move { me.attest(h.blob, ctx).await });
						}
					}
					return Ok(true);
				}
				// Confirmed (with or without this signer): serve what it has while retained.
				Some(_) => self.store.mark_confirmed(h.blob).map_err(|e| e.to_string())?,
			}
		}
		if let Some(kept) = retained.get(&h.epoch) {
			return Ok(*kept);
		}
		let kept = self.chain.quorum(Some(h.epoch)).await.map_err(|e| e.to_string())?.is_some();
		retained.insert(h.epoch, kept);
		Ok(kept)
	}

	async fn handle(
		self: Arc<Self>,
		req: Request<Incoming>,
	) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
		let result = self.route(req).await;
		Ok(match result {
			Ok(resp) => resp,
			Err(e) => json_response(e.status, &json!({ "error": e.message })),
		})
	}

	async fn route(
		self: &Arc<Self>,
		req: Request<Incoming>,
	) -> Result<Response<Full<Bytes>>, ApiError> {
		let path: Vec<String> =
			req.uri().path().trim_matches('/').split('/').map(str::to_owned).collect();
		let segs: Vec<&str> = path.iter().map(String::as_str).collect();
		let num = |s: &str, what: &str| -> Result<u64, ApiError> {
			s.parse().map_err(|_| {
				ApiError::new(StatusCode::BAD_REQUEST, format!("{what} {s:?} is not a number"))
			})
		};
		let row_num = |s: &str| -> Result<u32, ApiError> {
			u32::try_from(num(s, "row")?).map_err(|_| {
				ApiError::new(StatusCode::BAD_REQUEST, format!("row {s} is out of range"))
			})
		};
		match (req.method().clone(), segs.as_slice()) {
			(Method::GET, ["health"]) => {
				Ok(json_response(StatusCode::OK, &json!({ "status": "ok" })))
			}
			(Method::GET, ["metrics"]) => {
				let text = self
					.metrics_text()
					.map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
				let mut r = Response::new(Full::new(Bytes::from(text)));
				r.headers_mut().insert(
					"content-type",
					hyper::header::HeaderValue::from_static(zerog_daemon::metrics::CONTENT_TYPE),
				);
				Ok(r)
			}
			(Method::GET, ["v1", "status"]) => Ok(json_response(
				StatusCode::OK,
				&json!({ "signer": self.account.to_ss58check(), "blobsCached": self.blobs.lock().len() }),
			)),
			(Method::POST, ["v1", "blobs", id, "rows", row]) => {
				let (id, row) = (num(id, "blob")?, row_num(row)?);
				let body = read_limited(req.into_body(), MAX_BODY).await?;
				let v = self.put_row(id, row, &body).await?;
				Ok(json_response(StatusCode::OK, &v))
			}
			(Method::GET, ["v1", "blobs", id, "rows", row]) => {
				let (id, row) = (num(id, "blob")?, row_num(row)?);
				let records = self
					.store
					.row(id, row)
					.map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
				if records.is_empty() {
					return Err(ApiError::new(
						StatusCode::NOT_FOUND,
						format!("no cells of blob {id} row {row} here"),
					));
				}
				self.metrics.cells_served.inc_by(records.len() as u64);
				Ok(bytes_response(wire::encode(&records)))
			}
			(Method::GET, ["v1", "blobs", id, "cells", row, column]) => {
				let (id, row) = (num(id, "blob")?, row_num(row)?);
				let column = u16::try_from(num(column, "column")?).map_err(|_| {
					ApiError::new(
						StatusCode::BAD_REQUEST,
						format!("column {column} is out of range"),
					)
				})?;
				let record = self
					.store
					.cell(id, row, column)
					.map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
					.ok_or_else(|| {
						ApiError::new(
							StatusCode::NOT_FOUND,
							format!("no cell ({row}, {column}) of blob {id} here"),
						)
					})?;
				self.metrics.cells_served.inc();
				let mut out = Vec::new();
				record.write(&mut out);
				Ok(bytes_response(out))
			}
			_ => Err(ApiError::new(
				StatusCode::NOT_FOUND,
				format!("no route {} {}", req.method(), req.uri().path()),
			)),
		}
	}
}

/// The bounds of the signer's HTTP server.
pub const HTTP_LIMITS: zerog_daemon::HttpLimits = zerog_daemon::HttpLimits::DAEMON;

async fn read_limited(body: Incoming, limit: usize) -> Result<Bytes, ApiError> {
	zerog_daemon::read_body(body, limit, &HTTP_LIMITS).await.map_err(|e| match e {
		zerog_daemon::BodyError::TooLarge(_) => {
			ApiError::new(e.status(), format!("body over {limit} bytes (one extended row)"))
		}
		_ => ApiError::new(e.status(), e.to_string()),
	})
}

fn json_response(status: StatusCode, v: &Value) -> Response<Full<Bytes>> {
	let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
	*r.status_mut() = status;
	r.headers_mut()
		.insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
	r
}

fn bytes_response(body: Vec<u8>) -> Response<Full<Bytes>> {
	let mut r = Response::new(Full::new(Bytes::from(body)));
	r.headers_mut().insert(
		"content-type",
		hyper::header::HeaderValue::from_static("application/octet-stream"),
	);
	r
}

/// Serves `signer` on `listener` until `shutdown` resolves, every connection held to
/// the daemons' shared [`zerog_daemon::HttpLimits`].
pub async fn serve(
	signer: Arc<Signer>,
	listener: TcpListener,
	shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
	zerog_daemon::serve_handler(
		"da-signer",
		listener,
		HTTP_LIMITS,
		move |req| signer.clone().handle(req),
		shutdown,
		Duration::from_secs(5),
	)
	.await
}
