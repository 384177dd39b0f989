// Renders the server's OpenAPI document (/openapi/v1.json) as a readable page: one section per tag, each
// operation with its parameters, body, answers and whether it needs a token. Text only, through h().
import { h, replaceChildren } from './dom.js';

const DOCUMENT = '/openapi/v1.json';
const root = document.getElementById('api');

function schemaName(schema) {
  if (!schema) return '';
  if (schema.$ref) return schema.$ref.split('/').pop();
  if (schema.type === 'array') return `${schemaName(schema.items)}[]`;
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'object');
}

function contentSchema(content) {
  const json = content && (content['application/json'] ?? Object.values(content)[0]);
  return json ? schemaName(json.schema) : '';
}

function operationView(path, method, op) {
  const secured = (op.security ?? []).length > 0;
  const params = (op.parameters ?? []).map(p =>
    h('li', {}, h('code', { text: p.name }), ` (${p.in}${p.required ? ', required' : ''}) `, schemaName(p.schema)));
  const body = op.requestBody ? h('p', {}, 'Body: ', h('code', { text: contentSchema(op.requestBody.content) })) : null;
  const answers = Object.entries(op.responses ?? {}).map(([status, r]) =>
    h('li', {}, h('strong', { text: status }), ' ', r.description ?? '', ' ', h('code', { text: contentSchema(r.content) })));
  return h('article', { class: 'api-op', id: `${method}-${path}` },
    h('h3', {}, h('span', { class: `api-method api-${method}`, text: method.toUpperCase() }), ' ', h('code', { text: path }),
      secured ? h('span', { class: 'api-lock', title: 'Needs Authorization: Bearer <token>', text: ' 🔒 token' }) : null),
    op.summary ? h('p', { text: op.summary }) : null,
    op.description ? h('p', { class: 'muted', text: op.description }) : null,
    params.length ? h('div', {}, h('p', { text: 'Parameters' }), h('ul', {}, params)) : null,
    body,
    h('p', { text: 'Answers' }), h('ul', {}, answers));
}

function documentView(doc) {
  const byTag = new Map();
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(operations)) {
      const tag = op.tags?.[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operationView(path, method, op));
    }
  }

  const schemas = Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) =>
    h('li', {}, h('code', { text: name }), ': ',
      Object.entries(schema.properties ?? {}).map(([key, value]) => `${key} (${schemaName(value)})`).join(', ')));
  return [
    h('h1', { text: doc.info?.title ?? 'API' }),
    h('p', { class: 'muted', text: doc.info?.description ?? '' }),
    h('p', {}, 'Machine-readable: ', h('a', { href: DOCUMENT, text: DOCUMENT }), ' · Postman: docs/fatechat.postman_collection.json · ',
      h('a', { href: '/', text: 'back to the chat' })),
    [...byTag].map(([tag, ops]) => h('section', { class: 'api-tag' }, h('h2', { text: tag }), ops)),
    h('section', { class: 'api-tag' }, h('h2', { text: 'Schemas' }), h('ul', {}, schemas)),
  ];
}

try {
  const response = await fetch(DOCUMENT, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${DOCUMENT} answered ${response.status}`);
  replaceChildren(root, documentView(await response.json()));
} catch (error) {
  replaceChildren(root, h('p', { class: 'error', text: `Could not load the API description: ${error.message}` }));
} finally {
  root.removeAttribute('aria-busy');
}
