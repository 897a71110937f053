//! The pool against a model of the host's allocator: blocks with an 8-byte header before
//! them, a record of every live host allocation, and a limit to run out of.

use super::*;
use proptest::prelude::*;
use std::{
	alloc::{alloc, dealloc as std_dealloc},
	cell::RefCell,
	collections::BTreeMap,
};

/// The host's heap, per test thread.
#[derive(Default)]
struct Heap {
	/// Live host allocations: returned pointer -> requested size.
	live: BTreeMap<usize, usize>,
	mallocs: usize,
	frees: usize,
	/// Bytes the host may still hand out.
	left: Option<usize>,
}

thread_local! {
	static HEAP: RefCell<Heap> = RefCell::new(Heap::default());
}

fn heap<R>(f: impl FnOnce(&mut Heap) -> R) -> R {
	HEAP.with(|h| f(&mut h.borrow_mut()))
}

/// Like the host's freeing-bump allocator: 8-aligned blocks after an 8-byte header whose
/// last three bytes are zero.
struct MockHost;

fn host_layout(size: usize) -> Layout {
	Layout::from_size_align(size + 8, 8).unwrap()
}

impl Host for MockHost {
	fn malloc(size: usize) -> *mut u8 {
		if heap(|h| match h.left {
			Some(left) if left < size => true,
			Some(ref mut left) => {
				*left -= size;
				false
			}
			None => false,
		}) {
			return ptr::null_mut();
		}
		// SAFETY: the layout is not zero-sized.
		let base = unsafe { alloc(host_layout(size)) };
		assert!(!base.is_null());
		// SAFETY: the header is the block's first 8 bytes.
		unsafe { base.cast::<u64>().write((1u64 << 32) | 7) };
		let p = unsafe { base.add(8) };
		heap(|h| {
			h.live.insert(p as usize, size);
			h.mallocs += 1;
		});
		p
	}

	unsafe fn free(ptr: *mut u8) {
		let size = heap(|h| {
			h.frees += 1;
			h.live.remove(&(ptr as usize))
		})
		.expect("the host frees only what it allocated, once");
		if let Some(left) = heap(|h| h.left) {
			heap(|h| h.left = Some(left + size));
		}
		// SAFETY: allocated by `malloc` above with this layout.
		unsafe { std_dealloc(ptr.sub(8), host_layout(size)) };
	}
}

fn allocator() -> PoolAllocator<MockHost> {
	heap(|h| *h = Heap::default());
	// SAFETY: each test uses its allocator from its own thread only.
	unsafe { PoolAllocator::new() }
}

fn layout(size: usize, align: usize) -> Layout {
	Layout::from_size_align(size, align).unwrap()
}

#[test]
fn small_allocations_stay_in_the_instance() {
	let a = allocator();
	let l = layout(40, 8);
	let first = unsafe { a.alloc(l) };
	assert!(a.owns(first));
	assert_eq!(heap(|h| h.mallocs), 1, "the first chunk");
	for _ in 0..10_000 {
		let p = unsafe { a.alloc(l) };
		unsafe { a.dealloc(p, l) };
	}
	assert_eq!(heap(|h| (h.mallocs, h.frees)), (1, 0), "no host call after the first chunk");
	unsafe { a.dealloc(first, l) };
}

#[test]
fn a_freed_block_is_reused_by_its_class() {
	let a = allocator();
	let p = unsafe { a.alloc(layout(100, 8)) };
	unsafe { a.dealloc(p, layout(100, 8)) };
	// 100 and 128 bytes share the 128-byte class.
	assert_eq!(unsafe { a.alloc(layout(128, 4)) }, p);
	// Another class gets another block.
	assert_ne!(unsafe { a.alloc(layout(100, 8)) }, p);
}

#[test]
fn blocks_are_aligned_as_asked() {
	let a = allocator();
	for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
		for size in [1, 7, 16, 33, 1000, MAX_POOLED, MAX_POOLED + 1] {
			let p = unsafe { a.alloc(layout(size, align)) };
			assert!(!p.is_null());
			assert_eq!(p as usize % align, 0, "size {size} align {align}");
			assert_eq!(a.owns(p), align <= POOL_ALIGN && size <= MAX_POOLED);
			unsafe { p.write_bytes(0xAB, size) };
			unsafe { a.dealloc(p, layout(size, align)) };
		}
	}
	assert_eq!(heap(|h| h.live.len()), a.chunks(), "only the chunks stay allocated");
}

#[test]
fn large_and_over_aligned_allocations_go_to_the_host() {
	let a = allocator();
	let big = layout(MAX_POOLED + 1, 8);
	let p = unsafe { a.alloc(big) };
	assert!(!a.owns(p));
	assert!(heap(|h| h.live.contains_key(&(p as usize))), "the host's own block");
	unsafe { a.dealloc(p, big) };
	assert!(!heap(|h| h.live.contains_key(&(p as usize))));

	let aligned = layout(64, 64);
	let p = unsafe { a.alloc(aligned) };
	assert!(!a.owns(p));
	unsafe { a.dealloc(p, aligned) };
	assert_eq!(heap(|h| h.live.len()), 0, "given back with the offset sp-io stores");
}

#[test]
fn values_the_host_returns_are_freed_by_the_host() {
	let a = allocator();
	let _pooled = unsafe { a.alloc(layout(8, 8)) };
	// What a host function such as `storage::get` hands the runtime as a `Vec<u8>`.
	let from_host = MockHost::malloc(77);
	unsafe { a.dealloc(from_host, layout(77, 1)) };
	assert_eq!(heap(|h| (h.frees, h.live.len())), (1, 1), "freed by the host; the chunk stays");
}

#[test]
fn realloc_keeps_the_block_within_its_class_and_the_bytes_across() {
	let a = allocator();
	let l = layout(20, 4);
	let p = unsafe { a.alloc(l) };
	unsafe { p.copy_from_nonoverlapping([7u8; 20].as_ptr(), 20) };
	let q = unsafe { a.realloc(p, l, 32) };
	assert_eq!(p, q, "20 and 32 bytes share a class");
	let r = unsafe { a.realloc(q, layout(32, 4), 5000) };
	assert_ne!(q, r);
	assert_eq!(unsafe { core::slice::from_raw_parts(r, 20) }, &[7u8; 20]);
	// Into the host and back.
	let s = unsafe { a.realloc(r, layout(5000, 4), MAX_POOLED * 2) };
	assert!(!a.owns(s));
	assert_eq!(unsafe { core::slice::from_raw_parts(s, 20) }, &[7u8; 20]);
	let t = unsafe { a.realloc(s, layout(MAX_POOLED * 2, 4), 20) };
	assert!(a.owns(t));
	assert_eq!(unsafe { core::slice::from_raw_parts(t, 20) }, &[7u8; 20]);
	assert_eq!(heap(|h| h.live.len()), a.chunks());
}

#[test]
fn chunks_grow_and_then_the_host_serves_directly() {
	let a = allocator();
	let l = layout(MAX_POOLED, 8);
	let mut blocks = Vec::new();
	while a.chunks() < MAX_CHUNKS {
		blocks.push(unsafe { a.alloc(l) });
	}
	let sizes: Vec<usize> = heap(|h| h.live.values().copied().collect());
	assert_eq!(sizes.iter().max(), Some(&LARGEST_CHUNK));
	assert_eq!(sizes.iter().min(), Some(&FIRST_CHUNK));
	// Fill the last chunk; the next block is the host's.
	let mut p = unsafe { a.alloc(l) };
	while a.owns(p) {
		blocks.push(p);
		p = unsafe { a.alloc(l) };
	}
	assert_eq!(a.chunks(), MAX_CHUNKS);
	unsafe { a.dealloc(p, l) };
	for b in blocks {
		unsafe { a.dealloc(b, l) };
	}
	assert_eq!(heap(|h| h.live.len()), MAX_CHUNKS);
}

#[test]
fn an_exhausted_host_gives_null_not_a_panic() {
	let a = allocator();
	heap(|h| h.left = Some(FIRST_CHUNK + 100));
	let l = layout(1024, 8);
	let mut n = 0;
	while !unsafe { a.alloc(l) }.is_null() {
		n += 1;
	}
	// The first chunk, less the block its start's alignment to 16 may cost; then nothing.
	assert!((FIRST_CHUNK / 1024 - 1..=FIRST_CHUNK / 1024).contains(&n), "{n} blocks");
	assert!(unsafe { a.alloc(layout(MAX_POOLED * 4, 8)) }.is_null());
}

#[derive(Debug, Clone)]
enum Op {
	Alloc { size: usize, align_shift: u32 },
	Free(usize),
	Realloc(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		4 => (prop_oneof![1usize..64, 1usize..4096, 1usize..(3 * MAX_POOLED)], 0u32..7)
			.prop_map(|(size, align_shift)| Op::Alloc { size, align_shift }),
		3 => any::<usize>().prop_map(Op::Free),
		2 => (any::<usize>(), 1usize..(2 * MAX_POOLED)).prop_map(|(i, s)| Op::Realloc(i, s)),
	]
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// Any sequence of allocations, frees and reallocations: blocks are aligned, never
	/// overlap, keep their bytes, and when all are freed only the chunks stay.
	#[test]
	fn blocks_never_overlap_and_keep_their_bytes(ops in proptest::collection::vec(op(), 1..400)) {
		let a = allocator();
		// Live blocks: (pointer, layout, fill byte).
		let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
		let check = |live: &[(*mut u8, Layout, u8)]| {
			let mut spans: Vec<(usize, usize)> =
				live.iter().map(|(p, l, _)| (*p as usize, *p as usize + l.size())).collect();
			spans.sort();
			for w in spans.windows(2) {
				prop_assert!(w[0].1 <= w[1].0, "overlap: {:?}", w);
			}
			for (p, l, fill) in live {
				let bytes = unsafe { core::slice::from_raw_parts(*p, l.size()) };
				prop_assert!(bytes.iter().all(|b| b == fill));
			}
			Ok(())
		};
		for (n, op) in ops.into_iter().enumerate() {
			let fill = n as u8;
			match op {
				Op::Alloc { size, align_shift } => {
					let l = layout(size, 1 << align_shift);
					let p = unsafe { a.alloc(l) };
					prop_assert!(!p.is_null());
					prop_assert_eq!(p as usize % l.align(), 0);
					unsafe { p.write_bytes(fill, size) };
					live.push((p, l, fill));
				},
				Op::Free(i) if !live.is_empty() => {
					let (p, l, _) = live.swap_remove(i % live.len());
					unsafe { a.dealloc(p, l) };
				},
				Op::Realloc(i, size) if !live.is_empty() => {
					let i = i % live.len();
					let (p, l, old) = live[i];
					let q = unsafe { a.realloc(p, l, size) };
					prop_assert!(!q.is_null());
					let kept = unsafe { core::slice::from_raw_parts(q, l.size().min(size)) };
					prop_assert!(kept.iter().all(|&b| b == old));
					unsafe { q.write_bytes(fill, size) };
					live[i] = (q, layout(size, l.align()), fill);
				},
				_ => {},
			}
			check(&live)?;
		}
		for (p, l, _) in live {
			unsafe { a.dealloc(p, l) };
		}
		prop_assert_eq!(heap(|h| h.live.len()), a.chunks());
	}
}
