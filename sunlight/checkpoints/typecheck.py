"""A static type check of CEL rules against a node's typed context, with positions.

The CEL library we run (`common-expression-language`, cel-rust) parses and evaluates but has
no type checker: `contract.prise_fen` or `amount_fen > '5'` would only fail when a case reaches
the rule. This module parses the expression again (the CEL grammar is small) and types it
against the sample context, so the authoring page can refuse such a rule when it is saved and
say where the mistake is. It refuses float literals too: money is integer fen.

Anything it does not understand is typed `dyn` (not an error): the library's own parser and
the dry run remain the authority; this check only adds errors it is sure of.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sunlight.checkpoints.contexts import Open


@dataclass(frozen=True)
class T:
    """A CEL type: a scalar name, `list` of elem, `map` of elem (string keys), or an object."""

    name: str
    elem: T | None = None
    fields: tuple[tuple[str, T], ...] = ()

    def field(self, name: str) -> T | None:
        return next((t for n, t in self.fields if n == name), None)

    def __str__(self) -> str:
        if self.name in ("list", "map") and self.elem is not None:
            return f"{self.name}({self.elem})"
        return self.name


INT, UINT, BOOL, STRING, BYTES = T("int"), T("uint"), T("bool"), T("string"), T("bytes")
TIMESTAMP, DURATION, NULL, DYN, DOUBLE = T("timestamp"), T("duration"), T("null"), T("dyn"), T("double")
_ORDERED = {"int", "uint", "string", "bytes", "timestamp", "duration", "bool", "double"}


def type_of(value: Any) -> T:
    """The type a sample value declares."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, str):
        return STRING
    if isinstance(value, dt.date):  # datetimes too
        return TIMESTAMP
    if value is None:
        return NULL
    if isinstance(value, Open):
        return T("map", DYN)
    if isinstance(value, Mapping):
        return T("object", fields=tuple((str(k), type_of(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return T("list", type_of(value[0]) if value else DYN)
    return DYN


@dataclass(frozen=True)
class Problem:
    position: int  # offset in the expression
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d, column %(column)d: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class _Unsupported(Exception):
    """A construct this checker does not type (message literals, leading dots): skip the check."""


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*)
   |(?P<float>(?:\d+\.\d+|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)
   |(?P<uint>(?:0[xX][0-9a-fA-F]+|\d+)[uU])
   |(?P<int>0[xX][0-9a-fA-F]+|\d+)
   |(?P<string>[rRbB]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
   |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
   |(?P<op>\|\||&&|==|!=|<=|>=|[<>+\-*/%!?:.,\[\](){}])
    """,
    re.VERBOSE,
)


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int


def _tokens(source: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise _Unsupported(source[pos])
        kind = match.lastgroup or ""
        if kind != "ws":
            out.append(_Tok(kind, match.group(), pos))
        pos = match.end()
    out.append(_Tok("eof", "", len(source)))
    return out


@dataclass
class _Node:
    kind: str
    pos: int
    value: Any = None
    args: list[_Node] = field(default_factory=list)
    target: _Node | None = None


_RELATIONS = ("<", "<=", ">", ">=", "==", "!=", "in")


class _Parser:
    """Recursive descent over the CEL grammar (cel-spec, langdef.md)."""

    def __init__(self, source: str) -> None:
        self.toks = _tokens(source)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self, text: str | None = None) -> _Tok:
        tok = self.toks[self.i]
        if text is not None and tok.text != text:
            raise _Unsupported(tok.text)
        self.i += 1
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok.kind in ("op", "ident") and tok.text in texts

    def parse(self) -> _Node:
        node = self.expr()
        if self.peek().kind != "eof":
            raise _Unsupported(self.peek().text)
        return node

    def expr(self) -> _Node:
        cond = self.binary(0)
        if self.at("?"):
            pos = self.take().pos
            then = self.binary(0)
            self.take(":")
            return _Node("cond", pos, args=[cond, then, self.expr()])
        return cond

    _LEVELS: tuple[tuple[str, ...], ...] = (("||",), ("&&",), _RELATIONS, ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> _Node:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.at(*self._LEVELS[level]):
            tok = self.take()
            left = _Node("binary", tok.pos, tok.text, [left, self.binary(level + 1)])
        return left

    def unary(self) -> _Node:
        if self.at("!", "-"):
            tok = self.take()
            return _Node("unary", tok.pos, tok.text, [self.unary()])
        return self.member()

    def member(self) -> _Node:
        node = self.primary()
        while True:
            if self.at("."):
                self.take()
                name = self.take()
                if name.kind != "ident":
                    raise _Unsupported(name.text)
                if self.at("("):
                    node = _Node("call", name.pos, name.text, self.arguments(")"), target=node)
                else:
                    node = _Node("select", name.pos, name.text, [node])
            elif self.at("["):
                pos = self.take().pos
                index = self.expr()
                self.take("]")
                node = _Node("index", pos, args=[node, index])
            else:
                return node

    def arguments(self, closing: str) -> list[_Node]:
        self.take()
        args: list[_Node] = []
        while not self.at(closing):
            args.append(self.expr())
            if not self.at(closing):
                self.take(",")
        self.take(closing)
        return args

    def primary(self) -> _Node:
        tok = self.peek()
        if tok.kind in ("int", "uint", "float", "string"):
            self.take()
            kind = "bytes" if tok.kind == "string" and "b" in tok.text[:2].lower() else tok.kind
            return _Node(kind, tok.pos, tok.text)
        if tok.kind == "ident":
            self.take()
            if tok.text in ("true", "false"):
                return _Node("bool", tok.pos, tok.text)
            if tok.text == "null":
                return _Node("null", tok.pos)
            if self.at("("):
                return _Node("call", tok.pos, tok.text, self.arguments(")"))
            if self.at("{"):
                raise _Unsupported("message literal")
            return _Node("ident", tok.pos, tok.text)
        if self.at("("):
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if self.at("["):
            return _Node("list", tok.pos, args=self.arguments("]"))
        if self.at("{"):
            self.take()
            args: list[_Node] = []
            while not self.at("}"):
                args.append(self.expr())
                self.take(":")
                args.append(self.expr())
                if not self.at("}"):
                    self.take(",")
            self.take("}")
            return _Node("map", tok.pos, args=args)
        raise _Unsupported(tok.text)


# Functions callable as f(x, ...) or x.f(...): argument types (receiver first) → result.
_FUNCTIONS: dict[str, tuple[tuple[frozenset[str], ...], T]] = {
    "size": ((frozenset({"string", "bytes", "list", "map", "object"}),), INT),
    "contains": ((frozenset({"string"}), frozenset({"string"})), BOOL),
    "startsWith": ((frozenset({"string"}), frozenset({"string"})), BOOL),
    "endsWith": ((frozenset({"string"}), frozenset({"string"})), BOOL),
    "matches": ((frozenset({"string"}), frozenset({"string"})), BOOL),
    "int": ((frozenset({"int", "uint", "string", "timestamp"}),), INT),
    "uint": ((frozenset({"int", "uint", "string"}),), UINT),
    "string": ((frozenset({"int", "uint", "string", "bytes", "timestamp", "duration", "bool"}),), STRING),
    "timestamp": ((frozenset({"string", "timestamp"}),), TIMESTAMP),
    "duration": ((frozenset({"string", "duration"}),), DURATION),
    "getFullYear": ((frozenset({"timestamp"}),), INT),
    "getMonth": ((frozenset({"timestamp"}),), INT),
    "getDayOfMonth": ((frozenset({"timestamp"}),), INT),
    "getDayOfWeek": ((frozenset({"timestamp"}),), INT),
    "getDayOfYear": ((frozenset({"timestamp"}),), INT),
    "getHours": ((frozenset({"duration", "timestamp"}),), INT),
    "dyn": ((frozenset(),), DYN),
}
_MACROS = ("all", "exists", "exists_one", "map", "filter")


@dataclass(frozen=True)
class Helper:
    """A Python function registered for rules (e.g. `days_between`): typed, pure, integer only."""

    name: str
    function: Callable[..., Any]
    args: tuple[T, ...]
    returns: T
    doc: str = ""


class _Checker:
    def __init__(self, source: str, env: Mapping[str, T], helpers: Mapping[str, Helper]) -> None:
        self.source = source
        self.env = env
        self.helpers = helpers
        self.problems: list[Problem] = []

    def problem(self, pos: int, message: str) -> T:
        line = self.source.count("\n", 0, pos) + 1
        column = pos - (self.source.rfind("\n", 0, pos) + 1) + 1
        self.problems.append(Problem(pos, line, column, message))
        return DYN

    def check(self, n: _Node, scope: Mapping[str, T]) -> T:
        kind = n.kind
        if kind in ("int", "uint", "bool", "null", "bytes"):
            return {"int": INT, "uint": UINT, "bool": BOOL, "null": NULL, "bytes": BYTES}[kind]
        if kind == "string":
            return STRING
        if kind == "float":
            return self.problem(
                n.pos,
                _(
                    "%(literal)s is a decimal number. Money is integer fen and shares are basis points "
                    "(20%% = 2000): write integers."
                )
                % {"literal": n.value},
            )
        if kind == "ident":
            found = scope.get(n.value) or self.env.get(n.value)
            if found is None:
                return self.problem(
                    n.pos,
                    _("Unknown name %(name)s. Known names: %(known)s.")
                    % {"name": n.value, "known": ", ".join(sorted(self.env))},
                )
            return found
        if kind == "select":
            return self.select(self.check(n.args[0], scope), n)
        if kind == "index":
            return self.index(self.check(n.args[0], scope), self.check(n.args[1], scope), n)
        if kind == "list":
            items = [self.check(a, scope) for a in n.args]
            return T("list", items[0] if items and all(i == items[0] for i in items) else DYN)
        if kind == "map":
            values = [self.check(a, scope) for a in n.args]
            return T("map", DYN if len(set(values[1::2])) != 1 else values[1])
        if kind == "unary":
            operand = self.check(n.args[0], scope)
            wanted = {"bool"} if n.value == "!" else {"int", "duration"}
            if operand.name not in wanted | {"dyn"}:
                return self.problem(
                    n.pos, _("%(op)s cannot apply to %(type)s.") % {"op": n.value, "type": operand}
                )
            return operand
        if kind == "binary":
            return self.binary(n, self.check(n.args[0], scope), self.check(n.args[1], scope))
        if kind == "cond":
            cond, then, other = (self.check(a, scope) for a in n.args)
            if cond.name not in ("bool", "dyn"):
                self.problem(
                    n.pos, _("The condition before ? must be true or false, not %(type)s.") % {"type": cond}
                )
            return then if then == other else DYN
        if kind == "call":
            return self.call(n, scope)
        raise _Unsupported(kind)

    def select(self, operand: T, n: _Node) -> T:
        if operand.name == "object":
            found = operand.field(n.value)
            if found is None:
                return self.problem(
                    n.pos,
                    _("There is no field %(name)s here. Fields: %(known)s.")
                    % {"name": n.value, "known": ", ".join(name for name, _t in operand.fields)},
                )
            return found
        if operand.name == "map":
            return operand.elem or DYN
        if operand.name == "dyn":
            return DYN
        return self.problem(n.pos, _("%(type)s has no field %(name)s.") % {"type": operand, "name": n.value})

    def index(self, operand: T, key: T, n: _Node) -> T:
        if operand.name == "list" and key.name in ("int", "uint", "dyn"):
            return operand.elem or DYN
        if operand.name in ("map", "object") and key.name in ("string", "dyn"):
            if operand.name == "object" and n.args[1].kind == "string":
                return operand.field(n.args[1].value.strip("'\"")) or DYN
            return operand.elem or DYN
        if operand.name == "dyn":
            return DYN
        return self.problem(
            n.pos, _("%(type)s cannot be indexed by %(key)s.") % {"type": operand, "key": key}
        )

    def binary(self, n: _Node, left: T, right: T) -> T:
        op = n.value
        names = {left.name, right.name}
        if op in ("&&", "||"):
            if not names <= {"bool", "dyn"}:
                return self.problem(
                    n.pos,
                    _("%(op)s joins true/false values, not %(left)s and %(right)s.")
                    % {"op": op, "left": left, "right": right},
                )
            return BOOL
        if "dyn" in names:
            return BOOL if op in _RELATIONS else (right if left.name == "dyn" else left)
        if op == "in":
            if right.name == "list" and (right.elem in (None, DYN, left)):
                return BOOL
            if right.name in ("map", "object") and left.name == "string":
                return BOOL
            return self.problem(
                n.pos, _("%(left)s cannot be looked up in %(right)s.") % {"left": left, "right": right}
            )
        if op in ("==", "!="):
            if left.name == right.name or "null" in names or names == {"int", "uint"}:
                return BOOL
            return self.problem(
                n.pos, _("Comparing %(left)s with %(right)s is never equal.") % {"left": left, "right": right}
            )
        if op in ("<", "<=", ">", ">="):
            if (left.name == right.name and left.name in _ORDERED) or names == {"int", "uint"}:
                return BOOL
            return self.problem(
                n.pos, _("%(left)s and %(right)s cannot be compared.") % {"left": left, "right": right}
            )
        result = _arithmetic(op, left, right)
        if result is None:
            return self.problem(
                n.pos,
                _("%(op)s cannot apply to %(left)s and %(right)s.")
                % {"op": op, "left": left, "right": right},
            )
        return result

    def call(self, n: _Node, scope: Mapping[str, T]) -> T:
        name: str = n.value
        if name == "has" and n.target is None:
            if len(n.args) != 1 or n.args[0].kind != "select":
                return self.problem(n.pos, _("has() takes a field, e.g. has(contract.code)."))
            self.check(n.args[0].args[0], scope)
            return BOOL
        if name in _MACROS and n.target is not None:
            return self.macro(n, scope)
        if name in self.helpers and n.target is None:
            helper = self.helpers[name]
            args = [self.check(a, scope) for a in n.args]
            if len(args) != len(helper.args) or any(
                a.name not in (h.name, "dyn") for a, h in zip(args, helper.args, strict=False)
            ):
                wanted = ", ".join(str(a) for a in helper.args)
                return self.problem(n.pos, _("%(name)s takes (%(args)s).") % {"name": name, "args": wanted})
            return helper.returns
        if name == "double":
            return self.problem(n.pos, _("double() makes a decimal number; money is integer fen."))
        signature = _FUNCTIONS.get(name)
        if signature is None:
            return self.problem(n.pos, _("Unknown function %(name)s.") % {"name": name})
        wanted_types, result = signature
        args = ([self.check(n.target, scope)] if n.target is not None else []) + [
            self.check(a, scope) for a in n.args
        ]
        if name == "dyn":
            return DYN
        if len(args) != len(wanted_types):
            return self.problem(
                n.pos, _("%(name)s takes %(count)d argument(s).") % {"name": name, "count": len(wanted_types)}
            )
        for arg, accepted in zip(args, wanted_types, strict=True):
            if arg.name != "dyn" and arg.name not in accepted:
                return self.problem(n.pos, _("%(name)s cannot take %(type)s.") % {"name": name, "type": arg})
        return result

    def macro(self, n: _Node, scope: Mapping[str, T]) -> T:
        assert n.target is not None
        collection = self.check(n.target, scope)
        if collection.name not in ("list", "map", "dyn"):
            return self.problem(
                n.pos, _("%(name)s needs a list, not %(type)s.") % {"name": n.value, "type": collection}
            )
        if not n.args or n.args[0].kind != "ident" or len(n.args) not in (2, 3):
            return self.problem(n.pos, _("Write %(name)s(x, condition on x).") % {"name": n.value})
        element = (
            (collection.elem or DYN)
            if collection.name == "list"
            else (STRING if collection.name == "map" else DYN)
        )
        inner = {**scope, n.args[0].value: element}
        results = [self.check(a, inner) for a in n.args[1:]]
        if n.value == "map":
            return T("list", results[-1])
        predicate = results[0]
        if predicate.name not in ("bool", "dyn"):
            self.problem(
                n.args[1].pos, _("The condition must be true or false, not %(type)s.") % {"type": predicate}
            )
        return T("list", element) if n.value == "filter" else BOOL


def _arithmetic(op: str, left: T, right: T) -> T | None:
    if left.name == right.name and left.name in ("int", "uint"):
        return left
    if op == "+":
        if left.name == right.name and left.name in ("string", "bytes", "list", "duration"):
            return left
        if {left.name, right.name} == {"timestamp", "duration"}:
            return TIMESTAMP
    if op == "-":
        if left.name == right.name == "timestamp":
            return DURATION
        if left.name == right.name == "duration":
            return DURATION
        if (left.name, right.name) == ("timestamp", "duration"):
            return TIMESTAMP
    return None


def check(
    expression: str, variables: Mapping[str, Any], helpers: Mapping[str, Helper] | None = None
) -> list[Problem]:
    """Problems with `expression` typed against sample `variables`; empty when it is sound."""
    try:
        tree = _Parser(expression).parse()
    except _Unsupported:
        return []
    env = {name: type_of(value) for name, value in variables.items()}
    checker = _Checker(expression, env, helpers or {})
    try:
        result = checker.check(tree, {})
    except _Unsupported:
        return checker.problems
    if not checker.problems and result.name not in ("bool", "dyn"):
        checker.problem(
            0, _("A rule must give true (pass) or false (stop); this gives %(type)s.") % {"type": result}
        )
    return checker.problems
