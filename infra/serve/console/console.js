// The txnflow console: plain DOM, no framework. Every value from the server is put on the
// page as text (textContent), never as HTML, so an email or a file cannot inject markup.
const token = document.querySelector('meta[name="txnflow-token"]').content;
const maxUploadBytes = Number(document.querySelector('meta[name="txnflow-max-upload"]').content);
const $ = (id) => document.getElementById(id);

/** An element with text and attributes; children appended as given. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

const button = (text, onclick, label) =>
  el('button', { type: 'button', text, onclick, ...(label ? { 'aria-label': label } : {}) });

async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(await problemText(response));
  return response.json();
}

/** A state-changing request: same origin, with this run's token. */
async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-txnflow-token': token },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(await problemText(response));
  return response.json();
}

function fillRows(tbody, rows) {
  tbody.replaceChildren(...rows.map((cells) => el('tr', {}, ...cells)));
}

const cell = (text, className) =>
  el('td', { text: String(text), ...(className ? { class: className } : {}) });
const actionCell = (...buttons) => el('td', {}, ...buttons);

// ---- upload, with progress ----

function uploadFile(file) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/ingest/uploads?name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader('content-type', 'text/plain');
    request.setRequestHeader('x-txnflow-token', token);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) $('upload-progress').value = (100 * event.loaded) / event.total;
    });
    request.addEventListener('load', () => {
      let body;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = {};
      }
      if (request.status === 202) resolve(body);
      else reject(new Error(body.detail ?? `upload failed: ${request.status}`));
    });
    request.addEventListener('error', () => reject(new Error('upload failed: network error')));
    request.send(file);
  });
}

$('upload-limit').textContent = `${Math.round(maxUploadBytes / 1024 / 1024)} MiB`;
$('upload-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('upload-file').files[0];
  const status = $('upload-status');
  if (!file) return;
  if (file.size > maxUploadBytes) {
    status.textContent = `${file.name} is larger than the limit`;
    return;
  }
  $('upload-progress').hidden = false;
  $('upload-progress').value = 0;
  status.textContent = `uploading ${file.name}…`;
  try {
    const upload = await uploadFile(file);
    $('upload-progress').value = 100;
    status.replaceChildren(
      `Uploaded ${upload.key} (${upload.bytes} bytes, version ${upload.versionId}); ingest has started. `,
      button('Trace this upload', () => showTrace(upload.key)),
    );
  } catch (error) {
    status.textContent = error.message;
    status.className = 'error';
  }
});

// ---- balances and entries ----

let entriesOf;
async function showEntries(customerId, cursor) {
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
  const balance = await getJson(`/api/ledger/balances/${encodeURIComponent(customerId)}${query}`);
  entriesOf = customerId;
  $('entries-view').hidden = false;
  $('entries-title').textContent = `Ledger of ${customerId}: balance ${balance.balance}`;
  const rows = balance.entries.items.map((e) => [
    cell(e.transactionId),
    cell(e.date),
    cell(e.amount, 'num'),
    cell(e.before, 'num'),
    cell(e.after, 'num'),
    cell(e.version, 'num'),
    cell(e.crossed ? 'yes' : ''),
    actionCell(
      button(
        'Trace',
        () => showTrace(`${customerId}/${e.transactionId}`),
        `Trace ${customerId}/${e.transactionId}`,
      ),
    ),
  ]);
  const tbody = $('entries-table').tBodies[0];
  if (cursor) tbody.append(...rows.map((cells) => el('tr', {}, ...cells)));
  else fillRows(tbody, rows);
  const more = $('entries-more');
  more.hidden = !balance.entries.nextCursor;
  more.onclick = () => showEntries(customerId, balance.entries.nextCursor);
}

async function refreshBalances() {
  const page = await getJson('/api/ledger/balances?limit=100');
  fillRows(
    $('balances-table').tBodies[0],
    page.items.map((b) => [
      el('th', { scope: 'row', text: b.customerId }),
      cell(b.balance, 'num'),
      cell(b.version, 'num'),
      actionCell(button('Entries', () => showEntries(b.customerId), `Entries of ${b.customerId}`)),
    ]),
  );
  if (entriesOf && !$('entries-view').hidden) await showEntries(entriesOf);
}

// ---- alerts ----

async function refreshAlerts() {
  const page = await getJson('/api/alerting/alerts?limit=100');
  fillRows(
    $('alerts-table').tBodies[0],
    page.items.map((a) => [
      cell(a.alertId),
      cell(a.customerId),
      cell(a.balance, 'num'),
      cell(a.threshold, 'num'),
      cell(a.detectedAt),
      cell(a.emailed ? 'yes' : 'no'),
      actionCell(button('Trace', () => showTrace(a.alertId), `Trace alert ${a.alertId}`)),
    ]),
  );
}

// ---- customers and transactions ----

async function showTransactions(customerId, cursor) {
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
  const page = await getJson(
    `/api/ingest/customers/${encodeURIComponent(customerId)}/transactions${query}`,
  );
  $('transactions-view').hidden = false;
  $('transactions-title').textContent = `Transactions of ${customerId}`;
  const rows = page.items.map((t) => [cell(t.transactionId), cell(t.date), cell(t.amount, 'num')]);
  const tbody = $('transactions-table').tBodies[0];
  if (cursor) tbody.append(...rows.map((cells) => el('tr', {}, ...cells)));
  else fillRows(tbody, rows);
  $('transactions-more').hidden = !page.nextCursor;
  $('transactions-more').onclick = () => showTransactions(customerId, page.nextCursor);
}

async function refreshCustomers(cursor) {
  const page = await getJson(
    `/api/ingest/customers?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
  const rows = page.items.map((c) => [
    el('th', { scope: 'row', text: c.customerId }),
    cell(c.address),
    actionCell(
      button(
        'Transactions',
        () => showTransactions(c.customerId),
        `Transactions of ${c.customerId}`,
      ),
    ),
  ]);
  const tbody = $('customers-table').tBodies[0];
  if (cursor) tbody.append(...rows.map((cells) => el('tr', {}, ...cells)));
  else fillRows(tbody, rows);
  $('customers-more').hidden = !page.nextCursor;
  $('customers-more').onclick = () => refreshCustomers(page.nextCursor);
}

// ---- outbox and the email viewer ----

async function openEmail(messageId) {
  const email = await getJson(`/api/console/outbox/${encodeURIComponent(messageId)}`);
  $('email-view').hidden = false;
  $('email-subject').textContent = email.subject;
  $('email-headers').replaceChildren(
    ...Object.entries(email.headers).flatMap(([name, value]) => [
      el('dt', { text: name }),
      el('dd', { text: value }),
    ]),
  );
  $('email-body').textContent = email.body;
  $('email-close').focus();
}
$('email-close').addEventListener('click', () => {
  $('email-view').hidden = true;
});

function renderOutbox(outbox) {
  fillRows(
    $('outbox-table').tBodies[0],
    outbox.map((m) => [
      cell(m.date),
      cell(m.to),
      cell(m.subject),
      actionCell(button('Open', () => openEmail(m.messageId), `Open email ${m.subject}`)),
    ]),
  );
}

// ---- queues, messages, redrive ----

let openQueue;
async function showQueue(name) {
  const queue = await getJson(`/api/console/queues/${encodeURIComponent(name)}`);
  openQueue = name;
  $('queue-view').hidden = false;
  $('queue-title').textContent = `${name}: ${queue.messages.length} message(s)`;
  $('queue-messages').replaceChildren(
    ...queue.messages.map((m) =>
      el(
        'li',
        {},
        el('p', {
          text: `${m.messageId} · sent ${m.sentAt} · received ${m.receiveCount} time(s)${m.errorMessage ? ` · error: ${m.errorMessage}` : ''}`,
        }),
        el('pre', { text: prettyJson(m.body) }),
      ),
    ),
  );
}

const prettyJson = (text) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

async function redrive(name) {
  const status = $('queue-status');
  status.textContent = `redriving ${name}…`;
  try {
    const result = await postJson(`/api/console/queues/${encodeURIComponent(name)}/redrive`);
    status.textContent = `Redrove ${result.moved} message(s) from ${name}${result.failed ? `; ${result.failed} failed again` : ''}.`;
  } catch (error) {
    status.textContent = error.message;
  }
  await refresh();
}

function renderQueues(queues) {
  fillRows(
    $('queues-table').tBodies[0],
    queues.map((q) => [
      el('th', {
        scope: 'row',
        text: q.name,
        ...(q.deadLetter && q.messages > 0 ? { class: 'dead' } : {}),
      }),
      cell(q.deadLetter ? 'dead-letter queue' : 'queue'),
      cell(q.messages, 'num'),
      actionCell(
        button('Messages', () => showQueue(q.name), `Messages of ${q.name}`),
        q.deadLetter && q.messages > 0
          ? button('Redrive', () => redrive(q.name), `Redrive ${q.name}`)
          : undefined,
      ),
    ]),
  );
  $('queue-view').hidden = true;
  if (openQueue) $('queue-view').hidden = false;
}

// ---- bus rules ----

function renderRules(rules) {
  $('rules').replaceChildren(
    ...rules.map((rule) =>
      el(
        'details',
        {},
        el('summary', {
          text: `${rule.name} (bus ${rule.bus}) → ${rule.targets.map((t) => `${t.kind} ${t.destination}`).join(', ')}`,
        }),
        el('h4', { text: 'Event pattern' }),
        el('pre', { text: JSON.stringify(rule.pattern, null, 2) }),
        el('h4', { text: 'Targets' }),
        el('pre', { text: JSON.stringify(rule.targets, null, 2) }),
      ),
    ),
  );
}

// ---- archive and replays ----

let rulesShown = false;
// The window follows the archive's span until the person edits it.
let windowEdited = false;
for (const id of ['replay-from', 'replay-to']) {
  $(id).addEventListener('input', () => {
    windowEdited = true;
  });
}

function renderArchive(archive, rules, replays) {
  $('archive-summary').textContent = archive.first
    ? `${archive.name}: ${archive.events} event(s), event times ${archive.first} to ${archive.last}`
    : `${archive.name}: empty`;
  if (archive.first && !windowEdited) {
    $('replay-from').value = archive.first;
    // A replay's end is exclusive of nothing it should take: one second past the last event.
    $('replay-to').value = new Date(Date.parse(archive.last) + 1000).toISOString();
  }
  if (!rulesShown) {
    rulesShown = true;
    $('replay-rules').append(
      ...rules
        .filter((r) => r.bus !== 'default')
        .map((r) =>
          el(
            'label',
            {},
            el('input', { type: 'checkbox', name: 'rule', value: r.name }),
            ` ${r.name}`,
          ),
        ),
    );
  }
  fillRows(
    $('replays-table').tBodies[0],
    replays.map((r) => [
      cell(r.name),
      cell(r.state),
      cell(r.rules.length > 0 ? r.rules.join(', ') : 'every rule'),
      cell(`${r.eventsReplayed} / ${r.eventsTotal}`, 'num'),
      cell(`${r.from} to ${r.to}`),
    ]),
  );
}

$('replay-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const rules = [...document.querySelectorAll('#replay-rules input:checked')].map((i) => i.value);
  const status = $('replay-status');
  try {
    const replay = await postJson('/api/console/replays', {
      from: $('replay-from').value.trim(),
      to: $('replay-to').value.trim(),
      rules,
    });
    status.textContent = `Replay ${replay.name} started.`;
  } catch (error) {
    status.textContent = error.message;
  }
  await refresh();
});

// ---- trace ----

function traceNode(node) {
  const at = node.at ? el('span', { class: 'at', text: node.at }) : undefined;
  const failed = node.outcome === 'failed' || node.kind === 'dead-letter';
  const item = el(
    'li',
    {},
    el('span', { class: 'kind', text: node.kind }),
    el('span', { text: node.summary, ...(failed ? { class: 'failure' } : {}) }),
    at,
  );
  if (node.children.length > 0) item.append(el('ul', {}, ...node.children.map(traceNode)));
  return item;
}

async function showTrace(id) {
  $('trace-id').value = id;
  const view = $('trace-view');
  view.textContent = `tracing ${id}…`;
  location.hash = 'trace';
  try {
    const trace = await getJson(`/api/console/trace/${encodeURIComponent(id)}`);
    view.replaceChildren(
      el('p', { text: `${trace.kind} ${trace.id}` }),
      el('ul', { class: 'trace' }, ...trace.roots.map(traceNode)),
      ...trace.failures.map((f) =>
        el('p', {
          class: 'failure',
          text: `failed: ${f.what}: ${f.error}${f.retry ? ` (retry: ${f.retry})` : ''}`,
        }),
      ),
      ...trace.notes.map((n) => el('p', { text: n })),
    );
    view.querySelector('ul').classList.add('trace');
    view.classList.add('trace');
  } catch (error) {
    view.textContent = error.message;
  }
}
$('trace-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showTrace($('trace-id').value.trim());
});

// ---- services: OpenAPI documents and reset ----

function renderServices(services) {
  if ($('service-list').children.length > 0) return;
  $('service-list').append(
    ...services.map((service) =>
      el(
        'li',
        {},
        el('a', { href: `/api/${service}/openapi.json`, text: `${service} OpenAPI document` }),
        ' ',
        button(`Reset ${service}`, async () => {
          if (!confirm(`Empty ${service}'s tables?`)) return;
          try {
            const result = await postJson(`/api/console/reset/${service}`);
            $('reset-status').textContent = `Emptied ${result.tables.join(', ')}.`;
          } catch (error) {
            $('reset-status').textContent = error.message;
          }
          await refresh();
        }),
      ),
    ),
  );
}

// ---- refresh, live ----

let refreshing = false;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    const overview = await getJson('/api/console/overview');
    renderQueues(overview.queues);
    renderRules(overview.rules);
    renderArchive(overview.archive, overview.rules, overview.replays);
    renderOutbox(overview.outbox);
    renderServices(overview.services);
    await Promise.all([refreshBalances(), refreshAlerts(), refreshCustomers()]);
    if (openQueue) await showQueue(openQueue);
    $('live').textContent = `live · updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $('live').textContent = `could not refresh: ${error.message}`;
  } finally {
    refreshing = false;
  }
  if (again) {
    again = false;
    await refresh();
  }
}

const changes = new EventSource('/api/console/changes');
changes.addEventListener('change', () => refresh());
changes.addEventListener('error', () => {
  $('live').textContent = 'disconnected: retrying…';
});
refresh();
