"""`# tf2migrate: ignore[TFM301]` comments: where they are and which codes they silence.

A comment silences findings on its own line, or, when it stands alone on a line, on the line below.
`# tf2migrate: ignore` without codes silences every rule there.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

MARKER = "tf2migrate:"
_COMMENT = re.compile(r"#\s*tf2migrate:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
ALL_CODES = "*"


@dataclass(frozen=True)
class Suppression:
    line: int  # the line of the comment
    codes: frozenset[str]  # {"*"} for all
    own_line: bool  # the comment stands alone on its line

    def covers(self, code: str) -> bool:
        return ALL_CODES in self.codes or code in self.codes


@dataclass
class SuppressionIndex:
    by_line: dict[int, list[Suppression]] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> "SuppressionIndex":
        index = cls()
        if MARKER not in text:
            return index
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return index
        previous_line_with_code = 0
        for token in tokens:
            if token.type == tokenize.COMMENT:
                match = _COMMENT.search(token.string)
                if match:
                    raw = match.group("codes")
                    codes = frozenset(c.strip().upper() for c in raw.split(",") if c.strip()) if raw else frozenset({ALL_CODES})
                    line = token.start[0]
                    index.by_line.setdefault(line, []).append(
                        Suppression(line=line, codes=codes, own_line=previous_line_with_code != line)
                    )
            elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                previous_line_with_code = token.end[0]
        return index

    def find(self, code: str, line: int) -> Suppression | None:
        for suppression in self.by_line.get(line, ()):
            if suppression.covers(code):
                return suppression
        for suppression in self.by_line.get(line - 1, ()):
            if suppression.own_line and suppression.covers(code):
                return suppression
        return None

    def all(self) -> list[Suppression]:
        return [s for line in sorted(self.by_line) for s in self.by_line[line]]
