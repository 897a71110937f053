//! `zerog-tiny-lm`: the CPU engine's default model, produced by the project itself.
//!
//! A byte-level neural language model in the style of Bengio et al. (2003): the last
//! [`CONTEXT`] bytes are embedded ([`EMBED`] floats each), concatenated, passed through
//! one `tanh` hidden layer of [`HIDDEN`] units and a softmax over the 256 byte values.
//! It is trained here, deterministically (fixed seed, fixed corpus: the project's own
//! documentation, compiled into `zg-provider`: `src/corpus.rs`), by plain SGD with
//! hand-written back-propagation, and saved to a small checksummed file. Nothing is
//! downloaded.
//!
//! It is a small model: it produces text that looks like the documentation it read,
//! not answers. What matters to the marketplace is that it is a real model whose every
//! generated token costs real compute, metered exactly (one token = one byte).
//! Embeddings are the mean hidden activation over the input, L2-normalised.

use std::path::Path;

use sp_crypto_hashing::blake2_256;

/// Bytes of context the model sees.
pub const CONTEXT: usize = 8;
/// Floats per byte embedding.
pub const EMBED: usize = 16;
/// Hidden units.
pub const HIDDEN: usize = 256;
/// Vocabulary: bytes.
pub const VOCAB: usize = 256;
/// The model's name, as `/v1/models` lists it.
pub const MODEL_NAME: &str = "zerog-tiny-lm";

const MAGIC: &[u8; 8] = b"ZGTINYLM";
const VERSION: u32 = 1;
const PAD: u8 = b' ';

/// Why a model file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
	/// Reading or writing the file failed.
	#[error("model file: {0}")]
	Io(#[from] std::io::Error),
	/// The file is not a model of this version, or is damaged.
	#[error("model file is not a zerog-tiny-lm v1 model or is damaged: {0}")]
	Format(&'static str),
}

/// SplitMix64: a small deterministic generator for initialisation and sampling.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
	/// A generator from a seed.
	pub fn new(seed: u64) -> Self {
		Self(seed)
	}
	/// The next 64 random bits.
	pub fn next_u64(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}
	/// Uniform in [0, 1).
	pub fn next_f32(&mut self) -> f32 {
		(self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
	}
}

/// The model's parameters.
#[derive(Clone, PartialEq)]
pub struct TinyLm {
	emb: Vec<f32>, // VOCAB x EMBED
	w1: Vec<f32>,  // (CONTEXT*EMBED) x HIDDEN
	b1: Vec<f32>,  // HIDDEN
	w2: Vec<f32>,  // HIDDEN x VOCAB
	b2: Vec<f32>,  // VOCAB
}

/// Activations of one forward pass, kept for back-propagation.
struct Pass {
	input: [f32; CONTEXT * EMBED],
	hidden: [f32; HIDDEN],
	probs: [f32; VOCAB],
}

impl TinyLm {
	/// Randomly initialised parameters (uniform in ±1/√fan-in).
	pub fn init(seed: u64) -> Self {
		let mut rng = Rng::new(seed);
		let mut uniform = |n: usize, scale: f32| -> Vec<f32> {
			(0..n).map(|_| (rng.next_f32() * 2.0 - 1.0) * scale).collect()
		};
		Self {
			emb: uniform(VOCAB * EMBED, 1.0),
			w1: uniform(CONTEXT * EMBED * HIDDEN, 1.0 / ((CONTEXT * EMBED) as f32).sqrt()),
			b1: vec![0.0; HIDDEN],
			w2: uniform(HIDDEN * VOCAB, 1.0 / (HIDDEN as f32).sqrt()),
			b2: vec![0.0; VOCAB],
		}
	}

	/// Number of parameters.
	pub fn parameters(&self) -> usize {
		self.emb.len() + self.w1.len() + self.b1.len() + self.w2.len() + self.b2.len()
	}

	fn hidden(
		&self,
		context: &[u8; CONTEXT],
		input: &mut [f32; CONTEXT * EMBED],
		hidden: &mut [f32; HIDDEN],
	) {
		self.embed_context(context, input);
		hidden.copy_from_slice(&self.b1);
		for (i, &x) in input.iter().enumerate() {
			let row = &self.w1[i * HIDDEN..(i + 1) * HIDDEN];
			for (h, w) in hidden.iter_mut().zip(row) {
				*h += x * w;
			}
		}
		for h in hidden.iter_mut() {
			*h = h.tanh();
		}
	}

	fn logits(&self, hidden: &[f32; HIDDEN], logits: &mut [f32; VOCAB]) {
		logits.copy_from_slice(&self.b2);
		for (j, &h) in hidden.iter().enumerate() {
			let row = &self.w2[j * VOCAB..(j + 1) * VOCAB];
			for (l, w) in logits.iter_mut().zip(row) {
				*l += h * w;
			}
		}
	}

	fn forward(&self, context: &[u8; CONTEXT]) -> Pass {
		let mut pass =
			Pass { input: [0.0; CONTEXT * EMBED], hidden: [0.0; HIDDEN], probs: [0.0; VOCAB] };
		self.hidden(context, &mut pass.input, &mut pass.hidden);
		self.logits(&pass.hidden, &mut pass.probs);
		softmax(&mut pass.probs, 1.0);
		pass
	}

	/// One SGD step on predicting `target` after `context`; returns the loss.
	fn step(&mut self, context: &[u8; CONTEXT], target: u8, lr: f32) -> f32 {
		let pass = self.forward(context);
		let loss = -pass.probs[target as usize].max(1e-12).ln();
		let mut dlogits = pass.probs;
		dlogits[target as usize] -= 1.0;
		// Hidden gradient through w2 (before w2 changes), then w2 and b2.
		let mut dh = [0.0f32; HIDDEN];
		for (j, d) in dh.iter_mut().enumerate() {
			let row = &self.w2[j * VOCAB..(j + 1) * VOCAB];
			*d = row.iter().zip(&dlogits).map(|(w, g)| w * g).sum::<f32>();
		}
		for (j, &h) in pass.hidden.iter().enumerate() {
			let row = &mut self.w2[j * VOCAB..(j + 1) * VOCAB];
			let s = lr * h;
			for (w, g) in row.iter_mut().zip(&dlogits) {
				*w -= s * g;
			}
		}
		for (b, g) in self.b2.iter_mut().zip(&dlogits) {
			*b -= lr * g;
		}
		// Through tanh.
		for (d, h) in dh.iter_mut().zip(&pass.hidden) {
			*d *= 1.0 - h * h;
		}
		// Input gradient through w1 (before it changes), then w1, b1, embeddings.
		let mut dinput = [0.0f32; CONTEXT * EMBED];
		for (i, di) in dinput.iter_mut().enumerate() {
			let row = &self.w1[i * HIDDEN..(i + 1) * HIDDEN];
			*di = row.iter().zip(&dh).map(|(w, g)| w * g).sum::<f32>();
		}
		for (i, &x) in pass.input.iter().enumerate() {
			let row = &mut self.w1[i * HIDDEN..(i + 1) * HIDDEN];
			let s = lr * x;
			for (w, g) in row.iter_mut().zip(&dh) {
				*w -= s * g;
			}
		}
		for (b, g) in self.b1.iter_mut().zip(&dh) {
			*b -= lr * g;
		}
		for (i, &byte) in context.iter().enumerate() {
			let e = &mut self.emb[byte as usize * EMBED..(byte as usize + 1) * EMBED];
			for (w, g) in e.iter_mut().zip(&dinput[i * EMBED..(i + 1) * EMBED]) {
				*w -= lr * g;
			}
		}
		loss
	}

	/// Trains a fresh model on `corpus` for `steps` examples drawn at random positions;
	/// calls `progress(step, mean loss of the last 1000)` now and then.
	pub fn train(corpus: &[u8], steps: u64, seed: u64, mut progress: impl FnMut(u64, f32)) -> Self {
		let mut model = Self::init(seed);
		let mut rng = Rng::new(seed ^ 0x5EED);
		let mut recent = 0.0f32;
		if corpus.len() < 2 {
			return model;
		}
		for step in 0..steps {
			let pos = 1 + (rng.next_u64() % (corpus.len() as u64 - 1)) as usize;
			let context = context_before(corpus, pos);
			// Linear decay from 0.05 to 0.005.
			let lr = 0.05 - 0.045 * (step as f32 / steps.max(1) as f32);
			recent += model.step(&context, corpus[pos], lr);
			if (step + 1) % 1000 == 0 {
				progress(step + 1, recent / 1000.0);
				recent = 0.0;
			}
		}
		model
	}

	/// Mean loss (nats per byte) over every position of `text`.
	pub fn loss(&self, text: &[u8]) -> f32 {
		if text.len() < 2 {
			return 0.0;
		}
		let total: f32 = (1..text.len())
			.map(|pos| {
				-self.forward(&context_before(text, pos)).probs[text[pos] as usize].max(1e-12).ln()
			})
			.sum();
		total / (text.len() - 1) as f32
	}

	/// The next-byte logits after `context`, on the CPU.
	pub fn next_logits(&self, context: &[u8; CONTEXT], logits: &mut [f32; VOCAB]) {
		let mut input = [0.0f32; CONTEXT * EMBED];
		let mut hidden = [0.0f32; HIDDEN];
		self.hidden(context, &mut input, &mut hidden);
		self.logits(&hidden, logits);
	}

	/// The concatenated embeddings of `context`: the input of the hidden layer.
	pub fn embed_context(&self, context: &[u8; CONTEXT], input: &mut [f32; CONTEXT * EMBED]) {
		for (i, &b) in context.iter().enumerate() {
			input[i * EMBED..(i + 1) * EMBED]
				.copy_from_slice(&self.emb[b as usize * EMBED..(b as usize + 1) * EMBED]);
		}
	}

	/// The layers' parameters `(w1, b1, w2, b2)`, row-major as documented on the fields,
	/// for engines that run the products elsewhere.
	pub fn layers(&self) -> (&[f32], &[f32], &[f32], &[f32]) {
		(&self.w1, &self.b1, &self.w2, &self.b2)
	}

	/// Generates up to `max_tokens` bytes after `prompt`, handing each to `emit` (which
	/// returns false to stop). Sampling is restricted to printable ASCII and newline,
	/// so the output is always valid UTF-8; it stops early at a blank line.
	/// Returns how many tokens were generated and whether `max_tokens` was reached.
	pub fn generate(
		&self,
		prompt: &[u8],
		max_tokens: u32,
		temperature: f32,
		seed: u64,
		emit: impl FnMut(u8) -> bool,
	) -> (u32, bool) {
		generate_with(prompt, max_tokens, temperature, seed, emit, |context, logits| {
			self.next_logits(context, logits);
			Ok::<(), std::convert::Infallible>(())
		})
		.unwrap_or_else(|never| match never {})
	}

	/// The embedding of `text`: mean hidden activation over its positions, L2-normalised.
	pub fn embed(&self, text: &[u8]) -> Vec<f32> {
		let mut input = [0.0f32; CONTEXT * EMBED];
		embed_with(text, |context, hidden| {
			self.hidden(context, &mut input, hidden);
			Ok::<(), std::convert::Infallible>(())
		})
		.unwrap_or_else(|never| match never {})
	}

	/// The model as bytes: header, parameters (f32 little-endian), blake2-256 checksum.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(32 + self.parameters() * 4 + 32);
		out.extend_from_slice(MAGIC);
		for v in [VERSION, VOCAB as u32, CONTEXT as u32, EMBED as u32, HIDDEN as u32] {
			out.extend_from_slice(&v.to_le_bytes());
		}
		for tensor in [&self.emb, &self.w1, &self.b1, &self.w2, &self.b2] {
			for x in tensor.iter() {
				out.extend_from_slice(&x.to_le_bytes());
			}
		}
		let sum = blake2_256(&out);
		out.extend_from_slice(&sum);
		out
	}

	/// A model from [`Self::to_bytes`]'s output; checks the header, size and checksum.
	pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
		let header = MAGIC.len() + 5 * 4;
		let expected = header + Self::init(0).parameters() * 4 + 32;
		if bytes.len() != expected {
			return Err(ModelError::Format("wrong size"));
		}
		if &bytes[..MAGIC.len()] != MAGIC {
			return Err(ModelError::Format("bad magic"));
		}
		let (body, sum) = bytes.split_at(bytes.len() - 32);
		if blake2_256(body) != sum {
			return Err(ModelError::Format("checksum mismatch"));
		}
		let dims: Vec<u32> = body[MAGIC.len()..header]
			.chunks_exact(4)
			.map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
			.collect();
		if dims != [VERSION, VOCAB as u32, CONTEXT as u32, EMBED as u32, HIDDEN as u32] {
			return Err(ModelError::Format("other version or dimensions"));
		}
		let mut floats = body[header..]
			.chunks_exact(4)
			.map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")));
		let mut take = |n: usize| -> Vec<f32> { floats.by_ref().take(n).collect() };
		Ok(Self {
			emb: take(VOCAB * EMBED),
			w1: take(CONTEXT * EMBED * HIDDEN),
			b1: take(HIDDEN),
			w2: take(HIDDEN * VOCAB),
			b2: take(VOCAB),
		})
	}

	/// Saves atomically (write to a temporary file, then rename).
	pub fn save(&self, path: &Path) -> Result<(), ModelError> {
		if let Some(dir) = path.parent() {
			std::fs::create_dir_all(dir)?;
		}
		let tmp = path.with_extension("tmp");
		std::fs::write(&tmp, self.to_bytes())?;
		std::fs::rename(&tmp, path)?;
		Ok(())
	}

	/// Loads and checks a saved model.
	pub fn load(path: &Path) -> Result<Self, ModelError> {
		Self::from_bytes(&std::fs::read(path)?)
	}
}

/// The sampling loop of [`TinyLm::generate`] over any way of computing the next-byte
/// logits (`logits_of` fills them for a context, or fails): the CPU engine and the GPU
/// engine share it, so both sample identically from identical logits.
pub fn generate_with<E>(
	prompt: &[u8],
	max_tokens: u32,
	temperature: f32,
	seed: u64,
	mut emit: impl FnMut(u8) -> bool,
	mut logits_of: impl FnMut(&[u8; CONTEXT], &mut [f32; VOCAB]) -> Result<(), E>,
) -> Result<(u32, bool), E> {
	let mut rng = Rng::new(seed);
	let mut window: Vec<u8> = prompt[prompt.len().saturating_sub(CONTEXT)..].to_vec();
	let mut logits = [0.0f32; VOCAB];
	let mut last = 0u8;
	for n in 0..max_tokens {
		let context = context_before(&window, window.len());
		logits_of(&context, &mut logits)?;
		for (b, l) in logits.iter_mut().enumerate() {
			if !(b == usize::from(b'\n') || (0x20..0x7f).contains(&b)) {
				*l = f32::NEG_INFINITY;
			}
		}
		let byte = if temperature <= 0.0 {
			argmax(&logits) as u8
		} else {
			softmax(&mut logits, temperature);
			sample(&logits, rng.next_f32()) as u8
		};
		if !emit(byte) {
			return Ok((n + 1, false));
		}
		if byte == b'\n' && last == b'\n' {
			return Ok((n + 1, false));
		}
		last = byte;
		window.push(byte);
		if window.len() > 4 * CONTEXT {
			window.drain(..window.len() - CONTEXT);
		}
	}
	Ok((max_tokens, true))
}

/// [`TinyLm::embed`] over any way of computing the hidden layer for a context.
pub fn embed_with<E>(
	text: &[u8],
	mut hidden_of: impl FnMut(&[u8; CONTEXT], &mut [f32; HIDDEN]) -> Result<(), E>,
) -> Result<Vec<f32>, E> {
	let mut sum = vec![0.0f32; HIDDEN];
	let mut hidden = [0.0f32; HIDDEN];
	for pos in 1..=text.len().max(1) {
		hidden_of(&context_before(text, pos.min(text.len())), &mut hidden)?;
		for (s, h) in sum.iter_mut().zip(&hidden) {
			*s += h;
		}
	}
	let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
	sum.iter_mut().for_each(|x| *x /= norm);
	Ok(sum)
}

/// The [`CONTEXT`] bytes before `pos`, padded with spaces on the left.
fn context_before(text: &[u8], pos: usize) -> [u8; CONTEXT] {
	let mut context = [PAD; CONTEXT];
	let start = pos.saturating_sub(CONTEXT);
	let slice = &text[start..pos];
	context[CONTEXT - slice.len()..].copy_from_slice(slice);
	context
}

fn softmax(x: &mut [f32], temperature: f32) {
	let max = x.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
	let mut sum = 0.0;
	for v in x.iter_mut() {
		*v = ((*v - max) / temperature).exp();
		sum += *v;
	}
	for v in x.iter_mut() {
		*v /= sum;
	}
}

fn argmax(x: &[f32]) -> usize {
	x.iter()
		.enumerate()
		.fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| if v > bv { (i, v) } else { (bi, bv) })
		.0
}

fn sample(probs: &[f32], u: f32) -> usize {
	let mut acc = 0.0;
	let mut last = 0;
	for (i, &p) in probs.iter().enumerate() {
		if p > 0.0 {
			last = i;
			acc += p;
			if u < acc {
				return i;
			}
		}
	}
	last
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::corpus::corpus;

	#[test]
	fn training_lowers_the_loss_and_is_deterministic() {
		let corpus = corpus();
		let held_out = &corpus[..4000];
		let untrained = TinyLm::init(7);
		let a = TinyLm::train(&corpus, 30_000, 7, |_, _| {});
		let b = TinyLm::train(&corpus, 30_000, 7, |_, _| {});
		assert!(a == b, "same seed and corpus give the same model");
		let before = untrained.loss(held_out);
		let after = a.loss(held_out);
		// Uniform over 256 bytes is ln 256 = 5.55 nats; a model that learned anything
		// about English text is far below it.
		assert!(before > 5.0, "untrained loss {before}");
		assert!(after < 3.2, "trained loss {after} (untrained {before})");
	}

	#[test]
	fn save_load_round_trip_and_damage_is_refused() {
		let model = TinyLm::train(&corpus(), 2_000, 1, |_, _| {});
		let bytes = model.to_bytes();
		assert!(TinyLm::from_bytes(&bytes).unwrap() == model);
		let mut damaged = bytes.clone();
		damaged[100] ^= 1;
		assert!(matches!(
			TinyLm::from_bytes(&damaged),
			Err(ModelError::Format("checksum mismatch"))
		));
		assert!(matches!(TinyLm::from_bytes(&bytes[..50]), Err(ModelError::Format("wrong size"))));
	}

	#[test]
	fn generation_is_seeded_printable_and_bounded() {
		let model = TinyLm::train(&corpus(), 5_000, 3, |_, _| {});
		let run = |seed| {
			let mut out = Vec::new();
			let (n, _) = model.generate(b"user: what is ZeroG?\nassistant:", 64, 0.8, seed, |b| {
				out.push(b);
				true
			});
			assert_eq!(n as usize, out.len());
			out
		};
		let a = run(42);
		assert_eq!(a, run(42));
		assert!(a.len() <= 64 && !a.is_empty());
		assert!(a.iter().all(|&b| b == b'\n' || (0x20..0x7f).contains(&b)));
		// The callback can stop it.
		let (n, capped) = model.generate(b"x", 64, 0.8, 1, |_| false);
		assert_eq!((n, capped), (1, false));
	}

	#[test]
	fn embeddings_are_unit_length_and_similar_for_similar_text() {
		let model = TinyLm::train(&corpus(), 5_000, 3, |_, _| {});
		let a = model.embed(b"storage nodes keep erasure-coded segments");
		let b = model.embed(b"storage nodes keep erasure coded segments");
		let c = model.embed(b"1234567890 !!!! ???? 0987654321");
		let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(a, b)| a * b).sum::<f32>();
		assert!((dot(&a, &a) - 1.0).abs() < 1e-4);
		assert_eq!(a.len(), HIDDEN);
		assert!(dot(&a, &b) > dot(&a, &c), "near-duplicates are closer than unrelated text");
		assert_eq!(model.embed(b"").len(), HIDDEN);
	}
}
