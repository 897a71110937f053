//! `eth_subscribe` / `eth_unsubscribe` over WebSocket, with geth's notification shapes
//! (`eth_subscription` messages):
//! - `newHeads`: the header of each new best block (each block a reorganisation
//!   enacts, in order, then the new best);
//! - `logs` (optional filter with `address` and `topics`): each matching log of each new
//!   best block, and on a reorganisation the logs of the retracted blocks again with
//!   `removed: true`, as ethers and viem expect to undo them;
//! - `newPendingTransactions`: the hash of each Ethereum transaction entering the pool,
//!   or with `true` as second parameter (geth's `fullTx`) the whole transaction.
//!
//! A subscriber that reads slower than blocks come is dropped with an error notification
//! once its connection's buffer is full, instead of holding notifications in memory for
//! it; so is a pending-transaction subscriber that falls [`super::filters::PENDING_CHANNEL`]
//! hashes behind. Each block's work (reading it, matching logs) runs on a blocking thread.

use std::sync::Arc;

use futures::StreamExt;
use jsonrpsee::{
	core::SubscriptionResult, types::Params, PendingSubscriptionSink, SubscriptionMessage,
	SubscriptionSink, TrySendError,
};
use polkadot_sdk::{sc_client_api::BlockchainEvents, sp_core::H256};
use serde_json::Value;

use super::{
	api::{list, EthApi},
	params::{invalid, LogFilter},
};

/// What a block subscription sends for each block.
#[derive(Clone)]
enum Follow {
	Heads,
	Logs(LogFilter),
}

/// Handles one `eth_subscribe` call for its whole life.
pub async fn subscribe(
	api: Arc<EthApi>,
	params: Params<'static>,
	pending: PendingSubscriptionSink,
) -> SubscriptionResult {
	let p = match list(&params) {
		Ok(p) => p,
		Err(e) => {
			pending.reject(e).await;
			return Ok(());
		}
	};
	let follow = match p.first().and_then(Value::as_str) {
		Some("newHeads") => Follow::Heads,
		Some("logs") => match p.get(1).filter(|v| !v.is_null()) {
			None => Follow::Logs(LogFilter::default()),
			Some(v) => match LogFilter::parse(v) {
				Ok(filter) => Follow::Logs(filter),
				Err(e) => {
					pending.reject(e).await;
					return Ok(());
				}
			},
		},
		Some("newPendingTransactions") => {
			let full = p.get(1).and_then(Value::as_bool) == Some(true);
			let sink = pending.accept().await?;
			return pending_transactions(api, sink, full).await;
		}
		other => {
			pending
				.reject(invalid(format!(
					"unsupported subscription type {}: newHeads, logs and newPendingTransactions are served",
					other.map_or_else(|| "(none)".to_string(), |s| format!("{s:?}"))
				)))
				.await;
			return Ok(());
		}
	};
	let sink = pending.accept().await?;
	follow_blocks(api, sink, follow).await
}

/// Sends one notification without waiting: a full buffer ends the subscription.
fn send(sink: &mut SubscriptionSink, value: &Value) -> Result<bool, String> {
	let message = SubscriptionMessage::from_json(value).map_err(|e| e.to_string())?;
	match sink.try_send(message) {
		Ok(()) => Ok(true),
		Err(TrySendError::Closed(_)) => Ok(false),
		Err(TrySendError::Full(_)) => {
			Err("subscriber too slow: notifications were not read; subscribe again".to_string())
		}
	}
}

async fn follow_blocks(
	api: Arc<EthApi>,
	mut sink: SubscriptionSink,
	follow: Follow,
) -> SubscriptionResult {
	let mut imports = api.client().import_notification_stream();
	loop {
		let notification = tokio::select! {
			n = imports.next() => match n {
				Some(n) => n,
				None => return Ok(()),
			},
			_ = sink.closed() => return Ok(()),
		};
		if !notification.is_new_best {
			continue;
		}
		let (retracted, mut enacted): (Vec<H256>, Vec<H256>) = match &notification.tree_route {
			Some(route) => (
				route.retracted().iter().map(|b| b.hash).collect(),
				route.enacted().iter().map(|b| b.hash).collect(),
			),
			None => (Vec::new(), Vec::new()),
		};
		enacted.push(notification.hash);
		let (worker, what) = (api.clone(), follow.clone());
		let messages = tokio::task::spawn_blocking(move || match what {
			Follow::Heads => {
				enacted.iter().map(|b| worker.head_json(*b)).collect::<Result<Vec<_>, _>>()
			}
			Follow::Logs(filter) => {
				let mut logs = Vec::new();
				for b in &retracted {
					worker.block_logs(&filter, *b, true, &mut logs)?;
				}
				for b in &enacted {
					worker.block_logs(&filter, *b, false, &mut logs)?;
				}
				Ok(logs)
			}
		})
		.await
		.map_err(|e| e.to_string())?;
		let messages = match messages {
			Ok(messages) => messages,
			Err(e) => {
				log::warn!(target: "eth-rpc", "subscription: reading block {}: {}", notification.hash, e.message());
				continue;
			}
		};
		for message in &messages {
			if !send(&mut sink, message)? {
				return Ok(());
			}
		}
	}
}

async fn pending_transactions(
	api: Arc<EthApi>,
	mut sink: SubscriptionSink,
	full: bool,
) -> SubscriptionResult {
	let mut hashes = api.pending_feed().subscribe();
	loop {
		let hash = tokio::select! {
			h = hashes.recv() => match h {
				Ok(h) => h,
				Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
					return Err(format!("subscriber too slow: {n} pending transactions were missed; subscribe again").into())
				}
				Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(()),
			},
			_ = sink.closed() => return Ok(()),
		};
		let value = if full {
			// Gone from the pool already (included or replaced): nothing to describe.
			let Some((signed, from)) = api.pending_transaction(&hash.eth) else { continue };
			EthApi::pending_transaction_json(hash.eth, signed, from)
		} else {
			serde_json::json!(hash.eth)
		};
		if !send(&mut sink, &value)? {
			return Ok(());
		}
	}
}
