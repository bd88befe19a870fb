#!/usr/bin/env bash
# Runs every test of the project on a fresh machine, installing what it needs:
#   1. the pinned validators (cfn-lint, cloudformation-validate) into .venv,
#      pinned checkov into .venv-checkov, and the pinned npm package
#      @cdklabs/cdk-validator-cfnguard (cfn-guard 3.1.1 + the AWS Control Tower
#      rules) into scripts/guard/node_modules, each only when its pins changed;
#   2. formatting, clippy and rustdoc checks (warnings are errors);
#   3. all Rust tests (unit, integration, doc), which write every template they
#      synthesize into target/cfn-templates;
#   4. the validator self-test, then both validators over those templates;
#   5. the scanner self-test, then checkov and cfn-guard over the core demo,
#      example and pattern templates, against the committed lists
#      (scripts/checkov-pending.tsv, scripts/guard-allowlist.tsv), and the
#      README's rendering of those lists;
#   6. a build (not a run) of the benchmarks.
# Between 3 and 4, `package --all` builds the runtime code (cargo-lambda,
# release, glibc 2.34) twice and compares the archives.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Each step's heading carries the seconds elapsed, so a run's log shows where
# its time goes (the README's set-up section quotes them).
step() { echo "== [${SECONDS}s] $*"; }

# Disk: a cold debug build of this workspace (AWS SDK, Lambda runtime, every
# test binary) took 13 GB with full debug info and incremental data, and a
# CI run once failed half-way through `cargo test` when the disk filled. Line
# tables keep file:line in backtraces at a fraction of the size, and a run
# from a clean clone gains nothing from incremental data. Both only when the
# caller has not chosen.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
export CARGO_PROFILE_TEST_DEBUG="${CARGO_PROFILE_TEST_DEBUG:-line-tables-only}"
# A failing test's panic message is the last thing it prints (a backtrace
# after it pushes the message out of a log's tail): in CI (CI=true) always,
# elsewhere unless the caller asks for backtraces; rerun one test with
# RUST_BACKTRACE=1 to see where.
if [[ "${CI:-}" == "true" ]]; then
  export RUST_BACKTRACE=0
else
  export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"
fi
# (These settings are part of cargo's fingerprints: switching between this
# script and a plain `cargo test` rebuilds the workspace once each way.)
free_kb=$(df -Pk . 2>/dev/null | awk 'NR == 2 { print $4 }' || true)
free_kb=${free_kb:-0}
echo "disk: $((free_kb / 1024 / 1024)) GB free beside the checkout"
if [[ "$free_kb" -lt $((10 * 1024 * 1024)) ]]; then
  echo "warning: under 10 GB free; the builds below may fail with 'No space left on device'"
fi

venv="$root/.venv"
req="$root/scripts/requirements-validators.txt"
runtime_req="$root/scripts/requirements-runtime.txt"
stamp="$venv/.requirements.installed"
if [[ ! -x "$venv/bin/python" ]] || ! cat "$req" "$runtime_req" | cmp -s - "$stamp"; then
  step "installing validators, cargo-lambda + ziglang and moto into .venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" -r "$runtime_req"
  cat "$req" "$runtime_req" > "$stamp"
fi
# The tests that need them fail instead of skipping when these are set.
export CARGO_LAMBDA="$venv/bin/cargo-lambda" STREAMCDK_REQUIRE_CARGO_LAMBDA=1
export STREAMCDK_MOTO_SERVER="$venv/bin/moto_server" STREAMCDK_REQUIRE_MOTO=1

checkov_venv="$root/.venv-checkov"
checkov_req="$root/scripts/requirements-checkov.txt"
checkov_stamp="$checkov_venv/.requirements.installed"
if [[ ! -x "$checkov_venv/bin/checkov" ]] || ! cmp -s "$checkov_req" "$checkov_stamp"; then
  step "installing checkov into .venv-checkov"
  python3 -m venv "$checkov_venv"
  "$checkov_venv/bin/pip" install --quiet --disable-pip-version-check -r "$checkov_req"
  cp "$checkov_req" "$checkov_stamp"
fi

guard="$root/scripts/guard"
guard_stamp="$guard/node_modules/.streamcdk-lock.installed"
if [[ ! -d "$guard/node_modules" ]] || ! cmp -s "$guard/package-lock.json" "$guard_stamp"; then
  step "installing cfn-guard and the Control Tower rules (npm ci)"
  (cd "$guard" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$guard/package-lock.json" "$guard_stamp"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

export STREAMCDK_TEMPLATE_DIR="$root/target/cfn-templates"
rm -rf "$STREAMCDK_TEMPLATE_DIR"
mkdir -p "$STREAMCDK_TEMPLATE_DIR"

step "rustdoc (warnings are errors: broken links, bad HTML in docs)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

step "generated layer and registry blob up to date (codegen --check, against the pinned cfn-lint in .venv)"
cargo run --quiet -p streamcdk-codegen -- --check
cargo run --quiet -p streamcdk-codegen -- registry "$(ls -d "$venv"/lib/python3*/site-packages/cfnlint/data/schemas | head -n 1)" --check

step "cargo test"
cargo test --workspace

step "synth --all (the command-line path)"
cargo run --quiet --bin synth -- --all --out "$root/target/synth-all"

step "package: the runtime code of every stack (cargo-lambda release builds, glibc <= 2.34), twice: identical zips"
rm -rf "$root/target/packages" "$root/target/packages-again"
cargo run --quiet -p streamcdk-packaging --bin package -- --all --out "$root/target/packages"
cargo run --quiet -p streamcdk-packaging --bin package -- --all --out "$root/target/packages-again"
diff -r "$root/target/packages/assets" "$root/target/packages-again/assets"

step "validators"
"$venv/bin/python" scripts/validate_templates.py --self-test
"$venv/bin/python" scripts/validate_templates.py "$STREAMCDK_TEMPLATE_DIR" --min-templates 1
step "synth check (the project's templates clean; the cfn-lint fixture sample: errors and warnings, exit 6)"; cargo run --quiet --bin synth -- check "$STREAMCDK_TEMPLATE_DIR"/*.json "$STREAMCDK_TEMPLATE_DIR"/*.yaml; r=0; cargo run --quiet --bin synth -- check $(find tests/fixtures/cfn-lint -name '*.yaml' -o -name '*.json' | sort) >/dev/null || r=$?; [ "$r" -eq 6 ] || { echo "synth check on tests/fixtures/cfn-lint exited $r, expected 6"; exit 1; }

step "security scanners (checkov, cfn-guard + Control Tower rules)"
"$venv/bin/python" scripts/scan_templates.py --self-test
"$venv/bin/python" scripts/scan_templates.py "$STREAMCDK_TEMPLATE_DIR" --min-templates 3 --check-readme README.md

step "benchmarks build"
# Only the packages that have benchmarks: `--workspace` would also build every
# other member in release, the AWS SDK crates of deploy and the runtime
# included (about ten minutes more on two cores).
cargo bench -p streamcdk -p streamcdk-resources --no-run --quiet

du -sh "$root/target" 2>/dev/null | sed 's/^/target size: /' || true
echo "all checks passed in ${SECONDS}s"
