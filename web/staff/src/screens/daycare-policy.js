// The daycare coordinators' allocation rules: the season's policy (the highest
// number of wishes, criteria with their points, tie-break and the treatment
// of unverified claims) and its programs (number, name, places). Read from
// the service, checked here before saving (the service checks again and its
// refusals show by their reason), read back after each save.
import { h, replaceChildren, field, button, message, uid } from '../dom.js';
import { api, ApiError } from '../api.js';
import { t, reasonText } from '../i18n.js';
import { cell, table, form, submitButton } from '../table.js';
import { defaultSeason, seasonField, seasonPath } from './daycare.js';
import './daycare-policy-texts.js';

const CRITERION_ID = /^[a-z0-9_-]{1,64}$/;
const PROGRAM_ID = /^[A-Za-z0-9_-]{1,64}$/;

// A whole number in [min, max] from a field's text, else null.
export function wholeNumber(text, min, max) {
  const trimmed = String(text).trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

// The policy the form shows, in the service's policy format, or the first
// problem: { policy } or { problem, input }.
export function policyFromForm(values) {
  const maxChoices = wholeNumber(values.maxChoices, 1, 100);
  if (maxChoices === null) return { problem: t('checkMaxChoices'), input: 'max-choices' };
  const delay = wholeNumber(values.maxStartDelay, 0, 120);
  if (delay === null) return { problem: t('checkDelay'), input: 'max-start-delay' };
  const sibling = wholeNumber(values.siblingPoints, 0, 1000000);
  if (sibling === null) return { problem: t('checkSiblingPoints'), input: 'sibling-points' };
  const criteria = [];
  const seen = new Set();
  for (const [i, row] of values.criteria.entries()) {
    const id = row.id.trim();
    if (!CRITERION_ID.test(id)) return { problem: t('checkCriterionId', i + 1), input: `criterion-id-${i}` };
    const points = wholeNumber(row.points, -1000000000, 1000000000);
    if (points === null) return { problem: t('checkCriterionPoints', i + 1), input: `criterion-points-${i}` };
    const centre = row.centre.trim();
    if (seen.has(`${id}\n${centre}`)) return { problem: t('checkCriterionTwice', i + 1, id), input: `criterion-id-${i}` };
    seen.add(`${id}\n${centre}`);
    const criterion = { id, points };
    if (row.label.trim()) criterion.label = row.label.trim();
    if (row.labelEn.trim()) criterion.label_en = row.labelEn.trim();
    if (centre) criterion.centre = centre;
    criteria.push(criterion);
  }
  return {
    policy: {
      max_choices: maxChoices,
      older_child_first: values.olderChildFirst,
      max_start_delay_months: delay,
      unverified_criteria: values.unverified === 'block' ? 'block' : 'ignore',
      sibling_points: sibling,
      criteria,
    },
  };
}

// The programs as the form shows them, each keeping the fields the form does
// not edit (centre, ages, start, address), or the first problem.
export function programsFromForm(rows) {
  if (!rows.length) return { problem: t('checkProgramsEmpty'), input: 'add-program' };
  const programs = [];
  const seen = new Set();
  for (const [i, row] of rows.entries()) {
    const id = row.id.trim();
    if (!PROGRAM_ID.test(id)) return { problem: t('checkProgramId', i + 1), input: `program-id-${i}` };
    if (seen.has(id)) return { problem: t('checkProgramTwice', i + 1, id), input: `program-id-${i}` };
    seen.add(id);
    const name = row.name.trim();
    if (!name || name.length > 200) return { problem: t('checkProgramName', i + 1), input: `program-name-${i}` };
    const capacity = wholeNumber(row.capacity, 0, 10000);
    if (capacity === null) return { problem: t('checkCapacity', i + 1), input: `program-capacity-${i}` };
    programs.push({ ...row.kept, id, name, capacity });
  }
  return { programs };
}

export function renderDaycarePolicy(root, state) {
  state.season = state.season || defaultSeason();
  const status = h('div', { id: 'policy-status', 'aria-live': 'polite' });
  const show = (kind, text) => replaceChildren(status, message(kind, text));
  const notice = h('div', { id: 'policy-notice' });
  const policySection = h('section', { id: 'policy', 'aria-labelledby': 'policy-heading' });
  const programsSection = h('section', { id: 'programs', 'aria-labelledby': 'programs-heading' });
  // What the forms edit; rebuilt from the service after every load and save.
  let policy = null;
  let criteria = [];
  let programs = [];
  let frozen = false;

  // Marks the field a problem is about, announces the problem and moves there.
  function refuse(problem, inputName) {
    for (const marked of root.querySelectorAll('[aria-invalid="true"]')) marked.removeAttribute('aria-invalid');
    show('danger', problem);
    const input = root.querySelector(`[name="${inputName}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  // Only the latest load shows (another season's answer arriving late is dropped).
  let loads = 0;
  async function load(announce = true) {
    loads += 1;
    const mine = loads;
    try {
      const [read, listed] = await Promise.all([
        api('GET', `${seasonPath(state)}/policy`),
        api('GET', `${seasonPath(state)}/programs`, undefined, { cache: 'no-store' })
          .catch((error) => { if (error instanceof ApiError && error.reason === 'season_not_found') return { programs: [] }; throw error; }),
      ]);
      if (mine !== loads) return;
      policy = JSON.parse(read.policyJson || '{}');
      criteria = (policy.criteria || []).map((c) => ({ id: c.id, points: String(c.points), label: c.label || '', labelEn: c.label_en || '', centre: c.centre || '' }));
      programs = (listed.programs || []).map((p) => ({ id: p.id, name: p.name || '', capacity: String(p.capacity ?? 0), existing: true, kept: p }));
      frozen = Boolean(read.frozen);
      replaceChildren(notice,
        frozen ? message('warning', t('policyFrozen')) : null,
        read.cityDefault ? message('info', t('policyCityDefault')) : null);
      root.dataset.frozen = String(frozen);
      drawPolicy();
      drawPrograms();
      if (announce) show('info', t('policyLoaded'));
    } catch (error) {
      if (mine !== loads) return;
      replaceChildren(policySection);
      replaceChildren(programsSection);
      show('danger', reasonText(error.reason));
    }
  }

  // Copies what is typed into `criteria`/`programs` so that adding or
  // removing a row redraws without losing it.
  const bindTo = (row, key) => (e) => { row[key] = e.target.value; };

  function criterionRow(row, i) {
    const input = (key, name, label, attrs = {}) => h('input', {
      name: `${name}-${i}`, value: row[key], autocomplete: 'off', class: 'kern-form-input__input', 'aria-label': `${label} (${i + 1})`,
      disabled: frozen, oninput: bindTo(row, key), ...attrs,
    });
    return h('tr', { class: 'kern-table__row', 'data-criterion-row': i },
      cell(input('id', 'criterion-id', t('criterionId'), { maxlength: 64 })),
      cell(input('points', 'criterion-points', t('criterionPoints'), { inputmode: 'numeric', size: 8 })),
      cell(input('label', 'criterion-label', t('criterionLabel'), { maxlength: 200 })),
      cell(input('labelEn', 'criterion-label-en', t('criterionLabelEn'), { maxlength: 200 })),
      cell(input('centre', 'criterion-centre', t('criterionCentre'), { maxlength: 64, size: 8 })),
      cell(button(t('removeRow'), () => { criteria.splice(i, 1); drawPolicy(); root.querySelector('#add-criterion')?.focus(); }, 'secondary',
        { 'aria-label': `${t('removeRow')}: ${t('criterion')} ${i + 1}`, disabled: frozen, 'data-action': 'remove-criterion' })));
  }

  function drawPolicy() {
    // Typing goes into `policy` at once, so adding or removing a criterion keeps it.
    const number = (name, key, fallback) => h('input', {
      name, value: String(policy[key] ?? fallback), inputmode: 'numeric', autocomplete: 'off', disabled: frozen,
      oninput: (e) => { policy[key] = e.target.value; },
    });
    const maxChoices = number('max-choices', 'max_choices', 10);
    const delay = number('max-start-delay', 'max_start_delay_months', 2);
    const sibling = number('sibling-points', 'sibling_points', 0);
    const olderFirst = h('input', { class: 'kern-form-check__checkbox', type: 'checkbox', id: 'older-child-first', name: 'older-child-first', disabled: frozen,
      onchange: (e) => { policy.older_child_first = e.target.checked; } });
    olderFirst.checked = policy.older_child_first !== false;
    const unverified = h('select', { name: 'unverified-criteria', disabled: frozen, onchange: (e) => { policy.unverified_criteria = e.target.value; } },
      ['ignore', 'block'].map((value) => h('option', { value, selected: (policy.unverified_criteria || 'ignore') === value }, t('unverifiedChoices')[value])));
    const save = async () => {
      const checked = policyFromForm({ maxChoices: maxChoices.value, maxStartDelay: delay.value, siblingPoints: sibling.value,
        olderChildFirst: olderFirst.checked, unverified: unverified.value, criteria });
      if (checked.problem) {
        refuse(checked.problem, checked.input);
        return;
      }
      try {
        const saved = await api('PUT', `${seasonPath(state)}/policy`, { policyJson: JSON.stringify(checked.policy) });
        await load(false);
        show('success', t('policySaved', Number(saved.criteria ?? 0), Number(saved.maxChoices ?? checked.policy.max_choices)));
      } catch (error) {
        show('danger', reasonText(error.reason));
      }
    };
    const headingId = uid('criteria');
    replaceChildren(policySection,
      h('h2', { id: 'policy-heading', class: 'kern-heading-medium' }, t('policyHeading')),
      form({ id: 'policy-form', class: 'stack', novalidate: true }, save,
        field(t('maxChoices'), maxChoices),
        field(t('maxStartDelay'), delay),
        h('div', { class: 'kern-form-check' }, olderFirst, h('label', { class: 'kern-label', for: 'older-child-first' }, t('olderChildFirst'))),
        field(t('unverifiedCriteria'), unverified),
        field(t('siblingPoints'), sibling),
        h('h3', { id: headingId, class: 'kern-heading-small' }, t('criteriaHeading')),
        criteria.length
          ? table(t('criteriaHeading'), [t('criterionId'), t('criterionPoints'), t('criterionLabel'), t('criterionLabelEn'), t('criterionCentre'), t('actions')],
            criteria.map(criterionRow), { id: 'criteria-table' })
          : h('p', {}, t('noCriteria')),
        h('div', { class: 'actions' },
          button(t('addCriterion'), () => {
            criteria.push({ id: '', points: '0', label: '', labelEn: '', centre: '' });
            drawPolicy();
            root.querySelector(`[name="criterion-id-${criteria.length - 1}"]`)?.focus();
          }, 'secondary', { id: 'add-criterion', disabled: frozen }),
          submitButton(t('savePolicy'), 'primary', { disabled: frozen }))));
  }

  function programRow(row, i) {
    const input = (key, name, label, attrs = {}) => h('input', {
      name: `${name}-${i}`, value: row[key], autocomplete: 'off', class: 'kern-form-input__input', 'aria-label': `${label} (${i + 1})`,
      disabled: frozen, oninput: bindTo(row, key), ...attrs,
    });
    // A stored program keeps its number (applications name it); a new one gets one here.
    return h('tr', { class: 'kern-table__row', 'data-program': row.existing ? row.id : '', 'data-program-row': i },
      cell(row.existing ? row.id : input('id', 'program-id', t('programId'), { maxlength: 64 })),
      cell(input('name', 'program-name', t('programName'), { maxlength: 200 })),
      cell(input('capacity', 'program-capacity', t('programCapacity'), { inputmode: 'numeric', size: 6 })),
      cell(row.kept?.centreName || row.kept?.centre || '–'),
      cell(button(t('removeRow'), () => { programs.splice(i, 1); drawPrograms(); root.querySelector('#add-program')?.focus(); }, 'secondary',
        { 'aria-label': `${t('removeRow')}: ${row.id || `${t('programId')} ${i + 1}`}`, disabled: frozen, 'data-action': 'remove-program' })));
  }

  function drawPrograms() {
    const save = async () => {
      const checked = programsFromForm(programs);
      if (checked.problem) {
        refuse(checked.problem, checked.input);
        return;
      }
      try {
        const saved = await api('PUT', `${seasonPath(state)}/programs`, { programs: checked.programs });
        await load(false);
        show('success', t('programsSaved', Number(saved.programs ?? checked.programs.length)));
      } catch (error) {
        show('danger', reasonText(error.reason));
      }
    };
    replaceChildren(programsSection,
      h('h2', { id: 'programs-heading', class: 'kern-heading-medium' }, t('programsHeading')),
      form({ id: 'programs-form', class: 'stack', novalidate: true }, save,
        programs.length
          ? table(t('programsHeading'), [t('programId'), t('programName'), t('programCapacity'), t('programCentre'), t('actions')],
            programs.map(programRow), { id: 'programs-table' })
          : h('p', {}, t('programsNone')),
        h('div', { class: 'actions' },
          button(t('addProgram'), () => {
            programs.push({ id: '', name: '', capacity: '0', existing: false, kept: {} });
            drawPrograms();
            root.querySelector(`[name="program-id-${programs.length - 1}"]`)?.focus();
          }, 'secondary', { id: 'add-program', disabled: frozen }),
          submitButton(t('savePrograms'), 'primary', { disabled: frozen }))));
  }

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, t('policyScreen')),
    h('p', {}, t('policyIntro')),
    h('div', { class: 'toolbar' }, seasonField(state, () => load())),
    status,
    notice,
    policySection,
    programsSection);
  load();
}
