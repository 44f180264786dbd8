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
use std::path::Path;
use std::time::Instant;

use bindbench_protocol::runner::{parse_args, run_to_exit_code, seconds_since, Invocation};
use bindbench_protocol::{
    DeviceInfo, EventWriter, Mode, Request, RunnerResult, Settings, StartEvent, PROTOCOL_VERSION,
};

const BINDING: &str = "pytorch/rust";

fn versions() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("tch".to_string(), env!("BINDBENCH_TCH_VERSION").to_string()),
        ("libtorch".to_string(), env!("BINDBENCH_LIBTORCH_VERSION").to_string()),
        ("rustc".to_string(), env!("BINDBENCH_RUSTC_VERSION").to_string()),
    ])
}

fn settings(request: &Request) -> Settings {
    let mut s = Settings::new();
    s.insert("seed".into(), request.seed.into());
    s.insert("torch_threads".into(), tch::get_num_threads().into());
    s.insert("torch_interop_threads".into(), tch::get_num_interop_threads().into());
    s.insert("cudnn_benchmark".into(), false.into());
    let loaded = bindbench_protocol::runner::loaded_library_dir("libtorch_cpu.so");
    s.insert(
        "libtorch_dir".into(),
        loaded
            .unwrap_or_else(|| env!("BINDBENCH_LIBTORCH_LIB").to_string())
            .into(),
    );
    s
}

fn run(path: &Path, events: &mut EventWriter<std::io::Stdout>, started: Instant) -> RunnerResult<()> {
    let request = Request::from_file(path)?;
    request.expect_binding(&[BINDING])?;
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
    events.start(&StartEvent {
        protocol: PROTOCOL_VERSION,
        binding: BINDING.to_string(),
        language: "rust",
        framework: "pytorch",
        versions: versions(),
        device: DeviceInfo::new(request.device, device_name),
        settings: settings(&request),
    })?;
    let device = selected?;
    let train_seconds = match request.mode {
        Mode::Train => train::run(&request, device, events)?,
        Mode::Infer => {
            infer::run(&request, device, events)?;
            0.0
        }
        Mode::Export => {
            export::run(&request, device, events)?;
            0.0
        }
    };
    events.end(train_seconds, seconds_since(started))
}

fn main() {
    let started = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut events = EventWriter::stdout();
    let code = run_to_exit_code(&mut events, |events| match parse_args(&args)? {
        Invocation::Version => {
            println!("{}", serde_json::to_string(&versions()).expect("versions serialise"));
            Ok(())
        }
        Invocation::Request(path) => run(&path, events, started),
    });
    std::process::exit(code);
}
