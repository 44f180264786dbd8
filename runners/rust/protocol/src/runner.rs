//! The command-line shape and lifecycle every Rust runner shares: `<runner> <request.json>` or
//! `<runner> --version`, errors as the `error` event with exit code 1, and the monotonic clock.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::error::{RunnerError, RunnerResult};
use crate::events::{DeviceInfo, EventWriter, Settings, StartEvent};
use crate::request::{Request, PROTOCOL_VERSION};

/// Seconds since `since` on `std::time::Instant`, the protocol's clock for Rust.
pub fn seconds_since(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

/// The CPUs this process may run on, as the kernel lists them (`0-3`); None where it does not say. The
/// orchestrator pins parallel cells to their own cores, and the manifest records what the runner got.
pub fn cpu_affinity() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .map(|v| v.trim().to_string())
}

pub enum Invocation {
    /// Print the linked library versions as JSON and exit.
    Version,
    Request(PathBuf),
}

pub fn parse_args(args: &[String]) -> RunnerResult<Invocation> {
    match args {
        [flag] if flag == "--version" => Ok(Invocation::Version),
        [path] if !path.starts_with('-') => Ok(Invocation::Request(PathBuf::from(path))),
        _ => Err(RunnerError::bad_request(format!(
            "usage: <runner> <request.json> | <runner> --version (got arguments {args:?})"
        ))),
    }
}

/// What differs between the Rust runners in their lifecycle; everything else (arguments, `--version`, reading and
/// checking the request, the `end` and `error` events, the exit code) is `Runner::main`, so the runners cannot
/// drift apart in how the orchestrator sees them.
pub struct Runner {
    /// The binding id a request must name, e.g. "pytorch/rust".
    pub binding: &'static str,
    pub framework: &'static str,
    /// A function rather than a map: some versions are only known once the library is loaded.
    pub versions: fn() -> BTreeMap<String, String>,
}

impl Runner {
    /// The `start` event; the runner builds it itself because device and settings are only known after its own
    /// framework set-up (seeding, device selection), which must come before the event. The request's `style` is
    /// added to the settings here, so every run's manifest records it the same way.
    pub fn start_event(&self, request: &Request, device: DeviceInfo, mut settings: Settings) -> StartEvent {
        settings.insert("style".into(), request.style.as_str().into());
        settings.insert("threads_requested".into(), request.threads.map(i64::from).into());
        settings.insert("cpu_affinity".into(), cpu_affinity().into());
        StartEvent {
            protocol: PROTOCOL_VERSION,
            binding: self.binding.to_string(),
            language: "rust",
            framework: self.framework,
            versions: (self.versions)(),
            device,
            settings,
        }
    }

    /// The whole process. `run` gets a request already checked to be for this binding, writes `start` and its
    /// mode's events, and returns the training seconds for the `end` event (0 outside training).
    pub fn main(&self, run: impl FnOnce(&Request, &mut EventWriter<std::io::Stdout>) -> RunnerResult<f64>) -> ! {
        // The wall clock of the `end` event covers the process, request parsing included.
        let started = Instant::now();
        let args: Vec<String> = std::env::args().skip(1).collect();
        let code = self.invoke(&args, &mut EventWriter::stdout(), started, run);
        std::process::exit(code)
    }

    /// `main` on any event sink, returning the exit code instead of exiting, so the lifecycle can be tested.
    pub fn invoke<W: Write>(
        &self,
        args: &[String],
        events: &mut EventWriter<W>,
        started: Instant,
        run: impl FnOnce(&Request, &mut EventWriter<W>) -> RunnerResult<f64>,
    ) -> i32 {
        run_to_exit_code(events, |events| match parse_args(args)? {
            Invocation::Version => {
                println!(
                    "{}",
                    serde_json::to_string(&(self.versions)()).expect("versions serialise")
                );
                Ok(())
            }
            Invocation::Request(path) => {
                let request = Request::from_file(&path)?;
                request.expect_binding(&[self.binding])?;
                let train_seconds = run(&request, events)?;
                events.end(train_seconds, seconds_since(started))
            }
        })
    }
}

/// Runs `body` and turns its error into the protocol's `error` event; returns the process exit code.
fn run_to_exit_code<W: Write>(
    events: &mut EventWriter<W>,
    body: impl FnOnce(&mut EventWriter<W>) -> RunnerResult<()>,
) -> i32 {
    match body(events) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("{error}");
            // If stdout itself is gone, stderr above is all the orchestrator can get.
            let _ = events.error(&error);
            1
        }
    }
}

/// The CPU's model name as the kernel reports it, for the `start` event's device name.
pub fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// The first GPU's model as the NVIDIA driver reports it (neither tch nor the tensorflow crate has a call for it).
pub fn nvidia_gpu_model() -> Option<String> {
    let mut dirs: Vec<_> = std::fs::read_dir("/proc/driver/nvidia/gpus")
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let info = std::fs::read_to_string(dirs.first()?.join("information")).ok()?;
    let line = info.lines().find(|l| l.starts_with("Model:"))?;
    Some(line.trim_start_matches("Model:").trim().to_string())
}

/// The folder a shared library whose file name starts with `prefix` was actually loaded from (from
/// /proc/self/maps), which can differ from the build-time rpath when LD_LIBRARY_PATH points elsewhere.
pub fn loaded_library_dir(prefix: &str) -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .find_map(|path| {
            let p = std::path::Path::new(path);
            let name = p.file_name()?.to_str()?;
            name.starts_with(prefix)
                .then(|| p.parent().map(|d| d.display().to_string()))
                .flatten()
        })
}

/// The library folder for the `start` event's settings: where the library was loaded from, or, when
/// /proc/self/maps cannot tell (not Linux, or not loaded yet), the folder the build linked against.
pub fn library_dir(prefix: &str, build_time_dir: &str) -> String {
    loaded_library_dir(prefix).unwrap_or_else(|| build_time_dir.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::fixtures;

    fn versions() -> BTreeMap<String, String> {
        BTreeMap::from([("lib".to_string(), "1.0".to_string())])
    }

    const PYTORCH: Runner = Runner {
        binding: "pytorch/rust",
        framework: "pytorch",
        versions,
    };

    /// The events `invoke` wrote and its exit code, with a request file for pytorch/rust as the argument.
    fn invoke(
        runner: &Runner,
        args: Option<Vec<String>>,
        run: impl FnOnce(&Request, &mut EventWriter<Vec<u8>>) -> RunnerResult<f64>,
    ) -> (i32, Vec<serde_json::Value>) {
        let dir = std::env::temp_dir().join(format!("bindbench-runner-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Tests run in parallel; one file each, so no test reads another's half-written request.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let path = dir.join(format!(
            "request-{}.json",
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::write(&path, fixtures::train_request_json(fixtures::LENET1)).unwrap();
        let args = args.unwrap_or_else(|| vec![path.display().to_string()]);
        let mut events = EventWriter::new(Vec::new());
        let code = runner.invoke(&args, &mut events, Instant::now(), run);
        let text = String::from_utf8(events.into_inner()).unwrap();
        (code, text.lines().map(|l| serde_json::from_str(l).unwrap()).collect())
    }

    #[test]
    fn a_run_ends_with_the_end_event_and_exit_code_0() {
        let (code, events) = invoke(&PYTORCH, None, |request, events| {
            assert_eq!(request.binding, "pytorch/rust");
            events.start(&PYTORCH.start_event(
                request,
                DeviceInfo::new(request.device, "test cpu"),
                Settings::new(),
            ))?;
            Ok(1.5)
        });
        assert_eq!(code, 0);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0]["type"], "start");
        assert_eq!(events[0]["language"], "rust");
        assert_eq!(events[0]["framework"], "pytorch");
        assert_eq!(events[0]["versions"]["lib"], "1.0");
        assert_eq!(events[0]["protocol"], 2);
        assert_eq!(events[0]["settings"]["style"], "minimal");
        // No `threads` in the request: the framework's default, said as null; the CPUs the process may use, always.
        assert_eq!(events[0]["settings"]["threads_requested"], serde_json::Value::Null);
        assert!(events[0]["settings"]["cpu_affinity"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(events[1]["type"], "end");
        assert_eq!(events[1]["train_seconds"], 1.5);
    }

    #[test]
    fn the_cpu_affinity_is_the_kernels_cpu_list() {
        let list = cpu_affinity().expect("Linux says which CPUs a process may use");
        assert!(list.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ','), "{list}");
    }

    #[test]
    fn a_failed_run_ends_with_the_error_event_and_exit_code_1() {
        let (code, events) = invoke(&PYTORCH, None, |_, _| Err(RunnerError::not_supported("no")));
        assert_eq!(code, 1);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["type"], "error");
        assert_eq!(events[0]["kind"], "not_supported");
    }

    #[test]
    fn a_request_for_another_binding_or_bad_arguments_never_reach_the_runner() {
        let tensorflow = Runner {
            binding: "tensorflow/rust",
            ..PYTORCH
        };
        let never = |_: &Request, _: &mut EventWriter<Vec<u8>>| -> RunnerResult<f64> { panic!("run was called") };
        for (runner, args, needle) in [
            (&tensorflow, None, "not served by this runner"),
            (&PYTORCH, Some(vec![]), "usage:"),
            (&PYTORCH, Some(vec!["--help".to_string()]), "usage:"),
        ] {
            let (code, events) = invoke(runner, args, never);
            assert_eq!(code, 1);
            assert_eq!(events[0]["kind"], ErrorKind::BadRequest.as_str());
            assert!(events[0]["message"].as_str().unwrap().contains(needle), "{needle}: {}", events[0]);
        }
    }

    #[test]
    fn version_writes_no_event() {
        let never = |_: &Request, _: &mut EventWriter<Vec<u8>>| -> RunnerResult<f64> { panic!("run was called") };
        let (code, events) = invoke(&PYTORCH, Some(vec!["--version".to_string()]), never);
        assert_eq!((code, events.len()), (0, 0));
    }
}
