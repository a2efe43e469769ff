// DOM building without HTML parsing: every piece of data becomes a text node or an
// attribute value, never markup (no innerHTML anywhere in the editor).

const SVG = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'value' || name === 'checked' || name === 'selected') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }
  return element;
}

/** An HTML element: h('button', {type: 'button', onclick: f}, 'Save'). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, built the same way. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

/** Replace an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  return build(element, {}, children);
}

/** A DOM id made from any text (a field's place in the journey, e.g. touchpoints[2].name). */
export function domId(text) {
  return 'f-' + text.replace(/[^A-Za-z0-9_-]/g, (c) => '_' + c.charCodeAt(0).toString(16));
}
