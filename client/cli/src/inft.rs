//! `zg inft`'s work: the data file's encryption, and the chain side of intelligent NFTs
//! (keys, minting, handovers with their proofs, fetching, the escrowed sale).
//!
//! **Encrypted file format.** `ZGINFT01` (8 bytes), then the plaintext in chunks of
//! [`CHUNK`] bytes, each sealed with ChaCha20-Poly1305 under the token's data key
//! ([`zerog_inft_primitives::data_key`] of its point `M`): nonce = chunk index (11 bytes,
//! big-endian) ‖ last-chunk flag, associated data = the magic. A truncated, reordered or
//! altered file fails a tag; an empty file is one empty last chunk. Both directions
//! stream through fixed buffers, so memory stays flat in the file size. A data key is
//! never reused for other data: minting and every update draw a fresh `M` (a clone
//! carries the same data under the same key).
//!
//! **Keys.** An account's encryption key is derived from its signing secret
//! ([`SecretKey::derive`]), so `--suri` is all a command needs.

use std::{
	fs::File,
	io::{BufReader, BufWriter, Read, Write},
	path::{Path, PathBuf},
};

use chacha20poly1305::{aead::AeadInPlace, ChaCha20Poly1305, KeyInit, Nonce, Tag};
use codec::Encode;
use polkadot_sdk::sp_core::{crypto::Pair as _, sr25519};
use polkadot_sdk::sp_runtime::AccountId32;
use zerog_chain_client::{self as chain, to_chain, zerog, Chain};
use zerog_inft_primitives::{
	prove::SecretKey, CollectionId, EncryptionKey, Purpose, SealedKey, TokenId, TokenView,
	TransferContext,
};

/// The encrypted file's first bytes.
pub const MAGIC: &[u8; 8] = b"ZGINFT01";
/// Plaintext bytes per sealed chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// A token as the chain reports it.
pub type Token = TokenView<AccountId32, u128, u32>;

fn nonce(index: u64, last: bool) -> Nonce {
	let mut n = [0u8; 12];
	n[3..11].copy_from_slice(&index.to_be_bytes());
	n[11] = u8::from(last);
	Nonce::from(n)
}

/// Reads until `buf` is full or the input ends; how many bytes were read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
	let mut n = 0;
	while n < buf.len() {
		match r.read(&mut buf[n..]) {
			Ok(0) => break,
			Ok(k) => n += k,
			Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
			Err(e) => return Err(e),
		}
	}
	Ok(n)
}

/// The encrypted size of `plain` bytes.
pub fn encrypted_size(plain: u64) -> u64 {
	let chunks = plain.div_ceil(CHUNK as u64).max(1);
	MAGIC.len() as u64 + plain + chunks * TAG as u64
}

fn open_pair(input: &Path, output: &Path) -> Result<(BufReader<File>, BufWriter<File>), String> {
	let r = File::open(input).map_err(|e| format!("{}: {e}", input.display()))?;
	let w = File::create(output).map_err(|e| format!("{}: {e}", output.display()))?;
	Ok((BufReader::with_capacity(1 << 20, r), BufWriter::with_capacity(1 << 20, w)))
}

/// Reads `r` in chunks of `size` bytes and hands each to `f` with its index and whether
/// it is the last (found by reading one chunk ahead; an empty input is one empty last
/// chunk), through two fixed buffers; `f` may change the chunk in place.
fn for_each_chunk(
	r: &mut impl Read,
	size: usize,
	mut f: impl FnMut(&mut [u8], u64, bool) -> Result<(), String>,
) -> Result<(), String> {
	let io = |e: std::io::Error| e.to_string();
	let (mut cur, mut next) = (vec![0u8; size], vec![0u8; size]);
	let mut len = read_full(r, &mut cur).map_err(io)?;
	for index in 0.. {
		let next_len = if len == size { read_full(r, &mut next).map_err(io)? } else { 0 };
		let last = next_len == 0;
		f(&mut cur[..len], index, last)?;
		if last {
			break;
		}
		std::mem::swap(&mut cur, &mut next);
		len = next_len;
	}
	Ok(())
}

/// Encrypts `input` into `output` under `key`, streaming; the plaintext size.
pub fn encrypt_file(key: &[u8; 32], input: &Path, output: &Path) -> Result<u64, String> {
	let cipher = ChaCha20Poly1305::new(key.into());
	let (mut r, mut w) = open_pair(input, output)?;
	let io = |e: std::io::Error| e.to_string();
	w.write_all(MAGIC).map_err(io)?;
	let mut total = 0u64;
	for_each_chunk(&mut r, CHUNK, |chunk, index, last| {
		let tag = cipher
			.encrypt_in_place_detached(&nonce(index, last), MAGIC, chunk)
			.map_err(|_| "encryption failed".to_string())?;
		w.write_all(chunk).map_err(io)?;
		w.write_all(&tag).map_err(io)?;
		total += chunk.len() as u64;
		Ok(())
	})?;
	w.flush().map_err(io)?;
	Ok(total)
}

/// Decrypts `input` into `output` under `key`, streaming. Nothing is left at `output`
/// unless every chunk verified: the plaintext goes to a `.part` file beside it, renamed
/// at the end and removed on any failure.
pub fn decrypt_file(key: &[u8; 32], input: &Path, output: &Path) -> Result<u64, String> {
	let part = part_path(output);
	let result = decrypt_to(key, input, &part);
	match result {
		Ok(n) => {
			std::fs::rename(&part, output).map_err(|e| format!("{}: {e}", output.display()))?;
			Ok(n)
		}
		Err(e) => {
			let _ = std::fs::remove_file(&part);
			Err(e)
		}
	}
}

fn part_path(output: &Path) -> PathBuf {
	let mut name = output.file_name().unwrap_or_default().to_os_string();
	name.push(".part");
	output.with_file_name(name)
}

fn decrypt_to(key: &[u8; 32], input: &Path, output: &Path) -> Result<u64, String> {
	let cipher = ChaCha20Poly1305::new(key.into());
	let (mut r, mut w) = open_pair(input, output)?;
	let io = |e: std::io::Error| e.to_string();
	let mut magic = [0u8; 8];
	if read_full(&mut r, &mut magic).map_err(io)? != 8 || &magic != MAGIC {
		return Err("not an iNFT data file (bad magic)".into());
	}
	let mut total = 0u64;
	for_each_chunk(&mut r, CHUNK + TAG, |chunk, index, last| {
		let len = chunk.len();
		if len < TAG {
			return Err(format!("chunk {index} is truncated"));
		}
		let (body, tag) = chunk.split_at_mut(len - TAG);
		cipher
			.decrypt_in_place_detached(&nonce(index, last), MAGIC, body, Tag::from_slice(tag))
			.map_err(|_| {
				format!(
					"chunk {index} does not decrypt: the file was altered or truncated, or \
					 this is not its key"
				)
			})?;
		w.write_all(body).map_err(io)?;
		total += body.len() as u64;
		Ok(())
	})?;
	w.flush().map_err(io)?;
	Ok(total)
}

/// The encryption secret of a signing key.
pub fn secret_of(pair: &sr25519::Pair) -> Result<SecretKey, String> {
	SecretKey::derive(&pair.to_raw_vec()).map_err(|e| format!("{e:?}"))
}

/// Parses `C/T` into a collection and token id.
pub fn parse_id(s: &str) -> Result<(CollectionId, TokenId), String> {
	let err = || format!("{s:?} is not a token id: expected COLLECTION/TOKEN, e.g. 0/3");
	let (c, t) = s.split_once('/').ok_or_else(err)?;
	Ok((c.parse().map_err(|_| err())?, t.parse().map_err(|_| err())?))
}

pub use crate::compute::submit;

/// A token, or an error naming it.
pub async fn token(chain: &Chain, id: (CollectionId, TokenId)) -> Result<Token, String> {
	let view = chain
		.runtime_api(zerog::runtime_apis().inft_api().token(id.0, id.1))
		.await
		.map_err(|e| e.to_string())?;
	let view: Option<Token> = to_chain(&view).map_err(|e| e.to_string())?;
	view.ok_or_else(|| format!("no token {}/{} on chain", id.0, id.1))
}

/// An account's registered encryption key.
pub async fn key_of(chain: &Chain, who: &AccountId32) -> Result<Option<EncryptionKey>, String> {
	let key = chain
		.runtime_api(zerog::runtime_apis().inft_api().encryption_key(chain::account(who)))
		.await
		.map_err(|e| e.to_string())?;
	to_chain(&key).map_err(|e| e.to_string())
}

/// The tokens an account owns (every page).
pub async fn tokens_of(
	chain: &Chain,
	who: &AccountId32,
) -> Result<Vec<(CollectionId, TokenId)>, String> {
	let mut out = Vec::new();
	let mut after = None;
	loop {
		let page = chain
			.runtime_api(zerog::runtime_apis().inft_api().tokens_of(
				chain::account(who),
				after,
				500,
			))
			.await
			.map_err(|e| e.to_string())?;
		let done = page.len() < 500;
		after = page.last().copied();
		out.extend(page);
		if done {
			return Ok(out);
		}
	}
}

/// Registers the signer's derived encryption key unless it is registered already;
/// whether it registered now.
pub async fn ensure_key(chain: &Chain, signer: &sr25519::Pair) -> Result<bool, String> {
	let secret = secret_of(signer)?;
	let who = AccountId32::from(signer.public());
	if key_of(chain, &who).await? == Some(secret.public()) {
		return Ok(false);
	}
	let proof = secret.prove_possession(&who.encode());
	let call = zerog::tx().inft().register_key(
		to_chain(&secret.public()).map_err(|e| e.to_string())?,
		to_chain(&proof).map_err(|e| e.to_string())?,
	);
	submit(chain, signer, call).await?;
	Ok(true)
}

/// The receiver's registered key, or why it cannot receive.
pub async fn receiver_key(chain: &Chain, who: &AccountId32) -> Result<EncryptionKey, String> {
	key_of(chain, who).await?.ok_or_else(|| {
		format!("{who} has no encryption key on chain: it must run `zg inft keys register` first")
	})
}

/// The signer's resealing of `token`'s data key to `to` for `purpose`, with its proof.
pub async fn reseal(
	chain: &Chain,
	signer: &sr25519::Pair,
	token: &Token,
	purpose: Purpose,
	to: &AccountId32,
) -> Result<(SealedKey, zerog_inft_primitives::ReencryptionProof), String> {
	let me = AccountId32::from(signer.public());
	if token.info.owner != me {
		return Err(format!(
			"token {}/{} is owned by {}, not the signer {me}",
			token.collection, token.token, token.info.owner
		));
	}
	let secret = secret_of(signer)?;
	if token.info.key != secret.public() {
		return Err(format!(
			"token {}/{} is sealed to a key the signer's secret does not open",
			token.collection, token.token
		));
	}
	let to_key = receiver_key(chain, to).await?;
	let genesis = chain
		.runtime_api(zerog::runtime_apis().inft_api().genesis())
		.await
		.map_err(|e| e.to_string())?;
	let (sender, receiver) = (me.encode(), to.encode());
	let ctx = TransferContext {
		genesis: &genesis,
		collection: token.collection,
		token: token.token,
		nonce: token.info.nonce,
		purpose,
		sender: &sender,
		receiver: &receiver,
	};
	secret.reseal(&ctx, &token.info.sealed, &to_key).map_err(|e| format!("{e:?}"))
}

/// The generated (chain) types of a sealed key and its proof.
pub type ChainHandover = (
	zerog::runtime_types::zerog_inft_primitives::SealedKey,
	zerog::runtime_types::zerog_inft_primitives::ReencryptionProof,
);

/// Token `id`'s data key resealed by the signer to `to` for `purpose`, with its proof,
/// ready for a call.
pub async fn handover(
	chain: &Chain,
	signer: &sr25519::Pair,
	id: (CollectionId, TokenId),
	purpose: Purpose,
	to: &AccountId32,
) -> Result<ChainHandover, String> {
	let token = token(chain, id).await?;
	let (sealed, proof) = reseal(chain, signer, &token, purpose, to).await?;
	let e = |e: chain::ChainError| e.to_string();
	Ok((to_chain(&sealed).map_err(e)?, to_chain(&proof).map_err(e)?))
}

/// The data key the signer can open for `token`'s current version: as its owner, or
/// through a usage grant.
pub fn data_key_for(signer: &sr25519::Pair, token: &Token) -> Result<[u8; 32], String> {
	let me = AccountId32::from(signer.public());
	let secret = secret_of(signer)?;
	let granted = token
		.grants
		.iter()
		.find(|g| g.executor == me && g.key == secret.public() && g.version == token.info.version);
	let sealed = if token.info.owner == me && token.info.key == secret.public() {
		token.info.sealed
	} else if let Some(grant) = granted {
		grant.sealed
	} else {
		return Err(format!(
			"{me} neither owns token {}/{} nor holds a usage grant for its version {}",
			token.collection, token.token, token.info.version
		));
	};
	let m = secret.open(&sealed).map_err(|e| format!("{e:?}"))?;
	Ok(zerog_inft_primitives::data_key(&m))
}

/// A temporary file path for an encrypted copy, removed when dropped.
pub struct TempFile(pub PathBuf);

impl TempFile {
	/// A fresh path in the system's temporary directory.
	pub fn new(tag: &str) -> Self {
		let nanos = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map(|d| d.as_nanos())
			.unwrap_or_default();
		Self(std::env::temp_dir().join(format!("zg-inft-{tag}-{}-{nanos}", std::process::id())))
	}
}

impl Drop for TempFile {
	fn drop(&mut self) {
		let _ = std::fs::remove_file(&self.0);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn roundtrip(len: usize) {
		let (plain, enc, out) = (
			TempFile::new(&format!("p{len}")),
			TempFile::new(&format!("e{len}")),
			TempFile::new(&format!("o{len}")),
		);
		let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
		std::fs::write(&plain.0, &data).unwrap();
		let key = [7u8; 32];
		assert_eq!(encrypt_file(&key, &plain.0, &enc.0).unwrap(), len as u64);
		assert_eq!(std::fs::metadata(&enc.0).unwrap().len(), encrypted_size(len as u64));
		assert_eq!(decrypt_file(&key, &enc.0, &out.0).unwrap(), len as u64);
		assert_eq!(std::fs::read(&out.0).unwrap(), data);
	}

	#[test]
	fn files_of_every_shape_roundtrip() {
		for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
			roundtrip(len);
		}
	}

	#[test]
	fn altered_truncated_or_wrongly_keyed_files_write_nothing() {
		let (plain, enc, out) = (TempFile::new("p"), TempFile::new("e"), TempFile::new("o"));
		std::fs::write(&plain.0, vec![5u8; 2 * CHUNK]).unwrap();
		encrypt_file(&[1; 32], &plain.0, &enc.0).unwrap();
		let good = std::fs::read(&enc.0).unwrap();
		// A wrong key.
		assert!(decrypt_file(&[2; 32], &enc.0, &out.0).is_err());
		assert!(!out.0.exists() && !part_path(&out.0).exists());
		// One flipped byte in the second chunk.
		let mut bad = good.clone();
		bad[8 + CHUNK + TAG + 5] ^= 1;
		std::fs::write(&enc.0, &bad).unwrap();
		assert!(decrypt_file(&[1; 32], &enc.0, &out.0).is_err());
		assert!(!out.0.exists() && !part_path(&out.0).exists());
		// Cut after the first chunk: that chunk was not sealed as the last.
		std::fs::write(&enc.0, &good[..8 + CHUNK + TAG]).unwrap();
		assert!(decrypt_file(&[1; 32], &enc.0, &out.0).is_err());
		assert!(!out.0.exists());
	}

	#[test]
	fn token_ids_parse() {
		assert_eq!(parse_id("0/3").unwrap(), (0, 3));
		assert!(parse_id("3").is_err());
		assert!(parse_id("a/b").is_err());
	}
}
