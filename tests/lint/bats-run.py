#!/usr/bin/env python3
"""bats-run.py - find bats `run`s whose status and output nothing checks.

    tests/lint/bats-run.py [--selftest] [--tap] [FILE...]

Without FILEs it reads every tracked *.bats and *.bash file of the project
(`git ls-files`, or a walk of tests/ outside a git checkout).

`run CMD` never fails: it stores CMD's exit status in $status and its output
in $output/$lines (and $stderr). A `run` is checked when

  * it asserts the status itself: `run -N CMD` or `run ! CMD`; or
  * before anything overwrites them, a later statement reads them: one of
    bats-assert's assert_success/assert_failure/assert_output/assert_line/
    refute_output/refute_line/..., a function of the project that reads them,
    or any statement that mentions $status, $output, $lines or $stderr
    (`[ "$status" -eq 1 ]`, `assert_equal "${lines[0]}" x`, a `run` that
    reads $output and is itself checked, `done <<<"$output"`...). An echo or
    printf of them that goes nowhere but the test log is not a check.

What is flagged:
  * a `run` followed by another `run` (that does not read $output), the end
    of its test or function, or the end of the loop body it is in (each
    iteration overwrites the last) with nothing reading its results;
  * a `run` in a pipeline (`echo x | run CMD`, `run CMD | ...`): it runs in a
    subshell, so its $status/$output never reach the statements after it, and
    only the last command of a pipeline can fail the test.

A function (in a .bash helper or a .bats file) whose last statement is an
unchecked `run` (log lines aside) hands its results to the caller: its calls
count as `run`s. A `run` followed by other work and then the end of its
function is flagged where it is.

The shell is parsed, not grepped: quotes, $(...), heredocs, [[ ]], (( )),
case arms, if/elif/else, loops, brace groups and subshells are understood,
so a check in an `if` after the run, or both branches of an if/else each
doing their own `run`, are read as bash runs them.
"""

import os
import re
import subprocess
import sys

# bats-assert / bats-support functions that read $status, $output, $lines or
# $stderr without naming them.
BUILTIN_CHECKERS = {
    "assert_success", "assert_failure", "assert_output", "refute_output",
    "assert_line", "refute_line", "assert_stderr", "refute_stderr",
    "assert_stderr_line", "refute_stderr_line",
}
BATS_HOOKS = {"setup", "teardown", "setup_file", "teardown_file", "setup_suite", "teardown_suite"}
RESULT_VAR = re.compile(r"\$\{?[#!]?(status|output|lines|stderr|stderr_lines)\b")
RESERVED = {"if", "then", "elif", "else", "fi", "do", "done", "while", "until",
            "for", "case", "esac", "{", "}", "!", "time", "function", "in", "select"}
SEPARATORS = {";", "\n", "&", "&&", "||", "|", "|&", ";;", ";&", ";;&"}
REDIRECTS = {"<", ">", ">>", "<<", "<<-", "<<<", ">&", "<&", "&>", "&>>", "<>", ">|"}


class ParseError(Exception):
    pass


# ---------------------------------------------------------------------------
# Tokens: ("w", text, line) words, ("o", text, line) operators, ("n", "\n", line)

class Lexer:
    def __init__(self, text):
        self.s = text
        self.i = 0
        self.line = 1
        self.toks = []
        self.heredocs = []  # (delimiter, strip_tabs) waiting for the next newline

    def peek(self, k=0):
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def adv(self, n=1):
        for _ in range(n):
            if self.i < len(self.s):
                if self.s[self.i] == "\n":
                    self.line += 1
                self.i += 1

    def at_command_start(self):
        if not self.toks:
            return True
        kind, text, _ = self.toks[-1]
        return kind in ("n", "o") and text not in REDIRECTS or (kind == "w" and text in RESERVED)

    def run(self):
        while self.i < len(self.s):
            c = self.peek()
            if c in " \t":
                self.adv()
            elif c == "\\" and self.peek(1) == "\n":
                self.adv(2)
            elif c == "\n":
                self.toks.append(("n", "\n", self.line))
                self.adv()
                self.read_heredocs()
            elif c == "#":
                while self.i < len(self.s) and self.peek() != "\n":
                    self.adv()
            elif c == "(" and self.peek(1) == "(" and self.at_command_start():
                start, line = self.i, self.line
                self.adv(2)
                self.skip_balanced("(", ")", depth=2)
                self.toks.append(("w", self.s[start:self.i], line))
            elif c in "<>" and self.peek(1) == "(":
                self.read_word()
            elif c in ";&|()<>":
                self.read_op()
            else:
                self.read_word()
        return self.toks

    def read_op(self):
        line = self.line
        for op in (";;&", "&>>", "<<<", "<<-", ";;", ";&", "&&", "||", "|&", ">>",
                   "<<", ">&", "<&", "&>", "<>", ">|", ";", "&", "|", "(", ")", "<", ">"):
            if self.s.startswith(op, self.i):
                self.adv(len(op))
                self.toks.append(("o", op, line))
                return
        raise ParseError("line %d: unknown operator" % line)

    def read_heredocs(self):
        while self.heredocs:
            delim, strip = self.heredocs.pop(0)
            while self.i < len(self.s):
                end = self.s.find("\n", self.i)
                if end < 0:
                    end = len(self.s)
                body = self.s[self.i:end]
                self.adv(end - self.i + 1)
                if (body.lstrip("\t") if strip else body) == delim:
                    break

    def skip_balanced(self, open_c, close_c, depth=1):
        """Skip to after the matching close_c, minding quotes and nesting."""
        start = self.line
        while self.i < len(self.s):
            c = self.peek()
            if c == "\\":
                self.adv(2)
            elif c == "'":
                self.skip_single()
            elif c == '"':
                self.skip_double()
            elif c == "`":
                self.skip_backtick()
            elif c == "#" and self.i > 0 and self.s[self.i - 1] in " \t\n" and open_c == "(":
                while self.i < len(self.s) and self.peek() != "\n":
                    self.adv()
            elif c == open_c:
                depth += 1
                self.adv()
            elif c == close_c:
                depth -= 1
                self.adv()
                if depth == 0:
                    return
            else:
                self.adv()
        raise ParseError("line %d: unbalanced %s" % (start, open_c))

    def skip_single(self):
        start = self.line
        self.adv()
        while self.i < len(self.s) and self.peek() != "'":
            self.adv()
        if self.i >= len(self.s):
            raise ParseError("line %d: unterminated '" % start)
        self.adv()

    def skip_double(self):
        start = self.line
        self.adv()
        while self.i < len(self.s):
            c = self.peek()
            if c == "\\":
                self.adv(2)
            elif c == '"':
                self.adv()
                return
            elif c == "$" and self.peek(1) in "({":
                self.adv()
                o = self.peek()
                self.adv()
                self.skip_balanced(o, ")" if o == "(" else "}")
            elif c == "`":
                self.skip_backtick()
            else:
                self.adv()
        raise ParseError('line %d: unterminated "' % start)

    def skip_backtick(self):
        self.adv()
        while self.i < len(self.s) and self.peek() != "`":
            self.adv(2 if self.peek() == "\\" else 1)
        self.adv()

    def read_word(self):
        start, line = self.i, self.line
        if self.peek() in "<>":  # process substitution <(...) >(...)
            self.adv(2)
            self.skip_balanced("(", ")")
        while self.i < len(self.s):
            c = self.peek()
            if c in " \t\n;&|<>" or (c in "()" and not (c == "(" and self.i > start and self.s[self.i - 1] == "=")):
                # a redirection's fd number ends the word only as a prefix (2>)
                break
            if c == "\\":
                self.adv(2)
            elif c == "'":
                self.skip_single()
            elif c == '"':
                self.skip_double()
            elif c == "`":
                self.skip_backtick()
            elif c == "$" and self.peek(1) in "({":
                self.adv()
                o = self.peek()
                self.adv()
                self.skip_balanced(o, ")" if o == "(" else "}")
            elif c == "$" and self.peek(1) == "'":
                self.adv()
                self.skip_ansi()
            elif c == "(" and self.i > start and self.s[self.i - 1] == "=":
                self.adv()
                self.skip_balanced("(", ")")  # an array assignment a=(...)
            else:
                self.adv()
        text = self.s[start:self.i]
        prev = self.toks[-1] if self.toks else None
        if prev and prev[0] == "o" and prev[1] in ("<<", "<<-"):
            self.heredocs.append((re.sub(r"[\"'\\]", "", text), prev[1] == "<<-"))
        if text == "[[" and self.at_command_start():
            self.read_until_word("]]", start, line)
            return
        self.toks.append(("w", text, line))

    def skip_ansi(self):
        self.adv()
        while self.i < len(self.s) and self.peek() != "'":
            self.adv(2 if self.peek() == "\\" else 1)
        self.adv()

    def read_until_word(self, end, start, line):
        """[[ ... ]]: one word, whatever operators it holds."""
        while self.i < len(self.s):
            c = self.peek()
            if c in " \t\n":
                self.adv()
                if self.s.startswith(end, self.i) and \
                        (self.i + len(end) == len(self.s) or self.s[self.i + len(end)] in " \t\n;&|)"):
                    self.adv(len(end))
                    self.toks.append(("w", self.s[start:self.i], line))
                    return
            elif c == "\\":
                self.adv(2)
            elif c == "'":
                self.skip_single()
            elif c == '"':
                self.skip_double()
            elif c == "$" and self.peek(1) in "({":
                self.adv()
                o = self.peek()
                self.adv()
                self.skip_balanced(o, ")" if o == "(" else "}")
            else:
                self.adv()
        raise ParseError("line %d: unterminated [[" % line)


# ---------------------------------------------------------------------------
# Tree: Cmd leaves and compound nodes, each knowing its parent

class Node:
    def __init__(self, kind, line):
        self.kind = kind    # cmd if loop case group subshell func file
        self.line = line
        self.parent = None
        self.lists = []     # child statement lists, in textual order
        self.words = []     # cmd: its words; compound: header and trailing words
        self.piped_in = False   # cmd: a pipeline feeds it
        self.piped_out = False  # cmd: it feeds a pipeline
        self.name = None    # func: its name; test: the description
        self.body_index = None  # loop: which of self.lists is the body

    def add_list(self, stmts):
        for s in stmts:
            s.parent = self
        self.lists.append(stmts)
        return stmts


class Parser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else ("eof", "", 0)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def is_word(self, *texts):
        k, text, _ = self.peek()
        return k == "w" and text in texts

    def expect_word(self, text):
        k, got, line = self.take()
        if k != "w" or got != text:
            raise ParseError("line %d: expected %r, got %r" % (line, text, got))

    def skip_separators(self):
        while self.peek()[0] == "n" or self.peek()[1] in (";", "&") and self.peek()[0] == "o":
            self.i += 1

    def parse_list(self, stop_words=(), stop_ops=()):
        stmts = []
        while True:
            self.skip_separators()
            k, text, _ = self.peek()
            if k == "eof" or (k == "w" and text in stop_words) or (k == "o" and text in stop_ops):
                return stmts
            stmts.extend(self.parse_pipeline_list())

    def parse_pipeline_list(self):
        """Commands joined by | && ||, up to a ; & or newline."""
        out = []
        piped_in = False
        while True:
            node = self.parse_command()
            k, text, _ = self.peek()
            pipe_out = k == "o" and text in ("|", "|&")
            if node.kind == "cmd":
                node.piped_in, node.piped_out = piped_in, pipe_out
            out.append(node)
            if k == "o" and text in ("|", "|&", "&&", "||"):
                self.i += 1
                while self.peek()[0] == "n":
                    self.i += 1
                piped_in = pipe_out
                continue
            return out

    def trailing(self, node):
        """Redirections after a compound command (`done <<<"$output"`)."""
        while self.peek()[0] == "w" or (self.peek()[0] == "o" and self.peek()[1] in REDIRECTS):
            node.words.append(self.take()[1])

    def parse_command(self):
        k, text, line = self.peek()
        if k == "o" and text == "(":
            self.i += 1
            node = Node("subshell", line)
            node.add_list(self.parse_list(stop_ops=(")",)))
            self.take()
            self.trailing(node)
            return node
        if k == "w":
            if text == "!" or text == "time":
                self.i += 1
                return self.parse_command()
            if text == "if":
                return self.parse_if()
            if text in ("while", "until"):
                self.i += 1
                node = Node("loop", line)
                node.add_list(self.parse_list(stop_words=("do",)))
                self.expect_word("do")
                node.add_list(self.parse_list(stop_words=("done",)))
                node.body_index = 1
                self.expect_word("done")
                self.trailing(node)
                return node
            if text in ("for", "select"):
                self.i += 1
                node = Node("loop", line)
                while self.peek()[0] == "w" and self.peek()[1] != "do":
                    node.words.append(self.take()[1])
                self.skip_separators()
                self.expect_word("do")
                node.add_list(self.parse_list(stop_words=("done",)))
                node.body_index = 0
                self.expect_word("done")
                self.trailing(node)
                return node
            if text == "case":
                return self.parse_case()
            if text == "{":
                self.i += 1
                node = Node("group", line)
                node.add_list(self.parse_list(stop_words=("}",)))
                self.expect_word("}")
                self.trailing(node)
                return node
            if text == "@test":
                self.i += 1
                name = self.take()[1]
                self.expect_word("{")
                node = Node("func", line)
                node.name = "@test " + name
                node.add_list(self.parse_list(stop_words=("}",)))
                self.expect_word("}")
                return node
            if text == "function":
                self.i += 1
                name = self.take()[1]
                if self.peek()[1] == "(":
                    self.i += 2
                return self.parse_func_body(name, line)
            nxt = self.t[self.i + 1] if self.i + 1 < len(self.t) else ("eof", "", 0)
            if nxt[0] == "o" and nxt[1] == "(" and self.i + 2 < len(self.t) and self.t[self.i + 2][1] == ")":
                self.i += 3
                return self.parse_func_body(text, line)
        return self.parse_simple()

    def parse_func_body(self, name, line):
        while self.peek()[0] == "n":
            self.i += 1
        node = Node("func", line)
        node.name = name
        body = self.parse_command()
        node.add_list([body])
        return node

    def parse_if(self):
        node = Node("if", self.peek()[2])
        self.i += 1
        node.add_list(self.parse_list(stop_words=("then",)))
        self.expect_word("then")
        node.add_list(self.parse_list(stop_words=("elif", "else", "fi")))
        while True:
            k, text, line = self.take()
            if text == "elif":
                node.add_list(self.parse_list(stop_words=("then",)))
                self.expect_word("then")
                node.add_list(self.parse_list(stop_words=("elif", "else", "fi")))
            elif text == "else":
                node.add_list(self.parse_list(stop_words=("fi",)))
            elif text == "fi":
                break
            else:
                raise ParseError("line %d: expected fi, got %r" % (line, text))
        self.trailing(node)
        return node

    def parse_case(self):
        node = Node("case", self.peek()[2])
        self.i += 1
        while not self.is_word("in"):
            if self.peek()[0] == "eof":
                raise ParseError("line %d: case without in" % node.line)
            node.words.append(self.take()[1])
        self.i += 1
        while True:
            while self.peek()[0] == "n":
                self.i += 1
            if self.is_word("esac"):
                self.i += 1
                break
            if self.peek()[1] == "(":
                self.i += 1
            while not (self.peek()[0] == "o" and self.peek()[1] == ")"):
                if self.peek()[0] == "eof":
                    raise ParseError("line %d: unterminated case" % node.line)
                self.i += 1
            self.i += 1
            node.add_list(self.parse_list(stop_words=("esac",), stop_ops=(";;", ";&", ";;&")))
            if self.peek()[0] == "o":
                self.i += 1
        self.trailing(node)
        return node

    def parse_simple(self):
        k, text, line = self.peek()
        node = Node("cmd", line)
        while True:
            k, text, _ = self.peek()
            if k == "w":
                node.words.append(text)
                self.i += 1
            elif k == "o" and text in REDIRECTS:
                node.words.append(text)
                self.i += 1
                if self.peek()[0] == "w":
                    node.words.append(self.take()[1])
            else:
                break
        if not node.words:
            raise ParseError("line %d: unexpected %r" % (line, text))
        return node


# ---------------------------------------------------------------------------
# Analysis

def command_name(cmd):
    """The command a simple command runs, past assignments."""
    for w in cmd.words:
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=", w):
            continue
        return w
    return ""


def run_flags(cmd):
    """For a bats `run`: (asserts its status, the words after the flags)."""
    words = cmd.words[cmd.words.index("run") + 1:]
    asserts = False
    while words:
        w = words[0]
        if w == "--":
            words = words[1:]
            break
        if w == "!" or re.fullmatch(r"-[0-9]+", w):
            asserts = True
        elif not w.startswith("-"):
            break
        words = words[1:]
    return asserts, words


ARITH_VAR = re.compile(r"\b(status|output|lines|stderr|stderr_lines)\b")


def mentions(words):
    return any(RESULT_VAR.search(w) or (w.startswith("((") and ARITH_VAR.search(w)) for w in words)


def walk(node):
    yield node
    for lst in node.lists:
        for child in lst:
            yield from walk(child)


class Checker:
    def __init__(self, trees):
        self.trees = trees  # path -> file node
        # What calling a function does to the results of an earlier run:
        # "checked" (it reads them), "run" (a run inside overwrites them)
        # or nothing. Functions whose last word is an unchecked run hand
        # its results out: their calls are runs (wrappers).
        self.effects = {name: "checked" for name in BUILTIN_CHECKERS}
        self.wrappers = set()
        self.funcs = {}
        for tree in trees.values():
            for n in walk(tree):
                if n.kind == "func" and not n.name.startswith("@test"):
                    self.funcs.setdefault(n.name, []).append(n)
        for _ in range(50):
            changed = False
            for name, defs in self.funcs.items():
                if name not in self.wrappers and name not in BATS_HOOKS and \
                        any(self.hands_out_run(f) for f in defs):
                    self.wrappers.add(name)
                    changed = True
                if name not in self.effects:
                    effects = [self.scan(f.lists[0][0]) for f in defs]
                    effect = "checked" if "checked" in effects else \
                        "run" if any(isinstance(e, tuple) for e in effects) else None
                    if effect:
                        self.effects[name] = effect
                        changed = True
            if not changed:
                break

    def is_run(self, cmd):
        name = command_name(cmd)
        return name == "run" or name in self.wrappers

    def hands_out_run(self, func):
        for n in walk(func):
            if n.kind == "cmd" and self.is_run(n):
                verdict = self.verdict(n)
                if verdict and verdict[0] == "end of function":
                    return True
        return False

    # -- one run ---------------------------------------------------------

    def verdict(self, cmd):
        """None when checked, else (reason, detail)."""
        if command_name(cmd) == "run":
            asserts, _ = run_flags(cmd)
        else:
            asserts = False
        if cmd.piped_out or (cmd.piped_in and not asserts):
            return ("pipeline", "it runs in a pipeline, in a subshell: its $status and $output are lost "
                    "(only `... | run -N CMD`, last in the pipeline, checks its status)")
        if asserts:
            return None
        node = cmd
        saw_other = False  # a statement after it that is not a log line
        while True:
            parent = node.parent
            if parent is None:
                return ("end of file", "nothing after it reads $status or $output")
            lst = next(lst for lst in parent.lists if any(s is node for s in lst))
            idx = next(i for i, s in enumerate(lst) if s is node)
            for nxt in lst[idx + 1:]:
                r = self.scan(nxt)
                if r == "checked":
                    return None
                if r is None and not (nxt.kind == "cmd" and only_logs(nxt)):
                    saw_other = True
                if r is not None:
                    return ("overwritten", "the %s at line %d overwrites $status and $output "
                            "before anything reads them" % r)
            if parent.kind == "loop":
                if parent.body_index is not None and parent.lists[parent.body_index] is lst:
                    return ("loop", "the next iteration overwrites $status and $output; nothing in "
                            "the loop body reads them")
                return ("loop", "nothing in the loop reads $status or $output")
            if parent.kind == "subshell":
                return ("subshell", "it runs in a subshell: its $status and $output are lost")
            if parent.kind == "func":
                if parent.name.startswith("@test") or parent.name in BATS_HOOKS:
                    return ("end of test", "nothing after it in the test reads $status or $output")
                if saw_other:
                    return ("end of helper", "nothing after it in %s() reads $status or $output"
                            % parent.name)
                # the function's last word: its callers get the results
                return ("end of function", "nothing after it in %s() reads $status or $output" % parent.name)
            if parent.kind == "file":
                return ("end of file", "nothing after it reads $status or $output")
            if parent.kind == "if":
                # past this branch: skip the others, go on after fi
                node = parent
                continue
            node = parent

    def scan(self, node):
        """What a statement after a run does to its results: "checked",
        (WHAT, LINE) when a run there overwrites them, or None (neither)."""
        if node.kind == "cmd":
            name = command_name(node)
            if self.is_run(node):
                if mentions(node.words):
                    return "checked"  # it reads $output; it is checked itself
                return ("run" if name == "run" else "run in %s()" % name, node.line)
            if mentions(node.words):
                if only_logs(node):
                    return None
                return "checked"
            effect = self.effects.get(name)
            return ("run in %s()" % name, node.line) if effect == "run" else effect
        if node.kind == "func":
            return None
        if mentions(node.words):
            return "checked"
        for lst in node.lists:
            for child in lst:
                r = self.scan(child)
                if isinstance(r, tuple) and node.kind == "subshell":
                    continue  # a subshell's run overwrites nothing outside
                if r is not None:
                    return r
        return None

    def problems(self, tree):
        out = []
        for n in walk(tree):
            if n.kind == "cmd" and self.is_run(n):
                v = self.verdict(n)
                if v is None:
                    continue
                if v[0] == "end of function":
                    continue  # the callers check it: their calls are runs
                out.append((n.line, " ".join(n.words).split("\n")[0], v[1]))
        return out


def only_logs(cmd):
    """An echo or printf to the test's log (stdout or stderr), nothing else."""
    if command_name(cmd) not in ("echo", "printf") or cmd.piped_out:
        return False
    w = cmd.words
    for i, word in enumerate(w):
        if word in REDIRECTS:
            target = w[i + 1] if i + 1 < len(w) else ""
            if not (word in (">&", "&>") and target in ("2", "1") or target == "/dev/stderr"):
                return False
    return True


def parse(text):
    toks = Lexer(text).run()
    p = Parser(toks)
    root = Node("file", 1)
    root.add_list(p.parse_list())
    if p.peek()[0] != "eof":
        raise ParseError("line %d: unexpected %r" % (p.peek()[2], p.peek()[1]))
    return root


# ---------------------------------------------------------------------------
# Self-test: the cases in bats-run.cases

def selftest_cases():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bats-run.cases")
    cases, name, lines = [], None, []
    with open(path, encoding="utf-8") as fh:
        for line in fh.read().split("\n"):
            if line.startswith("### "):
                if name:
                    cases.append((name, "\n".join(lines)))
                name, lines = line[4:], [""]
            elif name:
                lines.append(line)
    if name:
        cases.append((name, "\n".join(lines)))
    return cases


def selftest():
    results = []
    for name, text in selftest_cases():
        want = {i + 1 for i, l in enumerate(text.split("\n")) if l.rstrip().endswith("# FLAG")}
        try:
            tree = parse(text)
            got = {line for line, _, _ in Checker({"case": tree}).problems(tree)}
            err = None if got == want else "flagged lines %s, expected %s" % (sorted(got), sorted(want))
        except ParseError as e:
            err = "parse error: %s" % e
        results.append(("bats-run self-test: " + name, err))
    return results


# ---------------------------------------------------------------------------

def project_files(top):
    try:
        out = subprocess.run(["git", "-C", top, "ls-files", "-z", "--", "*.bats", "*.bash"],
                             capture_output=True, check=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
        if files:
            return sorted(files)
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for d, _, names in os.walk(os.path.join(top, "tests")):
        for n in names:
            if n.endswith((".bats", ".bash")):
                files.append(os.path.relpath(os.path.join(d, n), top))
    return sorted(files)


def main(argv):
    tap = "--tap" in argv
    only_self = "--selftest" in argv
    args = [a for a in argv if not a.startswith("--")]
    top = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    results = selftest()
    if not only_self:
        files = args or project_files(top)
        trees, errors = {}, {}
        for f in files:
            path = f if os.path.isabs(f) else os.path.join(top, f)
            try:
                with open(path, encoding="utf-8") as fh:
                    trees[f] = parse(fh.read())
            except (OSError, ParseError) as e:
                errors[f] = str(e)
        checker = Checker(trees)
        for f in files:
            if f in errors:
                results.append(("bats-run: %s" % f, "cannot read it: %s" % errors[f]))
                continue
            if not f.endswith(".bats") and not any(
                    n.kind == "cmd" and checker.is_run(n) for n in walk(trees[f])):
                continue
            probs = checker.problems(trees[f])
            msg = None
            if probs:
                msg = "\n".join("%s:%d: %s\n    %s" % (f, line, text, why) for line, text, why in probs)
            results.append(("bats-run: every run in %s is checked" % f, msg))
    failed = 0
    if tap:
        print("1..%d" % len(results))
    for i, (name, err) in enumerate(results, 1):
        if err is None:
            if tap:
                print("ok %d - %s" % (i, name))
            continue
        failed += 1
        if tap:
            print("not ok %d - %s" % (i, name))
            for line in err.split("\n"):
                print("# " + line)
        else:
            print(err if name.startswith("bats-run: every") else "%s: %s" % (name, err), file=sys.stderr)
    if not tap and failed == 0:
        print("bats-run: %d checks passed" % len(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
