/* global document, fetch, CSS, EventSource, localStorage, FormData */
// The playground page: pick a persona, chat, click card buttons, download and upload files, and see
// every persona's messages arrive live (one server-sent-events stream). Everything shown is put in
// the page as text (textContent), never as HTML.
const API = '/playground/api';
const ROLE_NAMES = { applicant: '申请单位', secretariat: '秘书处', member: '成员代表' };
const $ = (id) => document.getElementById(id);

const state = { personas: [], current: undefined, logs: new Map(), unread: new Map(), source: undefined };

async function api(path, options = {}) {
  const res = await fetch(`${API}${path}`, { credentials: 'same-origin', ...options });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : {};
  if (!res.ok) throw new Error(body.error ?? `请求失败（${res.status}）`);
  return body;
}

const post = (path, json) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children.filter(Boolean));
  return node;
}

function status(text) {
  $('status').textContent = text ?? '';
}

function renderPersonas() {
  const list = $('personas');
  list.replaceChildren(
    ...state.personas.map((p) => {
      const unread = state.unread.get(p.id) ?? 0;
      const button = el(
        'button',
        {
          type: 'button',
          'aria-pressed': String(p.id === state.current),
          'data-persona': p.id,
          title: `${ROLE_NAMES[p.role]}（用户编号 ${p.id}）`,
          onclick: () => choose(p.id),
        },
        `${p.name}`,
        unread > 0 ? el('span', { class: 'badge', text: String(unread), 'aria-label': `${unread} 条新消息` }) : null,
      );
      return el('li', {}, button);
    }),
  );
  const me = state.personas.find((p) => p.id === state.current);
  $('who').textContent = me ? `当前用户：${me.name} · ${ROLE_NAMES[me.role]} · 编号 playground:${me.id}` : '';
}

function renderEntry(entry) {
  const item = el('li', { class: `msg ${entry.from} ${entry.kind}`, 'data-ref': entry.ref });
  if (entry.kind === 'text') {
    item.append(el('span', { text: entry.text ?? '' }));
    if (entry.citations?.length)
      item.append(
        el(
          'ul',
          { class: 'cite', 'aria-label': '出处' },
          ...entry.citations.map((c) => el('li', { text: `${c.section} ${c.title}` })),
        ),
      );
  } else if (entry.kind === 'file') {
    const name = `📎 ${entry.file?.name ?? ''}`;
    if (entry.from === 'bot' && entry.file?.id) {
      const href = `${API}/personas/${encodeURIComponent(state.current)}/files/${encodeURIComponent(entry.file.id)}`;
      item.append(el('a', { href, download: entry.file.name, text: name }));
    } else item.append(el('span', { text: name }));
    if (entry.text) item.append(el('p', { text: entry.text }));
  } else if (entry.kind === 'card') {
    const card = entry.card;
    item.setAttribute('role', 'group');
    item.setAttribute('aria-label', card.title);
    item.append(el('h2', { text: card.title }));
    for (const line of card.lines) item.append(el('p', { text: line }));
    if (card.fields.length)
      item.append(
        el('dl', {}, ...card.fields.flatMap((f) => [el('dt', { text: f.label }), el('dd', { text: f.value })])),
      );
    if (card.buttons.length) {
      const persona = state.current;
      item.append(
        el(
          'div',
          { class: 'buttons' },
          ...card.buttons.map((b, index) =>
            el('button', {
              type: 'button',
              class: b.style,
              text: b.label,
              onclick: (e) => click(persona, entry.ref, index, e),
            }),
          ),
        ),
      );
    }
    if (entry.expiresAt)
      item.append(
        el('p', {
          class: 'expires',
          text: `有效期至 ${new Date(entry.expiresAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}（北京时间）`,
        }),
      );
  }
  return item;
}

function renderLog() {
  const entries = state.logs.get(state.current) ?? [];
  $('log').replaceChildren(...entries.map(renderEntry));
  scrollDown();
}

function scrollDown() {
  const last = $('log').lastElementChild;
  last?.scrollIntoView({ block: 'end' });
}

function onEvent(event) {
  if (event.type === 'history') {
    state.logs.set(event.persona, event.entries);
    if (event.persona === state.current) renderLog();
    return;
  }
  const log = state.logs.get(event.persona) ?? [];
  const at = log.findIndex((e) => e.ref === event.entry.ref);
  if (event.type === 'update' && at >= 0) log[at] = event.entry;
  else if (at < 0) log.push(event.entry);
  state.logs.set(event.persona, log);
  if (event.persona !== state.current) {
    if (event.type === 'message' && event.entry.from === 'bot') {
      state.unread.set(event.persona, (state.unread.get(event.persona) ?? 0) + 1);
      renderPersonas();
    }
    return;
  }
  const node = document.querySelector(`#log [data-ref="${CSS.escape(event.entry.ref)}"]`);
  if (node) node.replaceWith(renderEntry(event.entry));
  else {
    $('log').append(renderEntry(event.entry));
    scrollDown();
  }
}

function connect() {
  state.source?.close();
  const ids = state.personas.map((p) => p.id).join(',');
  const source = new EventSource(`${API}/events?personas=${encodeURIComponent(ids)}`);
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
  source.onopen = () => status('');
  source.onerror = () => status('与服务器的连接断开了，正在重连…');
  state.source = source;
}

function choose(id) {
  state.current = id;
  state.unread.delete(id);
  localStorage.setItem('playground.persona', id);
  renderPersonas();
  renderLog();
  $('text').focus();
}

async function click(persona, ref, index, event) {
  const buttons = event.target.closest('.buttons')?.querySelectorAll('button') ?? [];
  buttons.forEach((b) => (b.disabled = true));
  try {
    await api(`/personas/${encodeURIComponent(persona)}/cards/${encodeURIComponent(ref)}/buttons/${index}`, {
      method: 'POST',
    });
    status('');
  } catch (error) {
    status(error.message);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

async function sendText(event) {
  event.preventDefault();
  const input = $('text');
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  try {
    await post(`/personas/${encodeURIComponent(state.current)}/messages`, { text });
    status('');
  } catch (error) {
    input.value = text;
    status(error.message);
  }
}

async function upload() {
  const input = $('file');
  const file = input.files?.[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    await api(`/personas/${encodeURIComponent(state.current)}/files`, { method: 'POST', body: form });
    status('');
  } catch (error) {
    status(error.message);
  } finally {
    input.value = '';
  }
}

async function createPersona(event) {
  event.preventDefault();
  try {
    const made = await post('/personas', { name: $('persona-name').value, role: $('persona-role').value });
    state.personas = await api('/personas');
    $('new-persona').hidden = true;
    $('new-persona-toggle').setAttribute('aria-expanded', 'false');
    $('persona-name').value = '';
    connect();
    choose(made.id);
  } catch (error) {
    status(error.message);
  }
}

async function start() {
  const info = await api('/info');
  const banner = $('trial-banner');
  if (info.trial) {
    banner.hidden = false;
    banner.textContent = info.applicationsOpen
      ? '这是本机试用环境：申请窗口开放，可以完整走一遍入盟流程。正式环境按入盟通知，申请截止于 2019 年 9 月 26 日，今天提交会被告知已过截止日期。'
      : `这是本机试用环境：入盟申请截止日按设置为 ${info.deadline}。`;
  }
  state.personas = await api('/personas');
  const saved = localStorage.getItem('playground.persona');
  state.current = state.personas.some((p) => p.id === saved) ? saved : state.personas[0]?.id;
  renderPersonas();
  connect();
  $('composer').addEventListener('submit', sendText);
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) sendText(e);
  });
  $('file').addEventListener('change', upload);
  $('new-persona').addEventListener('submit', createPersona);
  $('new-persona-toggle').addEventListener('click', () => {
    const form = $('new-persona');
    form.hidden = !form.hidden;
    $('new-persona-toggle').setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) $('persona-name').focus();
  });
}

start().catch((error) => status(error.message));
