//! Signature checks the node has already made, remembered: a transaction's signature is
//! checked when the pool validates it, and checked again each time the pool revalidates
//! it and when a block that includes it is built or imported. The answer is the same
//! every time, so the node keeps the checks that succeeded and answers a repeat from
//! memory (Bitcoin Core's signature cache is the same idea).
//!
//! The runtime checks signatures through two host functions, which this module
//! overrides with [`HostFunctions`]:
//! - `ext_crypto_sr25519_verify_version_2`: every Substrate transaction (sr25519 keys);
//! - `ext_crypto_secp256k1_ecdsa_recover_version_2`: every Ethereum transaction, whose
//!   signer pallet-revive recovers from its signature.
//!
//! Each is computed by sp-io's own function when the cache does not hold it, so what the
//! runtime gets is the same as without the cache. Consensus does not depend on the cache:
//! only successful checks are kept, under a key that binds every input (the check, the
//! signature, the key and the whole message) through keyed BLAKE2b-256 with a random
//! per-process key, so no input can be made to share another's entry. A failed check is
//! computed again each time.
//!
//! Memory is bounded: two generations of at most half the entries each; when the current
//! one is full it becomes the previous one and the oldest generation is dropped. An entry
//! found in the previous generation moves to the current one, so what is in use stays.
//! At the default of [`DEFAULT_ENTRIES`] the cache holds at most 12.3 MiB.
//!
//! Ahead of the runtime's checks of a block from a peer or a file, [`crate::preverify`]
//! verifies the signatures of its transactions that the cache does not hold in batches,
//! and puts them in ([`VerifyCache::insert_sr25519_batch`]).
//!
//! The cache is off until [`enable`] is called, which the node does when it runs a chain
//! or imports blocks from a file (`--signature-cache-entries`); the `benchmark`
//! sub-commands never turn it on, so that
//! `benchmark overhead` and `benchmark block`, which execute the same block again and
//! again, measure every signature check.

use std::{
	collections::HashMap,
	sync::{Mutex, OnceLock},
};

use polkadot_sdk::{
	sc_executor::sp_wasm_interface,
	sp_core::sr25519,
	sp_io::{self, EcdsaVerifyError},
};
use prometheus_endpoint::{register, Counter, PrometheusError, Registry, U64};

/// Entries kept by default: nearly the pool's ready and future queues at their limits
/// (65,536 each, [`crate::pool::POOL_LIMIT`], [`crate::pool::POOL_FUTURE_LIMIT`]), and
/// sized so that each generation fills its hash table to its load limit (7/8 of 65,536
/// slots of 98 bytes): 12.3 MiB at most.
pub const DEFAULT_ENTRIES: usize = 2 * 57_344;

/// The cache's command-line option.
#[derive(Debug, Clone, clap::Args)]
pub struct SignatureCacheParams {
	/// How many successful signature checks the node remembers, so that a transaction the
	/// pool has checked is not checked again when the pool revalidates it or a block
	/// includes it (about 110 bytes each; 12.3 MiB at the default). 0 turns it off.
	#[arg(long, value_name = "ENTRIES", default_value_t = DEFAULT_ENTRIES)]
	pub signature_cache_entries: usize,
}

/// Which check an entry answers; part of its key.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Check {
	Sr25519 = 1,
	Secp256k1Recover = 2,
}

/// What a successful check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verified {
	/// The signature is valid.
	Valid,
	/// The signature recovers this public key (uncompressed, without its 0x04 prefix).
	Signer([u8; 64]),
}

/// The two generations of entries.
#[derive(Default)]
struct Generations {
	current: HashMap<[u8; 32], Verified>,
	previous: HashMap<[u8; 32], Verified>,
}

impl Generations {
	/// Whether either generation holds `key`.
	fn holds(&self, key: &[u8; 32]) -> bool {
		self.current.contains_key(key) || self.previous.contains_key(key)
	}
}

/// Successful signature checks, bounded ([module docs](self)).
pub struct VerifyCache {
	/// The BLAKE2b key of the entries' keys, random per process.
	salt: [u8; 32],
	/// Entries per generation: half the cache's.
	generation: usize,
	entries: Mutex<Generations>,
	hits: Counter<U64>,
	misses: Counter<U64>,
	batched: Counter<U64>,
}

impl VerifyCache {
	/// A cache of at most `entries` checks (at least two).
	pub fn new(entries: usize) -> Self {
		Self {
			salt: rand::random(),
			generation: (entries / 2).max(1),
			entries: Mutex::default(),
			hits: Counter::new(
				"zerog_signature_cache_hits",
				"Signature checks answered from the node's cache",
			)
			.expect("the name and help are valid; qed"),
			misses: Counter::new(
				"zerog_signature_cache_misses",
				"Signature checks the node computed (not in its cache)",
			)
			.expect("the name and help are valid; qed"),
			batched: Counter::new(
				"zerog_signature_cache_batched",
				"Signature checks verified in batches before a block's import",
			)
			.expect("the name and help are valid; qed"),
		}
	}

	/// `sp_io::crypto::sr25519_verify`, answered from the cache when it holds the check.
	pub fn sr25519_verify(
		&self,
		sig: &sr25519::Signature,
		msg: &[u8],
		public: &sr25519::Public,
	) -> bool {
		let key = self.key(Check::Sr25519, &[sig.as_ref(), public.as_ref(), msg]);
		if self.get(&key) == Some(Verified::Valid) {
			return true;
		}
		let valid = sp_io::crypto::sr25519_verify(sig, msg, public);
		if valid {
			self.insert(key, Verified::Valid);
		}
		valid
	}

	/// Whether the cache holds this sr25519 check; neither counted as a hit nor moved.
	pub fn holds_sr25519(&self, sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
		self.lock().holds(&self.key(Check::Sr25519, &[sig, public, msg]))
	}

	/// Keeps sr25519 checks (signature, message, public key) that succeeded elsewhere: a
	/// batch that [`crate::preverify`] verified. How many the cache did not hold already
	/// (the runtime, executing the block meanwhile, may have checked some first). The
	/// keys are computed before the lock is taken, and the lock is taken once.
	pub fn insert_sr25519_batch<'a>(
		&self,
		checks: impl IntoIterator<Item = (&'a [u8; 64], &'a [u8], &'a [u8; 32])>,
	) -> usize {
		let keys: Vec<[u8; 32]> = checks
			.into_iter()
			.map(|(sig, msg, public)| self.key(Check::Sr25519, &[sig, public, msg]))
			.collect();
		let mut entries = self.lock();
		let mut new = 0;
		for key in keys {
			if !entries.holds(&key) {
				Self::push(&mut entries, self.generation, key, Verified::Valid);
				new += 1;
			}
		}
		drop(entries);
		self.batched.inc_by(new as u64);
		new
	}

	/// `sp_io::crypto::secp256k1_ecdsa_recover`, answered from the cache when it holds
	/// the check.
	pub fn secp256k1_ecdsa_recover(
		&self,
		sig: &[u8; 65],
		msg: &[u8; 32],
	) -> Result<[u8; 64], EcdsaVerifyError> {
		let key = self.key(Check::Secp256k1Recover, &[sig, msg]);
		if let Some(Verified::Signer(public)) = self.get(&key) {
			return Ok(public);
		}
		let recovered = sp_io::crypto::secp256k1_ecdsa_recover(sig, msg);
		if let Ok(public) = recovered {
			self.insert(key, Verified::Signer(public));
		}
		recovered
	}

	/// Registers the hit and miss counters in `registry`.
	pub fn register_metrics(&self, registry: &Registry) -> Result<(), PrometheusError> {
		register(self.hits.clone(), registry)?;
		register(self.misses.clone(), registry)?;
		register(self.batched.clone(), registry)?;
		Ok(())
	}

	/// Checks answered from the cache, and computed, so far.
	#[cfg(test)]
	pub(crate) fn counts(&self) -> (u64, u64) {
		(self.hits.get(), self.misses.get())
	}

	/// Entries held now.
	#[cfg(test)]
	fn len(&self) -> usize {
		let entries = self.lock();
		entries.current.len() + entries.previous.len()
	}

	/// The entry's key: keyed BLAKE2b-256 over the check and each input with its length.
	fn key(&self, check: Check, inputs: &[&[u8]]) -> [u8; 32] {
		let mut state = blake2b_simd::Params::new().hash_length(32).key(&self.salt).to_state();
		state.update(&[check as u8]);
		for input in inputs {
			state.update(&(input.len() as u64).to_le_bytes());
			state.update(input);
		}
		let mut key = [0; 32];
		key.copy_from_slice(state.finalize().as_bytes());
		key
	}

	fn get(&self, key: &[u8; 32]) -> Option<Verified> {
		let mut entries = self.lock();
		let found = match entries.current.get(key) {
			Some(found) => Some(*found),
			None => entries.previous.remove(key).inspect(|found| {
				Self::push(&mut entries, self.generation, *key, *found);
			}),
		};
		drop(entries);
		match found {
			Some(_) => self.hits.inc(),
			None => self.misses.inc(),
		}
		found
	}

	fn insert(&self, key: [u8; 32], found: Verified) {
		Self::push(&mut self.lock(), self.generation, key, found);
	}

	/// Adds to the current generation, first making a full one the previous.
	fn push(entries: &mut Generations, generation: usize, key: [u8; 32], found: Verified) {
		if entries.current.len() >= generation {
			let Generations { current, previous } = entries;
			std::mem::swap(current, previous);
			current.clear();
		}
		entries.current.insert(key, found);
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
		// Nothing panics while the lock is held; a poisoned lock still holds whole entries.
		self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}
}

static CACHE: OnceLock<VerifyCache> = OnceLock::new();

/// Turns the process's cache on with room for `entries` checks (none if 0), and returns
/// it. Only the first call sizes it.
pub fn enable(entries: usize) -> Option<&'static VerifyCache> {
	(entries > 0).then(|| CACHE.get_or_init(|| VerifyCache::new(entries)))
}

/// The process's cache, if [`enable`]d.
pub fn cache() -> Option<&'static VerifyCache> {
	CACHE.get()
}

/// The runtime interface of the host functions that answer from the cache. Its native
/// wrappers go unused: the node calls [`VerifyCache`] itself.
#[allow(missing_docs, dead_code)]
mod host {
	use polkadot_sdk::{
		sp_core::sr25519,
		sp_io::{self, EcdsaVerifyError},
	};
	use sp_runtime_interface::pass_by::{
		AllocateAndReturnByCodec, PassFatPointerAndRead, PassPointerAndRead,
	};

	/// sp-io's `crypto` interface, the two functions the cache answers: the same names,
	/// versions and arguments, so they take the place of sp-io's in the executor. The
	/// macro needs each function's version 1 declared; [`super::Overrides`] leaves those
	/// out, so sp-io's own version 1 stays in place for runtimes that call it.
	#[sp_runtime_interface::runtime_interface]
	pub trait Crypto {
		#[version(1, register_only)]
		fn sr25519_verify(
			sig: PassPointerAndRead<&sr25519::Signature, 64>,
			msg: PassFatPointerAndRead<&[u8]>,
			pub_key: PassPointerAndRead<&sr25519::Public, 32>,
		) -> bool {
			sp_io::crypto::sr25519_verify(sig, msg, pub_key)
		}

		#[version(2)]
		fn sr25519_verify(
			sig: PassPointerAndRead<&sr25519::Signature, 64>,
			msg: PassFatPointerAndRead<&[u8]>,
			pub_key: PassPointerAndRead<&sr25519::Public, 32>,
		) -> bool {
			match crate::verify_cache::cache() {
				Some(cache) => cache.sr25519_verify(sig, msg, pub_key),
				None => sp_io::crypto::sr25519_verify(sig, msg, pub_key),
			}
		}

		#[version(1, register_only)]
		fn secp256k1_ecdsa_recover(
			sig: PassPointerAndRead<&[u8; 65], 65>,
			msg: PassPointerAndRead<&[u8; 32], 32>,
		) -> AllocateAndReturnByCodec<Result<[u8; 64], EcdsaVerifyError>> {
			sp_io::crypto::secp256k1_ecdsa_recover(sig, msg)
		}

		#[version(2)]
		fn secp256k1_ecdsa_recover(
			sig: PassPointerAndRead<&[u8; 65], 65>,
			msg: PassPointerAndRead<&[u8; 32], 32>,
		) -> AllocateAndReturnByCodec<Result<[u8; 64], EcdsaVerifyError>> {
			match crate::verify_cache::cache() {
				Some(cache) => cache.secp256k1_ecdsa_recover(sig, msg),
				None => sp_io::crypto::secp256k1_ecdsa_recover(sig, msg),
			}
		}
	}
}

/// The host functions the cache answers: version 2 of sp-io's two checks.
const OVERRIDDEN: [&str; 2] =
	["ext_crypto_sr25519_verify_version_2", "ext_crypto_secp256k1_ecdsa_recover_version_2"];

/// [`host`]'s functions but those of [`OVERRIDDEN`]: the versions 1 the macro makes too.
pub struct Overrides;

impl sp_wasm_interface::HostFunctions for Overrides {
	fn host_functions() -> Vec<&'static dyn sp_wasm_interface::Function> {
		let mut functions = host::crypto::HostFunctions::host_functions();
		functions.retain(|f| OVERRIDDEN.contains(&f.name()));
		functions
	}

	fn register_static<T>(registry: &mut T) -> Result<(), T::Error>
	where
		T: sp_wasm_interface::HostFunctionRegistry,
	{
		use sp_wasm_interface::{wasmtime, FunctionContext, HostFunctionRegistry};

		/// Passes on the registrations of [`OVERRIDDEN`] only.
		struct Only<'a, T>(&'a mut T);

		impl<T: HostFunctionRegistry> HostFunctionRegistry for Only<'_, T> {
			type State = T::State;
			type Error = T::Error;
			type FunctionContext = T::FunctionContext;

			fn with_function_context<R>(
				caller: wasmtime::Caller<Self::State>,
				callback: impl FnOnce(&mut dyn FunctionContext) -> R,
			) -> R {
				T::with_function_context(caller, callback)
			}

			fn register_static<Params, Results>(
				&mut self,
				fn_name: &str,
				func: impl wasmtime::IntoFunc<Self::State, Params, Results> + 'static,
			) -> Result<(), Self::Error> {
				match OVERRIDDEN.contains(&fn_name) {
					true => self.0.register_static(fn_name, func),
					false => Ok(()),
				}
			}
		}

		host::crypto::HostFunctions::register_static(&mut Only(registry))
	}
}

/// `Base` with version 2 of the runtime's two signature checks answered from the cache.
pub type HostFunctions<Base> = sp_wasm_interface::ExtendedHostFunctions<Base, Overrides>;

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_core::{ecdsa, Pair};
	use sp_wasm_interface::HostFunctions as _;

	fn signed(seed: &str, msg: &[u8]) -> (sr25519::Signature, sr25519::Public) {
		let pair = sr25519::Pair::from_string(seed, None).unwrap();
		(pair.sign(msg), pair.public())
	}

	#[test]
	fn a_valid_sr25519_signature_is_checked_once() {
		let cache = VerifyCache::new(16);
		let msg = b"transfer 10 to bob".to_vec();
		let (sig, public) = signed("//Alice", &msg);
		assert!(cache.sr25519_verify(&sig, &msg, &public));
		assert_eq!(cache.counts(), (0, 1));
		assert!(cache.sr25519_verify(&sig, &msg, &public));
		assert!(cache.sr25519_verify(&sig, &msg, &public));
		assert_eq!(cache.counts(), (2, 1));
		assert_eq!(cache.len(), 1);
	}

	#[test]
	fn a_batch_is_kept_and_what_was_held_is_counted_apart() {
		let cache = VerifyCache::new(16);
		let checks: Vec<(Vec<u8>, sr25519::Signature, sr25519::Public)> = (0..3u8)
			.map(|i| {
				let msg = vec![i; 40];
				let (sig, public) = signed("//Alice", &msg);
				(msg, sig, public)
			})
			.collect();
		let batch = || checks.iter().map(|(msg, sig, public)| (&sig.0, &msg[..], &public.0));
		// The runtime checked the second itself: only the other two are new.
		assert!(cache.sr25519_verify(&checks[1].1, &checks[1].0, &checks[1].2));
		assert_eq!(cache.insert_sr25519_batch(batch()), 2);
		assert_eq!((cache.len(), cache.batched.get()), (3, 2));
		assert!(batch().all(|(sig, msg, public)| cache.holds_sr25519(sig, msg, public)));
		// All held: nothing new, nothing counted.
		assert_eq!(cache.insert_sr25519_batch(batch()), 0);
		assert_eq!((cache.len(), cache.batched.get()), (3, 2));
		// Held without being hit or moved: the three checks are answered from the cache.
		assert_eq!(cache.counts(), (0, 1));
		for (msg, sig, public) in &checks {
			assert!(cache.sr25519_verify(sig, msg, public));
		}
		assert_eq!(cache.counts(), (3, 1));
	}

	#[test]
	fn a_cached_signature_does_not_vouch_for_other_inputs() {
		let cache = VerifyCache::new(16);
		let msg = b"transfer 10 to bob".to_vec();
		let (sig, public) = signed("//Alice", &msg);
		assert!(cache.sr25519_verify(&sig, &msg, &public));
		// Another message, another key, another signature: each is checked, and fails.
		assert!(!cache.sr25519_verify(&sig, b"transfer 1000 to bob", &public));
		let (_, bob) = signed("//Bob", &msg);
		assert!(!cache.sr25519_verify(&sig, &msg, &bob));
		let mut forged = sig.0;
		forged[5] ^= 1;
		assert!(!cache.sr25519_verify(&sr25519::Signature::from_raw(forged), &msg, &public));
		// A message that is the valid one's prefix or extension.
		assert!(!cache.sr25519_verify(&sig, &msg[..msg.len() - 1], &public));
		assert!(!cache.sr25519_verify(&sig, &[&msg[..], b"!"].concat(), &public));
		// Failures are not kept: asked again, each is computed again.
		assert!(!cache.sr25519_verify(&sig, b"transfer 1000 to bob", &public));
		assert_eq!(cache.counts(), (0, 7));
		assert_eq!(cache.len(), 1);
	}

	/// A recovery's answer, comparable: the key, or the error's SCALE index.
	fn answer(recovered: Result<[u8; 64], EcdsaVerifyError>) -> Result<[u8; 64], Vec<u8>> {
		recovered.map_err(|e| codec::Encode::encode(&e))
	}

	#[test]
	fn recovery_answers_what_sp_io_answers() {
		let cache = VerifyCache::new(16);
		let pair = ecdsa::Pair::from_string("//Alice", None).unwrap();
		let hash = sp_io::hashing::keccak_256(b"an Ethereum transaction");
		let sig = pair.sign_prehashed(&hash).0;
		let expected = answer(sp_io::crypto::secp256k1_ecdsa_recover(&sig, &hash));
		assert!(expected.is_ok());
		assert_eq!(answer(cache.secp256k1_ecdsa_recover(&sig, &hash)), expected);
		assert_eq!(answer(cache.secp256k1_ecdsa_recover(&sig, &hash)), expected);
		assert_eq!(cache.counts(), (1, 1));
		// Another message recovers another key, not the cached one.
		let other = sp_io::hashing::keccak_256(b"another transaction");
		let recovered = answer(cache.secp256k1_ecdsa_recover(&sig, &other));
		assert_eq!(recovered, answer(sp_io::crypto::secp256k1_ecdsa_recover(&sig, &other)));
		assert_ne!(recovered, expected);
		// Errors come back as sp-io gives them, and are not kept.
		let mut bad_v = sig;
		bad_v[64] = 9;
		let bad = answer(sp_io::crypto::secp256k1_ecdsa_recover(&bad_v, &hash));
		assert_eq!(bad, answer(Err(EcdsaVerifyError::BadV)));
		assert_eq!(answer(cache.secp256k1_ecdsa_recover(&bad_v, &hash)), bad);
		assert_eq!(answer(cache.secp256k1_ecdsa_recover(&bad_v, &hash)), bad);
		assert_eq!(cache.counts(), (1, 4));
		assert_eq!(cache.len(), 2);
	}

	#[test]
	fn the_cache_stays_within_its_size_and_keeps_what_is_used() {
		let cache = VerifyCache::new(8);
		let msgs: Vec<Vec<u8>> = (0..40u32).map(|i| i.to_le_bytes().to_vec()).collect();
		let (first_sig, public) = signed("//Alice", &msgs[0]);
		assert!(cache.sr25519_verify(&first_sig, &msgs[0], &public));
		for msg in &msgs[1..] {
			let (sig, public) = signed("//Alice", msg);
			assert!(cache.sr25519_verify(&sig, msg, &public));
			assert!(cache.len() <= 8, "{} entries", cache.len());
			// The first check stays while it is used at least once a generation.
			let (hits, _) = cache.counts();
			assert!(cache.sr25519_verify(&first_sig, &msgs[0], &public));
			assert_eq!(cache.counts().0, hits + 1);
		}
		// An entry not used for two generations is gone, and is computed again.
		let (sig, public) = signed("//Alice", &msgs[1]);
		let (_, misses) = cache.counts();
		assert!(cache.sr25519_verify(&sig, &msgs[1], &public));
		assert_eq!(cache.counts().1, misses + 1);
	}

	#[test]
	fn the_default_size_holds_within_its_memory_bound() {
		let cache = VerifyCache::new(DEFAULT_ENTRIES);
		for i in 0..3 * DEFAULT_ENTRIES as u64 / 2 {
			cache.insert(cache.key(Check::Sr25519, &[&i.to_le_bytes()]), Verified::Valid);
		}
		let entries = cache.lock();
		assert_eq!(entries.current.len() + entries.previous.len(), DEFAULT_ENTRIES);
		// Each generation's table never grew past 65,536 slots (57,344 at 7/8 load).
		let slots = [entries.current.capacity(), entries.previous.capacity()].map(|c| {
			assert_eq!(c, 57_344);
			65_536
		});
		let slot = std::mem::size_of::<([u8; 32], Verified)>() + 1;
		let bytes = slots.iter().sum::<usize>() * slot;
		assert!(bytes as f64 / (1 << 20) as f64 <= 12.3, "{bytes} bytes");
	}

	#[test]
	fn the_executor_takes_the_cached_checks_in_place_of_sp_io() {
		type Functions = HostFunctions<sp_io::SubstrateHostFunctions>;
		let names: Vec<_> = Functions::host_functions().iter().map(|f| f.name()).collect();
		for name in
			["ext_crypto_sr25519_verify_version_2", "ext_crypto_secp256k1_ecdsa_recover_version_2"]
		{
			assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{name}");
		}
		assert_eq!(names.len(), sp_io::SubstrateHostFunctions::host_functions().len());
		// The overrides have sp-io's signatures, so a runtime built against sp-io links.
		let ours = Overrides::host_functions();
		for base in sp_io::SubstrateHostFunctions::host_functions() {
			if let Some(f) = ours.iter().find(|f| f.name() == base.name()) {
				assert_eq!(f.signature(), base.signature(), "{}", base.name());
			}
		}
		assert_eq!(ours.len(), 2);
	}

	#[test]
	fn off_until_enabled() {
		assert!(enable(0).is_none());
		assert!(cache().is_none());
		let cache = enable(64).unwrap();
		assert!(std::ptr::eq(cache, super::cache().unwrap()));
	}
}
