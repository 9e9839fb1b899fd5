import { Modal } from '../../shared/dialog';
import { el, options, type Child } from '../../shared/dom';
import { createSignedEmbed, EXPIRY_DAYS, hasBBox, isExpiryDays, signedEmbedBody, type SignedEmbed, type SignedTier } from '../embed/signed';
import { DEFAULT_FRAME, iframeSnippet } from '../embed/snippet';
import { clamp, cleanTitle, embedUrl, MAX_TITLE, RENDER_LIMITS, renderUrl, type BBox, type EmbedState } from '../embed/state';
import { debounce } from '../filters/filters';
import type { I18n } from '../../shared/i18n';
import type { RiskSettings } from '../risk/risksettings';
import { canSignEmbeds, type Session } from '../session/session';
import { errorMessage } from '../../shared/status';
import { isIsoDate, type Filters } from '../../shared/urlstate';

/**
 * The "Share / embed" dialog of the dashboard: a link to the exact view, an
 * `<iframe>` snippet with its options (title, legend, date, size) and a live
 * preview, the image of the map (PNG, SVG), and for staff and above a signed
 * embed made through POST /api/v1/embeds. Every value is text: the snippet
 * is built with escaped attributes and shown in a textarea.
 */

/** The map as the dashboard shows it when the dialog opens. */
export interface SharedMap {
  /** The box of the map's bounds (null when it cannot be one). */
  bbox: BBox | null;
  /** Ids of the layers shown. */
  layers: string[];
  filters: Filters;
  /** Absent when all are the defaults. */
  risk?: RiskSettings;
  /** Size of the map in CSS pixels. */
  width: number;
  height: number;
}

/** What the dialog reads of the dashboard. */
export interface ShareSource {
  /** The dashboard's URL now (the link to this view). */
  pageUrl(): string;
  /** The map now. */
  map(): SharedMap;
}

/** The dialog's dependencies. */
export interface ShareOptions {
  session: Session;
  source: ShareSource;
  /** The origin embeds are served from ("https://routerisk.example.org"). */
  origin: string;
  /** Today, YYYY-MM-DD (the default "as of"). */
  today: string;
  /** The clipboard, when the browser offers one. */
  clipboard?: Pick<Clipboard, 'writeText'> | null;
  /** Debounce of the preview after a change, in ms. */
  previewDelayMs?: number;
}

/** The dialog and the button that opens it. */
export interface ShareDialog {
  /** "Share / embed", for the page header. */
  button: HTMLButtonElement;
  dialog: HTMLDialogElement;
  open(): void;
  close(): void;
  /** The embed state the dialog builds now (for tests). */
  state(): EmbedState;
}

/** Pixel ratio of the dashboard's image downloads. */
export const SHARE_RATIO = 2;

/**
 * Copies a field's text to the clipboard, or, without one (or when it
 * refuses), selects the text so that the user can copy it; says which.
 */
export async function copyField(field: HTMLInputElement | HTMLTextAreaElement, clipboard: Pick<Clipboard, 'writeText'> | null | undefined): Promise<'copied' | 'selected'> {
  if (clipboard) {
    try {
      await clipboard.writeText(field.value);
      return 'copied';
    } catch {
      // refused (no permission, not a secure context): select instead
    }
  }
  field.focus();
  field.select();
  return 'selected';
}

/** Builds the dialog (appended to the document body by the caller with the button). */
export function createShareDialog(i18n: I18n, o: ShareOptions): ShareDialog {
  const { t } = i18n;
  let n = 0;
  /** A labelled field; `hint` is its description. */
  const field = (label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement => {
    control.id ||= `share-field-${++n}`;
    const hintId = `${control.id}-hint`;
    if (hint) control.setAttribute('aria-describedby', hintId);
    return el('div', { class: 'field' }, [
      el('label', { for: control.id }, label), control, hint && el('p', { class: 'field-hint', id: hintId }, hint),
    ]);
  };
  const section = (id: string, heading: string, children: Child[]): HTMLElement =>
    el('section', { class: 'share-section', id, 'aria-labelledby': `${id}-heading` }, [el('h3', { id: `${id}-heading` }, heading), ...children]);
  const button = (id: string, text: string, cls?: string): HTMLButtonElement => el('button', { type: 'button', id, class: cls }, text);
  const numeric = (id: string, min: number, max: number, value: number, required = false): HTMLInputElement =>
    el('input', { id, type: 'number', min, max, step: 1, value, inputmode: 'numeric', required });

  const openButton = el('button', { type: 'button', id: 'share-open', class: 'share-open', 'aria-haspopup': 'dialog' }, t('share.open'));
  const status = el('p', { class: 'share-status', id: 'share-status', role: 'status', 'aria-live': 'polite' });

  // The link to this view.
  const link = el('input', { id: 'share-link', type: 'text', readonly: true, spellcheck: 'false' });
  const linkCopy = button('share-link-copy', t('share.copy'));
  const linkPart = section('share-link-section', t('share.link'), [
    el('label', { class: 'visually-hidden', for: link.id }, t('share.link')),
    el('div', { class: 'share-copy-row' }, [link, linkCopy]),
  ]);

  // The embed: options, snippet, oEmbed, preview.
  const title = el('input', { id: 'share-embed-title', type: 'text', maxlength: MAX_TITLE, autocomplete: 'off' });
  const legend = el('input', { id: 'share-legend', type: 'checkbox', checked: true });
  const asof = el('input', { id: 'share-asof', type: 'date', value: o.today, required: true });
  const width = numeric('share-width', RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, DEFAULT_FRAME.width);
  const height = numeric('share-height', RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, DEFAULT_FRAME.height);
  const snippet = el('textarea', { class: 'share-snippet', id: 'share-snippet', readonly: true, rows: 4, spellcheck: 'false' });
  const snippetCopy = button('share-snippet-copy', t('share.copySnippet'));
  const oembed = el('p', { class: 'share-oembed', id: 'share-oembed' });
  const preview = el('iframe', {
    class: 'share-preview', id: 'share-preview', title: t('share.previewLabel'), referrerpolicy: 'strict-origin-when-cross-origin',
  });
  const embedPart = section('share-embed-section', t('share.embedHeading'), [
    field(t('share.embedTitle'), title, t('share.embedTitleHint')),
    el('div', { class: 'field field-check' }, [legend, el('label', { for: legend.id }, t('share.legend'))]),
    field(t('share.asof'), asof),
    el('div', { class: 'share-size' }, [field(t('share.width'), width), field(t('share.height'), height)]),
    el('p', { class: 'field-hint' }, t('share.sizeHint')),
    field(t('share.snippet'), snippet),
    snippetCopy,
    oembed,
    el('h4', null, t('share.preview')),
    preview,
  ]);

  // The image.
  const imageNote = el('p', { class: 'field-hint', id: 'share-image-note' });
  const png = el('a', { class: 'share-download', id: 'share-png', download: '' }, t('share.downloadPng'));
  const svg = el('a', { class: 'share-download', id: 'share-svg', download: '' }, t('share.downloadSvg'));
  const imagePart = section('share-image-section', t('share.downloadHeading'), [imageNote, el('p', { class: 'share-downloads' }, [png, svg])]);

  // The signed embed (staff and above).
  const signedName = el('input', { id: 'share-signed-name', type: 'text', maxlength: MAX_TITLE, autocomplete: 'off', required: true });
  const signedTier = el('select', { id: 'share-signed-tier', 'aria-describedby': 'share-partner-warning' }, options([
    { value: 'public', label: t('share.tier.public') },
    { value: 'partner', label: t('share.tier.partner') },
  ]));
  const warning = el('p', { class: 'share-partner-warning', id: 'share-partner-warning' }, t('share.partnerWarning'));
  const days = numeric('share-signed-days', EXPIRY_DAYS.min, EXPIRY_DAYS.max, EXPIRY_DAYS.default, true);
  const create = button('share-signed-create', t('share.create'), 'primary');
  const signedMessage = el('p', { class: 'form-message', id: 'share-signed-message', role: 'status', 'aria-live': 'polite' });
  const signedUrl = el('input', { id: 'share-signed-url', type: 'text', readonly: true, spellcheck: 'false' });
  const signedUrlField = field(t('share.signedUrl'), signedUrl);
  signedUrlField.hidden = true;
  const unsign = button('share-signed-clear', t('share.unsigned'));
  unsign.hidden = true;
  const tierField = field(t('share.signedTier'), signedTier);
  tierField.append(warning);
  const signedPart = section('share-signed', t('share.signedHeading'), [
    el('p', { class: 'field-hint' }, t('share.signedIntro')),
    field(t('share.signedName'), signedName), tierField, field(t('share.expiry'), days), create, signedMessage, signedUrlField, unsign,
  ]);
  signedPart.hidden = true;

  const close = button('share-close', t('share.close'));
  const dialog = el('dialog', { class: 'dialog share-dialog', id: 'share-dialog', 'aria-labelledby': 'share-title', 'aria-describedby': 'share-intro' }, [
    el('h2', { id: 'share-title' }, t('share.title')),
    el('p', { class: 'dialog-intro', id: 'share-intro' }, t('share.intro')),
    status, linkPart, embedPart, imagePart, signedPart,
    el('div', { class: 'dialog-actions' }, close),
  ]);

  // State.
  // The map as it was when the dialog last opened (read on first use).
  let sharedMap: SharedMap | null = null;
  const current = (): SharedMap => (sharedMap ??= o.source.map());
  let signed: SignedEmbed | null = null;
  const frameSize = () => ({
    width: clamp(Number(width.value), RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, DEFAULT_FRAME.width),
    height: clamp(Number(height.value), RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, DEFAULT_FRAME.height),
  });
  const state = (): EmbedState => {
    const shared = current();
    const s: EmbedState = {
      layers: [...shared.layers],
      filters: { ...shared.filters },
      title: cleanTitle(title.value),
      legend: legend.checked,
      asof: isIsoDate(asof.value) ? asof.value : o.today,
      lang: i18n.lang,
    };
    if (shared.bbox) s.view = { bbox: shared.bbox };
    if (shared.risk) s.risk = shared.risk;
    return s;
  };
  const currentEmbedUrl = () => signed?.url ?? embedUrl(o.origin, state());

  let previewSrc = '';
  const showPreview = () => {
    if (!modal.isOpen) return;
    const src = currentEmbedUrl();
    const { height: h } = frameSize();
    preview.height = String(Math.min(h, 360));
    if (src !== previewSrc) {
      previewSrc = src;
      preview.src = src;
    }
  };
  const schedulePreview = debounce(showPreview, o.previewDelayMs ?? 500);

  const render = () => {
    const s = state();
    const src = currentEmbedUrl();
    const { width: w, height: h } = frameSize();
    snippet.value = iframeSnippet({ src, width: w, height: h, title: s.title || t('embed.defaultTitle') });
    oembed.textContent = t('share.oembed', { url: `${o.origin}/oembed?${new URLSearchParams({ url: src }).toString()}` });
    const shared = current();
    const imgSize = { width: shared.width, height: shared.height, ratio: SHARE_RATIO };
    png.href = renderUrl('png', s, imgSize, signed?.token ?? null);
    svg.href = renderUrl('svg', s, imgSize, signed?.token ?? null);
    const clamped = { width: clamp(shared.width, RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, 800), height: clamp(shared.height, RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, 500) };
    imageNote.textContent = t('share.downloadNote', clamped);
    // A signed embed fixes the title, the legend and the date.
    for (const c of [title, legend, asof]) c.disabled = signed !== null;
    signedUrlField.hidden = signed === null;
    signedUrl.value = signed?.url ?? '';
    unsign.hidden = signed === null;
    warning.classList.toggle('share-warning-on', signedTier.value === 'partner');
  };

  const modal = new Modal(dialog, () => {
    // Nothing runs in the dialog once it is closed.
    previewSrc = '';
    preview.removeAttribute('src');
    status.textContent = '';
  });

  const onChange = () => {
    render();
    schedulePreview();
  };
  for (const c of [title, legend, asof, width, height]) {
    c.addEventListener('input', onChange);
    c.addEventListener('change', onChange);
  }
  signedTier.addEventListener('change', render);

  const copy = async (f: HTMLInputElement | HTMLTextAreaElement) => {
    const how = await copyField(f, o.clipboard);
    status.textContent = how === 'copied' ? t('share.copied') : t('share.copyFallback');
  };
  linkCopy.addEventListener('click', () => void copy(link));
  snippetCopy.addEventListener('click', () => void copy(snippet));

  let creating = false;
  create.addEventListener('click', () => {
    if (creating) return;
    const name = signedName.value.trim();
    const d = Number(days.value);
    signedName.removeAttribute('aria-invalid');
    days.removeAttribute('aria-invalid');
    signedMessage.classList.remove('error');
    if (name === '') {
      signedName.setAttribute('aria-invalid', 'true');
      signedMessage.textContent = t('share.nameRequired');
      signedMessage.classList.add('error');
      signedName.focus();
      return;
    }
    if (!isExpiryDays(d)) {
      days.setAttribute('aria-invalid', 'true');
      signedMessage.textContent = t('share.expiryInvalid');
      signedMessage.classList.add('error');
      days.focus();
      return;
    }
    const s = state();
    if (!hasBBox(s)) return;
    const tier: SignedTier = signedTier.value === 'partner' ? 'partner' : 'public';
    creating = true;
    create.disabled = true;
    signedMessage.textContent = t('share.creating');
    createSignedEmbed(o.session, signedEmbedBody(s, name, tier, d), o.origin).then(
      (made) => {
        signed = made;
        const tierName = t(made.tier === 'partner' ? 'share.tierName.partner' : 'share.tierName.public');
        signedMessage.textContent = made.expiresAt
          ? t('share.created', { name, tier: tierName, date: made.expiresAt.slice(0, 10) })
          : t('share.createdNoExpiry', { name, tier: tierName });
        render();
        showPreview();
      },
      (err) => {
        signedMessage.textContent = t('share.createFailed', { message: errorMessage(i18n, err) });
        signedMessage.classList.add('error');
      },
    ).finally(() => {
      creating = false;
      create.disabled = false;
    });
  });
  unsign.addEventListener('click', () => {
    signed = null;
    signedMessage.textContent = '';
    render();
    showPreview();
    create.focus();
  });

  const renderRole = () => {
    const allowed = canSignEmbeds(o.session.info?.role);
    signedPart.hidden = !allowed;
    if (!allowed && signed) {
      signed = null;
      signedMessage.textContent = '';
      render();
    }
  };
  o.session.subscribe(renderRole);
  renderRole();

  close.addEventListener('click', () => modal.close(openButton));
  const open = () => {
    sharedMap = o.source.map();
    link.value = o.source.pageUrl();
    status.textContent = '';
    render();
    modal.open(link);
    showPreview();
  };
  openButton.addEventListener('click', open);

  return {
    button: openButton,
    dialog,
    open,
    close: () => modal.close(openButton),
    state,
  };
}
