"""Runs the receiver snippet of this module's README against the README's test vector and broken requests.

    python3 mfa-notifier-webhook/src/test/python/check_readme_snippet.py

Exits 0 when the snippet accepts the vector (the signature SignatureTest proves the notifier makes) and returns False,
without raising, for an unsigned, stale, tampered or malformed request.
"""
import pathlib
import re
import sys

readme = pathlib.Path(__file__).resolve().parents[3] / "README.md"
code = re.search(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S).group(1)
ns = {}
exec(code, ns)
verify = ns["verify"]

secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
body = b'{"schemaVersion":1,"hello":"world"}'
signed = {"webhook-id": "msg_0123456789abcdef", "webhook-timestamp": "1772442000",
          "webhook-signature": "v1,sDRfKZIkb4WTugmObcAwXH5ZSs1Em8yZopmEADKcDok="}
real_time = ns["time"].time
ns["time"].time = lambda: 1772442010

checks = {
    "the vector verifies": verify(secret, signed, body) is True,
    "one of several signatures is enough": verify(secret, dict(signed, **{"webhook-signature": "v1,AAAA " + signed["webhook-signature"]}), body) is True,
    "unsigned is False": verify(secret, {"webhook-id": "msg_1", "webhook-timestamp": "1772442000"}, body) is False,
    "no headers is False": verify(secret, {}, body) is False,
    "tampered body is False": verify(secret, signed, body + b" ") is False,
    "bad timestamp is False": verify(secret, dict(signed, **{"webhook-timestamp": "soon"}), body) is False,
}
ns["time"].time = real_time
checks["stale is False"] = verify(secret, signed, body) is False

failed = [name for name, ok in checks.items() if not ok]
for name, ok in checks.items():
    print(("ok   " if ok else "FAIL ") + name)
sys.exit(1 if failed else 0)
