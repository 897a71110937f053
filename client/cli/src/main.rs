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
//!
//! zg inft mint FILE --description D                        encrypt, store, mint; prints C/T
//! zg inft transfer C/T --to ADDR                           key resealed, proof checked on chain
//! zg inft fetch C/T -o FILE                                owner or authorized executor only
//! zg inft clone|authorize|revoke|update|burn|info|list     the rest of a token's life
//! zg inft sell|buy|deliver|refund                          escrowed sale
//! ```
//!
//! Amounts are whole ZG with decimals allowed (`1.5`); `--json` prints every command's
//! result as JSON on stdout.
//!
//! `--chain` (default `http://127.0.0.1:9944`, the stack `scripts/run.sh` starts) is the
//! chain's RPC endpoint. Signing commands take `--suri`; the default is
//! the public development key //Alice, for development chains only. Storage nodes come
//! from the chain's registry unless given with `--node URL` (repeatable).
//!
//! Each command group is a module of [`commands`] with its own `execute`; the work is in
//! the `storage`, `compute` and `da` modules.

mod commands;
mod compute;
mod da;
mod inft;
mod storage;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use zerog_chain_client::Chain;

use commands::{
	compute::ComputeCmd, da::DaCmd, gov::GovCmd, inft::InftCmd, staking::StakingCmd,
	storage::StorageCmd, Context,
};

#[derive(Parser)]
#[command(name = "zg", version, about = "The ZeroG command line")]
struct Cli {
	/// The chain's RPC endpoint (http or ws). Formerly --chain-rpc.
	#[arg(
		long = "chain",
		alias = "chain-rpc",
		global = true,
		default_value = "http://127.0.0.1:9944"
	)]
	chain: String,
	/// Machine-readable output: the result as JSON on stdout.
	#[arg(long, global = true)]
	json: bool,
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
	#[command(subcommand)]
	Compute(ComputeCmd),
	/// Data availability: blobs committed with KZG, attested by staked signers, sampled.
	#[command(subcommand)]
	Da(DaCmd),
	/// Governance: runtime upgrades by referendum, votes, referendum status.
	#[command(subcommand)]
	Gov(GovCmd),
	/// Intelligent NFTs (ERC-7857): encrypted agent data whose key moves with the token.
	#[command(subcommand)]
	Inft(InftCmd),
	/// Proof of Stake: bond, session keys, validate, nominate, unbond, payouts, status.
	#[command(subcommand)]
	Staking(StakingCmd),
}

async fn run(cli: Cli) -> Result<(), String> {
	let ctx = Context {
		chain: Chain::new(&cli.chain).map_err(|e| e.to_string())?,
		json: cli.json,
		quiet: cli.quiet,
	};
	match cli.cmd {
		Cmd::Storage(cmd) => cmd.execute(&ctx).await,
		Cmd::Compute(cmd) => cmd.execute(&ctx).await,
		Cmd::Da(cmd) => cmd.execute(&ctx).await,
		Cmd::Gov(cmd) => cmd.execute(&ctx).await,
		Cmd::Inft(cmd) => cmd.execute(&ctx).await,
		Cmd::Staking(cmd) => cmd.execute(&ctx).await,
	}
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
