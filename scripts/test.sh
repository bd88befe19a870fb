#!/usr/bin/env bash
# Runs every test of the project on a fresh machine, installing what it needs:
#   1. the pinned validators (cfn-lint, cloudformation-validate) into .venv;
#   2. formatting and clippy checks;
#   3. all Rust tests (unit, integration, doc), which write every template they
#      synthesize into target/cfn-templates;
#   4. the validator self-test, then both validators over those templates;
#   5. a build (not a run) of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv="$root/.venv"
req="$root/scripts/requirements-validators.txt"
stamp="$venv/.requirements.installed"
if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$req" "$stamp"; then
  echo "== installing validators into .venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$stamp"
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

export STREAMCDK_TEMPLATE_DIR="$root/target/cfn-templates"
rm -rf "$STREAMCDK_TEMPLATE_DIR"
mkdir -p "$STREAMCDK_TEMPLATE_DIR"

echo "== cargo test"
cargo test --workspace

echo "== synth --all (the command-line path)"
cargo run --quiet --bin synth -- --all --out "$root/target/synth-all"

echo "== validators"
"$venv/bin/python" scripts/validate_templates.py --self-test
"$venv/bin/python" scripts/validate_templates.py "$STREAMCDK_TEMPLATE_DIR" --min-templates 1

echo "== benchmarks build"
cargo bench --workspace --no-run --quiet

echo "all checks passed"
