//! Mode `infer`: load a model (canonical safetensors into the spec-built net, or a TorchScript module), then
//! untimed warm-up passes, timed repetitions and optionally an untimed count on the training split.

use bindbench_protocol::files::{emit_inference, DataSplit, MeasuredPass};
use bindbench_protocol::{ArtifactFormat, Context, EventWriter, Request, RunnerError, RunnerResult, Split};
use tch::nn::VarStore;
use tch::{CModule, Device};

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

pub fn run<W: std::io::Write>(request: &Request, device: Device, events: &mut EventWriter<W>) -> RunnerResult<()> {
    let model = load(request, device)?;
    let settings = &request.inference;
    let test_split = DataSplit::for_request(request, Split::Test)?;
    let test = Examples::new(&test_split, device).batches(settings.batch_size);

    for _ in 0..settings.warmup {
        pass(model.as_ref(), &test, device)?;
    }
    for repetition in 0..settings.repetitions {
        let result = pass(model.as_ref(), &test, device)?;
        let save = repetition == 0;
        emit(
            request,
            events,
            Split::Test,
            repetition as i64,
            &result,
            test_split.n,
            save,
        )?;
    }
    if settings.include_train {
        let train_split = DataSplit::for_request(request, Split::Train)?;
        let train = Examples::new(&train_split, device).batches(settings.batch_size);
        let result = pass(model.as_ref(), &train, device)?;
        emit(request, events, Split::Train, -1, &result, train_split.n, true)?;
    }
    Ok(())
}

fn emit<W: std::io::Write>(
    request: &Request,
    events: &mut EventWriter<W>,
    split: Split,
    repetition: i64,
    result: &crate::classify::Pass,
    n: usize,
    save_logits: bool,
) -> RunnerResult<()> {
    let (logits, classes) = logits_f32(result)?;
    if logits.len() != n * request.model.output_width() {
        return Err(RunnerError::failed(format!(
            "the model returned {} logits for {n} examples, expected {n} x {}",
            logits.len(),
            request.model.output_width()
        )));
    }
    let pass = MeasuredPass {
        split,
        repetition,
        seconds: result.seconds,
        correct: result.correct,
        n,
        logits: &logits,
        classes,
    };
    emit_inference(request, events, &pass, save_logits)
}
