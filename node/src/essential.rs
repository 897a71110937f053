//! Essential tasks that do not cry wolf when the node stops.
//!
//! An essential task (the transaction pool's background worker, block authoring, the
//! GRANDPA voter) stops the node when it ends, and sc-service logs "Essential task `…`
//! failed". When the node stops on SIGINT or SIGTERM, those tasks end too, because the
//! streams they read close while the task manager shuts down, and every clean stop of a
//! validator logged failures. [`Guarded`] tells the two apart: when a task ends, it
//! waits [`GRACE`] before reporting; a stopping node drops it in that time, silently.
//! A task that ends while the node keeps running is still reported, [`GRACE`] later.
//! The sub-commands that open the database note their own end ([`note_stopping`]), so
//! that the import queue's worker, which ends when they drop the queue, does not report.

use std::{
	sync::atomic::{AtomicBool, Ordering},
	time::Duration,
};

use futures::future::BoxFuture;
use polkadot_sdk::{sc_service::SpawnEssentialTaskHandle, sp_core::traits::SpawnEssentialNamed};

/// How long a finished essential task waits before it is reported as failed.
pub const GRACE: Duration = Duration::from_millis(500);

static STOPPING: AtomicBool = AtomicBool::new(false);

/// Notes SIGINT and SIGTERM (beside sc-cli's own handlers, which stop the node), so an
/// essential task that ends after one never reports.
pub fn watch_signals() {
	tokio::spawn(async {
		use tokio::signal::unix::{signal, SignalKind};
		let (Ok(mut term), Ok(mut int)) =
			(signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
		else {
			return;
		};
		tokio::select! {
			_ = term.recv() => {},
			_ = int.recv() => {},
		}
		note_stopping();
	});
}

/// Notes that the process is stopping: a sub-command that has done its work, say, whose
/// import queue ends with it.
pub fn note_stopping() {
	STOPPING.store(true, Ordering::SeqCst);
}

/// Resolves after `d`, on a thread of its own: Tokio's timer panics when it is asked for
/// one while the runtime shuts down, which is exactly when these tasks end.
async fn delay(d: Duration) {
	let (done, wait) = futures::channel::oneshot::channel::<()>();
	std::thread::spawn(move || {
		std::thread::sleep(d);
		let _ = done.send(());
	});
	let _ = wait.await;
}

/// `future`, which ends only after [`GRACE`] and only if the node is not stopping.
fn guard(future: BoxFuture<'static, ()>) -> BoxFuture<'static, ()> {
	Box::pin(async move {
		future.await;
		if !STOPPING.load(Ordering::SeqCst) {
			delay(GRACE).await;
		}
		if STOPPING.load(Ordering::SeqCst) {
			// The task manager drops this future as it shuts down.
			std::future::pending::<()>().await;
		}
	})
}

/// The task manager's essential spawner, with every task [`guard`]ed.
#[derive(Clone)]
pub struct Guarded(pub SpawnEssentialTaskHandle);

impl SpawnEssentialNamed for Guarded {
	fn spawn_essential_blocking(
		&self,
		name: &'static str,
		group: Option<&'static str>,
		future: BoxFuture<'static, ()>,
	) {
		self.0.spawn_essential_blocking(name, group, guard(future));
	}

	fn spawn_essential(
		&self,
		name: &'static str,
		group: Option<&'static str>,
		future: BoxFuture<'static, ()>,
	) {
		self.0.spawn_essential(name, group, guard(future));
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[tokio::test]
	async fn a_task_that_ends_while_running_is_reported_after_the_grace() {
		let started = std::time::Instant::now();
		guard(Box::pin(async {})).await;
		assert!(started.elapsed() >= GRACE);
	}
}
