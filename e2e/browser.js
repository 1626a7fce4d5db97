'use strict';
// The real Elastic RUM agent (@elastic/apm-rum) in headless Chromium, driven by playwright-core.
//   node browser.js <label> <pageOrigin> <apiOrigin> <bundleUrl> <bundleV4Url> <userDataDir>
// bundleUrl is @elastic/apm-rum 5.x (agent name rum-js, gzip via CompressionStream, fetch);
// bundleV4Url is @elastic/apm-rum 4.9.1 (agent name js-base, plain ND-JSON via XMLHttpRequest).
// The demo page is loaded from pageOrigin (http://localhost:PORT) and the agent sends to apiOrigin
// (http://127.0.0.1:PORT): a different origin, so the agent's gzip POST goes through a CORS preflight as on a
// real site. Three web applications are expected on the server:
//   /apm          the example WAR as built (any service, agents rum-js and js-base, 300 events/s);
//   /apm-strict   the same with auth.anonymous.allow_service=allowed-shop;
//   /apm-limited  the same with auth.anonymous.rate_limit.event_limit=5 (burst 15), max_wait=0ms.
// Prints one line per check ("PASS|FAIL <label> <check> <millis> <details as JSON>") and exits non-zero on any failure.
const zlib = require('zlib');
const { chromium } = require('playwright-core');

const [label, pageOrigin, apiOrigin, bundleUrl, bundleV4Url, userDataDir] = process.argv.slice(2);
const results = [];
let lastRecord = Date.now();
function record(check, ok, details) {
  results.push(ok);
  const ms = Date.now() - lastRecord;
  lastRecord = Date.now();
  console.log(`${ok ? 'PASS' : 'FAIL'} ${label} ${check} ${ms} ${JSON.stringify(details)}`);
}

async function intakeEvents(context) {
  const res = await fetch(`${apiOrigin}${context}/`, { cache: 'no-store' });
  const m = /id="intake-events">(\d+)</.exec(await res.text());
  if (!m) throw new Error(`no intake-events on ${context}/ (HTTP ${res.status})`);
  return Number(m[1]);
}

/** The intake count once it has stopped moving (a closed page's agent may still flush on pagehide). */
async function settledIntakeEvents(context) {
  let last = await intakeEvents(context);
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 700));
    const now = await intakeEvents(context);
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Playwright cannot show a fetch body that is a Blob (the agent gzips with CompressionStream into a Blob),
// so an init script wraps window.fetch before the agent loads: it records, for every intake request, the
// decoded body and the response status. The agent's request itself goes out unchanged.
const RECORD_INTAKE = `(() => {
  const nativeFetch = window.fetch;
  window.__intake = [];
  window.fetch = function (input, init) {
    // The agent's own fetch instrumentation turns (url, init) into a Request: read the body from either.
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    let body = null;
    if (/\\/intake\\/v\\d\\/rum\\/events/.test(url)) {
      if (init && init.body !== undefined) body = new Response(init.body).arrayBuffer();
      else if (input instanceof Request) body = input.clone().arrayBuffer();
    }
    const promise = nativeFetch.apply(this, arguments);
    if (body) {
      const entry = { url, status: null, text: null };
      window.__intake.push(entry);
      body.then((buf) => {
        const bytes = new Uint8Array(buf);
        entry.gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
        const stream = new Blob([buf]).stream();
        return new Response(entry.gzip ? stream.pipeThrough(new DecompressionStream('gzip')) : stream).text();
      }).then((text) => { entry.text = text; }, (e) => { entry.text = ''; entry.error = String(e); });
      promise.then((r) => { entry.status = r.status; }, () => { entry.status = 0; });
    }
    return promise;
  };
})();`;

/** The decoded ND-JSON lines of a request whose body Playwright can see (a string, as XMLHttpRequest sends). */
function decodePostData(request) {
  const buffer = request.postDataBuffer();
  if (!buffer) return [];
  const text = buffer[0] === 0x1f && buffer[1] === 0x8b ? zlib.gunzipSync(buffer).toString('utf8') : buffer.toString('utf8');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** The intake requests the agent made so far, once each has its status and decoded body. */
async function intakeLog(page) {
  const entries = await page.evaluate(() => window.__intake);
  return entries.filter((e) => e.status !== null && e.text !== null).map((e) => ({
    url: e.url, status: e.status, gzip: e.gzip,
    sent: describeIntakeLines(e.text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))),
  }));
}

function describeIntakeLines(lines) {
  const meta = lines[0] || {};
  const m = meta.metadata || {};
  const c = meta.m || {};
  const service = m.service ? m.service.name : c.se && c.se.n;
  const agent = m.service ? m.service.agent : c.se && c.se.a && { name: c.se.a.n, version: c.se.a.ve };
  const events = lines.slice(1).map((l) => {
    const key = Object.keys(l)[0];
    const body = l[key] || {};
    return `${key}:${body.type || body.t || ''}`;
  });
  const ids = lines.slice(1).map((l) => { const b = l[Object.keys(l)[0]] || {}; return b.id; }).filter(Boolean);
  return { service, agent, events, ids };
}

/** Opens the demo page and records every intake request/response and console line of the agent. */
async function openDemo(browserContext, path, query) {
  const page = await browserContext.newPage();
  await page.addInitScript(RECORD_INTAKE);
  const intake = [];
  const consoleLines = [];
  page.on('console', (msg) => consoleLines.push(`${msg.type()}: ${msg.text()}`));
  page.on('requestfinished', async (request) => {
    if (!/\/intake\/v\d\/rum\/events/.test(request.url()) || request.method() !== 'POST') return;
    const response = await request.response();
    intake.push({
      at: Date.now(),
      status: response ? response.status() : 0,
      headers: response ? await response.allHeaders() : {},
      body: response ? await response.text().catch(() => '') : '',
      contentEncoding: (await request.allHeaders())['content-encoding'] || null,
      resourceType: request.resourceType(),
      sent: describeIntakeLines(decodePostData(request)),
    });
  });
  page.on('requestfailed', (request) => {
    if (/\/intake\//.test(request.url())) {
      intake.push({ at: Date.now(), status: 0, failure: request.failure() && request.failure().errorText });
    }
  });
  const url = `${pageOrigin}${path}?${new URLSearchParams(query)}`;
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.demoApm !== undefined, null, { timeout: 10000 });
  return { page, intake, consoleLines };
}

async function main() {
  const browserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  const browserVersion = browserContext.browser() ? browserContext.browser().version() : 'chromium';
  const firstIntake = async (demo) => (await waitFor(async () => (await intakeLog(demo.page))[0], 20000,
      'the page-load transaction to be sent'));
  try {
    // 1. Allowed: the page-load transaction of an anonymous rum-js agent passes and is counted.
    {
      const before = await settledIntakeEvents('/apm');
      const demo = await openDemo(browserContext, '/apm/rum-demo.html',
          { service: 'shop-frontend', serverUrl: `${apiOrigin}/apm`, bundle: bundleUrl });
      const first = await firstIntake(demo);
      const after = await waitFor(async () => { const n = await intakeEvents('/apm'); return n > before && n; },
          5000, 'the intake count to go up').catch(() => before);
      const wire = demo.intake[0] || {};
      const ok = first.status === 202 && first.sent.agent && first.sent.agent.name === 'rum-js' &&
          first.sent.events.includes('transaction:page-load') && first.gzip &&
          after - before >= first.sent.events.length;
      record('rum-allowed-page-load', ok, { browser: browserVersion, status: first.status,
        agent: first.sent.agent, service: first.sent.service, url: first.url,
        contentEncoding: wire.contentEncoding, gzip: first.gzip, events: first.sent.events.length,
        eventTypes: [...new Set(first.sent.events)], intakeEventsBefore: before, intakeEventsAfter: after });
      await demo.page.close();
    }
    // 2. A service outside allow_service: 403 with the APM message, readable by the page (CORS), not counted.
    {
      const before = await settledIntakeEvents('/apm-strict');
      const demo = await openDemo(browserContext, '/apm-strict/rum-demo.html',
          { service: 'other-shop', serverUrl: `${apiOrigin}/apm-strict`, bundle: bundleUrl });
      const first = await firstIntake(demo);
      const wire = await waitFor(() => demo.intake[0], 5000, 'the response in the network log');
      await waitFor(() => demo.consoleLines.find((l) => l.includes('Failed sending events')), 5000,
          'the agent to report the failure');
      const after = await intakeEvents('/apm-strict');
      const message = 'unauthorized: anonymous access not permitted for service \\"other-shop\\"';
      const ok = first.status === 403 && first.sent.service === 'other-shop' && wire.body.includes(message) &&
          wire.headers['access-control-allow-origin'] === pageOrigin && after === before;
      record('rum-refused-service', ok, { status: first.status, body: wire.body.trim(),
        accessControlAllowOrigin: wire.headers['access-control-allow-origin'] || null,
        agentConsole: demo.consoleLines.filter((l) => l.includes('Failed sending')).map((l) => l.split('\n')[0]),
        intakeEventsBefore: before, intakeEventsAfter: after });
      await demo.page.close();
    }
    // 3. Allowlisted service, intake v3 (compact format), on the strict deployment: accepted.
    {
      const before = await settledIntakeEvents('/apm-strict');
      const demo = await openDemo(browserContext, '/apm-strict/rum-demo.html',
          { service: 'allowed-shop', serverUrl: `${apiOrigin}/apm-strict`, bundle: bundleUrl, apiVersion: '3' });
      const first = await firstIntake(demo);
      const after = await waitFor(async () => { const n = await intakeEvents('/apm-strict'); return n > before && n; },
          5000, 'the intake count to go up').catch(() => before);
      record('rum-v3-allowed-service', first.status === 202 && first.sent.service === 'allowed-shop' &&
          /\/intake\/v3\/rum\/events$/.test(first.url) && after > before,
          { status: first.status, url: first.url, agent: first.sent.agent, service: first.sent.service,
            eventTypes: [...new Set(first.sent.events)], intakeEventsBefore: before, intakeEventsAfter: after });
      await demo.page.close();
    }
    // 4. @elastic/apm-rum 4.9.1 names itself js-base: the other default allow_agent entry, a real client for it.
    {
      const before = await settledIntakeEvents('/apm');
      const demo = await openDemo(browserContext, '/apm/rum-demo.html',
          { service: 'legacy-shop', serverUrl: `${apiOrigin}/apm`, bundle: bundleV4Url });
      const first = await waitFor(() => demo.intake[0], 20000, 'the page-load transaction of the 4.x agent');
      const after = await waitFor(async () => { const n = await intakeEvents('/apm'); return n > before && n; },
          5000, 'the intake count to go up').catch(() => before);
      const ok = first.status === 202 && first.sent.agent && first.sent.agent.name === 'js-base' &&
          first.sent.events.includes('transaction:page-load') && after - before >= first.sent.events.length;
      record('rum-v4-js-base-allowed', ok, { status: first.status, agent: first.sent.agent,
        service: first.sent.service, via: first.resourceType, contentEncoding: first.contentEncoding,
        events: first.sent.events.length, intakeEventsBefore: before, intakeEventsAfter: after });
      await demo.page.close();
    }
    // 5. Rate limit reached (/apm-limited: event_limit 5, burst 15, max_wait 0ms): what the agent does on 429.
    {
      const demo = await openDemo(browserContext, '/apm-limited/rum-demo.html',
          { service: 'shop-frontend', serverUrl: `${apiOrigin}/apm-limited`, bundle: bundleUrl });
      await firstIntake(demo);
      for (let i = 0; i < 12; i++) {
        await demo.page.click('#send');
        await demo.page.waitForTimeout(250);
      }
      await demo.page.waitForTimeout(2500); // the last flush, and any retry the agent might make
      const burst = await intakeLog(demo.page);
      const limited = burst.filter((e) => e.status === 429);
      const wire = demo.intake.find((e) => e.status === 429) || { headers: {} };
      const retryAfter = Number(wire.headers['retry-after']);
      const seen = new Map();
      for (const e of burst) for (const id of e.sent.ids) seen.set(id, (seen.get(id) || 0) + 1);
      const resent = [...seen.values()].filter((n) => n > 1).length;
      const afterFirst429 = burst.slice(burst.findIndex((e) => e.status === 429) + 1).length;
      // Wait out Retry-After and the refill of the whole burst, then one more transaction: accepted again.
      await demo.page.waitForTimeout(Math.max(3, retryAfter || 0) * 1000 + 500);
      await demo.page.click('#send');
      const recovered = await waitFor(async () => (await intakeLog(demo.page))[burst.length], 10000,
          'the transaction after the pause');
      const ok = limited.length >= 1 && retryAfter >= 1 && resent === 0 &&
          wire.headers['access-control-allow-origin'] === pageOrigin && recovered.status === 202;
      record('rum-rate-limited', ok, {
        requests: burst.map((e) => `${e.status}:${e.sent.events.length}ev`).join(' '),
        eventsResentAfter429: resent, requestsAfterFirst429: afterFirst429,
        sample429: { retryAfter: wire.headers['retry-after'], rateLimit: wire.headers['ratelimit'],
          accessControlAllowOrigin: wire.headers['access-control-allow-origin'], body: (wire.body || '').trim() },
        afterWaitingRetryAfter: `${recovered.status}:${recovered.sent.events.length}ev`,
        agentConsole: [...new Set(demo.consoleLines.filter((l) => /Failed sending|throttl/.test(l))
          .map((l) => l.split('\n')[0].replace(/http:\/\/[^ ]+/, '<intake>')))],
      });
      await demo.page.close();
    }
  } catch (e) {
    record('browser', false, { error: String(e && e.stack || e) });
  } finally {
    await browserContext.close();
  }
  process.exit(results.length >= 5 && results.every(Boolean) ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL ${label} browser 0 ${JSON.stringify(String(e && e.stack || e))}`);
  process.exit(1);
});
