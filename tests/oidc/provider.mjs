// A local OpenID Connect provider for the tests and for `make oidc-dev`: the certified npm package oidc-provider
// (installed into .ci/cache/npm-oidc by `make`), with its development login and consent pages.
//
//   node tests/oidc/provider.mjs <config.json> <path to oidc-provider's lib/index.js>
//
// config.json: {"port": 0 (any free port) or a number, "clients": [...oidc-provider client metadata],
//               "accounts": {"<login>": {claims...}}, "jwks": {"keys": [...private JWKs]} (optional: generated),
//               "short_id_token_clients": ["<client_id>"] (id_tokens that expire after one second)}
// Prints one JSON line {"issuer": "http://127.0.0.1:<port>"} once it listens on 127.0.0.1.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [configPath, modulePath] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const { default: Provider } = await import(pathToFileURL(modulePath).href);

function generatedKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'dev-rs256', use: 'sig', alg: 'RS256' }] };
}

const accounts = config.accounts || {};
const shortLived = new Set(config.short_id_token_clients || []);

const server = createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: config.jwks || generatedKeys(),
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true }, // every client must use PKCE (S256)
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      lms: ['employee_id', 'agency', 'position'],
    },
    // HS256 too, so that a test client can be given id_tokens the relying party must refuse.
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    ttl: {
      IdToken: (ctx, token, client) => (client && shortLived.has(client.clientId) ? 1 : 3600),
    },
    async findAccount(ctx, id) {
      const claims = accounts[id];
      if (!claims) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  // The answer of the token endpoint to a short-lived client leaves only after its id_token has expired, so that a
  // relying party receives a genuinely expired token.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.oidc?.client && shortLived.has(ctx.oidc.client.clientId)) {
      await new Promise((resolve) => { setTimeout(resolve, 2100); });
    }
  });
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});
