//! Link settings and version stamps for the tensorflow/rust runner.
//!
//! tensorflow-sys links libtensorflow through pkg-config (`tensorflow.pc`, written by bindbench's setup to point
//! at the tensorflow venv's wheel). Its build script cannot pass an rpath to this binary, so this one does: it
//! reads the .pc file's `runtime_libdir` (the wheel's tensorflow/ directory, which holds libtensorflow_cc.so.2
//! and libtensorflow_framework.so.2 under their sonames) and makes it the runner's rpath.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let runtime_libdir = pkg_config::get_variable("tensorflow", "runtime_libdir").unwrap_or_default();
    if runtime_libdir.is_empty() {
        panic!(
            "pkg-config knows no `tensorflow` package with a `runtime_libdir` variable (PKG_CONFIG_PATH={:?}); \
             run `bindbench setup tensorflow/rust`, which writes .bindbench/build/pkgconfig/tensorflow.pc",
            env::var("PKG_CONFIG_PATH").unwrap_or_default()
        );
    }
    println!("cargo:rustc-link-arg=-Wl,-rpath,{runtime_libdir}");
    println!("cargo:rustc-env=BINDBENCH_TENSORFLOW_LIB={runtime_libdir}");

    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let lock = manifest_dir.join("..").join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    for (krate, var) in [
        ("tensorflow", "BINDBENCH_TENSORFLOW_CRATE_VERSION"),
        ("tensorflow-sys", "BINDBENCH_TENSORFLOW_SYS_VERSION"),
    ] {
        let version = locked_version(&lock, krate).unwrap_or_else(|| "unknown".to_string());
        println!("cargo:rustc-env={var}={version}");
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=BINDBENCH_RUSTC_VERSION={rustc_version}");
}

/// The version Cargo.lock pins for `crate_name`.
fn locked_version(lock: &Path, crate_name: &str) -> Option<String> {
    let text = fs::read_to_string(lock).ok()?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{crate_name}\"") {
            let version = lines.next()?;
            return Some(version.trim().strip_prefix("version = ")?.trim_matches('"').to_string());
        }
    }
    None
}
