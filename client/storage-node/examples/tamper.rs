//! Fault injection for tests: flips one byte of a segment a (stopped) storage node holds,
//! leaving its proof in place, as a disk or a dishonest operator might.
//!
//! `tamper DB_PATH ROOT INDEX`

use zerog_storage_node::{api::parse_hash, store::Store};

fn main() {
	let args: Vec<String> = std::env::args().collect();
	let [_, db, id, index] = &args[..] else {
		eprintln!("usage: tamper DB_PATH ROOT INDEX");
		std::process::exit(2);
	};
	let root = parse_hash(id).unwrap_or_else(|e| panic!("file id: {e}"));
	let index: u64 = index.parse().expect("index");
	let store = Store::open(std::path::Path::new(db), true).expect("open store");
	let mut data = store.segment(&root, index).expect("read").expect("segment held");
	data[0] ^= 0xff;
	store.overwrite_segment_unchecked(&root, index, &data).expect("write");
	println!("flipped byte 0 of segment {index}");
}
