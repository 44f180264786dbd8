"""The one exception a runner raises on purpose; its kind is the protocol's error kind."""

ERROR_KINDS = ("not_supported", "nan_loss", "bad_request", "failed")


class RunnerError(Exception):
    def __init__(self, kind: str, message: str):
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message


def bad_request(message: str) -> RunnerError:
    return RunnerError("bad_request", message)


def not_supported(message: str) -> RunnerError:
    return RunnerError("not_supported", message)
