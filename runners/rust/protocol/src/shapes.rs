//! Shape inference over a model spec, mirroring src/zoo/parameters.ts: the canonical name and shape of every
//! parameter, in layer order, and a check that the layers fit together and end in the model's logits.

use crate::model::{Layer, ModelSpec, Padding};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalParameter {
    pub name: String,
    pub shape: Vec<usize>,
    /// False for the batch norms' moving statistics, which the optimiser never updates.
    pub trainable: bool,
}

impl CanonicalParameter {
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }
}

/// The activation shape flowing through the layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Image {
        h: usize,
        w: usize,
        c: usize,
    },
    /// Token ids (T).
    Tokens(usize),
    /// (T, features).
    Sequence(usize, usize),
    Flat(usize),
}

impl Shape {
    /// The feature axis a batch norm normalises: channels, features or units.
    fn last(self) -> usize {
        match self {
            Shape::Image { c, .. } => c,
            Shape::Tokens(t) => t,
            Shape::Sequence(_, f) => f,
            Shape::Flat(n) => n,
        }
    }
}

fn param(name: String, shape: Vec<usize>) -> CanonicalParameter {
    CanonicalParameter {
        name,
        shape,
        trainable: true,
    }
}

/// Gate blocks side by side in a recurrent kernel (Keras: LSTM i|f|c|o, GRU z|r|h).
pub fn gates(layer: &Layer) -> Option<usize> {
    match layer {
        Layer::Lstm { .. } => Some(4),
        Layer::Gru { .. } => Some(3),
        _ => None,
    }
}

/// One layer's parameters and output shape; `None` when the layer cannot take `shape`.
fn layer_parameters(layer: &Layer, shape: Shape) -> Result<Option<(Vec<CanonicalParameter>, Shape)>, String> {
    let out = match (layer, shape) {
        (
            Layer::Conv2d {
                name,
                filters,
                kernel,
                padding,
                bias,
                ..
            },
            Shape::Image { h, w, c },
        ) => {
            let mut params = vec![param(format!("{name}.weight"), vec![*filters, c, *kernel, *kernel])];
            if *bias {
                params.push(param(format!("{name}.bias"), vec![*filters]));
            }
            let out = match padding {
                Padding::Same => Shape::Image { h, w, c: *filters },
                Padding::Valid if h < *kernel || w < *kernel => {
                    return Err(format!(
                        "layer {name}: kernel {kernel} is larger than its {h}x{w} input"
                    ))
                }
                Padding::Valid => Shape::Image {
                    h: h - kernel + 1,
                    w: w - kernel + 1,
                    c: *filters,
                },
            };
            (params, out)
        }
        (Layer::Maxpool2d { size }, Shape::Image { h, w, c }) => (
            vec![],
            Shape::Image {
                h: h / size,
                w: w / size,
                c,
            },
        ),
        (Layer::Flatten, Shape::Image { h, w, c }) => (vec![], Shape::Flat(h * w * c)),
        (Layer::Flatten, flat @ Shape::Flat(_)) => (vec![], flat),
        (Layer::Dense { name, units, bias, .. }, Shape::Flat(inputs)) => {
            let mut params = vec![param(format!("{name}.weight"), vec![*units, inputs])];
            if *bias {
                params.push(param(format!("{name}.bias"), vec![*units]));
            }
            (params, Shape::Flat(*units))
        }
        (Layer::BatchNorm { name, .. }, shape) if !matches!(shape, Shape::Tokens(_)) => {
            let c = shape.last();
            let stat = |s: &str, trainable| CanonicalParameter {
                name: format!("{name}.{s}"),
                shape: vec![c],
                trainable,
            };
            (
                vec![
                    stat("gamma", true),
                    stat("beta", true),
                    stat("moving_mean", false),
                    stat("moving_variance", false),
                ],
                shape,
            )
        }
        (Layer::Activation { .. } | Layer::Dropout { .. }, shape) => (vec![], shape),
        (Layer::Embedding { name, vocab, dim }, Shape::Tokens(t)) => (
            vec![param(format!("{name}.embeddings"), vec![*vocab, *dim])],
            Shape::Sequence(t, *dim),
        ),
        (Layer::Lstm { name, units } | Layer::Gru { name, units, .. }, Shape::Sequence(_, features)) => {
            let width = gates(layer).unwrap_or(0) * units;
            let two_biases = matches!(layer, Layer::Gru { reset_after: true, .. });
            (
                vec![
                    param(format!("{name}.kernel"), vec![features, width]),
                    param(format!("{name}.recurrent_kernel"), vec![*units, width]),
                    param(
                        format!("{name}.bias"),
                        if two_biases { vec![2, width] } else { vec![width] },
                    ),
                ],
                Shape::Flat(*units),
            )
        }
        (Layer::Bert { .. }, Shape::Tokens(t)) => (bert_parameters(layer, t)?, Shape::Flat(bert_hidden(layer))),
        _ => return Ok(None),
    };
    Ok(Some(out))
}

fn bert_hidden(layer: &Layer) -> usize {
    match layer {
        Layer::Bert { hidden, .. } => *hidden,
        _ => 0,
    }
}

/// BERT's parameters under Hugging Face's BertModel names, in its module order (src/zoo/parameters.ts).
fn bert_parameters(layer: &Layer, tokens: usize) -> Result<Vec<CanonicalParameter>, String> {
    let Layer::Bert {
        name,
        vocab,
        hidden: h,
        layers,
        heads,
        intermediate,
        max_position,
        type_vocab,
        ..
    } = layer
    else {
        return Ok(vec![]);
    };
    if tokens > *max_position {
        return Err(format!(
            "layer {name}: {tokens} tokens exceed its {max_position} positions"
        ));
    }
    if h % heads != 0 {
        return Err(format!(
            "layer {name}: hidden size {h} is not a multiple of its {heads} heads"
        ));
    }
    let mut out = Vec::new();
    let mut push = |n: String, shape: Vec<usize>| out.push(param(format!("{name}.{n}"), shape));
    for (n, rows) in [
        ("word_embeddings", *vocab),
        ("position_embeddings", *max_position),
        ("token_type_embeddings", *type_vocab),
    ] {
        push(format!("embeddings.{n}.weight"), vec![rows, *h]);
    }
    let norm = |push: &mut dyn FnMut(String, Vec<usize>), n: &str| {
        push(format!("{n}.weight"), vec![*h]);
        push(format!("{n}.bias"), vec![*h]);
    };
    let dense = |push: &mut dyn FnMut(String, Vec<usize>), n: &str, inputs: usize, units: usize| {
        push(format!("{n}.weight"), vec![units, inputs]);
        push(format!("{n}.bias"), vec![units]);
    };
    norm(&mut push, "embeddings.LayerNorm");
    for i in 0..*layers {
        let l = format!("encoder.layer.{i}");
        for qkv in ["query", "key", "value"] {
            dense(&mut push, &format!("{l}.attention.self.{qkv}"), *h, *h);
        }
        dense(&mut push, &format!("{l}.attention.output.dense"), *h, *h);
        norm(&mut push, &format!("{l}.attention.output.LayerNorm"));
        dense(&mut push, &format!("{l}.intermediate.dense"), *h, *intermediate);
        dense(&mut push, &format!("{l}.output.dense"), *intermediate, *h);
        norm(&mut push, &format!("{l}.output.LayerNorm"));
    }
    dense(&mut push, "pooler.dense", *h, *h);
    Ok(out)
}

impl ModelSpec {
    /// The shape of one input example.
    pub fn input(&self) -> Result<Shape, String> {
        match self.input_shape.as_slice() {
            [h, w, c] => Ok(Shape::Image { h: *h, w: *w, c: *c }),
            [t] => Ok(Shape::Tokens(*t)),
            other => Err(format!(
                "model {}: input_shape must be [H, W, C] (image) or [T] (tokens), got {other:?}",
                self.id
            )),
        }
    }

    /// Each layer's input shape, in order, checking that every layer can take what the previous one gives.
    pub fn layer_inputs(&self) -> Result<Vec<Shape>, String> {
        Ok(self.walk()?.0)
    }

    /// Lists every parameter with its canonical shape, in layer order, checking that the layers fit together.
    pub fn canonical_parameters(&self) -> Result<Vec<CanonicalParameter>, String> {
        Ok(self.walk()?.1)
    }

    fn walk(&self) -> Result<(Vec<Shape>, Vec<CanonicalParameter>), String> {
        let mut shape = self.input()?;
        let mut inputs = Vec::new();
        let mut params = Vec::new();
        for layer in &self.layers {
            inputs.push(shape);
            let (more, out) = layer_parameters(layer, shape)
                .map_err(|e| format!("model {}: {e}", self.id))?
                .ok_or_else(|| {
                    format!(
                        "model {}: layer {layer:?} cannot follow an activation of shape {shape:?}",
                        self.id
                    )
                })?;
            params.extend(more);
            shape = out;
        }
        match shape {
            Shape::Flat(n) if n == self.output_width() => Ok((inputs, params)),
            other => Err(format!(
                "model {}: the last layer outputs {other:?}, expected {} logits",
                self.id,
                self.output_width()
            )),
        }
    }
}
