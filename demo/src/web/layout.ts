import { type Html, html } from './html.js';
import type { Flash } from './session.js';
import type { Texts } from './texts.js';

export type NavItem = 'account' | 'outbox' | 'log' | 'self-service' | 'shop';

export interface PageOptions {
  readonly t: Texts;
  readonly title: string;
  /** This page's path, for the language switch to come back to. */
  readonly path: string;
  readonly csrf: string;
  readonly body: Html;
  readonly flash?: readonly Flash[];
  /** The bank's menu, for a customer who is logged on; the current item is marked. */
  readonly nav?: NavItem | 'none';
  /** The web shop has its own header. */
  readonly brand?: 'bank' | 'shop';
}

/** The page around every view: skip link, header with menu and language switch, messages, footer. */
export function page(o: PageOptions): string {
  const { t } = o;
  const brand = o.brand === 'shop' ? t.shopName : t.bankName;
  const home = o.brand === 'shop' ? '/shop' : '/';
  const switchLang = `/lang/${t.otherLanguageCode}?next=${encodeURIComponent(o.path)}`;
  return `<!doctype html>\n${
    html`<html lang="${t.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} – ${brand}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body class="${o.brand === 'shop' ? 'shop' : 'bank'}">
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="top">
  <div class="top-inner">
    <a class="brand" href="${home}">${brand}</a>
    ${o.nav !== undefined && o.nav !== 'none' ? menu(t, o.nav, o.csrf) : ''}
    <a class="lang" href="${switchLang}" lang="${t.otherLanguageCode}" hreflang="${t.otherLanguageCode}">${t.otherLanguage}</a>
  </div>
</header>
<main id="main" tabindex="-1">
${messages(o.flash ?? [])}
${o.body}
</main>
<footer class="bottom"><p>${t.footer}</p></footer>
</body>
</html>
`.text
  }`;
}

function menu(t: Texts, current: NavItem, csrf: string): Html {
  const item = (key: NavItem, href: string, label: string) =>
    html`<li><a href="${href}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav aria-label="${t.nav}">
    <ul class="menu">
      ${item('account', '/account', t.navAccount)}
      ${item('outbox', '/outbox', t.navOutbox)}
      ${item('log', '/log', t.navLog)}
      ${item('self-service', '/self-service', t.navSelfService)}
      ${item('shop', '/shop', t.navShop)}
      <li><form method="post" action="/logoff" class="inline">${csrfField(csrf)}<button type="submit" class="link-button">${t.logOff}</button></form></li>
    </ul>
  </nav>`;
}

function messages(flash: readonly Flash[]): Html {
  return html`${flash.map((f) =>
    f.kind === 'error'
      ? html`<p class="message error" role="alert">${f.text}</p>`
      : html`<p class="message ok" role="status">${f.text}</p>`,
  )}`;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
