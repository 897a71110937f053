//! Inference engines behind one trait.
//!
//! - [`cpu::CpuEngine`]: runs [`tiny::TinyLm`] (`zerog-tiny-lm`) on the CPU; the default.
//! - [`proxy::ProxyEngine`]: forwards to any OpenAI-compatible server (vLLM, llama.cpp,
//!   TGI) and meters from the `usage` it reports.
//! - `cuda::CudaEngine` (feature `cuda`): the same model's matrix products on an NVIDIA
//!   GPU through cuBLAS.
//!
//! The provider asks an engine for an upper bound of a request's input tokens before it
//! runs it (to check the user's budget), then runs it with a cap on output tokens, and
//! meters what the engine reports.

pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod proxy;
pub mod tiny;

use std::sync::Arc;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// One chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
	/// `system`, `user` or `assistant`.
	pub role: String,
	/// The text.
	pub content: String,
}

/// The fields of an OpenAI chat completion request the provider reads; the proxy
/// engine forwards these and an allowlist of sampling knobs (`proxy::FORWARDED`).
#[derive(Debug, Clone, Deserialize)]
pub struct ChatRequest {
	/// The model asked for.
	pub model: String,
	/// The conversation.
	pub messages: Vec<Message>,
	/// Most output tokens (legacy name).
	#[serde(default)]
	pub max_tokens: Option<u32>,
	/// Most output tokens.
	#[serde(default)]
	pub max_completion_tokens: Option<u32>,
	/// Sampling temperature.
	#[serde(default)]
	pub temperature: Option<f32>,
	/// Stream the answer as server-sent events.
	#[serde(default)]
	pub stream: Option<bool>,
	/// Seed for sampling.
	#[serde(default)]
	pub seed: Option<u64>,
}

/// `input` of an embeddings request: one string or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum EmbeddingInput {
	/// One text.
	One(String),
	/// Several texts.
	Many(Vec<String>),
}

impl EmbeddingInput {
	/// The texts.
	pub fn texts(self) -> Vec<String> {
		match self {
			Self::One(s) => vec![s],
			Self::Many(v) => v,
		}
	}
}

/// An OpenAI embeddings request.
#[derive(Debug, Clone, Deserialize)]
pub struct EmbeddingsRequest {
	/// The model asked for.
	pub model: String,
	/// The texts.
	pub input: EmbeddingInput,
}

/// A chat request ready to run.
#[derive(Debug, Clone)]
pub struct ChatJob {
	/// The parsed request.
	pub request: ChatRequest,
	/// The original JSON body (the proxy takes its allowlisted sampling knobs from it).
	pub body: serde_json::Value,
	/// Most output tokens allowed (the user's budget and request, whichever is lower).
	pub max_tokens: u32,
	/// Seed for sampling when the request gives none.
	pub seed: u64,
}

/// A finished chat completion.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatOutput {
	/// The whole answer.
	pub text: String,
	/// Input tokens metered.
	pub input_tokens: u32,
	/// Output tokens metered.
	pub output_tokens: u32,
	/// `stop`, `length`, or `cancelled` when the client went away.
	pub finish_reason: &'static str,
}

/// Finished embeddings.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedOutput {
	/// One vector per input.
	pub vectors: Vec<Vec<f32>>,
	/// Input tokens metered.
	pub input_tokens: u32,
}

/// Why an engine could not serve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
	/// The request asks for something this engine does not do.
	#[error("{0}")]
	BadRequest(String),
	/// The engine cannot run here (no model, no GPU, upstream down).
	#[error("engine unavailable: {0}")]
	Unavailable(String),
	/// The upstream server answered with an error.
	#[error("upstream error: {0}")]
	Upstream(String),
}

/// An inference engine.
pub trait Engine: Send + Sync + 'static {
	/// The model's name, as `/v1/models` lists it.
	fn model(&self) -> String;
	/// An upper bound of the input tokens of `request`, known before running it.
	fn input_bound(&self, request: &ChatRequest) -> u32;
	/// An upper bound of the input tokens of embedding `texts`.
	fn embed_input_bound(&self, texts: &[String]) -> u32;
	/// Runs a chat completion, sending each piece of text to `tokens` as it is made.
	/// If `tokens` is closed (the client left), stops and reports `cancelled` with what
	/// was generated.
	fn chat(
		self: Arc<Self>,
		job: ChatJob,
		tokens: mpsc::UnboundedSender<String>,
	) -> BoxFuture<'static, Result<ChatOutput, EngineError>>;
	/// Embeds `texts`.
	fn embed(
		self: Arc<Self>,
		texts: Vec<String>,
	) -> BoxFuture<'static, Result<EmbedOutput, EngineError>>;
}

/// The prompt a completion model reads for `messages`: `role: content` lines, then
/// `assistant:`.
pub fn render_prompt(messages: &[Message]) -> String {
	let mut prompt = String::new();
	for m in messages {
		prompt.push_str(&m.role);
		prompt.push_str(": ");
		prompt.push_str(&m.content);
		prompt.push('\n');
	}
	prompt.push_str("assistant:");
	prompt
}
