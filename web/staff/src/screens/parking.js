// Residents' parking permits: everyone's pending applications (oldest first)
// to approve or reject with a reason, and this session's decisions, whose
// permits can be revoked with a reason.
import { h, replaceChildren, field, button, message } from '../dom.js';
import { api, longDate } from '../api.js';
import { t, reasonText, currentLanguage } from '../i18n.js';

const decisions = []; // this session's approvals and rejections, newest first

function validity(application) {
  const language = currentLanguage();
  return `${longDate(application.validFrom, language)} – ${longDate(application.validUntil, language)}`;
}

export function renderParking(root) {
  const status = h('div', { id: 'parking-status', 'aria-live': 'polite' });
  const pending = h('div', { id: 'pending' }, t('loading'));
  const decided = h('div', { id: 'decided' });
  const show = (kind, text) => replaceChildren(status, message(kind, text));

  // Runs one decision, reloads the lists, then says how it went.
  async function decide(run, text) {
    let kind;
    let sentence;
    try {
      const application = await run();
      decisions.unshift(application);
      [kind, sentence] = ['success', text(application)];
    } catch (error) {
      [kind, sentence] = ['danger', reasonText(error.reason)];
    }
    await load();
    show(kind, sentence);
  }

  function reasonInput(name) {
    return h('input', { name, autocomplete: 'off', maxlength: 200 });
  }

  function pendingRow(application) {
    const reason = reasonInput(`reject-reason-${application.id}`);
    const cell = (...content) => h('td', { class: 'kern-table__cell' }, ...content);
    return h('tr', { class: 'kern-table__row', 'data-application': application.id },
      cell(application.plate), cell(application.area), cell(`${application.street} ${application.houseNumber}`),
      cell(validity(application)),
      cell(h('div', { class: 'actions' },
        button(t('approve'), () => decide(() => api('POST', `/v1/parking/permit-applications/${encodeURIComponent(application.id)}/approve`, {}),
          (a) => t('approved', a.plate)), 'primary', { 'data-action': 'approve', 'aria-label': `${t('approve')}: ${application.plate}` }),
        field(t('rejectReason'), reason),
        button(t('reject'), () => {
          if (!reason.value.trim()) {
            show('danger', t('reasonNeeded'));
            reason.focus();
            return;
          }
          decide(() => api('POST', `/v1/parking/permit-applications/${encodeURIComponent(application.id)}/reject`, { reason: reason.value.trim() }),
            (a) => t('rejected', a.plate));
        }, 'secondary', { 'data-action': 'reject', 'aria-label': `${t('reject')}: ${application.plate}` }))));
  }

  function decidedRow(application) {
    const reason = reasonInput(`revoke-reason-${application.id}`);
    const cell = (...content) => h('td', { class: 'kern-table__cell' }, ...content);
    const approved = application.state === 'PERMIT_APPLICATION_STATE_APPROVED';
    return h('tr', { class: 'kern-table__row', 'data-decided': application.id, 'data-state': application.state },
      cell(application.plate), cell(application.area), cell(t('permitStates')[application.state] || application.state),
      cell(application.reason || '–'),
      cell(approved ? h('div', { class: 'actions' }, field(t('revokeReason'), reason),
        button(t('revoke'), () => {
          if (!reason.value.trim()) {
            show('danger', t('reasonNeeded'));
            reason.focus();
            return;
          }
          decide(async () => {
            await api('POST', `/v1/parking/permits/${encodeURIComponent(application.permitId || application.id)}/revoke`,
              { plate: application.plate, reason: reason.value.trim() });
            const index = decisions.indexOf(application);
            if (index >= 0) decisions.splice(index, 1);
            return { ...application, state: 'PERMIT_APPLICATION_STATE_REVOKED', reason: reason.value.trim() };
          }, (a) => t('revoked', a.plate));
        }, 'secondary', { 'data-action': 'revoke', 'aria-label': `${t('revoke')}: ${application.plate}` })) : ''));
  }

  function table(caption, head, rows) {
    return h('div', { class: 'kern-table-responsive' }, h('table', { class: 'kern-table kern-table--striped' },
      h('caption', { class: 'kern-sr-only' }, caption),
      h('thead', { class: 'kern-table__header' }, h('tr', { class: 'kern-table__row' },
        head.map((text) => h('th', { class: 'kern-table__header', scope: 'col' }, text)))),
      h('tbody', { class: 'kern-table__body' }, rows)));
  }

  async function load() {
    try {
      const data = await api('GET', '/v1/parking/pending-permit-applications?page_size=100');
      const rows = data.applications || [];
      replaceChildren(pending, rows.length === 0 ? h('p', {}, t('nothingPending'))
        : table(t('pendingApplications'), [t('plate'), t('area'), t('address'), t('validity'), t('actions')], rows.map(pendingRow)));
    } catch (error) {
      replaceChildren(pending, message('danger', reasonText(error.reason)));
    }
    replaceChildren(decided, decisions.length === 0 ? h('p', {}, t('noDecisions'))
      : table(t('decisions'), [t('plate'), t('area'), t('state'), t('reason'), t('actions')], decisions.map(decidedRow)));
  }

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, t('parking')),
    h('div', { class: 'toolbar' }, button(t('refresh'), () => load(), 'tertiary', { id: 'refresh' })),
    status,
    h('section', { 'aria-labelledby': 'pending-heading' }, h('h2', { id: 'pending-heading', class: 'kern-heading-medium' }, t('pendingApplications')), pending),
    h('section', { 'aria-labelledby': 'decided-heading' }, h('h2', { id: 'decided-heading', class: 'kern-heading-medium' }, t('decisions')), decided));
  load();
  return load;
}
