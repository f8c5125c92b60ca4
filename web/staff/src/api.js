// The gateway's JSON API with the signed-in user's token. Refusals become an
// ApiError with the machine-readable reason (details[0].reason).
import { accessToken } from './auth.js';

export class ApiError extends Error {
  constructor(status, reason, message) {
    super(message || reason);
    this.status = status;
    this.reason = reason;
  }
}

let unauthenticated = () => {};

// Called when the gateway refuses the token (401): expired or revoked.
export function onUnauthenticated(handler) {
  unauthenticated = handler;
}

// `init`: more fetch options, e.g. { cache: 'no-store' } to read back what
// was just written past a public route's Cache-Control.
export async function api(method, path, body, init = {}) {
  const headers = {};
  const token = accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { ...init, method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'backend_unavailable');
  }
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(response.status, 'unknown');
  }
  if (response.status === 401) unauthenticated();
  if (!response.ok) throw new ApiError(response.status, data.details?.[0]?.reason || 'unknown', data.message);
  return data;
}

// Today's date where the offices are (their days are Berlin days).
export function officeToday(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function clockTime(timestamp, language) {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'de-DE',
    { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(new Date(timestamp));
}

// "Sonntag, 6. Dezember 2026" of "2026-12-06".
export function longDate(isoDate, language) {
  const [year, month, day] = isoDate.split('-').map(Number);
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'de-DE',
    { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, month - 1, day)));
}
