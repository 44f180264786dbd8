//! Mode `train`: an explicit minibatch loop with tch's optimizer and loss, per-epoch evaluation outside the
//! training clock, step losses, and the canonical safetensors artifact.

use std::time::Instant;

use bindbench_protocol::files::{read_verified, DataSplit, SharedOrder};
use bindbench_protocol::runner::seconds_since;
use bindbench_protocol::{Context, EpochEvent, EventWriter, Loss, OptimizerName, Request, RunnerResult, Source, Split};
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
    let batch_size = request.hyper.batch_size as i64;
    let n = train.n as i64;
    events.log(format!(
        "training {} on {} examples, {} epochs",
        request.model.id, n, request.hyper.epochs
    ))?;

    let mut step = 0usize;
    let mut total_train_seconds = 0.0;
    for epoch in 1..=request.hyper.epochs {
        // The epoch's permutation is data preparation, drawn before the clock like a shared order is read.
        let permutation = match &order {
            Some(order) => Tensor::from_slice(order.epoch(epoch)).to_device(device),
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
        let train_seconds = seconds_since(start);
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
        let test_correct = pass(&net, &test_eval, device)?.correct;
        let eval_seconds = seconds_since(start);
        events.epoch(&EpochEvent {
            epoch,
            train_accuracy: train_correct as f64 / train.n as f64,
            test_accuracy: test_correct as f64 / test.n as f64,
            loss,
            train_seconds,
            eval_seconds,
        })?;
    }
    artifacts::write(&vs, &request.model, &request.artifacts, &request.output_dir, events)?;
    Ok(total_train_seconds)
}
