#!/usr/bin/env python3
"""Exact arithmetic and statistics for the model, which is bad at both.

`calc` evaluates an expression by walking its syntax tree (`ast`), never with eval(): only
numbers, + - * / // % **, parentheses, a few math functions and constants are allowed, and
limits keep `9**9**9` or `factorial(10**6)` from freezing the process.
"""
import ast
import math
import operator
import statistics

from zot.sdk import Extension, ToolError

ext = Extension("calc", version="1.0.0")

MAX_LENGTH = 500          # characters in an expression
MAX_NODES = 300           # syntax-tree nodes
MAX_BITS = 14_000         # size of an integer result: about 4,200 digits (Python prints 4,300)

BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
          ast.Pow: operator.pow}
UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf}


def _whole(name, *numbers):
    for n in numbers:
        if isinstance(n, float) and n.is_integer():
            n = int(n)
        if not isinstance(n, int) or not 0 <= n <= 1000:
            raise ToolError(f"{name} takes whole numbers from 0 to 1000")
    return [int(n) for n in numbers]


def _factorial(n):
    return math.factorial(*_whole("factorial", n))


def _comb(n, k):
    return math.comb(*_whole("comb", n, k))


def _perm(n, k=None):
    return math.perm(*_whole("perm", n, n if k is None else k))


FUNCTIONS = {
    "sqrt": math.sqrt, "cbrt": lambda x: math.copysign(abs(x) ** (1 / 3), x), "exp": math.exp,
    "ln": math.log, "log": math.log, "log2": math.log2, "log10": math.log10,
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin, "acos": math.acos,
    "atan": math.atan, "atan2": math.atan2, "hypot": math.hypot, "degrees": math.degrees,
    "radians": math.radians, "abs": abs, "round": round, "floor": math.floor, "ceil": math.ceil,
    "min": min, "max": max, "gcd": math.gcd, "lcm": math.lcm, "factorial": _factorial,
    "comb": _comb, "perm": _perm,
}


def _power(base, exponent):
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        if abs(base) > 1 and exponent * math.log2(abs(base)) > MAX_BITS:
            raise ToolError(f"{base} ** {exponent} is too large to compute exactly")
    return operator.pow(base, exponent)


def _eval(node):
    if isinstance(node, ast.Expression):
        return _eval(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        left, right = _eval(node.left), _eval(node.right)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        return BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)](_eval(node.operand))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ToolError(f"unknown name {node.id!r}; constants are {', '.join(CONSTANTS)}")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        fn = FUNCTIONS.get(node.func.id)
        if fn is None:
            raise ToolError(f"unknown function {node.func.id!r}; functions are {', '.join(FUNCTIONS)}")
        return fn(*[_eval(arg) for arg in node.args])
    raise ToolError(f"not allowed in an expression: {ast.unparse(node) or type(node).__name__}")


def evaluate(expression: str):
    """The value of an arithmetic expression; ToolError with a plain reason otherwise."""
    expression = expression.strip().replace("^", "**").replace("×", "*").replace("÷", "/")
    if not expression:
        raise ToolError("the expression is empty")
    if len(expression) > MAX_LENGTH:
        raise ToolError(f"the expression is over {MAX_LENGTH} characters")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise ToolError(f"cannot read the expression: {exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ToolError(f"the expression has more than {MAX_NODES} parts")
    try:
        value = _eval(tree)
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except (OverflowError, ValueError, TypeError) as exc:
        raise ToolError(f"cannot compute it: {exc}") from None
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise ToolError("the result is too large")
    return value


def show(value) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(value, ".15g")
    return str(value)


@ext.tool("calc", description=(
    "Evaluate an arithmetic expression exactly: numbers, + - * / // % ** (or ^), parentheses, "
    "constants pi e tau, and functions sqrt exp ln log log2 log10 sin cos tan asin acos atan "
    "atan2 hypot abs round floor ceil min max gcd lcm factorial comb perm. Use it instead of "
    "doing arithmetic in your head."), schema={
        "type": "object",
        "properties": {"expression": {"type": "string", "description": "e.g. (17 * 23) / 4 + sqrt(2)"}},
        "required": ["expression"],
        "additionalProperties": False,
    })
def calc(args: dict, ctx):
    expression = args.get("expression")
    if not isinstance(expression, str):
        raise ToolError("give the expression as a string, e.g. {\"expression\": \"2 + 2\"}")
    return show(evaluate(expression))


@ext.tool("stats", description=(
    "Summary statistics of a list of numbers: count, sum, mean, median, sample standard "
    "deviation, min and max."), schema={
        "type": "object",
        "properties": {"values": {"type": "array", "items": {"type": "number"}, "minItems": 1}},
        "required": ["values"],
        "additionalProperties": False,
    })
def stats(args: dict, ctx):
    values = args.get("values")
    if not isinstance(values, list) or not values:
        raise ToolError("give `values`, a non-empty list of numbers")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise ToolError("every value must be a number")
    rows = [("count", len(values)), ("sum", math.fsum(values)),
            ("mean", statistics.fmean(values)), ("median", statistics.median(values)),
            ("stdev", statistics.stdev(values) if len(values) > 1 else 0.0),
            ("min", min(values)), ("max", max(values))]
    return "\n".join(f"{name}: {show(value)}" for name, value in rows)


@ext.command("calc", description="Evaluate an expression: /calc 2^10 / 3")
def calc_command(args: str, ctx):
    try:
        return f"{args.strip()} = {show(evaluate(args))}"
    except ToolError as exc:
        return ext.error(str(exc))


if __name__ == "__main__":
    ext.run()
