// A real OpenID Connect provider (oidc-provider, a certified implementation)
// for the local stack and the browser tests: the staff web app signs in here
// with the authorization code flow and PKCE, and the gateway verifies the JWT
// access tokens against this provider's JWKS (GATEWAY_JWKS_URL).
//
//   node deploy/oidc/server.mjs
//
// Environment:
//   OIDC_PORT          port on 127.0.0.1 (default 9400); the issuer is http://127.0.0.1:PORT
//   OIDC_ISSUER        issuer URL instead (must end up at this server)
//   OIDC_AUDIENCE      the access tokens' aud, the gateway's GATEWAY_JWT_AUDIENCE (stadtportal)
//   OIDC_REDIRECT_URIS comma-separated redirect URIs of the staff app
//                      (default http://127.0.0.1:8080/staff/)
//   OIDC_ACCOUNTS_FILE the demo accounts (default accounts.json beside this file)
//   OIDC_SIGNING_KEY_FILE  a P-256 private key (PEM) to sign with, kid OIDC_SIGNING_KEY_ID
//                      (default dev-1): the local stack passes its development key, so
//                      tokens minted with stadt-mint-token verify too. Default: a new key.
//
// Demo accounts carry their roles and scopes ("office:mitte") as claims of the
// access token: `roles` (array) and `scope` (space-separated), as the gateway reads them.
// Keys and sessions live in memory: a restart signs everyone out and rotates the key.
import { createServer } from 'node:http';
import { generateKeyPairSync, createPrivateKey, createHash, timingSafeEqual, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Provider from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.OIDC_PORT || 9400);
const issuer = process.env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const audience = process.env.OIDC_AUDIENCE || 'stadtportal';
const redirectUris = (process.env.OIDC_REDIRECT_URIS || 'http://127.0.0.1:8080/staff/')
  .split(',').map((uri) => uri.trim()).filter(Boolean);
const accounts = new Map(
  JSON.parse(readFileSync(process.env.OIDC_ACCOUNTS_FILE || join(here, 'accounts.json'), 'utf8'))
    .accounts.map((account) => [account.id, account]));

// The one resource server: the Stadtportal API behind the gateway.
const API_RESOURCE = 'urn:stadtportal:api';
const API_SCOPE = 'stadt';
export const CLIENT_ID = 'stadt-staff';

function digest(text) {
  return createHash('sha256').update(String(text)).digest();
}

// Constant-time password check of a demo account; null when wrong.
function authenticate(login, password) {
  const account = accounts.get(String(login || '').trim());
  const expected = digest(account ? account.password : randomBytes(16).toString('hex'));
  return account && timingSafeEqual(expected, digest(password)) ? account : null;
}

const signingKey = process.env.OIDC_SIGNING_KEY_FILE
  ? { ...createPrivateKey(readFileSync(process.env.OIDC_SIGNING_KEY_FILE)).export({ format: 'jwk' }), kid: process.env.OIDC_SIGNING_KEY_ID || 'dev-1' }
  : { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: `dev-${Date.now()}` };

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_name: 'Stadtportal – Verwaltung',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    id_token_signed_response_alg: 'ES256',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
  }],
  jwks: { keys: [{ ...signingKey, alg: 'ES256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', API_SCOPE],
  claims: { openid: ['sub'], profile: ['name'] },
  async findAccount(_ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, name: account.name }) };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
  clientBasedCORS(_ctx, origin, client) {
    return client.redirectUris.some((uri) => new URL(uri).origin === origin);
  },
  ttl: { AccessToken: 15 * 60, AuthorizationCode: 60, IdToken: 15 * 60, Session: 10 * 3600, Interaction: 600, Grant: 10 * 3600 },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== API_RESOURCE) throw new Provider.errors.InvalidTarget();
        return {
          scope: API_SCOPE, audience, accessTokenFormat: 'jwt', accessTokenTTL: 15 * 60,
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
  formats: {
    customizers: {
      // The claims the gateway reads: roles, and the places as `scope`.
      async jwt(_ctx, token, jwt) {
        const account = accounts.get(token.accountId);
        if (!account) return;
        jwt.payload.roles = account.roles;
        jwt.payload.scope = account.scope || undefined;
      },
    },
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fehler bei der Anmeldung', `<h1>Fehler bei der Anmeldung</h1>
<p>${escapeHtml(out.error_description || out.error)}</p>`);
  },
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#171a2b}
label{display:block;margin-top:1rem;font-weight:600}input{display:block;width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;background:#0a3a80;color:#fff;border:0;border-radius:4px}
.error{color:#a00;font-weight:600}:focus-visible{outline:3px solid #0a3a80;outline-offset:2px}`;

function page(title, body) {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/login.css"></head><body><main>${body}</main></body></html>`;
}

function loginPage(uid, error) {
  return page('Anmeldung – Stadtportal Verwaltung', `<h1>Anmeldung</h1>
<p>Stadtportal – Verwaltung. Demo-Zugänge des lokalen Betriebs.</p>
${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="login">Benutzername</label><input id="login" name="login" required autofocus ${error ? 'aria-describedby="login-error"' : ''}>
<label for="password">Passwort</label><input id="password" name="password" type="password" required>
<button type="submit">Anmelden</button></form>`);
}

async function logoutSource(ctx, form) {
  ctx.body = page('Abmelden – Stadtportal Verwaltung', `<h1>Abmelden</h1>
<p>Möchten Sie sich bei der Stadtverwaltung abmelden?</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, abmelden</button>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Abgemeldet', '<h1>Sie sind abgemeldet.</h1>');
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 4096) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

const pageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

async function grantFor(details) {
  const { prompt, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

// Our own interaction (the login form); everything else is oidc-provider.
async function handleInteraction(req, res, match) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== match[1]) throw new Error('interaction mismatch');
  if (details.prompt.name === 'consent') {
    // The staff app is the city's own: what it asks for is granted without a screen.
    await provider.interactionFinished(req, res, { consent: { grantId: await grantFor(details) } },
      { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'GET') {
    res.writeHead(200, pageHeaders).end(loginPage(details.uid));
    return;
  }
  const form = await readForm(req);
  const account = authenticate(form.get('login'), form.get('password') || '');
  if (!account) {
    res.writeHead(401, pageHeaders).end(loginPage(details.uid, 'Benutzername oder Passwort ist falsch.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.id } },
    { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/);
    if (match && (req.method === 'GET' ? !match[2] : req.method === 'POST' && match[2])) {
      await handleInteraction(req, res, match);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/login.css') {
      res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end(STYLE);
      return;
    }
    callback(req, res);
  } catch (error) {
    // Session expired or a replayed form: start again from the app.
    if (!res.headersSent) {
      res.writeHead(400, pageHeaders).end(page('Anmeldung abgelaufen',
        '<h1>Anmeldung abgelaufen</h1><p>Bitte starten Sie die Anmeldung erneut.</p>'));
    }
    if (!(error instanceof Provider.errors.SessionNotFound)) console.error(JSON.stringify({ event: 'interaction_failed', error: error.message }));
  }
});
server.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ event: 'oidc_listening', issuer, jwks_uri: `${issuer}/jwks`, clients: [CLIENT_ID] }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
