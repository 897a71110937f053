//! Builds the runtime to Wasm with substrate-wasm-builder.
//!
//! Two blobs come out of one build:
//! - the runtime itself (`WASM_BINARY`, embedded in `zerog-node` as the genesis runtime);
//! - the same source with the `next-spec-version` feature, whose only difference is a
//!   spec_version one higher. The forkless-upgrade test submits it with
//!   `system.set_code` to a running chain, exactly as governance would submit a release.

fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::init_with_defaults().build();
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("next-spec-version")
			.set_file_name("zerog_runtime_next_spec_version")
			.build();
	}
}
