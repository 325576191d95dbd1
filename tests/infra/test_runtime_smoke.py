"""The deployment package on the functions' Python (3.13), called as Lambda calls it
(infra/runtime_smoke.py: a Debian root with Python 3.13, DynamoDB Local, moto for SSM and SNS)."""
import os

import pytest

from infra import runtime_smoke, template

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for chroot (CI and `make test` run as root)")


def test_the_package_books_texts_and_signs_in_on_the_lambda_python():
    seen = runtime_smoke.run()
    assert runtime_smoke.problems(seen) == []
    assert seen["python"].startswith(template.LAMBDA_RUNTIME.removeprefix("python") + ".")
    # Every Python module the package provides came from the bytecode it ships (none compiled at start).
    assert "public" in seen["areas_loaded"] and seen["imported_from_source"] == []
    # Booked online the evening before: its page confirmed it, so no text (no e-mail was given).
    reminder, acknowledgement = seen["texts_sent"]
    # The evening before, the reminder (the first slot of Tuesday, 09:00 in Rome) asks the question
    # the client's "1" answers: its compact Italian wording, one SMS part with the link.
    assert reminder.startswith("+39******4567: Studio Smoke: ti aspettiamo il 1/12 alle 09:00. "
                               "Rispondi 1 per confermare, 2 per annullare. https://book.example/m/")
    # The answer says the day in full, with Babel's Italian names.
    assert acknowledgement == ("+39******4567: Studio Smoke: grazie, il tuo appuntamento di martedì 1/12 alle 09:00 "
                               "è confermato. A presto!")
