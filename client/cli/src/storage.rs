//! `zg storage`: upload and download through the storage nodes, with erasure coding
//! across nodes and every segment checked against the on-chain root.
//!
//! A file is named by its id (`Submission::id`: root, size and tags together). A
//! download looks the id up on chain and checks that the entry it gets hashes to that id,
//! so neither another submitter of the same root nor the RPC node can change the size or
//! layout the file is rebuilt with.
//!
//! Both directions stream: the file is read (and written) one stripe at a time, a few
//! stripes in flight, so memory stays flat whatever the file size; only the 32-byte
//! segment roots of the encoded file are kept for the proofs.

use std::{
	collections::{HashMap, HashSet},
	fs::File,
	io::{Read, Seek, SeekFrom, Write},
	path::{Path, PathBuf},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use futures::{stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use jsonrpsee::core::{client::ClientT, rpc_params, ClientError};
use jsonrpsee_http_client::{HttpClient, HttpClientBuilder};
use zerog_erasure::{
	default_coder,
	layout::{EncodingTag, FileLayout},
	CodeParams, ErasureCoder,
};
use zerog_storage_node::{
	api::{self, to_hex, Base64, FileInfo, SegmentWithProof, ShardJson},
	client::{SegmentClient, SegmentError},
	wire,
};
use zerog_storage_primitives::{
	segment_count, segment_root, FileId, FileMerkleTree, FileRoot, MerkleProof, ShardConfig,
	Submission, SEGMENT_SIZE,
};

use pallet_storage_market_rpc::{Entry, Hex, NodeStatus, StorageMarketApiClient};
use polkadot_sdk::sp_core::crypto::AccountId32;
use zerog_chain_client::zerog;
use zerog_chain_client::Chain;

const SEG: u64 = SEGMENT_SIZE as u64;

/// How segments travel between `zg` and the storage nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
	/// The binary segment path (`/v1/files/{id}/segments/{index}`): raw bytes and a
	/// SCALE proof.
	#[default]
	Binary,
	/// `zgs_uploadSegment` / `zgs_downloadSegmentWithProof` JSON-RPC: base64 in JSON.
	Json,
}

/// A storage node as the CLI sees it.
pub struct NodeClient {
	/// Its zgs JSON-RPC URL.
	pub endpoint: String,
	/// The segments it keeps.
	pub shard: ShardConfig,
	rpc: HttpClient,
	segments: SegmentClient,
}

/// Why sending a segment to a node failed.
enum SendError {
	/// The node could not be reached or did not answer in time: worth another try.
	Retry(String),
	/// The node refused the segment.
	Refused(String),
}

/// Why fetching a segment from a node failed.
enum FetchError {
	/// The node does not hold it (or refuses to serve it): ask another.
	NotHeld,
	/// The node could not be reached.
	Down,
	/// The node answered with something that is not the segment asked for.
	Bad(String),
}

impl NodeClient {
	/// Sends one segment, as a frame on the binary path or as JSON-RPC.
	async fn put(&self, id: &FileId, seg: &Outgoing) -> Result<bool, SendError> {
		match &seg.payload {
			Payload::Binary(frame) => {
				self.segments.put(&self.endpoint, id, seg.index, frame.clone()).await.map_err(|e| {
					match e {
						SegmentError::Transport(e) => SendError::Retry(e),
						refused => SendError::Refused(refused.to_string()),
					}
				})
			}
			Payload::Json(seg) => {
				self.rpc.request::<bool, _>("zgs_uploadSegment", rpc_params![seg]).await.map_err(
					|e| match e {
						ClientError::Transport(_) | ClientError::RequestTimeout => {
							SendError::Retry(e.to_string())
						}
						e => SendError::Refused(e.to_string()),
					},
				)
			}
		}
	}

	/// Fetches segment `i` of file `id` with its proof, unverified.
	async fn get(
		&self,
		id: &FileId,
		i: u64,
		transport: Transport,
	) -> Result<(MerkleProof, Vec<u8>), FetchError> {
		match transport {
			Transport::Binary => {
				self.segments.get(&self.endpoint, id, i).await.map_err(|e| match e {
					SegmentError::Refused { .. } => FetchError::NotHeld,
					SegmentError::Transport(_) => FetchError::Down,
				})
			}
			Transport::Json => {
				let seg = self
					.rpc
					.request::<SegmentWithProof, _>(
						"zgs_downloadSegmentWithProof",
						rpc_params![to_hex(id), i],
					)
					.await
					.map_err(|e| match e {
						ClientError::Call(_) => FetchError::NotHeld,
						_ => FetchError::Down,
					})?;
				if seg.id.0 != *id || seg.index != i {
					return Err(FetchError::Bad(format!(
						"asked for segment {i}, got segment {} of {}",
						seg.index,
						to_hex(&seg.id.0)
					)));
				}
				Ok((seg.proof.into(), seg.data.0))
			}
		}
	}
}

/// A segment on its way to the nodes that keep it, encoded once for all of them.
struct Outgoing {
	index: u64,
	payload: Payload,
}

enum Payload {
	Binary(bytes::Bytes),
	Json(SegmentWithProof),
}

fn node_rpc(endpoint: &str) -> Result<HttpClient, String> {
	HttpClientBuilder::default()
		.request_timeout(Duration::from_secs(30))
		.max_request_size(api::MAX_REQUEST_BYTES)
		.max_response_size(api::MAX_REQUEST_BYTES)
		.build(endpoint)
		.map_err(|e| format!("{endpoint}: {e}"))
}

/// The storage nodes to use: those given with `--node` (asked for their shard), or the
/// active nodes registered on chain. Nodes that do not answer are left out when `lenient`.
pub async fn discover(
	chain: &Chain,
	explicit: &[String],
	lenient: bool,
) -> Result<Vec<NodeClient>, String> {
	let mut out = Vec::new();
	// One connection pool for every node's segment path.
	let segments = SegmentClient::default();
	if explicit.is_empty() {
		for n in chain.storage_market().nodes(None).await.map_err(|e| e.to_string())? {
			if n.status != NodeStatus::Active {
				continue;
			}
			let endpoint = n.endpoint;
			let shard = ShardConfig { shard_id: n.shard_id, num_shard: n.num_shard };
			if !shard.is_valid() {
				continue;
			}
			match node_rpc(&endpoint) {
				Ok(rpc) => {
					out.push(NodeClient { endpoint, shard, rpc, segments: segments.clone() })
				}
				Err(e) => eprintln!("warning: skipping node {e}"),
			}
		}
	} else {
		for endpoint in explicit {
			let rpc = node_rpc(endpoint)?;
			match rpc.request::<ShardJson, _>("zgs_getShardConfig", rpc_params![]).await {
				Ok(s) => out.push(NodeClient {
					endpoint: endpoint.clone(),
					shard: s.into(),
					rpc,
					segments: segments.clone(),
				}),
				Err(e) if lenient => {
					eprintln!("warning: node {endpoint} does not answer ({e}); leaving it out")
				}
				Err(e) => return Err(format!("node {endpoint}: {e}")),
			}
		}
	}
	if out.is_empty() {
		return Err(
			"no storage nodes: register some on chain (zg storage register) or pass --node URL"
				.into(),
		);
	}
	Ok(out)
}

fn bar(len: u64, what: &str, quiet: bool) -> ProgressBar {
	if quiet {
		return ProgressBar::hidden();
	}
	let pb = ProgressBar::new(len);
	pb.set_style(
		ProgressStyle::with_template(
			"{msg:>10} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
		)
		.expect("static template; qed")
		.progress_chars("=> "),
	);
	pb.set_message(what.to_string());
	pb
}

/// Reads stripe `s` of the file: its data segments back to back, zero-padded.
fn read_stripe(file: &mut File, layout: &FileLayout, s: u64) -> std::io::Result<Vec<u8>> {
	let start = s * layout.params.k as u64 * SEG;
	let mut buf = vec![0u8; layout.stripe_data(s) * SEGMENT_SIZE];
	let want = (layout.size.saturating_sub(start) as usize).min(buf.len());
	file.seek(SeekFrom::Start(start))?;
	file.read_exact(&mut buf[..want])?;
	Ok(buf)
}

/// A stripe's encoded segments (data, then parity), each a full segment.
fn encode_stripe(
	coder: &dyn ErasureCoder,
	layout: &FileLayout,
	data: Vec<u8>,
) -> Result<Vec<Vec<u8>>, String> {
	let parity = layout.encode_stripe(coder, &data).map_err(|e| e.to_string())?;
	let mut segs: Vec<Vec<u8>> = data.chunks(SEGMENT_SIZE).map(<[u8]>::to_vec).collect();
	segs.extend(parity);
	Ok(segs)
}

/// Segment roots, hashed on all cores.
fn roots_parallel(segs: &[Vec<u8>]) -> Vec<[u8; 32]> {
	let threads =
		std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(segs.len().max(1));
	let per = segs.len().div_ceil(threads).max(1);
	std::thread::scope(|sc| {
		let handles: Vec<_> = segs
			.chunks(per)
			.map(|c| sc.spawn(move || c.iter().map(|s| segment_root(s)).collect::<Vec<_>>()))
			.collect();
		handles.into_iter().flat_map(|h| h.join().expect("hashing does not panic; qed")).collect()
	})
}

/// The Merkle tree of the encoded file, streaming it once.
fn encoded_tree(
	path: &Path,
	layout: FileLayout,
	pb: &ProgressBar,
) -> Result<FileMerkleTree, String> {
	let coder = default_coder(layout.params);
	let mut file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
	let mut tree = FileMerkleTree::new();
	for s in 0..layout.stripes() {
		let data =
			read_stripe(&mut file, &layout, s).map_err(|e| format!("{}: {e}", path.display()))?;
		pb.inc(data.len() as u64);
		let segs = encode_stripe(&*coder, &layout, data)?;
		for r in roots_parallel(&segs) {
			tree.push_segment_root(r);
		}
	}
	Ok(tree)
}

/// A file as zg would submit it: its encoded Merkle tree and submission.
pub struct Identified {
	/// The encoded file's Merkle tree.
	pub tree: FileMerkleTree,
	/// What goes on chain.
	pub submission: Submission,
	/// Its id.
	pub id: FileId,
}

/// The stripe layout of the file at `path`, whose size the spec must allow.
pub fn file_layout(path: &Path, params: CodeParams) -> Result<FileLayout, String> {
	let size = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
	zerog_storage_primitives::check_size(size)
		.map_err(|e| format!("{}: size {size}: {e:?}", path.display()))?;
	Ok(FileLayout::new(size, params))
}

/// Encodes and hashes the file at `path` laid out as `layout` (streaming) into what
/// `zg storage upload` would submit, without touching the chain.
pub async fn identify(path: &Path, layout: FileLayout, quiet: bool) -> Result<Identified, String> {
	let (size, params) = (layout.size, layout.params);
	let tag = EncodingTag { size, params };
	let pb = bar(size, "hashing", quiet);
	let tree = {
		let (p, pb2) = (path.to_path_buf(), pb.clone());
		tokio::task::spawn_blocking(move || encoded_tree(&p, layout, &pb2))
			.await
			.map_err(|e| e.to_string())??
	};
	pb.finish_and_clear();
	let submission =
		Submission { size: layout.encoded_size(), root: tree.root(), tags: tag.to_tags() };
	let id = submission.id();
	Ok(Identified { tree, submission, id })
}

/// What an upload did.
pub struct UploadReport {
	/// The file's id (root, size and tags together), what downloads name.
	pub id: FileId,
	/// The encoded file's root, as on chain.
	pub root: FileRoot,
	/// Its flow entry.
	pub seq: u64,
	/// Original bytes.
	pub size: u64,
	/// Encoded bytes (on chain, over all nodes).
	pub encoded_size: u64,
	/// Whether this run submitted it (`false`: it was already on chain).
	pub submitted: bool,
	/// Segment uploads made by this run (already held ones are skipped).
	pub uploads: u64,
	/// Seconds spent sending segments.
	pub transfer_secs: f64,
	/// Nodes left out (unreachable, or failing); the stripes had enough without them.
	pub skipped_nodes: Vec<(String, String)>,
}

/// Upload options.
pub struct UploadOpts {
	/// Stripe parameters.
	pub params: CodeParams,
	/// Months of storage paid.
	pub months: u32,
	/// Explicit nodes.
	pub nodes: Vec<String>,
	/// Concurrent segment uploads.
	pub parallel: usize,
	/// How segments are sent.
	pub transport: Transport,
	/// No progress bars.
	pub quiet: bool,
}

async fn wait_known(node: &NodeClient, id: &FileId) -> Result<(), String> {
	let deadline = Instant::now() + Duration::from_secs(120);
	loop {
		match node
			.rpc
			.request::<Option<FileInfo>, _>("zgs_getFileInfo", rpc_params![to_hex(id)])
			.await
		{
			Ok(Some(_)) => return Ok(()),
			Ok(None) => {}
			Err(e) => return Err(format!("node {}: {e}", node.endpoint)),
		}
		if Instant::now() > deadline {
			return Err(format!("node {} has not seen the submission after 120 s", node.endpoint));
		}
		tokio::time::sleep(Duration::from_millis(300)).await;
	}
}

/// Indices asked for per `zgs_storedSegments` page: small enough that a page of the
/// largest indices stays far below the response limit.
const HELD_PAGE: u32 = 16_384;

/// The segments of file `id` (of `segments` segments) that `node` holds. What a node
/// says is bounded: each page must be ascending, within the file and past the previous
/// one, so a faulty or hostile node cannot make this loop forever or grow without bound.
async fn held(node: &NodeClient, id: &FileId, segments: u64) -> Result<HashSet<u64>, String> {
	let mut out = HashSet::new();
	let mut from = 0u64;
	while from < segments {
		let page: Vec<u64> = node
			.rpc
			.request("zgs_storedSegments", rpc_params![to_hex(id), from, HELD_PAGE])
			.await
			.map_err(|e| format!("node {}: {e}", node.endpoint))?;
		if page.len() > HELD_PAGE as usize {
			return Err(format!(
				"node {}: {} indices in a page of {HELD_PAGE}",
				node.endpoint,
				page.len()
			));
		}
		let mut prev: Option<u64> = None;
		for &i in &page {
			if i < from || i >= segments || prev.is_some_and(|p| i <= p) {
				return Err(format!(
					"node {}: stored segment list out of order or range ({i})",
					node.endpoint
				));
			}
			prev = Some(i);
		}
		let done = page.len() < HELD_PAGE as usize;
		out.extend(&page);
		match prev {
			Some(last) if !done => from = last + 1,
			_ => break,
		}
	}
	Ok(out)
}

/// Whether each stripe of `layout` has at least its data count of segments on the nodes
/// in `alive` (or already `stored`), so the file can be rebuilt; else the first short stripe.
fn coverage(
	layout: &FileLayout,
	shards: &[ShardConfig],
	alive: &[bool],
	stored: &HashSet<u64>,
) -> Result<(), String> {
	for s in 0..layout.stripes() {
		let first = layout.stripe_start(s);
		let count = (layout.stripe_data(s) + layout.parity_per_stripe()) as u64;
		let have = (first..first + count)
			.filter(|i| {
				stored.contains(i) || shards.iter().zip(alive).any(|(sh, a)| *a && sh.holds(*i))
			})
			.count();
		if have < layout.stripe_data(s) {
			return Err(format!(
				"stripe {s}: only {have} of its segments can be placed on live nodes, {} are needed",
				layout.stripe_data(s)
			));
		}
	}
	Ok(())
}

/// Whether node `k` (shard `shards[k]`, holding `held[k]`) still needs segment `i`:
/// it is alive, keeps `i`'s shard and does not hold it yet.
fn wants(
	shards: &[ShardConfig],
	held: &[HashSet<u64>],
	dead: &[std::sync::atomic::AtomicBool],
	i: u64,
	k: usize,
) -> bool {
	!dead[k].load(std::sync::atomic::Ordering::Relaxed)
		&& shards[k].holds(i)
		&& !held[k].contains(&i)
}

/// Uploads a file: encodes it, submits it (unless already on chain), waits for
/// finality, and sends every segment to every live node whose shard holds it, skipping
/// segments a node already has, so a second run resumes an interrupted one and never
/// pays twice. Nodes that do not answer or fail are left out with a warning as long as
/// every stripe keeps enough segments on the others to be rebuilt.
pub async fn upload(
	chain: &Chain,
	signer: &polkadot_sdk::sp_core::sr25519::Pair,
	path: &Path,
	opts: &UploadOpts,
) -> Result<UploadReport, String> {
	let layout = file_layout(path, opts.params)?;
	let size = layout.size;
	let encoded_size = layout.encoded_size();
	let segments = layout.encoded_segments();

	let nodes = discover(chain, &opts.nodes, true).await?;
	let shards: Vec<ShardConfig> = nodes.iter().map(|n| n.shard).collect();
	coverage(&layout, &shards, &vec![true; nodes.len()], &HashSet::new())
		.map_err(|e| format!("the storage nodes do not cover every shard: {e}"))?;

	let Identified { tree, submission, id } = identify(path, layout, opts.quiet).await?;
	let root = submission.root;

	// On chain already (an earlier, interrupted run, or anyone who uploaded the same
	// file)? Else submit and wait for finality.
	let existing =
		chain.storage_market().file_status(Hex(id), None).await.map_err(|e| e.to_string())?;
	let mut submitted = existing.is_none();
	if submitted {
		let quote = chain
			.storage_market()
			.quote(encoded_size, opts.months, None)
			.await
			.map_err(|e| e.to_string())?;
		let Some(fee) = quote.0 else {
			return Err(format!(
				"the storage market refuses {encoded_size} bytes for {} months",
				opts.months
			));
		};
		let call = zerog::tx().storage_market().submit(
			submission.size,
			root,
			submission.tags,
			opts.months,
		);
		if !opts.quiet {
			eprintln!(
				"submitting file {} ({} encoded bytes, fee {} wei)",
				to_hex(&id),
				encoded_size,
				fee
			);
		}
		match chain.submit(&call, signer, true).await {
			Ok(inc) => {
				let submitted_seq = inc
					.find_first::<zerog::storage_market::events::Submitted>()
					.map_err(|e| e.to_string())?
					.map(|e| e.seq);
				if !opts.quiet {
					eprintln!(
						"submitted in block {} ({:?}), entry {submitted_seq:?}",
						inc.number, inc.block
					);
				}
			}
			// Someone submitted the very same file in the meantime: it is paid for.
			Err(zerog_chain_client::ChainError::Failed { error, .. })
				if error.ends_with("::AlreadySubmitted") =>
			{
				submitted = false;
			}
			Err(e) => return Err(e.to_string()),
		}
	}
	let seq = chain
		.storage_market()
		.file_status(Hex(id), None)
		.await
		.map_err(|e| e.to_string())?
		.ok_or("the submission is not on chain after finality")?
		.seq;

	// Ask each node what it already holds; one that does not answer is left out.
	let mut todo: Vec<HashSet<u64>> = Vec::new();
	let mut alive = Vec::new();
	let mut skipped = Vec::new();
	for n in &nodes {
		let view = match wait_known(n, &id).await {
			Ok(()) => held(n, &id, segments).await,
			Err(e) => Err(e),
		};
		match view {
			Ok(h) => {
				todo.push(h);
				alive.push(true);
			}
			Err(e) => {
				if !opts.quiet {
					eprintln!("warning: leaving out storage node {}: {e}", n.endpoint);
				}
				skipped.push((n.endpoint.clone(), e));
				todo.push(HashSet::new());
				alive.push(false);
			}
		}
	}
	// Nodes left out hold nothing as far as this upload knows.
	let stored: HashSet<u64> = todo.iter().flatten().copied().collect();
	coverage(&layout, &shards, &alive, &stored)
		.map_err(|e| format!("too many storage nodes are down: {e}"))?;

	let t0 = Instant::now();
	let dead: Arc<Vec<std::sync::atomic::AtomicBool>> =
		Arc::new(alive.iter().map(|a| std::sync::atomic::AtomicBool::new(!a)).collect());
	let total: u64 = (0..segments)
		.map(|i| (0..nodes.len()).filter(|&k| wants(&shards, &todo, &dead, i, k)).count() as u64)
		.sum();
	let pb = bar(total * SEG, "upload", opts.quiet);
	let (tx, rx) = tokio::sync::mpsc::channel::<(usize, Arc<Outgoing>)>(opts.parallel * 2);
	let transport = opts.transport;
	let producer = {
		let p = path.to_path_buf();
		let (shards, dead) = (shards.clone(), dead.clone());
		tokio::task::spawn_blocking(move || -> Result<(), String> {
			let coder = default_coder(layout.params);
			let levels = tree.levels();
			let mut file = File::open(&p).map_err(|e| format!("{}: {e}", p.display()))?;
			let wanted = |i: u64, k: usize| wants(&shards, &todo, &dead, i, k);
			for s in 0..layout.stripes() {
				let first = layout.stripe_start(s);
				let count = (layout.stripe_data(s) + layout.parity_per_stripe()) as u64;
				if !(first..first + count).any(|i| (0..shards.len()).any(|k| wanted(i, k))) {
					continue;
				}
				let data = read_stripe(&mut file, &layout, s)
					.map_err(|e| format!("{}: {e}", p.display()))?;
				for (j, seg) in encode_stripe(&*coder, &layout, data)?.into_iter().enumerate() {
					let i = first + j as u64;
					let proof = levels.proof(i).ok_or("proof past the end")?;
					let payload = match transport {
						Transport::Binary => Payload::Binary(wire::encode(&proof, &seg).into()),
						Transport::Json => Payload::Json(SegmentWithProof {
							id: Hex(id),
							index: i,
							data: Base64(seg),
							proof: proof.into(),
						}),
					};
					let seg = Arc::new(Outgoing { index: i, payload });
					for k in 0..shards.len() {
						if wanted(i, k) && tx.blocking_send((k, seg.clone())).is_err() {
							return Ok(());
						}
					}
				}
			}
			Ok(())
		})
	};
	let nodes = Arc::new(nodes);
	let failures = Arc::new(Mutex::new(HashMap::<usize, String>::new()));
	let stored = Arc::new(Mutex::new(stored));
	let rx = Arc::new(tokio::sync::Mutex::new(rx));
	let workers: Vec<_> = (0..opts.parallel.max(1))
		.map(|_| {
			let (rx, nodes, failures, pb, dead, stored) = (
				rx.clone(),
				nodes.clone(),
				failures.clone(),
				pb.clone(),
				dead.clone(),
				stored.clone(),
			);
			tokio::spawn(async move {
				use std::sync::atomic::Ordering;
				loop {
					let Some((k, seg)) = rx.lock().await.recv().await else { return };
					let node = &nodes[k];
					let mut attempt = 0;
					while !dead[k].load(Ordering::Relaxed) {
						match node.put(&id, &seg).await {
							Ok(_) => {
								stored
									.lock()
									.expect("no panics under the lock; qed")
									.insert(seg.index);
								break;
							}
							Err(SendError::Retry(_)) if attempt < 4 => {
								attempt += 1;
								tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
							}
							Err(SendError::Retry(e) | SendError::Refused(e)) => {
								// This node is left out for the rest of the upload.
								dead[k].store(true, Ordering::Relaxed);
								failures
									.lock()
									.expect("no panics under the lock; qed")
									.entry(k)
									.or_insert_with(|| format!("segment {}: {e}", seg.index));
							}
						}
					}
					pb.inc(SEG);
				}
			})
		})
		.collect();
	producer.await.map_err(|e| e.to_string())??;
	for w in workers {
		w.await.map_err(|e| e.to_string())?;
	}
	pb.finish_and_clear();
	let failures = std::mem::take(&mut *failures.lock().expect("no panics under the lock; qed"));
	for (k, why) in &failures {
		if !opts.quiet {
			eprintln!(
				"warning: storage node {} failed and was left out: {why}",
				nodes[*k].endpoint
			);
		}
		skipped.push((nodes[*k].endpoint.clone(), why.clone()));
	}
	let stored = std::mem::take(&mut *stored.lock().expect("no panics under the lock; qed"));
	coverage(&layout, &shards, &vec![false; nodes.len()], &stored).map_err(|e| {
		format!(
			"the upload is incomplete ({e}; run the same upload again to resume):\n  {}",
			skipped.iter().map(|(n, why)| format!("{n}: {why}")).collect::<Vec<_>>().join("\n  ")
		)
	})?;
	Ok(UploadReport {
		id,
		root,
		seq,
		size,
		encoded_size,
		submitted,
		uploads: total,
		transfer_secs: t0.elapsed().as_secs_f64(),
		skipped_nodes: skipped,
	})
}

/// A file on chain as the client layer sees it.
pub struct OnChainFile {
	/// Its flow entry (`storageMarket_fileStatus`).
	pub entry: Entry<AccountId32>,
	/// Its Merkle root, which every segment proves against.
	pub root: FileRoot,
	/// Its encoding.
	pub tag: EncodingTag,
}

/// Looks file `id` up on chain and reads its encoding. The entry must hash to `id`
/// (root, size and tags), so what it says about the file is what its uploader submitted.
pub async fn lookup(chain: &Chain, id: &FileId) -> Result<OnChainFile, String> {
	let entry =
		chain.storage_market().file_status(Hex(*id), None).await.map_err(|e| e.to_string())?;
	let Some(entry) = entry else {
		return Err(format!(
			"file {} is not on chain (a file is named by the id `zg storage upload` printed)",
			to_hex(id)
		));
	};
	let (size, root, tags) = (entry.size, entry.root.0, entry.tags.0);
	if (Submission { size, root, tags }).id() != *id {
		return Err(format!(
			"the chain's entry for file {} does not hash to that id: the RPC node is lying",
			to_hex(id)
		));
	}
	let tag = EncodingTag::from_tags(&tags, size).ok_or_else(|| {
		format!(
			"file {} was not uploaded by zg (its tags carry no ZGE1 encoding header)",
			to_hex(id)
		)
	})?;
	Ok(OnChainFile { entry, root, tag })
}

/// What a download did.
pub struct DownloadReport {
	/// Bytes written.
	pub size: u64,
	/// Seconds.
	pub secs: f64,
	/// Stripes that needed parity (a data segment was missing or bad).
	pub decoded_stripes: u64,
	/// Nodes that served a segment that failed verification, with the first reason.
	pub bad_nodes: Vec<(String, String)>,
	/// Nodes that could not be reached.
	pub unreachable: Vec<String>,
}

struct Fetcher {
	transport: Transport,
	id: FileId,
	root: FileRoot,
	segments: u64,
	nodes: Vec<NodeClient>,
	bad: Mutex<HashMap<usize, String>>,
	down: Mutex<HashSet<usize>>,
}

impl Fetcher {
	/// Segment `i`, verified against the root, from the first node that has it right.
	async fn segment(self: &Arc<Self>, i: u64) -> Option<Vec<u8>> {
		for (k, node) in self.nodes.iter().enumerate() {
			if !node.shard.holds(i)
				|| self.bad.lock().expect("no panics under the lock; qed").contains_key(&k)
				|| self.down.lock().expect("no panics under the lock; qed").contains(&k)
			{
				continue;
			}
			let (proof, data) = match node.get(&self.id, i, self.transport).await {
				Ok(seg) => seg,
				Err(FetchError::NotHeld) => continue, // try another
				Err(FetchError::Down) => {
					self.down.lock().expect("no panics under the lock; qed").insert(k);
					continue;
				}
				Err(FetchError::Bad(reason)) => {
					self.bad
						.lock()
						.expect("no panics under the lock; qed")
						.entry(k)
						.or_insert(reason);
					continue;
				}
			};
			let me = self.clone();
			let check = tokio::task::spawn_blocking(move || me.verify(i, proof, data)).await;
			match check {
				Ok(Ok(data)) => return Some(data),
				Ok(Err(reason)) => {
					self.bad
						.lock()
						.expect("no panics under the lock; qed")
						.entry(k)
						.or_insert(reason);
				}
				Err(_) => {}
			}
		}
		None
	}

	fn verify(&self, i: u64, proof: MerkleProof, data: Vec<u8>) -> Result<Vec<u8>, String> {
		if data.len() != SEGMENT_SIZE {
			return Err(format!("segment {i} is {} bytes", data.len()));
		}
		if proof.index != i || proof.leaf_count != self.segments {
			return Err(format!(
				"segment {i}: proof for position {} of {}",
				proof.index, proof.leaf_count
			));
		}
		proof
			.verify(&self.root, segment_root(&data))
			.map_err(|e| format!("segment {i} does not prove against the root ({e:?})"))?;
		Ok(data)
	}

	/// Stripe `s`'s data, rebuilt from parity if a data segment is missing or bad.
	async fn stripe(
		self: Arc<Self>,
		layout: FileLayout,
		s: u64,
	) -> Result<(Vec<u8>, bool), String> {
		let first = layout.stripe_start(s);
		let d = layout.stripe_data(s);
		let m = layout.parity_per_stripe();
		let mut segs: Vec<Option<Vec<u8>>> =
			futures::future::join_all((0..d as u64).map(|j| self.segment(first + j))).await;
		let complete = segs.iter().all(Option::is_some);
		if complete {
			let mut out = Vec::with_capacity(d * SEGMENT_SIZE);
			for seg in segs.into_iter().flatten() {
				out.extend_from_slice(&seg);
			}
			return Ok((out, false));
		}
		let parity =
			futures::future::join_all((0..m as u64).map(|j| self.segment(first + (d as u64) + j)))
				.await;
		segs.extend(parity);
		let have = segs.iter().filter(|x| x.is_some()).count();
		if have < d {
			return Err(format!(
				"stripe {s}: only {have} of the {} segments needed could be fetched and verified",
				d
			));
		}
		let data = tokio::task::spawn_blocking(move || {
			let coder = default_coder(layout.params);
			layout.decode_stripe(&*coder, s, segs)
		})
		.await
		.map_err(|e| e.to_string())?
		.map_err(|e| format!("stripe {s}: {e}"))?;
		Ok((data, true))
	}
}

/// Downloads file `id` into `out`: stripes fetched in parallel from the nodes holding
/// them, each segment verified against the file's root, missing or bad ones rebuilt from
/// parity. Writes to `out.part` and renames it only when the whole file is there.
pub async fn download(
	chain: &Chain,
	id: FileId,
	out: &Path,
	explicit: &[String],
	parallel: usize,
	transport: Transport,
	quiet: bool,
) -> Result<DownloadReport, String> {
	let file = lookup(chain, &id).await?;
	let layout = file.tag.layout();
	let nodes = discover(chain, explicit, true).await?;
	let fetcher = Arc::new(Fetcher {
		transport,
		id,
		root: file.root,
		segments: segment_count(layout.encoded_size()),
		nodes,
		bad: Mutex::new(HashMap::new()),
		down: Mutex::new(HashSet::new()),
	});
	let part = PathBuf::from(format!("{}.part", out.display()));
	let mut w = std::io::BufWriter::with_capacity(
		4 << 20,
		File::create(&part).map_err(|e| format!("{}: {e}", part.display()))?,
	);
	let pb = bar(layout.size, "download", quiet);
	let t0 = Instant::now();
	let mut written = 0u64;
	let mut decoded = 0u64;
	let mut stripes = stream::iter(0..layout.stripes())
		.map(|s| fetcher.clone().stripe(layout, s))
		.buffered(parallel.max(1));
	while let Some(r) = stripes.next().await {
		let (data, rebuilt) = match r {
			Ok(x) => x,
			Err(e) => {
				drop(w);
				let _ = std::fs::remove_file(&part);
				return Err(e);
			}
		};
		decoded += rebuilt as u64;
		let n = (data.len() as u64).min(layout.size - written) as usize;
		w.write_all(&data[..n]).map_err(|e| format!("{}: {e}", part.display()))?;
		written += n as u64;
		pb.inc(n as u64);
	}
	w.flush().map_err(|e| format!("{}: {e}", part.display()))?;
	drop(w);
	std::fs::rename(&part, out).map_err(|e| format!("{}: {e}", out.display()))?;
	pb.finish_and_clear();
	let secs = t0.elapsed().as_secs_f64();
	let bad = fetcher.bad.lock().expect("no panics under the lock; qed");
	let down = fetcher.down.lock().expect("no panics under the lock; qed");
	let mut bad_nodes: Vec<(String, String)> =
		bad.iter().map(|(k, r)| (fetcher.nodes[*k].endpoint.clone(), r.clone())).collect();
	bad_nodes.sort();
	let mut unreachable: Vec<String> =
		down.iter().map(|k| fetcher.nodes[*k].endpoint.clone()).collect();
	unreachable.sort();
	Ok(DownloadReport { size: written, secs, decoded_stripes: decoded, bad_nodes, unreachable })
}

/// Each node's view of file `id` (`None`: unreachable).
pub async fn node_views(
	nodes: &[NodeClient],
	id: &FileId,
) -> Vec<(String, ShardConfig, Result<Option<FileInfo>, String>)> {
	let mut out = Vec::new();
	for n in nodes {
		let r = n
			.rpc
			.request::<Option<FileInfo>, _>("zgs_getFileInfo", rpc_params![to_hex(id)])
			.await
			.map_err(|e| e.to_string());
		out.push((n.endpoint.clone(), n.shard, r));
	}
	out
}

/// Each node's status.
pub async fn node_status(n: &NodeClient) -> Result<api::NodeStatus, String> {
	n.rpc.request("zgs_getStatus", rpc_params![]).await.map_err(|e| e.to_string())
}
