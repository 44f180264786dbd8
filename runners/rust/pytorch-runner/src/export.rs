//! Mode `export`: load canonical safetensors into the spec-built net and write the requested artifacts.

use bindbench_protocol::{ArtifactFormat, EventWriter, Request, RunnerError, RunnerResult};
use tch::Device;

use crate::artifacts;
use crate::infer::load_canonical;

pub fn run<W: std::io::Write>(request: &Request, device: Device, events: &mut EventWriter<W>) -> RunnerResult<()> {
    artifacts::check_writable(&request.artifacts)?;
    let weights = request.weights.as_ref().expect("checked by Request");
    if weights.format != ArtifactFormat::Safetensors {
        return Err(RunnerError::not_supported(format!(
            "pytorch/rust exports from canonical safetensors only, not from '{}'",
            weights.format.as_str()
        )));
    }
    let loaded = load_canonical(request, &weights.path, device)?;
    artifacts::write(
        &loaded.vs,
        &request.model,
        &request.artifacts,
        &request.output_dir,
        events,
    )
}
