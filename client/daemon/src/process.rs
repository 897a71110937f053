//! What every daemon's `main` does the same way: logging set up from `RUST_LOG`, one
//! future for SIGINT and SIGTERM, and the deprecation line for a renamed flag.

/// Logs to stderr with `RUST_LOG`'s filter, or `default_filter` (e.g. `info`).
pub fn init_tracing(default_filter: &str) {
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.unwrap_or_else(|_| default_filter.into());
	// A second initialisation (tests) keeps the first subscriber.
	let _ =
		tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM, logging which, so a daemon stops
/// serving, lets in-flight requests finish and closes its store cleanly.
pub async fn shutdown_signal(name: &'static str) {
	#[cfg(unix)]
	{
		use tokio::signal::unix::{signal, SignalKind};
		match signal(SignalKind::terminate()) {
			Ok(mut term) => tokio::select! {
				_ = tokio::signal::ctrl_c() => tracing::info!(target: "daemon", "{name}: SIGINT, shutting down"),
				_ = term.recv() => tracing::info!(target: "daemon", "{name}: SIGTERM, shutting down"),
			},
			Err(e) => {
				tracing::warn!(target: "daemon", "{name}: no SIGTERM handler ({e}); stopping on Ctrl-C only");
				let _ = tokio::signal::ctrl_c().await;
				tracing::info!(target: "daemon", "{name}: SIGINT, shutting down");
			}
		}
	}
	#[cfg(not(unix))]
	{
		let _ = tokio::signal::ctrl_c().await;
		tracing::info!(target: "daemon", "{name}: Ctrl-C, shutting down");
	}
}

/// The deprecated flags among `args` (as `(old, new)` pairs from `renamed`), one warning
/// line each: a renamed flag keeps working for one release and says what replaces it.
pub fn deprecated_flags<'a>(
	args: impl IntoIterator<Item = String>,
	renamed: &'a [(&'a str, &'a str)],
) -> Vec<String> {
	let mut out = Vec::new();
	for arg in args {
		let flag = arg.split('=').next().unwrap_or_default();
		if let Some((old, new)) = renamed.iter().find(|(old, _)| *old == flag) {
			let line = format!("warning: {old} is deprecated and will be removed; use {new}");
			if !out.contains(&line) {
				out.push(line);
			}
		}
	}
	out
}

/// Prints [`deprecated_flags`] of this process's arguments to stderr.
pub fn warn_deprecated_flags(renamed: &[(&str, &str)]) {
	for line in deprecated_flags(std::env::args().skip(1), renamed) {
		eprintln!("{line}");
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn each_renamed_flag_is_named_once_with_its_successor() {
		let args = ["--chain-rpc", "http://x", "--db-path=/d", "--chain-rpc", "y", "--listen", "a"]
			.map(String::from);
		let lines =
			deprecated_flags(args, &[("--chain-rpc", "--chain"), ("--db-path", "--base-path")]);
		assert_eq!(
			lines,
			[
				"warning: --chain-rpc is deprecated and will be removed; use --chain",
				"warning: --db-path is deprecated and will be removed; use --base-path",
			]
		);
		assert!(deprecated_flags(["--chain".to_string()], &[("--chain-rpc", "--chain")]).is_empty());
	}
}
