//! The command-line shape and lifecycle every Rust runner shares: `<runner> <request.json>` or
//! `<runner> --version`, errors as the `error` event with exit code 1, and the monotonic clock.

use std::path::PathBuf;
use std::time::Instant;

use crate::error::{RunnerError, RunnerResult};
use crate::events::EventWriter;

/// Seconds since `since` on `std::time::Instant`, the protocol's clock for Rust.
pub fn seconds_since(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
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

/// Runs `body` and turns its error into the protocol's `error` event; returns the process exit code.
pub fn run_to_exit_code(
    events: &mut EventWriter<std::io::Stdout>,
    body: impl FnOnce(&mut EventWriter<std::io::Stdout>) -> RunnerResult<()>,
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
