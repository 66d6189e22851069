"""`--format sarif`: SARIF 2.1.0 for code-scanning tools (columns are 1-based there)."""

from __future__ import annotations

import json
import os

from tf2migrate import __version__
from tf2migrate.findings import FileResult, FileStatus, FixState


def artifact_uri(path: str) -> str:
    """A relative path as an RFC 3986 URI reference (spaces, `%`, `#`, non-ASCII percent-encoded as UTF-8);
    an absolute path as a `file://` URI."""
    from urllib.parse import quote

    posix = path.replace("\\", "/")
    if os.path.isabs(path) or (len(posix) > 1 and posix[1] == ":"):
        return "file://" + quote(posix if posix.startswith("/") else "/" + posix, safe="/:")
    return quote(posix, safe="/")


def render(results: list[FileResult]) -> str:
    from tf2migrate.codemods import all_rules

    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_results = []
    for result in results:
        for finding in result.findings:
            location: dict[str, object] = {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(result.path)},
                    "region": {"startLine": finding.line, "startColumn": finding.column + 1},
                }
            }
            if finding.cell is not None:
                # A notebook: the region is a line of the cell's source, which the logical location names.
                location["physicalLocation"]["region"]["properties"] = {"cell": finding.cell}  # type: ignore[index]
                location["logicalLocations"] = [{"name": f"cell {finding.cell}", "kind": "module"}]
            sarif_results.append(
                {
                    "ruleId": finding.code,
                    "ruleIndex": index.get(finding.code, -1),
                    "level": "warning" if finding.fix is FixState.MANUAL else "note",
                    "message": {"text": f"{finding.message} [fix: {finding.fix.value}]"},
                    "locations": [location],
                }
            )
    notifications = [
        {"level": "error", "message": {"text": f"{r.path}: {r.reason}"}} for r in results if r.status is FileStatus.FAILED
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tf2migrate",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.name,
                                "shortDescription": {"text": rule.summary},
                                "fullDescription": {"text": rule.explanation},
                                "properties": {"fix": rule.fix.value},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": sarif_results,
                "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
