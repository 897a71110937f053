//! Settlement: pending receipts go to the chain in batches of up to 50, on a schedule
//! and whenever the threshold of pending receipts is reached. Each receipt's outcome
//! comes back as a `ReceiptProcessed` event and is recorded in the store.
//!
//! A receipt the chain calls `StaleNonce` is not retried: it was either settled by an
//! earlier submission whose result this process did not see (a crash between
//! submission and recording), or superseded.

use std::{sync::Arc, time::Duration};

use pallet_compute_market::ReceiptOutcome;
use polkadot_sdk::{frame_support::BoundedVec, sp_core::sr25519};
use zerog_chain_client::Chain;
use zerog_runtime::{RuntimeCall, RuntimeEvent};

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
		let receipts: Vec<_> = batch.iter().map(|r| r.receipt.clone()).collect();
		let receipts = BoundedVec::try_from(receipts)
			.map_err(|_| "batch over the runtime's limit".to_string())?;
		let call = RuntimeCall::ComputeMarket(pallet_compute_market::Call::settle { receipts });
		let included = chain.submit(call, key, false).await.map_err(|e| e.to_string())?;
		let mut results = Vec::new();
		let (mut batch_settled, mut batch_rejected) = (0u64, 0u64);
		for event in &included.events {
			if let RuntimeEvent::ComputeMarket(pallet_compute_market::Event::ReceiptProcessed {
				user,
				nonce,
				outcome,
				..
			}) = event
			{
				let state = match outcome {
					ReceiptOutcome::Settled => {
						batch_settled += 1;
						ReceiptState::Settled { block: included.number }
					}
					other => {
						batch_rejected += 1;
						tracing::warn!(target: "provider", "receipt {user} #{nonce} rejected: {other:?}");
						ReceiptState::Rejected { outcome: *other }
					}
				};
				results.push((user.clone(), *nonce, state));
			}
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
