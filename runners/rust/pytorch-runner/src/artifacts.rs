//! What pytorch/rust can write: canonical safetensors (the VarStore converted by layout.rs). The other formats
//! need Python-side machinery tch does not have, so they are refused before any work starts.

use std::path::Path;

use bindbench_protocol::{ArtifactFormat, EventWriter, ModelSpec, RunnerError, RunnerResult};
use tch::nn::VarStore;

fn unsupported_reason(format: ArtifactFormat) -> Option<&'static str> {
    match format {
        ArtifactFormat::Safetensors => None,
        ArtifactFormat::TorchStateDict => Some(
            "tch cannot write a Python pickle state dict: VarStore::save writes safetensors or the libtorch C++ archive format, and \
             tch's documentation notes that the pickle (.pt) format is not supported by the C++ API",
        ),
        ArtifactFormat::Torchscript => Some(
            "tch can load TorchScript (CModule::load) but cannot produce it from an nn module: scripting and tracing are Python-side (torch.jit)",
        ),
        ArtifactFormat::Onnx => Some("tch has no ONNX exporter (torch.onnx is Python-side)"),
        ArtifactFormat::Keras | ArtifactFormat::Savedmodel | ArtifactFormat::TfjsLayers => {
            Some("this is a TensorFlow format; pytorch/rust writes PyTorch-side formats only")
        }
    }
}

pub fn check_writable(formats: &[ArtifactFormat]) -> RunnerResult<()> {
    for &format in formats {
        if let Some(reason) = unsupported_reason(format) {
            return Err(RunnerError::not_supported(format!(
                "artifact '{}': {reason}",
                format.as_str()
            )));
        }
    }
    Ok(())
}

pub fn write<W: std::io::Write>(
    vs: &VarStore,
    spec: &ModelSpec,
    formats: &[ArtifactFormat],
    dir: &Path,
    events: &mut EventWriter<W>,
) -> RunnerResult<()> {
    check_writable(formats)?;
    for &format in formats {
        // Only safetensors passes check_writable.
        let path = dir.join("model.safetensors");
        crate::weights::save(vs, spec, &path)?;
        events.artifact(format, &path)?;
    }
    Ok(())
}
