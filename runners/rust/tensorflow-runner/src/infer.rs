//! Mode `infer` for a SavedModel: batches prepared as TensorFlow tensors in the SavedModel's own input layout
//! (float32 NHWC images or int32 [N, T] token ids, as the data gives them), then untimed warm-up passes, timed
//! repetitions and optionally the training split.

use std::time::Instant;

use bindbench_protocol::files::{count_correct, emit_inference, DataSplit, Inputs, MeasuredPass};
use bindbench_protocol::runner::seconds_since;
use bindbench_protocol::{Context, EventWriter, Request, RunnerError, RunnerResult, Split};
use tensorflow::{SessionRunArgs, Tensor};

use crate::savedmodel::ServingModel;

enum BatchInput {
    Pixels(Tensor<f32>),
    Tokens(Tensor<i32>),
}

struct Batch {
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

struct Pass {
    seconds: f64,
    correct: usize,
    logits: Vec<Tensor<f32>>,
}

/// One pass: Session::run per batch, then prediction and counting on the fetched logits. TF's session run is
/// synchronous (the fetched tensor is host memory), so the clock read after the loop covers all the work.
fn pass(model: &ServingModel, batches: &[Batch]) -> RunnerResult<Pass> {
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

pub fn run<W: std::io::Write>(
    request: &Request,
    model: &ServingModel,
    events: &mut EventWriter<W>,
) -> RunnerResult<()> {
    let settings = &request.inference;
    let test_split = DataSplit::for_request(request, Split::Test)?;
    model.check_input(&test_split)?;
    let test = batches(&test_split, settings.batch_size)?;
    for _ in 0..settings.warmup {
        pass(model, &test)?;
    }
    for repetition in 0..settings.repetitions {
        let result = pass(model, &test)?;
        emit(
            request,
            events,
            Split::Test,
            repetition as i64,
            &result,
            test_split.n,
            repetition == 0,
        )?;
    }
    if settings.include_train {
        let train_split = DataSplit::for_request(request, Split::Train)?;
        let result = pass(model, &batches(&train_split, settings.batch_size)?)?;
        emit(request, events, Split::Train, -1, &result, train_split.n, true)?;
    }
    Ok(())
}

fn emit<W: std::io::Write>(
    request: &Request,
    events: &mut EventWriter<W>,
    split: Split,
    repetition: i64,
    result: &Pass,
    n: usize,
    save_logits: bool,
) -> RunnerResult<()> {
    let width = request.model.output_width();
    let logits: Vec<f32> = result.logits.iter().flat_map(|t| t.iter().copied()).collect();
    if logits.len() != n * width {
        return Err(RunnerError::failed(format!(
            "the SavedModel returned {} logits for {n} examples, expected {n} x {width}",
            logits.len()
        )));
    }
    let pass = MeasuredPass {
        split,
        repetition,
        seconds: result.seconds,
        correct: result.correct,
        n,
        logits: &logits,
        classes: width,
    };
    emit_inference(request, events, &pass, save_logits)
}
