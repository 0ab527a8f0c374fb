"""``python -m sms_pulumi.emulator`` / ``sms-pulumi emulator``: run the emulator in the foreground.

    python -m sms_pulumi.emulator --port 8790 --db state.db --seed default --clock-speed 60

Accepted AK/SK: ``--access-key/--secret-key`` or ``HW_ACCESS_KEY``/``HW_SECRET_KEY``; IAM tokens:
``--token`` (repeatable) or ``SMS_EMULATOR_TOKENS`` (comma-separated). Without any credential the
emulator refuses to start unless ``--no-auth`` is given. Secrets are never printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from sms_pulumi.emulator.auth import AccessKey
from sms_pulumi.emulator.server import EmulatorServer


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sms-pulumi emulator",
                                     description="Local emulator of the Huawei Cloud SMS v3 / OMS v2 APIs.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8790, help="port (0: any free port; default 8790)")
    parser.add_argument("--db", default=None, help="SQLite file keeping the state (default: in memory)")
    parser.add_argument("--seed", default="default",
                        help="initial data of a fresh state: default | empty | synthetic:N | path.yaml")
    parser.add_argument("--clock-speed", type=float, default=None,
                        help="simulated seconds per real second (default 1, or the stored speed)")
    parser.add_argument("--access-key", default=os.environ.get("HW_ACCESS_KEY"))
    parser.add_argument("--secret-key", default=os.environ.get("HW_SECRET_KEY"))
    parser.add_argument("--token", action="append", default=None, help="accepted X-Auth-Token (repeatable)")
    parser.add_argument("--no-auth", action="store_true", help="accept unsigned requests (local experiments)")
    parser.add_argument("--log-level", default="info")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    keys = []
    if args.access_key or args.secret_key:
        if not (args.access_key and args.secret_key):
            print("error: give both an access key and a secret key", file=sys.stderr)
            return 2
        keys.append(AccessKey(args.access_key, args.secret_key))
    tokens = args.token or [t for t in os.environ.get("SMS_EMULATOR_TOKENS", "").split(",") if t]
    try:
        server = EmulatorServer(host=args.host, port=args.port, db_path=args.db, credentials=keys,
                                tokens=tokens, clock_speed=args.clock_speed, seed=args.seed,
                                auth=not args.no_auth, log_level=args.log_level)
    except ValueError as exc:
        print(f"error: {exc} (set HW_ACCESS_KEY/HW_SECRET_KEY, or pass --no-auth)", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with server:
        auth = "off" if args.no_auth else f"{len(keys)} AK/SK pair(s), {len(tokens)} token(s)"
        print(f"SMS/OMS emulator listening on {server.url} (state: {args.db or 'memory'}, auth: {auth}, "
              f"clock x{server.emulator.clock.speed if server.emulator else '?'})", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
