// The daycare policy screen's own checks (src/screens/daycare-policy.js):
// what it sends in the service's policy format, and the first problem it
// names (German, the app's first language) with the field to move to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wholeNumber, policyFromForm, programsFromForm } from '../src/screens/daycare-policy.js';

const form = (overrides = {}) => ({
  maxChoices: '3', maxStartDelay: '2', siblingPoints: '0', olderChildFirst: true, unverified: 'ignore',
  criteria: [{ id: 'single_parent', points: '10', label: ' alleinerziehend ', labelEn: '', centre: '' }],
  ...overrides,
});

test('whole numbers only, within their range', () => {
  assert.equal(wholeNumber(' 7 ', 0, 100), 7);
  assert.equal(wholeNumber('-3', -10, 10), -3);
  for (const text of ['', '1.5', '1e3', '12a', '101', '-1']) assert.equal(wholeNumber(text, 0, 100), null, text);
});

test('a valid form becomes the service policy format', () => {
  assert.deepEqual(policyFromForm(form()), {
    policy: {
      max_choices: 3, older_child_first: true, max_start_delay_months: 2, unverified_criteria: 'ignore', sibling_points: 0,
      criteria: [{ id: 'single_parent', points: 10, label: 'alleinerziehend' }],
    },
  });
  const blocking = policyFromForm(form({ unverified: 'block', olderChildFirst: false, criteria: [] })).policy;
  assert.equal(blocking.unverified_criteria, 'block');
  assert.equal(blocking.older_child_first, false);
  assert.deepEqual(blocking.criteria, []);
});

test('the first problem is named with its field', () => {
  assert.deepEqual(policyFromForm(form({ maxChoices: '0' })),
    { problem: 'Die Zahl der Wünsche muss eine ganze Zahl von 1 bis 100 sein.', input: 'max-choices' });
  assert.equal(policyFromForm(form({ maxStartDelay: '121' })).input, 'max-start-delay');
  assert.equal(policyFromForm(form({ siblingPoints: '-1' })).input, 'sibling-points');
  const criterion = (row) => policyFromForm(form({ criteria: [{ id: 'a', points: '1', label: '', labelEn: '', centre: '' }, row] }));
  assert.deepEqual(criterion({ id: 'Soziale Lage', points: '1', label: '', labelEn: '', centre: '' }),
    { problem: 'Kriterium 2: Bitte eine Kennung aus Kleinbuchstaben, Ziffern, „_“ oder „-“ angeben.', input: 'criterion-id-1' });
  assert.equal(criterion({ id: 'b', points: '1.5', label: '', labelEn: '', centre: '' }).input, 'criterion-points-1');
  assert.match(criterion({ id: 'a', points: '2', label: '', labelEn: '', centre: '' }).problem, /„a“ steht schon weiter oben/);
  // The same id at one centre only is another criterion (the engine's per-centre format).
  assert.deepEqual(criterion({ id: 'a', points: '2', label: '', labelEn: '', centre: 'K1' }).policy.criteria[1],
    { id: 'a', points: 2, centre: 'K1' });
});

test('programs keep what the screen does not edit; numbers once, a name, whole places', () => {
  const kept = { id: 'K1', name: 'alt', capacity: 1, centre: 'K1', minAgeMonths: 10, startMonth: '2030-09' };
  assert.deepEqual(programsFromForm([{ id: 'K1', name: ' Krippe ', capacity: '12', kept }]),
    { programs: [{ ...kept, name: 'Krippe', capacity: 12 }] });
  assert.equal(programsFromForm([]).input, 'add-program');
  const row = (id, name, capacity) => ({ id, name, capacity, kept: {} });
  assert.deepEqual(programsFromForm([row('K1', 'a', '1'), row('K1', 'b', '1')]),
    { problem: 'Angebot 2: Die Nummer „K1“ gibt es schon.', input: 'program-id-1' });
  assert.equal(programsFromForm([row('K 1', 'a', '1')]).input, 'program-id-0');
  assert.equal(programsFromForm([row('K1', ' ', '1')]).input, 'program-name-0');
  assert.equal(programsFromForm([row('K1', 'a', '-1')]).input, 'program-capacity-0');
  assert.equal(programsFromForm([row('K1', 'a', '10001')]).input, 'program-capacity-0');
});
