//! Canonical data as tch tensors: pixels scaled by the protocol crate (float32 x/255), then NHWC -> NCHW here,
//! the one place this runner changes layout.

use bindbench_protocol::files::ImageSplit;
use tch::{Device, Kind, Tensor};

pub struct Examples {
    /// [N, C, H, W] float32.
    pub x: Tensor,
    /// [N] int64.
    pub y: Tensor,
    pub n: usize,
}

impl Examples {
    pub fn new(split: &ImageSplit, device: Device) -> Examples {
        let pixels = split.pixels_f32();
        let x = Tensor::from_slice(&pixels)
            .view([split.n as i64, split.h as i64, split.w as i64, split.c as i64])
            .permute([0, 3, 1, 2])
            .contiguous()
            .to_device(device);
        let y = Tensor::from_slice(&split.y).to_kind(Kind::Int64).to_device(device);
        Examples { x, y, n: split.n }
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
        let x: Vec<u8> = (0..16u8).collect();
        let split = ImageSplit {
            n: 2,
            h: 2,
            w: 2,
            c: 2,
            x,
            y: vec![3, 4],
        };
        let e = Examples::new(&split, Device::Cpu);
        assert_eq!(e.x.size(), vec![2, 2, 2, 2]);
        // NHWC index of (n=1, h=0, w=1, c=1) is 1*8 + 0*4 + 1*2 + 1 = 11.
        assert_eq!(e.x.double_value(&[1, 1, 0, 1]), (11f32 / 255.0) as f64);
        assert_eq!(e.y.int64_value(&[1]), 4);
    }
}
