"""Commands run the way a user types them: in a terminal, answering the questions they ask.

`pulumi up` asks "Do you want to perform this update?" before it changes anything, and refuses to run
without a terminal unless told `--yes`. The README's commands are tested as written, so they run in
a pseudo-terminal here, and each question is answered as a user would (`yes`, Enter).
`readme_commands` takes the commands of one fenced block of the README, as the user copies them.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sms_pulumi.pulumi_cli import REPO_ROOT

#: What the pulumi CLI asks, and what a user answers.
ANSWERS = {
    "Do you want to perform this update?": "yes\r",
    "Do you want to perform this destroy?": "yes\r",
    "Do you want to perform this refresh?": "yes\r",
    "This command will edit your stack's state directly. Confirm? (y/N)": "y\r",
    # A refresh after a crash, for each create that never reported back: the first choice, "clear".
    "? Options for pending CREATE of": "\r",
}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[78=>]|\r")
#: Questions a program asks the terminal itself, and what a terminal answers: the CLI asks for the
#: background colour and the cursor position, and reads the answer from its input.
_TERMINAL_QUERIES = {"\x1b]11;?": "\x1b]11;rgb:0000/0000/0000\x1b\\", "\x1b[6n": "\x1b[1;1R"}


@dataclass
class TerminalRun:
    command: str
    returncode: int
    output: str  # what the terminal showed, escape sequences removed


def run_in_terminal(command: str, *, cwd: Path, env: Mapping[str, str], timeout: float = 600,
                    answers: Mapping[str, str] = ANSWERS) -> TerminalRun:
    """Run `command` with bash in a pseudo-terminal, answering each question of `answers` each time."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=dict(env), stdin=follower, stdout=follower,
                            stderr=follower, start_new_session=True, close_fds=True)
    os.close(follower)
    seen, answered = "", set()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536).decode(errors="replace")
                except OSError:  # the command is done and the terminal closed
                    break
                seen += chunk
                for query, reply in _TERMINAL_QUERIES.items():
                    for _ in range(chunk.count(query)):
                        os.write(leader, reply.encode())
                shown = _ANSI.sub("", seen)
                for question, answer in answers.items():
                    # A prompt is redrawn as it is answered: each is answered once, and one that names
                    # something (the resource of a pending create) once for each thing it names.
                    for found in re.finditer(re.escape(question) + r"( \S+)?", shown):
                        asked = question + (found.group(1) or "" if question.endswith(" of") else "")
                        if asked not in answered:
                            time.sleep(0.3)  # the prompt draws itself before it reads
                            os.write(leader, answer.encode())
                            answered.add(asked)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise TimeoutError(f"{command!r} did not finish in {timeout:g}s:\n{_ANSI.sub('', seen)[-3000:]}")
        proc.wait(timeout=30)
    finally:
        os.close(leader)
    return TerminalRun(command, proc.returncode, _ANSI.sub("", seen))


def readme_commands(heading: str) -> list[str]:
    """The commands of the first ```sh block after `heading` in the README, comments removed."""
    text = (REPO_ROOT / "README.md").read_text()
    start = text.index(heading)
    block = text[text.index("```sh\n", start) + 6:]
    block = block[:block.index("```")]
    commands = []
    for line in block.splitlines():
        command = re.sub(r"\s+#.*$", "", line).strip()
        if command and not command.startswith("#"):
            commands.append(command)
    return commands
