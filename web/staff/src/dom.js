// Builds DOM nodes from code: the page's policy forbids HTML from strings
// (Trusted Types), so nothing here ever parses markup.
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'value') element.value = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

let nextId = 0;
// A unique id for label/for and aria-describedby pairs.
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A KERN text input with its label.
export function field(label, input) {
  const id = input.id || uid('f');
  input.id = id;
  input.classList.add(input.tagName === 'SELECT' ? 'kern-form-input__select' : 'kern-form-input__input');
  const control = input.tagName === 'SELECT' ? h('div', { class: 'kern-form-input__select-wrapper' }, input) : input;
  return h('div', { class: 'kern-form-input' }, h('label', { class: 'kern-label', for: id }, label), control);
}

export function button(text, onclick, variant = 'primary', attrs = {}) {
  return h('button', { type: 'button', class: `kern-btn kern-btn--${variant}`, onclick, ...attrs },
    h('span', { class: 'kern-label' }, text));
}

// Announces a result to screen readers and shows it: role=status for
// success, role=alert for errors.
export function message(kind, text) {
  return h('div', { class: `kern-alert kern-alert--${kind}`, role: kind === 'danger' ? 'alert' : 'status' },
    h('div', { class: 'kern-alert__header' }, h('span', { class: 'kern-title' }, text)));
}
