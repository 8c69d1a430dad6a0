#!/usr/bin/env python3
"""Regenerates, or checks, every command output shown in README.md and docs/*.md.

A shown output is a fenced block with the info string `console`. Its lines that start with "$ "
are commands; every other line is what the commands printed, and is rewritten from a fresh run:

    ```console
    $ lbsim run examples/mm1.yaml | grep latency
    latency      mean 49.622 ms   ...
    ```

An HTML comment on the line just above the fence gives options, separated by ";" (a mask comes
last and runs to the end of the comment):

    <!-- doc-output: slow; mask=[0-9.]+ s$ -->

  slow        the block takes long (a study, a plan): `--check` skips it unless `--blocks slow` or
              `--blocks all` is given; regeneration runs every block unless told otherwise.
  mask=REGEX  what the regular expression matches (wall times, say) is shown as "<masked>", in
              the document and in the comparison alike.

Each command runs under bash in a fresh scratch directory in which `examples` and `tests` are the
repository's folders, with lbsim's build directory first on the PATH, so `lbsim` is the binary just
built. Standard output and standard error are shown as a terminal interleaves them; a non-zero exit
status adds a line "[exit status N]". Trailing spaces are dropped.

Figures quoted in prose or in a table (a hand calculation beside what lbsim printed) are checked
the same way, not rewritten: an HTML comment gives the commands, and every `code span` of the
paragraph just below it (of a table: of its last column) must be found in what those commands
print, on one line, with runs of spaces counted as one and "..." standing for anything. Spans
that start with "-" are options, not quoted output. A quote that is no longer printed fails the
check and shows the closest line:

    <!-- doc-quotes: lbsim run examples/teaching/network-gbps-in-bytes.yaml -->
    | hand calculation | lbsim |
    |---|---|
    | 125 MB in 1 s | `latency      mean 1000.000 ms ... max 1000.000 ms` |

    python3 scripts/doc_outputs.py                 # rewrite every block in place (the slow ones too)
    python3 scripts/doc_outputs.py --check         # exit 1 with a diff if a block differs
    python3 scripts/doc_outputs.py --check --blocks slow docs/algorithms.md
"""

import argparse
import concurrent.futures
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^(\s*)```console\s*$")
OPTIONS = re.compile(r"^\s*<!--\s*doc-output:(.*)-->\s*$")
QUOTES = re.compile(r"^\s*<!--\s*doc-quotes:(.*)-->\s*$")
CODE_SPAN = re.compile(r"`([^`]+)`")
COMMAND_TIMEOUT_S = 900


class Block:
    """One ```console block: where it is, its options, its commands and its current text."""

    def __init__(self, path, first_line, indent, options, commands, body):
        self.path = path
        self.first_line = first_line  # 1-based line of the opening fence
        self.indent = indent
        self.slow = "slow" in options
        self.masks = [re.compile(m) for m in options.get("mask", [])]
        self.commands = commands
        self.body = body  # the lines between the fences, indentation removed


def parse_options(text):
    options = {}
    text, _, mask = text.partition("mask=")  # a mask is last: it may hold ";" itself
    if mask.strip():
        options["mask"] = [mask.strip()]
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        key, _, value = item.partition("=")
        options.setdefault(key.strip(), []).append(value.strip())
    return options


def find_blocks(path, lines):
    blocks, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent = match.group(1)
        options = {}
        if i > 0:
            comment = OPTIONS.match(lines[i - 1])
            if comment:
                options = parse_options(comment.group(1))
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            sys.exit(f"{path}:{i + 1}: a ```console block is never closed")
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[i + 1:end]]
        commands = [line[2:].strip() for line in body if line.startswith("$ ")]
        if not commands:
            sys.exit(f"{path}:{i + 1}: a ```console block has no command (a line starting with \"$ \")")
        blocks.append(Block(path, i + 1, indent, options, commands, body))
        i = end + 1
    return blocks


class Quotes:
    """A paragraph or table that quotes lbsim's output, and the commands that print it."""

    def __init__(self, path, line, command, spans):
        self.path = path
        self.line = line  # 1-based line of the comment
        self.command = command
        self.spans = spans  # (1-based line, quoted text)


def find_quotes(path, lines):
    tables = []
    for i, line in enumerate(lines):
        match = QUOTES.match(line)
        if not match:
            continue
        spans, j = [], i + 1
        if j < len(lines) and lines[j].lstrip().startswith("|"):
            header = True  # the rows above |---| name the columns
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                cells = lines[j].strip().strip("|").split("|")
                if not header:
                    spans += [(j + 1, span) for span in CODE_SPAN.findall(cells[-1])]
                header = header and not set(lines[j].strip()) <= set("|-: ")
                j += 1
        else:  # a paragraph: a span may run across a line break
            while j < len(lines) and lines[j].strip():
                j += 1
            spans = [(i + 2, span) for span in CODE_SPAN.findall(" ".join(lines[i + 1:j]))]
        spans = [(line, span) for line, span in spans if not span.startswith("-")]
        if not spans:
            sys.exit(f"{path}:{i + 1}: a doc-quotes comment without quoted output just below it")
        tables.append(Quotes(path, i + 1, match.group(1).strip(), spans))
    return tables


def squeeze(text):
    return " ".join(text.split())


def quoted_in(span, output):
    parts = [squeeze(part) for part in span.split("...")]
    for line in output:
        line, at = squeeze(line), 0
        for part in parts:
            at = line.find(part, at)
            if at < 0:
                break
            at += len(part)
        else:
            return True
    return False


def check_quotes(table, bin_dir):
    """The quotes of `table` not found in its commands' output, each with the closest line printed."""
    output = run_command(table.command, bin_dir)
    missing = []
    for line, span in table.spans:
        if not quoted_in(span, output):
            # The closest line: the one sharing the longest run of characters with the quote.
            def shared(candidate, quote=squeeze(span)):
                return difflib.SequenceMatcher(None, quote, candidate, autojunk=False).find_longest_match(
                    0, len(quote), 0, len(candidate)).size
            closest = max((squeeze(o) for o in output), key=shared, default="")
            missing.append((line, span, closest))
    return missing


def run_command(command, bin_dir):
    scratch = tempfile.mkdtemp(prefix="lbsim-doc-")
    try:
        for shared in ("examples", "tests"):  # the example scenarios, and the malformed ones of tests/data
            os.symlink(os.path.join(REPO, shared), os.path.join(scratch, shared))
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C",
                   COLUMNS="100", NO_COLOR="1")
        result = subprocess.run(["bash", "-c", command], cwd=scratch, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=COMMAND_TIMEOUT_S)
        text = result.stdout.decode("utf-8", errors="replace")
        lines = [line.rstrip() for line in text.splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        if result.returncode != 0:
            lines.append(f"[exit status {result.returncode}]")
        return lines
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def render(block, outputs):
    lines = []
    for command, output in zip(block.commands, outputs):
        if lines:
            lines.append("")
        lines.append("$ " + command)
        lines.extend(output)
    return [masked(block, line) for line in lines]


def masked(block, line):
    for mask in block.masks:
        line = mask.sub("<masked>", line)
    return line.rstrip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="Markdown files (default: README.md and docs/*.md)")
    parser.add_argument("--check", action="store_true", help="compare instead of rewriting; exit 1 on a difference")
    parser.add_argument("--blocks", choices=["fast", "slow", "all"],
                        help="which blocks: those not marked slow, those marked slow, or all "
                             "(default: fast with --check, all without)")
    parser.add_argument("--bin", default=os.path.join(REPO, "build", "cli"), help="the directory holding lbsim")
    parser.add_argument("--jobs", type=int, default=1, help="commands run at once")
    args = parser.parse_args()

    if not os.access(os.path.join(args.bin, "lbsim"), os.X_OK):
        sys.exit(f"doc_outputs: no lbsim in {args.bin} (build it first, or give --bin)")
    files = args.files or [os.path.join(REPO, "README.md")] + sorted(
        os.path.join(REPO, "docs", name) for name in os.listdir(os.path.join(REPO, "docs")) if name.endswith(".md"))

    wanted = args.blocks or ("fast" if args.check else "all")
    differences, skipped, checked = 0, 0, 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        blocks = find_blocks(path, lines)
        tables = find_quotes(path, lines) if wanted != "slow" else []
        todo = [b for b in blocks if wanted == "all" or (wanted == "slow") == b.slow]
        skipped += len(blocks) - len(todo)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {b: [pool.submit(run_command, c, args.bin) for c in b.commands] for b in todo}
            rendered = {b: render(b, [f.result() for f in futures[b]]) for b in todo}
            quote_checks = {t: pool.submit(check_quotes, t, args.bin) for t in tables}
        rel = os.path.relpath(path, REPO)
        for table in tables:
            checked += 1
            missing = quote_checks[table].result()
            if missing:
                differences += 1
                for line, span, closest in missing:
                    print(f"{rel}:{line}: `{span}` is no longer printed by `{table.command}`"
                          f"\n  closest line now: {closest}")
        # Rewrite from the last block up, so earlier blocks' line numbers stay right.
        for block in reversed(todo):
            new_body = rendered[block]
            old_body = [masked(block, line) for line in block.body]
            checked += 1
            if args.check:
                if old_body != new_body:
                    differences += 1
                    print(f"{rel}:{block.first_line}: the shown output differs from what lbsim prints now")
                    sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(
                        old_body, new_body, f"{rel} (shown)", "lbsim (now)", lineterm="", n=2))
                continue
            start = block.first_line  # index of the first body line (the fence is at first_line - 1)
            lines[start:start + len(block.body)] = [block.indent + line if line else "" for line in new_body]
        if not args.check:
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))

    if args.check:
        note = f", {skipped} block(s) of the other kind skipped (see --blocks)" if skipped else ""
        if differences:
            print(f"{differences} of {checked} block(s) differ{note}. Regenerate them with: "
                  "python3 scripts/doc_outputs.py")
            return 1
        print(f"{checked} block(s) match{note}")
    else:
        print(f"{checked} block(s) regenerated")
        if differences:
            print(f"{differences} quoted table(s) no longer match: edit them by hand (above)")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
