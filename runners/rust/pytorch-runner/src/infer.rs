//! Mode `infer`: load a model (canonical safetensors into the spec-built net, or a TorchScript module) and run it
//! on tch batches; the protocol crate's `inference::run` does the warm-up, the timed repetitions and the reporting.

use bindbench_protocol::files::DataSplit;
use bindbench_protocol::inference::{self, InferenceBackend, Pass};
use bindbench_protocol::{ArtifactFormat, Context, EventWriter, Request, RunnerError, RunnerResult};
use tch::nn::VarStore;
use tch::{CModule, Device, Tensor};

use crate::classify::{logits_f32, pass, Classifier, Scripted};
use crate::data::Examples;
use crate::model::Net;
use crate::weights;

/// The spec-built net with the VarStore that owns its parameters.
pub struct LoadedNet {
    pub vs: VarStore,
    pub net: Net,
}

impl Classifier for LoadedNet {
    fn logits(&self, x: &tch::Tensor) -> RunnerResult<tch::Tensor> {
        self.net.logits(x)
    }
}

/// Builds the net from the spec and loads canonical safetensors into it (through layout.rs).
pub fn load_canonical(request: &Request, path: &std::path::Path, device: Device) -> RunnerResult<LoadedNet> {
    let vs = VarStore::new(device);
    let net = Net::new(&vs.root(), &request.model)?;
    weights::load(&vs, &request.model, path)?;
    Ok(LoadedNet { vs, net })
}

fn load(request: &Request, device: Device) -> RunnerResult<Box<dyn Classifier>> {
    let weights = request.weights.as_ref().expect("checked by Request");
    if !weights.path.exists() {
        return Err(RunnerError::bad_request(format!(
            "weights {} do not exist",
            weights.path.display()
        )));
    }
    match weights.format {
        ArtifactFormat::Safetensors => Ok(Box::new(load_canonical(request, &weights.path, device)?)),
        ArtifactFormat::Torchscript => {
            let mut module = CModule::load_on_device(&weights.path, device)
                .context(|| format!("CModule::load({})", weights.path.display()))?;
            // Dropout off and batch norms on their running statistics, as torch.jit.load + eval() in Python.
            module.set_eval();
            Ok(Box::new(Scripted(module)))
        }
        other => Err(RunnerError::not_supported(format!(
            "pytorch/rust loads safetensors (into tch::nn layers) and torchscript (CModule::load); it cannot load '{}'",
            other.as_str()
        ))),
    }
}

/// A loaded model with the device its batches go to.
struct OnDevice {
    model: Box<dyn Classifier>,
    device: Device,
}

impl InferenceBackend for OnDevice {
    type Batches = Vec<(Tensor, Tensor)>;
    type Logits = Vec<Tensor>;

    fn batches(&self, split: &DataSplit, batch_size: usize) -> RunnerResult<Self::Batches> {
        Ok(Examples::new(split, self.device).batches(batch_size))
    }

    fn pass(&self, batches: &Self::Batches) -> RunnerResult<Pass<Self::Logits>> {
        pass(self.model.as_ref(), batches, self.device)
    }

    fn host_logits(&self, logits: &Self::Logits) -> RunnerResult<Vec<f32>> {
        logits_f32(logits)
    }
}

pub fn run<W: std::io::Write>(request: &Request, device: Device, events: &mut EventWriter<W>) -> RunnerResult<()> {
    let model = load(request, device)?;
    inference::run(request, &OnDevice { model, device }, events)
}
