//! Mode `train`: one epoch at a time in the request's style (`minimal`: bindbench's explicit minibatch loop;
//! `idiomatic`: tch's `Iter2` loop), both with tch's optimizer and loss; then per-epoch evaluation outside the
//! training clock, step losses, and the canonical safetensors artifact, the same for both styles.

use std::time::Instant;

use bindbench_protocol::files::{read_verified, DataSplit, SharedOrder};
use bindbench_protocol::runner::seconds_since;
use bindbench_protocol::{
    Context, EpochEvent, EventWriter, Loss, OptimizerName, Request, RunnerResult, Source, Split, Style,
};
use tch::data::Iter2;
use tch::nn::{self, ModuleT, OptimizerConfig};
use tch::{Device, Kind, Reduction, Tensor};

use crate::artifacts;
use crate::classify::pass;
use crate::data::Examples;
use crate::device;
use crate::model::Net;
use crate::weights;

/// The optimizer the request names; Adam's settings it leaves out are tch's defaults (PyTorch's).
fn optimizer(request: &Request, vs: &nn::VarStore) -> RunnerResult<(nn::Optimizer, String)> {
    let o = &request.hyper.optimizer;
    let lr = o.learning_rate;
    let (built, described) = match o.name {
        OptimizerName::Sgd => (nn::Sgd::default().build(vs, lr), format!("nn::Sgd lr {lr}")),
        OptimizerName::Adam => {
            let native = nn::Adam::default();
            let adam = nn::Adam {
                beta1: o.beta_1.unwrap_or(native.beta1),
                beta2: o.beta_2.unwrap_or(native.beta2),
                eps: o.epsilon.unwrap_or(native.eps),
                ..native
            };
            let described = format!(
                "nn::Adam lr {lr}, betas ({}, {}), eps {}",
                adam.beta1, adam.beta2, adam.eps
            );
            (adam.build(vs, lr), described)
        }
    };
    Ok((built.context(|| "cannot build the optimizer".to_string())?, described))
}

/// The batch's mean loss from the logits: softmax cross-entropy, or sigmoid BCE on the one logit.
fn loss(loss: Loss, logits: &Tensor, y: &Tensor) -> Tensor {
    match loss {
        Loss::SparseCategoricalCrossentropy => logits.cross_entropy_for_logits(y),
        Loss::BinaryCrossentropy => logits.select(1, 0).binary_cross_entropy_with_logits::<Tensor>(
            &y.to_kind(Kind::Float),
            None,
            None,
            Reduction::Mean,
        ),
    }
}

/// Returns the summed training seconds of all epochs.
pub fn run<W: std::io::Write>(request: &Request, device: Device, events: &mut EventWriter<W>) -> RunnerResult<f64> {
    artifacts::check_writable(&request.artifacts)?;
    let train_split = DataSplit::for_request(request, Split::Train)?;
    let test_split = DataSplit::for_request(request, Split::Test)?;
    let order = match (request.data_order, &request.order) {
        (Source::Shared, Some(file)) => Some(SharedOrder::read(file, request.hyper.epochs, train_split.n)?),
        _ => None,
    };

    let vs = nn::VarStore::new(device);
    let net = Net::new(&vs.root(), &request.model)?;
    if let (Source::Shared, Some(init)) = (request.init, &request.init_weights) {
        read_verified(init, "initial weights")?;
        weights::load(&vs, &request.model, &init.path)?;
    }
    let (mut optimizer, described) = optimizer(request, &vs)?;
    events.log(format!("optimizer {described}, loss {}", request.hyper.loss.as_str()))?;

    let train = Examples::new(&train_split, device);
    let test = Examples::new(&test_split, device);
    let eval_batch = request.inference.batch_size;
    let (train_eval, test_eval) = (train.batches(eval_batch), test.batches(eval_batch));
    events.log(format!(
        "training {} on {} examples, {} epochs, style {}",
        request.model.id,
        train.n,
        request.hyper.epochs,
        request.style.as_str()
    ))?;

    // Style `idiomatic` batches from the training split kept on the host, as tch's examples do (a shallow copy on
    // the CPU); evaluation reads the device copy in both styles.
    let host_train = (request.style == Style::Idiomatic).then(|| train.to_device(Device::Cpu));

    let mut step = 0usize;
    let mut total_train_seconds = 0.0;
    for epoch in 1..=request.hyper.epochs {
        let order = order.as_ref().map(|order| order.epoch(epoch));
        let (train_seconds, losses) = match &host_train {
            None => minimal_epoch(request, &net, &mut optimizer, &train, order, device),
            Some(host) => idiomatic_epoch(request, &net, &mut optimizer, host, order, device),
        };
        let values = Vec::<f64>::try_from(&Tensor::stack(&losses, 0).to_kind(Kind::Double).to_device(Device::Cpu))
            .context(|| "cannot read the losses back".to_string())?;
        for value in &values {
            if step < request.record_step_losses {
                events.step(step, *value)?;
            }
            step += 1;
        }
        let loss = values.iter().sum::<f64>() / values.len() as f64;
        total_train_seconds += train_seconds;

        let start = Instant::now();
        let train_correct = pass(&net, &train_eval, device)?.correct;
        let test_correct = if request.evaluates_test_after(epoch) {
            Some(pass(&net, &test_eval, device)?.correct)
        } else {
            None
        };
        let eval_seconds = seconds_since(start);
        events.epoch(&EpochEvent {
            epoch,
            train_accuracy: train_correct as f64 / train.n as f64,
            test_accuracy: test_correct.map(|c| c as f64 / test.n as f64),
            loss,
            train_seconds,
            eval_seconds,
        })?;
    }
    artifacts::write(&vs, &request.model, &request.artifacts, &request.output_dir, events)?;
    Ok(total_train_seconds)
}

/// Style `minimal`, the loop of protocol 1 unchanged: batches are `index_select`s from the split already on the
/// device, by the epoch's shared order row or a `Tensor::randperm` drawn on the device before the clock. Returns
/// the epoch's training seconds and the loss of each batch, still on the device.
fn minimal_epoch(
    request: &Request,
    net: &Net,
    optimizer: &mut nn::Optimizer,
    train: &Examples,
    order: Option<&[i64]>,
    device: Device,
) -> (f64, Vec<Tensor>) {
    let batch_size = request.hyper.batch_size as i64;
    let n = train.n as i64;
    // The epoch's permutation is data preparation, drawn before the clock like a shared order is read.
    let permutation = match order {
        Some(order) => Tensor::from_slice(order).to_device(device),
        None => Tensor::randperm(n, (Kind::Int64, device)),
    };
    device::sync(device);
    let start = Instant::now();
    // Losses stay on the device until the clock stops: reading them back, like writing step events, is
    // not training work.
    let mut losses = Vec::with_capacity((n / batch_size + 1) as usize);
    let mut offset = 0i64;
    while offset < n {
        let index = permutation.narrow(0, offset, batch_size.min(n - offset));
        let x = train.x.index_select(0, &index);
        let y = train.y.index_select(0, &index);
        let loss = loss(request.hyper.loss, &net.forward_t(&x, true), &y);
        optimizer.backward_step(&loss);
        losses.push(loss.detach());
        offset += batch_size;
    }
    device::sync(device);
    (seconds_since(start), losses)
}

/// Style `idiomatic`, tch's own training loop as its README and examples teach it: `tch::data::Iter2` over the
/// training split kept on the host (`return_smaller_last_batch`, so every example is seen once, as in minimal),
/// each batch moved by `to_device`, `forward_t` and `backward_step`. The whole data path is timed: for a shared
/// order, gathering the split by the epoch's row (`index_select` on the host); for a native one, `Iter2::shuffle`
/// (a `randperm` on the CPU generator `tch::manual_seed(seed)` seeded, then an `index_select` of the split); then
/// every batch's host-to-device copy. Like minimal, the batch losses stay on the device until the clock stops
/// (tch has no running mean; a `double_value` per step would synchronise a GPU every step).
fn idiomatic_epoch(
    request: &Request,
    net: &Net,
    optimizer: &mut nn::Optimizer,
    host: &Examples,
    order: Option<&[i64]>,
    device: Device,
) -> (f64, Vec<Tensor>) {
    let batch_size = request.hyper.batch_size as i64;
    // The order row becomes an index tensor before the clock, as minimal's permutation does.
    let index = order.map(Tensor::from_slice);
    device::sync(device);
    let start = Instant::now();
    let mut batches = match &index {
        Some(index) => Iter2::new(
            &host.x.index_select(0, index),
            &host.y.index_select(0, index),
            batch_size,
        ),
        None => {
            let mut batches = Iter2::new(&host.x, &host.y, batch_size);
            // Before `to_device`: shuffle draws its permutation on the iterator's device, the CPU's until then.
            batches.shuffle();
            batches
        }
    };
    batches.return_smaller_last_batch().to_device(device);
    let mut losses = Vec::with_capacity((host.n as i64 / batch_size + 1) as usize);
    for (x, y) in &mut batches {
        let loss = loss(request.hyper.loss, &net.forward_t(&x, true), &y);
        optimizer.backward_step(&loss);
        losses.push(loss.detach());
    }
    device::sync(device);
    (seconds_since(start), losses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindbench_protocol::fixtures;

    /// 300 random 28x28 images (batches of 128: two full, one of 44) and a net with fixed weights.
    fn setup(request: &Request, vs: &nn::VarStore) -> (Net, Examples) {
        let net = Net::new(&vs.root(), &request.model).unwrap();
        let x = Tensor::rand([300, 1, 28, 28], (Kind::Float, Device::Cpu));
        let y = Tensor::randint(10, [300], (Kind::Int64, Device::Cpu));
        (net, Examples { x, y, n: 300 })
    }

    #[test]
    fn an_idiomatic_epoch_in_a_shared_order_takes_minimals_steps() {
        let request = Request::from_json(&fixtures::train_request_json(fixtures::LENET1)).unwrap();
        let (vs_minimal, vs_idiomatic) = (nn::VarStore::new(Device::Cpu), nn::VarStore::new(Device::Cpu));
        let (net_minimal, data) = setup(&request, &vs_minimal);
        let net_idiomatic = Net::new(&vs_idiomatic.root(), &request.model).unwrap();
        let mut vs_idiomatic = vs_idiomatic;
        vs_idiomatic.copy(&vs_minimal).unwrap();
        let order: Vec<i64> = Vec::try_from(&Tensor::randperm(300, (Kind::Int64, Device::Cpu))).unwrap();

        let (mut sgd_minimal, _) = optimizer(&request, &vs_minimal).unwrap();
        let (mut sgd_idiomatic, _) = optimizer(&request, &vs_idiomatic).unwrap();
        let (_, minimal) = minimal_epoch(
            &request,
            &net_minimal,
            &mut sgd_minimal,
            &data,
            Some(&order),
            Device::Cpu,
        );
        let (_, idiomatic) = idiomatic_epoch(
            &request,
            &net_idiomatic,
            &mut sgd_idiomatic,
            &data,
            Some(&order),
            Device::Cpu,
        );

        // The same batches in the same order, the last one partial: on the CPU the same arithmetic, so the same
        // losses and weights up to float32 rounding.
        assert_eq!((minimal.len(), idiomatic.len()), (3, 3));
        for (step, (a, b)) in minimal.iter().zip(&idiomatic).enumerate() {
            let (a, b) = (a.double_value(&[]), b.double_value(&[]));
            assert!((a - b).abs() <= 1e-6, "step {step}: minimal {a}, idiomatic {b}");
        }
        let trained = vs_idiomatic.variables();
        for (name, weight) in vs_minimal.variables() {
            let diff = (&weight - &trained[&name]).abs().max().double_value(&[]);
            assert!(diff <= 1e-6, "{name} differs by {diff}");
        }
    }

    #[test]
    fn an_idiomatic_epoch_in_native_order_takes_one_step_per_batch_the_last_one_partial() {
        let request = Request::from_json(&fixtures::train_request_json(fixtures::LENET1)).unwrap();
        let vs = nn::VarStore::new(Device::Cpu);
        let (net, data) = setup(&request, &vs);
        let (mut sgd, _) = optimizer(&request, &vs).unwrap();
        let (seconds, losses) = idiomatic_epoch(&request, &net, &mut sgd, &data, None, Device::Cpu);
        assert_eq!(losses.len(), 3);
        assert!(seconds > 0.0);
        assert!(losses.iter().all(|l| l.double_value(&[]).is_finite()));
    }
}
