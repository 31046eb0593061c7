"""One record in, one small graph out: the pure per-record pipeline.

read -> split front matter -> normalise -> mentions -> JSON-LD -> mapping (-> validation).
Every failure becomes data on the returned `RecordOutcome`, so a bad record never stops a run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..check.report import ValidationResult
from ..check.validate import ValidationSettings, as_finding, local_name, validator_for
from ..errors import Finding, RecordError
from ..map.jsonld import FIELD as JSONLD_FIELD
from ..map.jsonld import expand_jsonld_reference, load_pyld, prepare_jsonld
from ..map.jsonld_scope import figure_statements_only
from ..map.jsonld_templates import expand_jsonld
from ..map.mapping import figure_iri_for, map_record
from ..map.taxa import organism_resolver
from ..map.vocab import prefix_converter
from ..rdf.graph import NodeMap, RecordGraph
from ..rdf.terms import split_literal
from ..read.frontmatter import DEFAULT_YAML_LIMITS, YamlLimits, another_record_line, has_front_matter, read_front_matter
from ..read.mention_tables import read_mentions
from ..read.mentions import CHEMICAL, DEFAULT_MAX_TABLE_ROWS, DISEASE, GENE, MentionSet
from ..read.organisms import OrganismTable, bundled_table, site_table
from ..read.record import FigureRecord, normalise_record
from ..read.sources import RecordSource, SourceSet
from ..read.taxonomy import Taxonomy
from ..read.text_files import DEFAULT_MAX_FILE_BYTES, read_text

DEFAULT_VALIDATION = ValidationSettings()
JsonLdExpander = Callable[[dict[str, Any], str, str], NodeMap]


@dataclass(frozen=True)
class ConvertOptions:
    """Read-only settings shared by every record of a run."""

    organisms: OrganismTable = field(default_factory=bundled_table)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    yaml_limits: YamlLimits = DEFAULT_YAML_LIMITS
    reference: bool = False  # run pyld on every record instead of the memoised templates
    validation: ValidationSettings | None = field(default_factory=ValidationSettings)  # None: do not validate
    taxonomy: Taxonomy | None = None  # NCBI Taxonomy's names (--taxonomy), after every other organism source
    max_table_rows: int = DEFAULT_MAX_TABLE_ROWS


def options_for(
    found: SourceSet,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    yaml_limits: YamlLimits = DEFAULT_YAML_LIMITS,
    reference: bool = False,
    validation: ValidationSettings | None = DEFAULT_VALIDATION,
    taxonomy: Taxonomy | None = None,
    max_table_rows: int = DEFAULT_MAX_TABLE_ROWS,
) -> tuple[ConvertOptions, list[Finding]]:
    """Options for converting `found`: its site checkouts' organism pages come before the bundled table."""
    if validation is not None:
        validator_for(validation)  # compiled (or the pySHACL fallback announced) once, before any worker forks
    site, findings = site_table(found.organism_dirs)
    organisms = site.overlaid_on(bundled_table())
    options = ConvertOptions(organisms, max_file_bytes, yaml_limits, reference, validation, taxonomy, max_table_rows)
    return options, findings


@dataclass
class RecordOutcome:
    """What became of one source: a graph, or an error; warnings and repair counts either way."""

    source: str
    figid: str | None = None
    graph: RecordGraph | None = None
    error: Finding | None = None
    skipped: str | None = None  # a folder's file that is not a record, and why
    warnings: list[Finding] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)
    unmapped: tuple[str, ...] = ()
    results: list[ValidationResult] = field(default_factory=list)  # SHACL results, when validated
    violations: list[Finding] = field(default_factory=list)  # the results that reject the record
    organisms: Counter[str] = field(default_factory=Counter)  # organism names resolved, by source ("" none)
    unresolved: set[str] = field(default_factory=set)  # organism names already reported as unresolved

    @property
    def rejected(self) -> bool:
        return bool(self.violations)


def record_from_text(text: str, display: str, options: ConvertOptions | None = None) -> FigureRecord:
    """Parse and normalise one record's text (raises RecordError)."""
    data = read_front_matter(text, display, (options or ConvertOptions()).yaml_limits)
    return normalise_record(data, display)


def _inline(record: FigureRecord) -> dict[str, Any]:
    return {GENE: record.inline_genes, CHEMICAL: record.inline_chemicals, DISEASE: record.inline_diseases}


def graph_from_record(
    record: FigureRecord,
    table_dirs: tuple[str, ...],
    fallback_name: str,
    options: ConvertOptions | None = None,
    outcome: RecordOutcome | None = None,
) -> RecordGraph:
    """Mentions, JSON-LD and mapping for a parsed record; findings go to `outcome` when given."""
    options = options or ConvertOptions()
    outcome = outcome if outcome is not None else RecordOutcome(record.source)
    outcome.figid, outcome.unmapped = record.figid, record.unmapped
    outcome.warnings.extend(record.warnings)
    mentions: MentionSet = read_mentions(
        record.figid, _inline(record), table_dirs, record.source, options.max_file_bytes, options.max_table_rows
    )
    outcome.warnings.extend(mentions.warnings)
    figure = figure_iri_for(record, fallback_name)
    nodes: NodeMap | None = None
    if record.jsonld is not None:
        prepared = prepare_jsonld(record.jsonld, figure, record.figtitle, record.source)
        expand = expand_jsonld_reference if options.reference else expand_jsonld
        outcome.warnings.extend(prepared.warnings)
        expanded = expand(prepared.document, figure, record.source, outcome.warnings)
        nodes = figure_statements_only(expanded, "<" + figure + ">", record.source, outcome.warnings)
        for kind, n in prepared.repairs.items():
            outcome.repairs[kind] = outcome.repairs.get(kind, 0) + n
    else:
        outcome.warnings.append(Finding(record.source, "no-jsonld", "no schema-jsonld block", JSONLD_FIELD))
    resolve = organism_resolver(options.organisms, mentions.organisms, options.taxonomy)
    mapped = map_record(record, mentions, nodes, resolve, fallback_name)
    outcome.warnings.extend(mapped.warnings)
    outcome.organisms, outcome.unresolved = mapped.organisms, mapped.unresolved
    return mapped.graph


def validate_outcome(outcome: RecordOutcome, settings: ValidationSettings) -> None:
    """Validate the outcome's graph; violations reject the record, warnings are kept as warnings."""
    assert outcome.graph is not None
    outcome.results = validator_for(settings)(outcome.graph.nodes)
    for result in outcome.results:
        if reported_already(result, outcome):
            continue
        finding = as_finding(result, outcome.source)
        (outcome.violations if result.is_violation else outcome.warnings).append(finding)


_UNRESOLVED_SHAPE = "OrganismName-taxon"


def reported_already(result: ValidationResult, outcome: RecordOutcome) -> bool:
    """A name without a taxon that the mapping already reported: one warning per cause, not two."""
    if not outcome.unresolved or result.is_violation or local_name(result.shape) != _UNRESOLVED_SHAPE:
        return False
    return result.focus[:1] == '"' and split_literal(result.focus)[0] in outcome.unresolved


def warm_up() -> None:
    """Load what the conversion loads on first use (pyld, the curies converter and the pydantic it brings:
    about 0.35 s), once, before workers fork: each would otherwise load its own copy on its first record."""
    load_pyld()
    prefix_converter()


def convert_source(source: RecordSource, options: ConvertOptions | None = None) -> RecordOutcome:
    """Convert (and validate) one record file or stdin text; never raises for bad input."""
    options = options or ConvertOptions()
    outcome = RecordOutcome(source.display)
    try:
        text = source.text if source.text is not None else read_text(source.path, source.display, options.max_file_bytes)
        if not source.explicit and not has_front_matter(text):
            outcome.skipped = "empty file" if not text.strip() else "no front matter"
            return outcome
        if source.text is not None and (line := another_record_line(text)) is not None:
            raise RecordError(
                source.display,
                "several-records",
                f"standard input holds more than one record (another opens at line {line}); "
                "give the records as files or a folder",
                line=line,
            )
        record = record_from_text(text, source.display, options)
        outcome.graph = graph_from_record(record, source.table_dirs, source.stem, options, outcome)
    except RecordError as exc:
        outcome.error = exc.finding
        outcome.graph = None
        return outcome
    if options.validation is not None:
        validate_outcome(outcome, options.validation)
    return outcome
