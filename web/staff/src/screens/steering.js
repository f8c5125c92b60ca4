// The steering office's dashboard: each field of action with its KPIs, each
// KPI judged for the part of its period that has passed (judge.js) and for
// the last complete period, figures per office or district where the KPI has
// them, and every series as CSV. Reads the public monitoring routes.
import { h, replaceChildren, button, message } from '../dom.js';
import { api } from '../api.js';
import { t, reasonText, currentLanguage } from '../i18n.js';
import { judgeRunningPeriod, judgePreviousPeriod } from '../judge.js';

const STATUS_BADGE = {
  STATUS_ON_TRACK: 'success', STATUS_AT_RISK: 'warning', STATUS_OFF_TRACK: 'danger', STATUS_NO_DATA: 'info',
};
// The dimensions shown as a breakdown, in this order of preference.
const PLACES = ['office', 'district'];

function locale() {
  return currentLanguage() === 'en' ? 'en-GB' : 'de-DE';
}

export function formatValue(value, unit) {
  const language = locale();
  if (unit === 'ratio' || unit === 'percent') {
    return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  }
  if (unit === 'cents') {
    return new Intl.NumberFormat(language, { style: 'currency', currency: 'EUR' }).format(value / 100);
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value)}${unit && unit !== 'count' ? ` ${unit}` : ''}`;
}

function badge(status) {
  return h('span', { class: `kern-badge kern-badge--${STATUS_BADGE[status] || 'info'}`, 'data-status': status },
    h('span', { class: 'kern-label kern-label--small' }, t('statusNames')[status] || status));
}

// "2 Kennzahlen im Plan, 1 gefährdet, ..." with the right plural forms.
function fieldSummary(counts) {
  const rules = new Intl.PluralRules(locale());
  const kpiWord = (n) => t('kpiWord')[rules.select(n)] || t('kpiWord').other;
  return ['STATUS_ON_TRACK', 'STATUS_AT_RISK', 'STATUS_OFF_TRACK', 'STATUS_NO_DATA']
    .filter((status) => counts[status])
    .map((status, i) => (i === 0 ? `${counts[status]} ${kpiWord(counts[status])} ${t('statusNames')[status]}` : `${counts[status]} ${t('statusNames')[status]}`))
    .join(', ') || t('noKpis');
}

function csvNumber(value) {
  return currentLanguage() === 'en' ? String(value) : String(value).replace('.', ',');
}

// The series as CSV (semicolons, as spreadsheets in German settings expect).
export function seriesCsv(series) {
  const lines = [[t('csvPeriod'), t('csvDimension'), t('csvValue'), t('csvSamples')].join(';')];
  for (const one of series.series || []) {
    for (const point of one.points || []) {
      lines.push([point.periodStart, one.dimensionValue || t('csvTotal'), csvNumber(point.value || 0), point.samples || 0].join(';'));
    }
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

async function downloadCsv(kpi, show) {
  try {
    const dimension = PLACES.find((d) => (kpi.dimensionKeys || []).includes(d)) || '';
    const query = new URLSearchParams(dimension ? { dimension } : {});
    const series = await api('GET', `/v1/monitoring/kpis/${encodeURIComponent(kpi.kpiId)}/series?${query}`);
    const blob = new Blob([seriesCsv(series)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: `${kpi.kpiId}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    show('success', t('csvDone', kpi.name));
  } catch (error) {
    show('danger', reasonText(error.reason));
  }
}

// The current period's value per office or district, loaded when opened.
function placesBreakdown(kpi) {
  const dimension = PLACES.find((d) => (kpi.dimensionKeys || []).includes(d));
  if (!dimension) return null;
  const body = h('div', {}, t('loading'));
  let loaded = false;
  const details = h('details', { class: 'places', ontoggle: async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const query = new URLSearchParams({ dimension, grain: kpi.grain });
      const series = await api('GET', `/v1/monitoring/kpis/${encodeURIComponent(kpi.kpiId)}/series?${query}`);
      const rows = (series.series || []).filter((s) => s.dimensionValue).map((s) => {
        const last = (s.points || [])[s.points.length - 1] || {};
        return [s.dimensionValue, last.samples ? formatValue(last.value || 0, kpi.unit) : '–'];
      });
      replaceChildren(body, rows.length === 0 ? h('p', {}, t('noPlaces'))
        : h('table', { class: 'kern-table kern-table--small' },
          h('caption', { class: 'kern-sr-only' }, `${kpi.name}: ${t(dimension === 'office' ? 'perOffice' : 'perDistrict')}`),
          h('thead', { class: 'kern-table__header' }, h('tr', { class: 'kern-table__row' },
            h('th', { class: 'kern-table__header', scope: 'col' }, t(dimension === 'office' ? 'officeColumn' : 'districtColumn')),
            h('th', { class: 'kern-table__header kern-table__header--numeric', scope: 'col' }, t('currentPeriod')))),
          h('tbody', { class: 'kern-table__body' }, rows.map(([place, value]) => h('tr', { class: 'kern-table__row' },
            h('th', { class: 'kern-table__cell', scope: 'row' }, place),
            h('td', { class: 'kern-table__cell kern-table__cell--numeric' }, value))))));
    } catch (error) {
      replaceChildren(body, message('danger', reasonText(error.reason)));
    }
  } }, h('summary', {}, t(dimension === 'office' ? 'perOffice' : 'perDistrict')), body);
  return details;
}

function kpiCard(kpi, now, show) {
  const running = judgeRunningPeriod(kpi, now);
  const previous = judgePreviousPeriod(kpi);
  const percent = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(running.share);
  const goal = t(kpi.direction === 'higher_is_better' ? 'atLeast' : 'atMost');
  return h('article', { class: 'kern-card kpi', id: `kpi-${kpi.kpiId}`, 'data-status': running.status },
    h('div', { class: 'kern-card__container' },
      h('header', { class: 'kern-card__header' }, h('h3', { class: 'kern-heading-small' }, kpi.name), badge(running.status)),
      h('div', { class: 'kern-card__body' },
        h('p', {}, kpi.description),
        h('dl', { class: 'figures' },
          h('dt', {}, running.scaled ? t('runningScaled', percent) : t('running')),
          h('dd', {}, kpi.hasCurrentValue ? formatValue(kpi.currentValue || 0, kpi.unit) : t('statusNames').STATUS_NO_DATA),
          h('dt', {}, running.scaled ? t('dueByNow') : t('target')),
          h('dd', {}, `${goal} ${formatValue(running.expected, kpi.unit)}`,
            running.scaled ? ` (${t('ofWholePeriod', formatValue(kpi.target || 0, kpi.unit))})` : ''),
          h('dt', {}, t('lastComplete')),
          h('dd', {}, kpi.hasPreviousValue ? [formatValue(kpi.previousValue || 0, kpi.unit), ' ', badge(previous)] : t('statusNames').STATUS_NO_DATA)),
        placesBreakdown(kpi)),
      h('footer', { class: 'kern-card__footer' },
        button(t('csv'), () => downloadCsv(kpi, show), 'secondary', { 'data-csv': kpi.kpiId, 'aria-label': `${t('csv')}: ${kpi.name}` }))));
}

export function renderSteering(root, now = () => new Date()) {
  const status = h('div', { id: 'steering-status', 'aria-live': 'polite' });
  const content = h('div', { id: 'fields' }, t('loading'));
  const show = (kind, text) => replaceChildren(status, message(kind, text));

  let loads = 0;
  async function load() {
    try {
      const [fields, kpis] = await Promise.all([api('GET', '/v1/monitoring/fields'), api('GET', '/v1/monitoring/kpis')]);
      const at = now();
      replaceChildren(content, (fields.fields || []).map((field) => {
        const mine = (kpis.kpis || []).filter((kpi) => kpi.fieldOfAction === field.number);
        const counts = {};
        for (const kpi of mine) {
          const judged = judgeRunningPeriod(kpi, at).status;
          counts[judged] = (counts[judged] || 0) + 1;
        }
        return h('section', { class: 'field', id: `field-${field.number}`, 'aria-labelledby': `field-${field.number}-title` },
          h('h2', { class: 'kern-heading-medium', id: `field-${field.number}-title` }, `${t('fieldOfAction')} ${field.number}: ${field.title}`),
          h('p', { class: 'field-summary' }, fieldSummary(counts)),
          h('div', { class: 'kpis' }, mine.map((kpi) => kpiCard(kpi, at, show))));
      }));
    } catch (error) {
      replaceChildren(content, message('danger', reasonText(error.reason)));
    }
    // Counts the finished loads, so a test can wait for the next one.
    loads += 1;
    content.dataset.loads = String(loads);
  }

  replaceChildren(root,
    h('h1', { class: 'kern-heading-large' }, t('steeringTitle')),
    h('p', {}, t('steeringIntro')),
    h('div', { class: 'toolbar' }, button(t('refresh'), () => load(), 'tertiary', { id: 'refresh' })),
    status, content);
  load();
  return load;
}
