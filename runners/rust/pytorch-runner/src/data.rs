//! Canonical data as tch tensors: pixels scaled by the protocol crate (float32 x/255), then NHWC -> NCHW here,
//! the one place this runner changes layout; token ids become int64, the index type of torch's embedding.

use bindbench_protocol::files::{DataSplit, Inputs};
use tch::{Device, Kind, Tensor};

pub struct Examples {
    /// [N, C, H, W] float32 or [N, T] int64.
    pub x: Tensor,
    /// [N] int64.
    pub y: Tensor,
    pub n: usize,
}

impl Examples {
    pub fn new(split: &DataSplit, device: Device) -> Examples {
        let mut shape: Vec<i64> = vec![split.n as i64];
        shape.extend(split.example_shape.iter().map(|&d| d as i64));
        let x = match &split.x {
            Inputs::Pixels(_) => {
                let pixels = split.pixels_f32().unwrap_or_default();
                Tensor::from_slice(&pixels)
                    .view(shape.as_slice())
                    .permute([0, 3, 1, 2])
                    .contiguous()
            }
            Inputs::Tokens(ids) => Tensor::from_slice(ids).view(shape.as_slice()).to_kind(Kind::Int64),
        }
        .to_device(device);
        let y = Tensor::from_slice(&split.y).to_kind(Kind::Int64).to_device(device);
        Examples { x, y, n: split.n }
    }

    /// The same examples on `device`: a shallow copy when they are there already, else a copy.
    pub fn to_device(&self, device: Device) -> Examples {
        Examples {
            x: self.x.to_device(device),
            y: self.y.to_device(device),
            n: self.n,
        }
    }

    /// Consecutive batches of `batch_size` (the last one partial), as views.
    pub fn batches(&self, batch_size: usize) -> Vec<(Tensor, Tensor)> {
        let xs = self.x.split(batch_size as i64, 0);
        let ys = self.y.split(batch_size as i64, 0);
        xs.into_iter().zip(ys).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_last_bytes_become_nchw_floats() {
        // Two 2x2 images with 2 channels; byte value encodes (n, h, w, c).
        let split = DataSplit {
            n: 2,
            example_shape: vec![2, 2, 2],
            x: Inputs::Pixels((0..16u8).collect()),
            y: vec![3, 4],
        };
        let e = Examples::new(&split, Device::Cpu);
        assert_eq!(e.x.size(), vec![2, 2, 2, 2]);
        // NHWC index of (n=1, h=0, w=1, c=1) is 1*8 + 0*4 + 1*2 + 1 = 11.
        assert_eq!(e.x.double_value(&[1, 1, 0, 1]), (11f32 / 255.0) as f64);
        assert_eq!(e.y.int64_value(&[1]), 4);
    }

    #[test]
    fn token_ids_stay_as_they_are_in_int64() {
        let split = DataSplit {
            n: 2,
            example_shape: vec![3],
            x: Inputs::Tokens(vec![1, 9999, 0, 1, 2, 3]),
            y: vec![0, 1],
        };
        let e = Examples::new(&split, Device::Cpu);
        assert_eq!((e.x.size(), e.x.kind()), (vec![2, 3], Kind::Int64));
        assert_eq!(e.x.int64_value(&[0, 1]), 9999);
    }
}
