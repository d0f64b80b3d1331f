"""Positions of a process's nodes, shared by the SVG diagram and the BPMN export's diagram.

Left to right in layers (a node's layer is its longest distance from the start, loops
ignored); nodes of a layer are stacked and centred. Deterministic, so the same definition
always draws the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from sunlight.processes.definition import Definition

GAP = 56
ROW = 104
MARGIN = 40
TASK_W, TASK_H = 176, 78
GATEWAY = 44
EVENT = 36


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2


def size_of(node_type: str) -> tuple[int, int]:
    if node_type == "task":
        return TASK_W, TASK_H
    if node_type in ("exclusive", "parallel"):
        return GATEWAY, GATEWAY
    return EVENT, EVENT


def back_edges(d: Definition) -> set[tuple[str, str]]:
    """Flows that close a loop (found by depth-first search from the start)."""
    found: set[tuple[str, str]] = set()
    state: dict[str, int] = {}

    def visit(node_id: str) -> None:
        state[node_id] = 1
        for flow in d.outgoing(node_id):
            if state.get(flow.target) == 1:
                found.add((flow.source, flow.target))
            elif state.get(flow.target) is None:
                visit(flow.target)
        state[node_id] = 2

    visit(d.start.id)
    return found


def layers(d: Definition) -> dict[str, int]:
    loops = back_edges(d)
    layer: dict[str, int] = {d.start.id: 0}
    changed = True
    # Longest-path layering by relaxation; terminates because loops are excluded.
    while changed:
        changed = False
        for flow in d.flows:
            if (flow.source, flow.target) in loops or flow.source not in layer:
                continue
            if layer.get(flow.target, -1) < layer[flow.source] + 1:
                layer[flow.target] = layer[flow.source] + 1
                changed = True
    for node in d.nodes:
        layer.setdefault(node.id, 0)
    return layer


def layout(d: Definition) -> tuple[dict[str, Box], int, int]:
    """Boxes by node id, and the drawing's width and height."""
    layer = layers(d)
    columns: dict[int, list[str]] = {}
    for node in d.nodes:
        columns.setdefault(layer[node.id], []).append(node.id)
    tallest = max(len(ids) for ids in columns.values())
    height = MARGIN * 2 + tallest * ROW
    boxes: dict[str, Box] = {}
    left = MARGIN
    # Columns are as wide as their widest node: gateways and events take little room.
    for column in sorted(columns):
        ids = columns[column]
        column_width = max(size_of(d.node(node_id).type)[0] for node_id in ids)
        top = MARGIN + (tallest - len(ids)) * ROW // 2
        for row, node_id in enumerate(ids):
            w, h = size_of(d.node(node_id).type)
            cx = left + column_width // 2
            cy = top + row * ROW + ROW // 2
            boxes[node_id] = Box(cx - w // 2, cy - h // 2, w, h)
        left += column_width + GAP
    width = left - GAP + MARGIN
    return boxes, width, height
