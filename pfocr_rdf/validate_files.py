"""`pfocr-rdf validate`: records, folders of records and RDF files, results grouped by file.

Records are converted and validated one at a time, as `convert` does. RDF files in triple formats are
validated as one graph; in quad formats each named graph is validated on its own (it holds one
figure), streamed, as pySHACL does with a dataset.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import Finding, RecordError
from .pipeline import ConvertOptions, convert_source
from .rdfio import RdfInput, ReadMeter, read_graphs
from .report import plural
from .shacl import ValidationResult
from .sources import RecordSource
from .terms import split_literal, term_value
from .validate import as_finding, local_name, validator_for

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2


@dataclass
class FileReport:
    """The validation results of one input file (or why it could not be read)."""

    path: str
    results: list[ValidationResult] = field(default_factory=list)
    error: Finding | None = None
    skipped: str | None = None

    @property
    def violations(self) -> int:
        return sum(result.is_violation for result in self.results)


def validate_paths(
    rdf_files: Sequence[str | RdfInput],
    records: Sequence[RecordSource],
    options: ConvertOptions,
    progress: Any = None,
) -> list[FileReport]:
    """Validate RDF files, and records (converted first: their conversion errors are reported).

    `progress` is called with (records done, records in all); when it has a `reading` method (see
    rdfio.ReadProgress), it is told the bytes and statements read of the RDF files too."""
    assert options.validation is not None
    validate = validator_for(options.validation)
    reports: list[FileReport] = []
    meter = ReadMeter(rdf_files, progress if hasattr(progress, "reading") else None, "RDF files")
    for path in rdf_files:
        report = FileReport(path.display if isinstance(path, RdfInput) else path)
        try:
            for _, nodes in read_graphs(path, meter):
                report.results.extend(validate(nodes))
        except RecordError as exc:
            report.error = exc.finding
        reports.append(report)
    for done, source in enumerate(records, 1):
        outcome = convert_source(source, options)
        reports.append(FileReport(source.display, outcome.results, outcome.error, outcome.skipped))
        if progress is not None:
            progress(done, len(records))
    return reports


def exit_status(reports: list[FileReport]) -> int:
    if any(report.error for report in reports):
        return EXIT_UNREADABLE
    return EXIT_VIOLATIONS if any(report.violations for report in reports) else EXIT_CONFORMS


def text_report(reports: list[FileReport], verbose: bool = True) -> str:
    """Grouped by file: a header line per file, then one line per result naming the field; when not
    verbose, only the files with problems, and only their violations (the totals count every file)."""
    lines = []
    checked = [r for r in reports if not r.skipped]
    for report in checked:
        if not verbose and not (report.error or report.violations):
            continue
        if report.error is not None:
            lines.append(f"{report.path}: could not be read: {report.error.message} [{report.error.kind}]")
            continue
        warnings = len(report.results) - report.violations
        state = f"{report.violations} violation{'s' * (report.violations != 1)}" if report.violations else "conforms"
        extra = f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else ""
        lines.append(f"{report.path}: {state}{extra}")
        for result in report.results:
            if result.is_violation or verbose:
                finding = as_finding(result, report.path)
                label = "violation" if result.is_violation else "warning"
                lines.append(f"  {label:<9} {finding.field or '(focus node)'}: {finding.message} [{finding.kind}]")
    unreadable = sum(1 for r in checked if r.error)
    bad = sum(1 for r in checked if r.violations)
    warnings_total = sum(len(r.results) - r.violations for r in checked)
    lines.append(
        f"pfocr-rdf validate: {plural(len(checked), 'file')}, {bad} with violations, {plural(warnings_total, 'warning')}, "
        f"{unreadable} unreadable"
    )
    return "\n".join(lines) + "\n"


def json_report(reports: list[FileReport]) -> str:
    files = []
    for report in reports:
        if report.skipped:
            continue
        entry: dict[str, object] = {"file": report.path, "conforms": report.error is None and not report.violations}
        if report.error is not None:
            entry["error"] = report.error.as_json()
        entry["results"] = [_json_result(result, report.path) for result in report.results]
        files.append(entry)
    conforms = exit_status(reports) == EXIT_CONFORMS
    return json.dumps({"conforms": conforms, "files": files}, ensure_ascii=False, indent=2) + "\n"


def _json_result(result: ValidationResult, path: str) -> dict[str, object]:
    """One result with plain IRIs (README, "JSON report"): a literal (value or focus node) as its lexical
    form with its datatype (a plain string's too: xsd:string) or language beside it; a blank node as its
    `_:` label; an inverse path as {"inversePath": IRI}."""
    entry: dict[str, object] = {
        "severity": local_name(result.severity),
        "field": as_finding(result, path).field,
        "message": result.message,
    }
    _put_term(entry, "focusNode", result.focus)
    entry["resultPath"] = None
    if result.path is not None:
        inverse = result.path.startswith("^")
        iri = term_value(result.path[1:] if inverse else result.path)
        entry["resultPath"] = {"inversePath": iri} if inverse else iri
    _put_term(entry, "value", result.value)
    entry["sourceShape"] = term_value(result.shape)
    entry["sourceConstraintComponent"] = term_value(result.component)
    return entry


def _put_term(entry: dict[str, object], key: str, term: str | None) -> None:
    """`key`: an IRI as a plain string, a blank node as its `_:` label, None as null; a literal as its
    lexical form, with `keyLanguage` (a language-tagged string) or else `keyDatatype` beside it."""
    if term is None:
        entry[key] = None
    elif term[:1] == '"':
        lexical, datatype, language = split_literal(term)
        entry[key] = lexical
        if language:
            entry[key + "Language"] = language
        else:
            entry[key + "Datatype"] = datatype
    elif term[:2] == "_:":
        entry[key] = term
    else:
        entry[key] = term_value(term)
