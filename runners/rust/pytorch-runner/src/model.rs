//! The zoo's model spec built with tch's native layers. Each layer's parameters live in the VarStore under the
//! layer's name, so VarStore paths are the canonical names (`conv1.weight`, `fc1.bias`, ...), and tch's own
//! layouts (conv OIHW, linear [out, in], NCHW flatten) are the canonical layouts: no conversion is needed.

use bindbench_protocol::{Activation, Layer, ModelSpec, Padding, RunnerError, RunnerResult};
use tch::nn::{self, Module};
use tch::Tensor;

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

impl Net {
    /// Creates the layers (with tch's default initialisers) under `root`.
    pub fn new(root: &nn::Path, spec: &ModelSpec) -> RunnerResult<Net> {
        let (_, _, mut channels) = spec.input_hwc().map_err(RunnerError::bad_request)?;
        // Shape inference is the protocol crate's; the linear layers take their input width from it.
        let params = spec.canonical_parameters().map_err(RunnerError::bad_request)?;
        let mut ops = Vec::new();
        for layer in &spec.layers {
            ops.push(match layer {
                Layer::Conv2d {
                    name,
                    filters,
                    kernel,
                    padding,
                    activation,
                    bias,
                } => {
                    let config = nn::ConvConfig {
                        bias: *bias,
                        ..Default::default()
                    };
                    let conv = nn::conv2d(
                        root / name.as_str(),
                        channels as i64,
                        *filters as i64,
                        *kernel as i64,
                        config,
                    );
                    channels = *filters;
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
                    let weight = format!("{name}.weight");
                    let inputs = params
                        .iter()
                        .find(|p| p.name == weight)
                        .map(|p| p.shape[1])
                        .ok_or_else(|| {
                            RunnerError::bad_request(format!("dense layer {name} has no canonical weight"))
                        })?;
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
            });
        }
        Ok(Net { ops })
    }
}

impl Module for Net {
    /// `xs` is NCHW float32; returns logits [N, classes].
    fn forward(&self, xs: &Tensor) -> Tensor {
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
            let out = net.forward(&Tensor::zeros([3, 1, 28, 28], (Kind::Float, Device::Cpu)));
            assert_eq!(out.size(), vec![3, 10]);
        }
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
                net.forward(&x).double_value(&[0, 0]),
                x.double_value(&[0, c, h, w]),
                "c={c} h={h} w={w}"
            );
        }
    }
}
