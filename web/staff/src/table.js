// A KERN table with a caption for screen readers and column headers.
import { h } from './dom.js';

export function cell(...content) {
  return h('td', { class: 'kern-table__cell' }, ...content);
}

export function table(caption, head, rows, attrs = {}) {
  return h('div', { class: 'kern-table-responsive' }, h('table', { class: 'kern-table kern-table--striped', ...attrs },
    h('caption', { class: 'kern-sr-only' }, caption),
    h('thead', { class: 'kern-table__header' }, h('tr', { class: 'kern-table__row' },
      head.map((text) => h('th', { class: 'kern-table__header', scope: 'col' }, text)))),
    h('tbody', { class: 'kern-table__body' }, rows)));
}

// A form that runs `submit` on Enter or its button, never reloading the page.
export function form(attrs, submit, ...children) {
  return h('form', { ...attrs, onsubmit: (e) => { e.preventDefault(); submit(); } }, ...children);
}

export function submitButton(text, variant = 'primary', attrs = {}) {
  return h('button', { type: 'submit', class: `kern-btn kern-btn--${variant}`, ...attrs }, h('span', { class: 'kern-label' }, text));
}
