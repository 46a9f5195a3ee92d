"""Charts as data first: the same numbers become an accessible SVG (pygal), a table and a CSV.

Counts of people below :data:`THRESHOLD` are never shown as numbers: the chart leaves a gap
and the table and CSV say "fewer than 5", so a small figure cannot point at one person.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Literal

import pygal
from markupsafe import Markup
from pygal.style import Style

from server.i18n import _
from server.validation import without_control_characters

SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
THRESHOLD = 5
Kind = Literal["bar", "stacked", "line", "hbar"]
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#5b6770",
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    colors=("#1d5f8a", "#d9822b", "#2f6b3a", "#8a3b12", "#6b3d8a", "#5b6770"),
)


def shown(value: float | None, *, people: bool = True) -> float | None:
    """A figure as it may be shown: counts of people from 1 to 4 are withheld (``None``)."""
    if value is None or not people:
        return value
    return None if 0 < value < THRESHOLD else value


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    kind: Kind = "bar"
    people: bool = True  # the values count people (or what people did): apply the threshold
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def of(
        cls,
        slug: str,
        title: str,
        description: str,
        labels: list[str],
        series: dict[str, list[float]],
        kind: Kind = "bar",
        *,
        people: bool = True,
    ) -> "Chart":
        # Labels can be what strangers typed (search terms): nothing XML cannot carry reaches the SVG.
        return cls(
            slug,
            title,
            description,
            tuple(without_control_characters(label) for label in labels),
            tuple(
                Series(without_control_characters(name), tuple(shown(v, people=people) for v in values))
                for name, values in series.items()
            ),
            kind,
            people,
        )

    @property
    def empty(self) -> bool:
        return not self.labels or all(v == 0 for s in self.series for v in s.values)

    @property
    def all_withheld(self) -> bool:
        return not self.empty and all(v in (None, 0) for s in self.series for v in s.values)

    @property
    def withheld(self) -> bool:
        return any(v is None for s in self.series for v in s.values)

    def rows(self) -> list[list[str]]:
        """The table (and the CSV): a header, then one row per label."""
        header = ["", *[s.name for s in self.series]]
        return [header] + [[label, *[_cell(s.values[n]) for s in self.series]] for n, label in enumerate(self.labels)]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for row in self.rows():
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        return out.getvalue()

    def svg(self) -> Markup:
        """The chart as inline SVG, labelled for screen readers (the table beside it has every figure)."""
        chart_class = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "line": pygal.Line, "hbar": pygal.HorizontalBar}[
            self.kind
        ]
        chart = chart_class(
            style=STYLE,
            js=[],
            disable_xml_declaration=True,
            height=320 if self.kind != "hbar" else max(200, 60 + 34 * len(self.labels)),
            width=800,
            show_legend=len(self.series) > 1,
            legend_at_bottom=True,
            x_label_rotation=0 if len(self.labels) <= 6 or self.kind == "hbar" else 35,
            truncate_label=40,
            print_values=False,
            include_x_axis=True,
            explicit_size=False,
        )
        # pygal draws a horizontal bar chart's first label at the bottom; the table reads top down.
        order = list(reversed(range(len(self.labels)))) if self.kind == "hbar" else list(range(len(self.labels)))
        chart.x_labels = [self.labels[n] for n in order]
        for series in self.series:
            chart.add(series.name, [series.values[n] for n in order])
        svg = SCRIPT.sub("", chart.render(is_unicode=True))  # pygal's tooltip script: not needed, not allowed by CSP
        label = f'role="img" aria-labelledby="{self.slug}-title {self.slug}-desc"'
        svg = svg.replace("<svg ", f'<svg {label} focusable="false" ', 1)
        svg = svg.replace(
            ">",
            f'><title id="{self.slug}-title">{_xml(self.title)}</title>'
            f'<desc id="{self.slug}-desc">{_xml(self.description)}</desc>',
            1,
        )
        return Markup(svg)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: '=HYPERLINK(...)' typed as a search stays words.

    The usual defence (OWASP's): a cell that starts like a formula gets a leading apostrophe.
    """
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def few() -> str:
    """What a withheld figure says instead of its value, in the reader's language."""
    return _("fewer than %(count)s", count=THRESHOLD)


def _cell(value: float | None) -> str:
    if value is None:
        return few()
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
