#!/usr/bin/env node
// Signs a webhook with the twilio npm package's own code, so the gateway is
// checked against the SDK rather than against our reading of the docs.
//   node tests/sdk/twilio_sign.js <auth token> <url> <params.json>
// params.json: {"Name": "value", "Repeated": ["a", "b"]}, as the SDK takes them.
// Prints X-Twilio-Signature. Exits 2 on wrong usage, 3 if `npm ci` was not run here.
"use strict";
const fs = require("fs");

const [authToken, url, paramsFile] = process.argv.slice(2);
if (!authToken || !url || !paramsFile) {
  process.stderr.write("usage: twilio_sign.js <auth token> <url> <params.json>\n");
  process.exit(2);
}
let webhooks;
try {
  webhooks = require("twilio/lib/webhooks/webhooks");
} catch (e) {
  process.stderr.write("twilio is not installed: run `npm ci` in tests/sdk (" + e.message + ")\n");
  process.exit(3);
}
const params = JSON.parse(fs.readFileSync(paramsFile, "utf8"));
const signature = webhooks.getExpectedTwilioSignature(authToken, url, params);
// The SDK's own validator must agree with what it computed.
if (!webhooks.validateRequest(authToken, signature, url, params)) {
  process.stderr.write("the SDK does not validate its own signature\n");
  process.exit(1);
}
process.stdout.write(signature + "\n");
