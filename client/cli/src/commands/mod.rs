//! The `zg` command groups, one module each (`storage`, `compute`, `da`, `gov`, `inft`,
//! `staking`): a clap enum of
//! subcommands and its `execute`, which does the work through the crate's logic modules
//! and prints the result as text or, with `--json`, as JSON on stdout. What every
//! command shares is here: the [`Context`] it runs in, and [`KeyArgs`], the one place
//! the development key is the default.

pub mod compute;
pub mod da;
pub mod gov;
pub mod inft;
pub mod staking;
pub mod storage;

use polkadot_sdk::sp_core::sr25519;
use zerog_chain_client::{self as chain, Chain, Included};

/// The key every signing command uses when `--suri` is not given: Alice's, whose secret
/// is public. Development chains fund it; on any other chain pass your own key.
pub const DEV_SURI: &str = "//Alice";

/// The signing key of a command.
#[derive(clap::Args, Clone, Debug)]
pub struct KeyArgs {
	/// Secret URI of the signing account: a mnemonic, a 0x seed, or a //derivation. The
	/// default, //Alice, is the public development key, for development chains only.
	#[arg(long, default_value = DEV_SURI)]
	pub suri: String,
}

impl KeyArgs {
	/// The key pair.
	pub fn pair(&self) -> Result<sr25519::Pair, String> {
		chain::signer(&self.suri)
	}
}

/// What a command runs with.
pub struct Context {
	/// The chain connection.
	pub chain: Chain,
	/// Print JSON instead of text.
	pub json: bool,
	/// No progress bars.
	pub quiet: bool,
}

impl Context {
	/// Prints `value` as one line of JSON.
	pub fn print(&self, value: serde_json::Value) -> Result<(), String> {
		println!("{value}");
		Ok(())
	}

	/// Reports a transaction `what` did, included in `inc`'s block.
	pub fn done(&self, what: String, inc: &Included) {
		if self.json {
			println!(
				"{}",
				serde_json::json!({ "ok": what, "block": inc.number, "blockHash": format!("{:?}", inc.block) })
			);
		} else {
			println!("{what} in block {}", inc.number);
		}
	}
}

/// An SS58 address argument.
pub fn parse_account(s: &str) -> Result<polkadot_sdk::sp_runtime::AccountId32, String> {
	use polkadot_sdk::sp_core::crypto::Ss58Codec;
	polkadot_sdk::sp_runtime::AccountId32::from_ss58check(s)
		.map_err(|e| format!("{s:?} is not an SS58 address ({e:?})"))
}

/// An error as the command's message.
pub fn err(e: impl std::fmt::Display) -> String {
	e.to_string()
}

/// MiB per second.
pub fn mib(bytes: u64, secs: f64) -> f64 {
	bytes as f64 / (1024.0 * 1024.0) / secs.max(1e-9)
}
