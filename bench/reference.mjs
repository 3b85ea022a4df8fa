// The reference provider for `bench/run.py --side-by-side`: panva's oidc-provider with
// its in-memory adapter, one confidential client per signing algorithm, ES256 and
// RS256 keys, refresh tokens, userinfo, client credentials and DPoP.
//
//     node bench/reference.mjs PORT PACKAGE_DIR
//
// PACKAGE_DIR is the folder npm installed oidc-provider into. Once listening it prints
// one JSON line (issuer, client ids, secret); then it reads commands on stdin, one a
// line, and answers "ok N" on stdout when the values are written:
//
//     codes CLIENT_ID N FILE [JKT]   N single-use authorization codes, each in a grant of
//                                     its own (bound to the DPoP key thumbprint JKT if given)
//     refresh CLIENT_ID N FILE        N refresh tokens, each in a grant of its own
//
// Everything is seeded through the provider's own models, so the stored form is the
// one its authorization endpoint would have stored.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [port, packageDir] = process.argv.slice(2);
const lib = (path) => pathToFileURL(join(packageDir, 'node_modules', 'oidc-provider', 'lib', path)).href;
const { default: Provider } = await import(lib('index.js'));
const { default: MemoryAdapter } = await import(lib('adapters/memory_adapter.js'));
const { default: LRU } = await import(lib('helpers/lru.js'));

const REDIRECT = 'https://rp.example.com/cb';
const SCOPE = 'openid email offline_access';
const ACCOUNT = 'bench-user';
const issuer = `http://127.0.0.1:${port}`;
const secret = randomBytes(24).toString('base64url');

// The shipped adapter keeps at most 1,000 entries (an LRU), fewer than one round's
// seeded codes; this is the same adapter over a larger LRU.
const store = new LRU({ maxSize: 10_000_000 });

function signingKey(type, options, alg) {
  const jwk = generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' });
  return { ...jwk, alg, use: 'sig', kid: alg.toLowerCase() };
}

function client(clientId, alg) {
  return {
    client_id: clientId,
    client_secret: secret,
    redirect_uris: [REDIRECT],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: alg,
  };
}

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: [client('bench-es256', 'ES256'), client('bench-rs256', 'RS256')],
  jwks: {
    keys: [
      signingKey('ec', { namedCurve: 'P-256' }, 'ES256'),
      signingKey('rsa', { modulusLength: 2048 }, 'RS256'),
    ],
  },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({
      sub, email: 'bench@example.com', email_verified: true, name: 'Bench User',
    }),
  }),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'offline_access', 'email'],
  features: {
    clientCredentials: { enabled: true },
    // idp's access tokens are JWTs it signs (RFC 9068). Its default opaque tokens would
    // spare the reference the signature that is most of a client-credentials token's
    // work, so that grant gets ES256 JWTs here (through a resource server, the way
    // oidc-provider issues them); codes and refreshes keep opaque tokens for userinfo.
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx) => (ctx.oidc.params?.grant_type === 'client_credentials'
        ? 'urn:idp-bench:api' : undefined),
      useGrantedResource: () => false,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: 'urn:idp-bench:api',
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
    dPoP: { enabled: true },
    userinfo: { enabled: true },
    devInteractions: { enabled: false },
  },
  // idp rotates every refresh token (single use, reuse revokes the family): ask the
  // same of the reference so both do the same work per refresh.
  rotateRefreshToken: () => true,
  // Codes are seeded before a row runs; the default 60 s could expire them mid-run.
  // The others are its defaults, set so that it prints no notice about them.
  ttl: {
    AuthorizationCode: 600,
    AccessToken: 3600,
    ClientCredentials: 600,
    IdToken: 3600,
    Grant: 14 * 24 * 3600,
    RefreshToken: 14 * 24 * 3600,
  },
  cookies: { keys: [randomBytes(32).toString('hex')] },
});

async function seedCodes(clientId, n, file, jkt) {
  const client = await provider.Client.find(clientId);
  const authTime = Math.floor(Date.now() / 1000);
  const codes = [];
  for (let i = 0; i < n; i += 1) {
    const grant = new provider.Grant({ accountId: ACCOUNT, clientId });
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      accountId: ACCOUNT,
      grantId,
      client,
      redirectUri: REDIRECT,
      scope: SCOPE,
      authTime,
      amr: ['pwd'],
      ...(jkt ? { dpopJkt: jkt } : {}),
    });
    codes.push(await code.save());
  }
  writeFileSync(file, codes.join('\n'));
}

async function seedRefresh(clientId, n, file) {
  const client = await provider.Client.find(clientId);
  const authTime = Math.floor(Date.now() / 1000);
  const tokens = [];
  for (let i = 0; i < n; i += 1) {
    const grant = new provider.Grant({ accountId: ACCOUNT, clientId });
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId: ACCOUNT,
      grantId,
      client,
      scope: SCOPE,
      gty: 'authorization_code',
      authTime,
      amr: ['pwd'],
      rotations: 0,
    });
    tokens.push(await token.save());
  }
  writeFileSync(file, tokens.join('\n'));
}

provider.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({
    issuer, clients: { ES256: 'bench-es256', RS256: 'bench-rs256' }, secret,
  })}\n`);
});

// Commands run one at a time, in order.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, clientId, count, file, jkt] = line.trim().split(/\s+/);
  queue = queue.then(async () => {
    const n = Number(count);
    if (command === 'codes') await seedCodes(clientId, n, file, jkt);
    else if (command === 'refresh') await seedRefresh(clientId, n, file);
    else throw new Error(`unknown command: ${line}`);
    process.stdout.write(`ok ${n}\n`);
  }).catch((error) => {
    process.stdout.write(`error ${error.message}\n`);
  });
}).on('close', () => process.exit(0));
