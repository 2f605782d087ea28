"""Charts drawn as inline SVG: the report site opens offline, with no chart library."""

from __future__ import annotations

from html import escape

from ecif.cjk_fonts import FONT_STACK

PALETTE = ("#2f6db5", "#e07b39", "#3a9a5b", "#c23b4f", "#7a5ab8", "#8c8c8c")
_LABEL_WIDTH, _BAR_WIDTH, _ROW, _TOP = 190, 460, 22, 28


def _svg_open(width: float, height: float) -> str:
    # The chart names its fonts itself: an SVG saved from the page and opened on its own
    # inherits no page style, and its Chinese labels must still render.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'width="{width}" height="{height}" font-family=\'{FONT_STACK}\'>')


class Switchable(str):
    """A label written two ways (a date as 2026年11月20日 or 2026-11-20): the page's date
    switch shows the reader's choice (site.DATE_SWITCH)."""

    forms: dict[str, str]

    def __new__(cls, shown: str, forms: dict[str, str]) -> Switchable:
        label = super().__new__(cls, shown)
        label.forms = forms
        return label


def label_parts(text: str, around: str = "{}") -> tuple[str, str]:
    """(attributes, content) of an element showing `text` placed in `around`, escaped; a
    Switchable's forms go into data- attributes for the date switch."""
    forms = getattr(text, "forms", {})
    attributes = "".join(f' data-{name}="{escape(around.format(form))}"'
                         for name, form in forms.items())
    return attributes, escape(around.format(text))


def _fmt(value: float) -> str:
    return f"{value:.1%}" if 0 < abs(value) <= 1 and value != int(value) else f"{value:,.0f}"


def _legend(series: list[str], x0: int = _LABEL_WIDTH) -> str:
    return "".join(
        f'<rect x="{x0 + i * 130}" y="4" width="12" height="12" '
        f'fill="{PALETTE[i % len(PALETTE)]}"/><text x="{x0 + i * 130 + 16}" y="14" '
        f'font-size="12">{escape(name)}</text>' for i, name in enumerate(series))


def bar_chart(labels: list[str], series: dict[str, list[float]]) -> str:
    """Horizontal grouped bars: one group per label, one bar per series."""
    names = list(series)
    top = max((v for values in series.values() for v in values), default=0) or 1
    group = _ROW * len(names) + 6
    height = _TOP + group * len(labels) + 10
    parts = [_svg_open(_LABEL_WIDTH + _BAR_WIDTH + 90, height), _legend(names)]
    for i, label in enumerate(labels):
        y0 = _TOP + i * group
        attributes, text = label_parts(label)
        parts.append(f'<text x="{_LABEL_WIDTH - 8}" y="{y0 + group / 2 + 2}" font-size="12" '
                     f'text-anchor="end"{attributes}>{text}</text>')
        for j, name in enumerate(names):
            value = series[name][i] or 0
            width = _BAR_WIDTH * value / top
            y = y0 + j * _ROW
            tip = label_parts(label, "{} · " + name.replace("{", "{{").replace("}", "}}")
                         + f": {_fmt(value)}")
            parts.append(f'<rect class="bar" x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
                         f'height="{_ROW - 4}" fill="{PALETTE[j % len(PALETTE)]}">'
                         f'<title{tip[0]}>{tip[1]}</title></rect>'
                         f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + _ROW - 8}" '
                         f'font-size="11">{_fmt(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: list[str], series: dict[str, list[float | None]]) -> str:
    """One line per series across ordered points (e.g. quality runs), values 0..1."""
    width, height, left, bottom = 640, 260, 50, 40
    step = (width - left - 20) / max(len(points) - 1, 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        return left + i * step, _TOP + (height - _TOP - bottom) * (1 - value)

    parts = [_svg_open(width, height), _legend(list(series), left)]
    for tick in (0, 0.5, 1):
        _, y = xy(0, tick)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y}" y2="{y}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4}" font-size="11" text-anchor="end">'
                     f'{tick:.0%}</text>')
    for i, point in enumerate(points):
        x, _ = xy(i, 0)
        attributes, text = label_parts(point)
        parts.append(f'<text x="{x}" y="{height - 12}" font-size="11" text-anchor="middle"'
                     f'{attributes}>{text}</text>')
    for j, (name, values) in enumerate(series.items()):
        color = PALETTE[j % len(PALETTE)]
        coords = [xy(i, v) for i, v in enumerate(values) if v is not None]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"><title>'
                  f'{escape(name)}</title></circle>' for x, y in coords]
    parts.append("</svg>")
    return "".join(parts)
