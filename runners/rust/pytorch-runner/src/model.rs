//! The zoo's model spec built with tch's native layers (nn::conv2d, nn::batch_norm2d, nn::linear,
//! nn::embedding, nn::lstm, nn::gru), each under the layer's name in the VarStore. Conv and dense variables are
//! the canonical ones as they are; batch norms, embeddings and recurrent layers keep tch's (= PyTorch's) names
//! and layouts, which `layout.rs` converts to and from the canonical ones.

use bindbench_protocol::{Activation, Layer, ModelSpec, Padding, RunnerError, RunnerResult, Shape};
use tch::nn::{self, Module, ModuleT, RNN};
use tch::Tensor;

/// tch's GRU is libtorch's, which has one formulation only.
pub const GRU_RESET_BEFORE: &str = "tch's nn::gru calls libtorch's GRU (at::gru), which has only the reset_after=true form (the \
reset gate applied after the recurrent matrix product, as cuDNN does); libtorch has no native reset_after=false GRU, and \
bindbench does not hand-write one, since the study compares each binding's own layers";

#[derive(Debug)]
enum Op {
    Conv {
        conv: nn::Conv2D,
        padding: &'static str,
        activation: Activation,
    },
    MaxPool {
        size: i64,
    },
    Flatten,
    Dense {
        linear: nn::Linear,
        activation: Activation,
    },
    BatchNorm(nn::BatchNorm),
    Activation(Activation),
    Dropout(f64),
    Embedding(nn::Embedding),
    /// Batch-first; the output is the hidden state of the last time step.
    Lstm(nn::LSTM),
    Gru(nn::GRU),
}

#[derive(Debug)]
pub struct Net {
    ops: Vec<Op>,
}

fn activate(xs: Tensor, activation: Activation) -> Tensor {
    match activation {
        Activation::Linear => xs,
        Activation::Tanh => xs.tanh(),
        Activation::Relu => xs.relu(),
        Activation::Sigmoid => xs.sigmoid(),
    }
}

/// tch's defaults for a batch norm (PyTorch's: momentum 0.1 of the new value, eps 1e-5) unless the spec sets
/// them; the spec's momentum is Keras's (weight of the old value), so PyTorch's is 1 − it.
fn batch_norm_config(
    momentum: bindbench_protocol::NativeOr,
    epsilon: bindbench_protocol::NativeOr,
) -> nn::BatchNormConfig {
    use bindbench_protocol::NativeOr;
    let native = nn::BatchNormConfig::default();
    nn::BatchNormConfig {
        // Matched, not computed as 1 - (1 - 0.1), so the native momentum stays exactly tch's.
        momentum: match momentum {
            NativeOr::Value(keras) => 1.0 - keras,
            NativeOr::Native(_) => native.momentum,
        },
        eps: epsilon.or(native.eps),
        ..native
    }
}

fn rnn_config() -> nn::RNNConfig {
    nn::RNNConfig {
        batch_first: true,
        ..Default::default()
    }
}

impl Net {
    /// Creates the layers (with tch's default initialisers) under `root`.
    pub fn new(root: &nn::Path, spec: &ModelSpec) -> RunnerResult<Net> {
        let inputs = spec.layer_inputs().map_err(RunnerError::bad_request)?;
        let mut ops = Vec::new();
        for (layer, input) in spec.layers.iter().zip(inputs) {
            let unfit = || RunnerError::bad_request(format!("layer {layer:?} cannot take input {input:?}"));
            ops.push(match layer {
                Layer::Conv2d {
                    name,
                    filters,
                    kernel,
                    padding,
                    activation,
                    bias,
                } => {
                    let Shape::Image { c, .. } = input else { return Err(unfit()) };
                    let config = nn::ConvConfig {
                        bias: *bias,
                        ..Default::default()
                    };
                    let conv = nn::conv2d(root / name.as_str(), c as i64, *filters as i64, *kernel as i64, config);
                    let padding = match padding {
                        Padding::Same => "same",
                        Padding::Valid => "valid",
                    };
                    Op::Conv {
                        conv,
                        padding,
                        activation: *activation,
                    }
                }
                Layer::Maxpool2d { size } => Op::MaxPool { size: *size as i64 },
                Layer::Flatten => Op::Flatten,
                Layer::Dense {
                    name,
                    units,
                    activation,
                    bias,
                } => {
                    let Shape::Flat(inputs) = input else { return Err(unfit()) };
                    let config = nn::LinearConfig {
                        bias: *bias,
                        ..Default::default()
                    };
                    let linear = nn::linear(root / name.as_str(), inputs as i64, *units as i64, config);
                    Op::Dense {
                        linear,
                        activation: *activation,
                    }
                }
                Layer::BatchNorm {
                    name,
                    momentum,
                    epsilon,
                } => {
                    let Shape::Image { c, .. } = input else {
                        return Err(RunnerError::not_supported(format!(
                            "pytorch/rust builds batch norms over conv maps (nn::batch_norm2d) only; layer {name} gets {input:?}"
                        )));
                    };
                    let config = batch_norm_config(*momentum, *epsilon);
                    Op::BatchNorm(nn::batch_norm2d(root / name.as_str(), c as i64, config))
                }
                Layer::Activation { activation } => Op::Activation(*activation),
                Layer::Dropout { rate } => Op::Dropout(*rate),
                Layer::Embedding { name, vocab, dim } => Op::Embedding(nn::embedding(
                    root / name.as_str(),
                    *vocab as i64,
                    *dim as i64,
                    Default::default(),
                )),
                Layer::Lstm { name, units } => {
                    let Shape::Sequence(_, features) = input else { return Err(unfit()) };
                    Op::Lstm(nn::lstm(root / name.as_str(), features as i64, *units as i64, rnn_config()))
                }
                Layer::Gru {
                    name,
                    units,
                    reset_after,
                } => {
                    if !reset_after {
                        return Err(RunnerError::not_supported(GRU_RESET_BEFORE));
                    }
                    let Shape::Sequence(_, features) = input else { return Err(unfit()) };
                    Op::Gru(nn::gru(root / name.as_str(), features as i64, *units as i64, rnn_config()))
                }
                Layer::Bert { .. } => {
                    return Err(RunnerError::not_supported(
                        "pytorch/rust has no BERT built from tch::nn layers; it runs BERT from pytorch/python's \
                         TorchScript only (weights format torchscript)",
                    ))
                }
            });
        }
        Ok(Net { ops })
    }
}

impl ModuleT for Net {
    /// `xs` is NCHW float32 images or [N, T] int64 token ids; returns logits [N, width]. `train` switches
    /// dropout on and makes batch norms use (and update) batch statistics.
    fn forward_t(&self, xs: &Tensor, train: bool) -> Tensor {
        let mut xs = xs.shallow_clone();
        for op in &self.ops {
            xs = match op {
                // conv2d with a padding string is what torch.nn.Conv2d(padding='same'|'valid') calls.
                Op::Conv {
                    conv,
                    padding,
                    activation,
                } => activate(
                    xs.conv2d_padding(&conv.ws, conv.bs.as_ref(), [1, 1], padding, [1, 1], 1),
                    *activation,
                ),
                Op::MaxPool { size } => xs.max_pool2d([*size, *size], [*size, *size], [0, 0], [1, 1], false),
                Op::Flatten => xs.flatten(1, -1),
                Op::Dense { linear, activation } => activate(xs.apply(linear), *activation),
                Op::BatchNorm(bn) => bn.forward_t(&xs, train),
                Op::Activation(activation) => activate(xs, *activation),
                Op::Dropout(rate) => xs.dropout(*rate, train),
                Op::Embedding(embedding) => embedding.forward(&xs),
                Op::Lstm(lstm) => lstm.seq(&xs).0.select(1, -1),
                Op::Gru(gru) => gru.seq(&xs).0.select(1, -1),
            };
        }
        xs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindbench_protocol::fixtures;
    use tch::{nn::VarStore, Device, Kind};

    fn build(json: &str) -> (VarStore, Net) {
        let spec: ModelSpec = serde_json::from_str(json).unwrap();
        let vs = VarStore::new(Device::Cpu);
        let net = Net::new(&vs.root(), &spec).unwrap();
        (vs, net)
    }

    fn count(vs: &VarStore) -> i64 {
        vs.trainable_variables().iter().map(|t| t.numel() as i64).sum()
    }

    #[test]
    fn tch_models_have_the_zoo_parameter_counts() {
        assert_eq!(count(&build(fixtures::LENET1).0), 4326);
        assert_eq!(count(&build(fixtures::LENET5).0), 61706);
    }

    #[test]
    fn vgg16_has_the_zoo_parameter_count_with_the_running_statistics_not_trained() {
        let (vs, _) = build(fixtures::VGG16);
        let all: i64 = vs.variables().values().map(|t| t.numel() as i64).sum();
        assert_eq!(all, 33_650_890);
        assert_eq!(all - count(&vs), 8_448);
    }

    #[test]
    fn recurrent_models_have_the_zoo_count_plus_torchs_second_lstm_bias() {
        // tch (like torch.nn.LSTM) keeps b_ih and b_hh where the canonical LSTM has their sum: 4 x 512 more.
        assert_eq!(count(&build(fixtures::LSTM).0), 4_665_537 + 4 * 512);
        // GRU reset_after=true has two biases in both layouts.
        assert_eq!(count(&build(fixtures::GRU).0), 4_250_817);
    }

    #[test]
    fn gru_reset_before_is_not_supported_with_the_reason() {
        let spec: ModelSpec = serde_json::from_str(fixtures::GRU_RESET_BEFORE).unwrap();
        let vs = VarStore::new(Device::Cpu);
        let err = Net::new(&vs.root(), &spec).unwrap_err();
        assert_eq!(err.kind, bindbench_protocol::ErrorKind::NotSupported);
        assert!(err.message.contains("reset_after=true"), "{}", err.message);
    }

    #[test]
    fn varstore_names_and_shapes_are_the_canonical_ones() {
        for json in [fixtures::LENET1, fixtures::LENET5] {
            let spec: ModelSpec = serde_json::from_str(json).unwrap();
            let (vs, _) = build(json);
            let vars = vs.variables();
            let canonical = spec.canonical_parameters().unwrap();
            assert_eq!(vars.len(), canonical.len());
            for p in canonical {
                let shape: Vec<usize> = vars[&p.name].size().iter().map(|&d| d as usize).collect();
                assert_eq!(shape, p.shape, "{}", p.name);
            }
        }
    }

    #[test]
    fn forward_gives_one_row_of_logits_per_example() {
        for json in [fixtures::LENET1, fixtures::LENET5] {
            let (_, net) = build(json);
            let out = net.forward_t(&Tensor::zeros([3, 1, 28, 28], (Kind::Float, Device::Cpu)), false);
            assert_eq!(out.size(), vec![3, 10]);
        }
        let (_, net) = build(fixtures::GRU);
        let out = net.forward_t(&Tensor::ones([2, 7], (Kind::Int64, Device::Cpu)), false);
        assert_eq!(out.size(), vec![2, 1]);
    }

    #[test]
    fn dropout_is_active_in_training_only() {
        let (_, net) = build(fixtures::LSTM);
        let x = Tensor::arange(20, (Kind::Int64, Device::Cpu)).view([2, 10]);
        let eval = || net.forward_t(&x, false);
        assert!(eval().equal(&eval()), "inference is deterministic");
        let trained = net.forward_t(&x, true);
        assert!(!trained.equal(&eval()), "training applies dropout");
    }

    #[test]
    fn flatten_is_channel_major_as_the_canonical_layout_says() {
        // input (H, W, C) = (2, 3, 2), then flatten and a one-unit dense layer whose only non-zero weight sits at
        // the canonical index c*H*W + h*W + w: the output must be exactly that input element.
        let spec: ModelSpec = serde_json::from_str(
            r#"{"id": "probe", "title": "probe", "dataset": "none", "input_shape": [2, 3, 2], "classes": 1,
                "layers": [{"kind": "flatten"}, {"kind": "dense", "name": "fc", "units": 1, "activation": "linear", "bias": false}]}"#,
        )
        .unwrap();
        let vs = VarStore::new(Device::Cpu);
        let net = Net::new(&vs.root(), &spec).unwrap();
        let x = Tensor::arange(12, (Kind::Float, Device::Cpu)).view([1, 2, 2, 3]); // NCHW
        let weight = vs.variables()["fc.weight"].shallow_clone();
        for (c, h, w) in [(0i64, 0i64, 0i64), (1, 0, 2), (0, 1, 1), (1, 1, 0)] {
            tch::no_grad(|| {
                let _ = weight.shallow_clone().zero_();
                let _ = weight.narrow(1, c * 6 + h * 3 + w, 1).fill_(1.0);
            });
            assert_eq!(
                net.forward_t(&x, false).double_value(&[0, 0]),
                x.double_value(&[0, c, h, w]),
                "c={c} h={h} w={w}"
            );
        }
    }
}
