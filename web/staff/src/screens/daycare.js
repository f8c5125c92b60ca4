// The youth office's daycare place allocation. Caseworkers: search the
// season's applications (duplicates and unverified claims flagged), open one,
// verify or reject each claimed criterion after looking at the evidence,
// correct it with a reason. Coordinators: the application period, a dry run
// with its statistics, publishing a round, and the explanation of a child's
// result.
import { h, replaceChildren, field, button, message } from '../dom.js';
import { api, officeToday, longDate } from '../api.js';
import { t, reasonText, currentLanguage } from '../i18n.js';
import { cell, table, form, submitButton } from '../table.js';
import './daycare-texts.js';

// The season being allocated: applications for a start from August are
// handled from the September before, so from September on it is next year's.
export function defaultSeason(today = officeToday()) {
  const [year, month] = today.split('-').map(Number);
  return `kita-${month >= 9 ? year + 1 : year}`;
}

export const seasonPath = (state) => `/v1/daycare/seasons/${encodeURIComponent(state.season)}`;

export function seasonField(state, onChange) {
  const input = h('input', {
    name: 'season', value: state.season, autocomplete: 'off', maxlength: 64, pattern: '[A-Za-z0-9_-]+',
    onchange: (e) => { state.season = e.target.value.trim() || defaultSeason(); onChange(); },
  });
  return field(t('season'), input);
}

function statusArea(id) {
  const status = h('div', { id, 'aria-live': 'polite' });
  return [status, (kind, text) => replaceChildren(status, message(kind, text))];
}

function verdictText(verdict) {
  return t('verdicts')[verdict] || verdict;
}

// The engine's explanation: the state in words, then why not each higher wish.
function explanation(status) {
  const choices = status.choices || [];
  const waiting = status.waiting || [];
  return h('div', { class: 'explanation' },
    h('p', { class: 'summary' }, status.summary || '–'),
    choices.length ? h('ol', { class: 'why' }, choices.map((choice) => h('li', { 'data-program': choice.program },
      h('strong', {}, `${t('wish')} ${choice.choiceRank} (${choice.program}): `), choice.why))) : null,
    waiting.length ? h('p', {}, t('waitingRanks'), ' ', waiting.map((w) => `${w.program}: ${w.rank}`).join(', ')) : null);
}

export function renderDaycareCasework(root, state) {
  state.season = state.season || defaultSeason();
  const [status, show] = statusArea('daycare-status');
  const results = h('div', { id: 'daycare-results' });
  const detail = h('section', { id: 'application-detail', 'aria-labelledby': 'detail-heading', hidden: true });
  const query = h('input', { name: 'query', type: 'search', autocomplete: 'off', maxlength: 100 });
  const duplicatesOnly = h('input', { class: 'kern-form-check__checkbox', type: 'checkbox', id: 'duplicates-only', name: 'duplicates-only' });
  const unverifiedOnly = h('input', { class: 'kern-form-check__checkbox', type: 'checkbox', id: 'unverified-only', name: 'unverified-only' });

  // Only the latest search shows (an earlier answer arriving late is dropped).
  let searches = 0;
  async function search() {
    searches += 1;
    const mine = searches;
    const params = new URLSearchParams({ query: query.value.trim() });
    if (duplicatesOnly.checked) params.set('duplicates_only', 'true');
    if (unverifiedOnly.checked) params.set('unverified_only', 'true');
    try {
      const data = await api('GET', `${seasonPath(state)}/casework/applications?${params}`);
      if (mine !== searches) return;
      const found = data.applications || [];
      replaceChildren(results, h('p', { id: 'result-count' }, t('applicationsFound', found.length)),
        found.length ? table(t('applications'), [t('applicationId'), t('child'), t('birthDate'), t('guardian'), t('state'), t('claims'), t('actions')],
          found.map(resultRow)) : null);
    } catch (error) {
      if (mine === searches) replaceChildren(results, message('danger', reasonText(error.reason)));
    }
  }

  function resultRow(entry) {
    const { application } = entry.status;
    const open = (entry.status.criteria || []).filter((c) => c.verdict === 'VERDICT_UNVERIFIED').length;
    return h('tr', { class: 'kern-table__row', 'data-application': application.id },
      cell(application.id), cell(application.childName),
      cell(application.birthDate ? longDate(application.birthDate, currentLanguage()) : '–'),
      cell(application.guardianName || '–'), cell(t('applicationStates')[entry.status.state] || entry.status.state),
      cell(open ? t('unverifiedClaims', open) : t('allClaimsDecided'),
        entry.duplicateAttempts ? h('span', { class: 'kern-badge kern-badge--warning duplicate' }, t('duplicateFlag', entry.duplicateAttempts)) : null),
      cell(button(t('open'), () => openApplication(application.id), 'secondary',
        { 'data-action': 'open', 'aria-label': `${t('open')}: ${application.childName}` })));
  }

  async function openApplication(id) {
    try {
      showDetail(await api('GET', `${seasonPath(state)}/casework/applications/${encodeURIComponent(id)}`));
      detail.querySelector('h2').focus();
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }

  async function setVerdict(id, criterion, verdict) {
    try {
      const entry = await api('POST', `${seasonPath(state)}/casework/applications/${encodeURIComponent(id)}/criteria/${encodeURIComponent(criterion)}`, { verdict });
      showDetail(entry);
      await search();
      show('success', t('verdictSet', criterion, verdictText(verdict)));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }

  function criteriaTable(entry) {
    const { application } = entry.status;
    const rows = (entry.status.criteria || []).map((c) => h('tr', { class: 'kern-table__row', 'data-criterion': c.criterion, 'data-verdict': c.verdict },
      cell(c.label || c.criterion), cell(verdictText(c.verdict)), cell(c.counted ? t('yes') : t('no')),
      cell(h('div', { class: 'actions' },
        button(t('verify'), () => setVerdict(application.id, c.criterion, 'VERDICT_VERIFIED'), 'primary',
          { 'data-verdict-action': 'VERDICT_VERIFIED', 'aria-label': `${t('verify')}: ${c.label || c.criterion}`, disabled: c.verdict === 'VERDICT_VERIFIED' }),
        button(t('rejectClaim'), () => setVerdict(application.id, c.criterion, 'VERDICT_REJECTED'), 'secondary',
          { 'data-verdict-action': 'VERDICT_REJECTED', 'aria-label': `${t('rejectClaim')}: ${c.label || c.criterion}`, disabled: c.verdict === 'VERDICT_REJECTED' })))));
    return rows.length ? table(t('claimedCriteria'), [t('criterion'), t('verdict'), t('counted'), t('actions')], rows, { id: 'criteria' })
      : h('p', {}, t('noClaims'));
  }

  function correctionForm(entry) {
    const { application } = entry.status;
    const input = (name, value, attrs = {}) => h('input', { name, value: value || '', autocomplete: 'off', ...attrs });
    const childName = input('child-name', application.childName, { maxlength: 200 });
    const birthDate = input('birth-date', application.birthDate, { type: 'date' });
    const startMonth = input('start-month', application.startMonth, { pattern: '\\d{4}-\\d{2}', maxlength: 7 });
    const choices = input('choices', (application.choices || []).join(', '), { 'aria-describedby': 'choices-hint' });
    const reason = h('textarea', { name: 'correction-reason', class: 'kern-form-input__input', rows: 2, maxlength: 1000, id: 'correction-reason' });
    return form({ id: 'correction' }, async () => {
      if (!reason.value.trim()) {
        show('danger', t('correctionReasonNeeded'));
        reason.focus();
        return;
      }
      const corrected = {
        ...application, childName: childName.value.trim(), birthDate: birthDate.value, startMonth: startMonth.value.trim(),
        choices: choices.value.split(',').map((c) => c.trim()).filter(Boolean),
      };
      try {
        showDetail(await api('PUT', `${seasonPath(state)}/casework/applications/${encodeURIComponent(application.id)}`,
          { application: corrected, reason: reason.value.trim() }));
        await search();
        show('success', t('corrected'));
      } catch (error) {
        show('danger', reasonText(error.reason));
      }
    },
    h('h3', { class: 'kern-heading-small' }, t('correct')),
    field(t('child'), childName), field(t('birthDate'), birthDate), field(t('startMonth'), startMonth),
    h('div', { class: 'kern-form-input' }, h('label', { class: 'kern-label', for: 'choices-field' }, t('wishes')),
      h('div', { class: 'kern-hint', id: 'choices-hint' }, t('wishesHint')), Object.assign(choices, { id: 'choices-field', className: 'kern-form-input__input' })),
    h('div', { class: 'kern-form-input' }, h('label', { class: 'kern-label', for: 'correction-reason' }, t('correctionReason')), reason),
    submitButton(t('saveCorrection')));
  }

  function showDetail(entry) {
    const { application } = entry.status;
    const corrections = entry.corrections || [];
    detail.hidden = false;
    detail.dataset.application = application.id;
    replaceChildren(detail,
      h('h2', { id: 'detail-heading', class: 'kern-heading-medium', tabindex: '-1' }, `${application.childName} (${application.id})`),
      entry.duplicateAttempts ? message('warning', t('duplicateWarning', entry.duplicateAttempts)) : null,
      h('dl', { class: 'figures' },
        h('dt', {}, t('birthDate')), h('dd', {}, application.birthDate ? longDate(application.birthDate, currentLanguage()) : '–'),
        h('dt', {}, t('guardian')), h('dd', {}, [application.guardianName, application.guardianEmail, application.guardianPhone].filter(Boolean).join(', ') || '–'),
        h('dt', {}, t('wishes')), h('dd', {}, (application.choices || []).join(', ') || '–'),
        h('dt', {}, t('startMonth')), h('dd', {}, application.startMonth || '–'),
        h('dt', {}, t('state')), h('dd', {}, explanation(entry.status))),
      h('h3', { class: 'kern-heading-small' }, t('claimedCriteria')), criteriaTable(entry),
      correctionForm(entry),
      corrections.length ? h('div', {}, h('h3', { class: 'kern-heading-small' }, t('corrections')),
        h('ul', { id: 'corrections' }, corrections.map((c) => h('li', {},
          `${new Date(c.at).toLocaleString(currentLanguage() === 'en' ? 'en-GB' : 'de-DE', { timeZone: 'Europe/Berlin' })}, ${c.caseworker}: ${c.reason}`)))) : null);
  }

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, t('daycare')),
    h('p', {}, t('daycareIntro')),
    status,
    form({ id: 'daycare-search', class: 'toolbar' }, search,
      seasonField(state, search),
      field(t('searchQuery'), query),
      h('div', { class: 'kern-form-check' }, duplicatesOnly, h('label', { class: 'kern-label', for: 'duplicates-only' }, t('duplicatesOnly'))),
      h('div', { class: 'kern-form-check' }, unverifiedOnly, h('label', { class: 'kern-label', for: 'unverified-only' }, t('unverifiedOnly'))),
      submitButton(t('search'))),
    h('section', { 'aria-label': t('applications') }, results),
    detail);
  search();
}

function statsList(stats) {
  const n = (value) => Number(value ?? 0);
  const byRank = (stats.placedByChoiceRank || []).map((count, i) => `${t('wish')} ${i + 1}: ${count}`).join(', ');
  const byMap = (map) => Object.entries(map || {}).map(([key, count]) => `${key}: ${count}`).join(', ') || '–';
  return h('dl', { class: 'figures stats' },
    h('dt', {}, t('statApplications')), h('dd', { 'data-stat': 'applications' }, n(stats.applications)),
    h('dt', {}, t('statPlaced')), h('dd', { 'data-stat': 'placed' }, n(stats.placed)),
    h('dt', {}, t('statFirstChoice')), h('dd', { 'data-stat': 'placedFirstChoice' }, n(stats.placedFirstChoice)),
    h('dt', {}, t('statUnplaced')), h('dd', { 'data-stat': 'unplaced' }, n(stats.unplaced)),
    h('dt', {}, t('statPlaces')), h('dd', { 'data-stat': 'places' }, `${n(stats.placesFilled)} / ${n(stats.places)}`),
    h('dt', {}, t('statIneligible')), h('dd', {}, n(stats.ineligibleChoices)),
    h('dt', {}, t('statByRank')), h('dd', {}, byRank || '–'),
    h('dt', {}, t('statUnplacedByAge')), h('dd', {}, byMap(stats.unplacedByAgeYears)),
    h('dt', {}, t('statUnplacedByDistrict')), h('dd', {}, byMap(stats.unplacedByDistrict)));
}

// The day `days` after today in Berlin, as "YYYY-MM-DD".
function dayAfter(days) {
  const [year, month, day] = officeToday().split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

export function renderDaycareRounds(root, state) {
  state.season = state.season || defaultSeason();
  const [status, show] = statusArea('rounds-status');
  const dryRunResult = h('div', { id: 'dry-run-result' });
  const roundResult = h('div', { id: 'round-result' });
  const explainResult = h('div', { id: 'explain-result' });
  const seed = h('input', { name: 'seed', inputmode: 'numeric', pattern: '[0-9]*', maxlength: 19, autocomplete: 'off', 'aria-describedby': 'seed-hint' });
  const deadline = h('input', { name: 'deadline', type: 'date', value: dayAfter(14), min: dayAfter(1), required: true });
  const confirm = h('input', { class: 'kern-form-check__checkbox', type: 'checkbox', id: 'publish-confirm', name: 'publish-confirm' });
  const applicationId = h('input', { name: 'explain-application', autocomplete: 'off', maxlength: 64 });
  const seedValue = () => (seed.value.trim() ? seed.value.trim() : undefined);

  async function setPeriod(period) {
    try {
      await api('POST', `${seasonPath(state)}/period`, { period });
      show('success', period === 'PERIOD_OPEN' ? t('periodOpened') : t('periodClosed'));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }

  async function dryRun() {
    try {
      const stats = await api('POST', `${seasonPath(state)}/dry-run`, { seed: seedValue() });
      replaceChildren(dryRunResult, h('h3', { class: 'kern-heading-small' }, t('dryRunResult')), statsList(stats));
      show('success', t('dryRunDone'));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }

  async function publish() {
    if (!confirm.checked) {
      show('danger', t('publishConfirmNeeded'));
      confirm.focus();
      return;
    }
    try {
      // The offers run until the end of the chosen day in Berlin (23:59 there is before 23:00 UTC).
      const round = await api('POST', `${seasonPath(state)}/rounds`, { seed: seedValue(), deadline: `${deadline.value}T22:00:00Z` });
      replaceChildren(roundResult, h('h3', { class: 'kern-heading-small', 'data-round': round.round }, t('roundPublished', round.round)),
        h('p', {}, `${t('seed')}: ${round.seed}`), statsList(round.stats || {}));
      confirm.checked = false;
      show('success', t('roundPublished', round.round));
    } catch (error) {
      show('danger', reasonText(error.reason));
    }
  }

  async function explain() {
    try {
      const explained = await api('GET', `${seasonPath(state)}/explanations/${encodeURIComponent(applicationId.value.trim())}?lang=${currentLanguage()}`);
      replaceChildren(explainResult, h('h3', { class: 'kern-heading-small' }, `${explained.application.childName} (${explained.application.id})`),
        explanation(explained));
    } catch (error) {
      replaceChildren(explainResult, message('danger', reasonText(error.reason)));
    }
  }

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, t('rounds')),
    h('p', {}, t('roundsIntro')),
    h('div', { class: 'toolbar' }, seasonField(state, () => {})),
    status,
    h('section', { 'aria-labelledby': 'period-heading' }, h('h2', { id: 'period-heading', class: 'kern-heading-medium' }, t('period')),
      h('div', { class: 'actions' },
        button(t('openPeriod'), () => setPeriod('PERIOD_OPEN'), 'secondary', { id: 'open-period' }),
        button(t('closePeriod'), () => setPeriod('PERIOD_CLOSED'), 'secondary', { id: 'close-period' }))),
    h('section', { 'aria-labelledby': 'round-heading' }, h('h2', { id: 'round-heading', class: 'kern-heading-medium' }, t('nextRound')),
      h('div', { class: 'kern-form-input' }, h('label', { class: 'kern-label', for: 'seed-field' }, t('seed')),
        h('div', { class: 'kern-hint', id: 'seed-hint' }, t('seedHint')), Object.assign(seed, { id: 'seed-field', className: 'kern-form-input__input' })),
      h('div', { class: 'actions' }, button(t('dryRun'), dryRun, 'secondary', { id: 'dry-run' })),
      dryRunResult,
      form({ id: 'publish', class: 'stack' }, publish,
        field(t('offerDeadline'), deadline),
        h('div', { class: 'kern-form-check' }, confirm, h('label', { class: 'kern-label', for: 'publish-confirm' }, t('publishConfirm'))),
        submitButton(t('publishRound'))),
      roundResult),
    h('section', { 'aria-labelledby': 'explain-heading' }, h('h2', { id: 'explain-heading', class: 'kern-heading-medium' }, t('explainTitle')),
      form({ id: 'explain', class: 'toolbar' }, explain, field(t('applicationId'), applicationId), submitButton(t('explain'), 'secondary')),
      explainResult));
}
