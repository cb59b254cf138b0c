"""The chart worker: draws each chart exports.charts sends it, one JSON line in (``{"id", "spec"}``), one JSON
line out (``{"id", "svg"}`` or ``{"id", "error"}``), until its input ends. Nothing else is read or written."""

from __future__ import annotations

import json
import sys


def main() -> None:
    import os

    # The answers go out on a private copy of standard output; anything a library prints goes to standard error
    # (the server's log), never into an answer.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from exports.charts import draw

    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"id": request["id"], "svg": draw(request["spec"])}
        except Exception as error:  # the export reports it, as if it had drawn the chart itself
            answer = {"id": request["id"], "error": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
