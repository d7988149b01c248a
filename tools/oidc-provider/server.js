// A real OpenID Connect provider (npm's certified `oidc-provider`) for netmap's sign-in tests, on a loopback port.
//
//   node server.js USERS_JSON REDIRECT_URI POST_LOGOUT_URI
//
// prints one JSON line {"issuer": ..., "client_id": ..., "client_secret": ...} once it listens, then serves:
// - discovery, /auth, /token, /jwks, /session/end: oidc-provider itself (authorization code, PKCE S256 required);
// - /interaction/UID: a login form checking USERS_JSON, re-read at every sign-in so a test can change someone's
//   groups between logins; each user's `amr` and `acr` become those claims of their id token;
// - /graph/me/getMemberObjects: a stand-in for Microsoft Graph, answering with the groups of the access token's
//   user (users with "overage": true get Entra's _claim_names/_claim_sources instead of a groups claim);
// - POST /test/tamper?mode=audience|expired|nonce|signature: the next id token is re-signed with that flaw
//   (another client's audience, an expiry an hour ago, another nonce, or a key the provider never published).
//
// USERS_JSON: {"alice": {"password": "...", "name": "...", "email": "...", "groups": ["..."], "amr": ["pwd", "mfa"],
//              "acr": "...", "hd": "trust.example", "overage": false}, ...}
import fs from 'node:fs';
import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const [usersFile, redirectUri, postLogoutUri] = process.argv.slice(2);
if (!usersFile || !redirectUri || !postLogoutUri) {
  console.error('usage: node server.js USERS_JSON REDIRECT_URI POST_LOGOUT_URI');
  process.exit(2);
}

const CLIENT_ID = 'netmap';
const CLIENT_SECRET = 'netmap-test-secret-not-for-production';
const users = () => JSON.parse(fs.readFileSync(usersFile, 'utf8'));
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const stranger = await jose.generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;
let tamper = null;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
    { client_id: 'other-app', client_secret: 'other-secret', redirect_uris: ['http://127.0.0.1/other'] },
  ],
  pkce: { required: () => true },
  jwks: { keys: [privateJwk] },
  cookies: { keys: ['netmap-test-cookie-key'] },
  claims: {
    // amr and acr (from the login below) go into every id token, as Entra's amr does
    openid: ['sub', 'groups', 'hd', 'amr', 'acr'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  conformIdTokenClaims: false, // scope claims go into the id token, as Entra's and Google's do
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { IdToken: 600, AccessToken: 600, Session: 3600, Grant: 3600, Interaction: 600 },
  async findAccount(ctx, id) {
    const user = users()[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, email: user.email, email_verified: true, name: user.name, preferred_username: id };
        if (user.hd) claims.hd = user.hd;
        if (user.overage) {
          claims._claim_names = { groups: 'src1' };
          claims._claim_sources = { src1: { endpoint: `${issuer}/graph/me/getMemberObjects` } };
        } else {
          claims.groups = user.groups || [];
        }
        return claims;
      },
    };
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token || !tamper) return;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const now = Math.floor(Date.now() / 1000);
  let key = signing.privateKey;
  if (tamper === 'audience') claims.aud = 'other-app';
  if (tamper === 'expired') Object.assign(claims, { iat: now - 4200, exp: now - 3600 });
  if (tamper === 'nonce') claims.nonce = 'a-nonce-netmap-never-sent';
  if (tamper === 'signature') key = stranger.privateKey;
  tamper = null;
  ctx.body = {
    ...ctx.body,
    id_token: await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key),
  };
});

function page(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>Test provider</title></head><body>${body}</body></html>`);
}

function loginForm(uid, error) {
  return `<h1>Test provider: sign in</h1>${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>User <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

async function grantConsent(req, res, interaction) {
  // netmap is the trust's own application: consent is given on the staff's behalf, as an admin does in Entra.
  const { prompt: { details }, params, session: { accountId } } = interaction;
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET' && details.prompt.name === 'consent') {
    await grantConsent(req, res, details);
  } else if (req.method === 'GET') {
    page(res, 200, loginForm(details.uid));
  } else if (url.pathname.endsWith('/login')) {
    const form = await readForm(req);
    const user = users()[form.login];
    if (!user || user.password !== form.password) {
      page(res, 401, loginForm(details.uid, 'Wrong user or password.'));
      return;
    }
    const login = { accountId: form.login, amr: user.amr || ['pwd'] };
    if (user.acr) login.acr = user.acr;
    await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  } else {
    page(res, 404, 'Not found');
  }
}

async function memberObjects(req, res) {
  const token = (req.headers.authorization || '').replace(/^Bearer /, '');
  const found = token ? await provider.AccessToken.find(token) : undefined;
  res.setHeader('content-type', 'application/json');
  if (!found) {
    res.writeHead(401);
    res.end(JSON.stringify({ error: { code: 'InvalidAuthenticationToken' } }));
    return;
  }
  res.end(JSON.stringify({ value: users()[found.accountId]?.groups || [] }));
}

const handle = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith('/interaction/')) {
      await interaction(req, res, url);
    } else if (url.pathname === '/graph/me/getMemberObjects' && req.method === 'POST') {
      await memberObjects(req, res);
    } else if (url.pathname === '/test/tamper' && req.method === 'POST') {
      tamper = url.searchParams.get('mode');
      res.end('ok');
    } else {
      handle(req, res);
    }
  } catch (err) {
    console.error(err);
    if (!res.headersSent) page(res, 500, escape(err.message));
  }
});

console.log(JSON.stringify({ issuer, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }));
