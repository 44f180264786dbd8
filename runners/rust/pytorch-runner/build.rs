//! Link settings and version stamps for the pytorch/rust runner.
//!
//! torch-sys finds libtorch (here: the pytorch venv's torch, LIBTORCH_USE_PYTORCH=1) and passes its lib dir as
//! DEP_TCH_LIBTORCH_LIB. From it this script:
//! - sets an rpath, so the runner finds libtorch at run time without LD_LIBRARY_PATH;
//! - links libtorch with --no-as-needed, so libtorch_cuda stays a dependency even though no symbol of it is
//!   referenced directly; otherwise `Cuda::is_available()` is false on a GPU machine (tch-rs issue 980);
//! - stamps the libtorch version (torch/version.py next to the lib dir) and the tch version (Cargo.lock) into the
//!   binary for `--version` and the `start` event.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let lib_dir = PathBuf::from(
        env::var("DEP_TCH_LIBTORCH_LIB")
            .expect("torch-sys did not report DEP_TCH_LIBTORCH_LIB (is torch-sys a direct dependency?)"),
    );
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib_dir.display());
    println!("cargo:rustc-link-arg=-Wl,--no-as-needed");
    println!("cargo:rustc-link-arg=-ltorch");
    println!("cargo:rustc-env=BINDBENCH_LIBTORCH_LIB={}", lib_dir.display());

    let version_py = lib_dir.join("..").join("version.py");
    println!("cargo:rerun-if-changed={}", version_py.display());
    let libtorch = torch_version(&version_py).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=BINDBENCH_LIBTORCH_VERSION={libtorch}");

    bindbench_build_support::stamp_locked_versions(&[("tch", "BINDBENCH_TCH_VERSION")]);
    bindbench_build_support::stamp_rustc_version();
}

/// `__version__ = '2.11.0+cu130'` from torch/version.py.
fn torch_version(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with("__version__"))?;
    Some(
        line.split_once('=')?
            .1
            .trim()
            .trim_matches(|c| c == '\'' || c == '"')
            .to_string(),
    )
}
