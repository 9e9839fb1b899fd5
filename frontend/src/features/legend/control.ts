import L from 'leaflet';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/** The legend as a map control. */
export interface LegendControl {
  /** The element the legend groups are drawn into. */
  readonly body: HTMLElement;
  /** The control's outer element. */
  readonly element: HTMLElement;
  /** Whether the legend is open. */
  isOpen(): boolean;
  /** Opens or closes the legend. */
  setOpen(open: boolean): void;
}

/**
 * A collapsible legend: a heading button (aria-expanded) over a body that
 * `followLegend` fills. Open at first unless `open` is false (on phones,
 * where the map is small). Escape in the legend closes it.
 */
export function createLegendControl(i18n: I18n, open: boolean): LegendControl {
  const { t } = i18n;
  // Focusable, so that a keyboard can scroll a long legend.
  const body = el('div', { id: 'map-legend-body', class: 'map-legend-body', tabindex: 0, role: 'group', 'aria-labelledby': 'map-legend-toggle' });
  const toggle = el('button', {
    type: 'button', id: 'map-legend-toggle', class: 'map-legend-toggle', 'aria-controls': body.id, 'aria-expanded': 'false',
    onclick: () => control.setOpen(!control.isOpen()),
  }, t('legend.heading'));
  const element = el('section', { id: 'map-legend', class: 'map-legend legend', 'aria-label': t('legend.heading') }, [
    el('h2', { class: 'map-legend-heading' }, toggle), body,
  ]);
  element.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && control.isOpen()) {
      ev.preventDefault();
      control.setOpen(false);
      toggle.focus();
    }
  });
  const control: LegendControl = {
    body,
    element,
    isOpen: () => toggle.getAttribute('aria-expanded') === 'true',
    setOpen(next) {
      toggle.setAttribute('aria-expanded', String(next));
      body.hidden = !next;
      element.dataset.open = String(next);
    },
  };
  control.setOpen(open);
  return control;
}

/** Puts the legend on `map` at `position`; clicks and scrolls in it stay off the map. */
export function addLegendControl(map: L.Map, legend: LegendControl, position: L.ControlPosition): void {
  const Control = L.Control.extend({
    onAdd: () => {
      const box = el('div', { class: 'leaflet-control map-legend-control' }, legend.element);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });
  new Control({ position }).addTo(map);
}
