//! The device a request asks for, and the synchronisation the protocol requires before every clock read.

use bindbench_protocol::{DeviceKind, RunnerError, RunnerResult};
use tch::{Cuda, Device};

pub fn select(kind: DeviceKind) -> RunnerResult<Device> {
    match kind {
        DeviceKind::Cpu => Ok(Device::Cpu),
        DeviceKind::Cuda if Cuda::is_available() => Ok(Device::Cuda(0)),
        DeviceKind::Cuda => Err(RunnerError::not_supported(format!(
            "device cuda requested, but tch::Cuda::is_available() is false (libtorch {} sees {} CUDA devices)",
            env!("BINDBENCH_LIBTORCH_VERSION"),
            Cuda::device_count()
        ))),
    }
}

/// Waits for queued device work, so a clock read after it includes that work. CPU ops are synchronous.
pub fn sync(device: Device) {
    if let Device::Cuda(index) = device {
        Cuda::synchronize(index as i64);
    }
}

/// The name reported in the `start` event.
pub fn name(device: Device) -> String {
    match device {
        Device::Cuda(index) => {
            bindbench_protocol::runner::nvidia_gpu_model().unwrap_or_else(|| format!("cuda:{index}"))
        }
        _ => bindbench_protocol::runner::cpu_name(),
    }
}
