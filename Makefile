# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# No model hub is reachable: every model comes from an installed package.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch's CPU build first: left to the resolver, sentence-transformers would
# pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e .
	touch $@

# llama.cpp built for the CPU at hand (GGML_NATIVE) runs its AMX kernels where
# the CPU reports AMX, and those crash (SIGSEGV in ggml_backend_amx_mul_mat) on
# the virtual machines here: build for AVX2 instead, which every x86-64 server has.
LLAMA_CMAKE_ARGS := $(if $(filter x86_64,$(shell uname -m)),-DGGML_NATIVE=OFF -DGGML_AVX=ON \
	-DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON)

# Browser tests drive Debian's chromium (Playwright's own browser download fails offline).
$(VENV)/.installed-test: $(VENV)/.installed
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q -e '.[test]'
	command -v chromium >/dev/null || apt-get install -y -q chromium \
		|| (apt-get update -q && apt-get install -y -q chromium)
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/rag index
	$(BIN)/rag ask "Who chairs the CSTO?"

check: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy rag
	$(BIN)/lint-imports

test: check
	$(BIN)/pytest
