"""The project's RFC 9457 check refuses what is not a problem and takes what is (run by
`cargo xtask test` before Schemathesis: `python -m unittest test_schemathesis_hooks` in dev/py)."""
import base64
import json
import unittest

from schemathesis_hooks import issued_cursor, problem_violations

PROBLEM = {"type": "urn:oac-kit:problem:invalid-query", "title": "Invalid query", "status": 400}


def body(value):
    return json.dumps(value).encode()


class ProblemCheck(unittest.TestCase):
    def test_a_problem_passes(self):
        self.assertEqual(problem_violations(400, "application/problem+json", body(PROBLEM)), [])
        with_detail = dict(PROBLEM, detail="limit must be an integer in 1..=100", instance="req-1")
        self.assertEqual(problem_violations(400, "application/problem+json; charset=utf-8", body(with_detail)), [])

    def test_another_media_type_fails(self):
        for content_type in ["text/plain; charset=utf-8", "application/json", None, "text/html"]:
            self.assertNotEqual(problem_violations(400, content_type, body(PROBLEM)), [], content_type)

    def test_a_body_that_is_no_problem_fails(self):
        for broken in [b"Invalid URL", b"[1]", body(None), b""]:
            self.assertNotEqual(problem_violations(400, "application/problem+json", broken), [], broken)

    def test_each_member_is_checked(self):
        for member, value in [
            ("type", None),
            ("type", "invalid-query"),
            ("type", 7),
            ("title", None),
            ("title", ["Invalid"]),
            ("status", None),
            ("status", 404),
            ("status", "400"),
            ("status", True),
            ("detail", 5),
            ("instance", {}),
        ]:
            problem = dict(PROBLEM)
            if value is None:
                del problem[member]
            else:
                problem[member] = value
            self.assertNotEqual(
                problem_violations(400, "application/problem+json", body(problem)), [], (member, value)
            )


class Cursor(unittest.TestCase):
    def test_an_issued_cursor_has_the_service_shape(self):
        cursor = issued_cursor("anything")
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        self.assertRegex(text, r"^v1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertNotIn("=", cursor)
        self.assertEqual(cursor, issued_cursor("anything"))


if __name__ == "__main__":
    unittest.main()
