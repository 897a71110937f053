//! # zg: the ZeroG command line
//!
//! ```text
//! zg storage upload FILE [--suri //Alice] [--months 12]    encode, submit, upload; prints the file id
//! zg storage download ID -o FILE                           parallel, verified download
//! zg storage info ID                                       on-chain entry and node holdings
//! zg storage nodes                                         registered nodes and their status
//! zg storage register --endpoint URL --shard-id I --num-shard N [--bond ZG] --suri KEY
//!
//! zg compute services                                      inference services on chain
//! zg compute deposit 10 [--suri //Alice]                   open / top up the compute ledger
//! zg compute fund PROVIDER|SERVICE 5                       move ledger funds to a provider
//! zg compute chat --service 0 "prompt" [-o answer.json]    signed, streamed, verified
//! zg compute verify answer.json                            check a saved answer's proof
//! zg compute refund PROVIDER|SERVICE 2 / --complete        time-locked refunds
//! zg compute ledger                                        the signer's ledger
//! ```
//!
//! Amounts are whole ZG with decimals allowed (`1.5`); `--json` prints machine-readable
//! output for the compute commands.
//!
//! `--chain-rpc` (default `http://127.0.0.1:9944`) is the chain's JSON-RPC. Storage nodes
//! come from the chain's registry unless given with `--node URL` (repeatable).

use zerog_chain_client as chain;
mod compute;
mod da;
mod storage;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use pallet_storage_market_rpc::{NodeStatus, StorageMarketApiClient};
use polkadot_sdk::sp_core::{crypto::Ss58Codec, Pair};
use zerog_erasure::CodeParams;
use zerog_storage_node::api::{parse_hash, to_hex};
use zerog_storage_primitives::ShardConfig;

use chain::{account, bounded, to_chain, zerog, Chain};

use zerog_daemon::amount::{format_zg, parse_zg, ZG};

#[derive(Parser)]
#[command(name = "zg", version, about = "The ZeroG command line")]
struct Cli {
	/// The chain's JSON-RPC endpoint (http).
	#[arg(long, global = true, default_value = "http://127.0.0.1:9944")]
	chain_rpc: String,
	/// No progress bars.
	#[arg(long, short, global = true)]
	quiet: bool,
	#[command(subcommand)]
	cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
	/// Decentralized storage: files erasure-coded across storage nodes, roots on chain.
	#[command(subcommand)]
	Storage(StorageCmd),
	/// Inference market: ledgers, signed requests to providers, verified answers.
	Compute {
		/// Machine-readable output.
		#[arg(long, global = true)]
		json: bool,
		#[command(subcommand)]
		cmd: ComputeCmd,
	},
	/// Data availability: blobs committed with KZG, attested by staked signers, sampled.
	Da {
		/// Machine-readable output.
		#[arg(long, global = true)]
		json: bool,
		#[command(subcommand)]
		cmd: DaCmd,
	},
}

#[derive(Subcommand)]
enum DaCmd {
	/// Commit to FILE, submit the commitments with the fee, send each signer its columns
	/// and follow the blob until it is confirmed.
	Submit {
		file: PathBuf,
		/// The paying account.
		#[arg(long, default_value = "//Alice")]
		suri: String,
		/// Return once the cells are sent, without waiting for confirmation.
		#[arg(long)]
		no_wait: bool,
	},
	/// Send a submitted blob's cells (from FILE) to its quorum again.
	Disperse { id: u64, file: PathBuf },
	/// A blob's status.
	Status { id: u64 },
	/// An epoch's quorum (default: the current one).
	Quorum {
		#[arg(long)]
		epoch: Option<u32>,
	},
	/// Rebuild a blob from its signers into FILE, every cell used checked against the on-chain commitments.
	Retrieve {
		id: u64,
		#[arg(long, short)]
		output: PathBuf,
	},
	/// Check random cells against the on-chain commitments until the confidence is reached.
	Sample {
		id: u64,
		/// Confidence to reach.
		#[arg(long, default_value_t = 0.999)]
		confidence: f64,
	},
}

#[derive(Subcommand)]
enum ComputeCmd {
	/// Lists the inference services registered on chain.
	Services,
	/// Shows the signer's ledger and sub-accounts.
	Ledger {
		#[arg(long, default_value = "//Alice")]
		suri: String,
	},
	/// Adds AMOUNT ZG to the signer's compute ledger (the first deposit opens it).
	Deposit {
		amount: String,
		#[arg(long, default_value = "//Alice")]
		suri: String,
	},
	/// Takes AMOUNT ZG of unassigned ledger funds back.
	Withdraw {
		amount: String,
		#[arg(long, default_value = "//Alice")]
		suri: String,
	},
	/// Moves AMOUNT ZG from the ledger to the sub-account with PROVIDER (an SS58 address
	/// or a service id), from which that provider is paid.
	Fund {
		provider: String,
		amount: String,
		#[arg(long, default_value = "//Alice")]
		suri: String,
	},
	/// Asks AMOUNT ZG back from the sub-account with PROVIDER; it unlocks after the
	/// chain's refund lock. With --complete, returns unlocked refunds to the ledger.
	Refund {
		provider: String,
		/// ZG to ask back (not with --complete).
		amount: Option<String>,
		#[arg(long)]
		complete: bool,
		#[arg(long, default_value = "//Alice")]
		suri: String,
	},
	/// Sends PROMPT to a chat service, signed; streams the answer, then verifies the
	/// provider's signature against the service's key on chain.
	Chat {
		#[arg(long)]
		service: u64,
		prompt: String,
		#[arg(long, default_value_t = 128)]
		max_tokens: u32,
		/// Most ZG this request may cost (default: what the prompt and --max-tokens can).
		#[arg(long)]
		max_fee: Option<String>,
		#[arg(long)]
		seed: Option<u64>,
		/// The provider's URL, if not the endpoint on chain.
		#[arg(long)]
		endpoint: Option<String>,
		/// Saves the answer and its proof here, for `zg compute verify`.
		#[arg(short, long)]
		output: Option<PathBuf>,
		#[arg(long, default_value = "//Alice")]
		suri: String,
	},
	/// Verifies a transcript saved by `zg compute chat -o FILE` against the chain.
	Verify { file: PathBuf },
}

#[derive(Subcommand)]
enum StorageCmd {
	/// Encodes FILE, submits its root with the fee, and uploads its segments. Running it
	/// again after an interruption resumes: nothing is paid or sent twice.
	Upload {
		file: PathBuf,
		/// The paying account's secret URI.
		#[arg(long, default_value = "//Alice")]
		suri: String,
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
		#[arg(long, default_value_t = 0)]
		shard_id: u32,
		#[arg(long, default_value_t = 1)]
		num_shard: u32,
		/// Bond in ZG.
		#[arg(long, default_value_t = 100)]
		bond: u128,
		#[arg(long)]
		suri: String,
	},
}

fn mib(bytes: u64, secs: f64) -> f64 {
	bytes as f64 / (1024.0 * 1024.0) / secs.max(1e-9)
}

async fn run(cli: Cli) -> Result<(), String> {
	let chain = Chain::new(&cli.chain_rpc).map_err(|e| e.to_string())?;
	let quiet = cli.quiet;
	let cmd = match cli.cmd {
		Cmd::Storage(cmd) => cmd,
		Cmd::Compute { json, cmd } => return run_compute(&chain, cmd, json).await,
		Cmd::Da { json, cmd } => {
			return match cmd {
				DaCmd::Submit { file, suri, no_wait } => {
					da::submit(&chain, &chain::signer(&suri)?, &file, !no_wait, json, quiet).await
				}
				DaCmd::Disperse { id, file } => {
					let d = da::disperse(
						&zerog_da_signer::chain::DaChain::new(chain.clone()),
						id,
						&file,
						quiet,
					)
					.await?;
					for (who, why) in &d.failed {
						eprintln!("signer {who}: {why}");
					}
					println!(
						"blob {id}: cells sent to {} of {} signers",
						d.delivered.len(),
						d.delivered.len() + d.failed.len()
					);
					if d.failed.is_empty() {
						Ok(())
					} else {
						Err(format!("{} signers did not take their cells", d.failed.len()))
					}
				}
				DaCmd::Status { id } => da::status(&chain, id, json).await,
				DaCmd::Quorum { epoch } => da::quorum(&chain, epoch, json).await,
				DaCmd::Retrieve { id, output } => {
					da::retrieve(&chain, id, &output, json, quiet).await
				}
				DaCmd::Sample { id, confidence } => da::sample(&chain, id, confidence, json).await,
			};
		}
	};
	match cmd {
		StorageCmd::Upload { file, suri, months, k, n, nodes, parallel } => {
			let params = CodeParams::new(k, n).map_err(|e| e.to_string())?;
			if n > zerog_erasure::layout::MAX_STRIPE {
				return Err(format!("--n {n} is above {}", zerog_erasure::layout::MAX_STRIPE));
			}
			let signer = chain::signer(&suri)?;
			let opts = storage::UploadOpts { params, months, nodes, parallel, quiet };
			let r = storage::upload(&chain, &signer, &file, &opts).await?;
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
		StorageCmd::Download { id, output, nodes, parallel } => {
			let id = parse_hash(&id).map_err(|e| format!("invalid file id {id}: {e}"))?;
			let r = storage::download(&chain, id, &output, &nodes, parallel, quiet).await?;
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
			let params = CodeParams::new(k, n).map_err(|e| e.to_string())?;
			if n > zerog_erasure::layout::MAX_STRIPE {
				return Err(format!("--n {n} is above {}", zerog_erasure::layout::MAX_STRIPE));
			}
			let f = storage::identify(&file, storage::file_layout(&file, params)?, quiet).await?;
			println!("id        {}", to_hex(&f.id));
			println!("root      {}", to_hex(&f.submission.root));
			println!("encoded   {}", f.submission.size);
			println!("tags      {}", to_hex(&f.submission.tags));
		}
		StorageCmd::Info { id, nodes } => {
			let id = parse_hash(&id).map_err(|e| format!("invalid file id {id}: {e}"))?;
			let f = storage::lookup(&chain, &id).await?;
			let l = f.tag.layout();
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
			let nodes = storage::discover(&chain, &nodes, true).await?;
			for (endpoint, shard, view) in storage::node_views(&nodes, &id).await {
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
			println!("{} storage nodes registered", nodes.len());
			let clients = storage::discover(&chain, &[], true).await.unwrap_or_default();
			for n in nodes {
				let endpoint = n.endpoint.as_str();
				let live = match clients.iter().find(|c| c.endpoint == endpoint) {
					Some(c) => match storage::node_status(c).await {
						Ok(s) => format!(
							"online, {} segments, block {}",
							s.stored_segments, s.finalized_block
						),
						Err(_) => "offline".into(),
					},
					None => "-".into(),
				};
				println!(
					"{} shard {}/{} {} bond {} ZG, {} [{}]",
					endpoint,
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
		StorageCmd::Register { endpoint, shard_id, num_shard, bond, suri } => {
			let shard = ShardConfig { shard_id, num_shard };
			if !shard.is_valid() {
				return Err(format!(
					"shard {shard_id}/{num_shard}: the count is a power of two and the id below it"
				));
			}
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
				to_chain(&shard).map_err(|e| e.to_string())?,
				bond.checked_mul(ZG).ok_or("bond too large")?,
			);
			let inc = chain.submit(&call, &signer, true).await.map_err(|e| e.to_string())?;
			println!(
				"registered {endpoint} (shard {shard_id}/{num_shard}) for {} in block {}",
				chain::address(&signer),
				inc.number
			);
		}
	}
	Ok(())
}

async fn run_compute(chain: &Chain, cmd: ComputeCmd, json: bool) -> Result<(), String> {
	let call = zerog::tx().compute_market();
	let done = |what: String, inc: chain::Included| {
		if json {
			println!(
				"{}",
				serde_json::json!({ "ok": what, "block": inc.number, "blockHash": format!("{:?}", inc.block) })
			);
		} else {
			println!("{what} in block {}", inc.number);
		}
	};
	match cmd {
		ComputeCmd::Services => compute::print_services(chain, json).await?,
		ComputeCmd::Ledger { suri } => {
			let signer = chain::signer(&suri)?;
			compute::print_ledger(chain, &signer.public().into(), json).await?
		}
		ComputeCmd::Deposit { amount, suri } => {
			let (signer, amount) = (chain::signer(&suri)?, parse_zg(&amount)?);
			let inc = compute::submit(chain, &signer, call.deposit(amount)).await?;
			done(
				format!(
					"deposited {} into {}'s compute ledger",
					format_zg(amount),
					chain::address(&signer)
				),
				inc,
			);
		}
		ComputeCmd::Withdraw { amount, suri } => {
			let (signer, amount) = (chain::signer(&suri)?, parse_zg(&amount)?);
			let inc = compute::submit(chain, &signer, call.withdraw(amount)).await?;
			done(format!("withdrew {} from the compute ledger", format_zg(amount)), inc);
		}
		ComputeCmd::Fund { provider, amount, suri } => {
			let (signer, amount) = (chain::signer(&suri)?, parse_zg(&amount)?);
			let provider = compute::provider_of(chain, &provider).await?;
			let who = provider.to_ss58check();
			let inc =
				compute::submit(chain, &signer, call.fund(account(&provider), amount)).await?;
			done(format!("funded provider {who} with {}", format_zg(amount)), inc);
		}
		ComputeCmd::Refund { provider, amount, complete, suri } => {
			let signer = chain::signer(&suri)?;
			let provider = compute::provider_of(chain, &provider).await?;
			let who = provider.to_ss58check();
			match (complete, amount) {
				(true, None) => {
					let inc =
						compute::submit(chain, &signer, call.complete_refund(account(&provider)))
							.await?;
					done(format!("refund from provider {who} returned to the ledger"), inc);
				}
				(false, Some(amount)) => {
					let amount = parse_zg(&amount)?;
					let inc = compute::submit(
						chain,
						&signer,
						call.request_refund(account(&provider), amount),
					)
					.await?;
					let unlock = inc
						.find_first::<zerog::compute_market::events::RefundRequested>()
						.map_err(|e| e.to_string())?
						.map(|e| e.unlock);
					let when =
						unlock
							.map(|u| {
								format!(", unlocks at block {u}: then `zg compute refund {who} --complete`")
							})
							.unwrap_or_default();
					done(
						format!(
							"refund of {} from provider {who} requested{when}",
							format_zg(amount)
						),
						inc,
					);
				}
				_ => {
					return Err(
						"give either AMOUNT (to request a refund) or --complete (to collect it)"
							.into(),
					)
				}
			}
		}
		ComputeCmd::Chat { service, prompt, max_tokens, max_fee, seed, endpoint, output, suri } => {
			let signer = chain::signer(&suri)?;
			let max_fee = max_fee.as_deref().map(parse_zg).transpose()?;
			let opts = compute::ChatOpts {
				service,
				prompt: &prompt,
				max_tokens,
				max_fee,
				seed,
				endpoint,
				output: output.as_deref(),
				json,
			};
			compute::chat(chain, &signer, opts).await?
		}
		ComputeCmd::Verify { file } => compute::verify(chain, &file, json).await?,
	}
	Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
	// Like any Unix command, stop quietly when the reader of stdout goes away
	// (`zg … | head`) instead of panicking on the broken pipe.
	// SAFETY: sets the process-wide SIGPIPE disposition to its default; no handler runs.
	unsafe {
		libc::signal(libc::SIGPIPE, libc::SIG_DFL);
	}
	match run(Cli::parse()).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		}
	}
}
