#!/usr/bin/env python3
"""Validate every synthesized template with real third-party validators.

Usage: validate_templates.py DIR [--min-templates N]
       validate_templates.py --self-test

For every `NAME.json` (and its `NAME.yaml` twin) in DIR:
  1. cfn-lint (pinned in scripts/requirements-validators.txt): no finding at all;
  2. AWS's cloudformation-validate: no finding of any severity (ERROR,
     WARNING or INFO), except the rules in CFV_EXCLUDED, each with its reason;
  3. the YAML twin, read by PyYAML (a YAML 1.1 reader, like CloudFormation's),
     must equal the JSON: this catches strings such as `on` or `2010-09-09`
     written unquoted.

`--self-test` feeds known-bad templates through the same three checks and
fails unless each check reports them, so a validator that silently stopped
working cannot pass CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml  # PyYAML, installed with cfn-lint

VENV_BIN = Path(sys.executable).parent

# The Region cloudformation-validate evaluates the templates in.
VALIDATION_REGION = "us-east-1"

# cloudformation-validate rules not applied, with the reason. Keep this short.
CFV_EXCLUDED = {
    # "Create-only property updated triggers resource replacement": reported for
    # every create-only property a template sets, whether or not anything
    # changed (there is no previous template to compare with). Which properties
    # must never change is recorded in each resource's Context block instead.
    "I9001": "fires on every create-only property, not on a change",
}


def run_cfn_lint(files: list[Path]) -> list[str]:
    """Runs cfn-lint once over all files; returns one line per finding."""
    if not files:
        return []
    proc = subprocess.run(
        [str(VENV_BIN / "cfn-lint"), "--format", "json", "--", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 2, 4, 6, 8, 10, 12, 14):
        return [f"cfn-lint crashed (exit {proc.returncode}): {proc.stderr.strip()}"]
    findings = json.loads(proc.stdout or "[]")
    return [
        f"cfn-lint {f['Level']} {f['Rule']['Id']} {f['Filename']}:"
        f"{f['Location']['Start']['LineNumber']}: {f['Message']}"
        for f in findings
    ]


def run_cloudformation_validate(files: list[Path]) -> list[str]:
    """Validates each file with one engine; returns one line per diagnostic."""
    from cloudformation_validate import (
        CompositeEngine,
        PseudoParameterOverrides,
        ValidateConfig,
    )

    engine = CompositeEngine()
    # The templates are Region-agnostic; validating them as deployed in one
    # Region lets the Region-dependent rules run (instance types offered
    # there, for instance) instead of reporting I9003 "no region supplied".
    config = ValidateConfig(
        pseudo_parameter_overrides=PseudoParameterOverrides(region=VALIDATION_REGION)
    )
    out = []
    for f in files:
        report = engine.validate_template(str(f), config)
        for d in report.diagnostics:
            if d.rule_id in CFV_EXCLUDED:
                continue
            out.append(
                f"cloudformation-validate {d.severity.name} {d.rule_id} {f}:"
                f"{d.start_line}: {d.message}"
            )
    return out


def compare_yaml_twins(json_files: list[Path]) -> list[str]:
    """The YAML twin of each JSON template must read back as the same value."""
    out = []
    for j in json_files:
        y = j.with_suffix(".yaml")
        if not y.exists():
            out.append(f"yaml-twin {j}: no {y.name} beside it")
            continue
        a = json.loads(j.read_text())
        b = yaml.safe_load(y.read_text())
        if a != b:
            out.append(f"yaml-twin {y}: reads back differently from {j.name} under YAML 1.1")
    return out


def validate(directory: Path) -> tuple[int, list[str]]:
    json_files = sorted(directory.glob("*.json"))
    yaml_files = sorted(directory.glob("*.yaml"))
    files = json_files + yaml_files
    findings = run_cfn_lint(files)
    findings += run_cloudformation_validate(files)
    findings += compare_yaml_twins(json_files)
    return len(json_files), findings


BAD_TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Stream": {
            "Type": "AWS::Kinesis::Stream",
            "Properties": {
                "ShardCount": 0,
                "StreamModeDetails": {"StreamMode": "ONDEMAND"},
                "NoSuchProperty": True,
            },
        }
    },
    "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Missing", "Arn"]}}},
}


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "bad.json").write_text(json.dumps(BAD_TEMPLATE, indent=2))
        # A YAML twin with a plain `on`, which YAML 1.1 reads as true.
        (d / "bad.yaml").write_text(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Stream:\n"
            "    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 0\n"
            "      StreamModeDetails:\n        StreamMode: on\n      NoSuchProperty: true\n"
            "Outputs:\n  Arn:\n    Value:\n      Fn::GetAtt: [Missing, Arn]\n"
        )
        lint = run_cfn_lint([d / "bad.json"])
        cfv = run_cloudformation_validate([d / "bad.json"])
        twin = compare_yaml_twins([d / "bad.json"])
    problems = []
    if not any("E3002" in f for f in lint):
        problems.append("cfn-lint did not report the unknown property (E3002)")
    if not any(" FATAL " in f or " ERROR " in f for f in cfv):
        problems.append("cloudformation-validate reported no error for a bad template")
    if not twin:
        problems.append("the YAML twin check did not catch an unquoted `on`")
    for p in problems:
        print(f"SELF-TEST FAILED: {p}")
    if not problems:
        print(
            f"validator self-test: ok (cfn-lint {len(lint)}, cloudformation-validate "
            f"{len(cfv)}, yaml-twin {len(twin)} finding(s) on the bad template)"
        )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--min-templates", type=int, default=1)
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if args.directory is None:
        parser.error("DIR is required")
    count, findings = validate(args.directory)
    for f in findings:
        print(f)
    if count < args.min_templates:
        print(f"only {count} template(s) in {args.directory}; expected at least {args.min_templates}")
        return 1
    print(f"validated {count} template(s) as JSON and YAML: {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
