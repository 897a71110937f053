//! wasmtime's on-disk cache of the runtime's compiled code.
//!
//! Before a node runs the runtime it compiles the Wasm to machine code: on the 2-core
//! reference machine about 6 s of wall time and twice that of CPU, on every start, and
//! again for each runtime a chain upgrades to. wasmtime can keep the compiled code on
//! disk, keyed by the Wasm, the compiler's settings and wasmtime's own version, so that a
//! restart loads it instead of compiling. sc-service's executor keeps no such cache; the
//! node's keeps one in its base path unless told otherwise, or in the user's cache
//! directory when the base path is temporary (`--tmp`, or `--dev` without
//! `--base-path`), so that those starts gain from it too. Nodes on one machine may
//! share one (the files are written whole and renamed into place).

use std::path::{Path, PathBuf};

use polkadot_sdk::{
	sc_executor::{HeapAllocStrategy, HostFunctions, WasmExecutor, DEFAULT_HEAP_ALLOC_STRATEGY},
	sc_service::{config::ExecutorConfiguration, Configuration},
};

/// Where the node keeps the runtime's compiled code.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WasmCacheParams {
	/// Where to keep the runtime's compiled machine code between starts
	/// [default: `wasm-cache` in the base path; with a temporary base path,
	/// `$XDG_CACHE_HOME/zerog-node/wasm-cache` or `~/.cache/zerog-node/wasm-cache`].
	/// Nodes on one machine may share one.
	#[arg(long, value_name = "PATH")]
	pub wasm_cache_dir: Option<PathBuf>,

	/// Keep no compiled code on disk: compile the runtime on every start.
	#[arg(long, conflicts_with = "wasm_cache_dir")]
	pub no_wasm_cache: bool,

	/// Whether the node's base path is a temporary directory, deleted at exit (set by the
	/// command line's dispatch, not a flag).
	#[arg(skip)]
	pub temporary_base_path: bool,
}

impl WasmCacheParams {
	/// The cache directory for a node with this configuration, if it keeps one.
	pub fn dir(&self, config: &Configuration) -> Option<PathBuf> {
		self.dir_under(config.base_path.path())
	}

	/// The cache directory for a node whose base path is `base`, made absolute: wasmtime
	/// refuses a relative one, and the node would then compile the runtime again at every
	/// start (`--base-path data` is a relative path).
	fn dir_under(&self, base: &Path) -> Option<PathBuf> {
		let dir = if self.no_wasm_cache {
			None
		} else if let Some(dir) = &self.wasm_cache_dir {
			Some(dir.clone())
		} else if self.temporary_base_path {
			user_cache_dir(|name| std::env::var_os(name))
		} else {
			Some(base.join("wasm-cache"))
		};
		dir.map(|dir| std::path::absolute(&dir).unwrap_or(dir))
	}
}

/// `zerog-node/wasm-cache` in the user's cache directory (XDG), if there is a home.
fn user_cache_dir(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
	let non_empty = |name| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
	let cache =
		non_empty("XDG_CACHE_HOME").or_else(|| non_empty("HOME").map(|h| h.join(".cache")))?;
	Some(cache.join("zerog-node").join("wasm-cache"))
}

/// The executor sc-service's `new_wasm_executor` builds from `config`, with the compiled
/// code cached in `cache` when given.
pub fn new_executor<H: HostFunctions>(
	config: &ExecutorConfiguration,
	cache: Option<PathBuf>,
) -> WasmExecutor<H> {
	let strategy = config
		.default_heap_pages
		.map_or(DEFAULT_HEAP_ALLOC_STRATEGY, |p| HeapAllocStrategy::Static { extra_pages: p as _ });
	let builder = WasmExecutor::<H>::builder()
		.with_execution_method(config.wasm_method)
		.with_onchain_heap_alloc_strategy(strategy)
		.with_offchain_heap_alloc_strategy(strategy)
		.with_max_runtime_instances(config.max_runtime_instances)
		.with_runtime_cache_size(config.runtime_cache_size);
	match cache {
		Some(dir) => builder.with_cache_path(dir).build(),
		None => builder.build(),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_flags_parse() {
		use clap::Parser;
		#[derive(clap::Parser)]
		struct Cmd {
			#[clap(flatten)]
			cache: WasmCacheParams,
		}
		let cmd = Cmd::parse_from(["node", "--wasm-cache-dir", "/var/cache/zerog"]);
		assert_eq!(cmd.cache.wasm_cache_dir, Some(PathBuf::from("/var/cache/zerog")));
		assert!(Cmd::parse_from(["node", "--no-wasm-cache"]).cache.no_wasm_cache);
		assert!(Cmd::try_parse_from(["node", "--no-wasm-cache", "--wasm-cache-dir", "/x"]).is_err());
	}

	#[test]
	fn a_relative_base_path_or_directory_gives_an_absolute_cache_directory() {
		let cwd = std::env::current_dir().unwrap();
		let params = |dir: Option<&str>| WasmCacheParams {
			wasm_cache_dir: dir.map(PathBuf::from),
			no_wasm_cache: false,
			temporary_base_path: false,
		};
		let under_base = params(None).dir_under(Path::new("data")).unwrap();
		assert_eq!(under_base, cwd.join("data").join("wasm-cache"));
		let given = params(Some("cache/wasm")).dir_under(Path::new("/var/lib/zerog")).unwrap();
		assert_eq!(given, cwd.join("cache/wasm"));
		// Absolute paths are kept as they are.
		let absolute = params(None).dir_under(Path::new("/var/lib/zerog")).unwrap();
		assert_eq!(absolute, PathBuf::from("/var/lib/zerog/wasm-cache"));
		let off = WasmCacheParams { no_wasm_cache: true, ..params(None) };
		assert_eq!(off.dir_under(Path::new("data")), None);
	}

	#[test]
	fn a_temporary_base_path_caches_in_the_users_cache_directory() {
		let env = |vars: &'static [(&'static str, &'static str)]| {
			move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.into())
		};
		assert_eq!(
			user_cache_dir(env(&[("XDG_CACHE_HOME", "/c"), ("HOME", "/h")])),
			Some(PathBuf::from("/c/zerog-node/wasm-cache"))
		);
		assert_eq!(
			user_cache_dir(env(&[("XDG_CACHE_HOME", ""), ("HOME", "/h")])),
			Some(PathBuf::from("/h/.cache/zerog-node/wasm-cache"))
		);
		assert_eq!(user_cache_dir(env(&[])), None);
	}
}
