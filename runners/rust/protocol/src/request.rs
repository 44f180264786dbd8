//! The request a runner reads (src/protocol/request.ts is the source of truth), parsed and checked for the
//! combinations a runner relies on, so a bad request fails before any work with a message naming the field.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{RunnerError, RunnerResult};
use crate::model::ModelSpec;

/// The protocol version these types speak (src/protocol/version.ts).
pub const PROTOCOL_VERSION: i64 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TensorFile {
    pub path: PathBuf,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DatasetFiles {
    pub id: String,
    pub train: TensorFile,
    pub test: TensorFile,
    pub train_limit: Option<usize>,
    /// The first n test examples, in evaluation and inference; absent or null = all.
    #[serde(default)]
    pub test_limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerName {
    Sgd,
    Adam,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Optimizer {
    pub name: OptimizerName,
    pub learning_rate: f64,
    /// Adam only; each one absent = the binding's own default.
    #[serde(default)]
    pub beta_1: Option<f64>,
    #[serde(default)]
    pub beta_2: Option<f64>,
    #[serde(default)]
    pub epsilon: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Softmax outputs.
    SparseCategoricalCrossentropy,
    /// A sigmoid output (one logit).
    BinaryCrossentropy,
}

impl Loss {
    pub fn as_str(self) -> &'static str {
        match self {
            Loss::SparseCategoricalCrossentropy => "sparse_categorical_crossentropy",
            Loss::BinaryCrossentropy => "binary_crossentropy",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Hyper {
    pub epochs: usize,
    pub batch_size: usize,
    pub optimizer: Optimizer,
    pub loss: Loss,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Train,
    Infer,
    Export,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    Cpu,
    Cuda,
}

impl DeviceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Cpu => "cpu",
            DeviceKind::Cuda => "cuda",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Everything comes from bindbench's files (order, init weights).
    Shared,
    /// The binding uses its own RNG and initialisers.
    Native,
}

/// How a train request trains (protocol 2): `minimal` is bindbench's explicit loop over batches gathered from
/// tensors already on the device, the same in every binding; `idiomatic` is the training code the binding's own
/// documentation teaches, with that API's data path inside the timed region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    Minimal,
    Idiomatic,
}

impl Style {
    pub const ALL: [Style; 2] = [Style::Minimal, Style::Idiomatic];

    pub fn as_str(self) -> &'static str {
        match self {
            Style::Minimal => "minimal",
            Style::Idiomatic => "idiomatic",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactFormat {
    Safetensors,
    TorchStateDict,
    Torchscript,
    Keras,
    Savedmodel,
    TfjsLayers,
    Onnx,
}

impl ArtifactFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactFormat::Safetensors => "safetensors",
            ArtifactFormat::TorchStateDict => "torch-state-dict",
            ArtifactFormat::Torchscript => "torchscript",
            ArtifactFormat::Keras => "keras",
            ArtifactFormat::Savedmodel => "savedmodel",
            ArtifactFormat::TfjsLayers => "tfjs-layers",
            ArtifactFormat::Onnx => "onnx",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Weights {
    pub format: ArtifactFormat,
    pub path: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InferenceSettings {
    pub warmup: usize,
    pub repetitions: usize,
    pub batch_size: usize,
    pub include_train: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Request {
    pub protocol: i64,
    pub run_id: String,
    pub binding: String,
    pub mode: Mode,
    pub model: ModelSpec,
    pub hyper: Hyper,
    pub data: DatasetFiles,
    pub seed: u64,
    pub device: DeviceKind,
    pub data_order: Source,
    pub order: Option<TensorFile>,
    pub style: Style,
    pub init: Source,
    pub init_weights: Option<TensorFile>,
    pub output_dir: PathBuf,
    pub artifacts: Vec<ArtifactFormat>,
    pub weights: Option<Weights>,
    pub inference: InferenceSettings,
    pub record_step_losses: usize,
    /// Threads the framework's pools should use: the cores the orchestrator pinned the cell to. Absent or null:
    /// the framework's default.
    #[serde(default)]
    pub threads: Option<u32>,
    /// Train mode: the test set is evaluated after every k-th epoch and after the last. Absent: every epoch.
    #[serde(default)]
    pub test_every: Option<usize>,
}

fn check_protocol(protocol: i64) -> RunnerResult<()> {
    if protocol == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(RunnerError::bad_request(format!(
            "protocol {protocol} is not this runner's protocol {PROTOCOL_VERSION}"
        )))
    }
}

/// `style` is required in protocol 2 and is one of `Style::ALL`.
fn check_style(style: Option<&serde_json::Value>) -> RunnerResult<()> {
    let allowed: Vec<String> = Style::ALL.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let fits = style
        .and_then(|v| v.as_str())
        .is_some_and(|s| Style::ALL.iter().any(|known| known.as_str() == s));
    if fits {
        return Ok(());
    }
    let got = match style {
        None => "it is missing".to_string(),
        Some(v) => format!("got {v}"),
    };
    Err(RunnerError::bad_request(format!(
        "style must be {} (required since protocol 2); {got}",
        allowed.join(" or ")
    )))
}

impl Request {
    /// Reads and checks a request file; every failure is `bad_request`.
    pub fn from_file(path: &Path) -> RunnerResult<Request> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| RunnerError::bad_request(format!("cannot read request file {}: {e}", path.display())))?;
        Self::from_json(&text)
            .map_err(|e| RunnerError::bad_request(format!("request {}: {}", path.display(), e.message)))
    }

    pub fn from_json(text: &str) -> RunnerResult<Request> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| RunnerError::bad_request(format!("not a valid request: {e}")))?;
        // Before the typed parse: a request of another protocol is refused for its version, not for a field that
        // version lacks (protocol 1 has no `style`), and a missing or unknown style names the allowed values.
        if let Some(protocol) = value.get("protocol").and_then(|p| p.as_i64()) {
            check_protocol(protocol)?;
        }
        check_style(value.get("style"))?;
        let request: Request =
            serde_json::from_value(value).map_err(|e| RunnerError::bad_request(format!("not a valid request: {e}")))?;
        request.check()?;
        Ok(request)
    }

    /// The cross-field rules the schema cannot express.
    fn check(&self) -> RunnerResult<()> {
        let bad = |m: String| Err(RunnerError::bad_request(m));
        check_protocol(self.protocol)?;
        self.model.canonical_parameters().map_err(RunnerError::bad_request)?;
        if self.hyper.epochs == 0 || self.hyper.batch_size == 0 {
            return bad("hyper.epochs and hyper.batch_size must be positive".into());
        }
        if !(self.hyper.optimizer.learning_rate.is_finite() && self.hyper.optimizer.learning_rate > 0.0) {
            return bad(format!(
                "hyper.optimizer.learning_rate must be a positive number, got {}",
                self.hyper.optimizer.learning_rate
            ));
        }
        if self.inference.batch_size == 0 || self.inference.repetitions == 0 {
            return bad("inference.batch_size and inference.repetitions must be positive".into());
        }
        if self.test_every == Some(0) {
            return bad("test_every must be a whole number of at least 1 (absent: every epoch)".into());
        }
        if self.data.train_limit == Some(0) || self.data.test_limit == Some(0) {
            return bad("data.train_limit and data.test_limit must be positive or null".into());
        }
        let fitting = if self.model.is_binary() {
            Loss::BinaryCrossentropy
        } else {
            Loss::SparseCategoricalCrossentropy
        };
        if self.hyper.loss != fitting {
            return bad(format!(
                "hyper.loss '{}' does not fit model {}, whose output needs '{}'",
                self.hyper.loss.as_str(),
                self.model.id,
                fitting.as_str()
            ));
        }
        match self.mode {
            Mode::Train => {
                if self.data_order == Source::Shared && self.order.is_none() {
                    return bad("data_order is 'shared' but order is null".into());
                }
                if self.init == Source::Shared && self.init_weights.is_none() {
                    return bad("init is 'shared' but init_weights is null".into());
                }
            }
            Mode::Infer | Mode::Export => {
                if self.weights.is_none() {
                    return bad(format!("mode '{}' needs weights (format and path)", self.mode_str()));
                }
            }
        }
        Ok(())
    }

    /// Whether the test set is evaluated after this (1-based) epoch: every `test_every`-th and always the last.
    pub fn evaluates_test_after(&self, epoch: usize) -> bool {
        epoch == self.hyper.epochs || epoch % self.test_every.unwrap_or(1) == 0
    }

    pub fn mode_str(&self) -> &'static str {
        match self.mode {
            Mode::Train => "train",
            Mode::Infer => "infer",
            Mode::Export => "export",
        }
    }

    /// Refuses a request meant for another binding (a runner package serves only the ids it names).
    pub fn expect_binding(&self, served: &[&str]) -> RunnerResult<()> {
        if served.contains(&self.binding.as_str()) {
            Ok(())
        } else {
            Err(RunnerError::bad_request(format!(
                "binding '{}' is not served by this runner (it serves {})",
                self.binding,
                served.join(", ")
            )))
        }
    }
}
