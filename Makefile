# The two commands of the README: `make demo` and `make test`.
# Each creates .venv, installs what it needs, and works on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet
TORCH := torch==2.13.0

.PHONY: demo test bench dot clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(PIP) -e '.[notebooks]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PIP) $(TORCH)
	$(PIP) -e '.[test,notebooks]'
	touch $@

$(VENV)/.bench-installed: pyproject.toml | $(PY)
	$(PIP) $(TORCH)
	$(PIP) -e '.[test]'  # includes micrograd and threadpoolctl
	touch $@

# Graphviz's `dot` renders the computation graphs.
dot:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Graphviz (dot) with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	else \
		echo "Graphviz's 'dot' is missing: install it with 'sudo apt-get install graphviz'"; \
		echo "(macOS: 'brew install graphviz'; conda: 'conda install graphviz'). Drawing still works without it."; \
	fi

# Every package's demo that exists: python -m autograd, python -m nn, python -m optim.
DEMOS := $(foreach package,autograd nn optim,$(if $(wildcard $(package)/__main__.py),$(package)))

demo: dot $(VENV)/.demo-installed
	@set -e; for package in $(DEMOS); do \
		echo "== python -m $$package"; $(PY) -m $$package; done
	@echo "== examples/train_digits.py"
	$(PY) examples/train_digits.py

test: dot $(VENV)/.test-installed
	$(PY) -m pytest

# The benchmark suite (benchmarks/RESULTS.md); OpenBLAS picks its own kernel for this CPU.
bench: $(VENV)/.bench-installed
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m benchmarks

clean:
	rm -rf $(VENV) out build *.egg-info
