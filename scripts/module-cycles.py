#!/usr/bin/env python3
"""Lists import circles between the top-level modules of src/ (the graph of `crate::X` uses).

A module is a file `src/X.rs` or a folder `src/X/`; an edge X -> Y is any `crate::Y` in the code
of X's files (`#[cfg(test)]` tails included: a circle through tests is a circle too). Comments
are left out: a doc link to another module is a pointer for the reader, not a dependency.
Prints the edges with --edges; exits 1 when there is a circle, naming every one found.
"""
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def modules():
    found = {}
    for p in SRC.iterdir():
        if p.suffix == ".rs" and p.stem not in ("lib", "main"):
            found.setdefault(p.stem, []).append(p)
        elif p.is_dir():
            found.setdefault(p.name, []).extend(p.rglob("*.rs"))
    return found


def graph(mods):
    edges = {m: set() for m in mods}
    use_re = re.compile(r"\bcrate::(\w+)")
    group_re = re.compile(r"\buse crate::\{([^;]*)\}", re.S)
    for m, files in mods.items():
        for f in files:
            text = re.sub(r"//[^\n]*", "", f.read_text())
            names = set(use_re.findall(text))
            for group in group_re.findall(text):
                names.update(re.findall(r"(?:^|[,{\s])(\w+)(?=::|\s*[,}]|$)", group))
            edges[m].update(n for n in names if n in mods and n != m)
    return edges


def cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    edges = graph(modules())
    if "--edges" in sys.argv:
        for m in sorted(edges):
            print(f"{m} -> {', '.join(sorted(edges[m])) or '(none)'}")
    found = cycles(edges)
    for comp in found:
        inner = {m: sorted(edges[m] & set(comp)) for m in comp}
        print("circle: " + "; ".join(f"{m} -> {', '.join(t)}" for m, t in inner.items()))
    if not found:
        print(f"no import circle among {len(edges)} modules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
