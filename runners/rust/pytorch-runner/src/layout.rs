//! Every conversion between bindbench's canonical parameters and tch's variables, in one place (the Rust
//! counterpart of runners/python/bindbench_runner/layout.py).
//!
//! Conv and dense variables are canonical as they are. Batch norms are `weight`/`bias`/`running_mean`/
//! `running_var` where the canonical names are Keras's `gamma`/`beta`/`moving_mean`/`moving_variance`; an
//! embedding is `weight` where the canonical name is `embeddings`. Recurrent layers (libtorch's layout) hold
//! `weight_ih_l0` [gates·units, in] and `weight_hh_l0` [gates·units, units], the transposes of the canonical
//! `kernel` and `recurrent_kernel`, and two bias vectors: the GRU (reset_after=true) keeps them as the canonical
//! [2, 3·units] rows, the LSTM has their sum in the canonical model. GRU gates are r|z|n in libtorch and z|r|h
//! canonically; LSTM gates are i|f|g|o in both.

use std::collections::HashMap;

use bindbench_protocol::{Layer, ModelSpec, RunnerError, RunnerResult};
use tch::Tensor;

/// libtorch's GRU blocks r|z|n against the canonical z|r|h: swapping the first two maps either onto the other.
fn swap_gru_gates(t: &Tensor) -> Tensor {
    let blocks = t.chunk(3, 0);
    Tensor::cat(&[&blocks[1], &blocks[0], &blocks[2]], 0)
}

fn transpose(t: &Tensor) -> Tensor {
    t.transpose(0, 1).contiguous()
}

const BATCH_NORM: [(&str, &str); 4] = [
    ("gamma", "weight"),
    ("beta", "bias"),
    ("moving_mean", "running_mean"),
    ("moving_variance", "running_var"),
];

/// Canonical name -> tch name, for the parameters that are only renamed.
fn renames(layer: &Layer) -> Vec<(String, String)> {
    let same = |name: &str, bias: bool| {
        let mut v = vec![(format!("{name}.weight"), format!("{name}.weight"))];
        if bias {
            v.push((format!("{name}.bias"), format!("{name}.bias")));
        }
        v
    };
    match layer {
        Layer::Conv2d { name, bias, .. } | Layer::Dense { name, bias, .. } => same(name, *bias),
        Layer::BatchNorm { name, .. } => BATCH_NORM
            .iter()
            .map(|(canonical, native)| (format!("{name}.{canonical}"), format!("{name}.{native}")))
            .collect(),
        Layer::Embedding { name, .. } => vec![(format!("{name}.embeddings"), format!("{name}.weight"))],
        _ => vec![],
    }
}

fn get<'a>(tensors: &'a HashMap<String, Tensor>, name: &str, what: &str) -> RunnerResult<&'a Tensor> {
    tensors
        .get(name)
        .ok_or_else(|| RunnerError::bad_request(format!("{what} has no tensor {name}")))
}

/// Canonical tensors -> (tch variable name, value), for every variable of the tch net built from `spec`.
pub fn canonical_to_tch(spec: &ModelSpec, canonical: &HashMap<String, Tensor>) -> RunnerResult<Vec<(String, Tensor)>> {
    let what = "the canonical weights";
    let mut out = Vec::new();
    for layer in &spec.layers {
        for (c, native) in renames(layer) {
            out.push((native, get(canonical, &c, what)?.shallow_clone()));
        }
        let (name, gru) = match layer {
            Layer::Lstm { name, .. } => (name, false),
            Layer::Gru { name, .. } => (name, true),
            _ => continue,
        };
        let kernel = get(canonical, &format!("{name}.kernel"), what)?;
        let recurrent = get(canonical, &format!("{name}.recurrent_kernel"), what)?;
        let bias = get(canonical, &format!("{name}.bias"), what)?;
        let (w_ih, w_hh, b_ih, b_hh) = if gru {
            (
                swap_gru_gates(&transpose(kernel)),
                swap_gru_gates(&transpose(recurrent)),
                swap_gru_gates(&bias.get(0)),
                swap_gru_gates(&bias.get(1)),
            )
        } else {
            // All of the canonical bias goes to b_ih: only the sum of libtorch's two matters.
            (transpose(kernel), transpose(recurrent), bias.copy(), bias.zeros_like())
        };
        for (suffix, t) in [
            ("weight_ih_l0", w_ih),
            ("weight_hh_l0", w_hh),
            ("bias_ih_l0", b_ih),
            ("bias_hh_l0", b_hh),
        ] {
            out.push((format!("{name}.{suffix}"), t));
        }
    }
    Ok(out)
}

/// tch variables -> canonical (name, value) in canonical order. An LSTM's two biases are summed, which rounds.
pub fn tch_to_canonical(spec: &ModelSpec, vars: &HashMap<String, Tensor>) -> RunnerResult<Vec<(String, Tensor)>> {
    let what = "the tch VarStore";
    let mut out = Vec::new();
    for layer in &spec.layers {
        for (c, native) in renames(layer) {
            out.push((c, get(vars, &native, what)?.detach()));
        }
        let (name, gru) = match layer {
            Layer::Lstm { name, .. } => (name, false),
            Layer::Gru { name, .. } => (name, true),
            _ => continue,
        };
        let var = |suffix: &str| get(vars, &format!("{name}.{suffix}_l0"), what).map(Tensor::detach);
        let (w_ih, w_hh, b_ih, b_hh) = (var("weight_ih")?, var("weight_hh")?, var("bias_ih")?, var("bias_hh")?);
        let (kernel, recurrent, bias) = if gru {
            (
                transpose(&swap_gru_gates(&w_ih)),
                transpose(&swap_gru_gates(&w_hh)),
                Tensor::stack(&[swap_gru_gates(&b_ih), swap_gru_gates(&b_hh)], 0),
            )
        } else {
            (transpose(&w_ih), transpose(&w_hh), &b_ih + &b_hh)
        };
        for (suffix, t) in [("kernel", kernel), ("recurrent_kernel", recurrent), ("bias", bias)] {
            out.push((format!("{name}.{suffix}"), t));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Net;
    use bindbench_protocol::fixtures;
    use tch::nn::{ModuleT, VarStore};
    use tch::{Device, Kind};

    fn spec(json: &str) -> ModelSpec {
        serde_json::from_str(json).unwrap()
    }

    /// A small recurrent model (embedding 5 x 3, 2 units) in the zoo's shape, to compute by hand.
    fn small(kind: &str) -> ModelSpec {
        let recurrent = match kind {
            "lstm" => r#"{"kind": "lstm", "name": "rnn", "units": 2}"#,
            _ => r#"{"kind": "gru", "name": "rnn", "units": 2, "reset_after": true}"#,
        };
        spec(&format!(
            r#"{{"id": "small", "title": "small", "dataset": "none", "input_shape": [4], "classes": 2,
                "output": "sigmoid", "layers": [{{"kind": "embedding", "name": "emb", "vocab": 5, "dim": 3}}, {recurrent},
                {{"kind": "dropout", "rate": 0.5}}, {{"kind": "dense", "name": "fc", "units": 1, "activation": "linear", "bias": true}}]}}"#
        ))
    }

    fn random_canonical(spec: &ModelSpec) -> HashMap<String, Tensor> {
        tch::manual_seed(3);
        spec.canonical_parameters()
            .unwrap()
            .into_iter()
            .map(|p| {
                let shape: Vec<i64> = p.shape.iter().map(|&d| d as i64).collect();
                (p.name, Tensor::randn(shape.as_slice(), (Kind::Float, Device::Cpu)))
            })
            .collect()
    }

    fn load(spec: &ModelSpec, canonical: &HashMap<String, Tensor>) -> (VarStore, Net) {
        let vs = VarStore::new(Device::Cpu);
        let net = Net::new(&vs.root(), spec).unwrap();
        let vars = vs.variables();
        let native = canonical_to_tch(spec, canonical).unwrap();
        assert_eq!(native.len(), vars.len(), "every variable gets a value");
        tch::no_grad(|| {
            for (name, t) in native {
                vars[&name].shallow_clone().copy_(&t);
            }
        });
        (vs, net)
    }

    /// Keras's recurrences over the canonical tensors (gates i|f|c|o, z|r|h; GRU reset_after=true).
    fn keras_last_state(kind: &str, c: &HashMap<String, Tensor>, tokens: &[i64]) -> Tensor {
        let (k, r, b) = (&c["rnn.kernel"], &c["rnn.recurrent_kernel"], &c["rnn.bias"]);
        let units = r.size()[0];
        let mut h = Tensor::zeros([1, units], (Kind::Float, Device::Cpu));
        let mut cell = h.zeros_like();
        for &t in tokens {
            let x = c["emb.embeddings"].get(t).unsqueeze(0);
            if kind == "lstm" {
                let z = x.matmul(k) + h.matmul(r) + b;
                let g = z.chunk(4, 1);
                let (i, f, cc, o) = (g[0].sigmoid(), g[1].sigmoid(), g[2].tanh(), g[3].sigmoid());
                cell = f * &cell + i * cc;
                h = o * cell.tanh();
            } else {
                let xi = x.matmul(k) + b.get(0);
                let hr = h.matmul(r) + b.get(1);
                let (xg, hg) = (xi.chunk(3, 1), hr.chunk(3, 1));
                let z = (&xg[0] + &hg[0]).sigmoid();
                let rr = (&xg[1] + &hg[1]).sigmoid();
                let hh = (&xg[2] + rr * &hg[2]).tanh();
                h = &z * &h + (1 - &z) * hh;
            }
        }
        h
    }

    #[test]
    fn tch_recurrent_layers_loaded_from_canonical_weights_compute_kerass_recurrence() {
        let tokens = [1i64, 4, 0, 2];
        for kind in ["lstm", "gru"] {
            let spec = small(kind);
            let canonical = random_canonical(&spec);
            let (_, net) = load(&spec, &canonical);
            let x = Tensor::from_slice(&tokens).view([1, 4]);
            let got = net.forward_t(&x, false);
            let h = keras_last_state(kind, &canonical, &tokens);
            let expected = h.matmul(&canonical["fc.weight"].transpose(0, 1)) + &canonical["fc.bias"];
            let diff = (&got - &expected).abs().max().double_value(&[]);
            assert!(diff < 1e-5, "{kind}: tch {got:?} vs Keras {expected:?}");
        }
    }

    #[test]
    fn canonical_weights_survive_a_round_trip_through_tch() {
        for json in [fixtures::GRU, fixtures::LSTM, fixtures::LENET5] {
            let spec = spec(json);
            let canonical = random_canonical(&spec);
            let (vs, _) = load(&spec, &canonical);
            let back = tch_to_canonical(&spec, &vs.variables()).unwrap();
            assert_eq!(back.len(), canonical.len());
            for (name, t) in back {
                // Exact: the LSTM's second bias is zero after loading, so the sum adds nothing.
                assert!(t.equal(&canonical[&name]), "{}: {name}", spec.id);
            }
        }
    }

    #[test]
    fn batch_norm_statistics_map_to_running_mean_and_var() {
        let spec = spec(fixtures::VGG16);
        let canonical = random_canonical(&spec);
        let (vs, _) = load(&spec, &canonical);
        let vars = vs.variables();
        assert!(vars["bn3.running_var"].equal(&canonical["bn3.moving_variance"]));
        assert!(vars["bn13.weight"].equal(&canonical["bn13.gamma"]));
        let back: HashMap<String, Tensor> = tch_to_canonical(&spec, &vars).unwrap().into_iter().collect();
        assert_eq!(back.len(), canonical.len());
        assert!(back["bn7.moving_mean"].equal(&canonical["bn7.moving_mean"]));
    }
}
