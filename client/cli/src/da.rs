//! `zg da`: the user's side of data availability.
//!
//! - `submit FILE`: commits to the file row by row (first pass), submits the
//!   commitments with the fee, then extends the file again row by row against those
//!   commitments (second pass; each row's first cell proof is checked against its
//!   commitment instead of recommitting) and sends each quorum member its columns'
//!   cells and proofs, and follows the blob to confirmed. The second pass starts as
//!   the commitments go to the chain and runs up to [`ROWS_AHEAD`] rows ahead of the
//!   network, so the encoder does not idle while the chain includes them. Memory stays
//!   at a few dozen extended rows whatever the file size.
//! - `disperse ID FILE`: the second pass alone, to (re)send a submitted blob's cells.
//! - `status ID`, `quorum`: what the chain says.
//! - `retrieve ID -o FILE`: row by row (a few rows in flight), fetches the cells every
//!   quorum member serves, checks each signer's against the on-chain commitments with
//!   their proofs, and rebuilds each row from any half of its verified columns.
//! - `sample ID`: a light client: random cells from their holders, each checked
//!   against the on-chain commitment, until the requested confidence.

use std::{
	collections::{BTreeSet, HashMap},
	fs::File,
	io::{BufReader, Write},
	path::Path,
	sync::Arc,
	time::{Duration, Instant},
};

use futures::StreamExt;
use parking_lot::Mutex;

use pallet_da_commitments_rpc::{BlobStatus as RpcBlobStatus, DaApiClient};
use polkadot_sdk::sp_core::{crypto::Ss58Codec, sr25519};
use serde_json::json;
use zerog_chain_client::Chain;
use zerog_da_encoding::{
	commit, confidence, extend_rows, rebuild_verified_row, samples_for,
	spec::{rows_for, COLUMNS, COLUMNS_TO_RECOVER, MAX_BLOB_SIZE},
	verify_cells, CellRef, DaError, ExtendedRow,
};
use zerog_da_primitives::{BlobId, BlobStatus, Commitment};
use zerog_da_signer::{
	chain::{Blob, DaChain, Quorum},
	http::SignerClient,
	wire::CellRecord,
};

use zerog_daemon::amount::format_zg;

/// Threads for encoding (this machine's cores).
fn threads() -> usize {
	std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

fn status_name(s: &BlobStatus<u32>) -> String {
	match s {
		BlobStatus::Processing { deadline } => {
			format!("processing (attestations until block {deadline})")
		}
		BlobStatus::Confirmed { at } => format!("confirmed at block {at}"),
		BlobStatus::InsufficientSignatures => "failed: insufficient signatures".into(),
	}
}

async fn blob_of(da: &DaChain, id: BlobId) -> Result<Blob, String> {
	da.blob(id).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("no blob {id} on chain"))
}

async fn quorum_of(da: &DaChain, blob: &Blob) -> Result<Quorum, String> {
	da.quorum(Some(blob.epoch))
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("epoch {}'s quorum is no longer retained on chain", blob.epoch))
}

/// What a dispersal achieved.
pub struct Dispersal {
	/// Signers that took every row.
	pub delivered: Vec<String>,
	/// Signers that refused or could not be reached, with why.
	pub failed: Vec<(String, String)>,
}

/// Rows wait this many at most for the network when extension runs ahead of it: while
/// `submit` waits for the chain to include the commitments, the encoder keeps going
/// instead of idling (about 262 KiB a row, so 6 MiB whatever the file's size).
const ROWS_AHEAD: usize = 24;

/// A file being extended against known commitments, on a blocking thread: its rows as
/// they come, in order.
struct Extension {
	rows: tokio::sync::mpsc::Receiver<(u32, ExtendedRow)>,
	encoder: tokio::task::JoinHandle<Result<(), DaError>>,
	size: u64,
}

impl Extension {
	/// Starts extending `path` against `commitments`; up to `ahead` rows wait for the
	/// reader. Dropping the extension stops the encoder at its next row.
	fn start(path: &Path, commitments: Vec<Commitment>, ahead: usize) -> Result<Self, String> {
		let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
		let size = file.metadata().map_err(|e| e.to_string())?.len();
		let (tx, rows) = tokio::sync::mpsc::channel(ahead.max(1));
		// Each row is extended against its commitment (not recomputed); a row of another
		// file fails there and ends the dispersal.
		let encoder = tokio::task::spawn_blocking(move || {
			extend_rows(BufReader::new(file), size, threads(), &commitments, |row, ext| {
				tx.blocking_send((row, ext)).map_err(|_| DaError::Kzg("dispersal stopped".into()))
			})
		});
		Ok(Self { rows, encoder, size })
	}
}

/// Sends each member of blob `id`'s quorum its columns of `path`, row by row.
pub async fn disperse(
	da: &DaChain,
	id: BlobId,
	path: &Path,
	quiet: bool,
) -> Result<Dispersal, String> {
	let blob = blob_of(da, id).await?;
	let commitments = da
		.commitments(id)
		.await
		.map_err(|e| e.to_string())?
		.ok_or("the blob has no commitments on chain")?;
	let extension = Extension::start(path, commitments, 2)?;
	send_rows(da, id, &blob, extension, path, quiet).await
}

/// Sends each member of blob `id`'s quorum its columns from `extension`, row by row.
async fn send_rows(
	da: &DaChain,
	id: BlobId,
	blob: &Blob,
	mut extension: Extension,
	path: &Path,
	quiet: bool,
) -> Result<Dispersal, String> {
	if extension.size != blob.size {
		return Err(format!(
			"{} is {} bytes; blob {id} is {} bytes",
			path.display(),
			extension.size,
			blob.size
		));
	}
	let quorum = quorum_of(da, blob).await?;
	let client = SignerClient::default();
	let mut failed: HashMap<usize, String> = HashMap::new();
	let rows = rows_for(blob.size);
	while let Some((row, ext)) = extension.rows.recv().await {
		let sends = quorum.members.iter().enumerate().filter(|(i, _)| !failed.contains_key(i)).map(
			|(i, m)| {
				let records: Vec<CellRecord> = (m.first_column..m.first_column + m.columns)
					.map(|c| CellRecord {
						column: c,
						cell: Box::new(ext.cell(c)),
						proof: ext.proof(c),
					})
					.collect();
				let endpoint = String::from_utf8_lossy(&m.endpoint).into_owned();
				let client = client.clone();
				async move { (i, client.post_row(&endpoint, id, row, &records).await) }
			},
		);
		for (i, result) in futures::future::join_all(sends).await {
			if let Err(e) = result {
				failed.insert(i, e);
			}
		}
		if !quiet && (row + 1) % 16 == 0 {
			eprintln!("dispersed {}/{rows} rows", row + 1);
		}
	}
	extension.encoder.await.map_err(|e| e.to_string())?.map_err(|e| match e {
		DaError::CommitmentMismatch(row) => format!(
			"{} does not match blob {id}'s on-chain commitment at row {row}: it is not the file that was submitted",
			path.display()
		),
		e => e.to_string(),
	})?;
	let name = |i: usize| quorum.members[i].signer.to_ss58check();
	Ok(Dispersal {
		delivered: (0..quorum.members.len())
			.filter(|i| !failed.contains_key(i))
			.map(name)
			.collect(),
		failed: failed.into_iter().map(|(i, e)| (name(i), e)).collect(),
	})
}

/// Waits until blob `id` leaves processing; returns its final record.
pub async fn wait_final(da: &DaChain, id: BlobId) -> Result<Blob, String> {
	loop {
		let blob = blob_of(da, id).await?;
		if !matches!(blob.status, BlobStatus::Processing { .. }) {
			return Ok(blob);
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// `zg da submit`.
pub async fn submit(
	chain: &Chain,
	signer: &sr25519::Pair,
	path: &Path,
	wait: bool,
	json: bool,
	quiet: bool,
) -> Result<(), String> {
	let size = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
	if size == 0 {
		return Err(format!("{} is empty: there is nothing to make available", path.display()));
	}
	if size > MAX_BLOB_SIZE {
		return Err(format!(
			"{} is {size} bytes; a DA blob is at most {MAX_BLOB_SIZE} bytes (32 MiB)",
			path.display()
		));
	}
	let da = DaChain::new(chain.clone());
	let started = Instant::now();
	let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
	let commitments =
		tokio::task::spawn_blocking(move || commit(BufReader::new(file), size, threads()))
			.await
			.map_err(|e| e.to_string())?
			.map_err(|e| e.to_string())?;
	let commit_secs = started.elapsed().as_secs_f64();
	let rows = commitments.len();
	// The second pass starts now and runs ahead while the chain includes the commitments.
	let extension = Extension::start(path, commitments.clone(), ROWS_AHEAD)?;
	let (id, included) = da.submit(signer, size, commitments).await.map_err(|e| e.to_string())?;
	let blob = blob_of(&da, id).await?;
	if !json {
		println!(
			"blob {id}: {size} bytes, {rows} rows, fee {}, epoch {}, submitted in block {}",
			format_zg(blob.fee),
			blob.epoch,
			included.number
		);
	}
	let t = Instant::now();
	let dispersal = send_rows(&da, id, &blob, extension, path, quiet || json).await?;
	let disperse_secs = t.elapsed().as_secs_f64();
	for (who, why) in &dispersal.failed {
		eprintln!("signer {who}: {why}");
	}
	if !json {
		println!(
			"dispersed to {} of {} signers in {disperse_secs:.1} s (commitments {commit_secs:.1} s)",
			dispersal.delivered.len(),
			dispersal.delivered.len() + dispersal.failed.len()
		);
	}
	if !wait {
		if json {
			println!(
				"{}",
				json!({ "id": id, "size": size, "rows": rows, "block": included.number, "status": "processing" })
			);
		}
		return Ok(());
	}
	let blob = wait_final(&da, id).await?;
	let confirmed = matches!(blob.status, BlobStatus::Confirmed { .. });
	if json {
		println!(
			"{}",
			json!({
				"id": id, "size": size, "rows": rows, "block": included.number, "fee": blob.fee.to_string(),
				"status": if confirmed { "confirmed" } else { "insufficientSignatures" },
				"signedColumns": blob.signed_columns, "attesters": blob.attesters.len(),
				"seconds": started.elapsed().as_secs_f64(),
			})
		);
	} else {
		println!(
			"blob {id} {}: {}/{COLUMNS} columns signed by {} signers ({:.1} s in all)",
			status_name(&blob.status),
			blob.signed_columns,
			blob.attesters.len(),
			started.elapsed().as_secs_f64()
		);
	}
	if confirmed {
		Ok(())
	} else {
		Err(format!("blob {id} failed: not enough signers attested before its deadline"))
	}
}

/// `zg da status`: one read of the blob (`da_blob`), printed as JSON or text.
pub async fn status(chain: &Chain, id: BlobId, json: bool) -> Result<(), String> {
	let blob = chain
		.da()
		.blob(id, None)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("no blob {id} on chain"))?;
	if json {
		println!("{}", serde_json::to_value(&blob).map_err(|e| e.to_string())?);
		return Ok(());
	}
	let status = match (blob.status, blob.deadline, blob.confirmed_at) {
		(RpcBlobStatus::Processing, Some(deadline), _) => {
			format!("processing (attestations until block {deadline})")
		}
		(RpcBlobStatus::Confirmed, _, Some(at)) => format!("confirmed at block {at}"),
		(RpcBlobStatus::InsufficientSignatures, ..) => "failed: insufficient signatures".into(),
		(other, ..) => format!("{other:?}"),
	};
	println!("blob {id}: {status}{}", if blob.finalized { ", finalized" } else { "" });
	println!("  size      {} bytes ({} rows)", blob.size, blob.rows);
	println!("  root      0x{}", hex::encode(blob.root.0));
	println!("  epoch     {}", blob.epoch);
	println!("  fee       {}", format_zg(blob.fee));
	println!(
		"  signed    {}/{COLUMNS} columns by {} signers",
		blob.signed_columns,
		blob.attesters.len()
	);
	Ok(())
}

/// `zg da quorum`: one read of the quorum (`da_quorum`), printed as JSON or text.
pub async fn quorum(chain: &Chain, epoch: Option<u32>, json: bool) -> Result<(), String> {
	let q = chain.da().quorum(epoch, None).await.map_err(|e| e.to_string())?;
	if json {
		println!("{}", serde_json::to_value(&q).map_err(|e| e.to_string())?);
		return Ok(());
	}
	let q = q.ok_or("no such quorum on chain")?;
	println!("epoch {}: {} signers", q.epoch, q.members.len());
	for m in &q.members {
		println!(
			"  {}  columns {:>3}..{:<3}  {}",
			m.signer.to_ss58check(),
			m.first_column,
			m.first_column + m.columns,
			m.endpoint
		);
	}
	Ok(())
}

/// `zg da retrieve`.
pub async fn retrieve(
	chain: &Chain,
	id: BlobId,
	out: &Path,
	json: bool,
	quiet: bool,
) -> Result<(), String> {
	let da = DaChain::new(chain.clone());
	let blob = blob_of(&da, id).await?;
	let commitments = da
		.commitments(id)
		.await
		.map_err(|e| e.to_string())?
		.ok_or("the blob has no commitments on chain")?;
	let quorum = quorum_of(&da, &blob).await?;
	let started = Instant::now();
	let client = SignerClient::new(Duration::from_secs(20));
	let tmp = out.with_extension("zg-partial");
	let mut file =
		std::io::BufWriter::new(File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?);
	// Signers that failed (unreachable, or served cells that do not verify) are skipped
	// for the rows fetched after; rows in flight may still ask them.
	let down: Arc<Mutex<HashMap<usize, String>>> = Default::default();
	let mut used: BTreeSet<usize> = BTreeSet::new();
	let rows = rows_for(blob.size);
	let (size, commitments, quorum_ref) = (blob.size, Arc::new(commitments), &quorum);
	let spans: Arc<[(u16, u16)]> =
		quorum.members.iter().map(|m| (m.first_column, m.columns)).collect();
	// Rows are fetched, verified and rebuilt `threads() + 1` at a time (the CPU work on
	// blocking threads) and written in order: memory stays at a few rows.
	let row_jobs = futures::stream::iter(0..rows)
		.map(|row| {
			let (client, down, commitments, spans) =
				(client.clone(), down.clone(), commitments.clone(), spans.clone());
			async move {
				let skip: BTreeSet<usize> = down.lock().keys().copied().collect();
				let fetches =
					quorum_ref.members.iter().enumerate().filter(|(i, _)| !skip.contains(i)).map(
						|(i, m)| {
							let endpoint = String::from_utf8_lossy(&m.endpoint).into_owned();
							let client = client.clone();
							async move { (i, client.get_row(&endpoint, id, row).await) }
						},
					);
				let fetched = futures::future::join_all(fetches).await;
				tokio::task::spawn_blocking(move || {
					rebuild_row(size, row, &commitments, &spans, fetched)
				})
				.await
				.map_err(|e| e.to_string())
			}
		})
		.buffered(threads() + 1);
	let result: Result<(), String> = async {
		futures::pin_mut!(row_jobs);
		while let Some(done) = row_jobs.next().await {
			let RowRebuilt { row, data, used: from, failed } = done?;
			used.extend(from);
			down.lock().extend(failed);
			let data = data.map_err(|e| match e {
				DaError::NotEnoughColumns { have, .. } => format!(
					"row {row}: only {have} verified columns reachable, {COLUMNS_TO_RECOVER} needed; unreachable signers: {}",
					down.lock().iter().map(|(i, e)| format!("{} ({e})", quorum.members[*i].signer.to_ss58check())).collect::<Vec<_>>().join("; ")
				),
				e => e.to_string(),
			})?;
			file.write_all(&data).map_err(|e| e.to_string())?;
			if !quiet && !json && (row + 1) % 16 == 0 {
				eprintln!("retrieved {}/{rows} rows", row + 1);
			}
		}
		file.flush().map_err(|e| e.to_string())?;
		Ok(())
	}
	.await;
	let down = std::mem::take(&mut *down.lock());
	if let Err(e) = result {
		let _ = std::fs::remove_file(&tmp);
		return Err(e);
	}
	drop(file);
	std::fs::rename(&tmp, out).map_err(|e| format!("{}: {e}", out.display()))?;
	let secs = started.elapsed().as_secs_f64();
	if json {
		println!(
			"{}",
			json!({ "id": id, "size": blob.size, "file": out.display().to_string(), "signersUsed": used.len(),
				"signersDown": down.len(), "seconds": secs })
		);
	} else {
		println!(
			"retrieved blob {id}: {} bytes into {} from {} of {} signers ({} unreachable), every cell used checked against the on-chain commitments, {:.1} s",
			blob.size,
			out.display(),
			used.len(),
			quorum.members.len(),
			down.len(),
			secs
		);
	}
	Ok(())
}

/// One row of a retrieval: its bytes (or why not), the signers whose cells were used,
/// and the signers that failed with why.
struct RowRebuilt {
	row: u32,
	data: Result<Vec<u8>, DaError>,
	used: Vec<usize>,
	failed: Vec<(usize, String)>,
}

/// Checks each signer's cells of `row` against the commitment (one batched check per
/// signer, so a bad signer is named and its cells dropped) and rebuilds the row from the
/// verified ones. `spans[i]` is member `i`'s (first column, columns).
fn rebuild_row(
	size: u64,
	row: u32,
	commitments: &[Commitment],
	spans: &[(u16, u16)],
	fetched: Vec<(usize, Result<Vec<CellRecord>, String>)>,
) -> RowRebuilt {
	let (mut cells, mut used, mut failed) = (Vec::new(), Vec::new(), Vec::new());
	for (i, got) in fetched {
		let records = match got {
			Ok(records) => records,
			Err(e) => {
				failed.push((i, e));
				continue;
			}
		};
		let (first, n) = spans[i];
		let mine: Vec<CellRecord> =
			records.into_iter().filter(|r| (first..first + n).contains(&r.column)).collect();
		let refs: Vec<CellRef<'_>> = mine
			.iter()
			.map(|r| CellRef { row, column: r.column, cell: &r.cell, proof: &r.proof })
			.collect();
		if verify_cells(commitments, &refs).unwrap_or(false) {
			used.push(i);
			cells.extend(mine);
		} else {
			failed.push((i, format!("served cells of row {row} that do not verify")));
		}
	}
	let refs: Vec<_> = cells.iter().map(|r| (r.column, &*r.cell)).collect();
	RowRebuilt { row, data: rebuild_verified_row(size, row, &refs), used, failed }
}

/// `zg da sample`.
pub async fn sample(chain: &Chain, id: BlobId, target: f64, json: bool) -> Result<(), String> {
	use rand::Rng;
	if !(0.0..1.0).contains(&target) {
		return Err(format!("--confidence {target} must be at least 0 and below 1"));
	}
	let da = DaChain::new(chain.clone());
	let blob = blob_of(&da, id).await?;
	let commitments = da
		.commitments(id)
		.await
		.map_err(|e| e.to_string())?
		.ok_or("the blob has no commitments on chain")?;
	let quorum = quorum_of(&da, &blob).await?;
	let rows = rows_for(blob.size);
	let n = samples_for(target).min(rows * u32::from(COLUMNS));
	let mut rng = rand::thread_rng();
	let mut picks = BTreeSet::new();
	while picks.len() < n as usize {
		picks.insert((rng.gen_range(0..rows), rng.gen_range(0..COLUMNS)));
	}
	let client = SignerClient::new(Duration::from_secs(10));
	let checks = picks.iter().map(|&(row, column)| {
		let holder = quorum
			.members
			.iter()
			.find(|m| (m.first_column..m.first_column + m.columns).contains(&column));
		let client = client.clone();
		let commitments = &commitments;
		async move {
			let m = holder.ok_or_else(|| format!("no signer holds column {column}"))?;
			let endpoint = String::from_utf8_lossy(&m.endpoint).into_owned();
			let r = client
				.get_cell(&endpoint, id, row, column)
				.await
				.map_err(|e| format!("from {}: {e}", m.signer.to_ss58check()))?;
			let ok = verify_cells(
				commitments,
				&[CellRef { row, column, cell: &r.cell, proof: &r.proof }],
			)
			.map_err(|e| e.to_string())?;
			if ok {
				Ok(())
			} else {
				Err(format!(
					"from {}: the proof does not verify against the on-chain commitment",
					m.signer.to_ss58check()
				))
			}
		}
	});
	let results = futures::future::join_all(checks).await;
	let verified = results.iter().filter(|r| r.is_ok()).count() as u32;
	let failures: Vec<String> = picks
		.iter()
		.zip(&results)
		.filter_map(|((row, col), r)| r.as_ref().err().map(|e| format!("cell ({row}, {col}) {e}")))
		.collect();
	let reached = if failures.is_empty() { confidence(verified) } else { 0.0 };
	if json {
		println!(
			"{}",
			json!({ "id": id, "samples": n, "verified": verified, "confidence": reached, "target": target, "failures": failures })
		);
	} else {
		for f in &failures {
			eprintln!("{f}");
		}
		println!(
			"sampled {n} random cells of blob {id}: {verified} verified against the on-chain commitments; confidence {:.2} %",
			reached * 100.0
		);
	}
	if failures.is_empty() && reached >= target {
		Ok(())
	} else {
		Err(format!(
			"blob {id}: {} of {n} sampled cells failed; availability not shown",
			failures.len()
		))
	}
}
