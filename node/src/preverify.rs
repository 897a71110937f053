//! The signatures of a block's transactions, verified together ahead of the runtime.
//!
//! The runtime checks each Substrate transaction's sr25519 signature by itself, through a
//! host function: 47.5 µs natively on the reference machine, a fifth of what a transfer is
//! charged. When the node has seen a transaction in its pool, that check is answered from
//! [`crate::verify_cache`]. When it has not (a node syncing or importing blocks from a
//! file, a validator that has just started, transactions that reached the author alone),
//! every check is computed, one after the other, on the import's one thread.
//!
//! schnorrkel verifies many signatures at once: one multiscalar multiplication over all
//! of them, each weighted by a random scalar, so that the batch verifies only if every
//! signature in it does (with failure probability 2^-128; Ristretto has no cofactor, so a
//! batch and one-by-one checks accept the same signatures). A signature costs about a
//! third of a check by itself in a batch of thousands.
//!
//! [`PreVerify`] wraps the import queue's block import. Before a block executes, it
//! rebuilds the payload each signed transaction's signature covers, as the runtime will
//! (the call, the extensions and their implicit data: the spec and transaction versions,
//! the genesis hash and the hash of the era's birth block, read from the chain below the
//! block), leaves out the checks the cache holds, and verifies the rest in batches, in the
//! block's order. A batch that verifies puts its checks into the cache, where the runtime
//! finds them; a batch that fails leaves nothing, and the runtime checks those signatures
//! itself, as it would without this.
//!
//! The checks to verify are settled before the block executes, and the first batch is
//! verified then ([`head`]). On one core, so are all the rest. With more, the block then
//! executes on the import's thread while the other cores verify the rest, one batch each
//! at a time: the runtime reaches the signatures in the block's order, executing a
//! transfer takes several times a signature's share of a batch, so the batches stay
//! ahead of it, and the import takes about the block's execution without its signature
//! checks.
//!
//! Its extra work is bounded by what the runtime does with the block anyway: a body is
//! verified ahead only if it is the one the block's header commits to (a peer can send a
//! header with another body, which the runtime would refuse only after executing it), and
//! verification stops after the first round in which a batch failed (the runtime refuses
//! a block at its first bad signature). The runtime's answer is the same either way: the
//! cache only ever holds checks that succeeded, under keys that bind every input. When
//! nearly all of a block's first [`SAMPLE`] checks are in the cache already (a validator
//! has seen most of a peer's block in its pool), neither the rest nor the body's root are
//! computed ([`checks_to_verify`]).
//!
//! It stands aside where its payloads could differ from the runtime's, so that no batch
//! fails for want of the right message: a runtime whose transaction version or name is
//! not the one this node was built with, a block whose parent is not on the canonical
//! chain (the era's birth block is looked up there), and transactions signed with the
//! metadata-hash check on, or by an address other than an account id.

use std::sync::Arc;

use codec::{Decode, DecodeLimit, Encode};
use polkadot_sdk::{
	frame_support::MAX_EXTRINSIC_DEPTH,
	frame_system,
	sc_consensus::{BlockCheckParams, BlockImport, BlockImportParams, ImportResult, StateAction},
	sp_blockchain::HeaderBackend,
	sp_core::traits::CallContext,
	sp_io::hashing::blake2_256,
	sp_runtime::{
		generic::{Era, Preamble},
		traits::{BlakeTwo256, Block as BlockT, Header as _, TransactionExtension},
		MultiAddress, MultiSignature, OpaqueExtrinsic,
	},
	sp_version::RuntimeVersion,
};
use zerog_runtime::{self as runtime, opaque::Block, BlockNumber, Hash};

use crate::{service::FullClient, verify_cache::VerifyCache};

const LOG_TARGET: &str = "zerog::preverify";

/// sp-core's signing context of sr25519 signatures.
const SIGNING_CONTEXT: &[u8] = b"substrate";

/// The metadata-hash check's encoding when it is off: the payload's implicit part for it
/// is then `None`, which this module can rebuild.
const METADATA_HASH_OFF: [u8; 1] = [0];

/// Checks rebuilt before deciding whether the rest are worth it. A validator has seen
/// most transactions of a peer's block in its pool, and the cache holds their checks;
/// rebuilding a check to find it there costs about 5 µs (decoding, the payload, the
/// cache's key), 20 ms for a full block of transfers. When nearly all of the first
/// checks are held, the rest are left to the runtime, which finds them in the cache
/// or checks them one by one, as without this module.
const SAMPLE: usize = 64;

/// Fewest checks worth a thread of their own: below this, a batch's fixed cost (a
/// multiscalar multiplication's set-up, a thread's start) is a large share.
const MIN_BATCH: usize = 64;

/// Most checks in one batch: a signature costs 17.7 µs in a batch of 512 against 16.3 in
/// one of 2,000 (and 19 to 26 in batches of 256 down to 64), while a batch that fails
/// wastes at most 512 signatures' work.
const MAX_BATCH: usize = 512;

/// Checks verified before a block executes when the rest are verified beside its
/// execution ([`head`]): a batch of [`MAX_BATCH`], about 9 ms on one core, in which the
/// runtime would have checked only a few hundred signatures.
const HEAD: usize = MAX_BATCH;

/// The data every signed payload includes without carrying it.
pub type Implicit = <runtime::TxExtension as TransactionExtension<runtime::RuntimeCall>>::Implicit;

/// [`Implicit`] of a transaction with the metadata-hash check off, in the extensions'
/// order ([`runtime::TxExtension`]): the spec and transaction versions, the genesis hash
/// and the hash of the block the transaction's era was born at.
pub fn implicit(
	spec_version: u32,
	transaction_version: u32,
	genesis_hash: Hash,
	birth_hash: Hash,
) -> Implicit {
	((), spec_version, transaction_version, genesis_hash, birth_hash, (), (), (), None, (), ())
}

/// What the payloads of a block's transactions take from the chain below it.
pub struct PayloadContext<F> {
	/// The spec version of the runtime that executes the block (its parent's).
	pub spec_version: u32,
	/// That runtime's transaction version.
	pub transaction_version: u32,
	/// The chain's genesis hash.
	pub genesis_hash: Hash,
	/// The number of the block.
	pub number: BlockNumber,
	/// The hash of the block's ancestor at a number.
	pub ancestor: F,
}

/// One sr25519 check, as the runtime will ask the host for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sr25519Check {
	/// The signature.
	pub signature: [u8; 64],
	/// The signer's public key.
	pub public: [u8; 32],
	/// The signed payload, or its BLAKE2b-256 hash when longer than 256 bytes.
	pub message: Vec<u8>,
}

/// The sr25519 check that the runtime will make for `extrinsic`, if it is a transaction
/// signed with an sr25519 key whose payload this module can rebuild.
pub fn sr25519_check<F>(
	extrinsic: &OpaqueExtrinsic,
	context: &PayloadContext<F>,
) -> Option<Sr25519Check>
where
	F: Fn(BlockNumber) -> Option<Hash>,
{
	// Decoded as the runtime decodes it, with frame-support's depth limit: a peer's block
	// can nest calls deeper than any stack, and the runtime refuses what is deeper.
	let extrinsic = runtime::UncheckedExtrinsic::decode_all_with_depth_limit(
		MAX_EXTRINSIC_DEPTH,
		&mut &extrinsic.encode()[..],
	)
	.ok()?
	.0;
	let Preamble::Signed(MultiAddress::Id(signer), MultiSignature::Sr25519(signature), extension) =
		extrinsic.preamble
	else {
		return None;
	};
	if extension.8.encode() != METADATA_HASH_OFF {
		return None;
	}
	let era = Era::decode(&mut &extension.4.encode()[..]).ok()?;
	let birth = BlockNumber::try_from(era.birth(context.number.into())).ok()?;
	let birth_hash = match birth {
		0 => context.genesis_hash,
		_ => (context.ancestor)(birth)?,
	};
	let mut payload = extrinsic.encoded_call.unwrap_or_else(|| extrinsic.function.encode());
	extension.encode_to(&mut payload);
	implicit(context.spec_version, context.transaction_version, context.genesis_hash, birth_hash)
		.encode_to(&mut payload);
	let message = match payload.len() > 256 {
		true => blake2_256(&payload).to_vec(),
		false => payload,
	};
	Some(Sr25519Check { signature: signature.0, public: signer.into(), message })
}

/// The checks of `block`'s transactions that are not `held`, in the block's order; none
/// once the first [`SAMPLE`] checks show that the node has seen nearly all of them (at
/// most an eighth missing), and none unless `committed` (whether the body is the one
/// its header commits to).
///
/// The work is ordered by what it saves: the sample first (a block the node has seen
/// costs [`SAMPLE`] rebuilt checks and nothing more), then `committed`, called at most
/// once and before any transaction past the sample is decoded (a forged body costs the
/// sample and the root), then the rest.
pub fn checks_to_verify<F>(
	block: &[OpaqueExtrinsic],
	context: &PayloadContext<F>,
	held: impl Fn(&Sr25519Check) -> bool,
	committed: impl FnOnce() -> bool,
) -> Vec<Sr25519Check>
where
	F: Fn(BlockNumber) -> Option<Hash>,
{
	let mut checks = Vec::new();
	let mut seen = 0;
	let mut committed = Some(committed);
	for extrinsic in block {
		if seen == SAMPLE && committed.take().is_some_and(|committed| !committed()) {
			return Vec::new();
		}
		let Some(check) = sr25519_check(extrinsic, context) else { continue };
		seen += 1;
		if !held(&check) {
			checks.push(check);
		}
		if seen == SAMPLE && checks.len() <= SAMPLE / 8 {
			return Vec::new();
		}
	}
	match checks.is_empty() || committed.take().is_none_or(|committed| committed()) {
		true => checks,
		false => Vec::new(),
	}
}

/// Whether every check of `checks` succeeds, verified as one batch. A malformed key or
/// signature fails the batch, as it fails its check.
pub fn verify_batch(checks: &[Sr25519Check]) -> bool {
	let mut signatures = Vec::with_capacity(checks.len());
	let mut publics = Vec::with_capacity(checks.len());
	for check in checks {
		let (Ok(signature), Ok(public)) = (
			schnorrkel::Signature::from_bytes(&check.signature),
			schnorrkel::PublicKey::from_bytes(&check.public),
		) else {
			return false;
		};
		signatures.push(signature);
		publics.push(public);
	}
	let context = schnorrkel::signing_context(SIGNING_CONTEXT);
	let transcripts = checks.iter().map(|check| context.bytes(&check.message));
	schnorrkel::verify_batch(transcripts, &signatures, &publics, false).is_ok()
}

/// Verifies `checks` in the block's order, in rounds of one batch per thread (batches
/// of [`MIN_BATCH`] to [`MAX_BATCH`] checks), and hands each batch that verified to
/// `verified` as its round ends, so that a block executing meanwhile finds it. It stops
/// after a round in which a batch failed: the runtime refuses a block at its first bad
/// signature, so what follows would be verified for nothing. Whether every batch
/// verified.
pub fn verify_batches<'a>(
	checks: &'a [Sr25519Check],
	threads: usize,
	mut verified: impl FnMut(&'a [Sr25519Check]),
) -> bool {
	let threads = threads.max(1);
	let size = checks.len().div_ceil(threads).clamp(MIN_BATCH, MAX_BATCH);
	for round in checks.chunks(size * threads) {
		let batches: Vec<&[Sr25519Check]> = round.chunks(size).collect();
		let results = verify_in_parallel(&batches);
		let failed = results.contains(&false);
		for (batch, ok) in batches.into_iter().zip(results) {
			if ok {
				verified(batch);
			}
		}
		if failed {
			return false;
		}
	}
	true
}

/// [`verify_batch`] of each of `batches`, each on its own thread (the first on this one).
fn verify_in_parallel(batches: &[&[Sr25519Check]]) -> Vec<bool> {
	let Some((first, rest)) = batches.split_first() else { return Vec::new() };
	std::thread::scope(|scope| {
		let handles: Vec<_> =
			rest.iter().map(|batch| scope.spawn(move || verify_batch(batch))).collect();
		std::iter::once(verify_batch(first))
			.chain(handles.into_iter().map(|handle| handle.join().unwrap_or(false)))
			.collect()
	})
}

/// Whether `body` is the one `header` commits to, by the runtime's own extrinsics root. A
/// peer can send a block's header with another body, which the runtime refuses only
/// after executing it; its signatures are not worth verifying ahead.
fn body_matches(
	header: &<Block as BlockT>::Header,
	body: &[OpaqueExtrinsic],
	version: &RuntimeVersion,
) -> bool {
	let root = frame_system::extrinsics_root::<BlakeTwo256, _>(
		body,
		version.extrinsics_root_state_version(),
	);
	root == *header.extrinsics_root()
}

/// The import queue's block import: verifies the signatures of a block it is about to
/// execute in batches, into the node's signature cache ([module docs](self)), then
/// imports through `inner`.
#[derive(Clone)]
pub struct PreVerify<I> {
	inner: I,
	client: Arc<FullClient>,
	/// The cores this process may run on, read once.
	cores: usize,
}

impl<I> PreVerify<I> {
	/// Wraps `inner`.
	pub fn new(inner: I, client: Arc<FullClient>) -> Self {
		let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
		Self { inner, client, cores }
	}

	/// The checks of the block (`header`, `body`) worth verifying ahead: those `cache` does
	/// not hold, of a body its header commits to ([`checks_to_verify`]).
	fn checks(
		&self,
		cache: &VerifyCache,
		header: &Header,
		body: &[OpaqueExtrinsic],
	) -> Vec<Sr25519Check> {
		let Some(version) = self.executing_version(header) else { return Vec::new() };
		let context = PayloadContext {
			spec_version: version.spec_version,
			transaction_version: version.transaction_version,
			genesis_hash: self.client.info().genesis_hash,
			number: *header.number(),
			ancestor: |number| self.client.hash(number).ok().flatten(),
		};
		checks_to_verify(
			body,
			&context,
			|check| cache.holds_sr25519(&check.signature, &check.message, &check.public),
			|| body_matches(header, body, &version),
		)
	}

	/// The version of the runtime that executes the block with `header` (its parent's), if
	/// this module can rebuild the block's payloads ([module docs](self)).
	fn executing_version(&self, header: &Header) -> Option<RuntimeVersion> {
		let parent = *header.parent_hash();
		let parent_number = header.number().checked_sub(1)?;
		if self.client.hash(parent_number).ok()?? != parent {
			return None;
		}
		let version =
			self.client.runtime_version_at(parent, CallContext::Onchain { import: true }).ok()?;
		(version.spec_name == runtime::VERSION.spec_name
			&& version.transaction_version == runtime::VERSION.transaction_version)
			.then_some(version)
	}
}

/// A block's header.
type Header = <Block as BlockT>::Header;

/// What verifying a block's checks into the cache did.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
	/// Checks to verify.
	checks: usize,
	/// Checks verified on the import's thread before the block executed.
	head: usize,
	/// Batches that verified.
	batches: usize,
	/// Checks of those batches put into the cache.
	ahead: usize,
	/// Checks of those batches the cache held already: the runtime, executing the block
	/// meanwhile, reached them first and checked them itself.
	runtime_first: usize,
	/// Whether every batch verified.
	complete: bool,
}

impl Tally {
	/// Verifies `checks` into `cache` with `threads` threads, counting what was done.
	fn verify(&mut self, cache: &VerifyCache, checks: &[Sr25519Check], threads: usize) {
		self.complete = verify_batches(checks, threads, |batch| {
			self.batches += 1;
			let new = cache.insert_sr25519_batch(
				batch.iter().map(|check| (&check.signature, &check.message[..], &check.public)),
			);
			self.ahead += new;
			self.runtime_first += batch.len() - new;
		});
	}

	fn log(&self, number: BlockNumber, started: std::time::Instant) {
		log::debug!(
			target: LOG_TARGET,
			"block #{number}: {} signatures verified ahead, in {} batches, in {} ms ({} before \
			 the block executed)",
			self.ahead,
			self.batches,
			started.elapsed().as_millis(),
			self.head,
		);
		if self.runtime_first > 0 {
			log::debug!(
				target: LOG_TARGET,
				"block #{number}: the runtime reached {} signatures before their batch verified",
				self.runtime_first,
			);
		}
		let verified = self.ahead + self.runtime_first;
		if !self.complete {
			log::debug!(
				target: LOG_TARGET,
				"block #{number}: {} of {} signatures not verified ahead (a batch failed); the \
				 runtime checks them",
				self.checks - verified,
				self.checks,
			);
		}
	}
}

/// How many of `checks` checks are verified on the import's thread before the block
/// executes, with `cores` cores; the rest are verified beside the execution.
///
/// On one core, all of them. With more, the first [`HEAD`]: the runtime reaches the
/// block's signatures in order, executing a transfer takes several times a signature's
/// share of a batch, so once the head is verified the other cores stay ahead of it. A
/// block of at most [`HEAD`] checks is then verified whole before it executes.
fn head(checks: usize, cores: usize) -> usize {
	match cores {
		0 | 1 => checks,
		_ => checks.min(HEAD),
	}
}

#[async_trait::async_trait]
impl<I> BlockImport<Block> for PreVerify<I>
where
	I: BlockImport<Block> + Send + Sync,
{
	type Error = I::Error;

	async fn check_block(
		&self,
		block: BlockCheckParams<Block>,
	) -> Result<ImportResult, Self::Error> {
		self.inner.check_block(block).await
	}

	async fn import_block(
		&self,
		block: BlockImportParams<Block>,
	) -> Result<ImportResult, Self::Error> {
		let executes =
			matches!(block.state_action, StateAction::Execute | StateAction::ExecuteIfPossible);
		let (Some(cache), Some(body), true) =
			(crate::verify_cache::cache(), block.body.as_ref(), executes)
		else {
			return self.inner.import_block(block).await;
		};
		let started = std::time::Instant::now();
		// The set of checks is fixed here, before the block executes and adds to the cache.
		let checks = self.checks(cache, &block.header, body);
		if checks.is_empty() {
			return self.inner.import_block(block).await;
		}
		let number = *block.header.number();
		let (imported, tally) =
			verify_around(cache, checks, self.cores, self.inner.import_block(block)).await;
		if let Some(tally) = tally {
			tally.log(number, started);
		}
		imported
	}
}

/// Verifies `checks` into `cache` around `import`, the block's execution: the [`head`]
/// before it starts, the rest on the other cores while it runs. `import`'s output, and
/// what was verified (none if the verifying thread could not be started).
async fn verify_around<F: std::future::Future>(
	cache: &'static VerifyCache,
	checks: Vec<Sr25519Check>,
	cores: usize,
	import: F,
) -> (F::Output, Option<Tally>) {
	let head = head(checks.len(), cores);
	let mut tally = Tally { checks: checks.len(), head, ..Default::default() };
	tally.verify(cache, &checks[..head], cores);
	if !tally.complete || head == checks.len() {
		return (import.await, Some(tally));
	}
	// The block executes on this thread while the other cores verify the rest.
	let verifying = std::thread::Builder::new().name("preverify".into()).spawn(move || {
		tally.verify(cache, &checks[head..], cores - 1);
		tally
	});
	let imported = import.await;
	// Verifying the rest takes a fraction of executing the block, so this waits for
	// nothing in practice; joined so that no block's verification outlives its import.
	(imported, verifying.ok().and_then(|verifying| verifying.join().ok()))
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::{
		frame_system,
		sp_core::{sr25519, Pair, H256},
		sp_io,
	};
	use runtime::{Runtime, RuntimeCall};

	const GENESIS: H256 = H256::repeat_byte(0x11);
	const NUMBER: BlockNumber = 100;

	fn birth_hash(number: BlockNumber) -> H256 {
		H256::repeat_byte(number as u8)
	}

	fn context() -> PayloadContext<impl Fn(BlockNumber) -> Option<Hash>> {
		PayloadContext {
			spec_version: runtime::VERSION.spec_version,
			transaction_version: runtime::VERSION.transaction_version,
			genesis_hash: GENESIS,
			number: NUMBER,
			ancestor: |number| (number < NUMBER).then(|| birth_hash(number)),
		}
	}

	/// A transfer signed as a wallet signs it: over the payload the runtime itself builds,
	/// in a state holding what its extensions read.
	fn signed(seed: &str, era: Era, call: RuntimeCall, nonce: u32) -> OpaqueExtrinsic {
		let pair = sr25519::Pair::from_string(seed, None).unwrap();
		let extension = runtime::tx_extension(nonce, era, 0);
		let payload = sp_io::TestExternalities::default().execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(NUMBER);
			frame_system::BlockHash::<Runtime>::insert(0, GENESIS);
			for number in 1..NUMBER {
				frame_system::BlockHash::<Runtime>::insert(number, birth_hash(number));
			}
			runtime::SignedPayload::new(call.clone(), extension.clone()).unwrap()
		});
		let signature = payload.using_encoded(|message| pair.sign(message));
		let extrinsic: runtime::UncheckedExtrinsic = runtime::SubstrateExtrinsic::new_signed(
			call,
			polkadot_sdk::sp_runtime::AccountId32::from(pair.public()).into(),
			MultiSignature::Sr25519(signature),
			extension,
		)
		.into();
		OpaqueExtrinsic::try_from_encoded_extrinsic(&extrinsic.encode()).unwrap()
	}

	fn transfer(value: u128) -> RuntimeCall {
		let bob = sr25519::Pair::from_string("//Bob", None).unwrap().public();
		RuntimeCall::Balances(polkadot_sdk::pallet_balances::Call::transfer_keep_alive {
			dest: polkadot_sdk::sp_runtime::AccountId32::from(bob).into(),
			value,
		})
	}

	fn remark(len: usize) -> RuntimeCall {
		RuntimeCall::System(frame_system::Call::remark { remark: vec![7; len] })
	}

	#[test]
	fn payloads_are_the_runtimes() {
		let context = context();
		for (era, call) in [
			(Era::Immortal, transfer(10)),
			(Era::mortal(64, (NUMBER - 3).into()), transfer(10)),
			// Longer than 256 bytes: the runtime signs its hash.
			(Era::mortal(256, 60), remark(400)),
		] {
			let extrinsic = signed("//Alice", era, call, 5);
			let check = sr25519_check(&extrinsic, &context).expect("a signed transfer");
			let public = sr25519::Pair::from_string("//Alice", None).unwrap().public();
			assert_eq!(check.public, public.0);
			assert!(sp_io::crypto::sr25519_verify(
				&sr25519::Signature::from_raw(check.signature),
				&check.message,
				&public,
			));
			assert!(verify_batch(std::slice::from_ref(&check)));
		}
	}

	#[test]
	fn payloads_it_cannot_rebuild_are_left_to_the_runtime() {
		// The era's birth block is not an ancestor this context knows.
		let known = context();
		let unknown = PayloadContext {
			spec_version: known.spec_version,
			transaction_version: known.transaction_version,
			genesis_hash: known.genesis_hash,
			number: known.number,
			ancestor: |_| None,
		};
		let mortal = signed("//Alice", Era::mortal(64, (NUMBER - 3).into()), transfer(1), 0);
		assert!(sr25519_check(&mortal, &unknown).is_none());
		// Unsigned: the timestamp inherent.
		let now = polkadot_sdk::pallet_timestamp::Call::<Runtime>::set { now: 1 };
		let bare: runtime::UncheckedExtrinsic =
			runtime::SubstrateExtrinsic::new_bare(RuntimeCall::Timestamp(now)).into();
		let bare = OpaqueExtrinsic::try_from_encoded_extrinsic(&bare.encode()).unwrap();
		assert!(sr25519_check(&bare, &context()).is_none());
		// Not a transaction at all.
		assert!(sr25519_check(&OpaqueExtrinsic::from_blob(vec![0x84, 0, 1]), &context()).is_none());
	}

	/// A transaction signed over `remark(1)` whose call is that remark wrapped in `levels`
	/// sudo calls. Built as bytes: the nested value's own encoding and drop would recurse
	/// as deep as the decoding under test.
	fn nested_in_sudo(levels: usize) -> OpaqueExtrinsic {
		let inner = remark(1).encode();
		let sudo = polkadot_sdk::pallet_sudo::Call::<Runtime>::sudo { call: Box::new(remark(1)) };
		let once = RuntimeCall::Sudo(sudo).encode();
		let wrapper = &once[..once.len() - inner.len()];
		let signed = signed("//Alice", Era::Immortal, remark(1), 0);
		let body = signed.inner();
		let mut nested = body[..body.len() - inner.len()].to_vec();
		for _ in 0..levels {
			nested.extend_from_slice(wrapper);
		}
		nested.extend_from_slice(&inner);
		OpaqueExtrinsic::from_blob(nested)
	}

	#[test]
	fn calls_nested_deeper_than_the_runtime_decodes_are_left_to_it() {
		// A peer's block can carry any bytes. The runtime decodes a transaction with
		// frame-support's depth limit: it takes calls nested as deep as the limit and
		// refuses one more (frame-executive's own test of the limit). Decoded natively
		// without the limit, the deepest of these exhausted the import thread's stack.
		let context = context();
		let alice = sr25519::Pair::from_string("//Alice", None).unwrap().public().0;
		let deepest = nested_in_sudo(MAX_EXTRINSIC_DEPTH as usize);
		assert_eq!(sr25519_check(&deepest, &context).expect("within the limit").public, alice);
		assert!(
			sr25519_check(&nested_in_sudo(MAX_EXTRINSIC_DEPTH as usize + 1), &context).is_none()
		);
		assert!(sr25519_check(&nested_in_sudo(1_000_000), &context).is_none());
	}

	/// A signed transfer's bytes, signed once for all the cases that mutate them.
	fn valid_transfer() -> &'static [u8] {
		static VALID: std::sync::OnceLock<OpaqueExtrinsic> = std::sync::OnceLock::new();
		VALID
			.get_or_init(|| {
				signed("//Alice", Era::mortal(64, (NUMBER - 3).into()), transfer(10), 5)
			})
			.inner()
	}

	proptest::proptest! {
		#![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

		/// Whatever bytes a peer's block carries, rebuilding their check returns, and a
		/// check it does rebuild carries the bytes' own signature and signer.
		#[test]
		fn any_bytes_are_decoded_without_panicking(
			flips in proptest::collection::vec((0usize..400, 1u8..=255), 0..8),
			cut in 0usize..400,
			noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
		) {
			let context = context();
			let mut bytes = valid_transfer().to_vec();
			for (at, mask) in flips {
				let at = at % bytes.len();
				bytes[at] ^= mask;
			}
			bytes.truncate(bytes.len() - cut % bytes.len());
			if let Some(check) = sr25519_check(&OpaqueExtrinsic::from_blob(bytes.clone()), &context) {
				let at = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
				proptest::prop_assert!(at(&check.signature) && at(&check.public));
			}
			let _ = sr25519_check(&OpaqueExtrinsic::from_blob(noise), &context);
		}
	}

	#[test]
	fn the_metadata_hash_check_off_encodes_as_this_module_expects() {
		let off =
			polkadot_sdk::frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false);
		assert_eq!(off.encode(), METADATA_HASH_OFF);
		let on =
			polkadot_sdk::frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(true);
		assert_ne!(on.encode(), METADATA_HASH_OFF);
	}

	fn checks(count: u32) -> Vec<Sr25519Check> {
		let context = context();
		let seeds = ["//Alice", "//Bob", "//Charlie"];
		(0..count)
			.map(|i| {
				let extrinsic =
					signed(seeds[i as usize % 3], Era::Immortal, transfer(i.into()), i / 3);
				sr25519_check(&extrinsic, &context).unwrap()
			})
			.collect()
	}

	/// A `held` that answers `answer` and counts in `asked` how often it was asked.
	fn counting(
		asked: &std::cell::Cell<usize>,
		answer: bool,
	) -> impl Fn(&Sr25519Check) -> bool + '_ {
		move |_| {
			asked.set(asked.get() + 1);
			answer
		}
	}

	#[test]
	fn a_block_the_node_has_seen_is_left_to_the_cache() {
		let context = context();
		let block: Vec<OpaqueExtrinsic> = (0..2 * SAMPLE as u32)
			.map(|i| signed("//Alice", Era::Immortal, transfer(i.into()), i))
			.collect();
		let asked = std::cell::Cell::new(0);
		let none_held = checks_to_verify(&block, &context, counting(&asked, false), || true);
		assert_eq!(none_held.len(), block.len());
		assert_eq!(asked.get(), block.len());
		// All held: the sample says so, and neither the rest nor the body's root are
		// looked at.
		asked.set(0);
		assert!(checks_to_verify(&block, &context, counting(&asked, true), || panic!(
			"the root of a block the node has seen is not computed"
		),)
		.is_empty());
		assert_eq!(asked.get(), SAMPLE);
		// An eighth of the sample missing still counts as seen; more does not.
		let all: Vec<Sr25519Check> =
			block.iter().map(|extrinsic| sr25519_check(extrinsic, &context).unwrap()).collect();
		let one_in = |every: usize| {
			let missing: Vec<Sr25519Check> = all.iter().step_by(every).cloned().collect();
			move |check: &Sr25519Check| !missing.contains(check)
		};
		assert!(checks_to_verify(&block, &context, one_in(8), || true).is_empty());
		let verify = checks_to_verify(&block, &context, one_in(4), || true);
		assert_eq!(verify, all.iter().step_by(4).cloned().collect::<Vec<_>>());
	}

	#[test]
	fn a_forged_body_is_found_before_the_rest_of_it_is_decoded() {
		let context = context();
		let block: Vec<OpaqueExtrinsic> = (0..2 * SAMPLE as u32)
			.map(|i| signed("//Alice", Era::Immortal, transfer(i.into()), i))
			.collect();
		// Past the sample, the body's root is asked for once, before anything more is
		// decoded; a body its header does not commit to ends it there.
		let asked = std::cell::Cell::new(0);
		let rooted = std::cell::Cell::new(None);
		let held = counting(&asked, false);
		let forged = || {
			assert!(rooted.replace(Some(asked.get())).is_none(), "asked once");
			false
		};
		assert!(checks_to_verify(&block, &context, held, forged).is_empty());
		assert_eq!((rooted.get(), asked.get()), (Some(SAMPLE), SAMPLE));
		// A block smaller than the sample: the root once its checks are rebuilt.
		let (asked, rooted) = (std::cell::Cell::new(0), std::cell::Cell::new(None));
		let held = counting(&asked, false);
		let committed = || rooted.replace(Some(asked.get())).is_none();
		assert_eq!(checks_to_verify(&block[..3], &context, held, committed).len(), 3);
		assert_eq!(rooted.get(), Some(3));
		// Nothing to verify: no root.
		let bare: runtime::UncheckedExtrinsic = runtime::SubstrateExtrinsic::new_bare(
			RuntimeCall::Timestamp(polkadot_sdk::pallet_timestamp::Call::set { now: 1 }),
		)
		.into();
		let bare = OpaqueExtrinsic::try_from_encoded_extrinsic(&bare.encode()).unwrap();
		let nothing = checks_to_verify(&[bare], &context, |_| false, || panic!("no root"));
		assert!(nothing.is_empty());
	}

	#[test]
	fn a_batch_verifies_only_if_each_of_its_checks_does() {
		let mut checks = checks(6);
		assert!(verify_batch(&checks));
		assert!(verify_batch(&[]));
		// Another message, another key, a flipped bit: each fails the whole batch.
		let mut wrong = checks.clone();
		wrong[2].message.push(0);
		assert!(!verify_batch(&wrong));
		let mut wrong = checks.clone();
		wrong[4].public = checks[3].public;
		assert!(!verify_batch(&wrong));
		checks[5].signature[3] ^= 1;
		assert!(!verify_batch(&checks));
		// A signature without schnorrkel's marker bit is malformed.
		checks[5].signature[3] ^= 1;
		checks[5].signature[63] &= 0x7f;
		assert!(!verify_batch(&checks));
	}

	/// The batches [`verify_batches`] hands on, in order.
	fn verified(checks: &[Sr25519Check], threads: usize) -> Vec<&[Sr25519Check]> {
		let mut verified = Vec::new();
		verify_batches(checks, threads, |batch| verified.push(batch));
		verified
	}

	#[test]
	fn batches_are_spread_over_threads_and_fail_alone() {
		let mut checks = checks(4 * MIN_BATCH as u32);
		let all = verified(&checks, 4);
		assert_eq!(all.len(), 4);
		assert_eq!(all.iter().map(|batch| batch.len()).sum::<usize>(), checks.len());
		// Few checks stay in one batch, whatever the threads.
		assert_eq!(verified(&checks[..MIN_BATCH], 4).len(), 1);
		assert!(verified(&[], 4).is_empty());
		// A bad signature in the third quarter loses that quarter only.
		checks[2 * MIN_BATCH + 1].signature[0] ^= 1;
		let verified = verified(&checks, 4);
		assert_eq!(verified.len(), 3);
		assert!(verified.iter().all(|batch| !batch.contains(&checks[2 * MIN_BATCH + 1])));
	}

	/// `count` checks of short messages by three keys, signed directly.
	fn raw_checks(count: u32) -> Vec<Sr25519Check> {
		let pairs: Vec<_> = ["//Alice", "//Bob", "//Charlie"]
			.iter()
			.map(|seed| sr25519::Pair::from_string(seed, None).unwrap())
			.collect();
		(0..count)
			.map(|i| {
				let pair = &pairs[i as usize % pairs.len()];
				let message = i.to_le_bytes().to_vec();
				Sr25519Check { signature: pair.sign(&message).0, public: pair.public().0, message }
			})
			.collect()
	}

	#[test]
	fn verification_stops_after_a_round_with_a_failed_batch() {
		// Two threads, batches of MAX_BATCH: two rounds, [0, 2 * MAX_BATCH) and the rest.
		let mut checks = raw_checks(3 * MAX_BATCH as u32);
		let all = verified(&checks, 2);
		assert_eq!(all.len(), 3);
		assert!(all.iter().all(|batch| batch.len() == MAX_BATCH));
		// A bad signature in the first batch: the second, in the same round, still counts;
		// the third, in the next round, is not verified.
		checks[7].signature[0] ^= 1;
		let verified = verified(&checks, 2);
		assert_eq!(verified.len(), 1);
		assert_eq!(verified[0], &checks[MAX_BATCH..2 * MAX_BATCH]);
	}

	#[test]
	fn only_the_body_the_header_commits_to_is_verified_ahead() {
		let body: Vec<OpaqueExtrinsic> =
			(0..3).map(|i| signed("//Alice", Era::Immortal, transfer(i), i as u32)).collect();
		let version = runtime::VERSION;
		let root = frame_system::extrinsics_root::<BlakeTwo256, _>(
			&body,
			version.extrinsics_root_state_version(),
		);
		let header = <Block as BlockT>::Header::new(
			NUMBER,
			root,
			H256::zero(),
			H256::zero(),
			Default::default(),
		);
		assert!(body_matches(&header, &body, &version));
		let mut other = body.clone();
		other.swap(0, 2);
		assert!(!body_matches(&header, &other, &version));
		assert!(!body_matches(&header, &body[..2], &version));
	}

	#[test]
	fn verified_checks_are_answered_from_the_cache() {
		let cache = VerifyCache::new(64);
		let checks = checks(3);
		for batch in verified(&checks, 2) {
			let batch = || batch.iter().map(|c| (&c.signature, &c.message[..], &c.public));
			assert!(batch().all(|(sig, msg, public)| !cache.holds_sr25519(sig, msg, public)));
			assert_eq!(cache.insert_sr25519_batch(batch()), batch().count());
			// Held now: a second insert says none was new.
			assert_eq!(cache.insert_sr25519_batch(batch()), 0);
		}
		for check in &checks {
			assert!(cache.holds_sr25519(&check.signature, &check.message, &check.public));
			let public = sr25519::Public::from_raw(check.public);
			let signature = sr25519::Signature::from_raw(check.signature);
			assert!(cache.sr25519_verify(&signature, &check.message, &public));
		}
		// All three answered from the cache, none computed.
		assert_eq!(cache.counts(), (3, 0));
	}

	#[test]
	fn the_head_is_verified_before_the_block_executes() {
		// One core: everything before the block executes.
		assert_eq!(head(3_922, 1), 3_922);
		// More: the first batch before, the rest beside the execution; a small block whole.
		assert_eq!(head(3_922, 2), HEAD);
		assert_eq!(head(4, 2), 4);
		assert_eq!(head(HEAD, 8), HEAD);
	}

	#[test]
	fn the_tally_tells_batches_verified_ahead_from_checks_the_runtime_made_first() {
		let cache = VerifyCache::new(1_024);
		let checks = raw_checks(2 * MIN_BATCH as u32);
		// The runtime, executing the block, checks two of the second batch itself.
		for check in &checks[MIN_BATCH..MIN_BATCH + 2] {
			let public = sr25519::Public::from_raw(check.public);
			let signature = sr25519::Signature::from_raw(check.signature);
			assert!(cache.sr25519_verify(&signature, &check.message, &public));
		}
		let mut tally = Tally { checks: checks.len(), head: MIN_BATCH, ..Default::default() };
		tally.verify(&cache, &checks[..MIN_BATCH], 2);
		tally.verify(&cache, &checks[MIN_BATCH..], 1);
		let expected = Tally {
			checks: checks.len(),
			head: MIN_BATCH,
			batches: 2,
			ahead: checks.len() - 2,
			runtime_first: 2,
			complete: true,
		};
		assert_eq!(tally, expected);
		// A bad signature: its batch is not kept, and the tally says so.
		let mut bad = raw_checks(MIN_BATCH as u32);
		bad[5].signature[0] ^= 1;
		let cache = VerifyCache::new(1_024);
		let mut tally = Tally { checks: bad.len(), head: bad.len(), ..Default::default() };
		tally.verify(&cache, &bad, 1);
		assert_eq!((tally.batches, tally.ahead, tally.complete), (0, 0, false));
		assert!(!cache.holds_sr25519(&bad[0].signature, &bad[0].message, &bad[0].public));
	}

	/// How many of `checks` `cache` holds.
	fn held(cache: &VerifyCache, checks: &[Sr25519Check]) -> usize {
		checks
			.iter()
			.filter(|check| cache.holds_sr25519(&check.signature, &check.message, &check.public))
			.count()
	}

	/// [`verify_around`] an import that sees how many of `checks` the cache holds when
	/// the block starts executing; that count, and the tally.
	fn around(checks: &[Sr25519Check], cores: usize) -> (&'static VerifyCache, usize, Tally) {
		let cache: &'static VerifyCache = Box::leak(Box::new(VerifyCache::new(16_384)));
		let import = async { held(cache, checks) };
		let (seen, tally) =
			futures::executor::block_on(verify_around(cache, checks.to_vec(), cores, import));
		(cache, seen, tally.expect("the verifying thread started"))
	}

	#[test]
	fn a_small_block_is_verified_whole_before_it_executes() {
		// What failed CI in an earlier version: with two cores, a block's few signatures
		// were verified beside its execution, and the runtime reached them first.
		let checks = raw_checks(100);
		for cores in [1, 2, 8] {
			let (_, seen, tally) = around(&checks, cores);
			assert_eq!(seen, checks.len(), "{cores} cores");
			assert_eq!((tally.head, tally.ahead, tally.complete), (100, 100, true));
		}
	}

	#[test]
	fn a_full_block_executes_beside_the_verification_of_its_rest() {
		let checks = raw_checks(3 * MAX_BATCH as u32);
		// Two cores: the head (two batches, one a core) before the block executes, the
		// rest (two batches on the other core) once it is imported.
		let (cache, seen, tally) = around(&checks, 2);
		assert!(seen >= HEAD, "the head is verified before the block executes: {seen}");
		assert_eq!(held(cache, &checks), checks.len());
		assert_eq!(tally.head, HEAD);
		assert_eq!(
			(tally.ahead + tally.runtime_first, tally.batches, tally.complete),
			(1536, 4, true)
		);
		// One core: everything before.
		let (_, seen, tally) = around(&checks, 1);
		assert_eq!((seen, tally.head, tally.ahead), (checks.len(), checks.len(), checks.len()));
	}

	#[test]
	fn a_bad_signature_in_the_head_leaves_the_rest_to_the_runtime() {
		let mut checks = raw_checks(3 * MAX_BATCH as u32);
		checks[3].signature[0] ^= 1;
		let (cache, seen, tally) = around(&checks, 2);
		// The head is two batches on two cores; the one with the bad signature is not
		// kept, the other is, and no thread is started for the rest.
		assert_eq!((seen, held(cache, &checks)), (HEAD / 2, HEAD / 2));
		assert_eq!(held(cache, &checks[HEAD / 2..HEAD]), HEAD / 2);
		assert_eq!((tally.head, tally.batches, tally.complete), (HEAD, 1, false));
		// A bad one past the head: the head is kept, and the failed batch is not.
		let mut checks = raw_checks(3 * MAX_BATCH as u32);
		checks[HEAD + 3].signature[0] ^= 1;
		let (cache, seen, tally) = around(&checks, 2);
		assert!(seen >= HEAD);
		assert_eq!(held(cache, &checks[..HEAD]), HEAD);
		assert!(!cache.holds_sr25519(
			&checks[HEAD].signature,
			&checks[HEAD].message,
			&checks[HEAD].public
		));
		assert!(!tally.complete);
	}
}
