//! The chain client (`client/chain`) is generated from this runtime's metadata, checked
//! in as `client/chain/metadata/zerog.scale`. This test fails when that file is not the
//! metadata of the runtime in this checkout, so a change to a call, event, storage item,
//! error or runtime API cannot land without the clients being regenerated against it.
//!
//! `scripts/refresh-metadata.sh` rewrites the file (it runs this test with
//! `ZEROG_REFRESH_METADATA=1`).

use zerog_runtime::Runtime;

/// The metadata version the clients are generated from.
const VERSION: u32 = 16;

fn checked_in() -> std::path::PathBuf {
	std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/chain/metadata/zerog.scale")
}

#[test]
fn client_metadata_is_this_runtimes() {
	let current = polkadot_sdk::sp_io::TestExternalities::new_empty()
		.execute_with(|| Runtime::metadata_at_version(VERSION))
		.unwrap_or_else(|| panic!("the runtime serves no v{VERSION} metadata"));
	let current: &[u8] = &current;
	assert_eq!(&current[..4], b"meta", "metadata starts with its magic number");
	let path = checked_in();
	if std::env::var_os("ZEROG_REFRESH_METADATA").is_some() {
		std::fs::write(&path, current).expect("write the client metadata");
		eprintln!("wrote {} ({} bytes)", path.display(), current.len());
		return;
	}
	let file = std::fs::read(&path).unwrap_or_default();
	assert!(
		file == current,
		"{} is stale ({} bytes; the runtime's metadata is {} bytes): run scripts/refresh-metadata.sh \
		 and rebuild the clients",
		path.display(),
		file.len(),
		current.len(),
	);
}

/// Polkadot.js decodes fixed-length arrays of at most 2,048 elements: a call, event or
/// storage item with a longer array makes `ApiPromise.create` fail for the whole chain.
/// Every array in the metadata must stay within it (use a vector with a checked length).
#[test]
fn polkadot_js_can_decode_every_type() {
	use polkadot_sdk::frame_support::__private::metadata::RuntimeMetadata;
	use scale_info::TypeDef;
	let prefixed =
		polkadot_sdk::sp_io::TestExternalities::new_empty().execute_with(Runtime::metadata);
	let types = match prefixed.1 {
		RuntimeMetadata::V14(m) => m.types,
		RuntimeMetadata::V15(m) => m.types,
		RuntimeMetadata::V16(m) => m.types,
		_ => panic!("metadata of an unknown version"),
	};
	let too_long: Vec<String> = types
		.types
		.iter()
		.filter_map(|t| match &t.ty.type_def {
			TypeDef::Array(a) if a.len > 2048 => Some(format!("type {} ([_; {}])", t.id, a.len)),
			_ => None,
		})
		.collect();
	assert!(too_long.is_empty(), "arrays Polkadot.js cannot decode: {too_long:?}");
}
