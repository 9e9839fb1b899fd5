import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from './env';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts a real `routerisk serve` for the end-to-end tests: imports the hostile
 * fixture into a fresh data directory, creates an editor's, a viewer's, a
 * staff member's, a partner's and an administrator's access token
 * (ROUTERISK_E2E_EDITOR_TOKEN, ROUTERISK_E2E_VIEWER_TOKEN,
 * ROUTERISK_E2E_STAFF_TOKEN, ROUTERISK_E2E_PARTNER_TOKEN,
 * ROUTERISK_E2E_ADMIN_TOKEN), serves it on a free loopback port and waits
 * for /readyz. Missing prerequisites fail the run under CI=true and skip the
 * tests elsewhere. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = resolve(frontend, process.env.ROUTERISK_BIN ?? '../bin/routerisk');
  const chromium = chromiumPath();
  const missing: string[] = [];
  if (!existsSync(bin)) missing.push(`server binary ${bin} (build it with \`make build\` in the repository root, or set ROUTERISK_BIN)`);
  if (!existsSync(chromium)) missing.push(`Chromium at ${chromium} (install it with \`apt-get update && apt-get install -y chromium\`, or set CHROMIUM_PATH)`);
  if (missing.length > 0) {
    const reason = `end-to-end prerequisites missing: ${missing.join('; ')}`;
    if (process.env.CI && process.env.CI !== 'false') throw new Error(reason);
    console.warn(`${reason}; skipping the end-to-end tests`);
    process.env.ROUTERISK_E2E_SKIP = reason;
    return async () => {};
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'routerisk-e2e-'));
  const imported = spawnSync(
    bin,
    [
      'import', '--data-dir', dataDir, '--id', 'e2e-hostile', '--kind', 'service',
      '--title', 'Test services', '--sensitivity', 'public',
      join(frontend, 'e2e/fixtures/hostile-services.geojson'),
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (imported.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`routerisk import failed (exit ${imported.status}):\n${imported.stdout}\n${imported.stderr}`);
  }

  // Access tokens for the sign-in tests, made before the server starts. A
  // binary without `token create` skips those tests (and fails the run under CI).
  const tokens = createTokens(bin, dataDir);
  if ('error' in tokens) {
    if (process.env.CI && process.env.CI !== 'false') {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(tokens.error);
    }
    console.warn(`${tokens.error}; skipping the sign-in and upload tests`);
    process.env.ROUTERISK_E2E_UPLOAD_SKIP = tokens.error;
  } else {
    process.env.ROUTERISK_E2E_EDITOR_TOKEN = tokens.editor;
    process.env.ROUTERISK_E2E_VIEWER_TOKEN = tokens.viewer;
    process.env.ROUTERISK_E2E_STAFF_TOKEN = tokens.staff;
    process.env.ROUTERISK_E2E_PARTNER_TOKEN = tokens.partner;
    process.env.ROUTERISK_E2E_ADMIN_TOKEN = tokens.admin;
  }

  const port = await freePort();
  const logFile = join(dataDir, 'serve.log');
  const log = openSync(logFile, 'a');
  const server: ChildProcess = spawn(
    bin,
    ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', dataDir, '--tile-url', ''],
    { stdio: ['ignore', log, log] },
  );
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  server.on('exit', () => {
    exited = true;
  });

  const stop = async () => {
    if (!exited && server.pid !== undefined) {
      server.kill('SIGTERM');
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          if (!exited) server.kill('SIGKILL');
          done();
        }, 10_000);
        server.once('exit', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      const out = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`routerisk serve exited before it was ready:\n${out}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const out = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`routerisk serve was not ready within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const index = await (await fetch(`${url}/`)).text();
  if (!index.includes('id="app"')) {
    await stop();
    throw new Error(`${bin} does not serve the dashboard at / (build it with \`make build\`, which embeds frontend/dist)`);
  }

  process.env.ROUTERISK_E2E_URL = url;
  return stop;
}

/** The roles the end-to-end tests sign in as. */
const ROLES = ['editor', 'viewer', 'staff', 'partner', 'admin'] as const;

/**
 * Creates an access token per role (named e2e-<role>) with `routerisk token
 * create`, which prints the new token on the last line of its output.
 */
function createTokens(bin: string, dataDir: string): Record<(typeof ROLES)[number], string> | { error: string } {
  const out: Record<string, string> = {};
  for (const role of ROLES) {
    const r = spawnSync(
      bin,
      ['token', 'create', '--data-dir', dataDir, '--role', role, '--name', `e2e-${role}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const token = (r.stdout ?? '').trim().split('\n').at(-1)?.trim() ?? '';
    if (r.status !== 0 || token === '') {
      return { error: `\`routerisk token create --role ${role}\` failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').at(-1) ?? ''}` };
    }
    out[role] = token;
  }
  return { editor: out.editor!, viewer: out.viewer!, staff: out.staff!, partner: out.partner!, admin: out.admin! };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}
