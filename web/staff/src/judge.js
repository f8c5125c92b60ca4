// Judging a KPI for the part of its period that has passed. The monitoring
// service compares the running period's value with the whole period's target,
// so a count is "off track" most of every day ("9 of at least 400" at 02:00).
// Counts and sums grow through the period: their target and warning threshold
// are scaled by the share of the period that has passed. Ratios, averages and
// percentiles do not grow with time and are judged as they are.

const ADDITIVE = new Set(['count', 'sum']);

// Civil date and time of `now` in Berlin, where the service's periods are.
export function berlinParts(now) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
  }).formatToParts(now).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
  return parts;
}

// The share (0..1] of the current hour, day or month that has passed at `now`.
// Days count as 24 hours (the two daylight-saving days are off by an hour).
export function elapsedShare(grain, now) {
  const p = berlinParts(now);
  const minuteOfDay = p.hour * 60 + p.minute + p.second / 60;
  let share;
  if (grain === 'GRAIN_HOUR') share = (p.minute * 60 + p.second) / 3600;
  else if (grain === 'GRAIN_MONTH') {
    const daysInMonth = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
    share = (p.day - 1 + minuteOfDay / 1440) / daysInMonth;
  } else share = minuteOfDay / 1440;
  // A minute has always passed: no target of zero at the stroke of midnight.
  return Math.min(1, Math.max(share, 1 / 1440));
}

// The status of `value` against a target and a warning threshold, the way the
// service defines it: on track when the target is reached, at risk up to and
// including the threshold, off track beyond it.
export function statusOf(value, target, warning, direction) {
  const higher = direction === 'higher_is_better';
  if (higher ? value >= target : value <= target) return 'STATUS_ON_TRACK';
  if (higher ? value >= warning : value <= warning) return 'STATUS_AT_RISK';
  return 'STATUS_OFF_TRACK';
}

// { status, expected, warning, share, scaled } for a KPI of ListKpis at `now`.
export function judgeRunningPeriod(kpi, now) {
  const share = elapsedShare(kpi.grain, now);
  const scaled = ADDITIVE.has(kpi.aggregation);
  const factor = scaled ? share : 1;
  const expected = (kpi.target || 0) * factor;
  const warning = (kpi.warningThreshold || 0) * factor;
  if (!kpi.hasCurrentValue) return { status: 'STATUS_NO_DATA', expected, warning, share, scaled };
  return {
    status: statusOf(kpi.currentValue || 0, expected, warning, kpi.direction), expected, warning, share, scaled,
  };
}

// The last complete period against the whole target, or null without data.
export function judgePreviousPeriod(kpi) {
  if (!kpi.hasPreviousValue) return null;
  return statusOf(kpi.previousValue || 0, kpi.target || 0, kpi.warningThreshold || 0, kpi.direction);
}
