// The OpenID provider the console's OIDC sign-in tests log in through: panva's certified
// oidc-provider (package.json) with a small configuration. Usage:
//   node provider.mjs <config.json>
// config: {"host": "127.0.0.1", "clients": [oidc-provider client metadata...]}
// It listens on a free port, prints "issuer <url>" once ready, and serves an interaction that is
// a plain form: POST /interaction/<uid> with login=<subject> [amr=<space-separated>] [acr=<value>]
// signs that subject in and grants what the client asked (any subject is known: accounts are the
// console's business). Claims: sub, email (<subject>@example.gov.vn) and email_verified (true
// unless the subject starts with "unverified").
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const host = config.host ?? '127.0.0.1';

async function signingKey(alg, options) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `test-${alg}` };
}

const keys = [
  await signingKey('RS256', { modulusLength: 2048 }),
  await signingKey('ES256'),
  await signingKey('EdDSA', { crv: 'Ed25519' }),
];

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

let provider;

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    throw new Error('interaction mismatch');
  }
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!DOCTYPE html><form method="post" action="/interaction/${uid}">`
      + '<input name="login" id="login"><input name="amr" id="amr"><input name="acr" id="acr">'
      + '<button type="submit" id="go">Sign in</button></form>');
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const accountId = form.get('login');
  const amr = (form.get('amr') ?? '').split(' ').filter((a) => a.length > 0);
  const acr = form.get('acr') || undefined;
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId, amr: amr.length > 0 ? amr : undefined, acr },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(req.url.split('?')[0]);
  if (!match) {
    provider.callback()(req, res);
    return;
  }
  try {
    await interaction(req, res, match[1]);
  } catch (e) {
    res.statusCode = 400;
    res.end(String(e.message));
  }
});

server.listen(0, host, () => {
  const issuer = `http://${host}:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys },
    cookies: { keys: ['lgsp-test-cookie-key-not-a-secret'] },
    conformIdTokenClaims: false,
    claims: {
      // acr and amr with every openid token, as most providers send them (not only when asked)
      openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'],
    },
    features: { devInteractions: { enabled: false } },
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'EdDSA', 'HS256'] },
    interactions: { url: (ctx, i) => `/interaction/${i.uid}` },
    findAccount: (ctx, id) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        email: `${id}@example.gov.vn`,
        email_verified: !id.startsWith('unverified'),
      }),
    }),
  });
  process.stdout.write(`issuer ${issuer}\n`);
});
