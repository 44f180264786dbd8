//! Mode `infer` for a SavedModel: batches prepared as TensorFlow tensors in the SavedModel's own input layout
//! (float32 NHWC images or int32 [N, T] token ids, as the data gives them) and one Session::run per batch; the
//! protocol crate's `inference::run` does the warm-up, the timed repetitions and the reporting.

use std::time::Instant;

use bindbench_protocol::files::{count_correct, DataSplit, Inputs};
use bindbench_protocol::inference::{InferenceBackend, Pass};
use bindbench_protocol::runner::seconds_since;
use bindbench_protocol::{Context, RunnerError, RunnerResult};
use tensorflow::{SessionRunArgs, Tensor};

use crate::savedmodel::ServingModel;

pub enum BatchInput {
    Pixels(Tensor<f32>),
    Tokens(Tensor<i32>),
}

pub struct Batch {
    x: BatchInput,
    y: Vec<i64>,
}

fn batches(split: &DataSplit, batch_size: usize) -> RunnerResult<Vec<Batch>> {
    let per_example = split.example_len();
    let pixels = split.pixels_f32();
    let mut out = Vec::new();
    for start in (0..split.n).step_by(batch_size) {
        let len = batch_size.min(split.n - start);
        let mut dims = vec![len as u64];
        dims.extend(split.example_shape.iter().map(|&d| d as u64));
        let range = start * per_example..(start + len) * per_example;
        let x = match (&split.x, &pixels) {
            (Inputs::Tokens(ids), _) => BatchInput::Tokens(
                Tensor::new(&dims)
                    .with_values(&ids[range])
                    .context(|| "cannot build an input tensor".to_string())?,
            ),
            (Inputs::Pixels(_), Some(pixels)) => BatchInput::Pixels(
                Tensor::new(&dims)
                    .with_values(&pixels[range])
                    .context(|| "cannot build an input tensor".to_string())?,
            ),
            (Inputs::Pixels(_), None) => return Err(RunnerError::failed("image split without pixels")),
        };
        out.push(Batch {
            x,
            y: split.y[start..start + len].to_vec(),
        });
    }
    Ok(out)
}

/// One pass: Session::run per batch, then prediction and counting on the fetched logits. TF's session run is
/// synchronous (the fetched tensor is host memory), so the clock read after the loop covers all the work.
fn pass(model: &ServingModel, batches: &[Batch]) -> RunnerResult<Pass<Vec<Tensor<f32>>>> {
    let start = Instant::now();
    let mut correct = 0;
    let mut logits = Vec::with_capacity(batches.len());
    for batch in batches {
        let mut args = SessionRunArgs::new();
        match &batch.x {
            BatchInput::Pixels(x) => args.add_feed(&model.input.0, model.input.1, x),
            BatchInput::Tokens(x) => args.add_feed(&model.input.0, model.input.1, x),
        }
        let token = args.request_fetch(&model.output.0, model.output.1);
        model
            .bundle
            .session
            .run(&mut args)
            .context(|| format!("Session::run (signature {})", model.signature))?;
        let out: Tensor<f32> = args.fetch(token).context(|| "cannot fetch the logits".to_string())?;
        let width = *out.dims().last().unwrap_or(&1) as usize;
        correct += count_correct(&out, width, &batch.y);
        logits.push(out);
    }
    Ok(Pass {
        seconds: seconds_since(start),
        correct,
        logits,
    })
}

impl InferenceBackend for ServingModel {
    type Batches = Vec<Batch>;
    type Logits = Vec<Tensor<f32>>;

    fn batches(&self, split: &DataSplit, batch_size: usize) -> RunnerResult<Self::Batches> {
        // A dtype mismatch would otherwise surface as an opaque Session::run error in the middle of the timing.
        self.check_input(split)?;
        batches(split, batch_size)
    }

    fn pass(&self, batches: &Self::Batches) -> RunnerResult<Pass<Self::Logits>> {
        pass(self, batches)
    }

    fn host_logits(&self, logits: &Self::Logits) -> RunnerResult<Vec<f32>> {
        // Session::run already returned host tensors, so this is a plain concatenation.
        Ok(logits.iter().flat_map(|t| t.iter().copied()).collect())
    }
}
