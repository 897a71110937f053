//! The node's rules: what it accepts, what it serves, and the `zgs_*` RPC module.

use std::sync::{
	atomic::{AtomicBool, AtomicU64, Ordering},
	Arc,
};

use jsonrpsee::{
	types::{ErrorObjectOwned, Params},
	RpcModule,
};
use prometheus::{IntCounter, IntGauge};
use thiserror::Error;
use zerog_daemon::metrics::MetricError;
use zerog_storage_primitives::{
	segment_count, segment_len, segment_root, FileId, MerkleProof, ShardConfig,
};

use crate::{
	api::{self, FileInfo, Hex, HexHash, NodeStatus, SegmentWithProof},
	store::{Store, StoreError},
};

/// Why a request was refused. Each maps to one `zgs_*` error code.
#[derive(Debug, Error)]
pub enum NodeError {
	/// See [`api::ERR_UNKNOWN_FILE`].
	#[error(
		"file {0} is not in any finalized submission this node has seen (followed up to block {1})"
	)]
	UnknownFile(String, u64),
	/// See [`api::ERR_INVALID_PROOF`].
	#[error("segment {0} does not prove against the root of file {1}")]
	InvalidProof(u64, String),
	/// See [`api::ERR_NOT_IN_SHARD`].
	#[error(
		"segment {index} belongs to shard {owner} of {num_shard}, this node is shard {shard_id}"
	)]
	NotInShard { index: u64, owner: u64, shard_id: u32, num_shard: u32 },
	/// See [`api::ERR_INDEX_OUT_OF_RANGE`].
	#[error("segment {0} is past the end of the file ({1} segments)")]
	IndexOutOfRange(u64, u64),
	/// See [`api::ERR_SEGMENT_NOT_FOUND`].
	#[error("segment {0} of {1} is not held by this node")]
	SegmentNotFound(u64, String),
	/// See [`api::ERR_WRONG_SEGMENT_SIZE`].
	#[error("segment {index} must be {expected} bytes, got {got}")]
	WrongSegmentSize { index: u64, expected: u64, got: u64 },
	/// See [`api::ERR_STORAGE`].
	#[error(transparent)]
	Store(#[from] StoreError),
	/// See [`api::ERR_EXPIRED`].
	#[error("file {0}'s paid lifetime has ended: this node pruned it")]
	Expired(String),
}

impl NodeError {
	/// The JSON-RPC error code.
	pub fn code(&self) -> i32 {
		match self {
			Self::UnknownFile(..) => api::ERR_UNKNOWN_FILE,
			Self::InvalidProof(..) => api::ERR_INVALID_PROOF,
			Self::NotInShard { .. } => api::ERR_NOT_IN_SHARD,
			Self::IndexOutOfRange(..) => api::ERR_INDEX_OUT_OF_RANGE,
			Self::SegmentNotFound(..) => api::ERR_SEGMENT_NOT_FOUND,
			Self::WrongSegmentSize { .. } => api::ERR_WRONG_SEGMENT_SIZE,
			Self::Store(_) => api::ERR_STORAGE,
			Self::Expired(_) => api::ERR_EXPIRED,
		}
	}
}

impl From<NodeError> for ErrorObjectOwned {
	fn from(e: NodeError) -> Self {
		ErrorObjectOwned::owned(e.code(), e.to_string(), None::<()>)
	}
}

/// Chain-follower progress, read by `zgs_getStatus`.
#[derive(Default)]
pub struct ChainProgress {
	/// Whether the last poll succeeded.
	pub connected: AtomicBool,
	/// The finalized block followed up to.
	pub finalized: AtomicU64,
}

/// A storage node: its store, shard and chain progress.
pub struct StorageNode {
	/// The store.
	pub store: Store,
	/// The segments this node keeps.
	pub shard: ShardConfig,
	/// The follower's progress.
	pub progress: ChainProgress,
	/// Served on `GET /metrics`.
	pub metrics: NodeMetrics,
}

/// The node's metrics, declared in its registry.
pub struct NodeMetrics {
	registry: zerog_daemon::metrics::Metrics,
	accepted: IntCounter,
	refused: IntCounter,
	served: IntCounter,
	stored: IntGauge,
	entries: IntGauge,
	finalized: IntGauge,
	connected: IntGauge,
	/// Segments loaded by the miner (one per nonce that recalled data of this shard).
	pub mining_loads: IntCounter,
	/// Units sealed and scored: the miner's hashes.
	pub mining_units: IntCounter,
	/// Answers accepted on chain.
	pub mining_answers: IntCounter,
	/// Answers the chain refused.
	pub mining_refused: IntCounter,
	/// Rewards received, in thousandths of a ZG.
	pub mining_rewards: IntCounter,
	/// Audits answered and passed.
	pub audits_passed: IntCounter,
	/// Audits of segments this node does not hold.
	pub audits_unanswerable: IntCounter,
	/// Files pruned at the end of their paid lifetime.
	pub pruned: IntCounter,
}

impl NodeMetrics {
	fn new() -> Result<Self, MetricError> {
		let registry = zerog_daemon::metrics::Metrics::new();
		Ok(Self {
			accepted: registry
				.counter("zgs_segments_accepted_total", "Segments proven and stored.")?,
			refused: registry.counter(
				"zgs_segments_refused_total",
				"Uploads refused (unknown file, other shard, wrong size, bad proof).",
			)?,
			served: registry
				.counter("zgs_segments_served_total", "Segments served to downloads.")?,
			stored: registry.gauge("zgs_segments_stored", "Segments this node holds.")?,
			entries: registry
				.gauge("zgs_flow_entries_followed", "Finalized flow entries followed so far.")?,
			finalized: registry
				.gauge("zgs_finalized_block", "The chain's finalized block at the last poll.")?,
			connected: registry
				.gauge("zgs_chain_connected", "1 while the last chain poll succeeded.")?,
			mining_loads: registry.counter(
				"zgs_mining_loads_total",
				"Segments (256 KiB) loaded by the miner, one per useful nonce.",
			)?,
			mining_units: registry.counter(
				"zgs_mining_hashes_total",
				"4 KiB units sealed and scored by the miner (its hashes).",
			)?,
			mining_answers: registry
				.counter("zgs_mining_answers_total", "Mining answers accepted on chain.")?,
			mining_refused: registry
				.counter("zgs_mining_refused_total", "Mining answers the chain refused.")?,
			audits_passed: registry
				.counter("zgs_audits_passed_total", "Audits answered and passed.")?,
			audits_unanswerable: registry.counter(
				"zgs_audits_unanswerable_total",
				"Audits of segments this node does not hold (each is slashed).",
			)?,
			pruned: registry.counter(
				"zgs_files_pruned_total",
				"Files pruned when their paid lifetime ended.",
			)?,
			mining_rewards: registry.counter(
				"zgs_mining_rewards_millizg_total",
				"Mining rewards received, in thousandths of a ZG.",
			)?,
			registry,
		})
	}
}

impl StorageNode {
	/// A node over `store` keeping `shard`.
	pub fn new(store: Store, shard: ShardConfig) -> Result<Self, MetricError> {
		Ok(Self { store, shard, progress: ChainProgress::default(), metrics: NodeMetrics::new()? })
	}

	/// Every metric in Prometheus' text format, the gauges read now.
	pub fn metrics_text(&self) -> Result<String, NodeError> {
		let m = &self.metrics;
		let gauge = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
		m.stored.set(gauge(self.store.stored_segments()?));
		m.entries.set(gauge(self.store.next_seq()?));
		m.finalized.set(gauge(self.progress.finalized.load(Ordering::Relaxed)));
		m.connected.set(i64::from(self.progress.connected.load(Ordering::Relaxed)));
		Ok(m.registry.render())
	}

	fn known(&self, id: &FileId) -> Result<crate::store::FileRecord, NodeError> {
		self.store.file(id)?.ok_or_else(|| {
			NodeError::UnknownFile(api::to_hex(id), self.progress.finalized.load(Ordering::Relaxed))
		})
	}

	/// Accepts a segment only if its file is on chain (finalized), it is in this node's
	/// shard, has the length its index has in the file, and proves against the file's
	/// root. Returns whether it was stored now (`false`: already held).
	pub fn upload(&self, seg: &SegmentWithProof) -> Result<bool, NodeError> {
		self.accept(&seg.id.0, seg.index, &seg.data.0, seg.proof.clone().into())
	}

	/// [`Self::upload`] of segment `index` of file `id` as its parts, as the binary path
	/// ([`crate::wire`]) receives them.
	pub fn accept(
		&self,
		id: &FileId,
		index: u64,
		data: &[u8],
		proof: MerkleProof,
	) -> Result<bool, NodeError> {
		let stored = self.check_and_store(id, index, data, proof);
		match &stored {
			Ok(true) => self.metrics.accepted.inc(),
			Ok(false) => {}
			Err(_) => self.metrics.refused.inc(),
		}
		stored
	}

	fn check_and_store(
		&self,
		id: &FileId,
		index: u64,
		data: &[u8],
		proof: MerkleProof,
	) -> Result<bool, NodeError> {
		let rec = self.known(id)?;
		if self.store.is_expired(id)? {
			return Err(NodeError::Expired(api::to_hex(id)));
		}
		let segments = segment_count(rec.size);
		if index >= segments {
			return Err(NodeError::IndexOutOfRange(index, segments));
		}
		if !self.shard.holds(index) {
			let (shard_id, num_shard) = (self.shard.shard_id, self.shard.num_shard);
			let owner = index % num_shard.max(1) as u64;
			return Err(NodeError::NotInShard { index, owner, shard_id, num_shard });
		}
		let expected = segment_len(rec.size, index);
		if data.len() as u64 != expected {
			return Err(NodeError::WrongSegmentSize { index, expected, got: data.len() as u64 });
		}
		if proof.index != index
			|| proof.leaf_count != segments
			|| proof.verify(&rec.root, segment_root(data)).is_err()
		{
			return Err(NodeError::InvalidProof(index, api::to_hex(id)));
		}
		Ok(self.store.put_segment(id, index, data, &proof.into())?)
	}

	/// A held segment with the proof it was uploaded with (a node holds one shard, not
	/// the whole tree).
	pub fn download(&self, id: &FileId, index: u64) -> Result<SegmentWithProof, NodeError> {
		let rec = self.known(id)?;
		let segments = segment_count(rec.size);
		if index >= segments {
			return Err(NodeError::IndexOutOfRange(index, segments));
		}
		let data = self
			.store
			.segment(id, index)?
			.ok_or_else(|| NodeError::SegmentNotFound(index, api::to_hex(id)))?;
		let proof = self
			.store
			.proof(id, index)?
			.ok_or_else(|| NodeError::SegmentNotFound(index, api::to_hex(id)))?;
		self.metrics.served.inc();
		Ok(SegmentWithProof { id: Hex(*id), index, data: api::Base64(data), proof })
	}

	/// What this node knows and holds of file `id`.
	pub fn file_info(&self, id: &FileId) -> Result<Option<FileInfo>, NodeError> {
		let Some(rec) = self.store.file(id)? else { return Ok(None) };
		let segments = segment_count(rec.size);
		let shard_segments = api::shard_segments(self.shard, segments);
		Ok(Some(FileInfo {
			id: Hex(*id),
			root: Hex(rec.root),
			seq: rec.seq,
			size: rec.size,
			segments,
			shard_segments,
			stored_segments: rec.stored,
			complete: rec.stored >= shard_segments,
			expired: self.store.is_expired(id)?,
		}))
	}

	/// `zgs_getStatus`.
	pub fn status(&self) -> Result<NodeStatus, NodeError> {
		Ok(NodeStatus {
			version: env!("CARGO_PKG_VERSION").into(),
			chain_connected: self.progress.connected.load(Ordering::Relaxed),
			finalized_block: self.progress.finalized.load(Ordering::Relaxed),
			flow_entries: self.store.next_seq()?,
			shard: self.shard.into(),
			stored_segments: self.store.stored_segments()?,
		})
	}
}

fn invalid(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(
		jsonrpsee::types::error::INVALID_PARAMS_CODE,
		format!("invalid params: {e}"),
		None::<()>,
	)
}

/// The `zgs_*` methods. Hashing and database work run on blocking threads.
pub fn rpc_module(
	node: Arc<StorageNode>,
) -> Result<RpcModule<StorageNode>, jsonrpsee::core::RegisterMethodError> {
	let mut m = RpcModule::from_arc(node);
	m.register_blocking_method("zgs_getStatus", |_p: Params, n: Arc<StorageNode>, _| {
		n.status().map_err(ErrorObjectOwned::from)
	})?;
	m.register_method("zgs_getShardConfig", |_p: Params, n: &StorageNode, _| {
		Ok::<_, ErrorObjectOwned>(api::ShardJson::from(n.shard))
	})?;
	m.register_blocking_method("zgs_uploadSegment", |p: Params, n: Arc<StorageNode>, _| {
		let seg: SegmentWithProof = p.one().map_err(invalid)?;
		n.upload(&seg).map_err(ErrorObjectOwned::from)
	})?;
	m.register_blocking_method(
		"zgs_downloadSegmentWithProof",
		|p: Params, n: Arc<StorageNode>, _| {
			let (id, index): (HexHash, u64) = p.parse().map_err(invalid)?;
			n.download(&id.0, index).map_err(ErrorObjectOwned::from)
		},
	)?;
	m.register_blocking_method("zgs_getFileInfo", |p: Params, n: Arc<StorageNode>, _| {
		let (id,): (HexHash,) = p.parse().map_err(invalid)?;
		n.file_info(&id.0).map_err(ErrorObjectOwned::from)
	})?;
	m.register_blocking_method("zgs_storedSegments", |p: Params, n: Arc<StorageNode>, _| {
		let (id, from, limit): (HexHash, u64, u32) = p.parse().map_err(invalid)?;
		if limit > api::MAX_LIST {
			return Err(invalid(format!("limit {limit} is above {}", api::MAX_LIST)));
		}
		n.store.stored_indices(&id.0, from, limit as usize).map_err(|e| NodeError::from(e).into())
	})?;
	Ok(m)
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use crate::{api::Base64, store::NewFile};
	use zerog_storage_primitives::{FileMerkleTree, Submission, SEGMENT_SIZE};

	/// The id of the test file.
	pub(crate) fn file_id(tree: &FileMerkleTree, size: u64) -> FileId {
		Submission { size, root: tree.root(), tags: [0; 32] }.id()
	}

	/// A node holding `shard`, knowing one file of 2.5 segments, and that file.
	pub(crate) fn setup(
		shard: ShardConfig,
	) -> (tempfile::TempDir, Arc<StorageNode>, Vec<u8>, FileMerkleTree) {
		let dir = tempfile::tempdir().unwrap();
		let data: Vec<u8> = (0..SEGMENT_SIZE * 5 / 2).map(|i| (i * 31 % 251) as u8).collect();
		let tree = FileMerkleTree::from_data(&data);
		let store = Store::open(dir.path(), false).unwrap();
		let size = data.len() as u64;
		store
			.add_files(&[NewFile { seq: 0, id: file_id(&tree, size), root: tree.root(), size }], 1)
			.unwrap();
		(dir, Arc::new(StorageNode::new(store, shard).unwrap()), data, tree)
	}

	pub(crate) fn seg(data: &[u8], tree: &FileMerkleTree, i: u64) -> SegmentWithProof {
		let bytes = data.chunks(SEGMENT_SIZE).nth(i as usize).unwrap().to_vec();
		SegmentWithProof {
			id: Hex(file_id(tree, data.len() as u64)),
			index: i,
			data: Base64(bytes),
			proof: tree.segment_proof(i).unwrap().into(),
		}
	}

	#[test]
	fn accepts_proven_segments_and_serves_them_back() {
		let (_d, node, data, tree) = setup(ShardConfig::FULL);
		for i in 0..3 {
			assert!(node.upload(&seg(&data, &tree, i)).unwrap());
		}
		// Idempotent.
		assert!(!node.upload(&seg(&data, &tree, 1)).unwrap());
		let id = file_id(&tree, data.len() as u64);
		let back = node.download(&id, 2).unwrap();
		assert_eq!(back, seg(&data, &tree, 2));
		let info = node.file_info(&id).unwrap().unwrap();
		assert_eq!(info.root, Hex(tree.root()));
		assert_eq!((info.segments, info.stored_segments, info.complete), (3, 3, true));
		assert_eq!(node.status().unwrap().stored_segments, 3);
	}

	#[test]
	fn rejects_bad_segments_and_stores_nothing() {
		let (_d, node, data, tree) = setup(ShardConfig { shard_id: 0, num_shard: 2 });
		// Tampered data.
		let mut s = seg(&data, &tree, 0);
		s.data.0[7] ^= 1;
		assert_eq!(node.upload(&s).unwrap_err().code(), api::ERR_INVALID_PROOF);
		// A valid segment presented at another index.
		let mut s = seg(&data, &tree, 0);
		s.index = 2;
		assert!(matches!(node.upload(&s), Err(NodeError::WrongSegmentSize { .. })));
		// A proof for another position.
		let mut s = seg(&data, &tree, 2);
		s.proof = tree.segment_proof(0).unwrap().into();
		assert_eq!(node.upload(&s).unwrap_err().code(), api::ERR_INVALID_PROOF);
		// Another shard's segment, past the end, an unknown root.
		assert_eq!(node.upload(&seg(&data, &tree, 1)).unwrap_err().code(), api::ERR_NOT_IN_SHARD);
		let mut s = seg(&data, &tree, 0);
		s.index = 3;
		assert_eq!(node.upload(&s).unwrap_err().code(), api::ERR_INDEX_OUT_OF_RANGE);
		let mut s = seg(&data, &tree, 0);
		s.id = Hex([9u8; 32]);
		assert_eq!(node.upload(&s).unwrap_err().code(), api::ERR_UNKNOWN_FILE);
		// The file's root is not its id: segments sent under the bare root are refused.
		let mut s = seg(&data, &tree, 0);
		s.id = Hex(tree.root());
		assert_eq!(node.upload(&s).unwrap_err().code(), api::ERR_UNKNOWN_FILE);
		assert_eq!(node.status().unwrap().stored_segments, 0);
		let id = file_id(&tree, data.len() as u64);
		assert_eq!(node.download(&id, 0).unwrap_err().code(), api::ERR_SEGMENT_NOT_FOUND);
	}

	#[tokio::test]
	async fn rpc_gives_typed_errors_for_malformed_requests() {
		let (_d, node, data, tree) = setup(ShardConfig::FULL);
		let m = rpc_module(node).unwrap();
		let call = |body: String| {
			let m = &m;
			async move {
				let (resp, _) = m.raw_json_request(&body, 1).await.unwrap();
				serde_json::from_str::<serde_json::Value>(&resp).unwrap()
			}
		};
		let good = serde_json::to_value(seg(&data, &tree, 0)).unwrap();
		let req = |params: serde_json::Value| {
			serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "zgs_uploadSegment", "params": params}).to_string()
		};
		assert_eq!(call(req(serde_json::json!([good.clone()]))).await["result"], true);
		let mut bad = good.clone();
		bad["data"] = "%%% not base64".into();
		let r = call(req(serde_json::json!([bad]))).await;
		assert_eq!(r["error"]["code"], -32602, "{r}");
		assert!(r["error"]["message"].as_str().unwrap().contains("base64"));
		let mut bad = good.clone();
		bad["id"] = "0x1234".into();
		assert_eq!(call(req(serde_json::json!([bad]))).await["error"]["code"], -32602);
		let r = call(
			serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "zgs_storedSegments", "params": [good["id"], 0, 1u64 << 40]})
				.to_string(),
		)
		.await;
		assert_eq!(r["error"]["code"], -32602);
		let r = call(
			serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "zgs_downloadSegmentWithProof", "params": [good["id"], 0]})
				.to_string(),
		)
		.await;
		assert_eq!(r["result"]["index"], 0);
	}

	proptest::proptest! {
		#![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
		/// Any request body to any zgs method is answered with a result or a typed error,
		/// never a panic, and a segment that is not the file's stores nothing.
		#[test]
		fn arbitrary_requests_never_panic_or_store(
			method in proptest::sample::select(vec![
				"zgs_uploadSegment", "zgs_downloadSegmentWithProof", "zgs_getFileInfo", "zgs_storedSegments",
			]),
			params in ".{0,300}",
			index in 0u64..8,
			leaf_count in 0u64..8,
			data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1024),
			siblings in proptest::collection::vec(proptest::prelude::any::<[u8; 32]>(), 0..12),
		) {
			let (_d, node, _data, tree) = setup(ShardConfig::FULL);
			let m = rpc_module(node.clone()).unwrap();
			let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
			let seg = SegmentWithProof {
				id: Hex(file_id(&tree, (SEGMENT_SIZE * 5 / 2) as u64)),
				index,
				data: Base64(data),
				proof: api::ProofJson { index, leaf_count, siblings: siblings.into_iter().map(Hex).collect() },
			};
			rt.block_on(async {
				let raw = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
				let _ = m.raw_json_request(&raw, 1).await;
				let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "zgs_uploadSegment", "params": [seg]});
				let _ = m.raw_json_request(&body.to_string(), 1).await;
			});
			// The same bytes as a binary frame, and the raw bytes as one.
			let frame = crate::wire::encode(&seg.proof.clone().into(), &seg.data.0);
			for bytes in [&frame[..], params.as_bytes()] {
				if let Ok((proof, data)) = crate::wire::decode(bytes) {
					let _ = node.accept(&seg.id.0, index, data, proof);
				}
			}
			proptest::prop_assert_eq!(node.status().unwrap().stored_segments, 0);
		}
	}
}
