//! Settlement: pending receipts go to the chain in batches of up to 50, on a schedule
//! and whenever the threshold of pending receipts is reached. Each receipt's outcome
//! comes back as a `ReceiptProcessed` event and is recorded in the store.
//!
//! A receipt the chain calls `StaleNonce` is not retried: it was either settled by an
//! earlier submission whose result this process did not see (a crash between
//! submission and recording), or superseded.

use std::{sync::Arc, time::Duration};

use polkadot_sdk::sp_core::sr25519;
use zerog_chain_client::{account_from, bounded, to_chain, zerog, Chain};
use zerog_compute_primitives::ReceiptOutcome;

use crate::{server::Provider, store::ReceiptState};

/// Receipts per settlement (the runtime's `MaxBatch`).
pub const BATCH: usize = 50;

/// Settles until nothing is pending; returns how many receipts were settled and
/// rejected.
pub async fn settle_pending(
	provider: &Provider,
	chain: &Chain,
	key: &sr25519::Pair,
) -> Result<(u32, u32), String> {
	let (mut settled, mut rejected) = (0, 0);
	loop {
		let batch = provider
			.store
			.pending(BATCH, |user| provider.first_in_flight(user))
			.map_err(|e| e.to_string())?;
		if batch.is_empty() {
			return Ok((settled, rejected));
		}
		let full = batch.len() == BATCH;
		let receipts = batch
			.iter()
			.map(|r| to_chain(&r.receipt))
			.collect::<Result<Vec<_>, _>>()
			.map_err(|e| e.to_string())?;
		let call = zerog::tx().compute_market().settle(bounded(receipts));
		let included = chain.submit(&call, key, false).await.map_err(|e| e.to_string())?;
		let mut results = Vec::new();
		let (mut batch_settled, mut batch_rejected) = (0u64, 0u64);
		let processed = included
			.find::<zerog::compute_market::events::ReceiptProcessed>()
			.map_err(|e| e.to_string())?;
		for event in processed {
			let user = account_from(&event.user);
			let nonce = event.nonce;
			let outcome: ReceiptOutcome = to_chain(&event.outcome).map_err(|e| e.to_string())?;
			let state = match outcome {
				ReceiptOutcome::Settled => {
					batch_settled += 1;
					ReceiptState::Settled { block: included.number }
				}
				other => {
					batch_rejected += 1;
					tracing::warn!(target: "provider", "receipt {user} #{nonce} rejected: {other:?}");
					ReceiptState::Rejected { outcome: other }
				}
			};
			results.push((user, nonce, state));
		}
		provider.store.resolve(&results).map_err(|e| e.to_string())?;
		provider.metrics.settled.inc_by(batch_settled);
		provider.metrics.rejected.inc_by(batch_rejected);
		settled += batch_settled as u32;
		rejected += batch_rejected as u32;
		tracing::info!(target: "provider", "block {}: {batch_settled} receipts settled, {batch_rejected} rejected", included.number);
		if !full {
			return Ok((settled, rejected));
		}
	}
}

/// Runs settlement every `interval`, and at once when the provider signals that the
/// threshold was reached.
pub async fn run(provider: Arc<Provider>, chain: Chain, key: sr25519::Pair, interval: Duration) {
	loop {
		tokio::select! {
			_ = tokio::time::sleep(interval) => {}
			_ = provider.settle_now.notified() => {}
		}
		if let Err(e) = provider.refresh_service().await {
			tracing::warn!(target: "provider", "service refresh: {e}");
		}
		if let Err(e) = settle_pending(&provider, &chain, &key).await {
			tracing::warn!(target: "provider", "settlement failed, will retry: {e}");
		}
	}
}
