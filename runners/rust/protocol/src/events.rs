//! The JSON-lines events a runner writes to stdout (src/protocol/events.ts), one flushed line each.
//! JSON has no NaN or infinity, so a non-finite number is refused here rather than written as `null`.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::{RunnerError, RunnerResult};
use crate::request::{ArtifactFormat, DeviceKind};

/// A `settings` value: the protocol allows strings, numbers, booleans and null.
pub type Settings = BTreeMap<String, Value>;

#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub kind: &'static str,
    pub name: String,
}

impl DeviceInfo {
    pub fn new(kind: DeviceKind, name: impl Into<String>) -> Self {
        DeviceInfo {
            kind: kind.as_str(),
            name: name.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StartEvent {
    pub protocol: i64,
    pub binding: String,
    pub language: &'static str,
    pub framework: &'static str,
    pub versions: BTreeMap<String, String>,
    pub device: DeviceInfo,
    pub settings: Settings,
}

#[derive(Debug, Clone, Serialize)]
pub struct EpochEvent {
    pub epoch: usize,
    pub train_accuracy: f64,
    /// None (written as null) on the epochs the request's test_every skips.
    pub test_accuracy: Option<f64>,
    pub loss: f64,
    pub train_seconds: f64,
    pub eval_seconds: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Test,
    Train,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Test => "test",
            Split::Train => "train",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InferenceEvent {
    pub split: Split,
    /// 0-based timed repetition, -1 for an untimed count.
    pub repetition: i64,
    pub seconds: f64,
    pub correct: usize,
    pub n: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logits_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logits_path: Option<String>,
}

/// Writes events to any sink (stdout in a runner, a buffer in tests).
pub struct EventWriter<W: Write> {
    out: W,
}

impl EventWriter<std::io::Stdout> {
    pub fn stdout() -> Self {
        EventWriter { out: std::io::stdout() }
    }
}

impl<W: Write> EventWriter<W> {
    pub fn new(out: W) -> Self {
        EventWriter { out }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn write(&mut self, kind: &str, body: Value) -> RunnerResult<()> {
        let mut object = Map::new();
        object.insert("type".into(), Value::String(kind.into()));
        match body {
            Value::Object(fields) => object.extend(fields),
            Value::Null => {}
            other => {
                return Err(RunnerError::failed(format!(
                    "event {kind} body is not an object: {other}"
                )))
            }
        }
        let line = serde_json::to_string(&Value::Object(object))
            .map_err(|e| RunnerError::failed(format!("cannot encode event {kind}: {e}")))?;
        // Output failures (a closed pipe) cannot be reported on the same pipe, so they end the run.
        writeln!(self.out, "{line}")
            .and_then(|_| self.out.flush())
            .map_err(|e| RunnerError::failed(format!("cannot write event {kind} to stdout: {e}")))
    }

    fn serialize<T: Serialize>(kind: &str, value: &T) -> RunnerResult<Value> {
        serde_json::to_value(value).map_err(|e| RunnerError::failed(format!("cannot encode event {kind}: {e}")))
    }

    pub fn start(&mut self, event: &StartEvent) -> RunnerResult<()> {
        let body = Self::serialize("start", event)?;
        self.write("start", body)
    }

    /// A step loss that is not finite ends training as `nan_loss`, the protocol's kind for divergence.
    pub fn step(&mut self, step: usize, loss: f64) -> RunnerResult<()> {
        finite("step loss", loss).map_err(|_| RunnerError::nan_loss(format!("the loss of step {step} is {loss}")))?;
        self.write("step", json!({ "step": step, "loss": loss }))
    }

    pub fn epoch(&mut self, event: &EpochEvent) -> RunnerResult<()> {
        if !event.loss.is_finite() {
            return Err(RunnerError::nan_loss(format!(
                "the mean loss of epoch {} is {}",
                event.epoch, event.loss
            )));
        }
        for (what, v) in [
            ("train_accuracy", event.train_accuracy),
            ("test_accuracy", event.test_accuracy.unwrap_or(0.0)),
            ("train_seconds", event.train_seconds),
            ("eval_seconds", event.eval_seconds),
        ] {
            finite(what, v)?;
        }
        let body = Self::serialize("epoch", event)?;
        self.write("epoch", body)
    }

    pub fn inference(&mut self, event: &InferenceEvent) -> RunnerResult<()> {
        finite("inference seconds", event.seconds)?;
        let body = Self::serialize("inference", event)?;
        self.write("inference", body)
    }

    pub fn artifact(&mut self, format: ArtifactFormat, path: &std::path::Path) -> RunnerResult<()> {
        let absolute = std::path::absolute(path)
            .map_err(|e| RunnerError::failed(format!("cannot make {} absolute: {e}", path.display())))?;
        self.write(
            "artifact",
            json!({ "format": format.as_str(), "path": absolute.to_string_lossy() }),
        )
    }

    pub fn end(&mut self, train_seconds: f64, wall_seconds: f64) -> RunnerResult<()> {
        finite("train_seconds", train_seconds)?;
        finite("wall_seconds", wall_seconds)?;
        self.write(
            "end",
            json!({ "train_seconds": train_seconds, "wall_seconds": wall_seconds }),
        )
    }

    pub fn error(&mut self, error: &RunnerError) -> RunnerResult<()> {
        self.write(
            "error",
            json!({ "kind": error.kind.as_str(), "message": error.message }),
        )
    }

    pub fn log(&mut self, message: impl Into<String>) -> RunnerResult<()> {
        self.write("log", json!({ "message": message.into() }))
    }
}

fn finite(what: &str, v: f64) -> RunnerResult<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(RunnerError::failed(format!("{what} is {v}, which JSON cannot carry")))
    }
}
