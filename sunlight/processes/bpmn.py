"""Export and import of a documented BPMN 2.0 subset, openable in bpmn.io / Camunda Modeler.

Subset: startEvent, endEvent, userTask, exclusiveGateway, parallelGateway, sequenceFlow with a
CEL conditionExpression, and non-interrupting timer boundary events marking each step's limit.
Sunlight's own facts (post, working-day limit, form, checkpoints, stages, suspensions,
extension) travel as extension elements and attributes in the namespace `SL` below, which BPMN
tools keep and ignore. Export then import gives back the same definition document.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from django.utils.translation import gettext as _

from sunlight.processes.definition import InvalidDefinition, parse
from sunlight.processes.layout import layout

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SL = "https://sunlight.wangcheng.example/schema/bpmn/1"
for prefix, uri in (("bpmn", BPMN), ("bpmndi", BPMNDI), ("dc", DC), ("di", DI), ("xsi", XSI), ("sl", SL)):
    ET.register_namespace(prefix, uri)

TAG = {
    "start": "startEvent",
    "end": "endEvent",
    "task": "userTask",
    "exclusive": "exclusiveGateway",
    "parallel": "parallelGateway",
}
TYPE = {v: k for k, v in TAG.items()}


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _flow_id(index: int) -> str:
    return f"flow_{index + 1}"


def export(document: dict[str, Any]) -> str:
    d = parse(document)
    root = ET.Element(
        _q(BPMN, "definitions"),
        {
            "id": f"Definitions_{d.code}",
            "targetNamespace": SL,
            "exporter": "Sunlight",
            "exporterVersion": "1",
        },
    )
    process = ET.SubElement(
        root,
        _q(BPMN, "process"),
        {
            "id": f"Process_{d.code.replace('-', '_')}",
            "name": d.name,
            "isExecutable": "true",
            _q(SL, "code"): d.code,
            _q(SL, "owner"): d.owner,
            _q(SL, "power"): d.power,
            _q(SL, "totalLimit"): str(d.total_limit),
            _q(SL, "intake"): d.intake,
        },
    )
    ext = ET.SubElement(process, _q(BPMN, "extensionElements"))
    stages = ET.SubElement(ext, _q(SL, "stages"))
    for stage_id, name in d.stages:
        ET.SubElement(stages, _q(SL, "stage"), {"id": stage_id, "name": name})
    for s in d.suspensions:
        ET.SubElement(
            ext,
            _q(SL, "suspension"),
            {"code": s.code, "name": s.name, "maxDays": str(s.max_days), "basis": s.basis},
        )
    if d.extension is not None:
        rule = ET.SubElement(
            ext, _q(SL, "extension"), {"maxDays": str(d.extension.max_days), "basis": d.extension.basis}
        )
        ET.SubElement(rule, _q(SL, "post"), _post_attrs(d.extension.approver))
    flow_ids = {(f.source, f.target, i): _flow_id(i) for i, f in enumerate(d.flows)}
    raw_nodes = {n["id"]: n for n in document["nodes"]}
    for node in d.nodes:
        attrs = {"id": node.id}
        if node.name:
            attrs["name"] = node.name
        if node.type == "task":
            attrs |= {_q(SL, "stage"): node.stage, _q(SL, "limit"): str(node.limit)}
            if node.decision:
                attrs[_q(SL, "decision")] = "true"
        if node.type == "end" and node.outcome:
            attrs[_q(SL, "outcome")] = node.outcome
        if node.type == "exclusive":
            for (src, _target, index), fid in flow_ids.items():
                if src == node.id and d.flows[index].default:
                    attrs["default"] = fid
        element = ET.SubElement(process, _q(BPMN, TAG[node.type]), attrs)
        if node.type == "task":
            node_ext = ET.SubElement(element, _q(BPMN, "extensionElements"))
            assert node.post is not None
            ET.SubElement(node_ext, _q(SL, "post"), _post_attrs(node.post))
            if raw_nodes[node.id].get("form"):
                form = ET.SubElement(node_ext, _q(SL, "form"))
                form.text = json.dumps(raw_nodes[node.id]["form"], ensure_ascii=False)
            for code in node.checkpoints:
                ET.SubElement(node_ext, _q(SL, "checkpoint"), {"ref": code})
        for (_src, target, _i), fid in flow_ids.items():
            if target == node.id:
                ET.SubElement(element, _q(BPMN, "incoming")).text = fid
        for (src, _target, _i), fid in flow_ids.items():
            if src == node.id:
                ET.SubElement(element, _q(BPMN, "outgoing")).text = fid
    for (src, target, i), fid in flow_ids.items():
        flow = d.flows[i]
        element = ET.SubElement(
            process, _q(BPMN, "sequenceFlow"), {"id": fid, "sourceRef": src, "targetRef": target}
        )
        if flow.when:
            condition = ET.SubElement(
                element,
                _q(BPMN, "conditionExpression"),
                {
                    _q(XSI, "type"): "bpmn:tFormalExpression",
                    "language": "cel",
                },
            )
            condition.text = flow.when
    # Each step's limit as a non-interrupting timer, so modellers see where time is counted.
    for node in d.tasks:
        timer = ET.SubElement(
            process,
            _q(BPMN, "boundaryEvent"),
            {
                "id": f"limit_{node.id}",
                "attachedToRef": node.id,
                "cancelActivity": "false",
                _q(SL, "workdays"): str(node.limit),
            },
        )
        definition = ET.SubElement(timer, _q(BPMN, "timerEventDefinition"))
        ET.SubElement(
            definition, _q(BPMN, "timeDuration"), {_q(XSI, "type"): "bpmn:tFormalExpression"}
        ).text = f"P{node.limit}D"
    _diagram(root, process.get("id", ""), document, flow_ids)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _post_attrs(post: Any) -> dict[str, str]:
    attrs = {"org": post.org, "kind": post.kind}
    if post.office:
        attrs["office"] = post.office
    return attrs


def _diagram(root: ET.Element, process_id: str, document: dict[str, Any], flow_ids: dict[Any, str]) -> None:
    d = parse(document)
    boxes, _w, _h = layout(d)
    diagram = ET.SubElement(root, _q(BPMNDI, "BPMNDiagram"), {"id": "Diagram_1"})
    plane = ET.SubElement(diagram, _q(BPMNDI, "BPMNPlane"), {"id": "Plane_1", "bpmnElement": process_id})
    for node in d.nodes:
        box = boxes[node.id]
        shape = ET.SubElement(plane, _q(BPMNDI, "BPMNShape"), {"id": f"{node.id}_di", "bpmnElement": node.id})
        ET.SubElement(
            shape,
            _q(DC, "Bounds"),
            {"x": str(box.x), "y": str(box.y), "width": str(box.w), "height": str(box.h)},
        )
    for node in d.tasks:
        box = boxes[node.id]
        shape = ET.SubElement(
            plane, _q(BPMNDI, "BPMNShape"), {"id": f"limit_{node.id}_di", "bpmnElement": f"limit_{node.id}"}
        )
        ET.SubElement(
            shape,
            _q(DC, "Bounds"),
            {"x": str(box.x + box.w - 26), "y": str(box.y + box.h - 18), "width": "36", "height": "36"},
        )
    for (src, target, _i), fid in flow_ids.items():
        edge = ET.SubElement(plane, _q(BPMNDI, "BPMNEdge"), {"id": f"{fid}_di", "bpmnElement": fid})
        a, b = boxes[src], boxes[target]
        for x, y in ((a.x + a.w, a.cy), (b.x, b.cy)):
            ET.SubElement(edge, _q(DI, "waypoint"), {"x": str(x), "y": str(y)})


def _post_of(element: ET.Element | None) -> dict[str, str]:
    if element is None:
        return {}
    post = {"org": element.get("org", ""), "kind": element.get("kind", "")}
    if element.get("office"):
        post["office"] = element.get("office", "")
    return post


def import_(text: str) -> dict[str, Any]:
    """A definition document from BPMN XML in the subset above; anything else is refused by name."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        # No DTDs: they are how XML entity-expansion attacks get in.
        raise InvalidDefinition([_("The BPMN file must not contain a DTD or entities.")])
    try:
        root = ET.fromstring(text)  # noqa: S314 - DTDs are refused above
    except ET.ParseError as exc:
        raise InvalidDefinition([_("The file is not well-formed XML: %(e)s") % {"e": exc}]) from exc
    process = root.find(_q(BPMN, "process"))
    if process is None:
        raise InvalidDefinition([_("The file has no BPMN process.")])
    problems: list[str] = []
    document: dict[str, Any] = {
        "schema": "sunlight-process/1",
        "code": process.get(_q(SL, "code"))
        or process.get("id", "").removeprefix("Process_").replace("_", "-"),
        "name": process.get("name", ""),
        "owner": process.get(_q(SL, "owner"), ""),
        "total_limit": int(process.get(_q(SL, "totalLimit"), "0") or 0),
        "stages": [],
        "nodes": [],
        "flows": [],
    }
    if process.get(_q(SL, "power")):
        document["power"] = process.get(_q(SL, "power"))
    if process.get(_q(SL, "intake"), "owner") != "owner":
        document["intake"] = process.get(_q(SL, "intake"))
    ext = process.find(_q(BPMN, "extensionElements"))
    if ext is not None:
        document["stages"] = [{"id": s.get("id"), "name": s.get("name")} for s in ext.iter(_q(SL, "stage"))]
        suspensions = [
            {
                "code": s.get("code"),
                "name": s.get("name"),
                "max_days": int(s.get("maxDays", "0")),
                "basis": s.get("basis"),
            }
            for s in ext.findall(_q(SL, "suspension"))
        ]
        if suspensions:
            document["suspensions"] = suspensions
        rule = ext.find(_q(SL, "extension"))
        if rule is not None:
            document["extension"] = {
                "max_days": int(rule.get("maxDays", "0")),
                "basis": rule.get("basis", ""),
                "approver": _post_of(rule.find(_q(SL, "post"))),
            }
    flows: dict[str, dict[str, Any]] = {}
    defaults: set[str] = set()
    for element in process:
        local = element.tag.split("}")[-1]
        if local in ("extensionElements", "boundaryEvent", "laneSet"):
            continue
        if local == "sequenceFlow":
            flow: dict[str, Any] = {"from": element.get("sourceRef"), "to": element.get("targetRef")}
            condition = element.find(_q(BPMN, "conditionExpression"))
            if condition is not None and (condition.text or "").strip():
                flow["when"] = (condition.text or "").strip()
            flows[element.get("id", "")] = flow
            continue
        if local not in TYPE:
            problems.append(
                _("%(tag)s %(id)s is outside the supported BPMN subset.")
                % {"tag": local, "id": element.get("id")}
            )
            continue
        node: dict[str, Any] = {"id": element.get("id"), "type": TYPE[local]}
        if element.get("name"):
            node["name"] = element.get("name")
        if local == "userTask":
            node["stage"] = element.get(_q(SL, "stage"), "")
            node["limit"] = int(element.get(_q(SL, "limit"), "0") or 0)
            if element.get(_q(SL, "decision")) == "true":
                node["decision"] = True
            node_ext = element.find(_q(BPMN, "extensionElements"))
            node["post"] = _post_of(node_ext.find(_q(SL, "post")) if node_ext is not None else None)
            if node_ext is not None:
                form = node_ext.find(_q(SL, "form"))
                if form is not None and form.text:
                    node["form"] = json.loads(form.text)
                checkpoints = [c.get("ref", "") for c in node_ext.findall(_q(SL, "checkpoint"))]
                if checkpoints:
                    node["checkpoints"] = checkpoints
        if local == "endEvent" and element.get(_q(SL, "outcome")):
            node["outcome"] = element.get(_q(SL, "outcome"))
        if local == "exclusiveGateway" and element.get("default"):
            defaults.add(element.get("default", ""))
        document["nodes"].append(node)
    for flow_id, flow in flows.items():
        if flow_id in defaults:
            flow["default"] = True
        document["flows"].append(flow)
    if problems:
        raise InvalidDefinition(problems)
    return document
