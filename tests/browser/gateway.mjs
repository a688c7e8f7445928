// Runs the real petition-gateway binary for the browser tests: a config made
// from the demo one (port 0, a temporary data dir, the repo's web/ pages, the
// demo's console accounts), started and stopped like the C++ integration tests
// do it (tests/support/gateway_process.cpp): the port is read from the
// "listening" log line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The demo config with what a test run must not share with a developer's demo:
// its port, its data, and file paths that only resolve from config/demo/.
export function testConfig(source, dataDir, port = 0) {
  const demoDir = path.join(source, 'config', 'demo');
  const config = JSON.parse(fs.readFileSync(path.join(demoDir, 'demo.json'), 'utf8'));
  config.server = {
    ...config.server,
    listen: '127.0.0.1',
    port,
    // Every browser context of the test comes from 127.0.0.1; the pages poll.
    rate_limit: { per_second: 0 },
  };
  config.storage = { ...config.storage, path: dataDir };
  config.dialog = {
    ...config.dialog,
    flow: path.join(demoDir, config.dialog.flow),
    locales: config.dialog.locales.map((l) => path.join(demoDir, l)),
  };
  config.web = { ...config.web, root: path.join(source, 'web') };
  return config;
}

export class Gateway {
  constructor(binary, source, logPath) {
    this.binary = binary;
    this.source = source;
    this.logPath = logPath;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-browser-'));
    this.output = '';
    this.child = null;
    this.port = 0;
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  // `port`: 0 for any free one; a restart passes the one it had, so the pages
  // already open find it again.
  async start(port = 0) {
    const configPath = path.join(this.dir, 'config.json');
    fs.writeFileSync(configPath, JSON.stringify(testConfig(this.source, path.join(this.dir, 'data'), port), null, 2));
    this.output = '';
    this.port = 0;
    const log = fs.createWriteStream(this.logPath, { flags: 'a' });
    this.child = spawn(this.binary, ['--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', (e) => resolve({ code: e.message }));  // could not start it at all
    });
    this.exited = exited;
    const seen = new Promise((resolve) => {
      const take = (chunk) => {
        this.output += chunk;
        log.write(chunk);
        const m = /"event":"listening".*?"port":(\d+)/.exec(this.output);
        if (m && !this.port) {
          this.port = Number(m[1]);
          resolve();
        }
      };
      this.child.stdout.setEncoding('utf8').on('data', take);
      this.child.stderr.setEncoding('utf8').on('data', take);
    });
    let timer;
    const outcome = await Promise.race([
      seen.then(() => 'listening'),
      exited.then((e) => `exited (${e.code ?? e.signal})`),
      new Promise((resolve) => { timer = setTimeout(() => resolve('not listening after 20 s'), 20000); }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'listening') {
      throw new Error(`gateway ${this.binary}: ${outcome}; its log:\n${this.output}`);
    }
  }

  // Stops the binary and keeps its data: start() again runs on the same data.
  async halt() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      let timer;
      const done = await Promise.race([
        this.exited.then(() => true),
        new Promise((resolve) => { timer = setTimeout(() => resolve(false), 10000); }),
      ]);
      clearTimeout(timer);
      if (!done) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
  }

  async stop() {
    await this.halt();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
