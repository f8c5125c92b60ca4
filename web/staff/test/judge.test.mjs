// The steering dashboard's judgement for the part of a period that has
// passed (src/judge.js), at fixed instants: no dependence on today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elapsedShare, judgeRunningPeriod, judgePreviousPeriod, statusOf } from '../src/judge.js';

const booked = {
  aggregation: 'count', grain: 'GRAIN_DAY', target: 400, warningThreshold: 250, direction: 'higher_is_better',
};

test('the share of the day, month and hour passed, in Berlin time', () => {
  // 2026-12-06 02:00 Berlin (CET, UTC+1) is 01:00 UTC.
  assert.equal(elapsedShare('GRAIN_DAY', new Date('2026-12-06T01:00:00Z')), 2 / 24);
  // Noon on 16 June (CEST, UTC+2), 15.5 of 30 days.
  assert.equal(elapsedShare('GRAIN_MONTH', new Date('2026-06-16T10:00:00Z')), 15.5 / 30);
  assert.equal(elapsedShare('GRAIN_HOUR', new Date('2026-12-06T01:15:00Z')), 0.25);
  // Midnight exactly: a minute counts as passed.
  assert.equal(elapsedShare('GRAIN_DAY', new Date('2026-12-05T23:00:00Z')), 1 / 1440);
});

test('a count early in the day is judged against the part of the target due by now', () => {
  // 9 bookings at 02:00: 400 a day means 33.3 by now, the warning 20.8.
  const early = judgeRunningPeriod({ ...booked, hasCurrentValue: true, currentValue: 9 }, new Date('2026-12-06T01:00:00Z'));
  assert.equal(early.status, 'STATUS_OFF_TRACK');
  assert.ok(Math.abs(early.expected - 400 / 12) < 1e-9);
  const onTrack = judgeRunningPeriod({ ...booked, hasCurrentValue: true, currentValue: 35 }, new Date('2026-12-06T01:00:00Z'));
  assert.equal(onTrack.status, 'STATUS_ON_TRACK');
  const atRisk = judgeRunningPeriod({ ...booked, hasCurrentValue: true, currentValue: 25 }, new Date('2026-12-06T01:00:00Z'));
  assert.equal(atRisk.status, 'STATUS_AT_RISK');
  // The same 35 at 23:00 is far behind.
  assert.equal(judgeRunningPeriod({ ...booked, hasCurrentValue: true, currentValue: 35 }, new Date('2026-12-06T22:00:00Z')).status, 'STATUS_OFF_TRACK');
});

test('a monthly count on the 6th: "11 vs at least 500" is judged for 5 days of 31', () => {
  const submitted = { aggregation: 'count', grain: 'GRAIN_MONTH', target: 500, warningThreshold: 300, direction: 'higher_is_better', hasCurrentValue: true, currentValue: 90 };
  // 2026-12-06 00:00 Berlin: 5 of 31 days passed, 80.6 due.
  assert.equal(judgeRunningPeriod(submitted, new Date('2026-12-05T23:00:00Z')).status, 'STATUS_ON_TRACK');
});

test('ratios are judged as they are, whatever the time; no events is no data', () => {
  const rate = { aggregation: 'ratio', grain: 'GRAIN_DAY', target: 0.08, warningThreshold: 0.15, direction: 'lower_is_better', hasCurrentValue: true, currentValue: 0.1 };
  assert.equal(judgeRunningPeriod(rate, new Date('2026-12-06T01:00:00Z')).status, 'STATUS_AT_RISK');
  assert.equal(judgeRunningPeriod(rate, new Date('2026-12-06T01:00:00Z')).expected, 0.08);
  assert.equal(judgeRunningPeriod({ ...booked, hasCurrentValue: false }, new Date()).status, 'STATUS_NO_DATA');
});

test('lower is better; the last complete period against the whole target', () => {
  assert.equal(statusOf(40, 40, 80, 'lower_is_better'), 'STATUS_ON_TRACK');
  assert.equal(statusOf(80, 40, 80, 'lower_is_better'), 'STATUS_AT_RISK');
  assert.equal(statusOf(81, 40, 80, 'lower_is_better'), 'STATUS_OFF_TRACK');
  assert.equal(judgePreviousPeriod({ ...booked, hasPreviousValue: true, previousValue: 260 }), 'STATUS_AT_RISK');
  assert.equal(judgePreviousPeriod({ ...booked, hasPreviousValue: false }), null);
});
