//! The version stamps both runners' build scripts write, for `--version` and the `start` event. A crate of its
//! own because a build script can only use build-dependencies, and the protocol crate would bring serde and
//! safetensors into every build-script compile.

use std::env;
use std::fs;
use std::path::PathBuf;

/// Stamps, for each `(crate, variable)`, the version the workspace's Cargo.lock pins for the crate as the
/// compile-time variable, "unknown" when the lock does not name it. Read from the lock rather than from cargo's
/// metadata because a build script sees only its own package's version.
pub fn stamp_locked_versions(crates: &[(&str, &str)]) {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let lock = manifest_dir.join("..").join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = fs::read_to_string(&lock).unwrap_or_default();
    for (krate, variable) in crates {
        let version = locked_version(&text, krate).unwrap_or_else(|| "unknown".to_string());
        println!("cargo:rustc-env={variable}={version}");
    }
}

/// Stamps the compiler's version as BINDBENCH_RUSTC_VERSION (the rustc cargo builds with, from RUSTC).
pub fn stamp_rustc_version() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=BINDBENCH_RUSTC_VERSION={version}");
}

/// The version a Cargo.lock's text pins for `crate_name`: the `version` line right after its `name` line.
pub fn locked_version(lock: &str, crate_name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{crate_name}\"") {
            let version = lines.next()?;
            return Some(version.trim().strip_prefix("version = ")?.trim_matches('"').to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::locked_version;

    const LOCK: &str = r#"
[[package]]
name = "tch"
version = "0.24.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "tensorflow-sys"
version = "0.24.0"

[[package]]
name = "tensorflow"
version = "0.21.0"
"#;

    #[test]
    fn the_version_is_the_one_of_the_exact_name() {
        assert_eq!(locked_version(LOCK, "tch").as_deref(), Some("0.24.0"));
        // `tensorflow` must not match `tensorflow-sys`, which comes first.
        assert_eq!(locked_version(LOCK, "tensorflow").as_deref(), Some("0.21.0"));
        assert_eq!(locked_version(LOCK, "torch-sys"), None);
    }
}
