"""`civic311 mapping check`: what an import would make of a file, before anything is written."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from civic311_reporting.adapters.importing.cases import Rejection
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapped import parse_row
from civic311_reporting.adapters.importing.mapping import ColumnMapping


@dataclass(slots=True)
class CheckResult:
    found: dict[str, str] = field(default_factory=dict)
    """Mapping key -> its column, for every column the mapping names (all found, or MappingError)."""
    unmapped: list[str] = field(default_factory=list)
    """Columns of the file no key reads."""
    rows: int = 0
    cases: int = 0
    skewed: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def rejected_by_column(self) -> Counter[str]:
        return Counter(r.column or r.reason.split(":")[0] for r in self.rejected)


def check_export(
    export: ExportFile, mapping: ColumnMapping, *, progress: Callable[[], None] | None = None
) -> CheckResult:
    """Parse every row as the import would, writing nothing; counts equal the import's."""
    header = export.header()
    mapping.check_header(header, export.path.name)
    named = {k: v for k, v in mapping.columns.model_dump().items() if v is not None}
    result = CheckResult(found=named, unmapped=[c for c in header if c not in named.values()])
    for line, row in export.rows():
        result.rows += 1
        parsed = parse_row(line, row, mapping)
        if isinstance(parsed, Rejection):
            result.rejected.append(parsed)
        else:
            result.cases += 1
            result.skewed += parsed.skewed
            result.duplicates += any(
                e.event_type == "Closed" and json.loads(e.payload).get("resolution") == "duplicate"
                for e in parsed.events
            )
        if progress is not None and result.rows % 2000 == 0:
            progress()
    return result
