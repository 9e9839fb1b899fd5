import { Modal } from '../../shared/dialog';
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
export function createShareDialog(doc: Document, i18n: I18n, o: ShareOptions): ShareDialog {
  const { t } = i18n;
  let n = 0;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  /** A labelled field; `hint` is its description. */
  const field = (label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement => {
    const wrap = el('div', 'field');
    const l = el('label', undefined, label);
    control.id ||= `share-field-${++n}`;
    l.htmlFor = control.id;
    wrap.append(l, control);
    if (hint) {
      const h = el('p', 'field-hint', hint);
      h.id = `${control.id}-hint`;
      control.setAttribute('aria-describedby', h.id);
      wrap.append(h);
    }
    return wrap;
  };
  const section = (id: string, heading: string): { section: HTMLElement; heading: HTMLElement } => {
    const s = el('section', 'share-section');
    s.id = id;
    const h = el('h3', undefined, heading);
    h.id = `${id}-heading`;
    s.setAttribute('aria-labelledby', h.id);
    s.append(h);
    return { section: s, heading: h };
  };
  const input = (id: string, type: string): HTMLInputElement => {
    const i = el('input');
    i.id = id;
    i.type = type;
    return i;
  };
  const button = (id: string, text: string, cls?: string): HTMLButtonElement => {
    const b = el('button', cls, text);
    b.type = 'button';
    b.id = id;
    return b;
  };

  const openButton = button('share-open', t('share.open'), 'share-open');
  openButton.setAttribute('aria-haspopup', 'dialog');

  const dialog = el('dialog', 'dialog share-dialog');
  dialog.id = 'share-dialog';
  const h2 = el('h2', undefined, t('share.title'));
  h2.id = 'share-title';
  const intro = el('p', 'dialog-intro', t('share.intro'));
  intro.id = 'share-intro';
  dialog.setAttribute('aria-labelledby', h2.id);
  dialog.setAttribute('aria-describedby', intro.id);
  const status = el('p', 'share-status');
  status.id = 'share-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');

  // The link to this view.
  const linkPart = section('share-link-section', t('share.link'));
  const link = input('share-link', 'text');
  link.readOnly = true;
  link.spellcheck = false;
  const linkCopy = button('share-link-copy', t('share.copy'));
  const linkLabel = el('label', 'visually-hidden', t('share.link'));
  linkLabel.htmlFor = link.id;
  const linkRow = el('div', 'share-copy-row');
  linkRow.append(link, linkCopy);
  linkPart.section.append(linkLabel, linkRow);

  // The embed: options, snippet, oEmbed, preview.
  const embedPart = section('share-embed-section', t('share.embedHeading'));
  const title = input('share-embed-title', 'text');
  title.maxLength = MAX_TITLE;
  title.autocomplete = 'off';
  const legend = input('share-legend', 'checkbox');
  legend.checked = true;
  const legendWrap = el('div', 'field field-check');
  const legendLabel = el('label', undefined, t('share.legend'));
  legendLabel.htmlFor = legend.id;
  legendWrap.append(legend, legendLabel);
  const asof = input('share-asof', 'date');
  asof.value = o.today;
  asof.required = true;
  const width = input('share-width', 'number');
  const height = input('share-height', 'number');
  for (const [i, v] of [[width, DEFAULT_FRAME.width], [height, DEFAULT_FRAME.height]] as const) {
    i.min = String(RENDER_LIMITS.minSize);
    i.max = String(RENDER_LIMITS.maxSize);
    i.step = '1';
    i.value = String(v);
    i.inputMode = 'numeric';
  }
  const size = el('div', 'share-size');
  size.append(field(t('share.width'), width), field(t('share.height'), height));
  const sizeHint = el('p', 'field-hint', t('share.sizeHint'));
  const snippet = el('textarea', 'share-snippet');
  snippet.id = 'share-snippet';
  snippet.readOnly = true;
  snippet.rows = 4;
  snippet.spellcheck = false;
  const snippetCopy = button('share-snippet-copy', t('share.copySnippet'));
  const oembed = el('p', 'share-oembed');
  oembed.id = 'share-oembed';
  const previewHeading = el('h4', undefined, t('share.preview'));
  const preview = el('iframe', 'share-preview');
  preview.id = 'share-preview';
  preview.title = t('share.previewLabel');
  preview.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
  embedPart.section.append(
    field(t('share.embedTitle'), title, t('share.embedTitleHint')),
    legendWrap,
    field(t('share.asof'), asof),
    size,
    sizeHint,
    field(t('share.snippet'), snippet),
    snippetCopy,
    oembed,
    previewHeading,
    preview,
  );

  // The image.
  const imagePart = section('share-image-section', t('share.downloadHeading'));
  const imageNote = el('p', 'field-hint');
  imageNote.id = 'share-image-note';
  const png = el('a', 'share-download', t('share.downloadPng'));
  png.id = 'share-png';
  png.setAttribute('download', '');
  const svg = el('a', 'share-download', t('share.downloadSvg'));
  svg.id = 'share-svg';
  svg.setAttribute('download', '');
  const downloads = el('p', 'share-downloads');
  downloads.append(png, svg);
  imagePart.section.append(imageNote, downloads);

  // The signed embed (staff and above).
  const signedPart = section('share-signed', t('share.signedHeading'));
  signedPart.section.hidden = true;
  const signedIntro = el('p', 'field-hint', t('share.signedIntro'));
  const signedName = input('share-signed-name', 'text');
  signedName.maxLength = MAX_TITLE;
  signedName.autocomplete = 'off';
  signedName.required = true;
  const signedTier = el('select');
  signedTier.id = 'share-signed-tier';
  for (const v of ['public', 'partner'] as const) {
    const opt = el('option', undefined, t(v === 'public' ? 'share.tier.public' : 'share.tier.partner'));
    opt.value = v;
    signedTier.append(opt);
  }
  const warning = el('p', 'share-partner-warning', t('share.partnerWarning'));
  warning.id = 'share-partner-warning';
  const days = input('share-signed-days', 'number');
  days.min = String(EXPIRY_DAYS.min);
  days.max = String(EXPIRY_DAYS.max);
  days.step = '1';
  days.value = String(EXPIRY_DAYS.default);
  days.inputMode = 'numeric';
  days.required = true;
  const create = button('share-signed-create', t('share.create'), 'primary');
  const signedMessage = el('p', 'form-message');
  signedMessage.id = 'share-signed-message';
  signedMessage.setAttribute('role', 'status');
  signedMessage.setAttribute('aria-live', 'polite');
  const signedUrl = input('share-signed-url', 'text');
  signedUrl.readOnly = true;
  signedUrl.spellcheck = false;
  const signedUrlField = field(t('share.signedUrl'), signedUrl);
  signedUrlField.hidden = true;
  const unsign = button('share-signed-clear', t('share.unsigned'));
  unsign.hidden = true;
  const tierField = field(t('share.signedTier'), signedTier);
  tierField.append(warning);
  signedTier.setAttribute('aria-describedby', warning.id);
  signedPart.section.append(
    signedIntro, field(t('share.signedName'), signedName), tierField, field(t('share.expiry'), days), create, signedMessage, signedUrlField, unsign,
  );

  const actions = el('div', 'dialog-actions');
  const close = button('share-close', t('share.close'));
  actions.append(close);
  dialog.append(h2, intro, status, linkPart.section, embedPart.section, imagePart.section, signedPart.section, actions);

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
    signedPart.section.hidden = !allowed;
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
