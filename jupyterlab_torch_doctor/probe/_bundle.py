"""Join exactly the modules each request needs into one Python source.

Used by scripts/bundle-probe.py (the sources embedded in the JS bundle), by
hatch_build.py (the wheel's single file torch_doctor_probe.py) and by the CLI
(job children of `python -m jupyterlab_torch_doctor.probe`).

The rule that makes a bundle work: a module uses only names of the modules
listed before it, imports them with single-line `from .x import a, b` at the
top level (dropped here), and no two modules of a bundle define the same
top-level name (checked here).
"""

import ast
import io
import os
import re
import tokenize

HERE = os.path.dirname(os.path.abspath(__file__))

_SHOW = '    __import__("IPython").display.display({%s: %s(__probe_args__)}, raw=True)\n'
_KERNEL = 'if __name__ == "__torch_doctor_probe__":\n'
_CHILD = ('if __name__ == "__main__" and "--job-child" in sys.argv:\n'
          '    job_child_main(sys.argv[sys.argv.index("--job-child") + 1], %s)\n')
QUICK_MODULES = ["core", "tags", "system", "packages", "nvidia", "others", "install", "report"]
ALL_MODULES = QUICK_MODULES + ["nvml", "index", "deep", "job", "cli"]

# kind: (modules, tail, minified). The kernel-sent kinds are minified; the wheel's file is not.
BUNDLES = {
    "quick": (QUICK_MODULES, _KERNEL + _SHOW % ("MIME", "kernel_quick"), True),
    "job": (["job"], _KERNEL + _SHOW % ("JOB_MIME", "job_kernel"), True),
    "index-job": (["core", "index", "job"], _CHILD % '{"index": index_job}', True),
    "nvidia-job": (["core", "nvml", "job"], _CHILD % '{"nvidia": nvidia_job}', True),
    "deep-job": (["core", "packages", "deep", "job"], _CHILD % '{"deep": deep_job}', True),
    "standalone": (ALL_MODULES, 'if __name__ == "__main__":\n    sys.exit(main())\n', False),
}

STANDALONE_HEADER = '''"""jupyterlab-torch-doctor's probe as one file: `python torch_doctor_probe.py [--deep]`.

Generated from the package jupyterlab_torch_doctor/probe/ by its _bundle.py; do not edit.
Stdlib only; prints this interpreter's report (JSON) on stdout.
"""
'''

_RELATIVE = re.compile(r"^from \.[\w.]* import [^(\n]+$")
_PLAIN_IMPORT = re.compile(r"^(import [\w., ]+|from [\w.]+ import [\w., ]+)$")


def module_source(name):
    with open(os.path.join(HERE, name + ".py"), encoding="utf-8") as f:
        return f.read()


def _defined(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _docstring_lines(tree):
    """Line numbers (1-based) of every docstring: module, class and function."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str) and len(node.body) > 1:
                lines |= set(range(first.lineno, first.end_lineno + 1))
    return lines


def _string_lines(tree):
    """Lines inside multi-line string literals: never touched."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and getattr(node, "end_lineno", None) \
                and node.end_lineno > node.lineno:
            lines |= set(range(node.lineno + 1, node.end_lineno + 1))
    return lines


def _one_space(line):
    """Four-space indentation to one: blocks keep their nesting, lines inside brackets do not care."""
    code = line.lstrip(" ")
    return " " * ((len(line) - len(code)) // 4) + code


_WORDY = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'\"")


def _tight_lines(text):
    """line -> its code with no space but between two words (`a = f(x, y)` -> `a=f(x,y)`).

    Only lines whose tokens all sit on that one line, with no f-string (tokenized
    piecewise since Python 3.12), no comment and no backslash continuation.
    """
    by_line, skip = {}, set()
    for t in tokenize.generate_tokens(io.StringIO(text).readline):
        if t.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        if t.start[0] != t.end[0] or t.type == tokenize.COMMENT or tokenize.tok_name[t.type].startswith("FSTRING"):
            skip.update(range(t.start[0], t.end[0] + 1))
        by_line.setdefault(t.start[0], []).append(t.string)
    lines = text.splitlines()
    out = {}
    for i, toks in by_line.items():
        if i in skip or lines[i - 1].rstrip().endswith("\\"):
            continue
        code = toks[0]
        for tok in toks[1:]:
            code += (" " if code[-1] in _WORDY and tok[0] in _WORDY else "") + tok
        out[i] = code
    return out


def _module_body(name, minify, imports, seen):
    text = module_source(name)
    tree = ast.parse(text)
    drop = _docstring_lines(tree) if minify else {1 + i for i in range(tree.body[0].end_lineno)} \
        if tree.body and isinstance(tree.body[0], ast.Expr) else set()
    keep = _string_lines(tree) - drop
    defined = _defined(tree)
    clash = defined & seen.keys()
    if clash:
        raise ValueError(f"{name}.py defines {sorted(clash)}, already defined by "
                         f"{sorted({seen[c] for c in clash})}: bundles share one namespace")
    seen.update({n: name for n in defined})
    # Where each trailing comment starts (line -> column): the minified kinds drop them.
    comments = {t.start[0]: t.start[1] for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type == tokenize.COMMENT} if minify else {}
    tight = _tight_lines(text) if minify else {}
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if i in keep:
            out.append(line)
            continue
        line = line[:comments[i]].rstrip() or line if i in comments else line
        if i in drop or _RELATIVE.match(line):
            continue
        if _PLAIN_IMPORT.match(line):
            imports.setdefault(line, None)
            continue
        if minify and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if minify:
            line = _one_space(line)
            line = line[:len(line) - len(line.lstrip(" "))] + tight[i] if i in tight else line
        out.append(line)
    if any(line.startswith("from .") for line in out):
        raise ValueError(f"{name}.py: relative imports must be single-line and at the top level")
    return out


def build(kind):
    """The bundle of one kind, as Python source."""
    modules, tail, minify = BUNDLES[kind]
    imports, seen, bodies = {}, {}, []
    for name in modules:
        body = _module_body(name, minify, imports, seen)
        bodies += body if minify else [f"# ---- {name}.py " + "-" * (60 - len(name))] + body + ["", ""]
    head = [] if minify else [STANDALONE_HEADER]
    source = "\n".join(head + list(imports) + ([""] if not minify else []) + bodies) + "\n" + tail
    compile(source, f"<bundle {kind}>", "exec")
    return source


def kernel_kinds():
    return [k for k in BUNDLES if k != "standalone"]
