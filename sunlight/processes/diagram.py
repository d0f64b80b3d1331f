"""Workflow diagrams (工作流程图, S3) drawn from the executable definition, never apart from it.

The SVG is self-contained (no scripts, no external fonts) so it can be shown on the portal,
printed in a guide and embedded in a PDF. A case's progress colours the nodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunlight.orgs.models import PostKind
from sunlight.processes.definition import Definition, Node
from sunlight.processes.layout import Box, back_edges, layout

STAGE_COLOURS = ("#e3f2fd", "#e8f5e9", "#fff3e0", "#f3e5f5", "#e0f7fa", "#fbe9e7", "#f1f8e9", "#ede7f6")
STATE_STYLE = {
    "done": ("#c8e6c9", "#2e7d32"),
    "active": ("#fff59d", "#f57f17"),
    "overdue": ("#ffcdd2", "#c62828"),
}
FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif"


CONDITION_LABELS = {
    "decision=='approve'": gettext_lazy("approved"),
    "decision=='refuse'": gettext_lazy("refused"),
}


def _wrap(text: str, width: int = 11) -> list[str]:
    """CJK text wraps at any character; two lines at most."""
    lines = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1] + "…"]
    return lines


def _text(x: int, y: int, text: str, size: int = 12, anchor: str = "middle", weight: str = "normal") -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
        f'font-family="{FONT}">{escape(text)}</text>'
    )


def _node(node: Node, box: Box, fill: str, stroke: str, d: Definition, unit_names: Mapping[str, str]) -> str:
    title = f"<title>{escape(node.name or node.id)}</title>"
    if node.type == "task":
        lines = _wrap(node.name)
        parts = [
            f'<g class="node task" data-node="{node.id}">{title}',
            f'<rect x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="2"/>',
        ]
        for index, line in enumerate(lines):
            parts.append(_text(box.cx, box.y + 20 + index * 16, line, 13, weight="bold"))
        post = node.post
        if post is not None:
            where = unit_names.get(post.org, "") if post.org not in ("owner", "intake") else ""
            if post.org == "intake" and d.intake == "township":
                where = _("township")
            who = f"{where} {post.office} {PostKind(post.kind).label}".strip()
            parts.append(_text(box.cx, box.y + box.h - 22, who[:16], 10))
            parts.append(_text(box.cx, box.y + box.h - 8, _("%(n)d working days") % {"n": node.limit}, 10))
        parts.append("</g>")
        return "".join(parts)
    if node.type in ("exclusive", "parallel"):
        cx, cy, r = box.cx, box.cy, box.w // 2
        mark = "×" if node.type == "exclusive" else "+"
        return (
            f'<g class="node gateway" data-node="{node.id}">{title}'
            f'<polygon points="{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}" fill="#fff" stroke="{stroke}" stroke-width="2"/>'
            + _text(cx, cy + 7, mark, 20, weight="bold")
            + "</g>"
        )
    width = 4 if node.type == "end" else 2
    colour = "#c62828" if node.outcome == "refused" else stroke
    label = node.name or (_("Start") if node.type == "start" else _("End"))
    return (
        f'<g class="node event" data-node="{node.id}">{title}'
        f'<circle cx="{box.cx}" cy="{box.cy}" r="{box.w // 2}" fill="{fill}" stroke="{colour}" stroke-width="{width}"/>'
        + _text(box.cx, box.y + box.h + 14, label, 11)
        + "</g>"
    )


def _edge(src: Box, dst: Box, loop: bool, label: str) -> str:
    if loop:
        x1, y1, x2, y2 = src.cx, src.y + src.h, dst.cx, dst.y + dst.h
        low = max(y1, y2) + 30
        path = f"M{x1},{y1} C{x1},{low} {x2},{low} {x2},{y2}"
        lx, ly = (x1 + x2) // 2, low - 4
    else:
        x1, y1, x2, y2 = src.x + src.w, src.cy, dst.x, dst.cy
        mid = (x1 + x2) // 2
        path = f"M{x1},{y1} L{mid},{y1} L{mid},{y2} L{x2},{y2}"
        lx, ly = mid + 4, min(y1, y2) + (abs(y2 - y1) // 2) - 4 if y1 != y2 else y1 - 6
    out = f'<path d="{path}" fill="none" stroke="#546e7a" stroke-width="1.5" marker-end="url(#arrow)"/>'
    if label:
        out += _text(lx, ly, label[:14], 10, anchor="start")
    return out


def svg(
    d: Definition, states: Mapping[str, str] | None = None, unit_names: Mapping[str, str] | None = None
) -> str:
    """The diagram as SVG; `states` maps node ids to done / active / overdue; `unit_names` maps
    unit abbreviations to the names shown on steps handled outside the owner."""
    states = states or {}
    unit_names = unit_names or {}
    boxes, width, height = layout(d)
    stage_colour = {stage: STAGE_COLOURS[i % len(STAGE_COLOURS)] for i, (stage, _name) in enumerate(d.stages)}
    loops = back_edges(d)
    legend_y = 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 40}" width="{width}" '
        f'height="{height + 40}" role="img" aria-label="{escape(d.name)}">',
        f"<title>{escape(d.name)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#546e7a"/></marker></defs>',
    ]
    x = 10
    for stage, name in d.stages:
        parts.append(
            f'<rect x="{x}" y="{legend_y - 11}" width="14" height="14" fill="{stage_colour[stage]}" stroke="#90a4ae"/>'
        )
        parts.append(_text(x + 18, legend_y + 1, name, 11, anchor="start"))
        x += 28 + 12 * len(name)
    parts.append('<g transform="translate(0,30)">')
    for flow in d.flows:
        label = (
            str(CONDITION_LABELS.get(flow.when.replace('"', "'").replace(" ", ""), "")) if flow.when else ""
        )
        if flow.when and not label:
            label = flow.when.replace("form.", "").replace("data.", "")
        if flow.default:
            label = _("otherwise")
        parts.append(
            _edge(boxes[flow.source], boxes[flow.target], (flow.source, flow.target) in loops, label)
        )
    for node in d.nodes:
        fill = stage_colour.get(node.stage, "#ffffff") if node.type == "task" else "#ffffff"
        stroke = "#37474f"
        if node.id in states:
            fill, stroke = STATE_STYLE.get(states[node.id], (fill, stroke))
        parts.append(_node(node, boxes[node.id], fill, stroke, d, unit_names))
    parts.append("</g></svg>")
    return "".join(parts)
