"""ONNX models run through onnxruntime (CPU): input `x` (float32 NHWC images, or [N, T] token ids: int32, or int64 for
BERT), output `logits`, as the protocol fixes."""
import numpy as np

from .backend import Predictor
from .data import Split
from .errors import not_supported

ONNX_INTEGER_INPUTS = {"tensor(int32)": np.int32, "tensor(int64)": np.int64}


class OnnxPredictor(Predictor):
    def __init__(self, path: str, binary: bool = False):
        self.binary = binary
        try:
            import onnxruntime
        except ImportError as e:
            raise not_supported(f"running ONNX models needs onnxruntime, which this environment lacks: {e}") from None
        options = onnxruntime.SessionOptions()
        self.session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        inputs = [i.name for i in self.session.get_inputs()]
        outputs = [o.name for o in self.session.get_outputs()]
        self.input = "x" if "x" in inputs else inputs[0]
        self.output = "logits" if "logits" in outputs else outputs[0]
        declared = next(i.type for i in self.session.get_inputs() if i.name == self.input)
        # The cache holds int32 ids; a model declaring int64 ids (BERT's exports) gets them widened, exactly, up front.
        self.input_dtype = ONNX_INTEGER_INPUTS.get(declared)

    def prepare(self, split: Split, batch_size: int) -> list:
        x = split.x if self.input_dtype is None or split.x.dtype.kind == "f" else split.x.astype(self.input_dtype)
        return [(x[i:i + batch_size], split.y[i:i + batch_size]) for i in range(0, split.n, batch_size)]

    def run(self, batches: list, keep_logits: bool) -> tuple:
        kept = [] if keep_logits else None
        correct = 0
        for xb, yb in batches:
            logits = self.session.run([self.output], {self.input: xb})[0]
            predicted = (logits[:, 0] > 0) if self.binary else logits.argmax(axis=1)
            correct += int((predicted == yb).sum())
            if kept is not None:
                kept.append(logits)
        return correct, kept

    def logits(self, handles: list) -> np.ndarray:
        return np.concatenate(handles).astype(np.float32)
