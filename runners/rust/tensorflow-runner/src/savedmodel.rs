//! A SavedModel written by tensorflow/python, loaded with the C API's TF_LoadSessionFromSavedModel
//! (SavedModelBundle), and the feed/fetch endpoints of its serving signature.

use std::path::Path;

use bindbench_protocol::files::{DataSplit, Inputs};
use bindbench_protocol::{Context, RunnerError, RunnerResult};
use tensorflow::{DataType, Graph, Operation, SavedModelBundle, SessionOptions, SignatureDef};

/// Signatures tried in order: `serve` is what the protocol names; `serving_default` is what model.export and
/// tf.saved_model.save also write.
const SIGNATURES: [&str; 2] = ["serve", "serving_default"];

pub struct ServingModel {
    pub bundle: SavedModelBundle,
    /// Owned for as long as the session and the endpoint operations that point into it are used.
    _graph: Graph,
    pub signature: String,
    pub input: (Operation, i32),
    pub input_dtype: DataType,
    pub output: (Operation, i32),
}

impl ServingModel {
    /// The signature's input must take what the data holds: float32 images or int32 token ids.
    pub fn check_input(&self, split: &DataSplit) -> RunnerResult<()> {
        let (expected, what) = match split.x {
            Inputs::Pixels(_) => (DataType::Float, "float32 images"),
            Inputs::Tokens(_) => (DataType::Int32, "int32 token ids"),
        };
        if self.input_dtype != expected {
            return Err(RunnerError::bad_request(format!(
                "signature {}: input is {:?}, but the data holds {what}",
                self.signature, self.input_dtype
            )));
        }
        Ok(())
    }
}

/// The signature's tensor named `preferred`, else its only tensor.
fn pick<'a>(
    tensors: &'a std::collections::HashMap<String, tensorflow::TensorInfo>,
    preferred: &str,
    what: &str,
) -> RunnerResult<&'a tensorflow::TensorInfo> {
    if let Some(info) = tensors.get(preferred) {
        return Ok(info);
    }
    let mut values = tensors.values();
    match (values.next(), values.next()) {
        (Some(only), None) => Ok(only),
        _ => Err(RunnerError::bad_request(format!(
            "the serving signature has no {what} named `{preferred}` and not exactly one {what} (it has {:?})",
            tensors.keys().collect::<Vec<_>>()
        ))),
    }
}

fn signature<'a>(bundle: &'a SavedModelBundle, dir: &Path) -> RunnerResult<(String, &'a SignatureDef)> {
    let meta = bundle.meta_graph_def();
    SIGNATURES
        .iter()
        .find_map(|name| meta.get_signature(name).ok().map(|s| (name.to_string(), s)))
        .ok_or_else(|| {
            RunnerError::bad_request(format!(
                "SavedModel {} has neither a `serve` nor a `serving_default` signature (it has {:?})",
                dir.display(),
                meta.signatures().keys().collect::<Vec<_>>()
            ))
        })
}

pub fn load(dir: &Path) -> RunnerResult<ServingModel> {
    if !dir.join("saved_model.pb").exists() {
        return Err(RunnerError::bad_request(format!(
            "{} is not a SavedModel directory (no saved_model.pb)",
            dir.display()
        )));
    }
    let mut graph = Graph::new();
    let bundle = SavedModelBundle::load(&SessionOptions::new(), ["serve"], &mut graph, dir)
        .context(|| format!("SavedModelBundle::load({}, tags [serve])", dir.display()))?;
    let (name, sig) = signature(&bundle, dir)?;
    let input = pick(sig.inputs(), "x", "input")?;
    let input_dtype = input.dtype();
    let output = pick(sig.outputs(), "logits", "output")?;
    let endpoint = |info: &tensorflow::TensorInfo| -> RunnerResult<(Operation, i32)> {
        let op = graph
            .operation_by_name_required(&info.name().name)
            .context(|| format!("signature {name}: operation {}", info.name().name))?;
        Ok((op, info.name().index))
    };
    let (input, output) = (endpoint(input)?, endpoint(output)?);
    Ok(ServingModel {
        signature: name,
        input,
        input_dtype,
        output,
        bundle,
        _graph: graph,
    })
}
