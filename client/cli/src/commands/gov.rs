//! `zg gov`: the common paths of on-chain governance. A runtime upgrade by root
//! referendum (`upgrade`, then `apply-upgrade` once it passes), voting, and the state of
//! referenda. Everything else (other tracks, the committee, the treasury) is in
//! Polkadot.js Apps' governance pages, which work from the chain's metadata.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use codec::Encode;
use polkadot_sdk::sp_runtime::traits::{BlakeTwo256, Hash};
use serde_json::json;
use zerog_chain_client::{
	zerog::{
		self,
		referenda::events::Submitted,
		runtime_types::{
			frame_support::traits::{preimages::Bounded, schedule::DispatchTime},
			frame_system::pallet::Call as SystemCall,
			pallet_conviction_voting::vote::{AccountVote, Vote},
			pallet_referenda::types::ReferendumInfo,
			zerog_runtime::{OriginCaller, RuntimeCall},
		},
	},
	Chain,
};
use zerog_daemon::amount::Amount;

use super::{Context, KeyArgs};

/// Largest call a referendum carries inline (pallet-referenda's `BoundedInline`); a
/// larger one would need its preimage noted first.
const MAX_INLINE: usize = 128;

/// The id of the root track, where runtime upgrades are decided.
const ROOT_TRACK: u16 = 0;

#[derive(Subcommand)]
pub enum GovCmd {
	/// Propose a runtime upgrade to WASM on the root track: the referendum carries only
	/// the code's hash (`system.authorizeUpgrade`), and the decision deposit is placed.
	Upgrade {
		wasm: PathBuf,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Vote on referendum REF with AMOUNT (ZG, or with a `wei` suffix), locked for the
	/// conviction's multiple of the vote-locking period.
	Vote {
		#[arg(value_name = "REF")]
		index: u32,
		side: Side,
		amount: Amount,
		/// Conviction 0 (0.1x votes, no lock) to 6 (6x votes, 32 lock periods).
		#[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=6))]
		conviction: u8,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// The state of referendum REF, or of every referendum.
	Status {
		#[arg(value_name = "REF")]
		index: Option<u32>,
	},
	/// Install WASM once a referendum authorized its hash; anyone may send it.
	ApplyUpgrade {
		wasm: PathBuf,
		#[command(flatten)]
		key: KeyArgs,
	},
}

/// Which way a vote goes.
#[derive(Clone, Copy, ValueEnum)]
pub enum Side {
	Aye,
	Nay,
}

fn blake2_256(data: &[u8]) -> [u8; 32] {
	BlakeTwo256::hash(data).0
}

fn read_wasm(path: &PathBuf) -> Result<Vec<u8>, String> {
	let code = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
	// A compressed runtime blob starts with zstd's magic; an uncompressed one with "\0asm".
	if !(code.starts_with(&[0x52, 0xbc, 0x53, 0x76]) || code.starts_with(b"\0asm")) {
		return Err(format!("{} is not a runtime Wasm blob", path.display()));
	}
	Ok(code)
}

/// The `Vote` byte: aye in the high bit, the conviction below.
fn vote_byte(side: Side, conviction: u8) -> Vote {
	Vote(match side {
		Side::Aye => 0x80 | conviction,
		Side::Nay => conviction,
	})
}

impl GovCmd {
	/// Runs the subcommand.
	pub async fn execute(self, ctx: &Context) -> Result<(), String> {
		let chain = &ctx.chain;
		match self {
			GovCmd::Upgrade { wasm, key } => {
				let code = read_wasm(&wasm)?;
				let hash = blake2_256(&code);
				let call =
					RuntimeCall::System(SystemCall::authorize_upgrade { code_hash: hash.into() })
						.encode();
				debug_assert!(call.len() <= MAX_INLINE);
				let pair = key.pair()?;
				let submit = zerog::tx().referenda().submit(
					OriginCaller::system(
						zerog::runtime_types::frame_support::dispatch::RawOrigin::Root,
					),
					Bounded::Inline(
						zerog::runtime_types::bounded_collections::bounded_vec::BoundedVec(call),
					),
					DispatchTime::After(1),
				);
				let inc = chain.submit(&submit, &pair, false).await.map_err(|e| e.to_string())?;
				let index = inc.expect::<Submitted>().map_err(|e| e.to_string())?.index;
				let deposit = zerog::tx().referenda().place_decision_deposit(index);
				let placed =
					chain.submit(&deposit, &pair, false).await.map_err(|e| e.to_string())?;
				if ctx.json {
					ctx.print(json!({
						"referendum": index,
						"track": ROOT_TRACK,
						"codeHash": format!("0x{}", hex::encode(hash)),
						"block": placed.number,
					}))
				} else {
					println!(
						"referendum {index} on the root track: authorize code 0x{} ({} bytes); \
						 decision deposit placed in block {}",
						hex::encode(hash),
						code.len(),
						placed.number
					);
					Ok(())
				}
			}
			GovCmd::Vote { index, side, amount, conviction, key } => {
				let vote =
					AccountVote::Standard { vote: vote_byte(side, conviction), balance: amount.0 };
				let call = zerog::tx().conviction_voting().vote(index, vote);
				let inc =
					chain.submit(&call, &key.pair()?, false).await.map_err(|e| e.to_string())?;
				let side = match side {
					Side::Aye => "aye",
					Side::Nay => "nay",
				};
				ctx.done(
					format!("voted {side} on referendum {index} at conviction {conviction}"),
					&inc,
				);
				Ok(())
			}
			GovCmd::Status { index } => status(ctx, chain, index).await,
			GovCmd::ApplyUpgrade { wasm, key } => {
				let code = read_wasm(&wasm)?;
				let call = zerog::tx().system().apply_authorized_upgrade(code.clone());
				let inc =
					chain.submit(&call, &key.pair()?, false).await.map_err(|e| e.to_string())?;
				ctx.done(
					format!(
						"installed runtime 0x{} ({} bytes)",
						hex::encode(blake2_256(&code)),
						code.len()
					),
					&inc,
				);
				Ok(())
			}
		}
	}
}

async fn status(ctx: &Context, chain: &Chain, index: Option<u32>) -> Result<(), String> {
	// Every referendum read at one block: a consistent view, one block lookup.
	let at = chain.at_best_block().await.map_err(|e| e.to_string())?;
	let count = at
		.storage(zerog::storage().referenda().referendum_count(), ())
		.await
		.map_err(|e| e.to_string())?
		.unwrap_or(0);
	let indices: Vec<u32> = match index {
		Some(i) => vec![i],
		// The 50 latest.
		None => (count.saturating_sub(50)..count).collect(),
	};
	let mut all = Vec::new();
	for i in indices {
		let info = at
			.storage(zerog::storage().referenda().referendum_info_for(), (i,))
			.await
			.map_err(|e| e.to_string())?;
		let Some(info) = info else {
			if index.is_some() {
				return Err(format!("no referendum {i} (there are {count})"));
			}
			continue;
		};
		use ReferendumInfo::*;
		let ended = |state: &str, at: &u32| json!({ "referendum": i, "state": state, "at": at });
		all.push(match &info {
			Ongoing(s) => json!({
				"referendum": i,
				"state": match &s.deciding {
					Some(d) if d.confirming.is_some() => "confirming",
					Some(_) => "deciding",
					None => "preparing",
				},
				"track": s.track,
				"ayes": s.tally.ayes.to_string(),
				"nays": s.tally.nays.to_string(),
				"support": s.tally.support.to_string(),
				"decidingSince": s.deciding.as_ref().map(|d| d.since),
				"decisionDeposit": s.decision_deposit.is_some(),
			}),
			Approved(at, ..) => ended("approved", at),
			Rejected(at, ..) => ended("rejected", at),
			Cancelled(at, ..) => ended("cancelled", at),
			TimedOut(at, ..) => ended("timedOut", at),
			Killed(at) => ended("killed", at),
		});
	}
	if ctx.json {
		return ctx.print(json!(all));
	}
	if all.is_empty() {
		println!("no referenda");
	}
	for r in all {
		println!(
			"{}",
			r.as_object()
				.map(|o| o.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "))
				.unwrap_or_default()
		);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_vote_byte_puts_aye_in_the_high_bit() {
		assert_eq!(vote_byte(Side::Aye, 1).0, 0x81);
		assert_eq!(vote_byte(Side::Nay, 6).0, 6);
	}

	#[test]
	fn an_upgrade_call_fits_inline() {
		let call =
			RuntimeCall::System(SystemCall::authorize_upgrade { code_hash: [7u8; 32].into() })
				.encode();
		assert!(call.len() <= MAX_INLINE, "{}", call.len());
	}

	#[test]
	fn a_file_that_is_not_wasm_is_refused() {
		let dir = std::env::temp_dir().join(format!("zg-gov-{}", std::process::id()));
		std::fs::write(&dir, b"hello").unwrap();
		assert!(read_wasm(&dir).unwrap_err().contains("not a runtime Wasm"));
		let _ = std::fs::remove_file(&dir);
	}
}
