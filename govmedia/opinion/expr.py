"""监测方案 keyword expressions, parsed once into a matcher over normalised text (no Django).

Grammar (operators in English or Chinese, case-insensitive; a Chinese operator
must stand alone between spaces, so 或者 stays a word)::

    expr  := and ( (OR | 或 | "|") and )*
    and   := not ( [AND | 与 | "&"] not )*         -- juxtaposition is AND
    not   := (NOT | 非 | "-") not | near
    near  := atom ( NEAR/n atom )*                  -- also 邻近/n; n characters apart at most
    atom  := "(" expr ")" | "phrase" | “phrase” | word

Words and phrases are folded like the content check folds its lists (full-width,
traditional, case) and their separators dropped; the text is normalised the same
way (``normalize(text).compact``), so 停水, 停 水 and 停\u200b水 all match. A
NEAR operand must be a word or phrase; the distance counts characters of the
compact text between the end of one match and the start of the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govmedia.checks.normalize import fold_entry, normalize


class ExpressionError(ValueError):
    def __init__(self, position: int, message: str, message_zh: str) -> None:
        super().__init__(f"{message} at position {position}")
        self.position = position
        self.message = message
        self.message_zh = f"表达式第 {position + 1} 个字符处：{message_zh}"


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lp>[(（])|(?P<rp>[)）])
      | "(?P<q1>[^"]*)" | “(?P<q2>[^”]*)”
      | (?P<near>(?:NEAR|邻近)/(?P<n>\d+))
      | (?P<minus>-)(?=[^\s-])
      | (?P<word>[^\s()（）"“”]+)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_OPS = {
    "and": "AND",
    "与": "AND",
    "&": "AND",
    "or": "OR",
    "或": "OR",
    "|": "OR",
    "not": "NOT",
    "非": "NOT",
    "-": "NOT",
}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # LP RP TERM AND OR NOT NEAR END
    pos: int
    value: str = ""
    distance: int = 0


def _tokens(source: str) -> list[_Tok]:
    out = []
    pos = 0
    while pos < len(source):
        if source[pos:].strip() == "":
            break
        m = _TOKEN.match(source, pos)
        if m is None or m.end() == pos:
            start = pos + len(source[pos:]) - len(source[pos:].lstrip())
            if source[start] in '"“':
                raise ExpressionError(start, "unclosed quotation mark", "引号没有闭合")
            raise ExpressionError(
                start, f"unexpected character {source[start]!r}", f"无法识别的字符“{source[start]}”"
            )
        start = m.start(m.lastgroup or 0) if m.lastgroup else m.start()
        if m.group("lp"):
            out.append(_Tok("LP", start))
        elif m.group("rp"):
            out.append(_Tok("RP", start))
        elif m.group("q1") is not None or m.group("q2") is not None:
            phrase = m.group("q1") if m.group("q1") is not None else m.group("q2")
            out.append(_Tok("TERM", m.start() + len(m.group()) - len(m.group().lstrip()), phrase))
        elif m.group("minus"):
            out.append(_Tok("NOT", m.start("minus")))
        elif m.group("near"):
            out.append(_Tok("NEAR", m.start("near"), distance=int(m.group("n"))))
        else:
            word = m.group("word")
            op = _OPS.get(word.lower())
            out.append(_Tok(op, m.start("word")) if op else _Tok("TERM", m.start("word"), word))
        pos = m.end()
    out.append(_Tok("END", len(source)))
    return out


# Nodes: ("term", s) ("and", a, b) ("or", a, b) ("not", a) ("near", a, b, n)
Node = tuple


class _Parser:
    def __init__(self, source: str) -> None:
        self.toks = _tokens(source)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise ExpressionError(0, "empty expression", "表达式为空")
        node = self.or_()
        tok = self.peek()
        if tok.kind == "RP":
            raise ExpressionError(
                tok.pos, "unmatched closing parenthesis", "右括号没有对应的左括号"
            )
        if tok.kind != "END":
            raise ExpressionError(tok.pos, "unexpected operator", "多余的运算符")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek().kind == "OR":
            self.take()
            node = ("or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.peek().kind in ("AND", "NOT", "TERM", "LP"):
            if self.peek().kind == "AND":
                self.take()
            node = ("and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.peek().kind == "NOT":
            self.take()
            return ("not", self.not_())
        return self.near()

    def near(self) -> Node:
        node = self.atom()
        while self.peek().kind == "NEAR":
            tok = self.take()
            right = self.atom()
            if node[0] != "term" or right[0] != "term":
                raise ExpressionError(
                    tok.pos, "NEAR joins two words or phrases", "邻近运算只能连接两个词或短语"
                )
            node = ("near", node, right, tok.distance)
        return node

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "LP":
            node = self.or_()
            close = self.take()
            if close.kind != "RP":
                raise ExpressionError(tok.pos, "unclosed parenthesis", "左括号没有闭合")
            return node
        if tok.kind == "TERM":
            term = fold_entry(tok.value)
            if not term:
                raise ExpressionError(tok.pos, "empty word or phrase", "空的词或短语")
            return ("term", term)
        if tok.kind == "END":
            raise ExpressionError(
                tok.pos, "expression ends where a word was expected", "表达式不完整，缺少关键词"
            )
        raise ExpressionError(tok.pos, "a word was expected here", "此处应为关键词")


def _positions(text: str, term: str) -> list[int]:
    out = []
    start = text.find(term)
    while start >= 0:
        out.append(start)
        start = text.find(term, start + 1)
    return out


def _eval(node: Node, text: str) -> bool:
    kind = node[0]
    if kind == "term":
        return node[1] in text
    if kind == "and":
        return _eval(node[1], text) and _eval(node[2], text)
    if kind == "or":
        return _eval(node[1], text) or _eval(node[2], text)
    if kind == "not":
        return not _eval(node[1], text)
    a, b, n = node[1][1], node[2][1], node[3]
    pa, pb = _positions(text, a), _positions(text, b)
    return any((y - (x + len(a)) if y >= x else x - (y + len(b))) <= n for x in pa for y in pb)


class Expression:
    """A parsed expression; ``matches`` normalises the text, ``matches_compact`` takes it normalised."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tree = _Parser(source).parse()

    def matches(self, text: str) -> bool:
        return _eval(self.tree, normalize(text).compact)

    def matches_compact(self, compact: str) -> bool:
        return _eval(self.tree, compact)


def compile_expression(source: str) -> Expression:
    """Parse ``source`` once; raises ``ExpressionError`` (with ``position``, ``message_zh``)."""
    return Expression(source)
