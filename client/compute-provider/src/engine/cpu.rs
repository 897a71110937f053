//! The CPU engine: [`TinyLm`] on blocking threads.

use std::{path::Path, sync::Arc};

use futures::future::BoxFuture;
use tokio::sync::mpsc;

use super::{
	render_prompt,
	tiny::{self, TinyLm},
	ChatJob, ChatOutput, ChatRequest, EmbedOutput, Engine, EngineError,
};

/// Serves `zerog-tiny-lm` from memory.
pub struct CpuEngine {
	model: TinyLm,
}

impl CpuEngine {
	/// An engine over a model.
	pub fn new(model: TinyLm) -> Self {
		Self { model }
	}

	/// Loads the model at `path`, or trains it (deterministically, `steps` examples on
	/// what `corpus` gives, asked for only then) and saves it there first if the file does
	/// not exist.
	pub fn load_or_train(
		path: &Path,
		steps: u64,
		corpus: impl FnOnce() -> Vec<u8>,
	) -> Result<Self, tiny::ModelError> {
		if path.exists() {
			return Ok(Self::new(TinyLm::load(path)?));
		}
		tracing::info!(target: "provider", "training {} ({steps} steps) into {}", tiny::MODEL_NAME, path.display());
		let started = std::time::Instant::now();
		let model = TinyLm::train(&corpus(), steps, 0x2E60, |step, loss| {
			if step % 50_000 == 0 {
				tracing::info!(target: "provider", "step {step}: loss {loss:.3} nats/byte");
			}
		});
		tracing::info!(target: "provider", "trained in {:.1} s", started.elapsed().as_secs_f64());
		model.save(path)?;
		Ok(Self::new(model))
	}

	/// The model.
	pub fn tiny(&self) -> &TinyLm {
		&self.model
	}
}

impl Engine for CpuEngine {
	fn model(&self) -> String {
		tiny::MODEL_NAME.into()
	}

	fn input_bound(&self, request: &ChatRequest) -> u32 {
		render_prompt(&request.messages).len().try_into().unwrap_or(u32::MAX)
	}

	fn embed_input_bound(&self, texts: &[String]) -> u32 {
		texts.iter().map(|t| t.len().max(1) as u64).sum::<u64>().try_into().unwrap_or(u32::MAX)
	}

	fn chat(
		self: Arc<Self>,
		job: ChatJob,
		tokens: mpsc::UnboundedSender<String>,
	) -> BoxFuture<'static, Result<ChatOutput, EngineError>> {
		Box::pin(run_blocking(move || {
			generate_chat(&job, &tokens, |prompt, max, temperature, seed, emit| {
				Ok(self.model.generate(prompt, max, temperature, seed, emit))
			})
		}))
	}

	fn embed(
		self: Arc<Self>,
		texts: Vec<String>,
	) -> BoxFuture<'static, Result<EmbedOutput, EngineError>> {
		Box::pin(async move {
			let input_tokens = self.embed_input_bound(&texts);
			let vectors = run_blocking(move || {
				Ok(texts.iter().map(|t| self.model.embed(t.as_bytes())).collect())
			})
			.await?;
			Ok(EmbedOutput { vectors, input_tokens })
		})
	}
}

/// Runs `work` on a blocking thread (model inference must not stall the HTTP runtime).
pub(crate) async fn run_blocking<T: Send + 'static>(
	work: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
	tokio::task::spawn_blocking(work)
		.await
		.map_err(|e| EngineError::Unavailable(format!("engine thread: {e}")))?
}

/// A chat completion of `zerog-tiny-lm`, whatever computes it: renders the prompt,
/// streams each byte to `tokens` (stopping when the client left) and meters one token
/// per byte. `generate(prompt, max_tokens, temperature, seed, emit)` is the model's
/// sampling loop on some device.
pub(crate) fn generate_chat(
	job: &ChatJob,
	tokens: &mpsc::UnboundedSender<String>,
	generate: impl FnOnce(
		&[u8],
		u32,
		f32,
		u64,
		&mut dyn FnMut(u8) -> bool,
	) -> Result<(u32, bool), EngineError>,
) -> Result<ChatOutput, EngineError> {
	let prompt = render_prompt(&job.request.messages);
	let temperature = job.request.temperature.unwrap_or(0.8).clamp(0.0, 2.0);
	let seed = job.request.seed.unwrap_or(job.seed);
	let mut text = String::new();
	let mut cancelled = false;
	let (n, capped) = generate(prompt.as_bytes(), job.max_tokens, temperature, seed, &mut |b| {
		// The model emits printable ASCII and newlines only: every byte is a character.
		let c = char::from(b);
		text.push(c);
		if tokens.send(c.to_string()).is_err() {
			cancelled = true;
			return false;
		}
		true
	})?;
	Ok(ChatOutput {
		text,
		input_tokens: prompt.len().try_into().unwrap_or(u32::MAX),
		output_tokens: n,
		finish_reason: if cancelled {
			"cancelled"
		} else if capped {
			"length"
		} else {
			"stop"
		},
	})
}
