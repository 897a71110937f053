# Shared by the scripts: where cargo builds, and installing what a fresh machine lacks.
# Source it; it changes nothing until `zg_setup` is called.

ZG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Cargo's target dir lives outside the clone so that a fresh clone builds warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zerog/target}"
# substrate-wasm-builder finds Cargo.lock from here, so the Wasm uses the locked versions.
export WASM_BUILD_WORKSPACE_HINT="$ZG_ROOT"
export ZEROG_NODE="${ZEROG_NODE:-$CARGO_TARGET_DIR/release/zerog-node}"

# Features of the workspace build, the same for `cargo build` and `cargo test` so neither
# recompiles what the other built: the compute provider's GPU engine is compiled in (it
# loads the CUDA driver at run time and refuses to start where there is none).
ZG_FEATURES=(--features zerog-compute-provider/cuda)

zg_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
zg_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the system packages, Rust targets and npm packages the build and tests need.
zg_setup() {
	local missing=()
	command -v protoc >/dev/null || missing+=(protobuf-compiler)
	# clang: bindgen's libclang, and clang++ compiles the C++ (.cargo/config.toml).
	{ command -v clang >/dev/null && command -v clang++ >/dev/null; } || missing+=(clang)
	ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1 || missing+=(libclang-dev)
	command -v node >/dev/null || missing+=(nodejs)
	command -v npm >/dev/null || missing+=(npm)
	command -v make >/dev/null || missing+=(make)
	# OpenSSL for litep2p's WebRTC, linked from the system (.cargo/config.toml).
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
	command -v python3 >/dev/null || missing+=(python3)
	python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
	if [ ${#missing[@]} -gt 0 ]; then
		zg_log "installing system packages: ${missing[*]}"
		local sudo=""
		[ "$(id -u)" -ne 0 ] && sudo="sudo"
		$sudo apt-get update -qq || zg_die "apt-get update failed; install ${missing[*]} by hand"
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
			|| zg_die "apt-get install ${missing[*]} failed"
	fi
	command -v cargo >/dev/null || zg_die "cargo not found: install Rust with rustup first (https://rustup.rs)"
	if ! rustup target list --installed 2>/dev/null | grep -qx wasm32v1-none; then
		zg_log "adding Rust target wasm32v1-none (the runtime is built to Wasm)"
		rustup target add wasm32v1-none || zg_die "rustup target add wasm32v1-none failed"
	fi
	if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
		zg_log "adding rust-src"
		rustup component add rust-src || zg_die "rustup component add rust-src failed"
	fi
	mkdir -p "$CARGO_TARGET_DIR"
}

# npm packages of one folder, installed only when package.json changed.
zg_npm() {
	local dir="$1"
	if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules/.installed" ]; then
		zg_log "installing npm packages in ${dir#$ZG_ROOT/}"
		(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null) \
			|| zg_die "npm install in $dir failed"
		touch "$dir/node_modules/.installed"
	fi
}

# A Python virtual environment for tests/web3py (web3.py's conformance classes), kept in
# the cache and rebuilt only when its requirements change. Prints its directory.
zg_pip() {
	local req="$ZG_ROOT/tests/web3py/requirements.txt"
	local venv="${ZEROG_VENV:-$HOME/.cache/zerog/web3py-venv}"
	local stamp
	stamp="$(sha256sum "$req" | cut -c1-16)"
	if [ ! -x "$venv/bin/pytest" ] || [ "$(cat "$venv/.installed" 2>/dev/null)" != "$stamp" ]; then
		zg_log "installing Python packages for tests/web3py into $venv"
		rm -rf "$venv"
		python3 -m venv "$venv" || zg_die "python3 -m venv failed: install python3-venv"
		"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" \
			|| zg_die "pip install -r $req failed"
		echo "$stamp" > "$venv/.installed"
	fi
	export ZEROG_VENV="$venv"
}

# Builds the whole workspace in release, all targets: zerog-node (and with it the
# runtime's Wasm blobs), the clients, and every test and benchmark binary. One cargo
# invocation for everything keeps one feature resolution, so the node that run.sh starts
# and the binaries test.sh runs share every compiled dependency (building the node
# alone and then the tests would compile polkadot-sdk twice, with different features).
zg_build() {
	if [ "${ZG_CI_MTIMES:-0}" = 1 ]; then zg_restore_mtimes; fi
	zg_log "building the workspace (release) into $CARGO_TARGET_DIR"
	# --timings: cargo-timings/cargo-timing.html tells where a slow build's minutes went;
	# the dated copies cargo also writes are dropped, so the folder does not grow.
	rm -f "$CARGO_TARGET_DIR"/cargo-timings/cargo-timing-*.html
	(cd "$ZG_ROOT" && cargo build --release --locked --workspace --all-targets --timings "${ZG_FEATURES[@]}") || zg_die "cargo build failed"
	node "$ZG_ROOT/scripts/build-timings.mjs" || zg_log "no build timings to show"
}

# Warm builds from a fresh clone (.ci/run sets ZG_CI_MTIMES=1).
#
# Cargo decides that a workspace crate must be rebuilt when one of its files is newer
# than its last build, and a fresh clone's files are all new: every member, the node
# and both runtime Wasm blobs would be rebuilt and re-checked on every CI run, about
# 15 minutes here. The stamp below records the commit whose clean checkout last built
# everything in the target dir; when the clone still holds it and nothing was built in
# that target dir since (no fingerprint newer than the stamp), every tracked file that
# is unchanged since that commit, in the index and on disk, is dated back so cargo
# sees what it already built. Changed, added and untracked files keep their new dates
# and are rebuilt. In any other case nothing is touched and cargo rebuilds as usual.
ZG_STAMP="$CARGO_TARGET_DIR/.zerog-built-commit"
ZG_OLD_MTIME="2000-01-01 00:00:00Z"

zg_restore_mtimes() {
	ZG_CLEAN_COMMIT=""
	local git=(git -C "$ZG_ROOT")
	# The commit this run builds, when the checkout is clean (what zg_stamp_build records).
	if [ -z "$("${git[@]}" status --porcelain 2>/dev/null)" ]; then
		ZG_CLEAN_COMMIT="$("${git[@]}" rev-parse HEAD 2>/dev/null || true)"
	fi
	local built
	built="$(cat "$ZG_STAMP" 2>/dev/null || true)"
	if [ -z "$built" ] || ! "${git[@]}" cat-file -e "$built^{commit}" 2>/dev/null; then
		zg_log "build cache: no stamp of a commit of this clone; cargo rebuilds the workspace"
		return 0
	fi
	if [ -n "$(find "$CARGO_TARGET_DIR" -path '*/.fingerprint/*' -newer "$ZG_STAMP" -print -quit)" ]; then
		zg_log "build cache: something was built after the stamp of $built; cargo rebuilds the workspace"
		return 0
	fi
	# Changed since the stamped commit (in commits, in the index or on disk) and untracked:
	# these keep their dates. Any failure here leaves every date as it is.
	local changed kept
	changed="$(mktemp)" && kept="$(mktemp)" || return 0
	if ! { "${git[@]}" diff -z --no-renames --name-only "$built" \
		&& "${git[@]}" diff -z --no-renames --name-only --cached "$built" \
		&& "${git[@]}" ls-files -z --others --exclude-standard; } > "$changed" \
		|| ! "${git[@]}" ls-files -z > "$kept"; then
		zg_log "build cache: could not list the changed files; cargo rebuilds the workspace"
		rm -f "$changed" "$kept"
		return 0
	fi
	local n
	sort -z -u -o "$changed" "$changed" || { rm -f "$changed" "$kept"; return 0; }
	n="$(tr -cd '\0' < "$changed" | wc -c)" || n="?"
	sort -z "$kept" | comm -z -23 - "$changed" \
		| (cd "$ZG_ROOT" && xargs -0 -r touch -h -d "$ZG_OLD_MTIME") \
		|| zg_log "build cache: some dates could not be set; cargo rebuilds those crates"
	# The node's version string carries the commit; its build script watches these two.
	if [ "$built" = "$ZG_CLEAN_COMMIT" ]; then
		local name path
		for name in HEAD "$("${git[@]}" symbolic-ref -q HEAD || true)"; do
			[ -n "$name" ] || continue
			path="$("${git[@]}" rev-parse --git-path "$name" 2>/dev/null)" || continue
			case "$path" in /*) ;; *) path="$ZG_ROOT/$path" ;; esac
			touch -c -d "$ZG_OLD_MTIME" "$path" 2>/dev/null || true
		done
	fi
	zg_log "build cache: built from $built; $n file(s) changed since keep their dates"
	rm -f "$changed" "$kept"
}

# Called after the last cargo command of a run: the target dir now holds what the clean
# checkout of $ZG_CLEAN_COMMIT builds.
zg_stamp_build() {
	[ "${ZG_CI_MTIMES:-0}" = 1 ] || return 0
	if [ -n "${ZG_CLEAN_COMMIT:-}" ] && [ "$(git -C "$ZG_ROOT" rev-parse HEAD)" = "$ZG_CLEAN_COMMIT" ] \
		&& [ -z "$(git -C "$ZG_ROOT" status --porcelain)" ]; then
		echo "$ZG_CLEAN_COMMIT" > "$ZG_STAMP"
	else
		rm -f "$ZG_STAMP"
	fi
}
