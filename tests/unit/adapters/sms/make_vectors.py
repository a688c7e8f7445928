#!/usr/bin/env python3
# Makes the signature constants in signature_test.cpp and sms_test.cpp from
# Twilio's documented algorithm, written apart from adapters/sms: the URL, then
# name + value of every POST field sorted by name (then value), HMAC-SHA1 under
# the Auth Token, base64. Bodies are form-encoded as Twilio posts them
# (urllib's quote_plus: ' ' -> '+', '+' -> %2B, UTF-8 percent-encoded).
# Run: python3 tests/unit/adapters/sms/make_vectors.py
import base64, hashlib, hmac
from urllib.parse import urlencode

def sign(token, url, pairs):
    data = url + "".join(k + v for k, v in sorted(set(pairs)))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()

def show(name, token, url, pairs):
    print(f"// {name}")
    print(f'url   "{url}"')
    print(f'body  "{urlencode(pairs)}"')
    print(f'sig   "{sign(token, url, pairs)}"')
    print()

# Twilio's own example (the security docs and twilio-python's validator tests).
show("docs example", "12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
     [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"),
      ("From", "+14158675309"), ("To", "+18005551212")])

TOKEN = "0123456789abcdef0123456789abcdef"
URL = "https://petitions.example.org/webhook/sms"
inbound = [("ToCountry", "US"), ("SmsMessageSid", "SM0123456789abcdef0123456789abcdef"), ("NumMedia", "0"),
           ("SmsSid", "SM0123456789abcdef0123456789abcdef"), ("SmsStatus", "received"),
           ("Body", "Pothole on Main St + 2nd Ave \u2013 1+1 \U0001F600 \u8def\u706f"), ("To", "+15005550006"),
           ("NumSegments", "1"), ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
           ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("From", "+15551234567"),
           ("ApiVersion", "2010-04-01")]
show("inbound, '+', emoji and CJK in Body", TOKEN, URL, inbound)
show("the same, signed over the URL with :443", TOKEN, "https://petitions.example.org:443/webhook/sms", inbound)
show("http with :80, signed without it", TOKEN, "http://gw.example.org/webhook/sms?x=1",
     [("Body", "hi"), ("From", "+15551234567"), ("MessageSid", "SM1"), ("SmsStatus", "received")])
show("repeated names, values out of order", TOKEN, URL,
     [("Body", "two"), ("From", "+15551234567"), ("MessageSid", "SM2"), ("Tag", "b"), ("Tag", "a"), ("Tag", "c")])
show("status callback", TOKEN, URL,
     [("MessageSid", "SM0123456789abcdef0123456789abcdee"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003"),
      ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("From", "+15005550006"), ("To", "+15551234567"),
      ("SmsStatus", "undelivered"), ("SmsSid", "SM0123456789abcdef0123456789abcdee"), ("ApiVersion", "2010-04-01")])
