#!/usr/bin/env python3
# Makes the constants in crypto_test.cpp and verify_test.cpp with an implementation
# of WXBizMsgCrypt independent of ours: hashlib for SHA-1, the `cryptography`
# package for AES-256-CBC (padding done by hand, to 32 bytes), base64 of key + "=".
# Run: python3 tests/unit/adapters/wechat/make_vectors.py
import base64, hashlib, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
def key_of(ek): return base64.b64decode(ek + "=")
def sig(*parts): return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()
def dec(ek, b64):
    k = key_of(ek); d = Cipher(algorithms.AES(k), modes.CBC(k[:16])).decryptor()
    p = d.update(base64.b64decode(b64)) + d.finalize()
    pad = p[-1]; p = p[:-pad]
    n = struct.unpack(">I", p[16:20])[0]
    return p[20:20+n], p[20+n:], pad
def enc_raw(ek, plain):
    k = key_of(ek); e = Cipher(algorithms.AES(k), modes.CBC(k[:16])).encryptor()
    return base64.b64encode(e.update(plain) + e.finalize()).decode()
def enc(ek, msg, rid, rnd):
    p = rnd + struct.pack(">I", len(msg)) + msg + rid
    pad = 32 - len(p) % 32
    return enc_raw(ek, p + bytes([pad]) * pad)
import struct
EK = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = b"wx0123456789abcdef"
TOKEN = "pg-token-2026"
rnd = bytes(range(16))
print("key hex", key_of(EK).hex())
msg = ("<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n<FromUserName><![CDATA[oABCD1234_citizen]]></FromUserName>\n"
       "<CreateTime>1764328479</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[路灯坏了一周]]></Content>\n"
       "<MsgId>23456789012345678901</MsgId>\n</xml>").encode()
print("msg repr", repr(msg.decode()))
ct = enc(EK, msg, APPID, rnd); print("ct", ct)
print("msg_sig", sig(TOKEN, "1764328479", "nonce42", ct))
print("sig", sig(TOKEN, "1764328479", "nonce42"))
# a message whose plaintext is already 32-aligned: a whole block of padding (32 x 0x20)
m32 = b"x" * (64 - 16 - 4 - len(APPID))
print("aligned len", len(rnd)+4+len(m32)+len(APPID))
print("ct_aligned", enc(EK, m32, APPID, rnd))
def raw(p): assert len(p) % 16 == 0; return enc_raw(EK, p)
body = rnd + struct.pack(">I", 5) + b"hello" + APPID   # 16+4+5+18 = 43
print("body len", len(body))
p = body + bytes([21]) * 21  # 64: proper
print("ct_hello", raw(p), dec(EK, raw(p)))
print("ct_pad0", raw(body + bytes([0]) * 21))
print("ct_pad33", raw(body + bytes([21]) * 20 + bytes([33])))
print("ct_pad_mixed", raw(body + bytes([21]) * 10 + bytes([20]) + bytes([21]) * 10))
long_body = rnd + struct.pack(">I", 500) + b"hello" + APPID
print("ct_long", raw(long_body + bytes([21]) * 21))
print("ct_other_app", enc(EK, b"hello", b"wx_other_account", rnd))
print("ct_empty_rid", enc(EK, b"hello", b"", rnd))
# 16-byte-aligned but pad 48 over 64 bytes: > 32 even though <= size
print("ct_pad48", raw(rnd + bytes([48]) * 48))
# too short for the length field: 16 bytes random + 2 bytes, padded by 14 to 32
print("ct_short", raw(rnd + b"ab" + bytes([14]) * 14))
# WeChat safe-mode URL echo is plain; echo for wecom style with my key:
print("echo_ct", enc(EK, b"4970303219484153541", APPID, rnd), sig(TOKEN, "1764328400", "n1", enc(EK, b"4970303219484153541", APPID, rnd)))
reply = "<xml><ToUserName><![CDATA[oABCD1234_citizen]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]></FromUserName><CreateTime>1764328480</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[已受理]]></Content></xml>".encode()
rnd2 = b"ABCDEFGHIJKLMNOP"
rct = enc(EK, reply, APPID, rnd2)
print("reply_ct", rct)
print("reply_sig", sig(TOKEN, "1764328480", "reply-nonce", rct))
# Tencent's sample (WeCom docs and the WXBizMsgCrypt samples) checks this script itself.
T_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
T_ECHO = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
assert sig("QDG6eK", "1409659589", "263014780", T_ECHO) == "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
assert dec(T_KEY, T_ECHO)[:2] == (b"1616140317555161061", b"wx5823bf96d3bd56c7")
print("tencent sample: ok")
# verify_test.cpp: a subscribe push, encrypted with the key and with a previous key.
env_msg = b"<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n<FromUserName><![CDATA[oABCD1234_citizen]]></FromUserName>\n<CreateTime>1764328600</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[subscribe]]></Event>\n<EventKey><![CDATA[qrscene_district7]]></EventKey>\n</xml>"
sub_ct = enc(EK, env_msg, APPID, rnd); print("sub_ct", sub_ct)
print("sub sig", sig(TOKEN, "1764328600", "n600"), "msg_sig", sig(TOKEN, "1764328600", "n600", sub_ct))
OLD_EK = "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj"
old_ct = enc(OLD_EK, env_msg, APPID, rnd); print("old_key_ct", old_ct, "msg_sig", sig(TOKEN, "1764328600", "n600", old_ct))
