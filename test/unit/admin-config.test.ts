// The dashboard's settings and its HTML escaping: PUBLIC_URL as the base of login links (a trailing
// slash dropped, anything but an http(s) address without query or fragment refused), the link and
// session lifetimes, and values escaped wherever they are interpolated.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { escapeHtml, html } from '../../src/admin/html.ts';
import { loginUrl } from '../../src/admin/tokens.ts';

describe('dashboard config', () => {
  it('defaults: no PUBLIC_URL, links for 10 minutes, sessions for 8 hours', () => {
    const c = loadConfig({});
    expect(c.admin).toEqual({ publicUrl: undefined, linkTtlMs: 600_000, sessionTtlMs: 8 * 3_600_000 });
  });

  it('reads PUBLIC_URL and the lifetimes; a trailing slash does not double in the link', () => {
    const c = loadConfig({
      PUBLIC_URL: 'https://bot.example.edu.cn/alliance/',
      ADMIN_LINK_TTL: '5m',
      ADMIN_SESSION_TTL: '2h',
    });
    expect(c.admin).toEqual({
      publicUrl: 'https://bot.example.edu.cn/alliance',
      linkTtlMs: 300_000,
      sessionTtlMs: 7_200_000,
    });
    expect(loginUrl(c.admin.publicUrl!, 'abc')).toBe('https://bot.example.edu.cn/alliance/admin/login?token=abc');
  });

  it.each(['bot.example.com', 'ftp://x', 'javascript:alert(1)', 'https://x/?a=1', 'https://x/#f', 'https://a b'])(
    'refuses PUBLIC_URL %j with the variable named',
    (value) => {
      expect(() => loadConfig({ PUBLIC_URL: value })).toThrow(ConfigError);
      try {
        loadConfig({ PUBLIC_URL: value });
      } catch (error) {
        expect((error as ConfigError).message).toContain('PUBLIC_URL');
      }
    },
  );

  it('refuses a lifetime that is not a duration', () => {
    expect(() => loadConfig({ ADMIN_LINK_TTL: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_SESSION_TTL: 'forever' })).toThrow(ConfigError);
  });
});

// Prettier lays out `html` templates over lines: compare without the line breaks it adds.
const flat = (text: string) => text.replace(/\n\s*/g, '');

describe('html', () => {
  it('escapes every interpolated value, nested pieces once', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    const name = '<script>alert(1)</script>';
    expect(flat(html`<p title="${name}">${name}</p>`.text)).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
    expect(
      flat(
        html`<ul>
          ${[name, html`<li>${name}</li>`]}
        </ul>`.text,
      ),
    ).toBe('<ul>&lt;script&gt;alert(1)&lt;/script&gt;<li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul>');
    expect(flat(html`${null}${undefined}${false}${0}`.text)).toBe('0');
  });
});
