#!/usr/bin/env python3
# Makes the constants in signature_test.cpp from LINE's documented algorithm, apart
# from our code: X-Line-Signature = base64(HMAC-SHA256(key = channel secret, msg = the
# raw body bytes)) (developers.line.biz, "Verify webhook signature"). Also the retry
# key the adapter derives for an outbox entry (render.cpp: HMAC-SHA256 under
# "X-Line-Retry-Key" of "<channel>\n<chat>\n<seq>", 16 bytes, UUID version 4 bits).
# Run: python3 tests/unit/adapters/line/make_vectors.py
import base64, hashlib, hmac, json, uuid

SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"

def sig(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()

# The console's Verify button: no events.
verify = b'{"destination":"Uf1f0a9d2c6e3b4a5f6e7d8c9b0a1f2e3","events":[]}'
# A text message as LINE writes it (compact, non-ASCII as UTF-8, a slash escaped).
text = ('{"destination":"Uf1f0a9d2c6e3b4a5f6e7d8c9b0a1f2e3","events":[{"type":"message","message":'
        '{"type":"text","id":"468789577898262530","quoteToken":"q3Plxr4AgKd","text":"路灯坏了 \\/ lamp out"},'
        '"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},'
        '"timestamp":1692251666727,"source":{"type":"user","userId":"U4af4980629a1b2c3d4e5f6a7b8c9d0e1"},'
        '"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}').encode()
# The same document re-serialised (spacing, escapes): equal as JSON, not as bytes.
reencoded = json.dumps(json.loads(text), ensure_ascii=True).encode()
assert json.loads(reencoded) == json.loads(text) and reencoded != text

print("verify_signature", sig(verify))
print("text_signature", sig(text))
print("text_signature_other_secret", sig(text, "0123456789abcdef0123456789abcdef"))
print("reencoded_body", reencoded.decode())
print("reencoded_signature", sig(reencoded))

def retry_key(channel: str, chat: str, seq: int) -> str:
    b = bytearray(hmac.new(b"X-Line-Retry-Key", f"{channel}\n{chat}\n{seq}".encode(), hashlib.sha256).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(b)))

print("retry_key line U4af...e1 42", retry_key("line", "U4af4980629a1b2c3d4e5f6a7b8c9d0e1", 42))
print("retry_key line U4af...e1 43", retry_key("line", "U4af4980629a1b2c3d4e5f6a7b8c9d0e1", 43))
