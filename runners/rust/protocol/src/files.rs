//! The files a runner reads and writes besides the request: canonical data splits, shared orders, canonical
//! weights (header checks) and logits, all safetensors. Every input named with a sha256 is checked before use.

use std::collections::BTreeMap;
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use sha2::{Digest, Sha256};

use crate::error::{RunnerError, RunnerResult};
use crate::events::{EventWriter, InferenceEvent, Split};
use crate::model::ModelSpec;
use crate::request::{Request, TensorFile};

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a file named in the request and checks it against the request's sha256 (bad_request when it differs,
/// since the orchestrator and the runner would otherwise be looking at different data).
pub fn read_verified(file: &TensorFile, what: &str) -> RunnerResult<Vec<u8>> {
    let bytes = std::fs::read(&file.path)
        .map_err(|e| RunnerError::bad_request(format!("cannot read {what} {}: {e}", file.path.display())))?;
    let actual = sha256_hex(&bytes);
    if !actual.eq_ignore_ascii_case(&file.sha256) {
        return Err(RunnerError::bad_request(format!(
            "{what} {} has sha256 {actual}, but the request expects {}",
            file.path.display(),
            file.sha256
        )));
    }
    Ok(bytes)
}

fn parse<'a>(bytes: &'a [u8], path: &Path) -> RunnerResult<SafeTensors<'a>> {
    SafeTensors::deserialize(bytes)
        .map_err(|e| RunnerError::bad_request(format!("{} is not a valid safetensors file: {e:?}", path.display())))
}

fn tensor<'a>(file: &'a SafeTensors<'a>, name: &str, path: &Path) -> RunnerResult<TensorView<'a>> {
    file.tensor(name)
        .map_err(|_| RunnerError::bad_request(format!("{} has no tensor '{name}'", path.display())))
}

/// The pixel scaling every binding uses: float32 `x / 255`, exact and identical everywhere.
pub fn scale_pixel(v: u8) -> f32 {
    v as f32 / 255.0
}

/// What a split's `x` holds: U8 pixels (channels last) or I32 token ids.
#[derive(Debug, Clone)]
pub enum Inputs {
    Pixels(Vec<u8>),
    Tokens(Vec<i32>),
}

/// One split as the cache stores it: `x` U8 [N, H, W, C] or I32 [N, T], `y` I64 [N].
#[derive(Debug, Clone)]
pub struct DataSplit {
    pub n: usize,
    /// One example's shape: (H, W, C) or (T).
    pub example_shape: Vec<usize>,
    pub x: Inputs,
    pub y: Vec<i64>,
}

impl DataSplit {
    /// Loads a split, keeping its first `limit` examples when given (`limit_name` names the request field).
    pub fn read(file: &TensorFile, what: &str, limit: Option<usize>, limit_name: &str) -> RunnerResult<DataSplit> {
        let bytes = read_verified(file, what)?;
        let st = parse(&bytes, &file.path)?;
        let x = tensor(&st, "x", &file.path)?;
        let y = tensor(&st, "y", &file.path)?;
        let bad = |m: String| RunnerError::bad_request(format!("{what} {}: {m}", file.path.display()));
        let shape = x.shape();
        let ok = match x.dtype() {
            Dtype::U8 => shape.len() == 4,
            Dtype::I32 => shape.len() == 2,
            _ => false,
        };
        if !ok || y.dtype() != Dtype::I64 {
            return Err(bad(format!(
                "expected x U8 [N, H, W, C] or I32 [N, T] and y I64, got x {:?} {shape:?} and y {:?}",
                x.dtype(),
                y.dtype()
            )));
        }
        let n = shape[0];
        if y.shape() != [n] {
            return Err(bad(format!("y must be [{n}], got {:?}", y.shape())));
        }
        let keep = match limit {
            Some(l) if l > n => return Err(bad(format!("{limit_name} {l} exceeds the {n} examples in the file"))),
            Some(l) => l,
            None => n,
        };
        let example_shape = shape[1..].to_vec();
        let values = keep * example_shape.iter().product::<usize>();
        let x = match x.dtype() {
            Dtype::U8 => Inputs::Pixels(x.data()[..values].to_vec()),
            _ => Inputs::Tokens(
                x.data()[..values * 4]
                    .chunks_exact(4)
                    .map(|b| i32::from_le_bytes(b.try_into().unwrap()))
                    .collect(),
            ),
        };
        let y: Vec<i64> = y.data()[..keep * 8]
            .chunks_exact(8)
            .map(|b| i64::from_le_bytes(b.try_into().unwrap()))
            .collect();
        Ok(DataSplit {
            n: keep,
            example_shape,
            x,
            y,
        })
    }

    /// Refuses data that is not the model's input (shape, images vs tokens), token ids outside the model's
    /// vocabulary and labels outside its classes.
    /// The request's train or test split, cut to its limit and checked against the request's model.
    pub fn for_request(request: &Request, split: Split) -> RunnerResult<DataSplit> {
        let (file, what, limit, limit_name) = match split {
            Split::Train => (&request.data.train, "training data", request.data.train_limit, "data.train_limit"),
            Split::Test => (&request.data.test, "test data", request.data.test_limit, "data.test_limit"),
        };
        let data = DataSplit::read(file, what, limit, limit_name)?;
        data.check_fits(&request.model, what)?;
        Ok(data)
    }

    pub fn check_fits(&self, model: &ModelSpec, what: &str) -> RunnerResult<()> {
        let bad = |m: String| Err(RunnerError::bad_request(format!("{what}: {m}")));
        if self.example_shape != model.input_shape {
            return bad(format!(
                "examples are {:?}, model {} expects {:?}",
                self.example_shape, model.id, model.input_shape
            ));
        }
        match (&self.x, model.token_vocab()) {
            (Inputs::Pixels(_), Some(_)) => {
                return bad(format!("model {} takes token ids, the data holds images", model.id))
            }
            (Inputs::Tokens(_), None) => {
                return bad(format!("model {} takes images, the data holds token ids", model.id))
            }
            (Inputs::Tokens(ids), Some(vocab)) => {
                if let Some(id) = ids.iter().find(|&&id| id < 0 || id as usize >= vocab) {
                    return bad(format!(
                        "token id {id} is outside the vocabulary 0..{vocab} of model {}",
                        model.id
                    ));
                }
            }
            (Inputs::Pixels(_), None) => {}
        }
        if let Some(label) = self.y.iter().find(|&&l| l < 0 || l as usize >= model.classes) {
            return bad(format!("label {label} is outside 0..{}", model.classes));
        }
        Ok(())
    }

    /// The pixels as float32 `x / 255`, still channels last; None for token ids.
    pub fn pixels_f32(&self) -> Option<Vec<f32>> {
        match &self.x {
            Inputs::Pixels(p) => Some(p.iter().map(|&v| scale_pixel(v)).collect()),
            Inputs::Tokens(_) => None,
        }
    }

    /// Values per example.
    pub fn example_len(&self) -> usize {
        self.example_shape.iter().product()
    }
}

/// The shared data order: one permutation of 0..n per epoch (`order` I32 [epochs, n]).
#[derive(Debug, Clone)]
pub struct SharedOrder {
    pub epochs: usize,
    pub n: usize,
    rows: Vec<i64>,
}

impl SharedOrder {
    pub fn read(file: &TensorFile, epochs: usize, n: usize) -> RunnerResult<SharedOrder> {
        let bytes = read_verified(file, "order file")?;
        let st = parse(&bytes, &file.path)?;
        let order = tensor(&st, "order", &file.path)?;
        let bad = |m: String| RunnerError::bad_request(format!("order file {}: {m}", file.path.display()));
        if order.dtype() != Dtype::I32 {
            return Err(bad(format!("order must be I32, got {:?}", order.dtype())));
        }
        let (file_epochs, file_n) = match order.shape() {
            [e, m] => (*e, *m),
            other => return Err(bad(format!("order must be [epochs, n], got {other:?}"))),
        };
        if file_epochs < epochs || file_n != n {
            return Err(bad(format!(
                "order is [{file_epochs}, {file_n}], the run needs at least [{epochs}, {n}]"
            )));
        }
        let rows: Vec<i64> = order.data()[..epochs * n * 4]
            .chunks_exact(4)
            .map(|b| i32::from_le_bytes(b.try_into().unwrap()) as i64)
            .collect();
        let result = SharedOrder { epochs, n, rows };
        for e in 1..=epochs {
            let mut seen = vec![false; n];
            for &i in result.epoch(e) {
                if i < 0 || i as usize >= n || std::mem::replace(&mut seen[i as usize], true) {
                    return Err(bad(format!("row {} is not a permutation of 0..{n} (index {i})", e - 1)));
                }
            }
        }
        Ok(result)
    }

    /// The permutation for epoch `epoch` (1-based), as i64 indices.
    pub fn epoch(&self, epoch: usize) -> &[i64] {
        &self.rows[(epoch - 1) * self.n..epoch * self.n]
    }
}

/// What a safetensors file holds, read from its header only: name -> (dtype, shape).
pub fn tensor_shapes(path: &Path) -> RunnerResult<BTreeMap<String, (String, Vec<usize>)>> {
    let bytes =
        std::fs::read(path).map_err(|e| RunnerError::bad_request(format!("cannot read {}: {e}", path.display())))?;
    let st = parse(&bytes, path)?;
    Ok(st
        .tensors()
        .into_iter()
        .map(|(name, view)| (name, (format!("{:?}", view.dtype()), view.shape().to_vec())))
        .collect())
}

/// Checks that a weights file holds exactly the model's canonical parameters, F32, with canonical shapes, so
/// a layout mistake is reported by name instead of surfacing as a broadcast or a silent partial load.
pub fn check_canonical_weights(path: &Path, model: &ModelSpec) -> RunnerResult<()> {
    let found = tensor_shapes(path)?;
    let expected = model.canonical_parameters().map_err(RunnerError::bad_request)?;
    let mut problems = Vec::new();
    for p in &expected {
        match found.get(&p.name) {
            None => problems.push(format!("missing {}", p.name)),
            Some((dtype, _)) if dtype != "F32" => problems.push(format!("{} is {dtype}, expected F32", p.name)),
            Some((_, shape)) if *shape != p.shape => {
                problems.push(format!("{} is {shape:?}, expected {:?}", p.name, p.shape))
            }
            Some(_) => {}
        }
    }
    for name in found.keys() {
        if !expected.iter().any(|p| &p.name == name) {
            problems.push(format!("unexpected tensor {name}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(RunnerError::bad_request(format!(
            "{} does not hold the canonical parameters of {}: {}",
            path.display(),
            model.id,
            problems.join("; ")
        )))
    }
}

fn f32_le_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// sha256 of logits as float32 little-endian bytes, row-major [n, classes] (the protocol's `logits_sha256`).
pub fn logits_sha256(logits: &[f32]) -> String {
    sha256_hex(&f32_le_bytes(logits))
}

/// Writes `logits` F32 [n, classes] as safetensors.
pub fn write_logits(path: &Path, logits: &[f32], classes: usize) -> RunnerResult<()> {
    write_f32_tensors(path, &[("logits", logits, vec![logits.len() / classes, classes])])
}

/// One evaluation pass over a split, as a runner measured it: logits row-major [n, classes].
pub struct MeasuredPass<'a> {
    pub split: Split,
    /// 0-based timed repetition, -1 for an untimed count.
    pub repetition: i64,
    pub seconds: f64,
    pub correct: usize,
    pub n: usize,
    pub logits: &'a [f32],
    pub classes: usize,
}

/// Emits the `inference` event of a pass with its logits hash and, when `save_logits`, writes the logits to
/// `<output_dir>/logits-<split>.safetensors` and names that file in the event: every runner reports the same way,
/// so the orchestrator's logit comparison reads one layout.
pub fn emit_inference<W: std::io::Write>(
    request: &Request,
    events: &mut EventWriter<W>,
    pass: &MeasuredPass,
    save_logits: bool,
) -> RunnerResult<()> {
    let logits_path = if save_logits {
        let path = request
            .output_dir
            .join(format!("logits-{}.safetensors", pass.split.as_str()));
        write_logits(&path, pass.logits, pass.classes)?;
        Some(
            std::path::absolute(&path)
                .unwrap_or(path)
                .to_string_lossy()
                .into_owned(),
        )
    } else {
        None
    };
    events.inference(&InferenceEvent {
        split: pass.split,
        repetition: pass.repetition,
        seconds: pass.seconds,
        correct: pass.correct,
        n: pass.n,
        logits_sha256: Some(logits_sha256(pass.logits)),
        logits_path,
    })
}

/// Writes named float32 tensors as safetensors (names sorted by the format).
pub fn write_f32_tensors(path: &Path, tensors: &[(&str, &[f32], Vec<usize>)]) -> RunnerResult<()> {
    let bytes: Vec<Vec<u8>> = tensors.iter().map(|(_, data, _)| f32_le_bytes(data)).collect();
    let views = tensors
        .iter()
        .zip(&bytes)
        .map(|((name, _, shape), data)| {
            TensorView::new(Dtype::F32, shape.clone(), data)
                .map(|view| (name.to_string(), view))
                .map_err(|e| RunnerError::failed(format!("tensor {name} does not match shape {shape:?}: {e:?}")))
        })
        .collect::<RunnerResult<Vec<_>>>()?;
    safetensors::tensor::serialize_to_file(views, &None, path)
        .map_err(|e| RunnerError::failed(format!("cannot write {}: {e:?}", path.display())))
}

/// The predicted class of each row of row-major logits, `width` per row: the argmax, or for one sigmoid logit
/// 1 when it is > 0 (p > 0.5).
pub fn predict(row: &[f32]) -> usize {
    match row {
        [logit] => usize::from(*logit > 0.0),
        _ => argmax(row),
    }
}

/// The number of rows whose prediction equals the label.
pub fn count_correct(logits: &[f32], width: usize, labels: &[i64]) -> usize {
    logits
        .chunks_exact(width)
        .zip(labels)
        .filter(|(row, &label)| predict(row) == label as usize)
        .count()
}

/// First index of the largest value, as torch.argmax and tf.argmax pick on ties.
pub fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in row.iter().enumerate() {
        if *v > row[best] {
            best = i;
        }
    }
    best
}
