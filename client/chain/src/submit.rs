//! Signing a transaction, submitting it and following it to its block
//! ([`Chain::submit`]).
//!
//! A transaction is signed at one nonce, mortal from the finalized block, and watched
//! through the node's transaction subscription. Under load, a node's pool may validate it
//! against a view behind the node's finality and refuse it for that alone
//! ([`is_transient_refusal`]); the client then signs it again at the same nonce, each
//! signature anchored [`ANCHOR_STEP`] blocks further back. Once a later signature meets
//! an earlier one in the pool, or the node stops reporting on it (dropped from its pool,
//! the watch closed), the client follows all of them on the finalized chain until one executes,
//! another transaction takes the nonce, or every window closes: the caller learns what
//! happened, never "it may still execute".

use std::time::{Duration, Instant};

use jsonrpsee::core::client::ClientT;

use polkadot_sdk::{
	sp_core::{crypto::Ss58Codec, sr25519, Pair, H256},
	sp_runtime::AccountId32,
};
use subxt::{
	config::PolkadotExtrinsicParamsBuilder,
	transactions::{Payload, TransactionStatus},
};

use crate::{account, describe, zerog, At, Chain, ChainError, Config, Included, KeySigner};

/// Blocks a signed transaction stays valid (a power of two): about two minutes of
/// 2-second blocks.
pub const MORTALITY: u64 = 64;

/// A transaction's mortality starts at the finalized block, which no fork can retract,
/// unless finality lags the best block by more than this many blocks (then at the best
/// block, so the window is not spent before it opens). A transaction anchored at a best
/// block that a reorganisation then retracts fails its signature check: the pool drops
/// it as invalid. Polkadot.js makes the same choice.
pub const MAX_FINALITY_LAG: u64 = 16;

/// How many times [`Chain::submit`] signs and sends a transaction that a node refused for
/// a transient reason ([`is_transient_refusal`]), one block apart, before it reports the
/// refusal.
pub const SUBMIT_ATTEMPTS: u32 = 5;

/// How many blocks further back than the attempt before each new attempt of
/// [`Chain::submit`] anchors its mortality: a pool whose views run that many blocks
/// behind the node's finality knows the anchor's hash. The last attempt keeps
/// `MORTALITY - ANCHOR_STEP * (SUBMIT_ATTEMPTS - 1)` blocks of its window ahead.
pub const ANCHOR_STEP: u64 = 8;

// The last attempt keeps at least half of its window ahead of it.
const _: () = assert!(ANCHOR_STEP * (SUBMIT_ATTEMPTS as u64 - 1) <= MORTALITY / 2);

/// How long [`Chain::submit`] waits before it signs again after a transient refusal: one
/// 2 s slot, so the node's pool has moved on by a block.
pub const SUBMIT_RETRY_DELAY: Duration = Duration::from_secs(2);

/// How often [`Chain::submit`] looks for a new finalized block while it follows a
/// transaction's signatures without the node's subscription.
pub const FOLLOW_POLL: Duration = Duration::from_secs(1);

/// How long [`Chain::submit`] waits for a transaction to reach a block (and, when asked,
/// finality) before it reports [`ChainError::Timeout`].
pub const SUBMIT_TIMEOUT: Duration = Duration::from_secs(2 * 60 + 2 * MORTALITY);

/// Whether a node's refusal of a transaction says only that its pool validated it
/// against a state it no longer has or does not have yet, not that the transaction is
/// wrong: under load, a pool's view may be behind the node's finality (`ancient birth
/// block`: the transaction's first block is newer than the view), or one the node has
/// just pruned (`State already discarded`). The same transaction signed again, at the
/// same nonce and anchored further back, passes; at one nonce it cannot execute twice.
pub fn is_transient_refusal(message: &str) -> bool {
	message.contains("ancient birth block") || message.contains("State already discarded")
}

/// Whether a node's refusal says another transaction of the account holds the same
/// nonce: in its pool, at least as urgent (`priority ... too low`), or already in a block
/// (`outdated`). After an earlier signature of the same transaction, that is most
/// likely the earlier one: a node that refused or dropped it can receive it again from a
/// peer that had already taken it, and a block can include it.
pub fn is_nonce_taken(message: &str) -> bool {
	let message = message.to_ascii_lowercase();
	message.contains("priority of the transaction is too low")
		|| message.contains("priority is too low")
		|| message.contains("transaction is outdated")
}

/// One signature of a transaction: its hash and the window it may execute in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Signed {
	hash: H256,
	/// The block its mortality is anchored at: it can only be in a later block.
	anchor: u64,
	/// Whether the node's pool took it (and may have passed it to its peers), even if
	/// the node then reported it invalid.
	accepted: bool,
}

/// The signatures of one transaction, all at one nonce.
#[derive(Debug, Default)]
struct Signatures(Vec<Signed>);

impl Signatures {
	/// The first block any of them can be in.
	fn first_block(&self) -> u64 {
		self.0.iter().map(|s| s.anchor + 1).min().unwrap_or(0)
	}

	/// The first block past every window ([`MORTALITY`] blocks from each anchor).
	fn until(&self) -> u64 {
		self.0.iter().map(|s| s.anchor + MORTALITY).max().unwrap_or(0)
	}

	fn contains(&self, hash: &H256) -> bool {
		self.0.iter().any(|s| s.hash == *hash)
	}

	fn last_hash(&self) -> H256 {
		self.0.last().map_or_else(H256::zero, |s| s.hash)
	}

	/// Whether a pool ever took one of them: a signature a node later reported invalid
	/// for a transient reason may still be in a peer's pool.
	fn any_accepted(&self) -> bool {
		self.0.iter().any(|s| s.accepted)
	}
}

/// A watched transaction in a block, as subxt reports it.
type InBlock =
	subxt::transactions::TransactionInBlock<Config, subxt::client::OnlineClientAtBlockImpl<Config>>;

/// How one signature's watch ended, short of a refusal.
enum Watched {
	/// In a block (final, if asked).
	InBlock(InBlock),
	/// The node stopped reporting on it, for this reason: it may still execute.
	Lost(String),
}

impl Chain {
	/// Signs `call` with `signer` (mortal for [`MORTALITY`] blocks from the finalized
	/// block, see [`MAX_FINALITY_LAG`]), submits it and watches it until it is in a block
	/// (and, with `finalized`, until that block is final); returns its events, or why it
	/// did not succeed.
	///
	/// A transient refusal ([`is_transient_refusal`]) signs it again at the same nonce,
	/// up to [`SUBMIT_ATTEMPTS`] times. If a later signature meets an earlier one in the
	/// pool or in a block ([`is_nonce_taken`]), or the node stops reporting on it (a drop,
	/// a broken watch, no block in [`SUBMIT_TIMEOUT`]), its signatures are
	/// followed on the finalized chain: the result is then its finalized block, or
	/// [`ChainError::Expired`] once every window has closed without it, or
	/// [`ChainError::Refused`] if another transaction of the account took the nonce.
	pub async fn submit<Call: Payload>(
		&self,
		call: &Call,
		signer: &sr25519::Pair,
		finalized: bool,
	) -> Result<Included, ChainError> {
		let started = Instant::now();
		let who = AccountId32::from(signer.public());
		// The next nonce counting the account's transactions still in the pool, which a
		// nonce read from block state would reuse. Every attempt signs at this nonce.
		let nonce: u64 = self
			.rpc
			.request("system_accountNextIndex", jsonrpsee::core::rpc_params![who.to_ss58check()])
			.await
			.map_err(|e| ChainError::rpc("system_accountNextIndex", e))?;
		let mut signatures = Signatures::default();
		let mut attempt = 1;
		loop {
			let depth = ANCHOR_STEP * u64::from(attempt - 1);
			let outcome =
				self.submit_once(call, signer, nonce, finalized, depth, &mut signatures, started);
			match outcome.await {
				Ok(Watched::InBlock(in_block)) => return included(in_block).await,
				Ok(Watched::Lost(why)) => {
					return self.follow(&who, nonce, &signatures, why, started).await
				}
				Err(ChainError::Refused(why))
					if attempt < SUBMIT_ATTEMPTS && is_transient_refusal(&why) =>
				{
					tracing::warn!(
						target: "chain",
						"transaction refused for a stale pool view ({why}); signing it again, \
						 {} blocks further back (attempt {} of {SUBMIT_ATTEMPTS})",
						ANCHOR_STEP * u64::from(attempt),
						attempt + 1
					);
					attempt += 1;
					tokio::time::sleep(SUBMIT_RETRY_DELAY).await;
				}
				// An earlier signature holds the nonce, or the last attempt was refused for a
				// stale view after an earlier one had been taken: one may still execute.
				Err(ChainError::Refused(why))
					if (signatures.0.len() > 1 && is_nonce_taken(&why))
						|| (is_transient_refusal(&why) && signatures.any_accepted()) =>
				{
					return self.follow(&who, nonce, &signatures, why, started).await
				}
				Err(e) => return Err(e),
			}
		}
	}

	/// One attempt of [`Chain::submit`]: signs `call` at `nonce`, anchored `depth` blocks
	/// before the finalized block (see [`MAX_FINALITY_LAG`]), records the signature in
	/// `signatures`, sends it and watches it until it is in a block (or final).
	#[allow(clippy::too_many_arguments)]
	async fn submit_once<Call: Payload>(
		&self,
		call: &Call,
		signer: &sr25519::Pair,
		nonce: u64,
		finalized: bool,
		depth: u64,
		signatures: &mut Signatures,
		started: Instant,
	) -> Result<Watched, ChainError> {
		let api = self.api().await?;
		let best = self.at_best().await?;
		let last_final =
			api.at_current_block().await.map_err(|e| ChainError::rpc("finalized block", e))?;
		let base =
			if best.block_number().saturating_sub(last_final.block_number()) <= MAX_FINALITY_LAG {
				last_final
			} else {
				best
			};
		let at = if depth == 0 {
			base
		} else {
			api.at_block(base.block_number().saturating_sub(depth))
				.await
				.map_err(|e| ChainError::rpc("anchor block", e))?
		};
		let anchor = at.block_number();
		let params =
			PolkadotExtrinsicParamsBuilder::<Config>::new().mortal(MORTALITY).nonce(nonce).build();
		let tx = at
			.transactions()
			.create_signed(call, &KeySigner(signer), params)
			.await
			.map_err(|e| ChainError::Refused(e.to_string()))?;
		let hash = tx.hash();
		signatures.0.push(Signed { hash, anchor, accepted: false });
		let mut progress =
			tx.submit_and_watch().await.map_err(|e| ChainError::Refused(e.to_string()))?;
		if let Some(last) = signatures.0.last_mut() {
			last.accepted = true;
		}
		let watch = async {
			while let Some(status) = progress.next().await {
				let status = match status {
					Ok(status) => status,
					// The subscription broke (a restart, a dropped connection): the
					// transaction may still execute.
					Err(e) => return Ok(Watched::Lost(format!("the watch failed: {e}"))),
				};
				match status {
					TransactionStatus::InBestBlock(b) if !finalized => {
						return Ok(Watched::InBlock(b))
					}
					TransactionStatus::InFinalizedBlock(b) => return Ok(Watched::InBlock(b)),
					TransactionStatus::Invalid { message } => {
						return Err(ChainError::Refused(message))
					}
					TransactionStatus::Error { message }
					| TransactionStatus::Dropped { message } => {
						return Ok(Watched::Lost(format!("the node dropped it: {message}")))
					}
					_ => {}
				}
			}
			Ok(Watched::Lost("the node closed the watch".into()))
		};
		let left = SUBMIT_TIMEOUT.saturating_sub(started.elapsed());
		match tokio::time::timeout(left, watch).await {
			Ok(watched) => watched,
			Err(_) => Ok(Watched::Lost(format!("no block took it in {} s", left.as_secs()))),
		}
	}

	/// Follows `signatures` (of `who`, at `nonce`) on the finalized chain until one is in
	/// a finalized block, the account's nonce moves past `nonce` without them, or every
	/// window has closed. `why` says why the node's own report is not enough.
	async fn follow(
		&self,
		who: &AccountId32,
		nonce: u64,
		signatures: &Signatures,
		why: String,
		started: Instant,
	) -> Result<Included, ChainError> {
		tracing::info!(
			target: "chain",
			"following {} signature(s) of nonce {nonce} on the finalized chain: {why}",
			signatures.0.len()
		);
		let api = self.api().await?;
		let mut next = signatures.first_block();
		let until = signatures.until();
		loop {
			let head =
				api.at_current_block().await.map_err(|e| ChainError::rpc("finalized block", e))?;
			let head_number = head.block_number();
			while next <= head_number {
				let at =
					api.at_block(next).await.map_err(|e| ChainError::rpc("finalized block", e))?;
				let extrinsics =
					at.extrinsics().fetch().await.map_err(|e| ChainError::rpc("block body", e))?;
				for extrinsic in extrinsics.iter() {
					let extrinsic = extrinsic.map_err(|e| {
						ChainError::Decode(format!("an extrinsic of block #{next}: {e}"))
					})?;
					if !signatures.contains(&extrinsic.hash()) {
						continue;
					}
					let block = at.block_hash();
					let events =
						extrinsic.events().await.map_err(|e| ChainError::rpc("events", e))?;
					if let Some(error) = dispatch_failure(&events, &at)? {
						return Err(ChainError::Failed { block, error });
					}
					return Ok(Included { block, number: next as u32, events });
				}
				next += 1;
			}
			// In no finalized block up to `head_number`: has anything else taken the nonce?
			let used = At(head)
				.storage(zerog::storage().system().account(), (account(who),))
				.await?
				.map_or(0, |info| u64::from(info.nonce));
			if used > nonce {
				return Err(ChainError::Refused(format!(
					"nonce {nonce} of {} was used by another of its transactions by block \
					 {head_number}; none of this one's {} signatures executed ({why})",
					who.to_ss58check(),
					signatures.0.len()
				)));
			}
			if head_number >= until {
				return Err(ChainError::Expired {
					hash: signatures.last_hash(),
					signatures: signatures.0.len(),
					why,
					until,
				});
			}
			if started.elapsed() >= SUBMIT_TIMEOUT {
				return Err(ChainError::Timeout(format!(
					"transaction {:?} in no finalized block after {} s (finalized #{head_number}, \
					 {why}); it may still execute until block {until}, so do not send it again \
					 before then",
					signatures.last_hash(),
					SUBMIT_TIMEOUT.as_secs()
				)));
			}
			tokio::time::sleep(FOLLOW_POLL).await;
		}
	}
}

/// A watched transaction's block, number and events, or its dispatch error.
async fn included(in_block: InBlock) -> Result<Included, ChainError> {
	let block = in_block.block_hash();
	let number =
		in_block.at().await.map_err(|e| ChainError::rpc("block", e))?.block_number() as u32;
	let events = in_block.wait_for_success().await.map_err(|e| match e {
		subxt::error::TransactionEventsError::ExtrinsicFailed(e) => {
			ChainError::Failed { block, error: describe(&e) }
		}
		e => ChainError::rpc("events", e),
	})?;
	Ok(Included { block, number, events })
}

/// The dispatch error of a transaction whose events are `events` (in the block `at`),
/// by name; `None` if it succeeded.
fn dispatch_failure(
	events: &subxt::extrinsics::ExtrinsicEvents<Config>,
	at: &subxt::OnlineClientAtBlock<Config>,
) -> Result<Option<String>, ChainError> {
	for event in events.iter() {
		let event = event.map_err(|e| ChainError::Decode(format!("events: {e}")))?;
		if event.pallet_name() == "System" && event.event_name() == "ExtrinsicFailed" {
			let error =
				subxt::error::DispatchError::decode_from(event.field_bytes(), at.metadata())
					.map_err(|e| ChainError::Decode(format!("dispatch error: {e}")))?;
			return Ok(Some(describe(&error)));
		}
	}
	Ok(None)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_a_pool_behind_or_past_its_state_is_a_transient_refusal() {
		// As the node words them (seen under load on four validators).
		assert!(is_transient_refusal(
			"Invalid transaction: Transaction has an ancient birth block"
		));
		assert!(is_transient_refusal(
			"Verification error: Runtime error: Api called for an unknown Block: State already \
			 discarded for 0x25e2b1898698508531832dedbc4eac9bd39aced8658dd62844e5891c33b53047"
		));
		// What signing again cannot change is reported at once.
		for final_refusal in [
			"Invalid transaction: Transaction is outdated",
			"Invalid transaction: Inability to pay some fees (e.g. account balance too low)",
			"Invalid transaction: Transaction has a bad signature",
			"Transaction is temporarily banned",
			"The priority of the transaction is too low (pool 2324 > current 2324)",
		] {
			assert!(!is_transient_refusal(final_refusal), "{final_refusal}");
		}
	}

	#[test]
	fn a_held_nonce_is_told_from_other_refusals() {
		// The node's words when an earlier signature holds the nonce (four validators at
		// 1,000 transfers/s).
		assert!(is_nonce_taken(
			"The priority of the transaction is too low (pool 2324 > current 2324)"
		));
		assert!(is_nonce_taken("Priority is too low: (2324 vs 2324)"));
		// And when one is already in a block.
		assert!(is_nonce_taken("Invalid transaction: Transaction is outdated"));
		for other in [
			"Invalid transaction: Transaction has an ancient birth block",
			"Invalid transaction: Inability to pay some fees (e.g. account balance too low)",
			"Transaction is temporarily banned",
		] {
			assert!(!is_nonce_taken(other), "{other}");
		}
	}

	#[test]
	fn signatures_cover_every_window() {
		let signed =
			|byte, anchor| Signed { hash: H256::repeat_byte(byte), anchor, accepted: false };
		let mut all = Signatures::default();
		assert_eq!((all.first_block(), all.until(), all.last_hash()), (0, 0, H256::zero()));
		// Each attempt anchors further back: the follow starts after the oldest anchor
		// and ends with the newest window.
		all.0.push(signed(1, 100));
		all.0.push(signed(2, 92));
		all.0.push(signed(3, 84));
		assert_eq!(all.first_block(), 85);
		assert_eq!(all.until(), 100 + MORTALITY);
		assert_eq!(all.last_hash(), H256::repeat_byte(3));
		assert!(all.contains(&H256::repeat_byte(2)) && !all.contains(&H256::repeat_byte(4)));
		// Refused at submit every time: nothing to follow.
		assert!(!all.any_accepted());
		all.0[1].accepted = true;
		assert!(all.any_accepted());
	}
}
