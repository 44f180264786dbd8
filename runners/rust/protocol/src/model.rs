//! The zoo's model spec (src/zoo/model-spec.ts) and its canonical parameters (src/zoo/parameters.ts):
//! names `<layer>.weight` / `<layer>.bias`, conv weights OIHW, dense weights [out, in], flatten channel-major.

use serde::Deserialize;

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

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
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
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelSpec {
    pub id: String,
    pub title: String,
    pub dataset: String,
    /// One example, channels last (H, W, C).
    pub input_shape: Vec<usize>,
    pub classes: usize,
    pub layers: Vec<Layer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalParameter {
    pub name: String,
    pub shape: Vec<usize>,
}

impl CanonicalParameter {
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }
}

/// The activation shape as the spec flows through its layers: an image (H, W, C) or a flat vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Image { h: usize, w: usize, c: usize },
    Flat(usize),
}

impl ModelSpec {
    /// Lists every parameter with its canonical shape, in layer order, checking that the layers fit together.
    pub fn canonical_parameters(&self) -> Result<Vec<CanonicalParameter>, String> {
        let mut shape = match self.input_shape.as_slice() {
            [h, w, c] => Shape::Image { h: *h, w: *w, c: *c },
            other => {
                return Err(format!(
                    "model {}: input_shape must be [H, W, C], got {other:?}",
                    self.id
                ))
            }
        };
        let mut params = Vec::new();
        for layer in &self.layers {
            shape = match (layer, shape) {
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
                    params.push(CanonicalParameter {
                        name: format!("{name}.weight"),
                        shape: vec![*filters, c, *kernel, *kernel],
                    });
                    if *bias {
                        params.push(CanonicalParameter {
                            name: format!("{name}.bias"),
                            shape: vec![*filters],
                        });
                    }
                    match padding {
                        Padding::Same => Shape::Image { h, w, c: *filters },
                        Padding::Valid => {
                            if h < *kernel || w < *kernel {
                                return Err(format!(
                                    "model {}: layer {name}: kernel {kernel} is larger than its {h}x{w} input",
                                    self.id
                                ));
                            }
                            Shape::Image {
                                h: h - kernel + 1,
                                w: w - kernel + 1,
                                c: *filters,
                            }
                        }
                    }
                }
                (Layer::Maxpool2d { size }, Shape::Image { h, w, c }) => Shape::Image {
                    h: h / size,
                    w: w / size,
                    c,
                },
                (Layer::Flatten, Shape::Image { h, w, c }) => Shape::Flat(h * w * c),
                (Layer::Flatten, flat @ Shape::Flat(_)) => flat,
                (Layer::Dense { name, units, bias, .. }, Shape::Flat(inputs)) => {
                    params.push(CanonicalParameter {
                        name: format!("{name}.weight"),
                        shape: vec![*units, inputs],
                    });
                    if *bias {
                        params.push(CanonicalParameter {
                            name: format!("{name}.bias"),
                            shape: vec![*units],
                        });
                    }
                    Shape::Flat(*units)
                }
                (layer, shape) => {
                    return Err(format!(
                        "model {}: layer {layer:?} cannot follow an activation of shape {shape:?}",
                        self.id
                    ))
                }
            };
        }
        match shape {
            Shape::Flat(n) if n == self.classes => Ok(params),
            other => Err(format!(
                "model {}: the last layer outputs {other:?}, expected {} logits",
                self.id, self.classes
            )),
        }
    }

    pub fn parameter_count(&self) -> Result<usize, String> {
        Ok(self.canonical_parameters()?.iter().map(CanonicalParameter::numel).sum())
    }

    /// The input shape (H, W, C).
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
