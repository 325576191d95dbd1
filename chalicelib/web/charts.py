"""Bar charts as server-rendered SVG (no JavaScript): geometry here, markup in
templates/owner/reports/_chart.html. Each chart is drawn beside a table of the same numbers, so
the SVG is a picture for the eye and the table what a screen reader reads."""
from ..domain.values import frozen

WIDTH = 320
HEIGHT = 140
BASELINE = 120  # bars stand on this line; labels go below it
GAP = 4


@frozen
class Bar:
    label: str  # under the bar (e.g. "Mar")
    text: str  # the number as the table shows it
    x: float
    width: float
    y: float
    height: float


@frozen
class Chart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BASELINE

    @property
    def summary(self) -> str:
        return "; ".join(f"{b.label}: {b.text}" for b in self.bars)


def bar_chart(chart_id: str, title: str, points: list[tuple[str, float | None, str]]) -> Chart:
    """`points`: (label, value or None for "no figure", the value as text)."""
    top = max((v for _, v, _ in points if v), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    bars = []
    for index, (label, value, text) in enumerate(points):
        height = (value or 0) / top * (BASELINE - 10)
        bars.append(Bar(label, text, round(index * slot + GAP / 2, 1), round(slot - GAP, 1),
                        round(BASELINE - height, 1), round(height, 1)))
    return Chart(chart_id, title, tuple(bars))
