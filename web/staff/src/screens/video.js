// The video departments. The waiting room of today: who waits since when,
// admit, identity checked, no-show, close with an outcome. The caseworkers'
// weekly hours and absences: set the hours, declare an absence and move or
// cancel the consultations it affects.
import { h, replaceChildren, field, button, message } from '../dom.js';
import { api, officeToday, clockTime, longDate } from '../api.js';
import { t, reasonText, currentLanguage } from '../i18n.js';
import { cell, table, form, submitButton } from '../table.js';
import './video-texts.js';

const consultation = (code, step) => `/v1/video/consultations/${encodeURIComponent(code)}/${step}`;

// The departments a user's scopes name ("department:jobcentre").
export function departmentsOf(user) {
  return user.scopes.filter((s) => s.startsWith('department:')).map((s) => s.slice('department:'.length));
}

function statusArea(id) {
  const status = h('div', { id, 'aria-live': 'polite' });
  return [status, (kind, text) => replaceChildren(status, message(kind, text))];
}

function waited(seconds) {
  const minutes = Math.floor(Number(seconds || 0) / 60);
  return t('waitedMinutes', minutes);
}

export function renderWaitingRoom(root) {
  const date = officeToday();
  const [status, show] = statusArea('video-status');
  const list = h('div', { id: 'waiting-room' }, t('loading'));

  async function step(code, verb, body, sentence) {
    let kind;
    let text;
    try {
      await api('POST', consultation(code, verb), body);
      [kind, text] = ['success', sentence];
    } catch (error) {
      [kind, text] = ['danger', reasonText(error.reason)];
    }
    await load();
    show(kind, text);
  }

  function actionsFor(entry) {
    const code = entry.bookingCode;
    const attrs = (action) => ({ 'data-action': action, 'data-booking': code, 'aria-label': `${t(`video_${action}`)}: ${code}` });
    const actions = [];
    if (entry.state === 'VISIT_STATE_WAITING') {
      actions.push(button(t('video_admit'), () => step(code, 'admit', {}, t('admitted', code)), 'primary', attrs('admit')));
    }
    if (entry.state === 'VISIT_STATE_ADMITTED') {
      if (entry.idCheckRequired && !entry.idChecked) {
        actions.push(button(t('video_identity'), () => step(code, 'identity-checked', {}, t('identityChecked', code)), 'secondary', attrs('identity')));
      }
      const outcome = h('select', { name: `outcome-${code}` },
        Object.entries(t('outcomeNames')).map(([value, label]) => h('option', { value }, label)));
      actions.push(field(t('outcomeLabel'), outcome));
      actions.push(button(t('video_close'), () => step(code, 'close', { outcome: outcome.value }, t('closed', code)), 'secondary', attrs('close')));
    }
    if (entry.state === 'VISIT_STATE_BOOKED' || entry.state === 'VISIT_STATE_CONSENTED') {
      actions.push(button(t('video_noShow'), () => step(code, 'no-show', {}, t('markedNoShow', code)), 'tertiary', attrs('noShow')));
    }
    return actions;
  }

  function row(entry) {
    return h('tr', { class: 'kern-table__row', 'data-booking': entry.bookingCode, 'data-state': entry.state },
      cell(clockTime(entry.start, currentLanguage())), cell(entry.bookingCode), cell(entry.topicId), cell(entry.caseworkerId),
      cell(t('visitStates')[entry.state] || entry.state,
        entry.state === 'VISIT_STATE_WAITING' && entry.waitingSince ? ` (${waited(entry.waitedSeconds)})` : '',
        entry.outcome ? ` – ${t('outcomeNames')[entry.outcome] || entry.outcome}` : ''),
      cell(entry.idCheckRequired ? (entry.idChecked ? t('idChecked') : t('idNeeded')) : t('idNotNeeded')),
      cell(h('div', { class: 'actions' }, actionsFor(entry))));
  }

  async function load() {
    try {
      const data = await api('GET', `/v1/video/waiting-room/${date}`);
      const entries = data.entries || [];
      replaceChildren(list, entries.length === 0 ? h('p', {}, t('noConsultations'))
        : table(t('waitingRoom'), [t('time'), t('bookingCode'), t('topic'), t('caseworker'), t('state'), t('identity'), t('actions')], entries.map(row)));
    } catch (error) {
      replaceChildren(list, message('danger', reasonText(error.reason)));
    }
  }

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, `${t('waitingRoom')} – ${longDate(date, currentLanguage())}`),
    h('div', { class: 'toolbar' }, button(t('refresh'), () => load(), 'tertiary', { id: 'refresh' })),
    status,
    list);
  load();
  // The 15-second reload leaves the list alone while someone works in it
  // (a chosen outcome would be lost); the steps reload it themselves.
  return () => { if (!list.contains(document.activeElement)) load(); };
}

// Minutes after midnight of "HH:MM" ("24:00" ends a day); NaN when it is none.
function minuteOf(time) {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!match) return NaN;
  const minute = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minute <= 1440 ? minute : NaN;
}

function timeOf(minute) {
  const m = Number(minute || 0);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function renderVideoSchedule(root, user, state) {
  state.caseworker = state.caseworker || user.id;
  const [status, show] = statusArea('schedule-status');
  const hours = h('div', { id: 'weekly-hours' });
  const absences = h('div', { id: 'absences' });
  const report = h('section', { id: 'absence-report', 'aria-labelledby': 'absence-report-heading', hidden: true });
  const base = () => `/v1/video/caseworkers/${encodeURIComponent(state.caseworker)}`;
  let windows = [];

  function windowRow(window, index) {
    const weekday = h('select', { name: `weekday-${index}`, onchange: (e) => { window.weekday = Number(e.target.value); } },
      t('weekdays').map((name, i) => h('option', { value: i + 1, selected: window.weekday === i + 1 }, name)));
    // Text, not type=time: a window may end at 24:00, which a time field cannot hold.
    const time = (name, key) => h('input', {
      name: `${name}-${index}`, value: timeOf(window[key]), required: true, maxlength: 5, inputmode: 'numeric', autocomplete: 'off',
      pattern: '([01][0-9]|2[0-3]):[0-5][0-9]|24:00',
      onchange: (e) => { window[key] = minuteOf(e.target.value); e.target.setAttribute('aria-invalid', String(Number.isNaN(window[key]))); },
    });
    const from = time('from', 'fromMinute');
    const to = time('to', 'toMinute');
    return h('tr', { class: 'kern-table__row', 'data-window': index },
      cell(field(t('weekday'), weekday)), cell(field(t('windowFrom'), from)), cell(field(t('windowTo'), to)),
      cell(button(t('remove'), () => { windows.splice(index, 1); showHours(); }, 'tertiary',
        { 'data-action': 'remove-window', 'aria-label': `${t('remove')}: ${t('weekdays')[window.weekday - 1]} ${timeOf(window.fromMinute)}` })));
  }

  function showHours() {
    replaceChildren(hours,
      windows.length ? table(t('weeklyHours'), [t('weekday'), t('from'), t('to'), t('actions')], windows.map(windowRow)) : h('p', {}, t('noHours')),
      h('div', { class: 'actions' },
        button(t('addWindow'), () => { windows.push({ weekday: 1, fromMinute: 480, toMinute: 720 }); showHours(); }, 'secondary', { id: 'add-window' }),
        button(t('saveHours'), saveHours, 'primary', { id: 'save-hours' })));
  }

  async function saveHours() {
    const invalid = hours.querySelector('input[aria-invalid="true"]');
    if (invalid) {
      show('danger', t('invalidTime'));
      invalid.focus();
      return;
    }
    try {
      const schedule = await api('PUT', `${base()}/availability`, { availability: windows });
      showSchedule(schedule);
      show('success', t('hoursSaved'));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }

  function showSchedule(schedule) {
    windows = (schedule.availability || []).map((w) => ({ weekday: w.weekday, fromMinute: w.fromMinute || 0, toMinute: w.toMinute || 0 }));
    showHours();
    const list = schedule.absences || [];
    const language = currentLanguage();
    replaceChildren(absences, list.length === 0 ? h('p', {}, t('noAbsences'))
      : table(t('absences'), [t('absenceId'), t('from'), t('to'), t('absenceKind'), t('actions')], list.map((absence) => h('tr', { class: 'kern-table__row', 'data-absence': absence.id || '' },
        cell(absence.id || t('fromSeed')), cell(longDate(absence.fromDate, language)), cell(longDate(absence.toDate, language)),
        cell(t('absenceKinds')[absence.kind] || '–'),
        cell(absence.id ? button(t('affected'), () => resolve(absence.id, 'ABSENCE_ACTION_LIST'), 'tertiary',
          { 'data-action': 'list', 'aria-label': `${t('affected')}: ${absence.id}` }) : '')))));
  }

  // Only the latest answer shows (another caseworker may be asked for meanwhile).
  let loads = 0;
  async function load() {
    loads += 1;
    const mine = loads;
    try {
      const schedule = await api('GET', `${base()}/schedule`);
      if (mine === loads) showSchedule(schedule);
    } catch (error) {
      if (mine !== loads) return;
      windows = [];
      replaceChildren(hours, message('danger', reasonText(error.reason)));
      replaceChildren(absences);
    }
  }

  const resolveReason = h('input', { name: 'absence-reason', maxlength: 200, autocomplete: 'off' });
  async function resolve(absenceId, action) {
    try {
      const result = await api('POST', `${base()}/absences/${encodeURIComponent(absenceId)}/resolve`, { action, reason: resolveReason.value.trim() });
      showReport(result);
      if (action !== 'ABSENCE_ACTION_LIST') show('success', t('movedCancelledVideo', result.moved || 0, result.cancelled || 0));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }

  function showReport(result) {
    const affected = result.consultations || [];
    const language = currentLanguage();
    const when = (timestamp) => `${longDate(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(timestamp)), language)}, ${clockTime(timestamp, language)}`;
    report.hidden = false;
    report.dataset.absence = result.absence?.id || '';
    replaceChildren(report,
      h('h2', { id: 'absence-report-heading', class: 'kern-heading-medium' }, t('affectedConsultations', affected.length, result.absence?.id || '')),
      affected.length === 0 ? h('p', {}, t('noneAffectedVideo')) : table(t('affectedConsultations', affected.length, result.absence?.id || ''),
        [t('bookingCode'), t('topic'), t('appointment'), t('outcome'), t('newAppointment')],
        affected.map((c) => h('tr', { class: 'kern-table__row', 'data-booking': c.bookingCode, 'data-outcome': c.outcome },
          cell(c.bookingCode), cell(c.topicId), cell(when(c.start)), cell(t('absenceOutcomes')[c.outcome] || c.outcome),
          cell(c.newStart ? `${when(c.newStart)} (${c.caseworkerId})` : '–')))),
      affected.some((c) => c.outcome === 'ABSENCE_OUTCOME_AFFECTED') ? h('div', { class: 'resolve' },
        field(t('citizenReasonVideo'), resolveReason),
        h('div', { class: 'actions' },
          button(t('moveAll'), () => resolve(result.absence.id, 'ABSENCE_ACTION_MOVE'), 'primary', { id: 'move-consultations' }),
          button(t('cancelAll'), () => resolve(result.absence.id, 'ABSENCE_ACTION_CANCEL'), 'secondary', { id: 'cancel-consultations' }))) : null);
  }

  const today = officeToday();
  const absenceId = h('input', { name: 'absence-id', autocomplete: 'off', required: true, maxlength: 64, pattern: '[a-z0-9][a-z0-9-]*', 'aria-describedby': 'absence-id-hint', id: 'absence-id', class: 'kern-form-input__input' });
  const fromDate = h('input', { name: 'absence-from', type: 'date', required: true, value: today, min: today });
  const toDate = h('input', { name: 'absence-to', type: 'date', required: true, value: today, min: today });
  const kind = h('select', { name: 'absence-kind' }, Object.entries(t('absenceKinds')).map(([value, label]) => h('option', { value }, label)));
  const declareForm = form({ id: 'absence-form', class: 'stack' }, async () => {
    try {
      const result = await api('POST', `${base()}/absences`, { id: absenceId.value.trim(), fromDate: fromDate.value, toDate: toDate.value, kind: kind.value });
      showReport(result);
      await load();
      show('success', t('absenceDeclared'));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  },
  h('div', { class: 'kern-form-input' }, h('label', { class: 'kern-label', for: 'absence-id' }, t('absenceId')),
    h('div', { class: 'kern-hint', id: 'absence-id-hint' }, t('absenceIdHint')), absenceId),
  h('div', { class: 'form-row' }, field(t('fromDay'), fromDate), field(t('toDay'), toDate)),
  field(t('absenceKind'), kind),
  submitButton(t('declareAbsence')));

  const caseworkerInput = h('input', { name: 'caseworker', value: state.caseworker, autocomplete: 'off', maxlength: 64 });
  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, t('videoSchedule')),
    h('p', {}, t('videoScheduleIntro', departmentsOf(user).join(', '))),
    form({ id: 'caseworker-form', class: 'toolbar' }, () => { state.caseworker = caseworkerInput.value.trim() || user.id; load(); },
      field(t('caseworkerId'), caseworkerInput), submitButton(t('show'), 'secondary')),
    status,
    h('section', { 'aria-labelledby': 'hours-heading' }, h('h2', { id: 'hours-heading', class: 'kern-heading-medium' }, t('weeklyHours')), hours),
    h('section', { 'aria-labelledby': 'absences-heading' }, h('h2', { id: 'absences-heading', class: 'kern-heading-medium' }, t('absences')), absences,
      h('h3', { class: 'kern-heading-small' }, t('declareAbsence')), declareForm),
    report);
  load();
}
