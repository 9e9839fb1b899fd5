/**
 * The one way the frontend builds elements: `el('button', { class: 'x',
 * type: 'button', onclick: fn, 'aria-label': t('…') }, [children or text])`.
 * Text becomes Text nodes (never markup), attributes go through
 * setAttribute, and handlers through addEventListener: nothing here parses
 * a string as HTML, so a hostile property value stays text.
 */

/** An attribute value: false, null and undefined leave it out, true writes it empty. */
export type AttrValue = string | number | boolean | null | undefined;

/** An event handler given as `on<event>`. */
export type Handler = (ev: Event) => void;

/**
 * Attributes of an element. `on<event>` keys take a function (added with
 * addEventListener, never as an attribute); `value` and `checked` are set as
 * properties (after the children, so a select's value finds its option);
 * every other key is written with setAttribute. `href`, `src` and `action`
 * refuse `javascript:` and `vbscript:` URLs.
 */
export type Attrs = Record<string, AttrValue | Handler>;

/** A child: a node, or text (numbers are written as text); null, undefined and false are skipped. */
export type Child = Node | string | number | null | undefined | false;

/** One child or a list of them. */
export type Children = Child | readonly Child[];

const SVG_NS = 'http://www.w3.org/2000/svg';
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href']);
/** Schemes that run code when followed. */
const SCRIPT_URL = /^(?:javascript|vbscript):/i;

/** Reports whether a URL may be written into href/src: it runs no script. */
export function isSafeUrlAttribute(value: string): boolean {
  // Browsers ignore control characters and spaces when reading a scheme.
  // eslint-disable-next-line no-control-regex
  return !SCRIPT_URL.test(value.replace(/[\u0000-\u0020\u007f-\u009f]/g, ''));
}

function apply(node: Element, attrs: Attrs | null | undefined): { value?: AttrValue; checked?: AttrValue } {
  const props: { value?: AttrValue; checked?: AttrValue } = {};
  if (!attrs) return props;
  for (const [name, v] of Object.entries(attrs)) {
    if (name.length > 2 && name.startsWith('on')) {
      if (typeof v !== 'function') throw new TypeError(`el: ${name} takes a function, not a string`);
      node.addEventListener(name.slice(2), v);
      continue;
    }
    if (typeof v === 'function') throw new TypeError(`el: ${name} is not an event`);
    if (name === 'value' || name === 'checked') {
      props[name] = v;
      continue;
    }
    if (v === false || v === null || v === undefined) continue;
    const s = v === true ? '' : String(v);
    if (URL_ATTRS.has(name.toLowerCase()) && !isSafeUrlAttribute(s)) continue;
    node.setAttribute(name, s);
  }
  return props;
}

function append(node: Element, children: Children | undefined): void {
  if (children === undefined || children === null || children === false) return;
  const list = Array.isArray(children) ? (children as readonly Child[]) : [children as Child];
  // One text child: textContent, the plainest way to write text.
  if (list.length === 1 && (typeof list[0] === 'string' || typeof list[0] === 'number')) {
    node.textContent = String(list[0]);
    return;
  }
  for (const c of list) {
    if (c === null || c === undefined || c === false || c === '') continue;
    node.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Builds an HTML element of the page's document with attributes and children (see Attrs and Child). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, children?: Children): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const props = apply(node, attrs);
  append(node, children);
  if (props.value !== undefined && props.value !== null && 'value' in node) (node as HTMLInputElement).value = String(props.value);
  if (props.checked !== undefined && 'checked' in node) (node as HTMLInputElement).checked = props.checked === true;
  return node;
}

/** Builds an SVG element (in the SVG namespace) with attributes and children. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, children?: Children): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, attrs);
  append(node, children);
  return node;
}

/** Builds a list of `<option>`s from values and labels (labels are text). */
export function options(list: readonly { value: string; label: string }[]): HTMLOptionElement[] {
  return list.map((o) => el('option', { value: o.value }, o.label));
}
