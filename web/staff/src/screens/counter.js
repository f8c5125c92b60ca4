// The counter of a citizen office: today's list (bookings and walk-ins), and
// the steps of the day: check-in, call next, call again, put aside, done,
// no-show, the citizen left; walk-in tickets and bookings for callers.
import { h, replaceChildren, field, button, message } from '../dom.js';
import { api, officeToday, clockTime, longDate } from '../api.js';
import { t, reasonText, stateText, currentLanguage } from '../i18n.js';

const OPEN_TICKET = new Set(['VISIT_STATE_WAITING', 'VISIT_STATE_CALLED', 'VISIT_STATE_PARKED']);

// The offices a user's scopes name ("office:mitte"); "*" means any.
export function officesOf(user) {
  return user.scopes.filter((s) => s.startsWith('office:')).map((s) => s.slice('office:'.length));
}

export function renderCounter(root, user, state) {
  const offices = officesOf(user).filter((id) => id !== '*');
  state.office = state.office && offices.includes(state.office) ? state.office : offices[0];
  state.counter = state.counter || '1';
  const date = officeToday();
  const day = () => `/v1/offices/${encodeURIComponent(state.office)}/days/${date}`;
  const status = h('div', { id: 'counter-status', 'aria-live': 'polite' });
  const list = h('div', { id: 'day-list' }, t('loading'));

  const show = (kind, text) => replaceChildren(status, message(kind, text));
  // Runs one step, reloads the list, then says how it went (so what the
  // sentence says is already in the list when it appears).
  async function step(run, describe) {
    let kind;
    let text;
    try {
      const result = await run();
      [kind, text] = ['success', describe(result)];
    } catch (error) {
      [kind, text] = ['danger', reasonText(error.reason)];
    }
    await loadDay();
    show(kind, text);
  }

  async function loadDay() {
    try {
      const data = await api('GET', `${day()}/appointments`);
      replaceChildren(list, dayTable(data));
    } catch (error) {
      replaceChildren(list, message('danger', reasonText(error.reason)));
    }
  }

  function actionsFor(row) {
    const q = row.queueNumber;
    const ticket = (verb, body) => () => api('POST', `${day()}/tickets/${q}/${verb}`, body);
    const actions = [];
    if (OPEN_TICKET.has(row.state)) {
      actions.push(button(t('recall'), () => step(ticket('recall', { counter: state.counter }),
        () => t('called', q, state.counter)), 'secondary', { 'data-action': 'recall', 'data-ticket': q }));
    }
    if (row.state === 'VISIT_STATE_CALLED') {
      actions.push(button(t('park'), () => step(ticket('park', {}), () => t('done')), 'secondary',
        { 'data-action': 'park', 'data-ticket': q }));
      actions.push(button(t('complete'), () => step(ticket('complete', {}), () => t('done')), 'primary',
        { 'data-action': 'complete', 'data-ticket': q }));
    }
    if (row.state === 'VISIT_STATE_WAITING' || row.state === 'VISIT_STATE_PARKED') {
      actions.push(button(t('left'), () => step(ticket('cancel', {}), () => t('done')), 'tertiary',
        { 'data-action': 'cancel', 'data-ticket': q }));
    }
    if (row.state === 'VISIT_STATE_EXPECTED' && row.bookingCode) {
      actions.push(button(t('noShow'), () => step(() => api('POST',
        `${day()}/appointments/${encodeURIComponent(row.bookingCode)}/no-show`, {}), () => t('done')),
      'tertiary', { 'data-action': 'no-show', 'data-booking': row.bookingCode }));
    }
    return actions;
  }

  function dayRow(row) {
    const cell = (...content) => h('td', { class: 'kern-table__cell' }, ...content);
    return h('tr', {
      class: 'kern-table__row', 'data-state': row.state, 'data-ticket': row.queueNumber || '',
      'data-booking': row.bookingCode || '',
    },
    cell(row.start ? clockTime(row.start, currentLanguage()) : t('walkInShort')),
    cell(row.queueNumber || '–'),
    cell(row.bookingCode || '–'),
    cell(row.citizenName || '–'),
    cell(stateText(row.state)),
    cell(row.counter || '–'),
    cell(h('div', { class: 'actions' }, actionsFor(row))));
  }

  function dayTable(data) {
    const rows = data.appointments || [];
    if (rows.length === 0) return h('p', {}, t('dayEmpty'));
    const head = [t('time'), t('number'), t('bookingCode'), t('name'), t('state'), t('counterColumn'), t('actions')];
    const table = h('table', { class: 'kern-table kern-table--striped' },
      h('caption', { class: 'kern-sr-only' }, t('dayList')),
      h('thead', { class: 'kern-table__header' },
        h('tr', { class: 'kern-table__row' }, head.map((text) => h('th', { class: 'kern-table__header', scope: 'col' }, text)))),
      h('tbody', { class: 'kern-table__body' }, rows.map(dayRow)));
    return h('div', {},
      data.noShows ? h('p', { id: 'no-shows' }, t('noShows', data.noShows)) : null,
      h('div', { class: 'kern-table-responsive' }, table));
  }

  const counterInput = h('input', { value: state.counter, maxlength: 8, autocomplete: 'off', name: 'counter',
    oninput: (e) => { state.counter = e.target.value.trim() || '1'; } });
  const officeSelect = h('select', { name: 'office', onchange: (e) => { state.office = e.target.value; renderCounter(root, user, state); } },
    offices.map((id) => h('option', { value: id, selected: id === state.office }, id)));

  const codeInput = h('input', { name: 'booking-code', autocomplete: 'off', spellcheck: 'false' });
  const checkInForm = h('form', { id: 'check-in', onsubmit: (e) => {
    e.preventDefault();
    const code = codeInput.value.trim();
    step(() => api('POST', `${day()}/checkins`, { bookingCode: code }), (r) => t('checkedIn', r.queueNumber))
      .then(() => { codeInput.value = ''; });
  } }, h('h3', { class: 'kern-heading-small' }, t('checkIn')), field(t('bookingCode'), codeInput),
  h('button', { type: 'submit', class: 'kern-btn kern-btn--primary' }, h('span', { class: 'kern-label' }, t('checkIn'))));

  const walkInService = h('select', { name: 'walk-in-service' });
  const walkInForm = h('form', { id: 'walk-in', onsubmit: (e) => {
    e.preventDefault();
    step(() => api('POST', `${day()}/walk-ins`, { serviceIds: [walkInService.value] }), (r) => t('ticketIssued', r.queueNumber));
  } }, h('h3', { class: 'kern-heading-small' }, t('walkIn')), field(t('service'), walkInService),
  h('button', { type: 'submit', class: 'kern-btn kern-btn--secondary' }, h('span', { class: 'kern-label' }, t('issueTicket'))));

  const phoneForm = phoneBooking(state, show, loadDay, date);

  const callButton = button(t('callNext'), () => step(
    () => api('POST', `${day()}/calls`, { counter: state.counter }),
    (r) => (r.queueNumber ? t('called', r.queueNumber, state.counter) : t('nobodyWaiting'))), 'primary', { id: 'call-next' });

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, `${t('counter')} – ${longDate(date, currentLanguage())}`),
    h('div', { class: 'toolbar' }, field(t('office'), officeSelect), field(t('counterName'), counterInput),
      callButton, button(t('refresh'), () => loadDay(), 'tertiary', { id: 'refresh' })),
    status,
    h('section', { 'aria-labelledby': 'day-heading' }, h('h2', { id: 'day-heading', class: 'kern-heading-medium' }, t('dayList')), list),
    h('div', { class: 'forms' }, checkInForm, walkInForm, phoneForm));

  api('GET', `/v1/offices/${encodeURIComponent(state.office)}/services`).then((data) => {
    const services = data.services || [];
    for (const select of [walkInService, phoneForm.querySelector('select')]) {
      replaceChildren(select, services.map((s) => h('option', { value: s.id }, s.name)));
    }
  }).catch((error) => show('danger', reasonText(error.reason)));
  loadDay();
  return loadDay;
}

// A caller on the phone: free slots today for one service, then name and
// phone number, and the booking code to tell them.
function phoneBooking(state, show, loadDay, date) {
  const service = h('select', { name: 'phone-service' });
  const slots = h('fieldset', { class: 'kern-fieldset', id: 'phone-slots', hidden: true });
  const name = h('input', { name: 'caller-name', autocomplete: 'off' });
  const phone = h('input', { name: 'caller-phone', type: 'tel', autocomplete: 'off' });
  const search = button(t('findSlots'), async () => {
    try {
      const query = new URLSearchParams({ service_ids: service.value, office_ids: state.office, from_date: date, to_date: date, limit: '5' });
      const data = await api('GET', `/v1/slots?${query}`);
      const found = data.slots || [];
      slots.hidden = false;
      replaceChildren(slots, h('legend', { class: 'kern-label' }, t('freeSlots')),
        found.length === 0 ? h('p', {}, t('noSlots')) : found.map((slot, i) => {
          const id = `slot-${i}`;
          return h('div', { class: 'kern-form-check' },
            h('input', { class: 'kern-form-check__radio', type: 'radio', name: 'slot', id, value: slot.start, checked: i === 0 }),
            h('label', { class: 'kern-label', for: id }, clockTime(slot.start, currentLanguage())));
        }));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }, 'secondary', { id: 'find-slots' });
  const form = h('form', { id: 'phone-booking', onsubmit: async (e) => {
    e.preventDefault();
    const chosen = form.querySelector('input[name="slot"]:checked');
    if (!chosen) return;
    try {
      const booking = await api('POST', `/v1/offices/${encodeURIComponent(state.office)}/staff-bookings`, {
        serviceIds: [service.value], start: chosen.value, contact: { name: name.value.trim(), phone: phone.value.trim() },
      });
      show('success', t('booked', booking.bookingCode));
      slots.hidden = true;
      name.value = '';
      phone.value = '';
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
    await loadDay();
  } }, h('h3', { class: 'kern-heading-small' }, t('phoneBooking')), field(t('service'), service), search, slots,
  field(t('callerName'), name), field(t('callerPhone'), phone),
  h('button', { type: 'submit', class: 'kern-btn kern-btn--primary' }, h('span', { class: 'kern-label' }, t('book'))));
  return form;
}
