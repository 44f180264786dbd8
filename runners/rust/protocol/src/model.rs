//! The zoo's model spec (src/zoo/model-spec.ts) and its canonical parameters (src/zoo/parameters.ts): conv
//! weights OIHW, dense weights [out, in], flatten channel-major; batch norms, embeddings and recurrent layers in
//! Keras's names and layouts (docs/models.md). Shape inference lives in `shapes.rs`.

use serde::Deserialize;

pub use crate::shapes::CanonicalParameter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Linear,
    Tanh,
    Relu,
    Sigmoid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Padding {
    /// Output keeps H and W at stride 1.
    Same,
    /// No padding.
    Valid,
}

/// The literal string `native` in a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum NativeKeyword {
    #[serde(rename = "native")]
    Native,
}

/// A batch-norm setting: a number every binding uses, or `native`: the binding's own default.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum NativeOr {
    Value(f64),
    Native(NativeKeyword),
}

impl NativeOr {
    /// The value, or `native` when the spec leaves it to the binding.
    pub fn or(self, native: f64) -> f64 {
        match self {
            NativeOr::Value(v) => v,
            NativeOr::Native(_) => native,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Layer {
    Conv2d {
        name: String,
        filters: usize,
        kernel: usize,
        padding: Padding,
        activation: Activation,
        bias: bool,
    },
    Maxpool2d {
        size: usize,
    },
    Flatten,
    Dense {
        name: String,
        units: usize,
        activation: Activation,
        bias: bool,
    },
    /// Keras's momentum convention: moving = momentum · moving + (1 − momentum) · batch.
    BatchNorm {
        name: String,
        momentum: NativeOr,
        epsilon: NativeOr,
    },
    Activation {
        activation: Activation,
    },
    Dropout {
        rate: f64,
    },
    Embedding {
        name: String,
        vocab: usize,
        dim: usize,
    },
    /// One unidirectional layer; outputs the hidden state of the last time step.
    Lstm {
        name: String,
        units: usize,
    },
    Gru {
        name: String,
        units: usize,
        reset_after: bool,
    },
    /// A BERT encoder over token ids, outputting the pooled [CLS] vector (Hugging Face BertModel names).
    Bert {
        name: String,
        vocab: usize,
        hidden: usize,
        layers: usize,
        heads: usize,
        intermediate: usize,
        max_position: usize,
        type_vocab: usize,
        layer_norm_epsilon: f64,
        dropout: f64,
        #[serde(default)]
        pretrained: Option<String>,
    },
}

/// How the last layer's outputs become predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// `classes` logits, sparse categorical cross-entropy, argmax.
    #[default]
    Softmax,
    /// One pre-sigmoid logit, binary cross-entropy, prediction 1 when the logit is > 0.
    Sigmoid,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelSpec {
    pub id: String,
    pub title: String,
    pub dataset: String,
    /// One example: an image (H, W, C), channels last, or a token sequence (T).
    pub input_shape: Vec<usize>,
    pub classes: usize,
    #[serde(default)]
    pub output: Output,
    pub layers: Vec<Layer>,
}

impl ModelSpec {
    pub fn is_binary(&self) -> bool {
        self.output == Output::Sigmoid
    }

    /// Logits per example: `classes`, or one for a sigmoid output.
    pub fn output_width(&self) -> usize {
        if self.is_binary() {
            1
        } else {
            self.classes
        }
    }

    /// True when examples are token ids (the first layer embeds them), false for images.
    pub fn takes_tokens(&self) -> bool {
        matches!(self.layers.first(), Some(Layer::Embedding { .. } | Layer::Bert { .. }))
    }

    /// The vocabulary token ids must lie in, when the model takes tokens.
    pub fn token_vocab(&self) -> Option<usize> {
        match self.layers.first() {
            Some(Layer::Embedding { vocab, .. } | Layer::Bert { vocab, .. }) => Some(*vocab),
            _ => None,
        }
    }

    pub fn parameter_count(&self) -> Result<usize, String> {
        Ok(self.canonical_parameters()?.iter().map(CanonicalParameter::numel).sum())
    }

    /// The parameters the optimiser never updates (the batch norms' moving statistics).
    pub fn non_trainable_count(&self) -> Result<usize, String> {
        Ok(self
            .canonical_parameters()?
            .iter()
            .filter(|p| !p.trainable)
            .map(CanonicalParameter::numel)
            .sum())
    }

    /// The input shape (H, W, C) of an image model.
    pub fn input_hwc(&self) -> Result<(usize, usize, usize), String> {
        match self.input_shape.as_slice() {
            [h, w, c] => Ok((*h, *w, *c)),
            other => Err(format!(
                "model {}: input_shape must be [H, W, C], got {other:?}",
                self.id
            )),
        }
    }
}
