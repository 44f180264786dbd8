//! The one error type every runner returns: it becomes the protocol's `error` event and exit code 1.

use std::fmt;

/// The protocol's error kinds (docs/protocol.md, `error` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The binding cannot do this; the message is the binding's own error or the reason.
    NotSupported,
    NanLoss,
    BadRequest,
    Failed,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotSupported => "not_supported",
            ErrorKind::NanLoss => "nan_loss",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunnerError {
    pub kind: ErrorKind,
    pub message: String,
}

impl RunnerError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        RunnerError {
            kind,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }
    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotSupported, message)
    }
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, message)
    }
    pub fn nan_loss(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NanLoss, message)
    }
}

impl fmt::Display for RunnerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for RunnerError {}

pub type RunnerResult<T> = Result<T, RunnerError>;

/// Adds context to a framework error and classifies it as `failed`, the kind for anything unexpected.
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> RunnerResult<T>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> RunnerResult<T> {
        self.map_err(|e| RunnerError::failed(format!("{}: {e}", what())))
    }
}
