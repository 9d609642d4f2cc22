#!/usr/bin/env python3
"""Writes N signed sandbox pay requests, one per line: "<Sandbox-Signature header>\t<JSON body>".

The sandbox channel's secret for a merchant number is hex(HMAC-SHA256(root, merchant_no)) where
root = HKDF-SHA256(master key, length 32, no salt, info "sluice-sandbox-channel-root") (see SandboxKeys.cs), and a
request is signed "t={unix},v1={hex(HMAC-SHA256(secret, "{t}.{body}"))}" (see HmacSignature.cs). Signatures stay
valid for 5 minutes, so the file must be used right away.

Usage: sign-sandbox.py MASTER_KEY_BASE64 MERCHANT_NO PUBLIC_BASE_URL RUN_ID COUNT > requests.tsv
"""
import base64, hashlib, hmac, json, sys, time

master_b64, merchant_no, base_url, run_id, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
master = base64.b64decode(master_b64)

# HKDF (RFC 5869) with an empty salt, i.e. HashLen zero bytes.
prk = hmac.new(b"\0" * 32, master, hashlib.sha256).digest()
root = hmac.new(prk, b"sluice-sandbox-channel-root" + b"\x01", hashlib.sha256).digest()
secret = hmac.new(root, merchant_no.encode(), hashlib.sha256).hexdigest().encode()

now = int(time.time())
notify = base_url.rstrip("/") + "/notify/bench"
out = sys.stdout
for i in range(count):
    body = json.dumps({
        "merchant_no": merchant_no, "out_trade_no": f"{run_id}-{i}", "amount": 2599, "currency": "CNY",
        "subject": "bench", "notify_url": notify, "expire_at": now + 7200,
    }, separators=(",", ":"))
    sig = hmac.new(secret, f"{now}.{body}".encode(), hashlib.sha256).hexdigest()
    out.write(f"t={now},v1={sig}\t{body}\n")
