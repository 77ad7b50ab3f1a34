// A local OpenID Connect provider for the tests, standing in for VNeID: the npm
// package oauth2-mock-server (discovery, JWKS, authorisation code with PKCE, nonce,
// RS256-signed ID tokens), started on a free port. Prints one JSON line
// {"issuer": "http://127.0.0.1:PORT"} and serves until stdin closes or it is killed.
//
// Who logs in, and what is wrong with the answer, is chosen per login through the
// standard `login_hint` parameter: "ID_NUMBER" or "ID_NUMBER;FLAW" where FLAW is one of
//   wrong-audience  the ID token is issued to another client
//   wrong-issuer    the ID token names another issuer
//   expired         the ID token expired half an hour ago
//   bad-signature   the ID token's payload was altered after signing
//   no-nonce        the ID token carries no nonce
import { OAuth2Server } from 'oauth2-mock-server';

const people = {
  '001090001234': { name: 'Nguyễn Thị Hoà', phone_number: '0912345678' },
  '079085004321': { name: 'Trần Văn Đức', phone_number: '0987654321' },
};

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');

// The authorisation code ties the token request back to the login's hint.
const hints = new Map();
server.service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const code = redirect.url.searchParams.get('code');
  if (code) hints.set(code, String(req.query.login_hint ?? '001090001234'));
});

function hintFor(req) {
  const [idNumber, flaw = ''] = (hints.get(req.body?.code) ?? '001090001234').split(';');
  return { idNumber, flaw };
}

server.service.on('beforeTokenSigning', (token, req) => {
  // The access token carries a scope; only the ID token is shaped here.
  if ('scope' in token.payload) return;
  const { idNumber, flaw } = hintFor(req);
  const person = people[idNumber] ?? { name: 'Công dân thử nghiệm' };
  Object.assign(token.payload, { sub: `vneid-sub-${idNumber}`, citizen_id: idNumber, ...person });
  const now = Math.floor(Date.now() / 1000);
  if (flaw === 'wrong-audience') token.payload.aud = 'another-client';
  if (flaw === 'wrong-issuer') token.payload.iss = 'https://not-the-provider.example';
  if (flaw === 'expired') Object.assign(token.payload, { iat: now - 3600, nbf: now - 3600, exp: now - 1800 });
  if (flaw === 'no-nonce') delete token.payload.nonce;
});

server.service.on('beforeResponse', (response, req) => {
  const { flaw } = hintFor(req);
  if (flaw !== 'bad-signature' || !response.body.id_token) return;
  const [header, payload, signature] = response.body.id_token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.citizen_id = '079085004321';
  const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
  response.body.id_token = `${header}.${forged}.${signature}`;
});

await server.start(0, '127.0.0.1');
// The package names the host "localhost"; the address it listens on is exact.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(JSON.stringify({ issuer: server.issuer.url }));

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
