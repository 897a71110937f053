//! `zg staking`: a validator's and a nominator's life on the chain, for operators'
//! scripts: bond, set session keys, validate with a commission, nominate, unbond,
//! withdraw, claim payouts, and the state of an account. Everything else is in
//! Polkadot.js Apps' staking pages, which work from the chain's metadata.

use clap::{Subcommand, ValueEnum};
use polkadot_sdk::{
	sp_core::{crypto::Ss58Codec, Pair},
	sp_runtime::AccountId32,
};
use serde_json::json;
use zerog_chain_client::{
	self as chain,
	zerog::{
		self,
		runtime_types::{
			pallet_staking::{RewardDestination, ValidatorPrefs},
			sp_arithmetic::per_things::Perbill,
		},
	},
	Chain,
};
use zerog_daemon::amount::Amount;

use super::{err, parse_account, Context, KeyArgs};

/// Where a stake's rewards go.
#[derive(Clone, Copy, ValueEnum)]
pub enum Payee {
	/// Added to the bond (compounding).
	Staked,
	/// Paid to the stash account, free.
	Stash,
}

#[derive(Subcommand)]
pub enum StakingCmd {
	/// Bond AMOUNT (ZG, or with a `wei` suffix) from the signing account, or add it to an
	/// existing bond.
	Bond {
		amount: Amount,
		#[arg(long, value_enum, default_value_t = Payee::Staked)]
		payee: Payee,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Register session keys. Without --keys, the node at --chain makes new ones in its
	/// keystore (`author_rotateKeysWithOwner`, an unsafe RPC: run it against your own
	/// validator node) with their proof of possession.
	SetKeys {
		/// SCALE-encoded session keys (BABE then GRANDPA public key), 0x hex.
		#[arg(long, requires = "proof")]
		keys: Option<String>,
		/// Their proof of possession for the signing account, 0x hex.
		#[arg(long, requires = "keys")]
		proof: Option<String>,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Offer to validate from the next era, keeping COMMISSION percent of rewards.
	Validate {
		#[arg(long, value_parser = parse_commission)]
		commission: Perbill,
		/// Refuse new nominations.
		#[arg(long)]
		blocked: bool,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Nominate up to 16 validators (SS58 addresses) from the next era.
	Nominate {
		#[arg(required = true, value_parser = parse_account)]
		validators: Vec<AccountId32>,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Stop validating or nominating from the next era; the stake stays bonded.
	Chill {
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Start unbonding AMOUNT; it can be withdrawn after the bonding duration.
	Unbond {
		amount: Amount,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Withdraw every unbonded chunk whose bonding duration has passed.
	Withdraw {
		#[command(flatten)]
		key: KeyArgs,
	},
	/// Pay out VALIDATOR and its nominators for ERA, or for every era still unclaimed.
	/// Anyone may send it.
	Payout {
		#[arg(value_parser = parse_account)]
		validator: AccountId32,
		#[arg(long)]
		era: Option<u32>,
		#[command(flatten)]
		key: KeyArgs,
	},
	/// An account's stake: bond, unlocking chunks, validator preferences or
	/// nominations, and whether it is in the active set; the signing account by default.
	Status {
		#[arg(value_parser = parse_account)]
		account: Option<AccountId32>,
		#[command(flatten)]
		key: KeyArgs,
	},
}

/// A commission in percent (`5`, `2.5`, `10%`), 0 to 100, to parts per billion.
pub fn parse_commission(s: &str) -> Result<Perbill, String> {
	let t = s.trim().trim_end_matches('%');
	let value: f64 = t.parse().map_err(|_| format!("{s:?} is not a percentage"))?;
	if !(0.0..=100.0).contains(&value) || !value.is_finite() {
		return Err(format!("a commission is between 0 and 100 percent, not {s}"));
	}
	Ok(Perbill((value * 10_000_000.0).round() as u32))
}

fn zg(wei: u128) -> String {
	zerog_daemon::amount::Amount(wei).to_string()
}

impl StakingCmd {
	/// Runs the subcommand.
	pub async fn execute(self, ctx: &Context) -> Result<(), String> {
		let chain = &ctx.chain;
		match self {
			StakingCmd::Bond { amount, payee, key } => {
				let pair = key.pair()?;
				let who = chain::account(&pair.public().into());
				let bonded = chain
					.storage(zerog::storage().staking().bonded(), (who,))
					.await
					.map_err(err)?
					.is_some();
				let inc = if bonded {
					let call = zerog::tx().staking().bond_extra(amount.0);
					chain.submit(&call, &pair, false).await.map_err(err)?
				} else {
					let payee = match payee {
						Payee::Staked => RewardDestination::Staked,
						Payee::Stash => RewardDestination::Stash,
					};
					let call = zerog::tx().staking().bond(amount.0, payee);
					chain.submit(&call, &pair, false).await.map_err(err)?
				};
				ctx.done(format!("bonded {} more", zg(amount.0)), &inc);
				Ok(())
			}
			StakingCmd::SetKeys { keys, proof, key } => {
				let pair = key.pair()?;
				let owner = chain::account(&pair.public().into());
				let (keys, proof) = match (keys, proof) {
					(Some(k), Some(p)) => (hex_bytes(&k)?, hex_bytes(&p)?),
					_ => chain.rotate_keys_with_owner(&owner).await.map_err(err)?,
				};
				let session_keys = chain::decode_session_keys(&keys).map_err(err)?;
				let call = zerog::tx().session().set_keys(session_keys, proof);
				let inc = chain.submit(&call, &pair, false).await.map_err(err)?;
				if ctx.json {
					return ctx.print(
						json!({ "keys": format!("0x{}", hex::encode(&keys)), "block": inc.number }),
					);
				}
				println!(
					"session keys 0x{} registered in block {}; they take effect from the \
					 session after next",
					hex::encode(&keys),
					inc.number
				);
				Ok(())
			}
			StakingCmd::Validate { commission, blocked, key } => {
				let percent = commission.0 as f64 / 10_000_000.0;
				let call = zerog::tx().staking().validate(ValidatorPrefs { commission, blocked });
				let inc = chain.submit(&call, &key.pair()?, false).await.map_err(err)?;
				ctx.done(format!("validating from the next era at {percent}% commission"), &inc);
				Ok(())
			}
			StakingCmd::Nominate { validators, key } => {
				// pallet-staking keeps a nomination of an account that does not validate,
				// inert; refuse it here, as the precompile does.
				for v in &validators {
					if !chain
						.map_contains("Staking", "Validators", v.as_ref())
						.await
						.map_err(err)?
					{
						return Err(format!(
							"{} is not a validator: a nomination of it would earn nothing",
							v.to_ss58check()
						));
					}
				}
				let n = validators.len();
				let targets = validators.iter().map(chain::address_of).collect();
				let call = zerog::tx().staking().nominate(targets);
				let inc = chain.submit(&call, &key.pair()?, false).await.map_err(err)?;
				ctx.done(format!("nominating {n} validator(s) from the next era"), &inc);
				Ok(())
			}
			StakingCmd::Chill { key } => {
				let inc = chain
					.submit(&zerog::tx().staking().chill(), &key.pair()?, false)
					.await
					.map_err(err)?;
				ctx.done("chilled from the next era".into(), &inc);
				Ok(())
			}
			StakingCmd::Unbond { amount, key } => {
				let inc = chain
					.submit(&zerog::tx().staking().unbond(amount.0), &key.pair()?, false)
					.await
					.map_err(err)?;
				let bonding = chain
					.constant(zerog::constants().staking().bonding_duration())
					.await
					.map_err(err)?;
				ctx.done(
					format!("unbonding {}; withdrawable after {bonding} eras", zg(amount.0)),
					&inc,
				);
				Ok(())
			}
			StakingCmd::Withdraw { key } => {
				let pair = key.pair()?;
				let who = chain::account(&pair.public().into());
				let spans = chain
					.storage(zerog::storage().staking().slashing_spans(), (who,))
					.await
					.map_err(err)?
					.map(|s| s.prior.len() as u32 + 1)
					.unwrap_or(0);
				let inc = chain
					.submit(&zerog::tx().staking().withdraw_unbonded(spans), &pair, false)
					.await
					.map_err(err)?;
				ctx.done("withdrew what had unbonded".into(), &inc);
				Ok(())
			}
			StakingCmd::Payout { validator, era, key } => {
				payout(ctx, chain, &key, validator, era).await
			}
			StakingCmd::Status { account, key } => {
				let who = match account {
					Some(a) => a,
					None => key.pair()?.public().into(),
				};
				status(ctx, chain, who).await
			}
		}
	}
}

fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
	hex::decode(s.trim_start_matches("0x")).map_err(|e| format!("{s:?} is not hex ({e})"))
}

async fn payout(
	ctx: &Context,
	chain: &Chain,
	key: &KeyArgs,
	validator: AccountId32,
	era: Option<u32>,
) -> Result<(), String> {
	let pair = key.pair()?;
	let stash = chain::account(&validator);
	let at = chain.at_best_block().await.map_err(err)?;
	let active = at
		.storage(zerog::storage().staking().active_era(), ())
		.await
		.map_err(err)?
		.ok_or("staking has no active era")?
		.index;
	let depth = chain.constant(zerog::constants().staking().history_depth()).await.map_err(err)?;
	let eras: Vec<u32> = match era {
		Some(e) if e >= active => {
			return Err(format!("era {e} is not over (the active era is {active})"))
		}
		Some(e) => vec![e],
		None => (active.saturating_sub(depth)..active).collect(),
	};
	let mut paid = Vec::new();
	for e in eras {
		// One page of nominators per call, until none is left (read at the best block,
		// which each payout moves on).
		loop {
			let pending = chain
				.runtime_api(zerog::runtime_apis().staking_api().pending_rewards(e, stash))
				.await
				.map_err(err)?;
			if !pending {
				break;
			}
			let call = zerog::tx().staking().payout_stakers(stash, e);
			let inc = chain.submit(&call, &pair, false).await.map_err(err)?;
			paid.push((e, inc.number));
		}
	}
	if ctx.json {
		return ctx.print(json!({
			"validator": validator.to_ss58check(),
			"paid": paid.iter().map(|(e, b)| json!({ "era": e, "block": b })).collect::<Vec<_>>(),
		}));
	}
	if paid.is_empty() {
		println!("nothing to pay out for {}", validator.to_ss58check());
	}
	for (e, b) in paid {
		println!("paid era {e} in block {b}");
	}
	Ok(())
}

async fn status(ctx: &Context, chain: &Chain, who: AccountId32) -> Result<(), String> {
	let id = chain::account(&who);
	let at = chain.at_best_block().await.map_err(err)?;
	let s = zerog::storage().staking();
	let active = at.storage(s.active_era(), ()).await.map_err(err)?.map(|e| e.index);
	let ledger = at.storage(s.ledger(), (id,)).await.map_err(err)?;
	// `validators` reads as default preferences for anyone: ask whether the entry exists.
	let validates = chain.map_contains("Staking", "Validators", who.as_ref()).await.map_err(err)?;
	let prefs =
		if validates { at.storage(s.validators(), (id,)).await.map_err(err)? } else { None };
	let nominations = at.storage(s.nominators(), (id,)).await.map_err(err)?;
	let session = at
		.storage(zerog::storage().session().validators(), ())
		.await
		.map_err(err)?
		.unwrap_or_default();
	let in_set = session.contains(&id);
	let keys = at.storage(zerog::storage().session().next_keys(), (id,)).await.map_err(err)?;
	let ledger_json = ledger.as_ref().map(|l| {
		json!({
			"total": l.total.to_string(),
			"active": l.active.to_string(),
			"unlocking": l.unlocking.0.iter()
				.map(|c| json!({ "value": c.value.to_string(), "era": c.era }))
				.collect::<Vec<_>>(),
		})
	});
	let role = if prefs.is_some() {
		"validator"
	} else if nominations.is_some() {
		"nominator"
	} else if ledger.is_some() {
		"idle"
	} else {
		"not bonded"
	};
	let value = json!({
		"account": who.to_ss58check(),
		"activeEra": active,
		"role": role,
		"ledger": ledger_json,
		"commissionPercent": prefs.as_ref().map(|p| p.commission.0 as f64 / 10_000_000.0),
		"blocked": prefs.as_ref().map(|p| p.blocked),
		"nominations": nominations.as_ref().map(|n| n.targets.0.iter()
			.map(|t| chain::account_from(t).to_ss58check()).collect::<Vec<_>>()),
		"inActiveSet": in_set,
		"sessionKeys": keys.is_some(),
	});
	if ctx.json {
		return ctx.print(value);
	}
	println!("{} ({role}), active era {}", who.to_ss58check(), active.unwrap_or_default());
	match &ledger {
		Some(l) => {
			println!("  bonded {} (active {})", zg(l.total), zg(l.active));
			for c in &l.unlocking.0 {
				println!("  unlocking {} at era {}", zg(c.value), c.era);
			}
		}
		None => println!("  nothing bonded"),
	}
	if let Some(p) = &prefs {
		println!(
			"  commission {}%{}",
			p.commission.0 as f64 / 10_000_000.0,
			if p.blocked { ", blocked" } else { "" }
		);
	}
	if let Some(n) = &nominations {
		for t in &n.targets.0 {
			println!("  nominates {}", chain::account_from(t).to_ss58check());
		}
	}
	println!(
		"  {} the active set; session keys {}",
		if in_set { "in" } else { "not in" },
		if keys.is_some() { "set" } else { "not set" }
	);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn commissions_parse_as_percent_and_stay_within_bounds() {
		assert_eq!(parse_commission("5").unwrap().0, 50_000_000);
		assert_eq!(parse_commission("2.5%").unwrap().0, 25_000_000);
		assert_eq!(parse_commission("100").unwrap().0, 1_000_000_000);
		assert_eq!(parse_commission("0").unwrap().0, 0);
		for bad in ["101", "-1", "ten", "NaN", ""] {
			assert!(parse_commission(bad).is_err(), "{bad}");
		}
	}
}
