"""The timer loop's registry: apps register handlers, `runtimers` calls them in turn.

Timers are rows with a due-at column in their own app; a handler claims its due rows with a
conditional UPDATE and must be idempotent, so several `runtimers` processes can share the work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimerHandler:
    name: str
    run: Callable[[], int]  # returns how many items it handled


_handlers: dict[str, TimerHandler] = {}
# Called after each handler's round with (name, started, finished, count, failed).
_round_listeners: list[Callable[[str, dt.datetime, dt.datetime, int, bool], None]] = []


def on_round(listener: Callable[[str, dt.datetime, dt.datetime, int, bool], None]) -> None:
    if listener not in _round_listeners:
        _round_listeners.append(listener)


def register(name: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    def decorator(fn: Callable[[], int]) -> Callable[[], int]:
        _handlers[name] = TimerHandler(name, fn)
        return fn

    return decorator


def handlers() -> list[TimerHandler]:
    return list(_handlers.values())


def run_once() -> dict[str, int]:
    """Run every handler once; one handler's failure is logged and does not stop the others."""
    done: dict[str, int] = {}
    for handler in handlers():
        started = dt.datetime.now(dt.UTC)
        try:
            done[handler.name] = handler.run()
        except Exception:
            log.exception("timer handler %s failed", handler.name)
            done[handler.name] = -1
        for listener in _round_listeners:
            try:
                listener(
                    handler.name, started, dt.datetime.now(dt.UTC), done[handler.name], done[handler.name] < 0
                )
            except Exception:
                log.exception("timer round listener failed")
    return done
