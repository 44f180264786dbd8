//! Anything that maps an NCHW batch to logits (the spec-built net, a TorchScript module), and the pass over a
//! split that counts correct predictions: the same code for per-epoch evaluation and for timed inference.

use std::time::Instant;

use bindbench_protocol::inference::Pass;
use bindbench_protocol::{runner::seconds_since, Context, RunnerResult};
use tch::nn::ModuleT;
use tch::{CModule, Device, Kind, Tensor};

use crate::device;
use crate::model::Net;

pub trait Classifier {
    fn logits(&self, x: &Tensor) -> RunnerResult<Tensor>;
}

impl Classifier for Net {
    /// Inference mode: no dropout, batch norms on their running statistics.
    fn logits(&self, x: &Tensor) -> RunnerResult<Tensor> {
        Ok(self.forward_t(x, false))
    }
}

/// A TorchScript module from pytorch/python (`torch.jit.script`/`trace`), called with one tensor: NCHW float32
/// images or [N, T] int64 token ids (a scripted nn.Embedding takes int32 or int64; a BERT traced with int64
/// ids needs int64).
pub struct Scripted(pub CModule);

impl Classifier for Scripted {
    fn logits(&self, x: &Tensor) -> RunnerResult<Tensor> {
        self.0
            .forward_ts(&[x])
            .context(|| "the TorchScript module's forward failed".to_string())
    }
}

/// The predicted classes of a batch: argmax, or for one sigmoid logit 1 when it is > 0 (p > 0.5).
pub fn predict(logits: &Tensor) -> Tensor {
    if logits.size().last() == Some(&1) {
        logits.select(1, 0).gt(0.0).to_kind(Kind::Int64)
    } else {
        logits.argmax(-1, false)
    }
}

/// One pass over `batches` without autograd: forward, prediction, count. The count is read back (and the device
/// synchronised) before the clock stops, so all the pass's work is inside `seconds`; the per-batch logits stay
/// on the device, for hashing after the clock stops.
pub fn pass(model: &dyn Classifier, batches: &[(Tensor, Tensor)], device: Device) -> RunnerResult<Pass<Vec<Tensor>>> {
    let _no_grad = tch::no_grad_guard();
    device::sync(device);
    let start = Instant::now();
    let mut correct = Tensor::zeros([], (Kind::Int64, device));
    let mut logits = Vec::with_capacity(batches.len());
    for (x, y) in batches {
        let out = model.logits(x)?;
        correct += predict(&out).eq_tensor(y).sum(Kind::Int64);
        logits.push(out);
    }
    let correct = correct.int64_value(&[]) as usize;
    device::sync(device);
    Ok(Pass {
        seconds: seconds_since(start),
        correct,
        logits,
    })
}

/// A pass's per-batch logits as row-major float32 on the CPU.
pub fn logits_f32(logits: &[Tensor]) -> RunnerResult<Vec<f32>> {
    let all = Tensor::cat(logits, 0)
        .to_device(Device::Cpu)
        .to_kind(Kind::Float)
        .contiguous();
    Vec::<f32>::try_from(&all.flatten(0, -1)).context(|| "cannot copy logits to the host".to_string())
}
