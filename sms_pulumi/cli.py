"""The `sms-pulumi` console command.

    sms-pulumi demo              start (or reuse) the local emulator and `pulumi up` the demo plan
    sms-pulumi pulumi ARGS...    pulumi ARGS for the project here (or --cwd DIR) and its selected stack,
                                 offline, against the local emulator (started if need be)
    sms-pulumi emulator ...      run the local SMS/OMS emulator in the foreground
    sms-pulumi report FILE       turn `pulumi preview --json` output into a Markdown review summary
    sms-pulumi status            the waves of the stack here (or --cwd DIR) as SMS shows them now:
                                 source servers per state, each task, the errors SMS records
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, rest = args[0], args[1:]
    if command == "emulator":
        from sms_pulumi.emulator.__main__ import main as emulator_main

        return emulator_main(rest)
    if command == "demo":
        from sms_pulumi.demo import run_demo

        parser = argparse.ArgumentParser(prog="sms-pulumi demo")
        parser.add_argument("--destroy", action="store_true", help="destroy the demo stack instead")
        opts = parser.parse_args(rest)
        return run_demo(destroy=opts.destroy)
    if command == "pulumi":
        from sms_pulumi.local import run_pulumi

        return run_pulumi(rest)
    if command == "status":
        from sms_pulumi.status import run_status

        return run_status(rest)
    if command == "report":
        from sms_pulumi.plan.report import main as report_main

        return report_main(rest)
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
