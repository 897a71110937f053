//! A stop that closes the database before the process exits.
//!
//! RocksDB has to be closed before `exit` runs: `exit` destroys RocksDB's static objects
//! (the periodic task scheduler's timer among them), and an instance still open then, or
//! being closed on another thread at that moment, finds their mutexes destroyed. It
//! prints `pthread lock: Invalid argument` and aborts, and a validator's SIGTERM ends in
//! an abort instead of a clean stop (`chain.test.mjs` caught one in three stops under
//! CI's load).
//!
//! When sc-cli's runner returns, its Tokio runtime has stopped, but threads of its own can
//! still hold the client, and through it the database: the offchain workers' thread pool
//! and the transaction pool's validation threads, each until it finishes what it is
//! running. The node keeps one reference to the backend in a [`LastReference`]; once the
//! runner returns, [`LastReference::close`] waits until every other holder has let go,
//! at most [`RELEASE_TIMEOUT`], and drops the last reference itself, on the main thread,
//! which closes the database before `main` returns. Every command that opens the
//! database (the node, `import-blocks`, `export-blocks`, `export-state`, `check-block`,
//! `revert`, `benchmark`) ends this way.
//!
//! The same stop has one more hazard, a panic: sc-cli tells the tasks to stop and shuts the
//! Tokio runtime down right after, and a blocking task (the sync engine, the GRANDPA
//! voter, the import queue) that is being polled at that moment can still ask Tokio for
//! a timer, which Tokio refuses with a panic. The task was ending anyway, and the panic
//! is caught where the task was spawned; but sc-cli's panic hook ends the process with
//! code 1 on any panic, so a clean SIGTERM stop could exit 1 (`chain.test.mjs` caught
//! one in CI). [`let_refused_timers_unwind`] lets that one panic unwind.

use std::{
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

/// How long a stopping node waits for other threads to let go of the database.
pub const RELEASE_TIMEOUT: Duration = Duration::from_secs(10);

/// How often [`LastReference::release`] looks again.
const POLL: Duration = Duration::from_millis(5);

/// Tokio's message when it is asked for a timer while its runtime shuts down.
const TIMER_REFUSED: &str = "A Tokio 1.x context was found, but it is being shutdown.";

/// Installs, over the panic hook sc-cli set (call it after `create_runner`), one
/// exception: a panic that is Tokio refusing a timer because its runtime is shutting down
/// unwinds, noted in the debug log, instead of ending the process with code 1. Every other
/// panic goes to sc-cli's hook as before.
pub fn let_refused_timers_unwind() {
	let previous = std::panic::take_hook();
	std::panic::set_hook(Box::new(move |info| {
		if is_refused_timer(info.payload_as_str()) {
			log::debug!(
				target: "shutdown",
				"Thread {} asked for a timer while the runtime shut down; its task ends",
				std::thread::current().name().unwrap_or("(unnamed)")
			);
			return;
		}
		previous(info)
	}));
}

/// Whether a panic's message is Tokio refusing a timer at shutdown.
fn is_refused_timer(message: Option<&str>) -> bool {
	message == Some(TIMER_REFUSED)
}

/// One reference to a value that is to be dropped on the thread that releases it.
pub struct LastReference<T>(Arc<Mutex<Option<Arc<T>>>>);

impl<T> Clone for LastReference<T> {
	fn clone(&self) -> Self {
		Self(self.0.clone())
	}
}

impl<T> Default for LastReference<T> {
	fn default() -> Self {
		Self(Arc::new(Mutex::new(None)))
	}
}

/// What [`LastReference::release`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Released {
	/// Nothing was kept (the node failed before it opened the database).
	NothingKept,
	/// The value was dropped on the releasing thread, after every other holder let go.
	DroppedHere {
		/// How long the others held it.
		waited: Duration,
	},
	/// Other holders kept it past the timeout; the releasing thread let go of its own
	/// reference and did not wait longer.
	StillHeld {
		/// References still held elsewhere.
		others: usize,
	},
}

impl<T> LastReference<T> {
	/// Keeps `value` until [`Self::release`].
	pub fn keep(&self, value: Arc<T>) {
		*self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(value);
	}

	/// [`Self::release`] with [`RELEASE_TIMEOUT`], and a log line on what it did: a
	/// warning when the value was still held elsewhere.
	pub fn close(&self) {
		match self.release(RELEASE_TIMEOUT) {
			Released::StillHeld { others } => log::warn!(
				"The database was still in use ({others} references) {} s after the command \
				 stopped; exiting without closing it",
				RELEASE_TIMEOUT.as_secs()
			),
			Released::DroppedHere { waited } => log::debug!(
				target: "shutdown",
				"Closed the database after other threads held it for {waited:?}"
			),
			Released::NothingKept => {}
		}
	}

	/// Waits, at most `timeout`, until the kept reference is the only one left, and drops
	/// it on this thread.
	pub fn release(&self, timeout: Duration) -> Released {
		let kept = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
		let Some(value) = kept else { return Released::NothingKept };
		let started = Instant::now();
		let deadline = started + timeout;
		loop {
			let others = Arc::strong_count(&value) - 1;
			if others == 0 {
				drop(value);
				return Released::DroppedHere { waited: started.elapsed() };
			}
			if Instant::now() >= deadline {
				return Released::StillHeld { others };
			}
			std::thread::sleep(POLL);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::thread::{self, ThreadId};

	/// Records the thread it is dropped on.
	struct Database(Arc<Mutex<Option<ThreadId>>>);

	impl Drop for Database {
		fn drop(&mut self) {
			*self.0.lock().unwrap() = Some(thread::current().id());
		}
	}

	fn database() -> (Arc<Database>, Arc<Mutex<Option<ThreadId>>>) {
		let closed_on = Arc::new(Mutex::new(None));
		(Arc::new(Database(closed_on.clone())), closed_on)
	}

	#[test]
	fn the_database_closes_on_the_releasing_thread_after_the_others_let_go() {
		let (db, closed_on) = database();
		let last = LastReference::default();
		last.keep(db.clone());
		let worker = thread::spawn(move || {
			thread::sleep(Duration::from_millis(200));
			drop(db);
		});
		let Released::DroppedHere { waited } = last.release(Duration::from_secs(10)) else {
			panic!("not dropped here");
		};
		assert!(waited >= Duration::from_millis(150), "it waited for the worker: {waited:?}");
		assert_eq!(*closed_on.lock().unwrap(), Some(thread::current().id()));
		worker.join().unwrap();
	}

	#[test]
	fn a_holder_past_the_timeout_does_not_hold_up_the_stop() {
		let (db, closed_on) = database();
		let last = LastReference::default();
		last.keep(db.clone());
		let (done, wait) = std::sync::mpsc::channel::<()>();
		let worker = thread::spawn(move || {
			let _ = wait.recv();
			drop(db);
		});
		let started = Instant::now();
		assert_eq!(last.release(Duration::from_millis(100)), Released::StillHeld { others: 1 });
		assert!(started.elapsed() < Duration::from_secs(5));
		assert_eq!(*closed_on.lock().unwrap(), None, "still open where it is held");
		let worker_id = worker.thread().id();
		done.send(()).unwrap();
		worker.join().unwrap();
		assert_eq!(*closed_on.lock().unwrap(), Some(worker_id), "the last holder closed it");
	}

	/// The message the hook lets through is the one this Tokio panics with when a blocking
	/// task, as sc-service runs one (`block_on` on a thread of the blocking pool), polls a
	/// timer while the runtime shuts down.
	#[test]
	fn a_timer_polled_while_the_runtime_shuts_down_is_recognised() {
		let runtime = tokio::runtime::Builder::new_multi_thread()
			.worker_threads(1)
			.enable_time()
			.build()
			.unwrap();
		let handle = runtime.handle().clone();
		let (ended, message) = std::sync::mpsc::channel();
		runtime.spawn_blocking(move || {
			let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
				handle.block_on(async {
					loop {
						tokio::time::sleep(Duration::from_micros(100)).await;
					}
				})
			}));
			let payload = run.expect_err("the loop ends only by a panic");
			let text = payload
				.downcast_ref::<String>()
				.cloned()
				.or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()));
			let _ = ended.send(text);
		});
		thread::sleep(Duration::from_millis(20));
		runtime.shutdown_timeout(Duration::from_secs(10));
		let message = message.recv_timeout(Duration::from_secs(10)).expect("the task ended");
		assert!(is_refused_timer(message.as_deref()), "{message:?}");
		assert!(!is_refused_timer(Some("index out of bounds")));
		assert!(!is_refused_timer(None));
	}

	#[test]
	fn nothing_kept_is_nothing_released() {
		assert_eq!(
			LastReference::<Database>::default().release(Duration::ZERO),
			Released::NothingKept
		);
	}
}
