"""`pfocr-rdf validate`: records, folders of records and RDF files, results grouped by file.

Records are converted and validated one at a time, as `convert` does, and the conversion's own warnings
(a skipped table, a ragged row, an unmapped field) are reported beside the SHACL results, as `convert`
reports them. RDF files in triple formats are validated as one graph; in quad formats each named graph
is validated on its own (it holds one figure), streamed, as pySHACL does with a dataset.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..check.report import ValidationResult
from ..check.validate import as_finding, local_name, validator_for
from ..errors import Finding, RecordError, unmapped_field
from ..rdf.terms import split_literal, term_value
from ..read.rdfio import RdfInput, ReadMeter, read_graphs
from ..read.sources import RecordSource
from .pipeline import ConvertOptions, convert_source, reported_already
from .report import plural

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2


@dataclass
class FileReport:
    """The validation results of one input file (or why it could not be read)."""

    path: str
    results: list[ValidationResult] = field(default_factory=list)
    error: Finding | None = None
    skipped: str | None = None
    warnings: list[Finding] = field(default_factory=list)  # the conversion's own, not SHACL's
    unmapped: tuple[str, ...] = ()  # front-matter fields the mapping does not know
    echoed: frozenset[int] = frozenset()  # warnings a SHACL result says too (text: one warning per cause, as convert)

    @property
    def violations(self) -> int:
        return sum(result.is_violation for result in self.results)

    @property
    def warning_count(self) -> int:
        """SHACL results that are not violations, and the conversion's warnings (a cause both report counted once)."""
        return len(self.results) - self.violations + len(self.warnings) - len(self.echoed)


def conversion_warnings(warnings: list[Finding]) -> list[Finding]:
    """A record's warnings less its SHACL results (those are reported as results)."""
    return [finding for finding in warnings if not finding.kind.startswith("shape:")]


_ORGANISM_KINDS = ("unknown-organism", "ambiguous-organism")


def _echoed(warnings: list[Finding], results: list[ValidationResult], outcome: Any) -> frozenset[int]:
    """The organism warnings whose name a SHACL result reports too (an organism name without a taxon):
    `convert` counts that cause once, and so does validate's text, showing the SHACL result."""
    names = {split_literal(r.focus)[0] for r in results if reported_already(r, outcome)}
    return frozenset(
        n
        for n, finding in enumerate(warnings)
        if finding.kind in _ORGANISM_KINDS
        and finding.field == "organisms"
        and any(finding.message.startswith(f"organism {name!r} ") for name in names)
    )


def run_warnings(reports: list[FileReport], early: Sequence[Finding] = ()) -> list[Finding]:
    """Warnings about the run rather than one file: site organism pages skipped (`early`), and one
    `unmapped-field` per front-matter field the mapping does not know, with its record count and first file."""
    unmapped: dict[str, tuple[int, str]] = {}
    for report in reports:
        for name in report.unmapped:
            count, first = unmapped.get(name, (0, report.path))
            unmapped[name] = (count + 1, first)
    return [*early, *(unmapped_field(name, count, first) for name, (count, first) in sorted(unmapped.items()))]


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
        warnings = conversion_warnings(outcome.warnings)
        echoed = _echoed(warnings, outcome.results, outcome)
        reports.append(
            FileReport(source.display, outcome.results, outcome.error, outcome.skipped, warnings, outcome.unmapped, echoed)
        )
        if progress is not None:
            progress(done, len(records))
    return reports


def exit_status(reports: list[FileReport]) -> int:
    if any(report.error for report in reports):
        return EXIT_UNREADABLE
    return EXIT_VIOLATIONS if any(report.violations for report in reports) else EXIT_CONFORMS


def text_report(reports: list[FileReport], verbose: bool = True, general: Sequence[Finding] = ()) -> str:
    """Grouped by file: a header line per file, then one line per result (and per conversion warning) naming
    the field; then the warnings about the run (`general`, see run_warnings); when not verbose, only the files
    with problems, and only their violations (the totals count every file and every warning)."""
    lines = []
    checked = [r for r in reports if not r.skipped]
    for report in checked:
        if not verbose and not (report.error or report.violations):
            continue
        if report.error is not None:
            lines.append(f"{report.path}: could not be read: {report.error.message} [{report.error.kind}]")
            continue
        warnings = report.warning_count
        state = f"{report.violations} violation{'s' * (report.violations != 1)}" if report.violations else "conforms"
        extra = f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else ""
        lines.append(f"{report.path}: {state}{extra}")
        for finding in [f for n, f in enumerate(report.warnings) if n not in report.echoed] if verbose else ():
            lines.append(f"  {'warning':<9} {finding.field or '(record)'}: {finding.message}{_where(finding, report.path)} "
                         f"[{finding.kind}]")  # fmt: skip
        for result in report.results:
            if result.is_violation or verbose:
                finding = as_finding(result, report.path)
                label = "violation" if result.is_violation else "warning"
                lines.append(f"  {label:<9} {finding.field or '(focus node)'}: {finding.message} [{finding.kind}]")
    if verbose:
        lines.extend(f"warning: {finding}" for finding in general)
    unreadable = sum(1 for r in checked if r.error)
    bad = sum(1 for r in checked if r.violations)
    warnings_total = sum(r.warning_count for r in checked) + len(general)
    lines.append(
        f"pfocr-rdf validate: {plural(len(checked), 'file')}, {bad} with violations, {plural(warnings_total, 'warning')}, "
        f"{unreadable} unreadable"
    )
    return "\n".join(lines) + "\n"


def _where(finding: Finding, path: str) -> str:
    """Where a conversion warning is, when not in the record itself (a sidecar table), or its line."""
    line = f":{finding.line}" if finding.line is not None else ""
    if finding.source != path:
        return f" (at {finding.source}{line})"
    return f" (line {finding.line})" if line else ""


def json_report(reports: list[FileReport], general: Sequence[Finding] = ()) -> str:
    """`files`: per file, its SHACL `results` and its conversion `warnings` (findings); `warnings` at the
    top: those about the run (see run_warnings)."""
    files = []
    for report in reports:
        if report.skipped:
            continue
        entry: dict[str, object] = {"file": report.path, "conforms": report.error is None and not report.violations}
        if report.error is not None:
            entry["error"] = report.error.as_json()
        entry["results"] = [_json_result(result, report.path) for result in report.results]
        entry["warnings"] = [finding.as_json() for finding in report.warnings]
        files.append(entry)
    conforms = exit_status(reports) == EXIT_CONFORMS
    document = {"conforms": conforms, "files": files, "warnings": [finding.as_json() for finding in general]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


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
    entry["sourceShape"] = result.shape if result.shape[:2] == "_:" else term_value(result.shape)  # a blank node: its label
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
