// The Trunk debug page: polls /debug/api/stats once a second and renders it; the form lists the
// server's unary methods (/debug/api/methods) and calls one (POST /debug/api/call). Everything a
// client could have chosen (method names, status messages, peers) is set with textContent, never
// parsed as HTML.
'use strict';

const POLL_MILLIS = 1000;

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

function fill(table, items, columns, render) {
  const body = document.querySelector('#' + table + ' tbody');
  body.replaceChildren();
  if (items.length === 0) {
    const row = body.insertRow();
    const td = cell(row, 'none', 'empty');
    td.colSpan = columns;
    return;
  }
  for (const item of items) {
    render(body.insertRow(), item);
  }
}

function millis(value) {
  if (value === null) {
    return '> 100 s';
  }
  return value < 1000 ? value.toFixed(1) + ' ms' : (value / 1000).toFixed(1) + ' s';
}

function age(value) {
  return value < 60000 ? (value / 1000).toFixed(0) + ' s' : (value / 60000).toFixed(0) + ' min';
}

function methodRow(row, m) {
  row.dataset.method = m.method;
  row.dataset.calls = String(m.calls);
  row.dataset.errors = String(m.errors);
  if (m.errors > 0) {
    row.className = 'error';
  }
  cell(row, m.method);
  cell(row, String(m.calls), 'number calls');
  cell(row, m.callsPerSecond.toFixed(2), 'number');
  cell(row, String(m.errors), 'number errors');
  cell(row, (100 * m.errorRatio).toFixed(1) + ' %', 'number');
  cell(row, m.calls === 0 ? '–' : millis(m.p50Millis), 'number');
  cell(row, m.calls === 0 ? '–' : millis(m.p99Millis), 'number');
  cell(row, Object.entries(m.statuses).map(([code, n]) => code + ' ' + n).join(', '));
}

function endedRow(row, c) {
  row.dataset.method = c.method;
  row.dataset.status = c.status;
  cell(row, c.method);
  cell(row, c.status);
  cell(row, c.message);
  cell(row, millis(c.durationMillis), 'number');
  cell(row, c.peer);
  cell(row, c.traceId === null ? '' : c.traceId);
  cell(row, age(c.agoMillis) + ' ago', 'number');
}

function render(stats) {
  document.getElementById('window').textContent = '(last ' + stats.windowSeconds + ' s)';
  document.getElementById('slow-threshold').textContent =
    '(unary, over ' + stats.slowCallMillis + ' ms)';
  fill('methods', stats.methods, 8, methodRow);
  fill('failed', stats.failedCalls, 7, endedRow);
  fill('slow', stats.slowCalls, 7, endedRow);
  document.getElementById('connection-count').textContent = '(' + stats.connections.open + ')';
  fill('connections', stats.connections.oldest, 5, (row, c) => {
    cell(row, c.remote);
    cell(row, c.local);
    cell(row, c.httpVersion);
    cell(row, c.tls);
    cell(row, age(c.ageMillis), 'number');
  });
  document.getElementById('call-count').textContent = '(' + stats.calls.open + ')';
  fill('calls', stats.calls.oldest, 3, (row, c) => {
    cell(row, c.method);
    cell(row, c.peer);
    cell(row, age(c.ageMillis), 'number');
  });
  document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
}

async function poll() {
  try {
    const response = await fetch('/debug/api/stats');
    render(await response.json());
  } catch (error) {
    document.getElementById('updated').textContent = 'Cannot reach the admin server: ' + error;
  } finally {
    setTimeout(poll, POLL_MILLIS);
  }
}

async function loadMethods() {
  const state = document.getElementById('form-state');
  try {
    const answer = await (await fetch('/debug/api/methods')).json();
    if (!answer.form) {
      state.textContent = answer.reason;
      return;
    }
    const list = document.getElementById('method-list');
    for (const m of answer.methods) {
      const option = document.createElement('option');
      option.value = m.method;
      option.textContent = m.requestType;
      list.appendChild(option);
    }
    state.textContent = answer.methods.length + ' unary methods, by the server\'s reflection.';
    document.getElementById('call').disabled = false;
  } catch (error) {
    state.textContent = 'Cannot list the methods: ' + error;
  }
}

async function call(event) {
  event.preventDefault();
  const result = document.getElementById('result');
  delete result.dataset.outcome;
  result.textContent = 'Calling…';
  const method = document.getElementById('method').value.trim();
  try {
    const response = await fetch('/debug/api/call?method=' + encodeURIComponent(method), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: document.getElementById('request').value,
    });
    const answer = await response.json();
    if (answer.ok) {
      result.textContent = JSON.stringify(answer.response, null, 2);
      result.dataset.outcome = 'ok';
    } else {
      result.textContent = answer.error || (answer.code + ': ' + answer.message);
      result.dataset.outcome = 'error';
    }
  } catch (error) {
    result.textContent = 'The call could not be made: ' + error;
    result.dataset.outcome = 'error';
  }
}

document.getElementById('call-form').addEventListener('submit', call);
loadMethods();
poll();
