import type { Core } from '@riposte/core';
import type { FastifyRequest } from 'fastify';
import type { SomeFalconHandlers } from './call.ts';
import { sendFalconError } from './envelope.ts';

interface ClientCredentials {
  id?: string;
  secret?: string;
  basic: boolean;
  /** Why the HTTP Basic credentials could not be read. */
  malformed?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Client credentials from HTTP Basic (generic OAuth2 libraries) or from the form (Falcon SDKs).
 * RFC 6749 §2.3.1 form-urlencodes id and secret inside Basic, so both are percent-decoded; a
 * header that is not valid base64 of UTF-8 or not valid percent-encoding is the client's fault.
 */
function clientCredentials(request: FastifyRequest, form: Record<string, string | undefined>): ClientCredentials {
  const m = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (m) {
    let decoded: string;
    try {
      decoded = strictUtf8.decode(Buffer.from(m[1], 'base64'));
    } catch {
      return { basic: true, malformed: 'HTTP Basic credentials are not valid UTF-8' };
    }
    const i = decoded.indexOf(':');
    if (i > 0) {
      let id: string;
      let secret: string;
      try {
        [id, secret] = [formDecode(decoded.slice(0, i)), formDecode(decoded.slice(i + 1))];
      } catch {
        return { basic: true, malformed: 'HTTP Basic credentials are not valid percent-encoding' };
      }
      if (`${id}${secret}`.includes('\u0000')) return { basic: true, malformed: 'HTTP Basic credentials hold a NUL character' };
      return { id, secret, basic: true };
    }
  }
  return { id: form.client_id, secret: form.client_secret, basic: false };
}

/** Percent-decoding ('+' is kept: curl -u and many clients send ids and secrets unencoded); throws URIError on a malformed escape. */
function formDecode(s: string): string {
  return decodeURIComponent(s);
}

export function oauth2Handlers(core: Core) {
  return {
    async oauth2AccessToken({ request, reply, body }) {
      const form = body ?? {};
      const { id, secret, malformed } = clientCredentials(request, form);
      if (malformed) {
        sendFalconError(request, reply, 400, malformed);
        return undefined;
      }
      if (!id || !secret) {
        sendFalconError(request, reply, 400, 'client_id and client_secret are required (form fields or HTTP Basic)');
        return undefined;
      }
      const client = await core.apiClients.authenticate(id, secret);
      if (!client || (form.member_cid && form.member_cid.toLowerCase() !== core.cid)) {
        request.log.info({ client_id: id }, 'token request denied');
        sendFalconError(request, reply, 403, 'access denied, authorization failed');
        return undefined;
      }
      const token = await core.tokens.issue(client);
      // The token answer is a bare OAuth2 object, not the Falcon envelope; and no X-Cs-Region
      // header, which would send SDKs to the vendor's cloud.
      reply.code(201).type('application/json').header('cache-control', 'no-store').send({
        access_token: token.access_token,
        token_type: 'bearer',
        expires_in: token.expires_in,
      });
      return undefined;
    },
    async oauth2RevokeToken({ request, reply, body }) {
      const form = body ?? {};
      const creds = clientCredentials(request, form);
      if (creds.malformed) {
        sendFalconError(request, reply, 400, creds.malformed);
        return undefined;
      }
      let clientId: string | undefined;
      if (creds.basic) {
        const client = await core.apiClients.authenticate(creds.id ?? '', creds.secret ?? '');
        if (!client) {
          sendFalconError(request, reply, 403, 'access denied, authorization failed');
          return undefined;
        }
        clientId = client.client_id;
      } else {
        // Whoever holds a token may give it up (falconjs revokes without client credentials).
        clientId = (await core.tokens.verify(form.token ?? ''))?.client_id;
      }
      if (clientId) await core.tokens.revoke(clientId, form.token ?? '');
      return { resources: [] };
    },
  } satisfies SomeFalconHandlers;
}
