//! `zg da`: blobs committed with KZG, attested by staked signers, sampled. The work is in
//! [`crate::da`]; this module parses the subcommands and prints their results, as text
//! or, with `--json`, as JSON.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use zerog_da_signer::chain::DaChain;

use super::{Context, KeyArgs};
use crate::da;

#[derive(Subcommand)]
pub enum DaCmd {
	/// Commit to FILE, submit the commitments with the fee, send each signer its columns
	/// and follow the blob until it is confirmed.
	Submit {
		file: PathBuf,
		#[command(flatten)]
		key: KeyArgs,
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

impl DaCmd {
	/// Runs the subcommand.
	pub async fn execute(self, ctx: &Context) -> Result<(), String> {
		let (chain, json, quiet) = (&ctx.chain, ctx.json, ctx.quiet);
		match self {
			DaCmd::Submit { file, key, no_wait } => {
				da::submit(chain, &key.pair()?, &file, !no_wait, json, quiet).await
			}
			DaCmd::Disperse { id, file } => {
				let d = da::disperse(&DaChain::new(chain.clone()), id, &file, quiet).await?;
				for (who, why) in &d.failed {
					eprintln!("signer {who}: {why}");
				}
				if json {
					ctx.print(json!({
						"blob": id,
						"delivered": d.delivered,
						"failed": d.failed.iter()
							.map(|(w, why)| json!({ "signer": w, "why": why }))
							.collect::<Vec<_>>(),
					}))?;
				} else {
					println!(
						"blob {id}: cells sent to {} of {} signers",
						d.delivered.len(),
						d.delivered.len() + d.failed.len()
					);
				}
				if d.failed.is_empty() {
					Ok(())
				} else {
					Err(format!("{} signers did not take their cells", d.failed.len()))
				}
			}
			DaCmd::Status { id } => da::status(chain, id, json).await,
			DaCmd::Quorum { epoch } => da::quorum(chain, epoch, json).await,
			DaCmd::Retrieve { id, output } => da::retrieve(chain, id, &output, json, quiet).await,
			DaCmd::Sample { id, confidence } => da::sample(chain, id, confidence, json).await,
		}
	}
}
