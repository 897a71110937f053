//! `zg storage`: files erasure-coded across storage nodes, roots on chain. The work is
//! in [`crate::storage`]; this module parses the subcommands and prints their results,
//! as text or, with `--json`, as one JSON object.

use std::path::PathBuf;

use clap::Subcommand;
use pallet_storage_market_rpc::{NodeStatus, StorageMarketApiClient};
use polkadot_sdk::sp_core::crypto::Ss58Codec;
use serde_json::json;
use zerog_chain_client::{self as chain, bounded, to_chain, zerog};
use zerog_daemon::amount::{format_zg, ZG};
use zerog_erasure::CodeParams;
use zerog_storage_node::api::{parse_hash, to_hex};
use zerog_storage_primitives::ShardConfig;

use super::{mib, Context, KeyArgs};
use crate::storage;

#[derive(Subcommand)]
pub enum StorageCmd {
	/// Encodes FILE, submits its root with the fee, and uploads its segments. Running it
	/// again after an interruption resumes: nothing is paid or sent twice.
	Upload {
		file: PathBuf,
		#[command(flatten)]
		key: KeyArgs,
		/// Months of storage to pay for.
		#[arg(long, default_value_t = 12)]
		months: u32,
		/// Data segments per stripe.
		#[arg(long, default_value_t = CodeParams::default().k)]
		k: usize,
		/// Segments per stripe, parity included.
		#[arg(long, default_value_t = CodeParams::default().n)]
		n: usize,
		/// Storage node URLs (default: the nodes registered on chain).
		#[arg(long = "node")]
		nodes: Vec<String>,
		/// Concurrent segment uploads.
		#[arg(long, default_value_t = 16)]
		parallel: usize,
		/// How segments travel to the nodes.
		#[arg(long, value_enum, default_value_t)]
		transport: storage::Transport,
	},
	/// Downloads file ID (as `upload` printed it), checking every segment against the
	/// chain, into FILE.
	Download {
		id: String,
		#[arg(short, long)]
		output: PathBuf,
		/// Storage node URLs (default: the nodes registered on chain).
		#[arg(long = "node")]
		nodes: Vec<String>,
		/// Stripes fetched at once.
		#[arg(long, default_value_t = 4)]
		parallel: usize,
		/// How segments travel from the nodes.
		#[arg(long, value_enum, default_value_t)]
		transport: storage::Transport,
	},
	/// Shows file ID's entry on chain, its encoding and what each node holds.
	Info {
		id: String,
		#[arg(long = "node")]
		nodes: Vec<String>,
	},
	/// Prints the id, root, encoded size and tags `upload` would submit for FILE,
	/// without touching the chain (`zg storage info $(zg storage id F | ...)`).
	Id {
		file: PathBuf,
		/// Data segments per stripe.
		#[arg(long, default_value_t = CodeParams::default().k)]
		k: usize,
		/// Segments per stripe, parity included.
		#[arg(long, default_value_t = CodeParams::default().n)]
		n: usize,
	},
	/// Lists the storage nodes registered on chain and whether they answer.
	Nodes,
	/// Registers a storage node on chain, bonding --bond ZG from the signer.
	Register {
		/// The node's zgs JSON-RPC URL, as clients reach it.
		#[arg(long)]
		endpoint: String,
		/// The node's shard; without it the chain assigns the least-covered shard of
		/// the network's count (`zg storage coverage`), printed here.
		#[arg(long, requires = "num_shard")]
		shard_id: Option<u32>,
		#[arg(long, requires = "shard_id")]
		num_shard: Option<u32>,
		/// Bond in ZG.
		#[arg(long, default_value_t = 100)]
		bond: u128,
		/// The operator's secret URI (no default: the bond is the operator's).
		#[arg(long)]
		suri: String,
	},
	/// Extends a file's paid lifetime by MONTHS, paid by the signer at the current price.
	Renew {
		/// The file id `upload` printed.
		id: String,
		/// Months to add.
		months: u32,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Shows the network's shard count, the minimum replicas per shard, how many active
	/// nodes cover each shard, and a node set covering them all (`select_nodes`).
	Coverage,
	/// Shows the mining epoch and what storage nodes have earned by mining (all
	/// registered nodes, or --account).
	Rewards {
		/// One operator's SS58 address.
		#[arg(long)]
		account: Option<String>,
	},
}

fn code_params(k: usize, n: usize) -> Result<CodeParams, String> {
	let params = CodeParams::new(k, n).map_err(|e| e.to_string())?;
	if n > zerog_erasure::layout::MAX_STRIPE {
		return Err(format!("--n {n} is above {}", zerog_erasure::layout::MAX_STRIPE));
	}
	Ok(params)
}

impl StorageCmd {
	/// Runs the subcommand.
	pub async fn execute(self, ctx: &Context) -> Result<(), String> {
		let (chain, quiet) = (&ctx.chain, ctx.quiet);
		match self {
			StorageCmd::Upload { file, key, months, k, n, nodes, parallel, transport } => {
				let params = code_params(k, n)?;
				let signer = key.pair()?;
				let opts =
					storage::UploadOpts { params, months, nodes, parallel, transport, quiet };
				let r = storage::upload(chain, &signer, &file, &opts).await?;
				if ctx.json {
					return ctx.print(json!({
						"id": to_hex(&r.id),
						"root": to_hex(&r.root),
						"entry": r.seq,
						"size": r.size,
						"encodedSize": r.encoded_size,
						"k": k,
						"n": n,
						"submitted": r.submitted,
						"uploadedSegments": r.uploads,
						"seconds": r.transfer_secs,
						"skippedNodes": r.skipped_nodes.iter()
							.map(|(node, why)| json!({ "node": node, "why": why }))
							.collect::<Vec<_>>(),
					}));
				}
				println!("id        {}", to_hex(&r.id));
				println!("root      {}", to_hex(&r.root));
				println!("entry     {}", r.seq);
				println!(
					"size      {} bytes ({} encoded, {} of {} segments per stripe are data)",
					r.size, r.encoded_size, k, n
				);
				println!("submitted {}", if r.submitted { "now" } else { "earlier (resumed)" });
				println!(
					"uploaded  {} segments in {:.2} s ({:.1} MiB/s of file data)",
					r.uploads,
					r.transfer_secs,
					mib(r.size, r.transfer_secs)
				);
				for (node, why) in &r.skipped_nodes {
					println!("skipped   {node}: {why}");
				}
			}
			StorageCmd::Download { id, output, nodes, parallel, transport } => {
				let id = parse_hash(&id).map_err(|e| format!("invalid file id {id}: {e}"))?;
				let r = storage::download(chain, id, &output, &nodes, parallel, transport, quiet)
					.await?;
				if ctx.json {
					return ctx.print(json!({
						"id": to_hex(&id),
						"output": output.display().to_string(),
						"size": r.size,
						"seconds": r.secs,
						"rebuiltStripes": r.decoded_stripes,
						"unreachableNodes": r.unreachable,
						"badNodes": r.bad_nodes.iter()
							.map(|(node, why)| json!({ "node": node, "why": why }))
							.collect::<Vec<_>>(),
					}));
				}
				println!("wrote     {} ({} bytes)", output.display(), r.size);
				println!("verified  every segment against the root of file {}", to_hex(&id));
				println!("speed     {:.2} s, {:.1} MiB/s", r.secs, mib(r.size, r.secs));
				println!("rebuilt   {} stripes from parity", r.decoded_stripes);
				for e in &r.unreachable {
					println!("unreachable node {e}");
				}
				for (e, why) in &r.bad_nodes {
					println!("bad node  {e}: {why}");
				}
			}
			StorageCmd::Id { file, k, n } => {
				let params = code_params(k, n)?;
				let f =
					storage::identify(&file, storage::file_layout(&file, params)?, quiet).await?;
				if ctx.json {
					return ctx.print(json!({
						"id": to_hex(&f.id),
						"root": to_hex(&f.submission.root),
						"encodedSize": f.submission.size,
						"tags": to_hex(&f.submission.tags),
					}));
				}
				println!("id        {}", to_hex(&f.id));
				println!("root      {}", to_hex(&f.submission.root));
				println!("encoded   {}", f.submission.size);
				println!("tags      {}", to_hex(&f.submission.tags));
			}
			StorageCmd::Info { id, nodes } => {
				let id = parse_hash(&id).map_err(|e| format!("invalid file id {id}: {e}"))?;
				let f = storage::lookup(chain, &id).await?;
				let l = f.tag.layout();
				let clients = storage::discover(chain, &nodes, true).await?;
				let views = storage::node_views(&clients, &id).await;
				if ctx.json {
					let nodes: Vec<_> = views
						.iter()
						.map(|(endpoint, shard, view)| {
							let mut v = json!({
								"endpoint": endpoint,
								"shardId": shard.shard_id,
								"numShard": shard.num_shard,
							});
							match view {
								Ok(Some(i)) => {
									v["storedSegments"] = json!(i.stored_segments);
									v["shardSegments"] = json!(i.shard_segments);
									v["complete"] = json!(i.complete);
								}
								Ok(None) => v["seen"] = json!(false),
								Err(e) => v["error"] = json!(e.to_string()),
							}
							v
						})
						.collect();
					return ctx.print(json!({
						"id": to_hex(&id),
						"root": to_hex(&f.root),
						"entry": f.entry.seq,
						"size": f.tag.size,
						"k": l.params.k,
						"n": l.params.n,
						"stripes": l.stripes(),
						"encodedSize": l.encoded_size(),
						"fee": f.entry.fee.to_string(),
						"lifetimeMonths": f.entry.lifetime_months,
						"submitter": f.entry.submitter.to_ss58check(),
						"nodes": nodes,
					}));
				}
				println!("id        {}", to_hex(&id));
				println!("root      {}", to_hex(&f.root));
				println!("entry     {}", f.entry.seq);
				println!("size      {} bytes", f.tag.size);
				println!(
					"encoding  {} of {} segments per stripe, {} stripes, {} encoded bytes",
					l.params.k,
					l.params.n,
					l.stripes(),
					l.encoded_size()
				);
				println!("fee       {} wei for {} months", f.entry.fee, f.entry.lifetime_months);
				println!("submitter {}", f.entry.submitter.to_ss58check());
				for (endpoint, shard, view) in views {
					let what = match view {
						Ok(Some(i)) => format!(
							"{}/{} segments{}",
							i.stored_segments,
							i.shard_segments,
							if i.complete { ", complete" } else { "" }
						),
						Ok(None) => "has not seen the submission".into(),
						Err(e) => format!("unreachable ({e})"),
					};
					println!(
						"node      {endpoint} shard {}/{}: {what}",
						shard.shard_id, shard.num_shard
					);
				}
			}
			StorageCmd::Nodes => {
				let nodes = chain.storage_market().nodes(None).await.map_err(|e| e.to_string())?;
				let clients = storage::discover(chain, &[], true).await.unwrap_or_default();
				let mut rows = Vec::with_capacity(nodes.len());
				for n in nodes {
					let endpoint = n.endpoint.as_str();
					let live = match clients.iter().find(|c| c.endpoint == endpoint) {
						Some(c) => storage::node_status(c).await.ok(),
						None => None,
					};
					rows.push((n, live));
				}
				if ctx.json {
					return ctx.print(json!(rows
						.iter()
						.map(|(n, live)| json!({
							"endpoint": n.endpoint.as_str(),
							"shardId": n.shard_id,
							"numShard": n.num_shard,
							"status": match n.status {
								NodeStatus::Active => "active",
								NodeStatus::Unbonding => "unbonding",
							},
							"bond": format_zg(n.bond),
							"operator": n.operator.to_ss58check(),
							"online": live.is_some(),
							"storedSegments": live.as_ref().map(|s| s.stored_segments),
							"finalizedBlock": live.as_ref().map(|s| s.finalized_block),
						}))
						.collect::<Vec<_>>()));
				}
				println!("{} storage nodes registered", rows.len());
				for (n, live) in rows {
					let live = match live {
						Some(s) => format!(
							"online, {} segments, block {}",
							s.stored_segments, s.finalized_block
						),
						None => "offline".into(),
					};
					println!(
						"{} shard {}/{} {} bond {} ZG, {} [{}]",
						n.endpoint.as_str(),
						n.shard_id,
						n.num_shard,
						match n.status {
							NodeStatus::Active => "active",
							NodeStatus::Unbonding => "unbonding",
						},
						n.bond / ZG,
						n.operator.to_ss58check(),
						live
					);
				}
			}
			StorageCmd::Renew { id, months, key } => {
				let id = parse_hash(&id).map_err(|e| format!("invalid file id {id}: {e}"))?;
				let signer = key.pair()?;
				let f = storage::lookup(chain, &id).await?;
				let call = zerog::tx().storage_market().renew(f.entry.seq, months);
				let inc = chain.submit(&call, &signer, true).await.map_err(|e| e.to_string())?;
				let ev = inc
					.expect::<zerog::storage_market::events::Renewed>()
					.map_err(|e| e.to_string())?;
				if ctx.json {
					ctx.print(json!({
						"id": to_hex(&id), "seq": ev.seq, "months": ev.months,
						"fee": ev.fee.to_string(), "expiresAt": ev.expires_at, "block": inc.number,
					}))?;
				} else {
					println!(
						"renewed {} for {months} more months ({}); it expires at block {}",
						to_hex(&id),
						format_zg(ev.fee),
						ev.expires_at
					);
				}
			}
			StorageCmd::Rewards { account } => {
				let at = chain.at_best_block().await.map_err(|e| e.to_string())?;
				let market = zerog::storage().storage_market();
				let epoch = at
					.storage(market.current_epoch(), ())
					.await
					.map_err(|e| e.to_string())?
					.ok_or("the chain has no mining epoch")?;
				let config = at
					.storage(market.mining(), ())
					.await
					.map_err(|e| e.to_string())?
					.ok_or("the chain has no mining rules")?;
				let operators: Vec<polkadot_sdk::sp_runtime::AccountId32> = match account {
					Some(a) => vec![super::parse_account(&a)?],
					None => chain
						.storage_market()
						.nodes(None)
						.await
						.map_err(|e| e.to_string())?
						.into_iter()
						.map(|n| n.operator)
						.collect(),
				};
				let mut rows = Vec::new();
				for op in operators {
					let rec = at
						.storage(market.miners(), (chain::account(&op),))
						.await
						.map_err(|e| e.to_string())?;
					let (answers, rewards, last) =
						rec.map(|r| (r.answers, r.rewards, r.last_epoch)).unwrap_or_default();
					rows.push((op.to_ss58check(), answers, rewards, last));
				}
				if ctx.json {
					ctx.print(json!({
						"epoch": epoch.context.epoch,
						"epochStart": epoch.start,
						"epochBlocks": config.epoch_blocks,
						"target": format!("{:#034x}", epoch.target),
						"answers": epoch.answers,
						"targetAnswers": config.target_answers,
						"maxAnswers": config.max_answers,
						"baseReward": config.base_reward.to_string(),
						"miners": rows.iter().map(|(a, n, r, l)| json!({
							"account": a, "answers": n, "rewards": r.to_string(), "lastEpoch": l,
						})).collect::<Vec<_>>(),
					}))?;
				} else {
					println!(
						"epoch {} from block {} ({} blocks): {} of {} answers wanted (cap {}), target {:#034x}",
						epoch.context.epoch,
						epoch.start,
						config.epoch_blocks,
						epoch.answers,
						config.target_answers,
						config.max_answers,
						epoch.target
					);
					for (a, n, r, l) in rows {
						let last = l.map_or("never".to_string(), |e| format!("epoch {e}"));
						println!("{a}  {n} answers  {}  last rewarded {last}", format_zg(r));
					}
				}
			}
			StorageCmd::Coverage => {
				let api = zerog::runtime_apis().storage_market_api();
				let view = chain.runtime_api(api.coverage()).await.map_err(|e| e.to_string())?;
				let chosen =
					chain.runtime_api(api.select_nodes()).await.map_err(|e| e.to_string())?;
				let endpoints: Vec<String> = chosen
					.iter()
					.map(|n| String::from_utf8_lossy(&n.endpoint).into_owned())
					.collect();
				if ctx.json {
					ctx.print(json!({
						"shards": view.shards,
						"minReplicas": view.min_replicas,
						"replicas": view.replicas,
						"selected": endpoints,
					}))?;
				} else {
					println!(
						"{} shards, at least {} active nodes each",
						view.shards, view.min_replicas
					);
					for (j, n) in view.replicas.iter().enumerate() {
						let mark = if *n < view.min_replicas { "  UNDER-COVERED" } else { "" };
						println!("shard {j}/{}: {n} nodes{mark}", view.shards);
					}
					println!("a covering set: {}", endpoints.join(" "));
				}
			}
			StorageCmd::Register { endpoint, shard_id, num_shard, bond, suri } => {
				let shard = match (shard_id, num_shard) {
					(Some(shard_id), Some(num_shard)) => {
						let shard = ShardConfig { shard_id, num_shard };
						if !shard.is_valid() {
							return Err(format!(
								"shard {shard_id}/{num_shard}: the count is a power of two and the id below it"
							));
						}
						Some(to_chain(&shard).map_err(|e| e.to_string())?)
					}
					_ => None,
				};
				let signer = chain::signer(&suri)?;
				let most = chain
					.constant(zerog::constants().storage_market().max_endpoint_len())
					.await
					.map_err(|e| e.to_string())?;
				if endpoint.len() > most as usize {
					return Err(format!("endpoint longer than the chain's {most} bytes"));
				}
				let call = zerog::tx().storage_market().register_node(
					bounded(endpoint.clone().into_bytes()),
					shard,
					bond.checked_mul(ZG).ok_or("bond too large")?,
				);
				let inc = chain.submit(&call, &signer, true).await.map_err(|e| e.to_string())?;
				let ev = inc
					.expect::<zerog::storage_market::events::NodeRegistered>()
					.map_err(|e| e.to_string())?;
				ctx.done(
					format!(
						"registered {endpoint} (shard {}/{}) for {}",
						ev.shard.shard_id,
						ev.shard.num_shard,
						chain::address(&signer)
					),
					&inc,
				);
			}
		}
		Ok(())
	}
}
