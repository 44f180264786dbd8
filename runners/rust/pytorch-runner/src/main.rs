//! The pytorch/rust runner: `pytorch-runner <request.json>` speaks the bindbench runner protocol through tch
//! (libtorch); `pytorch-runner --version` prints the linked versions as JSON.

mod artifacts;
mod classify;
mod data;
mod device;
mod export;
mod infer;
mod layout;
mod model;
mod train;
mod weights;

use std::collections::BTreeMap;

use bindbench_protocol::{DeviceInfo, EventWriter, Mode, Request, Runner, RunnerResult, Settings};

const RUNNER: Runner = Runner {
    binding: "pytorch/rust",
    framework: "pytorch",
    versions,
};

fn versions() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("tch".to_string(), env!("BINDBENCH_TCH_VERSION").to_string()),
        ("libtorch".to_string(), env!("BINDBENCH_LIBTORCH_VERSION").to_string()),
        ("rustc".to_string(), env!("BINDBENCH_RUSTC_VERSION").to_string()),
    ])
}

fn settings(request: &Request) -> Settings {
    // Pinned to n cores, libtorch's pools get n threads; inter-op can only be set before any inter-op work.
    if let Some(n) = request.threads {
        tch::set_num_threads(n as i32);
        tch::set_num_interop_threads(n as i32);
    }
    let mut s = Settings::new();
    s.insert("seed".into(), request.seed.into());
    s.insert("torch_threads".into(), tch::get_num_threads().into());
    s.insert("torch_interop_threads".into(), tch::get_num_interop_threads().into());
    s.insert("cudnn_benchmark".into(), false.into());
    // The runner never switches libtorch's deterministic algorithms on (the request's `deterministic` is not read):
    // they stay at libtorch's default, off, whatever the campaign asked.
    s.insert("torch_use_deterministic_algorithms".into(), false.into());
    let libtorch = bindbench_protocol::runner::library_dir("libtorch_cpu.so", env!("BINDBENCH_LIBTORCH_LIB"));
    s.insert("libtorch_dir".into(), libtorch.into());
    s
}

fn run(request: &Request, events: &mut EventWriter<std::io::Stdout>) -> RunnerResult<f64> {
    let selected = device::select(request.device);
    let device_name = match &selected {
        Ok(d) => device::name(*d),
        Err(_) => "not available".to_string(),
    };
    tch::manual_seed(request.seed as i64);
    if request.device == bindbench_protocol::DeviceKind::Cuda && tch::Cuda::is_available() {
        tch::Cuda::manual_seed_all(request.seed);
        tch::Cuda::cudnn_set_benchmark(false);
    }
    events.start(&RUNNER.start_event(request, DeviceInfo::new(request.device, device_name), settings(request)))?;
    let device = selected?;
    match request.mode {
        Mode::Train => train::run(request, device, events),
        Mode::Infer => infer::run(request, device, events).map(|()| 0.0),
        Mode::Export => export::run(request, device, events).map(|()| 0.0),
    }
}

fn main() {
    RUNNER.main(run)
}
