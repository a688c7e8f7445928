// Signs a LINE webhook body as LINE does, and has @line/bot-sdk's own check accept
// it: tests/integration/line_test.cpp posts the body with this signature, and the
// gateway must take it.
//
// The SDK only verifies (validateSignature: HMAC-SHA256 of the raw body under the
// channel secret, compared with the base64-decoded header). So the signature is
// computed here with node:crypto the same way, then the SDK must accept it, and
// must refuse it for the body changed by one byte.
//
//   node tests/sdk/line_sign.js <channel secret> <file holding the exact body>
// prints the X-Line-Signature value; exits 1 if the SDK disagrees, 2 on bad usage.
"use strict";
const { createHmac } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { validateSignature } = require("@line/bot-sdk");

const [secret, file] = process.argv.slice(2);
if (!secret || !file) {
  console.error("usage: node line_sign.js <channel secret> <body file>");
  process.exit(2);
}
const body = readFileSync(file); // a Buffer: the bytes as they will be sent
const signature = createHmac("SHA256", secret).update(body).digest("base64");

if (!validateSignature(body, secret, signature)) {
  console.error("@line/bot-sdk validateSignature refuses the signature");
  process.exit(1);
}
const changed = Buffer.concat([body, Buffer.from(" ")]);
if (validateSignature(changed, secret, signature)) {
  console.error("@line/bot-sdk validateSignature accepts the signature for another body");
  process.exit(1);
}
process.stdout.write(signature + "\n");
