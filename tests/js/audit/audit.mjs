// Runs graphql-http's server audits (the GraphQL-over-HTTP specification's MUST, SHOULD and MAY
// checks) against a running server and prints one JSON line: every audit's id, name, status
// ('ok', 'warn' for a failed SHOULD/MAY, 'error' for a failed MUST) and reason.
// Usage: node audit.mjs <graphql endpoint URL> <Authorization header value>
import { serverAudits } from 'graphql-http';

const [url, authorization] = process.argv.slice(2);
if (!url || !authorization) {
  console.error('usage: node audit.mjs <url> <authorization>');
  process.exit(2);
}

// Every audit request carries the credential: the endpoint answers 401 without one.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', authorization);
  return fetch(input, { ...init, headers });
};

const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  results.push({ id: result.id, name: result.name, status: result.status, reason: result.reason ?? null });
}
console.log(JSON.stringify(results));
