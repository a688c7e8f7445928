#!/usr/bin/env python3
# Makes the constants in wecom_test.cpp with an implementation of WXBizMsgCrypt
# independent of ours (as tests/unit/adapters/wechat/make_vectors.py): hashlib for
# SHA-1, the `cryptography` package for AES-256-CBC, padding to 32 bytes by hand.
# Run: python3 tests/unit/adapters/wecom/make_vectors.py
import base64, hashlib, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
def key_of(ek): return base64.b64decode(ek + "=")
def sig(*parts): return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()
def enc(ek, msg, rid, rnd):
    p = rnd + struct.pack(">I", len(msg)) + msg + rid
    pad = 32 - len(p) % 32
    p += bytes([pad]) * pad
    k = key_of(ek); e = Cipher(algorithms.AES(k), modes.CBC(k[:16])).encryptor()
    return base64.b64encode(e.update(p) + e.finalize()).decode()
EK = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CORP = b"ww0123456789abcdef"
TOKEN = "pg-wecom-token"
rnd = bytes(range(16))
echo = enc(EK, b"1616140317555161061", CORP, rnd)
print("echo_ct", echo)
print("echo_sig", sig(TOKEN, "1764328400", "n1", echo))
msg = ("<xml><ToUserName><![CDATA[ww0123456789abcdef]]></ToUserName>\n<FromUserName><![CDATA[zhangsan]]></FromUserName>\n"
       "<CreateTime>1764328479</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[受理 PG-2026-0042]]></Content>\n"
       "<MsgId>7392157461234567890</MsgId>\n<AgentID>1000002</AgentID>\n</xml>").encode()
ct = enc(EK, msg, CORP, rnd)
print("push_ct", ct)
print("push_sig", sig(TOKEN, "1764328479", "nonce42", ct))
