//! Link settings and version stamps for the tensorflow/rust runner.
//!
//! tensorflow-sys links libtensorflow through pkg-config (`tensorflow.pc`, written by bindbench's setup to point
//! at the tensorflow venv's wheel). Its build script cannot pass an rpath to this binary, so this one does: it
//! reads the .pc file's `runtime_libdir` (the wheel's tensorflow/ directory, which holds libtensorflow_cc.so.2
//! and libtensorflow_framework.so.2 under their sonames) and makes it the runner's rpath.

use std::env;

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

    bindbench_build_support::stamp_locked_versions(&[
        ("tensorflow", "BINDBENCH_TENSORFLOW_CRATE_VERSION"),
        ("tensorflow-sys", "BINDBENCH_TENSORFLOW_SYS_VERSION"),
    ]);
    bindbench_build_support::stamp_rustc_version();
}
