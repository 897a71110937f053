//! The GPU engine (feature `cuda`): `zerog-tiny-lm` with its two matrix products on an
//! NVIDIA GPU through cuBLAS (`sgemv`), via cudarc with the driver loaded at run time.
//!
//! The binary needs no CUDA toolkit to build, and starts on a machine without a GPU:
//! [`CudaEngine::new`] then fails with [`EngineError::Unavailable`] and a one-line cause.
//! On a GPU it checks itself before serving: the logits it computes for a set of
//! contexts must match the CPU engine's to 1e-3, or it refuses to start. Sampling,
//! metering and embeddings' pooling are the CPU engine's own code
//! ([`tiny::generate_with`], [`tiny::embed_with`]), so both engines bill identically.

use std::sync::Arc;

use cudarc::{
	cublas::{sys::cublasOperation_t, CudaBlas, Gemv, GemvConfig},
	driver::{CudaContext, CudaSlice, CudaStream},
};
use futures::future::BoxFuture;
use parking_lot::Mutex;
use tokio::sync::mpsc;

use super::{
	cpu::{generate_chat, run_blocking, CpuEngine},
	tiny::{self, TinyLm, CONTEXT, EMBED, HIDDEN, VOCAB},
	ChatJob, ChatOutput, ChatRequest, EmbedOutput, Engine, EngineError,
};

/// The model's weights and work buffers on the device.
struct Device {
	stream: Arc<CudaStream>,
	blas: CudaBlas,
	w1: CudaSlice<f32>,
	w2: CudaSlice<f32>,
	input: CudaSlice<f32>,
	hidden: CudaSlice<f32>,
	logits: CudaSlice<f32>,
}

/// `zerog-tiny-lm` on GPU 0.
pub struct CudaEngine {
	cpu: CpuEngine,
	device: Mutex<Device>,
}

fn gpu_err(what: &'static str) -> impl Fn(String) -> EngineError {
	move |e| EngineError::Unavailable(format!("CUDA {what}: {e}"))
}

/// Opens GPU 0; a missing driver library (which cudarc reports by panicking) becomes an
/// error.
fn open_context() -> Result<Arc<CudaContext>, EngineError> {
	let hook = std::panic::take_hook();
	std::panic::set_hook(Box::new(|_| {}));
	let opened = std::panic::catch_unwind(|| CudaContext::new(0));
	std::panic::set_hook(hook);
	match opened {
		Err(_) => Err(EngineError::Unavailable(
			"no CUDA driver (libcuda.so) on this machine; run with --engine cpu".into(),
		)),
		Ok(Err(e)) => Err(EngineError::Unavailable(format!(
			"no usable CUDA device 0: {e:?}; run with --engine cpu"
		))),
		Ok(Ok(ctx)) => Ok(ctx),
	}
}

/// `y = A x` for a column-major `m` x `n` matrix `a` (`x` of `n`, `y` of `m` floats).
fn gemv(
	blas: &CudaBlas,
	m: usize,
	n: usize,
	a: &CudaSlice<f32>,
	x: &CudaSlice<f32>,
	y: &mut CudaSlice<f32>,
) -> Result<(), EngineError> {
	if a.len() != m * n || x.len() != n || y.len() != m {
		return Err(EngineError::Unavailable(format!(
			"sgemv: buffers do not fit a {m} x {n} product"
		)));
	}
	let cfg = GemvConfig {
		trans: cublasOperation_t::CUBLAS_OP_N,
		m: m as i32,
		n: n as i32,
		alpha: 1.0f32,
		lda: m as i32,
		incx: 1,
		beta: 0.0f32,
		incy: 1,
	};
	// SAFETY: the lengths were checked against the dimensions above.
	unsafe { blas.gemv(cfg, a, x, y) }.map_err(|e| gpu_err("sgemv")(format!("{e:?}")))
}

impl CudaEngine {
	/// Uploads `model` to GPU 0 and checks the GPU's logits against the CPU's.
	pub fn new(model: TinyLm) -> Result<Self, EngineError> {
		let ctx = open_context()?;
		let stream = ctx.default_stream();
		let blas =
			CudaBlas::new(stream.clone()).map_err(|e| gpu_err("cuBLAS")(format!("{e:?}")))?;
		let (w1, _, w2, _) = model.layers();
		let upload =
			|v: &[f32]| stream.memcpy_stod(v).map_err(|e| gpu_err("upload")(format!("{e:?}")));
		let zeros =
			|n: usize| stream.alloc_zeros::<f32>(n).map_err(|e| gpu_err("alloc")(format!("{e:?}")));
		let device = Device {
			w1: upload(w1)?,
			w2: upload(w2)?,
			input: zeros(CONTEXT * EMBED)?,
			hidden: zeros(HIDDEN)?,
			logits: zeros(VOCAB)?,
			blas,
			stream: stream.clone(),
		};
		let engine = Self { cpu: CpuEngine::new(model), device: Mutex::new(device) };
		engine.self_check()?;
		Ok(engine)
	}

	/// The GPU's logits for a spread of contexts must be the CPU's.
	fn self_check(&self) -> Result<(), EngineError> {
		let mut gpu = [0.0f32; VOCAB];
		let mut cpu = [0.0f32; VOCAB];
		for text in [&b"        "[..], b"ZeroG st", b"assistan", b"\n\n01234~"] {
			let context: [u8; CONTEXT] = text.try_into().expect("8 bytes");
			self.logits(&context, &mut gpu)?;
			self.cpu.tiny().next_logits(&context, &mut cpu);
			let worst = gpu.iter().zip(&cpu).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
			if worst > 1e-3 {
				return Err(EngineError::Unavailable(format!(
					"the GPU's logits differ from the CPU's by {worst}"
				)));
			}
		}
		Ok(())
	}

	/// `tanh(W1 x + b1)` with the product on the GPU.
	fn hidden(
		&self,
		device: &mut Device,
		context: &[u8; CONTEXT],
		out: &mut [f32; HIDDEN],
	) -> Result<(), EngineError> {
		let mut input = [0.0f32; CONTEXT * EMBED];
		self.cpu.tiny().embed_context(context, &mut input);
		let Device { stream, blas, w1, input: d_input, hidden, .. } = device;
		stream.memcpy_htod(&input[..], d_input).map_err(|e| gpu_err("upload")(format!("{e:?}")))?;
		// w1 is (CONTEXT*EMBED) rows of HIDDEN, row-major: column-major HIDDEN x IN.
		gemv(blas, HIDDEN, CONTEXT * EMBED, w1, d_input, hidden)?;
		let h = stream.memcpy_dtov(&*hidden).map_err(|e| gpu_err("download")(format!("{e:?}")))?;
		let (_, b1, _, _) = self.cpu.tiny().layers();
		for ((o, h), b) in out.iter_mut().zip(&h).zip(b1) {
			*o = (h + b).tanh();
		}
		Ok(())
	}

	/// The next-byte logits, both products on the GPU.
	fn logits(&self, context: &[u8; CONTEXT], out: &mut [f32; VOCAB]) -> Result<(), EngineError> {
		let mut device = self.device.lock();
		let mut h = [0.0f32; HIDDEN];
		self.hidden(&mut device, context, &mut h)?;
		let Device { stream, blas, w2, hidden, logits, .. } = &mut *device;
		stream.memcpy_htod(&h[..], hidden).map_err(|e| gpu_err("upload")(format!("{e:?}")))?;
		// w2 is HIDDEN rows of VOCAB, row-major: column-major VOCAB x HIDDEN.
		gemv(blas, VOCAB, HIDDEN, w2, hidden, logits)?;
		let l = stream.memcpy_dtov(&*logits).map_err(|e| gpu_err("download")(format!("{e:?}")))?;
		let (_, _, _, b2) = self.cpu.tiny().layers();
		for ((o, l), b) in out.iter_mut().zip(&l).zip(b2) {
			*o = l + b;
		}
		Ok(())
	}
}

impl Engine for CudaEngine {
	fn model(&self) -> String {
		tiny::MODEL_NAME.into()
	}

	fn input_bound(&self, request: &ChatRequest) -> u32 {
		self.cpu.input_bound(request)
	}

	fn embed_input_bound(&self, texts: &[String]) -> u32 {
		self.cpu.embed_input_bound(texts)
	}

	fn chat(
		self: Arc<Self>,
		job: ChatJob,
		tokens: mpsc::UnboundedSender<String>,
	) -> BoxFuture<'static, Result<ChatOutput, EngineError>> {
		Box::pin(run_blocking(move || {
			generate_chat(&job, &tokens, |prompt, max, temperature, seed, emit| {
				tiny::generate_with(prompt, max, temperature, seed, emit, |context, logits| {
					self.logits(context, logits)
				})
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
				texts
					.iter()
					.map(|t| {
						tiny::embed_with(t.as_bytes(), |context, hidden| {
							let mut device = self.device.lock();
							self.hidden(&mut device, context, hidden)
						})
					})
					.collect()
			})
			.await?;
			Ok(EmbedOutput { vectors, input_tokens })
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Without a GPU the engine refuses to start with a clear cause; with one, it
	/// generates exactly what the CPU engine generates.
	#[test]
	fn starts_only_where_it_matches_the_cpu() {
		let model = TinyLm::train(&crate::corpus::corpus(), 3_000, 5, |_, _| {});
		match CudaEngine::new(model.clone()) {
			Err(EngineError::Unavailable(why)) => {
				assert!(why.contains("CUDA") && why.contains("--engine cpu"), "{why}");
			}
			Err(other) => panic!("unexpected error {other:?}"),
			Ok(engine) => {
				let prompt = b"user: storage?\nassistant:";
				let (mut gpu, mut cpu) = (Vec::new(), Vec::new());
				tiny::generate_with(
					prompt,
					64,
					0.0,
					1,
					|b| {
						gpu.push(b);
						true
					},
					|c, l| engine.logits(c, l),
				)
				.unwrap();
				model.generate(prompt, 64, 0.0, 1, |b| {
					cpu.push(b);
					true
				});
				assert_eq!(gpu, cpu);
			}
		}
	}
}
