// The waiting room's screen: the latest calls (ticket numbers and counters
// only, no names), full screen, polled by version. Needs no sign-in.
import { h, replaceChildren } from '../dom.js';
import { api } from '../api.js';

const POLL_MS = 2000;

export function renderDisplay(root, officeId) {
  document.body.classList.add('call-display');
  const board = h('div', { class: 'board', 'aria-live': 'polite' }, h('p', { class: 'empty' }, 'Noch kein Aufruf · No call yet'));
  replaceChildren(root, h('h1', { class: 'display-title' }, 'Aufruf · Now calling'), board);
  let version = 0;
  let stopped = false;
  async function poll() {
    if (stopped) return;
    try {
      const data = await api('GET', `/v1/offices/${encodeURIComponent(officeId)}/call-display?since=${version}`);
      if (data.changed) {
        version = Number(data.version);
        // A recall lists a number again: show each number once, at its latest call.
        const seen = new Set();
        const calls = (data.calls || []).filter((call) => !seen.has(call.queueNumber) && seen.add(call.queueNumber));
        replaceChildren(board, calls.length === 0 ? h('p', { class: 'empty' }, 'Noch kein Aufruf · No call yet')
          : h('table', { class: 'calls' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Nummer · Number'), h('th', { scope: 'col' }, 'Schalter · Counter'))),
            h('tbody', {}, calls.map((call, i) => h('tr', { class: i === 0 ? 'latest' : '' },
              h('td', { 'data-number': call.queueNumber }, call.queueNumber), h('td', {}, call.counter))))));
      }
    } catch {
      // The screen keeps showing the last calls; the next poll tries again.
    }
    setTimeout(poll, POLL_MS);
  }
  poll();
  return () => { stopped = true; document.body.classList.remove('call-display'); };
}
