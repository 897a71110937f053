//! The runtime's heap allocator: small allocations pooled inside the Wasm instance.
//!
//! A Substrate runtime's default global allocator (sp-io's) sends every `alloc` and
//! `dealloc` out of the Wasm instance to the host's allocator, through the
//! `ext_allocator_malloc_version_1` and `ext_allocator_free_version_1` host functions.
//! A transfer makes a few hundred of them (every encoded key, value and event is a
//! `Vec`), and each is a full host call. Profiling the import of a block of 1,939
//! balance transfers on one core showed these two host functions at 12 % of its
//! execution (docs/performance.md, "Runtime allocator").
//!
//! [`PoolAllocator`] serves the runtime's own allocations of up to 32 KiB from size
//! classes (powers of two from 16 bytes) kept in the instance: a freed block goes on its
//! class's free list and the next allocation of that class takes it back, with no host
//! call. The blocks are cut from chunks that the pool itself allocates from the host
//! (64 KiB first, each next one twice the last, up to 4 MiB), so the host's allocator
//! still owns the whole heap and enforces its limit; the pool is a tenant of it.
//!
//! Everything else goes to the host as sp-io's allocator sends it, byte for byte:
//! allocations over 32 KiB or aligned to more than 16 bytes, and the frees of pointers
//! the pool does not own. Those include the values host functions return
//! (`storage::get`'s `Vec`, for one), which the host allocated and the runtime frees.
//! The pool tells its own pointers from the host's by address: a pointer is the pool's
//! exactly when it lies inside one of its chunks, which are host allocations disjoint
//! from every other.
//!
//! Like the host's freeing-bump allocator, the pool never merges free blocks of
//! different classes; a runtime call's heap lives only as long as the call.

#![cfg_attr(not(test), no_std)]

use core::{
	alloc::{GlobalAlloc, Layout},
	cell::UnsafeCell,
	marker::PhantomData,
	ptr,
};

/// The host's allocator, as the runtime reaches it: sp-io's `allocator` interface.
pub trait Host {
	/// `size` bytes aligned to 8, or null if the host has none left.
	fn malloc(size: usize) -> *mut u8;
	/// Gives back what [`Host::malloc`] returned.
	///
	/// # Safety
	/// `ptr` came from [`Host::malloc`] and is not used afterwards.
	unsafe fn free(ptr: *mut u8);
}

/// log2 of the smallest class, 16 bytes: room for a free list's link, and the blocks'
/// alignment.
const MIN_SHIFT: u32 = 4;
/// log2 of the largest class, 32 KiB; larger allocations go to the host.
const MAX_SHIFT: u32 = 15;
const CLASSES: usize = (MAX_SHIFT - MIN_SHIFT + 1) as usize;
/// The largest allocation the pool serves.
pub const MAX_POOLED: usize = 1 << MAX_SHIFT;
/// Every pool block is aligned to this (chunks start aligned to it, blocks are cut in
/// multiples of it).
pub const POOL_ALIGN: usize = 1 << MIN_SHIFT;
/// The first chunk taken from the host.
pub const FIRST_CHUNK: usize = 64 * 1024;
/// Chunks double up to this size.
pub const LARGEST_CHUNK: usize = 4 * 1024 * 1024;
/// Chunks the pool keeps track of; once they are all taken, new blocks come from the
/// host directly (about 110 MiB of pool, more than a runtime call's heap may hold).
pub const MAX_CHUNKS: usize = 32;
/// Length of the offset sp-io's allocator stores before an over-aligned host pointer.
const OFFSET_LEN: usize = core::mem::size_of::<u16>();

struct Pool {
	/// Head of each class's free list; a free block's first word links to the next.
	free: [*mut u8; CLASSES],
	/// The current chunk's unused bytes: `next..end`.
	next: usize,
	end: usize,
	/// The chunks, `(first byte, one past the last)`, in the order they were taken.
	chunks: [(usize, usize); MAX_CHUNKS],
	count: usize,
}

/// The runtime's global allocator: size classes pooled in the instance over chunks of
/// the host's heap. See the crate's documentation.
pub struct PoolAllocator<H> {
	pool: UnsafeCell<Pool>,
	host: PhantomData<fn() -> H>,
}

// SAFETY: `new`'s contract: the allocator is only used from one thread (a Wasm runtime
// instance is single-threaded).
unsafe impl<H> Sync for PoolAllocator<H> {}

/// The class serving `size` bytes, or `None` if the pool does not serve it.
fn class_of(size: usize) -> Option<usize> {
	if size > MAX_POOLED {
		return None;
	}
	let shift = size.max(POOL_ALIGN).next_power_of_two().trailing_zeros();
	Some((shift - MIN_SHIFT) as usize)
}

const fn class_size(class: usize) -> usize {
	1 << (class as u32 + MIN_SHIFT)
}

impl<H: Host> PoolAllocator<H> {
	/// An empty pool; it takes its first chunk on the first allocation.
	///
	/// # Safety
	/// The allocator must only ever be used from one thread.
	pub const unsafe fn new() -> Self {
		Self {
			pool: UnsafeCell::new(Pool {
				free: [ptr::null_mut(); CLASSES],
				next: 0,
				end: 0,
				chunks: [(0, 0); MAX_CHUNKS],
				count: 0,
			}),
			host: PhantomData,
		}
	}

	/// Whether `ptr` lies in one of the pool's chunks.
	pub fn owns(&self, ptr: *const u8) -> bool {
		// SAFETY: single-threaded (see `new`), and no reference into the pool is held
		// across this call.
		let pool = unsafe { &*self.pool.get() };
		let p = ptr as usize;
		// The newest chunk is the largest and the likeliest.
		pool.chunks[..pool.count].iter().rev().any(|&(start, end)| start <= p && p < end)
	}

	/// How many chunks the pool has taken from the host.
	pub fn chunks(&self) -> usize {
		// SAFETY: as in `owns`.
		unsafe { (*self.pool.get()).count }
	}

	fn pool_alloc(&self, class: usize) -> *mut u8 {
		// SAFETY: as in `owns`; the pool is only reached through `&self` here.
		let pool = unsafe { &mut *self.pool.get() };
		let head = pool.free[class];
		if !head.is_null() {
			// SAFETY: a free block holds its successor's address in its first word, and
			// is aligned to `POOL_ALIGN`.
			pool.free[class] = unsafe { head.cast::<*mut u8>().read() };
			return head;
		}
		let size = class_size(class);
		if pool.end - pool.next < size && !Self::new_chunk(pool) {
			return ptr::null_mut();
		}
		let block = pool.next as *mut u8;
		pool.next += size;
		block
	}

	/// Takes the next chunk from the host; what is left of the current one goes to the
	/// free lists. False if the pool has all the chunks it keeps, or the host has no
	/// memory left.
	fn new_chunk(pool: &mut Pool) -> bool {
		if pool.count == MAX_CHUNKS {
			return false;
		}
		let size = match pool.count {
			0 => FIRST_CHUNK,
			n => {
				let (start, end) = pool.chunks[n - 1];
				((end - start) * 2).min(LARGEST_CHUNK)
			}
		};
		let raw = H::malloc(size);
		if raw.is_null() {
			return false;
		}
		// The tail of the current chunk, cut into the largest blocks that fit.
		let mut rest = pool.end - pool.next;
		for class in (0..CLASSES).rev() {
			while rest >= class_size(class) {
				let block = pool.next as *mut u8;
				// SAFETY: `block` is an unused, aligned block of the pool's chunk.
				unsafe { block.cast::<*mut u8>().write(pool.free[class]) };
				pool.free[class] = block;
				pool.next += class_size(class);
				rest -= class_size(class);
			}
		}
		let start = raw as usize;
		pool.chunks[pool.count] = (start, start + size);
		pool.count += 1;
		pool.next = start.next_multiple_of(POOL_ALIGN);
		pool.end = start + size;
		true
	}

	/// # Safety
	/// `block` was returned by `pool_alloc(class)` and is not used afterwards.
	unsafe fn pool_free(&self, block: *mut u8, class: usize) {
		// SAFETY: as in `owns`.
		let pool = unsafe { &mut *self.pool.get() };
		// SAFETY: the block is the pool's, aligned and at least a word long.
		unsafe { block.cast::<*mut u8>().write(pool.free[class]) };
		pool.free[class] = block;
	}

	/// sp-io's allocation: the host's block, aligned up within a margin, with the offset
	/// stored in the two bytes before the pointer (inside the host's 8-byte header when it
	/// is zero).
	fn host_alloc(layout: Layout) -> *mut u8 {
		let align = layout.align();
		let Some(size) = layout.size().checked_add(align.saturating_sub(8)) else {
			return ptr::null_mut();
		};
		let raw = H::malloc(size);
		if raw.is_null() {
			return raw;
		}
		let offset = raw.align_offset(align);
		if offset > u16::MAX as usize {
			// SAFETY: `raw` is the host's and unused.
			unsafe { H::free(raw) };
			return ptr::null_mut();
		}
		// SAFETY: `offset` bytes of margin were allocated, and the two bytes before the
		// result are the margin's or the host header's.
		unsafe {
			let p = raw.add(offset);
			p.sub(OFFSET_LEN).cast::<u16>().write_unaligned(offset as u16);
			p
		}
	}

	/// # Safety
	/// `ptr` came from `host_alloc`, or is a host allocation (whose header makes the
	/// stored offset zero).
	unsafe fn host_free(ptr: *mut u8) {
		// SAFETY: the caller's contract.
		unsafe {
			let offset = ptr.sub(OFFSET_LEN).cast::<u16>().read_unaligned();
			H::free(ptr.sub(offset as usize));
		}
	}
}

/// The pool's class for `layout`, if it serves it.
fn pooled_class(layout: Layout) -> Option<usize> {
	if layout.align() > POOL_ALIGN {
		return None;
	}
	class_of(layout.size())
}

unsafe impl<H: Host> GlobalAlloc for PoolAllocator<H> {
	unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
		if let Some(class) = pooled_class(layout) {
			let block = self.pool_alloc(class);
			if !block.is_null() {
				return block;
			}
		}
		Self::host_alloc(layout)
	}

	unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
		if self.owns(ptr) {
			// A block of the pool was allocated for this layout, so its class exists.
			if let Some(class) = pooled_class(layout) {
				// SAFETY: the caller's contract: `ptr` was allocated with `layout`.
				unsafe { self.pool_free(ptr, class) };
			}
			return;
		}
		// SAFETY: not the pool's, so the host's (through `host_alloc` or a host function).
		unsafe { Self::host_free(ptr) }
	}

	unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
		// A block whose class also serves the new size stays where it is.
		if self.owns(ptr)
			&& pooled_class(layout).is_some()
			&& pooled_class(layout) == class_of(new_size)
		{
			return ptr;
		}
		// SAFETY: `GlobalAlloc::realloc`'s contract makes this layout valid.
		let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
		// SAFETY: as for `alloc`; the new block is at least `min(old, new)` long.
		unsafe {
			let new = self.alloc(new_layout);
			if !new.is_null() {
				ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
				self.dealloc(ptr, layout);
			}
			new
		}
	}
}

#[cfg(test)]
mod tests;
