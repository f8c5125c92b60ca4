// Starts what the staff app needs, from a build tree, on free ports of
// 127.0.0.1: redis-server, the appointments service (the demo catalog with
// the Mitte office open around the clock, so its day is always today),
// parking (the seed tariffs, zones and permit areas), monitoring (the seed
// catalog; every service reports to it), the
// OpenID provider of deploy/oidc with its demo accounts, and the gateway
// verifying that provider's tokens by its JWKS URL and serving the app built
// into a temporary directory. stop() ends every process it started.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes, generateKeyPairSync, sign } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function alwaysOpenCatalog(dir) {
  const catalog = JSON.parse(readFileSync(join(root, 'services/appointments/seed/catalog.json'), 'utf8'));
  const mitte = catalog.offices.find((office) => office.id === 'mitte');
  const week = [1, 2, 3, 4, 5, 6, 7];
  mitte.opening_hours = week.map((weekday) => ({ weekday, opens_minute: 0, closes_minute: 1440 }));
  mitte.counters = week.map((weekday) => ({ weekday, from_minute: 0, to_minute: 1440, counters: 3 }));
  mitte.closed_dates = [];
  const path = join(dir, 'catalog.json');
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

// Anna (social welfare) consults every day around the clock, so a slot of
// today is always near; Ben, of the same department, has his seed hours but no
// topic, for editing hours without stranding a booking.
function videoCatalog(dir) {
  const catalog = JSON.parse(readFileSync(join(root, 'services/video/seed/catalog.json'), 'utf8'));
  const anna = catalog.caseworkers.find((caseworker) => caseworker.id === 'cw-anna');
  anna.availability = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: '00:00', to: '24:00' }));
  anna.absences = [];
  catalog.caseworkers.find((caseworker) => caseworker.id === 'cw-ben').topic_ids = [];
  const path = join(dir, 'video-catalog.json');
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

function base64Url(data) {
  return Buffer.from(data).toString('base64url');
}

// A token as the provider signs them (same key, kid, issuer and audience),
// for what the provider's staff accounts cannot do: a citizen applying.
function minter(privateKey, issuer) {
  return ({ sub, roles, scope, minutes = 10 }) => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64Url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'dev-1' }));
    const payload = base64Url(JSON.stringify({ iss: issuer, aud: 'stadtportal', sub, roles, scope, iat: now, exp: now + minutes * 60 }));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${header}.${payload}.${base64Url(signature)}`;
  };
}

const ping = (port, command = ['ping']) =>
  execFileSync('redis-cli', ['-p', String(port), ...command], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();

// One redis-server; the services' environment to reach it.
async function startRedis(start, dir, port) {
  start('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {});
  await waitFor('redis', () => ping(port).includes('PONG'));
  return { REDIS_ADDRESS: `127.0.0.1:${port}` };
}

// With STADT_TEST_REDIS_MODE=cluster (the .cluster run of this test): three
// primaries joined by redis-cli --cluster create, every service in cluster
// mode with every node a seed (as tests/harness/stack.cc does).
async function startRedisCluster(start, dir) {
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  const busPorts = await Promise.all([freePort(), freePort(), freePort()]);
  ports.forEach((port, i) => {
    const nodeDir = join(dir, `redis-${port}`);
    mkdirSync(nodeDir);
    start(`redis-${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--save', '', '--appendonly', 'no',
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPorts[i])], {});
  });
  for (const port of ports) await waitFor(`redis-${port}`, () => ping(port).includes('PONG'));
  const seeds = ports.map((port) => `127.0.0.1:${port}`);
  execFileSync('redis-cli', ['--cluster', 'create', ...seeds, '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
  for (const port of ports) await waitFor(`redis-${port}`, () => ping(port, ['cluster', 'info']).includes('cluster_state:ok'));
  return { REDIS_MODE: 'cluster', REDIS_ADDRESS: seeds[0], REDIS_SEEDS: seeds.join(',') };
}

export async function startStack(buildDir) {
  const dir = mkdtempSync(join(tmpdir(), 'stadt-staff-app-'));
  const processes = [];
  const logs = [];
  const start = (name, command, args, env) => {
    const log = join(dir, `${name}.log`);
    logs.push(log);
    const fd = openSync(log, 'a');
    const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', fd, fd] });
    processes.push(child);
    return child;
  };
  const [redisPort, appointmentsPort, parkingPort, monitoringPort, oidcPort, httpPort, daycarePort, videoPort] =
    await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  // The services and the gateway report their KPI events to monitoring.
  const monitoring = `127.0.0.1:${monitoringPort}`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(dir, 'signing-key.pem');
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  const base = `http://127.0.0.1:${httpPort}`;
  const issuer = `http://127.0.0.1:${oidcPort}`;
  const stop = () => {
    for (const child of processes.reverse()) {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redis = process.env.STADT_TEST_REDIS_MODE === 'cluster'
      ? await startRedisCluster(start, dir)
      : await startRedis(start, dir, redisPort);
    start('monitoring', join(buildDir, 'services/monitoring/stadt-monitoring'), [], {
      MONITORING_GRPC_ADDRESS: monitoring,
      ...redis,
      MONITORING_CATALOG_FILE: join(root, 'services/monitoring/seed/catalog.json'),
    });
    start('appointments', join(buildDir, 'services/appointments/stadt-appointments'), [], {
      MONITORING_ADDRESS: monitoring,
      KPI_FLUSH_INTERVAL: '200ms',
      APPOINTMENTS_GRPC_ADDRESS: `127.0.0.1:${appointmentsPort}`,
      ...redis,
      APPOINTMENTS_SEED_FILE: alwaysOpenCatalog(dir),
      APPOINTMENTS_SECRET_KEY: randomBytes(32).toString('base64'),
      // The running slot (10 minutes at Mitte) can still be booked and a
      // no-show needs no grace: a booking is past its grace at once.
      APPOINTMENTS_MIN_NOTICE: '-10m',
      APPOINTMENTS_NO_SHOW_GRACE: '0s',
    });
    start('daycare', join(buildDir, 'services/daycare/stadt-daycare'), [], {
      DAYCARE_GRPC_ADDRESS: `127.0.0.1:${daycarePort}`,
      MONITORING_ADDRESS: monitoring,
      KPI_FLUSH_INTERVAL: '200ms',
      ...redis,
      DAYCARE_POLICY_FILE: join(root, 'services/daycare/seed/policy.json'),
      DAYCARE_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    start('video', join(buildDir, 'services/video/stadt-video'), [], {
      VIDEO_GRPC_ADDRESS: `127.0.0.1:${videoPort}`,
      MONITORING_ADDRESS: monitoring,
      KPI_FLUSH_INTERVAL: '200ms',
      ...redis,
      VIDEO_SEED_FILE: videoCatalog(dir),
      VIDEO_CONSENT_TEXTS_FILE: join(root, 'services/video/seed/consent_texts.json'),
      VIDEO_SECRET_KEY: randomBytes(32).toString('base64'),
      VIDEO_JITSI_APP_ID: 'stadtportal-test',
      VIDEO_JITSI_APP_SECRET: randomBytes(32).toString('base64'),
      VIDEO_BASE_URL: 'https://meet.invalid',
      // A citizen may check in (and be admitted) as soon as the booking is made;
      // the running slot can be booked and a no-show needs no grace.
      VIDEO_MIN_NOTICE: '-15m',
      VIDEO_NO_SHOW_GRACE: '0s',
      VIDEO_JOIN_LEAD: '2h',
    });
    start('parking', join(buildDir, 'services/parking/stadt-parking'), [], {
      PARKING_GRPC_ADDRESS: `127.0.0.1:${parkingPort}`,
      MONITORING_ADDRESS: monitoring,
      KPI_FLUSH_INTERVAL: '200ms',
      ...redis,
      PARKING_TARIFFS_FILE: join(root, 'services/parking/seed/tariffs.json'),
      PARKING_ZONES_FILE: join(root, 'services/parking/seed/zones.geojson'),
      PARKING_PERMIT_AREAS_FILE: join(root, 'services/parking/seed/permit_areas.json'),
    });
    start('oidc', process.execPath, [join(root, 'deploy/oidc/server.mjs')], {
      OIDC_PORT: String(oidcPort),
      OIDC_SIGNING_KEY_FILE: keyFile,
      OIDC_REDIRECT_URIS: `${base}/staff/`,
    });
    await waitFor('oidc', async () => (await fetch(`${issuer}/jwks`)).ok);
    const appDir = join(dir, 'staff-app');
    execFileSync(process.execPath, [join(root, 'web/staff/build.mjs'), appDir], { stdio: 'ignore' });
    start('gateway', join(buildDir, 'gateway/stadt-gateway'), [], {
      GATEWAY_PORT: String(httpPort),
      GATEWAY_BACKEND_APPOINTMENTS: `127.0.0.1:${appointmentsPort}`,
      GATEWAY_BACKEND_PARKING: `127.0.0.1:${parkingPort}`,
      GATEWAY_BACKEND_MONITORING: monitoring,
      GATEWAY_BACKEND_DAYCARE: `127.0.0.1:${daycarePort}`,
      GATEWAY_BACKEND_VIDEO: `127.0.0.1:${videoPort}`,
      GATEWAY_READINESS_BACKENDS: 'appointments,parking,monitoring,daycare,video',
      MONITORING_ADDRESS: monitoring,
      KPI_FLUSH_INTERVAL: '200ms',
      GATEWAY_JWKS_URL: `${issuer}/jwks`,
      GATEWAY_JWT_ISSUER: issuer,
      GATEWAY_JWT_AUDIENCE: 'stadtportal',
      GATEWAY_STAFF_APP_DIR: appDir,
    });
    await waitFor('gateway', async () => (await fetch(`${base}/readyz`)).ok);
  } catch (error) {
    const text = logs.map((log) => { try { return `== ${log}\n${readFileSync(log, 'utf8').slice(-2000)}`; } catch { return ''; } }).join('\n');
    stop();
    throw new Error(`${error.message}\n${text}`);
  }
  return { base, issuer, stop, mint: minter(privateKey, issuer) };
}
