"""SQL expressions compiled to Python functions, for identification's one record.

Identification shapes one incoming record and compares it with a handful of
candidates. Doing that in DuckDB costs milliseconds of planning and scheduling per
query, far more than the rows are worth, while the rules already exist as SQL: the
shaping of mentions (matching.mentions) and the saved models' comparison levels. So
those texts are parsed once (sqlglot, DuckDB dialect) and turned into Python
closures with DuckDB's semantics: NULL (None) propagates through comparisons,
arithmetic and functions, AND/OR are three-valued, a CASE branch is taken only when
its condition is true, lists and substrings count from 1. Anything not handled here
raises UnsupportedSql when compiled, never guessed at; tests/service compare the
results with DuckDB's on every mention of a sample warehouse.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

import sqlglot
from sqlglot import exp

from ecif.service.string_similarity import damerau_levenshtein, jaro_winkler_similarity

Row = Any
Compiled = Callable[[Row], Any]
# how a column name is read from the row(s) an expression is evaluated on
ColumnReader = Callable[[str], Compiled]

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.LT: operator.lt, exp.LTE: operator.le,
    exp.GT: operator.gt, exp.GTE: operator.ge, exp.Add: operator.add,
    exp.Sub: operator.sub, exp.Mul: operator.mul,
    # SQL's remainder keeps the dividend's sign (Python's % the divisor's)
    exp.Mod: lambda a, b: a - b * int(a / b)}
_FUNCTIONS: dict[str, Callable[..., Any]] = {"damerau_levenshtein": damerau_levenshtein}
_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
# a select with any of these (where, group by, joins…) is more than one row in, one out
_CLAUSES = tuple(c for c in exp.Select.arg_types if c not in ("expressions", "from_"))


class UnsupportedSql(ValueError):
    """An expression this module cannot evaluate exactly as DuckDB would."""


def parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="duckdb")


def compile_expression(node: exp.Expression, column: ColumnReader) -> Compiled:
    def sub(child: exp.Expression) -> Compiled:
        return compile_expression(child, column)

    if isinstance(node, (exp.Paren, exp.Alias)):
        return sub(node.this)
    if isinstance(node, exp.Column) and not node.table:
        return column(node.name)
    if isinstance(node, exp.Identifier):          # a lambda's parameter
        return column(node.name)
    if isinstance(node, exp.Null):
        return lambda row: None
    if isinstance(node, exp.Boolean):
        value = node.this
        return lambda row: value
    if isinstance(node, exp.Literal):
        value = node.this if node.is_string else _number(node.this)
        return lambda row: value
    if type(node) in _BINARY:
        return _strict(_BINARY[type(node)], sub(node.this), sub(node.expression))
    if isinstance(node, exp.DPipe):
        return _strict(_concat, sub(node.this), sub(node.expression))
    if isinstance(node, exp.And):
        return _junction(False, sub(node.this), sub(node.expression))
    if isinstance(node, exp.Or):
        return _junction(True, sub(node.this), sub(node.expression))
    if isinstance(node, exp.Not):
        return _strict(operator.not_, sub(node.this))
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        inner = sub(node.this)
        return lambda row: inner(row) is None
    if isinstance(node, exp.In) and not node.args.get("query"):
        inner, options = sub(node.this), [sub(e) for e in node.expressions]
        return lambda row: _in(inner(row), [o(row) for o in options])
    if isinstance(node, exp.Case) and not node.this:
        branches = [(sub(b.this), sub(b.args["true"])) for b in node.args["ifs"]]
        default = sub(node.args["default"]) if node.args.get("default") else (lambda row: None)
        return _case(branches, default)
    if isinstance(node, exp.Coalesce):
        parts = [sub(node.this), *(sub(e) for e in node.expressions)]
        return lambda row: next((v for p in parts if (v := p(row)) is not None), None)
    if isinstance(node, exp.Nullif):
        value, other = sub(node.this), sub(node.expression)
        return lambda row: None if (v := value(row)) == other(row) else v
    if isinstance(node, exp.Year):
        return _strict(operator.attrgetter("year"), sub(node.this))
    if isinstance(node, exp.Lower):
        return _strict(str.lower, sub(node.this))
    if isinstance(node, exp.Substring) and node.args.get("length"):
        return _strict(_substring, sub(node.this), sub(node.args["start"]),
                       sub(node.args["length"]))
    if isinstance(node, exp.TimeToStr) and isinstance(node.args["format"], exp.Literal):
        # sqlglot has translated DuckDB's format to Python's strftime codes
        fmt = node.args["format"].this
        return _strict(lambda value: value.strftime(fmt), sub(node.this))
    if isinstance(node, exp.RegexpLike) and _literal(node.expression):
        pattern = re.compile(node.expression.this)
        return _strict(lambda s: pattern.search(s) is not None, sub(node.this))
    if isinstance(node, exp.RegexpReplace) and _regexp_replace_supported(node):
        return _regexp_replace(node, sub(node.this))
    if isinstance(node, (exp.Cast, exp.TryCast)) and node.to.this in exp.DataType.INTEGER_TYPES:
        return _strict(_to_integer(safe=isinstance(node, exp.TryCast)), sub(node.this))
    if isinstance(node, exp.Array):
        items = [sub(e) for e in node.expressions]
        return lambda row: [item(row) for item in items]
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and not node.args.get(
            "offset"):
        return _strict(_element, sub(node.this), sub(node.expressions[0]))
    if isinstance(node, exp.GenerateSeries) and not node.args.get("step"):
        last = -1 if node.args.get("is_end_exclusive") else 0
        return _strict(lambda a, b: list(range(a, b + 1 + last)), sub(node.args["start"]),
                       sub(node.args["end"]))
    if isinstance(node, exp.Transform) and isinstance(node.expression, exp.Lambda):
        return _transform(sub(node.this), node.expression, column)
    # a string's characters in order (a transposed mobile's key): split into
    # characters, sorted, joined; other separators are not needed, so not supported
    if isinstance(node, exp.Split) and _literal(node.expression) and not node.expression.this:
        return _strict(list, sub(node.this))
    if isinstance(node, exp.ArraySort) and not node.expression:
        return _strict(sorted, sub(node.this))
    if isinstance(node, exp.ArrayToString) and _literal(node.expression) and len(
            node.expressions) == 0:
        separator = node.expression.this
        return _strict(lambda items: separator.join(i for i in items if i is not None),
                       sub(node.this))
    if isinstance(node, exp.JarowinklerSimilarity):
        return _strict(jaro_winkler_similarity, sub(node.this), sub(node.expression))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_sum":
        return _strict(_list_sum, sub(node.expressions[0]))
    if isinstance(node, exp.Anonymous) and node.name.lower() in _FUNCTIONS:
        return _strict(_FUNCTIONS[node.name.lower()], *(sub(e) for e in node.expressions))
    raise UnsupportedSql(f"cannot evaluate {node.sql(dialect='duckdb')!r} in Python")


def compile_select(select: exp.Expression, columns: list[str]) -> Callable[[dict], dict]:
    """The named output columns of `select … from table` or `select … from (select *
    replace (…) from table)`, as a function of one row of the table (a dict)."""
    if not isinstance(select, exp.Select) or any(select.args.get(c) for c in _CLAUSES):
        raise UnsupportedSql("only `select expressions from` one table or subquery")
    inner = _from(select.args["from_"].this)
    outputs = {e.alias_or_name: e for e in select.expressions}
    compiled = {c: compile_expression(outputs[c], operator.itemgetter) for c in columns}
    return lambda row: (lambda source: {c: f(source) for c, f in compiled.items()})(inner(row))


def _from(source: exp.Expression) -> Callable[[dict], dict]:
    if isinstance(source, exp.Table):
        return lambda row: row
    select = source.this if isinstance(source, exp.Subquery) else None
    star = select.expressions[0] if select is not None and len(select.expressions) == 1 else None
    if not isinstance(star, exp.Star) or any(star.args.get(a) for a in ("except_", "rename",
                                                                          "ilike")):
        raise UnsupportedSql("a subquery other than `select * replace (…) from table`")
    inner = _from(select.args["from_"].this)
    replaced = {e.alias: compile_expression(e.this, operator.itemgetter)
                for e in star.args.get("replace") or []}

    def evaluate(row: dict) -> dict:
        source_row = inner(row)
        return {**source_row, **{c: f(source_row) for c, f in replaced.items()}}
    return evaluate


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _literal(node: exp.Expression | None) -> bool:
    return isinstance(node, exp.Literal) and node.is_string


def _strict(function: Callable[..., Any], *args: Compiled) -> Compiled:
    """NULL in, NULL out: what SQL does for comparisons, arithmetic and these functions."""
    def evaluate(row: Row) -> Any:
        values = [a(row) for a in args]
        return None if any(v is None for v in values) else function(*values)
    return evaluate


def _junction(decisive: bool, left: Compiled, right: Compiled) -> Compiled:
    """AND (decisive False) or OR (decisive True) in SQL's three-valued logic: the
    decisive value wins even over NULL; otherwise NULL if either side is NULL."""
    def evaluate(row: Row) -> bool | None:
        a = left(row)
        if a is decisive:
            return decisive
        b = right(row)
        if b is decisive:
            return decisive
        return None if a is None or b is None else not decisive
    return evaluate


def _in(value: Any, options: list[Any]) -> bool | None:
    if value is None:
        return None
    if value in options:
        return True
    return None if None in options else False


def _case(branches: list[tuple[Compiled, Compiled]], default: Compiled) -> Compiled:
    def evaluate(row: Row) -> Any:
        for condition, value in branches:
            if condition(row) is True:
                return value(row)
        return default(row)
    return evaluate


def _concat(a: Any, b: Any) -> str:
    if not (isinstance(a, str) and isinstance(b, str)):
        raise UnsupportedSql("|| of a value that is not text")
    return a + b


def _substring(text: str, start: int, length: int) -> str:
    if start < 1 or length < 0:
        raise UnsupportedSql("substr from a position below 1 or with a negative length")
    return text[start - 1:start - 1 + length]


def _regexp_replace_supported(node: exp.RegexpReplace) -> bool:
    modifiers = node.args.get("modifiers")
    return (_literal(node.expression) and _literal(node.args.get("replacement"))
            and (modifiers is None or (_literal(modifiers) and modifiers.this == "g")))


def _regexp_replace(node: exp.RegexpReplace, text: Compiled) -> Compiled:
    """DuckDB replaces the first match, every match with the 'g' modifier; `\\1` in the
    replacement is a group in both RE2 and Python."""
    pattern = re.compile(node.expression.this)
    replacement = node.args["replacement"].this
    count = 0 if node.args.get("modifiers") else 1
    return _strict(lambda s: pattern.sub(replacement, s, count=count), text)


def _to_integer(safe: bool) -> Callable[[Any], int | None]:
    def cast(value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise UnsupportedSql(f"integer cast of {type(value).__name__}")
        if isinstance(value, int):
            return value
        if _INTEGER.fullmatch(value):
            return int(value)
        if safe:
            return None
        raise UnsupportedSql(f"cast of {value!r} to an integer fails in DuckDB too")
    return cast


def _element(items: list[Any], index: int) -> Any:
    """items[index], counting from 1; NULL past either end."""
    return items[index - 1] if 1 <= index <= len(items) else None


def _transform(items: Compiled, function: exp.Lambda, column: ColumnReader) -> Compiled:
    """list_transform(items, lambda x: body): body sees the row and x."""
    (parameter,) = [p.name for p in function.expressions]
    body = compile_expression(function.this, column)

    def evaluate(row: Row) -> list[Any] | None:
        values = items(row)
        if values is None:
            return None
        return [body(_With(row, parameter, v)) for v in values]
    return evaluate


class _With(dict):
    """A row with a lambda's parameter bound (read by name like any column)."""

    def __init__(self, row: dict, name: str, value: Any) -> None:
        super().__init__(row)
        self[name] = value


def _list_sum(items: list[Any]) -> Any:
    present = [v for v in items if v is not None]
    return sum(present) if present else None
