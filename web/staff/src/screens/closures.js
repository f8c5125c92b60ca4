// Office administrators: a closure or reduced staffing for days or hours,
// the bookings it affects, and the choice to move them (to the nearest free
// slot here or at a neighbouring office) or cancel them.
import { h, replaceChildren, field, button, message } from '../dom.js';
import { api, officeToday, clockTime, longDate } from '../api.js';
import { t, reasonText, currentLanguage } from '../i18n.js';
import { officesOf } from './counter.js';

function minuteOf(time) {
  if (!time) return 0;
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

function when(timestamp) {
  if (!timestamp) return '–';
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(timestamp));
  return `${longDate(date, currentLanguage())}, ${clockTime(timestamp, currentLanguage())}`;
}

export function renderClosures(root, user, state) {
  const offices = officesOf(user).filter((id) => id !== '*');
  state.office = state.office && offices.includes(state.office) ? state.office : offices[0];
  const status = h('div', { id: 'closure-status', 'aria-live': 'polite' });
  const report = h('section', { id: 'closure-report', 'aria-labelledby': 'report-heading', hidden: true });
  const show = (kind, text) => replaceChildren(status, message(kind, text));
  const today = officeToday();
  const input = (name, attrs = {}) => h('input', { name, autocomplete: 'off', ...attrs });
  const closureId = input('closure-id', {
    id: 'closure-id-field', class: 'kern-form-input__input', required: true, pattern: '[a-z0-9][a-z0-9-]*', maxlength: 64, 'aria-describedby': 'closure-id-hint',
  });
  const fromDate = input('from-date', { type: 'date', required: true, value: today, min: today });
  const toDate = input('to-date', { type: 'date', required: true, value: today, min: today });
  const fromTime = input('from-time', { type: 'time' });
  const toTime = input('to-time', { type: 'time' });
  const counters = input('counters', { type: 'number', min: 0, max: 50, value: 0, required: true });
  const reason = input('reason', { required: true, maxlength: 200 });

  function showReport(closureReport) {
    const bookings = closureReport.bookings || [];
    const target = h('select', { name: 'target-office' }, offices.map((office) => h('option', { value: office, selected: office === state.office }, office)));
    const resolveReason = input('resolve-reason', { maxlength: 200 });
    const resolve = (action, sentence) => async () => {
      try {
        const result = await api('POST', `/v1/offices/${encodeURIComponent(state.office)}/closures/${encodeURIComponent(closureReport.closure.id)}/resolve`, {
          action, targetOfficeId: action === 'CLOSURE_ACTION_MOVE' && target.value !== state.office ? target.value : '', reason: resolveReason.value.trim(),
        });
        showReport({ ...result, bookings: result.bookings || [] });
        show('success', sentence(result));
      } catch (error) {
        show('danger', reasonText(error.reason));
      }
    };
    const cell = (...content) => h('td', { class: 'kern-table__cell' }, ...content);
    report.hidden = false;
    replaceChildren(report,
      h('h2', { id: 'report-heading', class: 'kern-heading-medium' }, t('affectedBookings', bookings.length)),
      bookings.length === 0 ? h('p', {}, t('noneAffected')) : h('div', { class: 'kern-table-responsive' },
        h('table', { class: 'kern-table kern-table--striped' },
          h('caption', { class: 'kern-sr-only' }, t('affectedBookings', bookings.length)),
          h('thead', { class: 'kern-table__header' }, h('tr', { class: 'kern-table__row' },
            [t('bookingCode'), t('appointment'), t('outcome'), t('newAppointment')].map((text) => h('th', { class: 'kern-table__header', scope: 'col' }, text)))),
          h('tbody', { class: 'kern-table__body' }, bookings.map((booking) => h('tr', {
            class: 'kern-table__row', 'data-booking': booking.bookingCode, 'data-outcome': booking.outcome,
          }, cell(booking.bookingCode), cell(when(booking.start)), cell(t('outcomes')[booking.outcome] || booking.outcome),
          cell(booking.newStart ? `${when(booking.newStart)} (${booking.officeId})` : '–')))))),
      bookings.some((b) => b.outcome === 'CLOSURE_OUTCOME_AFFECTED') ? h('div', { class: 'resolve' },
        offices.length > 1 ? field(t('moveTo'), target) : null,
        field(t('citizenReason'), resolveReason),
        h('div', { class: 'actions' },
          button(t('moveAll'), resolve('CLOSURE_ACTION_MOVE', (r) => t('movedCancelled', r.moved || 0, r.cancelled || 0)), 'primary', { id: 'move-all' }),
          button(t('cancelAll'), resolve('CLOSURE_ACTION_CANCEL', (r) => t('movedCancelled', r.moved || 0, r.cancelled || 0)), 'secondary', { id: 'cancel-all' }))) : null);
  }

  const form = h('form', { id: 'closure-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const closureReport = await api('POST', `/v1/offices/${encodeURIComponent(state.office)}/closures`, {
        id: closureId.value.trim(), fromDate: fromDate.value, toDate: toDate.value,
        fromMinute: minuteOf(fromTime.value), toMinute: minuteOf(toTime.value),
        counters: Number(counters.value), reason: reason.value.trim(),
      });
      showReport(closureReport);
      show('success', t('closureDeclared'));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  } },
  h('div', { class: 'kern-form-input' }, h('label', { class: 'kern-label', for: 'closure-id-field' }, t('closureId')),
    h('div', { class: 'kern-hint', id: 'closure-id-hint' }, t('closureIdHint')), closureId),
  h('div', { class: 'form-row' }, field(t('fromDate'), fromDate), field(t('toDate'), toDate)),
  h('div', { class: 'form-row' }, field(t('fromTime'), fromTime), field(t('toTime'), toTime)),
  field(t('countersLeft'), counters),
  field(t('closureReason'), reason),
  h('button', { type: 'submit', class: 'kern-btn kern-btn--primary' }, h('span', { class: 'kern-label' }, t('declareClosure'))));

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, `${t('closures')} – ${state.office}`),
    h('p', {}, t('closuresIntro')),
    status, form, report);
}
