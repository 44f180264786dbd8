//! The tensorflow/rust runner: `tensorflow-runner <request.json>` runs inference on a SavedModel through the
//! `tensorflow` crate (TensorFlow's C API); `tensorflow-runner --version` prints the linked versions as JSON.
//! Training and exporting are refused as `not_supported`, with the reason, as the study found them.

mod infer;
mod savedmodel;

use std::collections::BTreeMap;

use bindbench_protocol::runner::{cpu_name, library_dir, nvidia_gpu_model};
use bindbench_protocol::{
    ArtifactFormat, DeviceInfo, DeviceKind, EventWriter, Mode, Request, Runner, RunnerError, RunnerResult, Settings,
};

const RUNNER: Runner = Runner {
    binding: "tensorflow/rust",
    framework: "tensorflow",
    versions,
};

const TRAIN_UNSUPPORTED: &str = "the tensorflow crate exposes no Keras-like layers or optimizers; training would need \
hand-built graphs (as in the study, inference only)";

fn versions() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "tensorflow-crate".to_string(),
            env!("BINDBENCH_TENSORFLOW_CRATE_VERSION").to_string(),
        ),
        (
            "tensorflow-sys".to_string(),
            env!("BINDBENCH_TENSORFLOW_SYS_VERSION").to_string(),
        ),
        (
            "libtensorflow".to_string(),
            tensorflow::version().unwrap_or_else(|e| format!("unreadable: {e}")),
        ),
        ("rustc".to_string(), env!("BINDBENCH_RUSTC_VERSION").to_string()),
    ])
}

fn run(request: &Request, events: &mut EventWriter<std::io::Stdout>) -> RunnerResult<f64> {
    if request.device == DeviceKind::Cpu {
        // TensorFlow places ops on a visible GPU by itself; hiding GPUs is how a CPU run stays on the CPU.
        std::env::set_var("CUDA_VISIBLE_DEVICES", "");
    }
    let device_name = match request.device {
        DeviceKind::Cpu => cpu_name(),
        DeviceKind::Cuda => nvidia_gpu_model().unwrap_or_else(|| "cuda:0".to_string()),
    };
    let mut settings = Settings::new();
    // The session options stay default; libtensorflow sizes its pools from TF_NUM_INTRAOP_THREADS and
    // TF_NUM_INTEROP_THREADS when the orchestrator pinned the cell (set here too, for a request run by hand).
    if let Some(n) = request.threads {
        std::env::set_var("TF_NUM_INTRAOP_THREADS", n.to_string());
        std::env::set_var("TF_NUM_INTEROP_THREADS", n.to_string());
    }
    settings.insert(
        "session_options".into(),
        "default (TensorFlow picks intra- and inter-op threads, or TF_NUM_INTRAOP_THREADS)".into(),
    );
    settings.insert(
        "TF_NUM_INTRAOP_THREADS".into(),
        std::env::var("TF_NUM_INTRAOP_THREADS").ok().into(),
    );
    let libtensorflow = library_dir("libtensorflow_cc.so", env!("BINDBENCH_TENSORFLOW_LIB"));
    settings.insert("libtensorflow_dir".into(), libtensorflow.into());
    events.start(&RUNNER.start_event(request, DeviceInfo::new(request.device, device_name), settings))?;
    match request.mode {
        Mode::Train => {
            return Err(RunnerError::not_supported(format!(
                "tensorflow/rust cannot train: {TRAIN_UNSUPPORTED}"
            )))
        }
        Mode::Export => return Err(RunnerError::not_supported(
            "tensorflow/rust writes no artifacts: bindbench runs it for inference on SavedModels only; writing one \
                 would need the model built as a graph in Rust, the same hand-built graphs training would need",
        )),
        Mode::Infer => {}
    }
    let weights = request.weights.as_ref().expect("checked by Request");
    if weights.format != ArtifactFormat::Savedmodel {
        return Err(RunnerError::not_supported(format!(
            "tensorflow/rust loads SavedModels only (SavedModelBundle::load); it cannot load '{}'",
            weights.format.as_str()
        )));
    }
    let model = savedmodel::load(&weights.path)?;
    let devices = model
        .bundle
        .session
        .device_list()
        .map_err(|e| RunnerError::failed(format!("Session::device_list: {e}")))?;
    let types: Vec<&str> = devices.iter().map(|d| d.device_type.as_str()).collect();
    events.log(format!(
        "SavedModel {} loaded, signature {}, session devices {:?}",
        weights.path.display(),
        model.signature,
        types
    ))?;
    if request.device == DeviceKind::Cuda && !types.contains(&"GPU") {
        return Err(RunnerError::not_supported(format!(
            "device cuda requested, but the linked libtensorflow {} lists no GPU device (devices: {types:?})",
            tensorflow::version().unwrap_or_default()
        )));
    }
    bindbench_protocol::inference::run(request, &model, events)?;
    Ok(0.0)
}

fn main() {
    RUNNER.main(run)
}
