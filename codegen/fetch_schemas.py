#!/usr/bin/env python3
"""Copy the CloudFormation registry schemas listed in codegen/types.txt out of
an installed cfn-lint into schemas/<aws-service-type>.json.

Usage (from the workspace root):
    python3 codegen/fetch_schemas.py [path/to/site-packages/cfnlint]

The default cfn-lint is the one in .venv. The layout read here (a provider
file mapping type names to content-addressed schema files) is the one of
cfn-lint 1.58.0; other versions lay their data out differently, so the
version is checked and written to schemas/SOURCE.md.
"""

import datetime
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PINNED_VERSION = "1.58.0"
REGION = "us-east-1"


def find_cfnlint():
    if len(sys.argv) > 1:
        return sys.argv[1]
    found = glob.glob(os.path.join(ROOT, ".venv", "lib", "python3*", "site-packages", "cfnlint"))
    if not found:
        sys.exit("cfn-lint not found in .venv; pass the path of the cfnlint package")
    return found[0]


def installed_version(cfnlint_dir):
    site = os.path.dirname(cfnlint_dir)
    for meta in glob.glob(os.path.join(site, "cfn_lint-*.dist-info", "METADATA")):
        with open(meta, encoding="utf-8") as f:
            for line in f:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    return "unknown"


def read_types():
    with open(os.path.join(ROOT, "codegen", "types.txt"), encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    return [line for line in lines if line and not line.startswith("#")]


def file_name(type_name):
    return type_name.lower().replace("::", "-") + ".json"


def main():
    cfnlint_dir = find_cfnlint()
    version = installed_version(cfnlint_dir)
    if version != PINNED_VERSION:
        sys.exit(f"cfn-lint {version} found; the schema layout read here is that of {PINNED_VERSION}")
    data = os.path.join(cfnlint_dir, "data", "schemas")
    with open(os.path.join(data, "providers", f"{REGION}.json"), encoding="utf-8") as f:
        provider = json.load(f)
    out_dir = os.path.join(ROOT, "schemas")
    os.makedirs(out_dir, exist_ok=True)
    types = read_types()
    rows = []
    for type_name in types:
        schema_id = provider.get(type_name)
        if schema_id is None:
            sys.exit(f"{type_name} is not in providers/{REGION}.json")
        with open(os.path.join(data, "resources", f"{schema_id}.json"), encoding="utf-8") as f:
            schema = json.load(f)
        with open(os.path.join(out_dir, file_name(type_name)), "w", encoding="utf-8") as f:
            json.dump(schema, f, indent=2, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        rows.append(f"| `{type_name}` | `{file_name(type_name)}` | `resources/{schema_id}.json` |")
    today = datetime.date.today().isoformat()
    with open(os.path.join(data, "version.json"), encoding="utf-8") as f:
        schema_date = json.load(f).get("schema_date", "unknown")
    with open(os.path.join(out_dir, "SOURCE.md"), "w", encoding="utf-8") as f:
        f.write(
            "# Source of these schemas\n\n"
            "These are CloudFormation registry resource schemas, copied unchanged (re-serialized with\n"
            "sorted keys and two-space indentation) by `codegen/fetch_schemas.py` from the\n"
            f"**cfn-lint {version}** package from PyPI (`pip install cfn-lint=={version}`).\n\n"
            f"- Provider index: `cfnlint/data/schemas/providers/{REGION}.json` (type name to schema id).\n"
            "- Schemas: `cfnlint/data/schemas/resources/<id>.json`.\n"
            f"- cfn-lint's schema date (`cfnlint/data/schemas/version.json`): {schema_date}.\n"
            "- The files are taken as cfn-lint ships them; they already carry cfn-lint's additions\n"
            "  (`requiredXor`, `dependentExcluded`, `format` names such as `AWS::EC2::VPC.Id`).\n"
            f"- Copied on: {today}.\n\n"
            "The list of types is `codegen/types.txt`. Do not edit these files by hand: rerun the\n"
            "script, then the generator (`cargo run -p streamcdk-codegen`).\n\n"
            "| type | file | cfn-lint file |\n|---|---|---|\n"
        )
        f.write("\n".join(rows) + "\n")
    print(f"wrote {len(types)} schemas to {out_dir}")


if __name__ == "__main__":
    main()
