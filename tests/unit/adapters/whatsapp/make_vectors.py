#!/usr/bin/env python3
# Makes the signature constants in signature_test.cpp from Meta's documented
# algorithm, apart from our C++: X-Hub-Signature-256 = "sha256=" + lower-case hex of
# HMAC-SHA256(key = the app secret, message = the raw request body, byte for byte).
# Meta writes non-ASCII as \uXXXX escapes; the escaped bytes are what is signed, so
# the same JSON written another way (UTF-8, other spacing) has another digest.
# Run: python3 tests/unit/adapters/whatsapp/make_vectors.py
import hashlib, hmac, json

APP_SECRET = b"wa-app-secret-0123456789abcdef01"

# A text message as Meta posts it: compact, non-ASCII escaped ("Stra\u00dfe 12, \u00e4\u00f6\u00e5 \u8def").
ESCAPED = (r'{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":'
           r'{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111",'
           r'"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Kerstin"},"wa_id":"16505551234",'
           r'"user_id":"US.13491208655302741918"}],"messages":[{"from":"16505551234",'
           r'"id":"wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNUI2","timestamp":"1780000000","type":"text",'
           r'"text":{"body":"Stra\u00dfe 12, \u00e4\u00f6\u00e5 \u8def"}}]},"field":"messages"}]}]}')

def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(APP_SECRET, body, hashlib.sha256).hexdigest()

raw = ESCAPED.encode()
print("escaped_body      ", ESCAPED)
print("escaped_signature ", sign(raw))
# The same object re-serialised as UTF-8 (what a framework's json.dumps gives back):
utf8 = json.dumps(json.loads(ESCAPED), ensure_ascii=False, separators=(",", ":")).encode()
print("utf8_signature    ", sign(utf8))
assert sign(utf8) != sign(raw)
# An empty secret and an empty body, for the shape of the check.
print("empty_body_sig    ", sign(b""))
