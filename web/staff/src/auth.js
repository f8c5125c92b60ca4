// Sign-in with the city's OpenID Connect provider: authorization code flow
// with PKCE (S256) for a public client. The tokens live in this module's
// memory only, never in any storage: a reload signs in again (at once, while
// the provider's session lasts). Only the PKCE verifier and the state cross
// the redirect, in sessionStorage, and are removed on return.
const CLIENT_ID = 'stadt-staff';
const PENDING_KEY = 'stadt.staff.pending-sign-in';

let discovery = null;
let session = null; // { accessToken, idToken, expiresAt, claims }

function base64Url(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(length) {
  return base64Url(crypto.getRandomValues(new Uint8Array(length)));
}

async function challengeOf(verifier) {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(hash));
}

function redirectUri() {
  return `${location.origin}/staff/`;
}

// The claims of a JWT, for showing who is signed in and which screens fit;
// the gateway checks the signature and the roles on every call.
function claimsOf(jwt) {
  const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

export async function loadProvider() {
  const config = await (await fetch('/staff/config.json')).json();
  const response = await fetch(`${config.issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error('provider unavailable');
  discovery = await response.json();
  if (discovery.issuer !== config.issuer) throw new Error('provider issuer mismatch');
}

export async function signIn(returnTo, language) {
  const verifier = randomText(32);
  const state = randomText(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: 'openid profile stadt',
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
    state,
    ui_locales: language,
  });
  location.assign(`${discovery.authorization_endpoint}?${params}`);
}

// On the return from the provider: trades the code for tokens. Returns the
// hash route to show, null when this load is no return from sign-in.
export async function completeSignIn() {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `/staff/${pending?.returnTo || ''}`);
  if (!pending || query.get('state') !== pending.state || query.has('error')) {
    throw new Error('sign-in refused');
  }
  if (query.has('iss') && query.get('iss') !== discovery.issuer) throw new Error('wrong issuer');
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.get('code'),
      redirect_uri: redirectUri(),
      client_id: CLIENT_ID,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error('token request refused');
  const tokens = await response.json();
  session = {
    accessToken: tokens.access_token,
    idToken: tokens.id_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    claims: claimsOf(tokens.access_token),
    name: claimsOf(tokens.id_token).name,
  };
  return pending.returnTo || '';
}

export function accessToken() {
  return session && Date.now() < session.expiresAt ? session.accessToken : null;
}

export function currentUser() {
  if (!session) return null;
  const { claims } = session;
  return {
    id: claims.sub,
    name: session.name || claims.sub,
    roles: claims.roles || [],
    scopes: (claims.scope || '').split(' ').filter(Boolean),
  };
}

// Drops the tokens (expired or refused); the provider's session stays.
export function forgetSession() {
  session = null;
}

// Ends the session here and at the provider, which asks to confirm and then
// sends the browser back to the app's start.
export function signOut() {
  const idToken = session?.idToken;
  session = null;
  const params = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: redirectUri() });
  if (idToken) params.set('id_token_hint', idToken);
  location.assign(`${discovery.end_session_endpoint}?${params}`);
}
