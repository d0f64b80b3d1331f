"""Rendering a sealed document: the text, the red seal, and a QR code to its verification page."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from sunlight.lib.pdf import cjk_font

RED = colors.HexColor("#c62828")


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


def _seal(canvas: Canvas, x: float, y: float, name: str, font: str) -> None:
    """A round red seal: the issuer's name around a star, as on paper documents."""
    radius = 21 * mm
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setFillColor(RED)
    canvas.setLineWidth(2.2)
    canvas.circle(x, y, radius)
    points = []
    for index in range(10):
        angle = math.pi / 2 + index * math.pi / 5
        r = 6 * mm if index % 2 == 0 else 2.4 * mm
        points.append((x + r * math.cos(angle), y + r * math.sin(angle)))
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    canvas.drawPath(path, fill=1, stroke=0)
    canvas.setFont(font, 11)
    chars = list(name)
    span = min(math.pi * 1.3, 0.28 * len(chars))
    for index, char in enumerate(chars):
        angle = math.pi / 2 + span / 2 - (span * index / max(len(chars) - 1, 1))
        cx, cy = x + (radius - 5 * mm) * math.cos(angle), y + (radius - 5 * mm) * math.sin(angle)
        canvas.saveState()
        canvas.translate(cx, cy)
        canvas.rotate(math.degrees(angle) - 90)
        canvas.drawCentredString(0, -4, char)
        canvas.restoreState()
    canvas.restoreState()


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    matrix = qrcode.QRCode(border=0)
    matrix.add_data(url)
    matrix.make(fit=True)
    modules = matrix.get_matrix()
    cell = size / len(modules)
    canvas.setFillColor(colors.black)
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                canvas.rect(x + column * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)


def render(
    *,
    title: str,
    number: str,
    issuer: str,
    date_text: str,
    fields: Sequence[tuple[str, str]],
    body: str,
    verify_url: str,
) -> bytes:
    """An A4 page: title, number, fields, body, the issuer's seal and the verification QR code."""
    font = cjk_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(issuer)
    width, height = A4
    canvas.setFont(font, 20)
    canvas.setFillColor(RED)
    canvas.drawCentredString(width / 2, height - 30 * mm, issuer)
    canvas.setFillColor(colors.black)
    canvas.setFont(font, 18)
    canvas.drawCentredString(width / 2, height - 42 * mm, title)
    canvas.setFont(font, 11)
    canvas.drawCentredString(width / 2, height - 50 * mm, number)
    canvas.setStrokeColor(RED)
    canvas.line(20 * mm, height - 54 * mm, width - 20 * mm, height - 54 * mm)
    y = height - 66 * mm
    canvas.setFont(font, 12)
    for label, value in fields:
        for index, line in enumerate(_wrap(value, 30)):
            canvas.drawString(25 * mm, y, f"{label}：" if index == 0 else "")
            canvas.drawString(60 * mm, y, line)
            y -= 7 * mm
    y -= 4 * mm
    for line in _wrap(body, 36):
        canvas.drawString(25 * mm, y, line)
        y -= 7 * mm
    canvas.drawRightString(width - 30 * mm, 70 * mm, issuer)
    canvas.drawRightString(width - 30 * mm, 62 * mm, date_text)
    _seal(canvas, width - 55 * mm, 72 * mm, issuer, font)
    _qr(canvas, verify_url, 25 * mm, 25 * mm, 28 * mm)
    canvas.setFont(font, 8)
    canvas.drawString(25 * mm, 20 * mm, verify_url)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
