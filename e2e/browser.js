'use strict';
// The real Elastic RUM agent (@elastic/apm-rum) in headless Chromium, driven by playwright-core.
//   node browser.js <label> <pageOrigin> <apiOrigin> <bundleUrl> <userDataDir>
// The demo page is loaded from pageOrigin (http://localhost:PORT) and the agent sends to apiOrigin
// (http://127.0.0.1:PORT): a different origin, so the agent's gzip POST goes through a CORS preflight as on a
// real site. Three web applications are expected on the server:
//   /apm          the example WAR as built (any service, agents rum-js and js-base, 300 events/s);
//   /apm-strict   the same with auth.anonymous.allow_service=allowed-shop;
//   /apm-limited  the same with auth.anonymous.rate_limit.event_limit=1 (burst 3), max_wait=0ms.
// Prints one line per check ("PASS|FAIL <label> <check> <details>") and exits non-zero on any failure.
const zlib = require('zlib');
const { chromium } = require('playwright-core');

const [label, pageOrigin, apiOrigin, bundleUrl, userDataDir] = process.argv.slice(2);
const results = [];
function record(check, ok, details) {
  results.push(ok);
  console.log(`${ok ? 'PASS' : 'FAIL'} ${label} ${check} ${JSON.stringify(details)}`);
}

async function intakeEvents(context) {
  const res = await fetch(`${apiOrigin}${context}/`, { cache: 'no-store' });
  const m = /id="intake-events">(\d+)</.exec(await res.text());
  if (!m) throw new Error(`no intake-events on ${context}/ (HTTP ${res.status})`);
  return Number(m[1]);
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

/** What the agent sent: the decoded ND-JSON lines of a request. */
function decodeBody(request) {
  const buffer = request.postDataBuffer();
  if (!buffer) return [];
  const encoding = (request.headers()['content-encoding'] || '').toLowerCase();
  const text = (encoding === 'gzip' || (buffer[0] === 0x1f && buffer[1] === 0x8b))
    ? zlib.gunzipSync(buffer).toString('utf8') : buffer.toString('utf8');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

function describeIntake(lines) {
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
  return { service, agent, events };
}

/** Opens the demo page and records every intake request/response and console line of the agent. */
async function openDemo(browserContext, path, query) {
  const page = await browserContext.newPage();
  const intake = [];
  const consoleLines = [];
  page.on('console', (msg) => consoleLines.push(`${msg.type()}: ${msg.text()}`));
  page.on('requestfinished', async (request) => {
    if (!/\/intake\/v\d\/rum\/events/.test(request.url()) || request.method() !== 'POST') return;
    const response = await request.response();
    const entry = {
      at: Date.now(),
      status: response ? response.status() : 0,
      headers: response ? await response.allHeaders() : {},
      body: response ? await response.text().catch(() => '') : '',
      sent: describeIntake(decodeBody(request)),
      contentEncoding: request.headers()['content-encoding'] || null,
    };
    intake.push(entry);
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
  try {
    // 1. Allowed: the page-load transaction of an anonymous rum-js agent passes and is counted.
    {
      const before = await intakeEvents('/apm');
      const demo = await openDemo(browserContext, '/apm/rum-demo.html',
          { service: 'shop-frontend', serverUrl: `${apiOrigin}/apm`, bundle: bundleUrl });
      const first = await waitFor(() => demo.intake[0], 20000, 'the page-load transaction');
      const after = await waitFor(async () => { const n = await intakeEvents('/apm'); return n > before && n; },
          5000, 'the intake count to go up');
      const ok = first.status === 202 && first.sent.agent && first.sent.agent.name === 'rum-js' &&
          first.sent.events.includes('transaction:page-load') && first.contentEncoding === 'gzip';
      record('rum-allowed-page-load', ok, { browser: browserVersion, status: first.status,
        agent: first.sent.agent, service: first.sent.service, contentEncoding: first.contentEncoding,
        events: first.sent.events.length, eventTypes: [...new Set(first.sent.events)],
        intakeEventsBefore: before, intakeEventsAfter: after });
      await demo.page.close();
    }
    // 2. Allowlisted service, intake v3 (compact format), on the strict deployment: accepted.
    {
      const before = await intakeEvents('/apm-strict');
      const demo = await openDemo(browserContext, '/apm-strict/rum-demo.html',
          { service: 'allowed-shop', serverUrl: `${apiOrigin}/apm-strict`, bundle: bundleUrl, apiVersion: '3' });
      const first = await waitFor(() => demo.intake[0], 20000, 'the page-load transaction');
      const after = await waitFor(async () => { const n = await intakeEvents('/apm-strict'); return n > before && n; },
          5000, 'the intake count to go up');
      record('rum-v3-allowed-service', first.status === 202 && first.sent.service === 'allowed-shop',
          { status: first.status, agent: first.sent.agent, service: first.sent.service,
            intakeEventsBefore: before, intakeEventsAfter: after });
      await demo.page.close();
    }
    // 3. A service outside allow_service: 403 with the APM message, readable by the page (CORS), not counted.
    {
      const before = await intakeEvents('/apm-strict');
      const demo = await openDemo(browserContext, '/apm-strict/rum-demo.html',
          { service: 'other-shop', serverUrl: `${apiOrigin}/apm-strict`, bundle: bundleUrl });
      const first = await waitFor(() => demo.intake[0], 20000, 'the page-load transaction');
      await waitFor(() => demo.consoleLines.find((l) => l.includes('Failed sending events')), 5000,
          'the agent to report the failure');
      const after = await intakeEvents('/apm-strict');
      const message = 'unauthorized: anonymous access not permitted for service \\"other-shop\\"';
      const ok = first.status === 403 && first.body.includes(message) &&
          first.headers['access-control-allow-origin'] === pageOrigin && after === before;
      record('rum-refused-service', ok, { status: first.status, body: first.body,
        accessControlAllowOrigin: first.headers['access-control-allow-origin'] || null,
        agentConsole: demo.consoleLines.filter((l) => l.includes('Failed sending')),
        intakeEventsBefore: before, intakeEventsAfter: after });
      await demo.page.close();
    }
    // 4. Rate limit reached (event_limit 1, burst 3): what the agent does with 429.
    {
      const demo = await openDemo(browserContext, '/apm-limited/rum-demo.html',
          { service: 'shop-frontend', serverUrl: `${apiOrigin}/apm-limited`, bundle: bundleUrl });
      await waitFor(() => demo.intake[0], 20000, 'the page-load transaction');
      for (let i = 0; i < 6; i++) {
        await demo.page.click('#send');
        await demo.page.waitForTimeout(700);
      }
      await waitFor(() => demo.intake.length >= 7, 10000, 'seven intake requests (page-load + 6 clicks)');
      await demo.page.waitForTimeout(1500); // would any retry show up?
      const limited = demo.intake.filter((e) => e.status === 429);
      const sample = limited[0] || {};
      const retryAfter = sample.headers ? Number(sample.headers['retry-after']) : NaN;
      // Wait out Retry-After (+ refill for 3 tokens), then one more transaction: accepted again.
      await demo.page.waitForTimeout(Math.max(3, retryAfter || 0) * 1000 + 500);
      const countBefore = demo.intake.length;
      await demo.page.click('#send');
      const recovered = await waitFor(() => demo.intake[countBefore], 10000, 'the transaction after the pause');
      const ok = limited.length >= 1 && retryAfter >= 1 &&
          sample.headers['access-control-allow-origin'] === pageOrigin && recovered.status === 202;
      record('rum-rate-limited', ok, {
        requests: demo.intake.slice(0, countBefore).map((e) => `${e.status}(${e.sent ? e.sent.events.length : '?'} ev)`),
        requestsBeforePause: countBefore, transactionsEnded: 7,
        sample429: { status: sample.status, retryAfter: sample.headers && sample.headers['retry-after'],
          rateLimit: sample.headers && sample.headers['ratelimit'], body: sample.body },
        afterRetryAfter: recovered.status,
        agentConsole: [...new Set(demo.consoleLines.filter((l) => /Failed sending|throttl|429/.test(l))
          .map((l) => l.slice(0, 200)))],
      });
      await demo.page.close();
    }
  } catch (e) {
    record('browser', false, { error: String(e && e.stack || e) });
  } finally {
    await browserContext.close();
  }
  process.exit(results.length > 0 && results.every(Boolean) ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL ${label} browser ${JSON.stringify(String(e && e.stack || e))}`);
  process.exit(1);
});
