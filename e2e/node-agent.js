'use strict';
// The real Node.js APM agent (elastic-apm-node) sends one transaction to the example's intake.
//   node node-agent.js <serverUrl> <token|-> <expectedStatus> [expectedMessage]
// The token "-" means no secretToken (the agent then speaks anonymously, as agent "nodejs").
// It records the status of every intake response (by wrapping http.request before the agent loads) and what
// the agent logs about it, and exits 0 only when the intake answered expectedStatus (and, if given, the
// agent's log contains expectedMessage).
const http = require('http');

const [serverUrl, token, expectedStatusArg, expectedMessage] = process.argv.slice(2);
const expectedStatus = Number(expectedStatusArg);
const statuses = [];
const logs = [];

const originalRequest = http.request;
http.request = function (...args) {
  const req = originalRequest.apply(this, args);
  req.on('response', (res) => {
    if (String(req.path).includes('/intake/')) {
      statuses.push(res.statusCode);
    }
  });
  return req;
};

const logger = {};
for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) {
  logger[level] = (...args) => {
    const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    if (level !== 'trace' && level !== 'debug') {
      logs.push(`${level}: ${text}`);
    }
  };
}

const apm = require('elastic-apm-node').start({
  serviceName: 'e2e-node-service',
  serverUrl,
  secretToken: token === '-' ? undefined : token,
  apmServerVersion: '8.15.0', // no GET / version probe
  centralConfig: false,
  cloudProvider: 'none',
  metricsInterval: '0s',
  captureExceptions: false,
  instrument: false,
  logger,
});

const tx = apm.startTransaction('e2e-transaction', 'custom');
const span = tx.startSpan('e2e-span', 'custom');
setTimeout(() => {
  span.end();
  tx.end();
  apm.flush(() => {
    // request-error is logged on the response's end: give it a moment.
    setTimeout(() => {
      const agentName = apm._apmClient && apm._apmClient._conf ? apm._apmClient._conf.agentName : 'nodejs';
      const logText = logs.join('\n');
      const ok = statuses.includes(expectedStatus) && statuses.every((s) => s === expectedStatus) &&
          (!expectedMessage || logText.includes(expectedMessage));
      console.log(JSON.stringify({
        agent: `elastic-apm-node ${require('elastic-apm-node/package.json').version}`,
        agentName,
        token: token === '-' ? 'none' : token,
        intakeStatuses: statuses,
        expectedStatus,
        agentLog: logs.filter((l) => /transport error|APM Server|Error:/.test(l)),
        ok,
      }));
      apm.destroy();
      process.exit(ok ? 0 : 1);
    }, 300);
  });
}, 10);
