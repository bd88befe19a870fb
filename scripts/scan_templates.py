#!/usr/bin/env python3
"""Run the pinned security scanners over the example, demo and pattern templates.

Usage: scan_templates.py DIR [--min-templates N]
       scan_templates.py --self-test
       scan_templates.py --render [DIR]          (prints the README tables)
       scan_templates.py DIR --check-readme README.md

Scanners (both pinned, both installed by scripts/test.sh):
  1. checkov (scripts/requirements-checkov.txt, venv .venv-checkov), always
     `--framework cloudformation --skip-download` (without it, checkov calls
     out to a SaaS endpoint). Every failed check fails the scan unless
     - the resource skips it in its own Metadata
       (`"Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_18", "comment": "why"}]}}`,
       which checkov itself honours; a skip without a comment fails), or
     - it is listed in scripts/checkov-pending.tsv: PENDING entries, kept only
       until the construct writes the Metadata skip (or fixes the finding).
  2. cfn-guard 3.1.1 with the AWS Control Tower proactive-control rules, both
     bundled in the npm package @cdklabs/cdk-validator-cfnguard (pinned in
     scripts/guard/package-lock.json). Guard cannot read Metadata, so every
     failure must be listed in scripts/guard-allowlist.tsv.

For both lists a listed entry that no longer fails also fails the scan
(a stale entry), so the lists never outlive their reasons.

Reports are parsed from JSON, not judged by exit codes alone (checkov exits 1
on failed checks, cfn-guard 19 on FAIL; anything else is a crash).

`--self-test` runs both scanners over a known-bad template (and a resource
that skips a check in its Metadata) and checks the list comparison, so a
scanner that silently stopped reporting fails CI.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import fnmatch
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The templates scanned, as file-name globs in DIR. Extend here when a new
# family of stacks lands (the YAML twins are not scanned: validate_templates.py
# proves that each reads back equal to its JSON).
TEMPLATE_GLOBS = ["core-demo.json", "example-*.json", "pattern*.json"]

CHECKOV = Path(os.environ.get("STREAMCDK_CHECKOV", ROOT / ".venv-checkov/bin/checkov"))
GUARD_PACKAGE = Path(
    os.environ.get(
        "STREAMCDK_GUARD_PACKAGE",
        ROOT / "scripts/guard/node_modules/@cdklabs/cdk-validator-cfnguard",
    )
)
GUARD_RULES = GUARD_PACKAGE / "rules/control-tower/cfn-guard"
CHECKOV_PENDING = ROOT / "scripts/checkov-pending.tsv"
GUARD_ALLOWLIST = ROOT / "scripts/guard-allowlist.tsv"

README_BEGIN = "<!-- scan_templates.py --render: begin -->"
README_END = "<!-- scan_templates.py --render: end -->"


@dataclass(frozen=True)
class Finding:
    """One failed check or rule on one resource of one template."""

    rule: str  # checkov check id or guard rule name
    template: str  # file stem, e.g. example-kds-kdf-s3
    logical_id: str

    def __str__(self) -> str:
        return f"{self.rule} {self.template} {self.logical_id}"


@dataclass(frozen=True)
class Entry:
    """One line of a committed list: rule, template glob, logical ID, reason."""

    rule: str
    template: str
    logical_id: str
    reason: str
    line: int

    def matches(self, f: Finding) -> bool:
        return (
            self.rule == f.rule
            and self.logical_id == f.logical_id
            and fnmatch.fnmatchcase(f.template, self.template)
        )


def read_list(path: Path) -> tuple[list[Entry], list[str]]:
    """Reads a TSV list (`#` comments); returns the entries and format errors."""
    entries, errors = [], []
    for n, raw in enumerate(path.read_text().splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) != 4 or not all(c.strip() for c in cols):
            errors.append(f"{path.name}:{n}: want 4 tab-separated non-empty columns (rule, template, logical ID, reason)")
            continue
        entries.append(Entry(*(c.strip() for c in cols), line=n))
    return entries, errors


def compare(findings: list[Finding], entries: list[Entry], list_name: str) -> list[str]:
    """Fails on every finding no entry covers and on every entry that covers nothing."""
    problems = []
    for f in sorted(set(findings), key=str):
        if not any(e.matches(f) for e in entries):
            problems.append(f"not allowed: {f} (fix it, or list it with a reason in {list_name})")
    for e in entries:
        if not any(e.matches(f) for f in findings):
            problems.append(
                f"stale entry {list_name}:{e.line}: {e.rule} {e.template} {e.logical_id} no longer fails: remove it"
            )
    return problems


def select_templates(directory: Path) -> list[Path]:
    found = {p for g in TEMPLATE_GLOBS for p in directory.glob(g)}
    return sorted(found)


# ---------------------------------------------------------------- checkov


@dataclass
class CheckovReport:
    failed: list[Finding]
    skipped: list[tuple[Finding, str]]  # with the Metadata comment
    passed: int
    problems: list[str]


def run_checkov(files: list[Path]) -> CheckovReport:
    cmd = [str(CHECKOV), "--framework", "cloudformation", "--skip-download", "-o", "json"]
    for f in files:
        cmd += ["-f", str(f)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        return CheckovReport([], [], 0, [f"checkov crashed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"])
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return CheckovReport([], [], 0, [f"checkov printed no JSON (exit {proc.returncode}): {proc.stdout[-2000:]}"])
    reports = doc if isinstance(doc, list) else [doc]
    failed, skipped, passed, problems = [], [], 0, []
    for r in reports:
        if r.get("check_type") != "cloudformation":
            continue
        summary = r.get("summary", {})
        if summary.get("parsing_errors"):
            problems.append(f"checkov could not parse {summary['parsing_errors']} template(s)")
        passed += summary.get("passed", 0)
        results = r.get("results", {})
        for c in results.get("failed_checks", []):
            failed.append(_checkov_finding(c))
        for c in results.get("skipped_checks", []):
            comment = (c.get("check_result") or {}).get("suppress_comment") or ""
            skipped.append((_checkov_finding(c), comment))
    if proc.returncode == 1 and not failed:
        problems.append("checkov exited 1 but reported no failed check")
    if proc.returncode == 0 and failed:
        problems.append("checkov exited 0 but reported failed checks")
    return CheckovReport(failed, skipped, passed, problems)


def _checkov_finding(c: dict) -> Finding:
    logical_id = c["resource"].split(".", 1)[-1]  # "AWS::S3::Bucket.LogicalId"
    template = Path(c.get("file_abs_path") or c["file_path"]).stem
    return Finding(c["check_id"], template, logical_id)


# ---------------------------------------------------------------- cfn-guard


def guard_binary() -> Path:
    system = "macos" if sys.platform == "darwin" else "ubuntu"
    machine = {"arm64": "aarch64", "amd64": "x86_64"}.get(platform.machine().lower(), platform.machine().lower())
    return GUARD_PACKAGE / "bin" / system / machine / "cfn-guard"


def _paths(node, out: set[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "path" and isinstance(v, str):
                out.add(v)
            else:
                _paths(v, out)
    elif isinstance(node, list):
        for v in node:
            _paths(v, out)


def run_guard(files: list[Path]) -> tuple[list[Finding], list[str]]:
    """Runs cfn-guard once over all files; returns (rule, template, logical ID) failures."""
    cmd = [str(guard_binary()), "validate", "-r", str(GUARD_RULES), "-o", "json", "-S", "none", "-z"]
    for f in files:
        cmd += ["-d", str(f)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 19):
        return [], [f"cfn-guard crashed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"]
    try:
        docs = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return [], [f"cfn-guard printed no JSON (exit {proc.returncode}): {proc.stdout[-2000:]}"]
    findings, problems = [], []
    seen = set()
    for d in docs:
        template = Path(d["name"]).stem
        seen.add(template)
        for nc in d.get("not_compliant", []):
            rule = nc["Rule"]["name"]
            paths: set[str] = set()
            _paths(nc, paths)
            ids = {m.group(1) for p in paths if (m := re.match(r"/Resources/([^/]+)", p))}
            if not ids:
                problems.append(f"cfn-guard: {rule} failed on {template} without naming a resource")
            findings += [Finding(rule, template, i) for i in sorted(ids)]
    missing = {f.stem for f in files} - seen
    if missing:
        problems.append(f"cfn-guard reported nothing for {sorted(missing)}")
    if proc.returncode == 19 and not findings:
        problems.append("cfn-guard exited 19 but reported no failed rule")
    if proc.returncode == 0 and findings:
        problems.append("cfn-guard exited 0 but reported failed rules")
    return findings, problems


def control_ids() -> dict[str, str]:
    """Maps each guard rule name to its Control Tower control ID (CT.S3.PR.11 ...)."""
    out = {}
    for f in GUARD_RULES.rglob("*.guard"):
        text = f.read_text()
        m_rule = re.search(r"^rule (\w+) when", text, re.M)
        m_ct = re.search(r"\[(CT\.[A-Z0-9]+\.PR\.\d+)\]", text)
        if m_rule and m_ct:
            out[m_rule.group(1)] = m_ct.group(1)
    return out


# ---------------------------------------------------------------- the scan


def run_both(files: list[Path]) -> tuple[CheckovReport, tuple[list[Finding], list[str]]]:
    """Runs checkov and cfn-guard side by side (two processes, two cores)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        ck = pool.submit(run_checkov, files)
        guard = pool.submit(run_guard, files)
        return ck.result(), guard.result()


def metadata_skips(files: list[Path]) -> list[tuple[str, str, str, str]]:
    """(check, template, logical ID, comment) of every checkov skip in a resource's Metadata."""
    out = []
    for f in files:
        for lid, res in json.loads(f.read_text()).get("Resources", {}).items():
            for s in ((res.get("Metadata") or {}).get("checkov") or {}).get("skip", []):
                out.append((s.get("id", "?"), f.stem, lid, s.get("comment", "")))
    return out


def scan(files: list[Path]) -> tuple[list[str], str]:
    problems = []
    pending, errs = read_list(CHECKOV_PENDING)
    problems += errs
    allow, errs = read_list(GUARD_ALLOWLIST)
    problems += errs

    ck, (gf, gp) = run_both(files)
    problems += ck.problems
    problems += compare(ck.failed, pending, CHECKOV_PENDING.name)
    for f, comment in ck.skipped:
        if not comment.strip():
            problems.append(f"checkov skip without a reason in Metadata: {f}")

    problems += gp
    problems += compare(gf, allow, GUARD_ALLOWLIST.name)

    summary = (
        f"scanned {len(files)} template(s): checkov {ck.passed} passed, {len(ck.failed)} failed "
        f"({len(pending)} pending entries), {len(ck.skipped)} skipped in Metadata; "
        f"cfn-guard {len(gf)} rule failure(s) ({len(allow)} allow-listed)"
    )
    return problems, summary


# ---------------------------------------------------------------- README


def render(files: list[Path]) -> str:
    """The README tables: Metadata skips, pending checkov entries, guard allow-list."""
    ct = control_ids()
    pending, _ = read_list(CHECKOV_PENDING)
    allow, _ = read_list(GUARD_ALLOWLIST)
    skips = metadata_skips(files)
    lines = [README_BEGIN, "", "checkov skips written in the resources' Metadata:", ""]
    if skips:
        lines += ["| check | template | logical ID | reason |", "|---|---|---|---|"]
        lines += [f"| {c} | {t} | {i} | {r} |" for c, t, i, r in sorted(skips)]
    else:
        lines.append("none yet.")
    lines += [
        "",
        "checkov findings PENDING (`scripts/checkov-pending.tsv`, to be moved into the",
        "resource's Metadata or fixed in the construct):",
        "",
        "| check | template | logical ID | reason |",
        "|---|---|---|---|",
    ]
    lines += [f"| {e.rule} | {e.template} | {e.logical_id} | {e.reason} |" for e in pending]
    lines += [
        "",
        "Control Tower guard rules allowed to fail (`scripts/guard-allowlist.tsv`):",
        "",
        "| control | rule | template | logical ID | reason |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {ct.get(e.rule, '?')} | {e.rule} | {e.template} | {e.logical_id} | {e.reason} |" for e in allow
    ]
    lines += ["", README_END]
    return "\n".join(lines)


def check_readme(readme: Path, files: list[Path]) -> list[str]:
    text = readme.read_text()
    want = render(files)
    start, end = text.find(README_BEGIN), text.find(README_END)
    if start < 0 or end < 0:
        return [f"{readme.name}: no {README_BEGIN} ... {README_END} block"]
    have = text[start : end + len(README_END)]
    if have != want:
        return [f"{readme.name}: the scanner lists are out of date; paste the output of `scan_templates.py --render DIR`"]
    return []


# ---------------------------------------------------------------- self-test


BAD_TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        # Unversioned, unlogged, unencrypted: checkov CKV_AWS_18/21, guard
        # s3_bucket_versioning_enabled_check and friends.
        "Bad": {"Type": "AWS::S3::Bucket", "Properties": {}},
        # Skips CKV_AWS_18 in its Metadata: checkov must report it as skipped.
        "Skipping": {
            "Type": "AWS::S3::Bucket",
            "Properties": {"VersioningConfiguration": {"Status": "Enabled"}},
            "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_18", "comment": "self-test skip"}]}},
        },
    },
}


def self_test() -> int:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "example-self-test.json"
        bad.write_text(json.dumps(BAD_TEMPLATE, indent=2))
        if select_templates(Path(tmp)) != [bad]:
            problems.append("the template globs did not select example-self-test.json")
        ck, (gf, gp) = run_both([bad])
    problems += ck.problems + gp
    t = "example-self-test"
    if Finding("CKV_AWS_21", t, "Bad") not in ck.failed:
        problems.append("checkov did not report CKV_AWS_21 (versioning) on an unversioned bucket")
    if not any(f == Finding("CKV_AWS_18", t, "Skipping") and c for f, c in ck.skipped):
        problems.append("checkov did not honour a Metadata skip of CKV_AWS_18")
    if Finding("CKV_AWS_18", t, "Skipping") in ck.failed:
        problems.append("checkov reported a check the resource skips in its Metadata")
    if Finding("s3_bucket_versioning_enabled_check", t, "Bad") not in gf:
        problems.append("cfn-guard did not report s3_bucket_versioning_enabled_check on an unversioned bucket")
    if Finding("s3_bucket_versioning_enabled_check", t, "Skipping") in gf:
        problems.append("cfn-guard blamed the versioned bucket for the unversioned one")
    # The list comparison: an unlisted finding and a stale entry both fail;
    # a template glob matches.
    f = Finding("R", "example-a", "X")
    if compare([f], [Entry("R", "example-*", "X", "why", 1)], "list") != []:
        problems.append("compare: a listed finding failed")
    if not compare([f], [], "list"):
        problems.append("compare: an unlisted finding passed")
    if not compare([], [Entry("R", "*", "X", "why", 1)], "list"):
        problems.append("compare: a stale entry passed")
    if not control_ids():
        problems.append("no Control Tower control IDs found in the guard rules")
    for p in problems:
        print(f"SELF-TEST FAILED: {p}")
    if not problems:
        print(
            f"scanner self-test: ok (checkov {len(ck.failed)} failed, {len(ck.skipped)} skipped in Metadata; "
            f"cfn-guard {len(gf)} rule failure(s) on the bad template)"
        )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--min-templates", type=int, default=1)
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--render", action="store_true", help="print the README tables and exit")
    parser.add_argument("--check-readme", type=Path, help="fail unless this README holds the rendered tables")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    files = select_templates(args.directory) if args.directory else []
    if args.render:
        print(render(files))
        return 0
    if args.directory is None:
        parser.error("DIR is required")
    if len(files) < args.min_templates:
        print(f"only {len(files)} template(s) match {TEMPLATE_GLOBS} in {args.directory}; expected {args.min_templates}")
        return 1
    problems, summary = scan(files)
    if args.check_readme:
        problems += check_readme(args.check_readme, files)
    for p in problems:
        print(p)
    print(summary + f": {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
