// The strategy-monitoring dashboard (issue 7). Reads the public JSON routes of
// the monitoring service through the gateway (same origin) and builds the page
// from DOM nodes: it never parses markup strings, and uses no inline script or
// style and no third-party code (the page's Content-Security-Policy enforces
// all three). Charts are inline SVG. Served by the gateway at /dashboard.js;
// see gateway/README.md.
'use strict';

(() => {
  const API = '/v1/monitoring';
  const REFRESH_MS = 60 * 1000;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const LOCALE = 'en-GB';

  // Status is always shown as text (and a shape); the colour only repeats it.
  const STATUSES = {
    STATUS_ON_TRACK: { label: 'On track', css: 'on-track', icon: '\u2713' },
    STATUS_AT_RISK: { label: 'At risk', css: 'at-risk', icon: '!' },
    STATUS_OFF_TRACK: { label: 'Off track', css: 'off-track', icon: '\u2715' },
    STATUS_NO_DATA: { label: 'No data yet', css: 'no-data', icon: '\u2013' },
  };
  const UNKNOWN_STATUS = { label: 'Unknown', css: 'no-data', icon: '?' };

  const MILESTONE_STATES = {
    planned: 'Planned',
    in_progress: 'In progress',
    done: 'Done',
    blocked: 'Blocked',
  };

  const GRAINS = {
    GRAIN_HOUR: { current: 'This hour', period: 'hour', periods: 'hours' },
    GRAIN_DAY: { current: 'Today', period: 'day', periods: 'days' },
    GRAIN_MONTH: { current: 'This month', period: 'month', periods: 'months' },
  };
  const UNKNOWN_GRAIN = { current: 'Current period', period: 'period', periods: 'periods' };

  const numberFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
  const percentFormat = new Intl.NumberFormat(LOCALE, {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  const euroFormat = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR' });
  const dayFormat = new Intl.DateTimeFormat(LOCALE, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const clockFormat = new Intl.DateTimeFormat(LOCALE, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const periodFormats = {
    GRAIN_HOUR: new Intl.DateTimeFormat(LOCALE, {
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Berlin',
    }),
    GRAIN_DAY: new Intl.DateTimeFormat(LOCALE, {
      day: 'numeric',
      month: 'short',
      timeZone: 'Europe/Berlin',
    }),
    GRAIN_MONTH: new Intl.DateTimeFormat(LOCALE, {
      month: 'short',
      year: 'numeric',
      timeZone: 'Europe/Berlin',
    }),
  };

  // ---- DOM helpers ------------------------------------------------------------------

  // h('p', {class: 'x'}, 'text', child, ...): an element with attributes and
  // children; strings become text nodes, null and false are skipped.
  function h(tag, attributes, ...children) {
    return build(document.createElement(tag), attributes, children);
  }

  function svg(tag, attributes, ...children) {
    return build(document.createElementNS(SVG_NS, tag), attributes, children);
  }

  function build(node, attributes, children) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Ids from the API go into id attributes and fragment links.
  function idFor(prefix, id) {
    return `${prefix}-${String(id).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }

  function statusOf(status) {
    return STATUSES[status] || UNKNOWN_STATUS;
  }

  function statusBadge(status) {
    const s = statusOf(status);
    return h(
      'span',
      { class: `status status-${s.css}` },
      h('span', { class: 'status-icon', 'aria-hidden': 'true' }, s.icon),
      ' ',
      h('span', { class: 'status-label' }, s.label),
    );
  }

  // ---- Numbers ----------------------------------------------------------------------

  function isRatio(kpi) {
    return kpi.aggregation === 'ratio';
  }

  function formatValue(kpi, value) {
    if (isRatio(kpi)) return percentFormat.format(value);
    if (kpi.unit === 'cents') return euroFormat.format(value / 100);
    return `${numberFormat.format(value)} ${kpi.unit}`;
  }

  function formatChange(kpi, delta) {
    const sign = delta > 0 ? '+' : delta < 0 ? '\u2212' : '\u00b1';
    const size = Math.abs(delta);
    if (isRatio(kpi)) return `${sign}${numberFormat.format(size * 100)} percentage points`;
    if (kpi.unit === 'cents') return `${sign}${euroFormat.format(size / 100)}`;
    return `${sign}${numberFormat.format(size)} ${kpi.unit}`;
  }

  function higherIsBetter(kpi) {
    return kpi.direction === 'higher_is_better';
  }

  // ---- Fields of action -------------------------------------------------------------

  function renderFields(fields) {
    return fields.map((field) => {
      const counts = [
        `${field.kpisOnTrack} on track`,
        `${field.kpisAtRisk} at risk`,
        `${field.kpisOffTrack} off track`,
        `${field.kpisWithoutData} without data`,
      ].join(' \u00b7 ');
      return h(
        'li',
        { class: `field field-${statusOf(field.status).css}`, id: idFor('field', field.number) },
        h(
          'h3',
          { class: 'field-title' },
          h('span', { class: 'field-number' }, `${field.number}`),
          ' ',
          field.title,
        ),
        h('p', { class: 'field-status' }, statusBadge(field.status)),
        h('p', { class: 'field-counts' }, 'KPIs: ', counts),
        h(
          'p',
          { class: 'field-links' },
          h('a', { href: `#${idFor('kpis-field', field.number)}` }, 'KPIs'),
          ' \u00b7 ',
          h('a', { href: `#${idFor('measures-field', field.number)}` }, 'Measures'),
        ),
      );
    });
  }

  // ---- KPIs -------------------------------------------------------------------------

  function trendText(kpi, grain) {
    if (!kpi.hasCurrentValue || !kpi.hasPreviousValue) {
      return h('span', {}, `No comparison with the previous ${grain.period} yet`);
    }
    const delta = kpi.trend;
    let arrow = '\u25b6';
    let judgement = 'unchanged';
    if (delta !== 0) {
      arrow = delta > 0 ? '\u25b2' : '\u25bc';
      judgement = delta > 0 === higherIsBetter(kpi) ? 'better' : 'worse';
    }
    return h(
      'span',
      { class: `trend trend-${judgement}` },
      h('span', { 'aria-hidden': 'true' }, arrow),
      ` ${formatChange(kpi, delta)} against the previous ${grain.period} (${judgement})`,
    );
  }

  // The total series (dimensionValue empty) of a GetKpiSeries answer.
  function totalPoints(series) {
    if (!series || !Array.isArray(series.series)) return null;
    const total = series.series.find((s) => !s.dimensionValue) || series.series[0];
    return total && Array.isArray(total.points) ? total.points : null;
  }

  // A small line chart of the points that had events, with the target dashed.
  function trendChart(kpi, series, grain) {
    const points = totalPoints(series);
    if (points === null) {
      return h('p', { class: 'chart-empty' }, 'The course over time could not be loaded.');
    }
    const values = points.map((p) => (Number(p.samples) > 0 ? Number(p.value) : null));
    const present = values.filter((v) => v !== null);
    const periodText = `${points.length} ${points.length === 1 ? grain.period : grain.periods}`;
    if (present.length === 0) {
      return h('p', { class: 'chart-empty' }, `No events in the last ${periodText}.`);
    }
    const width = 300;
    const height = 72;
    const pad = 5;
    const low = Math.min(0, kpi.target, ...present);
    let high = Math.max(kpi.target, ...present);
    if (high === low) high = low + 1;
    const x = (i) => pad + (i * (width - 2 * pad)) / Math.max(points.length - 1, 1);
    const y = (v) => height - pad - ((v - low) * (height - 2 * pad)) / (high - low);
    const round = (n) => Math.round(n * 10) / 10;

    const lastIndex = values.reduce((last, v, i) => (v !== null ? i : last), -1);
    const format = periodFormats[series.grain] || periodFormats.GRAIN_DAY;
    const titleId = idFor('chart-title', kpi.kpiId);
    const title =
      `${kpi.name} over the last ${periodText}: lowest ${formatValue(kpi, Math.min(...present))}, ` +
      `highest ${formatValue(kpi, Math.max(...present))}, latest ${formatValue(kpi, values[lastIndex])} ` +
      `(${format.format(new Date(points[lastIndex].periodStart))}); ` +
      `target ${formatValue(kpi, kpi.target)}.`;

    // One polyline per run of periods with events: no line across a gap.
    const runs = [];
    let run = [];
    values.forEach((v, i) => {
      if (v === null) {
        if (run.length) runs.push(run);
        run = [];
      } else {
        run.push(`${round(x(i))},${round(y(v))}`);
      }
    });
    if (run.length) runs.push(run);

    const chart = svg(
      'svg',
      {
        class: 'chart',
        viewBox: `0 0 ${width} ${height}`,
        width,
        height,
        role: 'img',
        'aria-labelledby': titleId,
      },
      svg('title', { id: titleId }, title),
      svg('rect', { class: 'chart-frame', x: 0.5, y: 0.5, width: width - 1, height: height - 1 }),
      svg('line', {
        class: 'chart-target',
        x1: pad,
        x2: width - pad,
        y1: round(y(kpi.target)),
        y2: round(y(kpi.target)),
        'stroke-dasharray': '5 4',
      }),
      runs.map((r) =>
        r.length > 1
          ? svg('polyline', { class: 'chart-line', points: r.join(' '), fill: 'none' })
          : svg('circle', {
              class: 'chart-dot',
              cx: r[0].split(',')[0],
              cy: r[0].split(',')[1],
              r: 2,
            }),
      ),
      // Scale labels; the title above already says all of this in words.
      svg('text', { class: 'chart-scale', x: pad + 2, y: pad + 9, 'aria-hidden': 'true' },
        formatValue(kpi, high)),
      svg('text', { class: 'chart-scale', x: pad + 2, y: height - pad - 2, 'aria-hidden': 'true' },
        formatValue(kpi, low)),
      svg('circle', {
        class: 'chart-last',
        cx: round(x(lastIndex)),
        cy: round(y(values[lastIndex])),
        r: 3.5,
      }),
    );
    const first = format.format(new Date(points[0].periodStart));
    const last = format.format(new Date(points[points.length - 1].periodStart));
    return h(
      'figure',
      { class: 'chart-figure' },
      chart,
      h('figcaption', { class: 'chart-caption' }, `${first} \u2013 ${last}, per ${grain.period}`),
    );
  }

  function renderKpi(kpi, series) {
    const grain = GRAINS[kpi.grain] || UNKNOWN_GRAIN;
    const nameId = idFor('kpi-name', kpi.kpiId);
    const offTrackWord = higherIsBetter(kpi) ? 'below' : 'above';
    return h(
      'article',
      {
        class: `kpi kpi-${statusOf(kpi.status).css}`,
        id: idFor('kpi', kpi.kpiId),
        'aria-labelledby': nameId,
      },
      h(
        'header',
        { class: 'kpi-header' },
        h('h4', { id: nameId, class: 'kpi-name' }, kpi.name),
        statusBadge(kpi.status),
      ),
      h('p', { class: 'kpi-description' }, kpi.description),
      h(
        'dl',
        { class: 'kpi-figures' },
        h(
          'div',
          { class: 'kpi-current' },
          h('dt', {}, grain.current),
          h(
            'dd',
            { class: kpi.hasCurrentValue ? 'kpi-value' : 'kpi-value kpi-value-none' },
            kpi.hasCurrentValue ? formatValue(kpi, kpi.currentValue) : 'No events yet',
          ),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'Target'),
          h(
            'dd',
            { class: 'kpi-target' },
            `${higherIsBetter(kpi) ? 'at least' : 'at most'} ${formatValue(kpi, kpi.target)}`,
          ),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'Off track'),
          h('dd', {}, `${offTrackWord} ${formatValue(kpi, kpi.warningThreshold)}`),
        ),
        h('div', {}, h('dt', {}, 'Trend'), h('dd', {}, trendText(kpi, grain))),
      ),
      trendChart(kpi, series, grain),
    );
  }

  function renderKpis(fields, kpis, seriesById) {
    return fields.map((field) => {
      const own = kpis.filter((k) => k.fieldOfAction === field.number);
      const headingId = idFor('kpis-field-heading', field.number);
      return h(
        'section',
        { class: 'group', id: idFor('kpis-field', field.number), 'aria-labelledby': headingId },
        h('h3', { id: headingId }, `${field.number} \u00b7 ${field.title}`),
        own.length === 0
          ? h('p', { class: 'empty' }, 'No published KPIs in this field of action.')
          : h(
              'div',
              { class: 'kpi-grid' },
              own.map((k) => renderKpi(k, seriesById.get(k.kpiId))),
            ),
      );
    });
  }

  // ---- Measures ---------------------------------------------------------------------

  function formatDue(due) {
    const date = new Date(`${due}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? due : dayFormat.format(date);
  }

  function renderMilestone(milestone) {
    const state = MILESTONE_STATES[milestone.state] || milestone.state;
    return h(
      'li',
      { class: `milestone milestone-${String(milestone.state).replace(/[^a-z_]/g, '')}` },
      h('span', { class: 'milestone-state' }, state),
      ' ',
      h('span', { class: 'milestone-title' }, milestone.title),
      ' \u2013 due ',
      h('time', { datetime: milestone.due }, formatDue(milestone.due)),
      milestone.overdue ? [' ', h('strong', { class: 'overdue' }, 'Overdue')] : null,
    );
  }

  function measureLinks(ids, titles) {
    return ids.map((id, i) => [
      i > 0 ? ', ' : null,
      h('a', { href: `#${idFor('measure', id)}` }, titles.get(id) || id),
    ]);
  }

  function renderMeasure(measure, titles, kpiNames) {
    const titleId = idFor('measure-title', measure.measureId);
    const kpiList = measure.kpiIds.map((id) => kpiNames.get(id) || id);
    return h(
      'article',
      {
        class: `measure measure-${statusOf(measure.status).css}`,
        id: idFor('measure', measure.measureId),
        'aria-labelledby': titleId,
      },
      h(
        'header',
        { class: 'measure-header' },
        h('h4', { id: titleId, class: 'measure-title' }, measure.title),
        statusBadge(measure.status),
      ),
      h(
        'p',
        { class: 'measure-meta' },
        `Priority ${measure.priority} \u00b7 ${measure.ownerDepartment}`,
      ),
      measure.blocked
        ? h(
            'p',
            { class: 'measure-blocked' },
            h('strong', {}, 'Blocked:'),
            ' a milestone of this measure is blocked.',
          )
        : null,
      measure.blockedBy.length > 0
        ? h(
            'p',
            { class: 'measure-blocked-by' },
            h('strong', {}, 'Blocked by:'),
            ' ',
            measureLinks(measure.blockedBy, titles),
          )
        : null,
      measure.dependsOn.length > 0
        ? h(
            'p',
            { class: 'measure-depends' },
            'Depends on: ',
            measureLinks(measure.dependsOn, titles),
          )
        : null,
      measure.milestones.length > 0
        ? [
            h('p', { class: 'milestones-heading', id: idFor('milestones', measure.measureId) }, 'Milestones'),
            h(
              'ol',
              { class: 'milestones', 'aria-labelledby': idFor('milestones', measure.measureId) },
              measure.milestones.map(renderMilestone),
            ),
          ]
        : h('p', { class: 'empty' }, 'No milestones planned yet.'),
      kpiList.length > 0 ? h('p', { class: 'measure-kpis' }, `Measured by: ${kpiList.join(', ')}`) : null,
    );
  }

  function renderMeasures(fields, measures, kpis) {
    const titles = new Map(measures.map((m) => [m.measureId, m.title]));
    const kpiNames = new Map(kpis.map((k) => [k.kpiId, k.name]));
    return fields.map((field) => {
      const own = measures.filter((m) => m.fieldOfAction === field.number);
      const headingId = idFor('measures-field-heading', field.number);
      return h(
        'section',
        { class: 'group', id: idFor('measures-field', field.number), 'aria-labelledby': headingId },
        h('h3', { id: headingId }, `${field.number} \u00b7 ${field.title}`),
        own.length === 0
          ? h('p', { class: 'empty' }, 'No measures in this field of action.')
          : h(
              'div',
              { class: 'measure-grid' },
              own.map((m) => renderMeasure(m, titles, kpiNames)),
            ),
      );
    });
  }

  // ---- Loading ----------------------------------------------------------------------

  async function getJson(path) {
    const response = await fetch(path, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return response.json();
  }

  let lastSnapshot = '';

  async function load() {
    const stateLine = document.getElementById('load-state');
    const errorLine = document.getElementById('load-error');
    try {
      const [fieldList, kpiList, measureList] = await Promise.all([
        getJson(`${API}/fields`),
        getJson(`${API}/kpis`),
        getJson(`${API}/measures`),
      ]);
      const fields = fieldList.fields || [];
      const kpis = kpiList.kpis || [];
      const measures = measureList.measures || [];
      // A KPI whose series fails still shows its figures.
      const series = await Promise.all(
        kpis.map((k) =>
          getJson(`${API}/kpis/${encodeURIComponent(k.kpiId)}/series`).catch(() => null),
        ),
      );
      const seriesById = new Map(kpis.map((k, i) => [k.kpiId, series[i]]));

      // Rebuild only when something changed, so that a refresh does not move
      // a reader's place on the page.
      const snapshot = JSON.stringify([fields, kpis, measures, series]);
      if (snapshot !== lastSnapshot) {
        lastSnapshot = snapshot;
        document.getElementById('fields').replaceChildren(...renderFields(fields));
        document.getElementById('kpis').replaceChildren(...renderKpis(fields, kpis, seriesById));
        document
          .getElementById('measures')
          .replaceChildren(...renderMeasures(fields, measures, kpis));
        document.getElementById('catalog-version').textContent =
          `Catalog version ${fieldList.catalogVersion || 'unknown'}.`;
      }
      errorLine.hidden = true;
      errorLine.textContent = '';
      stateLine.textContent = `Updated at ${clockFormat.format(new Date())}.`;
      document.body.dataset.state = 'ready';
    } catch (error) {
      errorLine.hidden = false;
      errorLine.textContent = `The figures could not be loaded (${error.message}). Retrying in a minute.`;
      stateLine.textContent = lastSnapshot ? 'Showing the last figures loaded.' : '';
      document.body.dataset.state = 'error';
    } finally {
      setTimeout(load, REFRESH_MS);
    }
  }

  load();
})();
