//! `zg compute`: ledgers, signed requests to providers, verified answers. The work is in
//! [`crate::compute`]; this module parses the subcommands and prints their results, as
//! text or, with `--json`, as JSON.

use std::path::PathBuf;

use clap::Subcommand;
use polkadot_sdk::sp_core::{crypto::Ss58Codec, Pair};
use zerog_chain_client::{self as chain, account, zerog};
use zerog_daemon::amount::{format_zg, parse_zg};

use super::{Context, KeyArgs};
use crate::compute;

#[derive(Subcommand)]
pub enum ComputeCmd {
	/// Lists the inference services registered on chain.
	Services,
	/// Shows the signer's ledger and sub-accounts.
	Ledger {
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Adds AMOUNT ZG to the signer's compute ledger (the first deposit opens it).
	Deposit {
		amount: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Takes AMOUNT ZG of unassigned ledger funds back.
	Withdraw {
		amount: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Moves AMOUNT ZG from the ledger to the sub-account with PROVIDER (an SS58 address
	/// or a service id), from which that provider is paid.
	Fund {
		provider: String,
		amount: String,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Asks AMOUNT ZG back from the sub-account with PROVIDER; it unlocks after the
	/// chain's refund lock. With --complete, returns unlocked refunds to the ledger.
	Refund {
		provider: String,
		/// ZG to ask back (not with --complete).
		amount: Option<String>,
		#[arg(long)]
		complete: bool,
		#[command(flatten)]
		key: KeyArgs,
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
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Verifies a transcript saved by `zg compute chat -o FILE` against the chain.
	Verify { file: PathBuf },
}

impl ComputeCmd {
	/// Runs the subcommand.
	pub async fn execute(self, ctx: &Context) -> Result<(), String> {
		let chain = &ctx.chain;
		let call = zerog::tx().compute_market();
		match self {
			ComputeCmd::Services => compute::print_services(chain, ctx.json).await?,
			ComputeCmd::Ledger { key } => {
				let signer = key.pair()?;
				compute::print_ledger(chain, &signer.public().into(), ctx.json).await?
			}
			ComputeCmd::Deposit { amount, key } => {
				let (signer, amount) = (key.pair()?, parse_zg(&amount)?);
				let inc = compute::submit(chain, &signer, call.deposit(amount)).await?;
				ctx.done(
					format!(
						"deposited {} into {}'s compute ledger",
						format_zg(amount),
						chain::address(&signer)
					),
					&inc,
				);
			}
			ComputeCmd::Withdraw { amount, key } => {
				let (signer, amount) = (key.pair()?, parse_zg(&amount)?);
				let inc = compute::submit(chain, &signer, call.withdraw(amount)).await?;
				ctx.done(format!("withdrew {} from the compute ledger", format_zg(amount)), &inc);
			}
			ComputeCmd::Fund { provider, amount, key } => {
				let (signer, amount) = (key.pair()?, parse_zg(&amount)?);
				let provider = compute::provider_of(chain, &provider).await?;
				let who = provider.to_ss58check();
				let inc =
					compute::submit(chain, &signer, call.fund(account(&provider), amount)).await?;
				ctx.done(format!("funded provider {who} with {}", format_zg(amount)), &inc);
			}
			ComputeCmd::Refund { provider, amount, complete, key } => {
				let signer = key.pair()?;
				let provider = compute::provider_of(chain, &provider).await?;
				let who = provider.to_ss58check();
				match (complete, amount) {
					(true, None) => {
						let inc = compute::submit(
							chain,
							&signer,
							call.complete_refund(account(&provider)),
						)
						.await?;
						ctx.done(
							format!("refund from provider {who} returned to the ledger"),
							&inc,
						);
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
						let when = unlock
							.map(|u| {
								format!(", unlocks at block {u}: then `zg compute refund {who} --complete`")
							})
							.unwrap_or_default();
						ctx.done(
							format!(
								"refund of {} from provider {who} requested{when}",
								format_zg(amount)
							),
							&inc,
						);
					}
					_ => return Err(
						"give either AMOUNT (to request a refund) or --complete (to collect it)"
							.into(),
					),
				}
			}
			ComputeCmd::Chat {
				service,
				prompt,
				max_tokens,
				max_fee,
				seed,
				endpoint,
				output,
				key,
			} => {
				let signer = key.pair()?;
				let max_fee = max_fee.as_deref().map(parse_zg).transpose()?;
				let opts = compute::ChatOpts {
					service,
					prompt: &prompt,
					max_tokens,
					max_fee,
					seed,
					endpoint,
					output: output.as_deref(),
					json: ctx.json,
				};
				compute::chat(chain, &signer, opts).await?
			}
			ComputeCmd::Verify { file } => compute::verify(chain, &file, ctx.json).await?,
		}
		Ok(())
	}
}
