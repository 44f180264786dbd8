//! Mode `infer`'s measurement plan, one for every Rust runner so their numbers mean the same: untimed warm-up
//! passes over the test split, timed repetitions, optionally an untimed count on the training split, each
//! reported with its logits. A runner supplies only what its framework does differently: batches and a pass.

use std::io::Write;

use crate::error::{RunnerError, RunnerResult};
use crate::events::{EventWriter, Split};
use crate::files::{emit_inference, DataSplit, MeasuredPass};
use crate::request::Request;

/// One pass over a split as the runner measured it. The logits stay in the framework's own form (on the device,
/// per batch) because copying them to the host is not part of what is timed.
pub struct Pass<L> {
    pub seconds: f64,
    pub correct: usize,
    pub logits: L,
}

/// A loaded model as mode `infer` drives it.
pub trait InferenceBackend {
    /// A split prepared once in the framework's input form, so that building tensors stays out of the timing.
    type Batches;
    type Logits;

    fn batches(&self, split: &DataSplit, batch_size: usize) -> RunnerResult<Self::Batches>;

    /// One timed pass: the clock must stop only after the work (and the count of correct predictions) is done.
    fn pass(&self, batches: &Self::Batches) -> RunnerResult<Pass<Self::Logits>>;

    /// The pass's logits as row-major float32 [n, classes] on the host.
    fn host_logits(&self, logits: &Self::Logits) -> RunnerResult<Vec<f32>>;
}

/// Runs mode `infer` on a loaded model and writes its `inference` events.
pub fn run<W: Write, B: InferenceBackend + ?Sized>(
    request: &Request,
    backend: &B,
    events: &mut EventWriter<W>,
) -> RunnerResult<()> {
    let classes = request.model.output_width();
    let mut report =
        |split: Split, repetition: i64, pass: Pass<B::Logits>, n: usize, save_logits: bool| -> RunnerResult<()> {
            let logits = backend.host_logits(&pass.logits)?;
            // A model that returns another width would be hashed and compared as if it were [n, classes].
            if logits.len() != n * classes {
                return Err(RunnerError::failed(format!(
                    "the model returned {} logits for {n} examples, expected {n} x {classes}",
                    logits.len()
                )));
            }
            let measured = MeasuredPass {
                split,
                repetition,
                seconds: pass.seconds,
                correct: pass.correct,
                n,
                logits: &logits,
                classes,
            };
            emit_inference(request, events, &measured, save_logits)
        };

    let settings = &request.inference;
    let test_split = DataSplit::for_request(request, Split::Test)?;
    let test = backend.batches(&test_split, settings.batch_size)?;
    for _ in 0..settings.warmup {
        backend.pass(&test)?;
    }
    for repetition in 0..settings.repetitions {
        let pass = backend.pass(&test)?;
        // The repetitions compute the same logits; one file per split is enough to compare bindings.
        report(Split::Test, repetition as i64, pass, test_split.n, repetition == 0)?;
    }
    if settings.include_train {
        let train_split = DataSplit::for_request(request, Split::Train)?;
        let train = backend.batches(&train_split, settings.batch_size)?;
        let pass = backend.pass(&train)?;
        report(Split::Train, -1, pass, train_split.n, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::path::{Path, PathBuf};

    use safetensors::tensor::{serialize_to_file, Dtype, TensorView};

    use super::*;
    use crate::error::ErrorKind;
    use crate::files::{logits_sha256, tensor_shapes};
    use crate::fixtures;

    const CLASSES: usize = 10;

    /// A backend whose logits are one-hot labels, `width` wide, counting its passes.
    struct OneHot {
        width: usize,
        passes: Cell<usize>,
    }

    impl InferenceBackend for OneHot {
        type Batches = Vec<i64>;
        type Logits = Vec<f32>;

        fn batches(&self, split: &DataSplit, _batch_size: usize) -> RunnerResult<Vec<i64>> {
            Ok(split.y.clone())
        }

        fn pass(&self, labels: &Vec<i64>) -> RunnerResult<Pass<Vec<f32>>> {
            self.passes.set(self.passes.get() + 1);
            Ok(Pass {
                seconds: 0.25,
                correct: labels.len(),
                logits: one_hot(labels, self.width),
            })
        }

        fn host_logits(&self, logits: &Vec<f32>) -> RunnerResult<Vec<f32>> {
            Ok(logits.clone())
        }
    }

    fn one_hot(labels: &[i64], width: usize) -> Vec<f32> {
        labels
            .iter()
            .flat_map(|&l| (0..width).map(move |c| if c as i64 == l { 1.0 } else { 0.0 }))
            .collect()
    }

    fn write_split(path: &Path, labels: &[i64]) -> String {
        let pixels = vec![0u8; labels.len() * 28 * 28];
        let y: Vec<u8> = labels.iter().flat_map(|l| l.to_le_bytes()).collect();
        let x = TensorView::new(Dtype::U8, vec![labels.len(), 28, 28, 1], &pixels).unwrap();
        let y = TensorView::new(Dtype::I64, vec![labels.len()], &y).unwrap();
        serialize_to_file(vec![("x", x), ("y", y)], &None, path).unwrap();
        crate::files::sha256_hex(&std::fs::read(path).unwrap())
    }

    /// An infer request for LeNet-1 on 4 test and 6 training examples, with its own output folder.
    fn request(name: &str) -> (Request, PathBuf) {
        let dir = std::env::temp_dir().join(format!("bindbench-inference-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let test_sha = write_split(&dir.join("test.safetensors"), &[0, 1, 2, 3]);
        let train_sha = write_split(&dir.join("train.safetensors"), &[9, 8, 7, 6, 5, 4]);
        let json = fixtures::train_request_json(fixtures::LENET1)
            .replace(
                "/d/train.safetensors",
                &dir.join("train.safetensors").display().to_string(),
            )
            .replace(r#""sha256": "ab""#, &format!(r#""sha256": "{train_sha}""#))
            .replace(
                "/d/test.safetensors",
                &dir.join("test.safetensors").display().to_string(),
            )
            .replace(r#""sha256": "cd""#, &format!(r#""sha256": "{test_sha}""#))
            .replace("/tmp/out", &dir.display().to_string())
            .replace(r#""include_train": false"#, r#""include_train": true"#);
        (Request::from_json(&json).unwrap(), dir)
    }

    #[test]
    fn warm_up_is_silent_and_each_repetition_is_reported_with_logits_saved_once_per_split() {
        let (request, dir) = request("plan");
        let backend = OneHot {
            width: CLASSES,
            passes: Cell::new(0),
        };
        let mut events = EventWriter::new(Vec::new());
        run(&request, &backend, &mut events).unwrap();
        // 1 warm-up, 3 repetitions, 1 training count.
        assert_eq!(backend.passes.get(), 5);
        let text = String::from_utf8(events.into_inner()).unwrap();
        let events: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let seen: Vec<(&str, i64, usize, bool)> = events
            .iter()
            .map(|e| {
                (
                    e["split"].as_str().unwrap(),
                    e["repetition"].as_i64().unwrap(),
                    e["n"].as_u64().unwrap() as usize,
                    e.get("logits_path").is_some(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("test", 0, 4, true),
                ("test", 1, 4, false),
                ("test", 2, 4, false),
                ("train", -1, 6, true)
            ]
        );
        assert_eq!(
            events[0]["logits_sha256"],
            logits_sha256(&one_hot(&[0, 1, 2, 3], CLASSES))
        );
        assert_eq!(events[3]["correct"], 6);
        let shapes = tensor_shapes(&dir.join("logits-train.safetensors")).unwrap();
        assert_eq!(shapes["logits"], ("F32".to_string(), vec![6, CLASSES]));
    }

    #[test]
    fn logits_of_another_width_fail_the_run_before_any_event() {
        let (request, _) = request("width");
        let backend = OneHot {
            width: CLASSES + 1,
            passes: Cell::new(0),
        };
        let mut events = EventWriter::new(Vec::new());
        let err = run(&request, &backend, &mut events).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Failed);
        assert!(
            err.message.contains("44 logits for 4 examples, expected 4 x 10"),
            "{}",
            err.message
        );
        assert!(events.into_inner().is_empty());
    }
}
