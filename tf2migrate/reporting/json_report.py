"""`--format json`: one JSON document on stdout, the schema of DESIGN.md (version 1)."""

from __future__ import annotations

import json

from tf2migrate.findings import FileResult
from tf2migrate.reporting import Summary

SCHEMA_VERSION = 1


def render(results: list[FileResult]) -> str:
    summary = Summary.of(results)
    document = {
        "version": SCHEMA_VERSION,
        "files": [result.to_json() for result in results],
        "summary": {
            "files": summary.files,
            "changed": summary.changed,
            "skipped": summary.skipped,
            "failed": summary.failed,
            "findings": summary.findings,
            "manual": summary.needs_person,  # findings left for a person: manual, or unsafe fixes not applied
        },
    }
    return json.dumps(document, indent=2) + "\n"
