// Server-rendered HTML for the dashboard: every interpolated value is escaped unless it is a piece of
// HTML built by `html` itself, so a field value such as `<script>` is shown as text, never run.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Value = Html | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

export type NavKey = 'home' | 'applications' | 'notices' | 'members' | 'broadcasts' | 'motions' | 'delivery';

const NAV: [NavKey, string, string][] = [
  ['home', '概览', '/admin'],
  ['applications', '入盟申请', '/admin/applications'],
  ['notices', '公示与异议', '/admin/notices'],
  ['members', '成员单位', '/admin/members'],
  ['broadcasts', '群发通知', '/admin/broadcasts'],
  ['motions', '大会表决', '/admin/motions'],
  ['delivery', '消息投递', '/admin/delivery'],
];

export type PageContext = { user: string; csrf: string };

/** The hidden CSRF field every form carries. */
export const csrfField = (page: PageContext): Html => html`<input type="hidden" name="_csrf" value="${page.csrf}" />`;

/** Every page's <head>: its title, the phone viewport, the stylesheet. */
const head = (title: string): Html =>
  html`<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="same-origin" />
    <title>${title} · 联盟秘书处后台</title>
    <link rel="stylesheet" href="/admin/static/admin.css" />
  </head>`;

export function layout(page: PageContext, active: NavKey, title: string, body: Html, flash?: string): string {
  return html`<!doctype html>
    <html lang="zh-CN">
      ${head(title)}
      <body>
        <header class="top">
          <a class="brand" href="/admin">联盟秘书处后台</a>
          <form method="post" action="/admin/logout" class="logout">
            ${csrfField(page)} <span class="who">${page.user}</span><button type="submit">退出登录</button>
          </form>
        </header>
        <nav class="nav" aria-label="主菜单">
          ${NAV.map(
            ([key, label, href]) =>
              html`<a href="${href}" ${key === active ? html` aria-current="page"` : ''}>${label}</a>`,
          )}
        </nav>
        <main>
          <h1>${title}</h1>
          ${flash ? html`<p class="flash" role="status">${flash}</p>` : ''} ${body}
        </main>
      </body>
    </html>`.text;
}

/** A page without the menu: login, errors. */
export function plainPage(title: string, body: Html): string {
  return html`<!doctype html>
    <html lang="zh-CN">
      ${head(title)}
      <body>
        <main class="narrow">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.text;
}
